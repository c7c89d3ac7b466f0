/* madvise and MADV_POPULATE_WRITE (Linux) are outside strict POSIX. */
#define _DEFAULT_SOURCE 1

#include "core/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

/* Blocks of PREFAULT_MIN bytes or more (index tables, lead chunks, arena
 * blocks: the bulk of a market) are faulted in by one system call when
 * they are allocated or grown, instead of one page fault per 4 KiB page as
 * they are first written: on the virtual machine of docs/performance.md a
 * page's first touch costs about 17 µs (4.4 s per GiB) one by one and a
 * quarter of a second per GiB in one call.  Pages already present (memory
 * the C library reuses) cost only the walk.  Nothing changes where the
 * call does not exist (kernels before 5.14, other systems) or fails. */
#define PREFAULT_MIN ((size_t)1 << 17)

static void prefault(void *p, size_t n)
{
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
    const uintptr_t page = 4096;
    uintptr_t from = ((uintptr_t)p + page - 1) & ~(page - 1);
    uintptr_t to = ((uintptr_t)p + n) & ~(page - 1);
    unsigned char first = 0, last = 0;
    if (to <= from)
        return;
    /* a block whose first and last pages are there already is memory the
     * C library reused: the walk over its pages would be all the call did
     * (about half a microsecond a page) */
    if (mincore((void *)from, page, &first) == 0 &&
        mincore((void *)(to - page), page, &last) == 0 && (first & last & 1))
        return;
    (void)madvise((void *)from, to - from, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)n;
#endif
}

static void *libc_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    void *q;
    (void)ud;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    q = realloc(ptr, nsize);
    if (q && nsize >= PREFAULT_MIN && nsize > osize)
        prefault(q, nsize);
    return q;
}

mtl_alloc_fn mtl__default_alloc(void) { return libc_alloc; }

void mtl__allocator_init(mtl__allocator *a, mtl_alloc_fn fn, void *user_data)
{
    a->fn = fn ? fn : libc_alloc;
    a->user_data = fn ? user_data : NULL;
    atomic_init(&a->used, 0);
}

void *mtl__alloc(mtl__allocator *a, size_t n)
{
    void *p;
    if (n == 0)
        return NULL;
    p = a->fn(a->user_data, NULL, 0, n);
    if (p)
        atomic_fetch_add_explicit(&a->used, n, memory_order_relaxed);
    return p;
}

void *mtl__alloc_zero(mtl__allocator *a, size_t n)
{
    void *p = mtl__alloc(a, n);
    if (p)
        memset(p, 0, n);
    return p;
}

void *mtl__alloc_array(mtl__allocator *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    return mtl__alloc(a, count * size);
}

void *mtl__realloc(mtl__allocator *a, void *p, size_t osize, size_t nsize)
{
    void *q;
    if (!p)
        return mtl__alloc(a, nsize);
    if (nsize == 0) {
        mtl__free(a, p, osize);
        return NULL;
    }
    q = a->fn(a->user_data, p, osize, nsize);
    if (q) {
        atomic_fetch_add_explicit(&a->used, nsize, memory_order_relaxed);
        atomic_fetch_sub_explicit(&a->used, osize, memory_order_relaxed);
    }
    return q;
}

void mtl__free(mtl__allocator *a, void *p, size_t n)
{
    if (!p)
        return;
    a->fn(a->user_data, p, n, 0);
    atomic_fetch_sub_explicit(&a->used, n, memory_order_relaxed);
}

int mtl__grow(mtl__allocator *a, void **arr, size_t *cap, size_t need,
              size_t size)
{
    size_t ncap;
    void *p;
    if (need <= *cap)
        return 1;
    ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / size)
            return 0;
        ncap *= 2;
    }
    if (ncap > SIZE_MAX / size)
        return 0;
    p = mtl__realloc(a, *arr, *cap * size, ncap * size);
    if (!p)
        return 0;
    *arr = p;
    *cap = ncap;
    return 1;
}

char *mtl__strndup(mtl__allocator *a, const char *s, size_t len)
{
    char *p = mtl__alloc(a, len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

void mtl__strfree(mtl__allocator *a, char *s)
{
    if (s)
        mtl__free(a, s, strlen(s) + 1);
}
