/* stats.h: the small statistics the analysis modules share. */
#ifndef MTL_ANALYSIS_STATS_H
#define MTL_ANALYSIS_STATS_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "core/alloc.h"

/* Standard normal quantile Φ^-1(p) for p in (0, 1) (Acklam's rational
 * approximation refined by one Halley step: ~1e-15 relative). */
double mtl__normal_quantile(double p);

/* Wilson score interval of k successes in n trials at confidence conf;
 * NaN bounds when n == 0.  Inline: the live funnel computes one per stage
 * after every update. */
static inline void mtl__wilson(int64_t k, int64_t n, double conf, double *low, double *high)
{
    double z, inv, ph, z2n, scale, center, half;
    if (n <= 0) {
        *low = *high = NAN;
        return;
    }
    /* the default level without the quantile's log and exp: the live
     * funnel reads it after every update */
    z = conf == 0.90 ? 1.6448536269514722 : mtl__normal_quantile(0.5 + conf / 2);
    /* (p + z^2/2n) / (1 + z^2/n) +- z / (1 + z^2/n) sqrt(p(1-p)/n + z^2/4n^2),
     * with two divisions */
    inv = 1.0 / (double)n;
    ph = (double)k * inv;
    z2n = z * z * inv;
    scale = 1.0 / (1 + z2n);
    center = (ph + z2n / 2) * scale;
    half = z * scale * sqrt((ph * (1 - ph) + z2n / 4) * inv);
    /* exactly 0 with no success and 1 with no failure (the formula can
     * miss them by an ulp, which would flag a 0% or 100% probability) */
    *low = k == 0 || center - half < 0 ? 0 : center - half;
    *high = k == n || center + half > 1 ? 1 : center + half;
}


/* The q-quantile of v[0..n) by linear interpolation between order
 * statistics (numpy's default, "type 7"); reorders v.  NaN when n == 0. */
double mtl__quantile_i32(int32_t *v, size_t n, double q);

/* Several q-quantiles (type 7, as above) of v[0..n) at once: by a
 * histogram of the values when their range is small (day counts), else
 * by selection; reorders v.  out[j] for q[j]; NaN when n == 0. */
void mtl__quantiles_i32(mtl__allocator *a, int32_t *v, size_t n, const double *q,
                        double *out, size_t nq);

#endif
