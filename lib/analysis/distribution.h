/* distribution.h: the exact distribution of a sum of independent weighted
 * Bernoulli variables on a grid (the engine behind forecast.c).
 *
 * S = Σ_j x_j B_j with B_j ~ Bernoulli(p_j) independent and x_j >= 0 given
 * in grid units (real).  Each x_j is split between floor(x_j) and
 * floor(x_j) + 1 in proportion, so E[S] stays exact: deal j takes the value
 * 0 with probability 1 - p_j, lo_j with p_j (1 - f_j) and lo_j + 1 with
 * p_j f_j, where lo_j = floor(x_j) and f_j = x_j - lo_j.  Integer x_j (the
 * won count: every x_j = 1) are not split.  The result is the probability
 * of every grid value in a window outside which less than `tail` of the
 * mass lies at each end. */
#ifndef MTL_ANALYSIS_DISTRIBUTION_H
#define MTL_ANALYSIS_DISTRIBUTION_H

#include <stddef.h>
#include <stdint.h>

#include "mtl/status.h"
#include "core/alloc.h"

typedef struct mtl__pmf {
    int64_t first; /* grid value of prob[0] */
    size_t size;   /* number of probabilities */
    double *prob;  /* size values, owned (allocator of the call) */
    /* Bound on Σ_k |prob[k] - exact[k]| over all k (mass trimmed away,
     * aliasing, frequencies dropped, rounding). */
    double error;
} mtl__pmf;

/* Default tail trimmed at each end. */
#define MTL__PMF_TAIL 1e-16
/* Window cap used when max_size is 0 (2^27 points, 1 GiB of doubles). */
#define MTL__PMF_MAX_SIZE ((size_t)1 << 27)

/* The distribution of S (see above).  p_j in [0, 1], x_j >= 0 and finite
 * (checked by the caller).  tail 0 = MTL__PMF_TAIL.  On failure *out is
 * zeroed and nothing is allocated.
 * Returns MTL_OK, MTL_E_LIMIT (window above max_size points) or
 * MTL_E_NO_MEMORY, with the error reported (core/error.h). */
mtl_status mtl__pmf_bernoulli_sum(mtl__allocator *a, const double *x,
                                  const double *p, size_t n, double tail,
                                  size_t max_size, mtl__pmf *out);

/* Remove one deal's factor from pmf (deconvolution), in the numerically
 * stable direction; out is a new pmf.  Returns MTL_OK, MTL_E_NO_MEMORY, or
 * MTL_E_RANGE when the result fails its checks (the caller then
 * recomputes from the deals). */
mtl_status mtl__pmf_remove(mtl__allocator *a, const mtl__pmf *pmf, double x,
                           double p, double tail, mtl__pmf *out);

/* Add one deal's factor (convolution with its 3-point distribution). */
mtl_status mtl__pmf_add(mtl__allocator *a, const mtl__pmf *pmf, double x,
                        double p, double tail, mtl__pmf *out);

void mtl__pmf_free(mtl__allocator *a, mtl__pmf *pmf);

/* mtl__pmf_bernoulli_sum with the method forced (tests, benchmarks):
 * AUTO picks by estimated cost; DIRECT convolves deal by deal; FOURIER
 * works on the characteristic function (distribution.c explains both).
 * max_size 0 means MTL__PMF_MAX_SIZE here and in mtl__pmf_bernoulli_sum;
 * a window whose tail bound (before trimming) spans 4 max_size points or
 * more is refused at once with MTL_E_LIMIT. */
enum { MTL__PMF_AUTO = 0, MTL__PMF_DIRECT = 1, MTL__PMF_FOURIER = 2 };
mtl_status mtl__pmf_bernoulli_sum_method(mtl__allocator *a, const double *x,
                                         const double *p, size_t n,
                                         double tail, size_t max_size,
                                         int method, mtl__pmf *out);

/* Mean and variance of the pmf (grid units; compensated sums). */
void mtl__pmf_moments(const mtl__pmf *pmf, double *mean, double *var);

/* Smallest grid value v with P(S <= v) >= q, the CDF taken with a slack of
 * MTL__PMF_QUANTILE_SLACK so that exact ties are not lost to rounding. */
#define MTL__PMF_QUANTILE_SLACK 1e-12
int64_t mtl__pmf_quantile(const mtl__pmf *pmf, double q);
/* P(S >= v) and E[max(0, v - S)] (v in grid units, real). */
double mtl__pmf_at_least(const mtl__pmf *pmf, int64_t v);
double mtl__pmf_shortfall(const mtl__pmf *pmf, double v);

#endif
