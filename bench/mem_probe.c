/*
 * mem-probe: two facts about the machine that bound libmtl's figures.
 *
 *   build/bench/mem-probe
 *
 * 1. First-touch cost: a fresh 1 GiB heap block written once, then again.
 *    On a virtual machine every first touch of a 4 KiB page traps to the
 *    hypervisor; a 10-million-lead market touches about 1 GiB.
 * 2. DRAM latency: a chain of dependent random reads over 128 MiB (what a
 *    hash lookup pays per cache miss), and independent random reads (what
 *    a pipelined bulk path pays).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

int main(void)
{
    size_t gib = (size_t)1 << 30, n = 16u << 20, i, p = 0;
    uint64_t s = 88172645463325252ULL, sum = 0;
    uint64_t *a;
    char *block = malloc(gib);
    double t0, t1, t2;
    if (!block)
        return 1;
    t0 = now();
    memset(block, 1, gib);
    t1 = now();
    memset(block, 2, gib);
    t2 = now();
    printf("first touch of 1 GiB   %.3f s  (%.2f us per 4 KiB page)\n", t1 - t0,
           (t1 - t0) / (double)(gib / 4096) * 1e6);
    printf("second write of 1 GiB  %.3f s  [%d]\n", t2 - t1,
           block[next(&s) % gib]);
    free(block);

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
