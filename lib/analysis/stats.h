/* stats.h: the small statistics the analysis modules share. */
#ifndef MTL_ANALYSIS_STATS_H
#define MTL_ANALYSIS_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "core/alloc.h"

/* Standard normal quantile Φ^-1(p) for p in (0, 1) (Acklam's rational
 * approximation refined by one Halley step: ~1e-15 relative). */
double mtl__normal_quantile(double p);

/* Wilson score interval of k successes in n trials at confidence conf;
 * NaN bounds when n == 0. */
void mtl__wilson(int64_t k, int64_t n, double conf, double *low, double *high);

/* The q-quantile of v[0..n) by linear interpolation between order
 * statistics (numpy's default, "type 7"); reorders v.  NaN when n == 0. */
double mtl__quantile_i32(int32_t *v, size_t n, double q);

/* Several q-quantiles (type 7, as above) of v[0..n) at once: by a
 * histogram of the values when their range is small (day counts), else
 * by selection; reorders v.  out[j] for q[j]; NaN when n == 0. */
void mtl__quantiles_i32(mtl__allocator *a, int32_t *v, size_t n, const double *q,
                        double *out, size_t nq);

#endif
