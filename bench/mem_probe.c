/*
 * mem-probe: two facts about the machine that bound libmtl's figures.
 *
 *   build/bench/mem-probe [MIB [IDLE_SECONDS]]
 *
 * 1. First-touch cost: fresh memory (MIB, default 1024) written once, in
 *    three ways, each in memory of its own: page by page (a fault per
 *    4 KiB page); faulted in first by madvise(MADV_POPULATE_WRITE), as
 *    libmtl's default allocator does for blocks of 128 KiB or more; and
 *    the same with transparent huge pages asked for (MADV_HUGEPAGE).
 *    Then the first memory written again.  Before each, the probe idles
 *    IDLE_SECONDS (default 0): a virtual machine whose balloon reports
 *    free pages hands memory that the guest freed back to the host after
 *    a few seconds, and its next first touch is a host fault as well.
 *    On a virtual machine every first touch of a page traps to the
 *    hypervisor; a 10-million-lead market touches about 1.35 GB.
 * 2. DRAM latency: a chain of dependent random reads over 128 MiB (what a
 *    hash lookup pays per cache miss), and independent random reads (what
 *    a pipelined bulk path pays).
 */
#define _GNU_SOURCE /* madvise, MADV_HUGEPAGE, MADV_POPULATE_WRITE */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

enum { PAGE_BY_PAGE, POPULATE, HUGE_POPULATE };

/* Fresh memory of len bytes (its own mapping, so that each way gets
 * pages it never had), prepared the given way and then written once:
 * the seconds of both, or a negative figure when the way does not exist
 * here.  *out keeps the memory for a second write. */
static double first_touch(size_t len, int way, unsigned idle, char **out)
{
#if defined(__linux__) && defined(MADV_POPULATE_WRITE) && defined(MADV_HUGEPAGE)
    const size_t huge = (size_t)2 << 20;
    char *map, *p;
    double t0;
    sleep(idle);
    map = mmap(NULL, len + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED)
        return -1;
    p = (char *)(((uintptr_t)map + huge - 1) & ~(uintptr_t)(huge - 1));
    t0 = now();
    if (way == HUGE_POPULATE && madvise(p, len, MADV_HUGEPAGE) != 0)
        return -1;
    if (way != PAGE_BY_PAGE && madvise(p, len, MADV_POPULATE_WRITE) != 0)
        return -1;
    memset(p, 1, len);
    *out = p;
    return now() - t0;
#else
    (void)len;
    (void)idle;
    (void)out;
    if (way != PAGE_BY_PAGE)
        return -1;
    {
        double t0 = now();
        if (!(*out = malloc(len)))
            return -1;
        memset(*out, 1, len);
        return now() - t0;
    }
#endif
}

int main(int argc, char **argv)
{
    static const char *const names[] = {"page by page", "MADV_POPULATE_WRITE first",
                                        "huge pages + MADV_POPULATE_WRITE"};
    size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 1024;
    unsigned idle = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 0;
    size_t len = mib << 20, n = 16u << 20, i, p = 0;
    uint64_t s = 88172645463325252ULL, sum = 0;
    uint64_t *a;
    char *block[3] = {NULL, NULL, NULL};
    int way;
    double t0, t1, t2;
    if (mib == 0)
        return 2;
    for (way = PAGE_BY_PAGE; way <= HUGE_POPULATE; way++) {
        double t = first_touch(len, way, idle, &block[way]);
        if (t < 0)
            printf("first touch of %zu MiB, %-34s not here\n", mib, names[way]);
        else
            printf("first touch of %zu MiB, %-34s %.3f s  (%.2f s per GiB)\n", mib,
                   names[way], t, t / (double)mib * 1024.0);
    }
    if (block[0]) {
        t0 = now();
        memset(block[0], 2, len);
        t1 = now();
        printf("second write of %zu MiB                                     %.3f s  [%d]\n",
               mib, t1 - t0, block[0][next(&s) % len]);
    }

    a = malloc(n * sizeof *a);
    if (!a)
        return 1;
    for (i = 0; i < n; i++)
        a[i] = i;
    for (i = n - 1; i > 0; i--) { /* random permutation: one long chain */
        size_t j = next(&s) % (i + 1);
        uint64_t t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
    t0 = now();
    for (i = 0; i < 5000000; i++)
        p = a[p];
    t1 = now();
    for (i = 0; i < 10000000; i++)
        sum += a[next(&s) % n];
    t2 = now();
    printf("dependent random read  %.0f ns  (128 MiB)\n", (t1 - t0) / 5e6 * 1e9);
    printf("independent random read %.1f ns  (128 MiB)  [%zu]\n",
           (t2 - t1) / 1e7 * 1e9, (size_t)((p + sum) % 7));
    free(a);
    return 0;
}
