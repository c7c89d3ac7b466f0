/* The default allocator (lib/core/alloc.c): blocks of 128 KiB and more are
 * faulted in by one madvise(MADV_POPULATE_WRITE) call when allocated or
 * grown.  What a block holds must survive its growth, and a new block must
 * be usable to its last byte; a prefault that dropped pages
 * (MADV_DONTNEED) or reached past the block would show here.  Internal
 * header: its own executable, like test_distribution. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/alloc.h"

static unsigned char pattern(size_t i)
{
    return (unsigned char)(i * 131 + (i >> 12) * 7 + 1);
}

static void check(const unsigned char *p, size_t from, size_t to)
{
    size_t i;
    for (i = from; i < to; i++)
        if (p[i] != pattern(i))
            fail_msg("byte %zu is %u, %u written", i, p[i], pattern(i));
}

static void test_growth_keeps_content(void **state)
{
    static const size_t sizes[] = {1000, (size_t)1 << 17, 3 << 18, 8 << 20, 40 << 20};
    mtl_alloc_fn fn = mtl__default_alloc();
    unsigned char *p = NULL;
    size_t k, old = 0, i;
    (void)state;
    for (k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        unsigned char *q = fn(NULL, p, old, sizes[k]);
        assert_non_null(q);
        check(q, 0, old);
        for (i = old; i < sizes[k]; i++)
            q[i] = pattern(i);
        check(q, 0, sizes[k]);
        p = q;
        old = sizes[k];
    }
    /* and a fresh large block next to it, written to its end */
    {
        unsigned char *r = fn(NULL, NULL, 0, (size_t)5 << 20);
        assert_non_null(r);
        for (i = 0; i < (size_t)5 << 20; i++)
            r[i] = pattern(i);
        check(r, 0, (size_t)5 << 20);
        check(p, 0, old);
        assert_null(fn(NULL, r, (size_t)5 << 20, 0));
    }
    assert_null(fn(NULL, p, old, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_growth_keeps_content),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
