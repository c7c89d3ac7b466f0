/* stats.c: normal quantile, Wilson interval, quantiles of day counts. */
#include <math.h>

#include "analysis/stats.h"

double mtl__normal_quantile(double p)
{
    static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02,
                                -2.759285104469687e+02, 1.383577518672690e+02,
                                -3.066479806614716e+01, 2.506628277459239e+00 };
    static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02,
                                -1.556989798598866e+02, 6.680131188771972e+01,
                                -1.328068155288572e+01 };
    static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01,
                                -2.400758277161838e+00, -2.549732539343734e+00,
                                4.374664141464968e+00, 2.938163982698783e+00 };
    static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01,
                                2.445134137142996e+00, 3.754408661907416e+00 };
    double q, r, x, e, u;
    if (!(p > 0.0 && p < 1.0))
        return p == 0.0 ? -INFINITY : p == 1.0 ? INFINITY : NAN;
    if (p < 0.02425) {
        q = sqrt(-2 * log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p <= 1 - 0.02425) {
        q = p - 0.5;
        r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    } else {
        q = sqrt(-2 * log1p(-p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    /* one Halley step on Φ(x) - p, Φ from erfc */
    e = 0.5 * erfc(-x / sqrt(2.0)) - p;
    u = e * 2.50662827463100050242 * exp(x * x / 2); /* sqrt(2 pi) */
    return x - u / (1 + x * u / 2);
}

/* the k-th smallest of v[0..n) (Hoare's selection), v reordered */
static int32_t select_kth(int32_t *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        int32_t pivot = v[lo + (hi - lo) / 2], t;
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                t = v[i], v[i] = v[j], v[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return v[k];
    }
    return v[k];
}

double mtl__quantile_i32(int32_t *v, size_t n, double q)
{
    double h, lo, hi;
    size_t k, j;
    if (n == 0)
        return NAN;
    h = q * (double)(n - 1);
    k = (size_t)floor(h);
    lo = select_kth(v, n, k);
    if (k + 1 >= n || h == (double)k)
        return lo;
    /* the next order statistic is the smallest of what select left above k */
    hi = v[k + 1];
    for (j = k + 2; j < n; j++)
        if (v[j] < hi)
            hi = v[j];
    return lo + (h - (double)k) * (hi - lo);
}

/* the k-th smallest value from a histogram of counts over [lo, lo + range) */
static int32_t hist_kth(const uint32_t *h, int32_t lo, size_t k)
{
    size_t seen = 0;
    int32_t x = 0;
    for (;; x++) {
        seen += h[x];
        if (seen > k)
            return lo + x;
    }
}

void mtl__quantiles_i32(mtl__allocator *a, int32_t *v, size_t n, const double *q,
                        double *out, size_t nq)
{
    int32_t lo, hi;
    size_t j, range;
    uint32_t *h;
    if (n == 0) {
        for (j = 0; j < nq; j++)
            out[j] = NAN;
        return;
    }
    lo = hi = v[0];
    for (j = 1; j < n; j++) {
        lo = v[j] < lo ? v[j] : lo;
        hi = v[j] > hi ? v[j] : hi;
    }
    range = (size_t)((int64_t)hi - lo) + 1;
    h = range <= 2 * n + 4096 && n <= UINT32_MAX
            ? mtl__alloc_zero(a, range * sizeof *h)
            : NULL;
    if (!h) {
        for (j = 0; j < nq; j++)
            out[j] = mtl__quantile_i32(v, n, q[j]);
        return;
    }
    for (j = 0; j < n; j++)
        h[v[j] - lo]++;
    for (j = 0; j < nq; j++) {
        double pos = q[j] * (double)(n - 1);
        size_t k = (size_t)floor(pos);
        double x = hist_kth(h, lo, k);
        out[j] = k + 1 < n && pos > (double)k
                     ? x + (pos - (double)k) * (hist_kth(h, lo, k + 1) - x)
                     : x;
    }
    mtl__free(a, h, range * sizeof *h);
}
