/* fft.h: complex FFT of power-of-two sizes and accurate roots of unity
 * (the distribution engine's Fourier tools; internal). */
#ifndef MTL_ANALYSIS_FFT_H
#define MTL_ANALYSIS_FFT_H

#include <stddef.h>
#include <stdint.h>

#include "mtl/status.h"
#include "core/alloc.h"

/* e^{2πi k/n} for n a power of two, to about one unit in the last place:
 * the argument is reduced to the first octant in integers, so no error
 * grows with k (a recurrence would drift). */
void mtl__cis_exact(uint64_t k, uint64_t n, double *re, double *im);

/* e^{2πi k/n} for any k (taken mod n) from two small tables, hi[k >> shift]
 * times lo[k & low_mask]: both entries are accurate to an ulp, so the
 * product is within a few ulps (|error| <= 4e-16), and the tables (about
 * 2 sqrt(n) entries) stay in cache. */
typedef struct mtl__cis {
    uint64_t n, mask, low_mask;
    unsigned shift;
    size_t nhi, nlo; /* entries (complex) */
    double *hi, *lo; /* interleaved re, im */
} mtl__cis;

mtl_status mtl__cis_init(mtl__allocator *a, mtl__cis *t, uint64_t n);
void mtl__cis_free(mtl__allocator *a, mtl__cis *t);

static inline void mtl__cis_at(const mtl__cis *t, uint64_t k, double *re,
                               double *im)
{
    const double *h, *l;
    k &= t->mask;
    h = t->hi + 2 * (k >> t->shift);
    l = t->lo + 2 * (k & t->low_mask);
    *re = h[0] * l[0] - h[1] * l[1];
    *im = h[0] * l[1] + h[1] * l[0];
}

/* A plan for complex transforms of n = 2^k points (n >= 1). */
typedef struct mtl__fft {
    size_t n;
    unsigned log2n;
    double *tw;    /* twiddles e^{+2πi j/(2h)}, j < h, for h = 1, 2, 4, ...
                      n/2 one after the other (n - 1 complex values) */
    uint32_t *rev; /* bit reversal of 0 .. n-1 */
} mtl__fft;

mtl_status mtl__fft_init(mtl__allocator *a, mtl__fft *f, size_t n);
void mtl__fft_free(mtl__allocator *a, mtl__fft *f);

/* In place, unnormalized: out[m] = Σ_u in[u] e^{sign 2πi u m / n}, sign
 * +1 or -1; data holds n complex values (re, im interleaved).  The input
 * is in bit-reversed order (in[u] at data[2 rev[u]]), the output in natural
 * order: callers that scatter a sparse spectrum write it there directly. */
void mtl__fft_run_bitrev(const mtl__fft *f, double *data, int sign);

/* The same with the input in natural order (permuted here first). */
void mtl__fft_run(const mtl__fft *f, double *data, int sign);

#endif
