/* distribution.c: the exact distribution of S = Σ_j x_j B_j on a grid.
 *
 * Two methods, chosen by estimated cost:
 *
 *  - direct: convolve the deals' 2- or 3-point distributions one after the
 *    other, keeping only partial sums that can still end in the window
 *    [L, R] (below: a rigorous tail bound); exact up to rounding.
 *
 *  - Fourier: the characteristic function modulo N (a power of two >= the
 *    window), φ(t) = Π_j g_j(t), g_j(t) = a_j + ω^{t lo_j} (b_j + c_j ω^t),
 *    ω = e^{2πi/N}.  S is a sum of many independent terms, so |φ(t)| is
 *    negligible at almost every t; since every |g_j| <= 1, any partial
 *    product bounds |φ(t)| from above.  For each t the deals that shrink
 *    |g| fastest (p near 1/2: E ln|g|^2 = 2 ln max(p, 1 - p) by Jensen's
 *    formula) are multiplied in until the bound falls below a threshold, and
 *    only the surviving t get the product over every deal.  The dropped
 *    frequencies add at most sqrt(Σ dropped bound^2) to the L1 error
 *    (Parseval and Cauchy-Schwarz over N points).  The inverse transform of
 *    the sparse spectrum is split into N/M interleaved cosets, each an
 *    M-point FFT (two real cosets per complex transform), M chosen by cost:
 *    M = N/2 is the classic real inverse FFT.
 *
 * Deals with the same (lo, a, b, c) many times over (the won count: every
 * x = 1) are grouped, and g^m is taken in polar form from log|g|^2 (via
 * versines, no cancellation) and m arg g.  Two-point deals whose amounts
 * share a factor g are computed on the lattice g Z and spread out.
 *
 * Windows come from Chernoff bounds (exact cumulant generating function
 * for the deals that deviate most, Bennett's lemma for the rest; see the
 * tail bounds below): [L, R] at tail / 4 bounds aliasing and pruning, and
 * the result of the Fourier method is cut to the window at tail itself,
 * because its far values are rounding noise (about 1e-18 each) whose sum
 * would not tell the trimmed mass.  The direct method's values are
 * accurate to a relative u each, so it trims on the computed mass.
 *
 * Removing a deal (what-if) deconvolves by a recursion from the end whose
 * coefficient dominates (stable by Rouché), else on the Fourier circle,
 * where the amplification of the errors is bounded by ||h||_1, h the
 * circular inverse of the deal's distribution. */
#include "analysis/distribution.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/fft.h"
#include "core/error.h"

#define UNIT_ROUNDOFF (DBL_EPSILON / 2)
#define TWO_PI 6.28318530717958647692528676655900577

/* Amounts at or above 2^53 grid units are not exact doubles. */
#define X_MAX 9007199254740992.0
/* Sums and windows stay below 2^62 so that int64 arithmetic never
 * overflows. */
#define SUM_MAX ((uint64_t)1 << 62)
/* Groups of at least this many equal deals are raised to their power. */
#define POWER_MIN 16
/* Largest Fourier size. */
#define FOURIER_MAX_LOG2 31

/* One deal (or a group of m equal ones): 0 w.p. a, lo w.p. b, lo + 1 w.p.
 * c (c = 0: two points), lo >= 1. */
typedef struct deal {
    double a, b, c;
    uint64_t lo, m;
} deal;

/* ---- normalization ---------------------------------------------------- */

/* Reduce (x, p) to a deal with lo >= 1 plus a deterministic shift.
 * Returns 1 (a deal in *d), 0 (nothing left beyond the shift) or -1 (x too
 * large). */
static int deal_make(double x, double p, deal *d, uint64_t *shift)
{
    double f, lo;
    if (!(p > 0) || !(x > 0))
        return 0;
    if (!(x < X_MAX))
        return -1;
    lo = floor(x);
    f = x - lo;
    d->m = 1;
    if (p >= 1) {
        /* certain: lo always, plus 1 with probability f */
        *shift += (uint64_t)lo;
        if (f == 0)
            return 0;
        d->lo = 1;
        d->a = 1 - f;
        d->b = f;
        d->c = 0;
        return 1;
    }
    if (lo == 0) {
        /* 0 < x < 1: the values 0 and 1 */
        d->lo = 1;
        d->b = p * f;
        d->a = 1 - d->b;
        d->c = 0;
        return d->b > 0;
    }
    d->lo = (uint64_t)lo;
    d->a = 1 - p;
    if (f == 0) {
        d->b = p;
        d->c = 0;
    } else {
        d->b = p * (1 - f);
        d->c = p * f;
    }
    return 1;
}

static uint64_t deal_hi(const deal *d) { return d->lo + (d->c > 0); }

static double deal_mean(const deal *d)
{
    return d->b * (double)d->lo + d->c * ((double)d->lo + 1);
}

/* Variance as Σ prob (value - mean)^2: no cancellation. */
static double deal_var(const deal *d)
{
    double mu = deal_mean(d), lo = (double)d->lo;
    return d->a * mu * mu + d->b * (lo - mu) * (lo - mu) +
           d->c * (lo + 1 - mu) * (lo + 1 - mu);
}

/* E ln|g|^2 over a uniform phase: 2 ln max(p, 1 - p) by Jensen's formula
 * (the decay rate of the Fourier bound, sort_key). */
static double deal_rate(const deal *d)
{
    double pm = d->a > 0.5 ? d->a : 1 - d->a;
    return pm < 1 ? -2 * log(pm) : 0;
}

/* ---- the working set of a sum ------------------------------------------ */

typedef struct sum_ctx {
    mtl__allocator *a;
    deal *d;          /* groups */
    size_t nd, cap;   /* groups, allocated */
    uint64_t steps;   /* Σ m */
    uint64_t shift;   /* certain part */
    uint64_t support; /* Σ m hi: the largest value */
    double mean, var;
    int64_t L, R;     /* window of S - shift */
    double eps_lo, eps_hi; /* bounds on P(S < L), P(S > R) */
    int64_t Lt, Rt;   /* trimmed window (Fourier) */
    double tail_lo, tail_hi; /* bounds on P(S < Lt), P(S > Rt) */
    double tail;
} sum_ctx;

static uint64_t hash_deal(const deal *d)
{
    uint64_t h, bb, cb;
    memcpy(&bb, &d->b, sizeof bb);
    memcpy(&cb, &d->c, sizeof cb);
    h = d->lo * UINT64_C(0x9e3779b97f4a7c15);
    h ^= bb + UINT64_C(0x632be59bd9b4e019) + (h << 6) + (h >> 2);
    h ^= cb + UINT64_C(0x8cb92ba72f3d8dd7) + (h << 6) + (h >> 2);
    h ^= h >> 29;
    h *= UINT64_C(0xbf58476d1ce4e5b9);
    return h ^ (h >> 32);
}

static int deal_same(const deal *x, const deal *y)
{
    return x->lo == y->lo && x->a == y->a && x->b == y->b && x->c == y->c;
}

/* Normalize and group the deals.  Returns MTL_OK, MTL_E_LIMIT or
 * MTL_E_NO_MEMORY. */
static mtl_status ctx_build(sum_ctx *cx, const double *x, const double *p,
                            size_t n)
{
    uint32_t *table = NULL;
    size_t tsize = 0, i;
    mtl_status st = MTL_OK;
    if (n == 0)
        return MTL_OK;
    if (n >= UINT32_MAX)
        return mtl__error(MTL_E_LIMIT, "%zu deals: at most 2^32 - 2", n);
    cx->d = mtl__alloc_array(cx->a, n, sizeof *cx->d);
    if (!cx->d)
        return mtl__error_oom();
    cx->cap = n;
    if (n >= 64) {
        tsize = 64;
        while (tsize < 2 * n)
            tsize *= 2;
        table = mtl__alloc_array(cx->a, tsize, sizeof *table);
        if (!table)
            return mtl__error_oom();
        memset(table, 0, tsize * sizeof *table);
    }
    for (i = 0; i < n; i++) {
        deal d;
        int r = deal_make(x[i], p[i], &d, &cx->shift);
        if (r < 0) {
            st = mtl__error(MTL_E_LIMIT, "amount %g grid units: the window "
                            "would exceed 2^53 points", x[i]);
            break;
        }
        if (cx->shift > SUM_MAX) {
            st = mtl__error(MTL_E_LIMIT, "the sum exceeds 2^62 grid units");
            break;
        }
        if (r == 0)
            continue;
        if (table) {
            size_t slot = (size_t)hash_deal(&d) & (tsize - 1);
            while (table[slot] && !deal_same(&cx->d[table[slot] - 1], &d))
                slot = (slot + 1) & (tsize - 1);
            if (table[slot]) {
                cx->d[table[slot] - 1].m++;
                continue;
            }
            table[slot] = (uint32_t)cx->nd + 1;
        }
        cx->d[cx->nd++] = d;
    }
    mtl__free(cx->a, table, tsize * sizeof *table);
    return st;
}

static void ctx_free(sum_ctx *cx)
{
    mtl__free(cx->a, cx->d, cx->cap * sizeof *cx->d);
    cx->d = NULL;
    cx->cap = cx->nd = 0;
}

/* ---- tail bounds ------------------------------------------------------ */

/* Chernoff: P(±(S - μ) >= d) <= exp(K(λ) - λ d) for every λ > 0, K the
 * cumulant generating function of ±(S - μ); the deviation at level eps is
 * min over λ of (K(λ) + ln(1/eps)) / λ.  K is summed exactly over the
 * TAIL_EXACT groups with the largest deviation on that side; the others
 * are bounded by Bennett's lemma, ln E e^{λX} <= Var X (e^{λM} - 1 - λM)
 * / M^2 for X <= M (Boucheron, Lugosi, Massart, "Concentration
 * Inequalities", 2013, §2.7), M their largest deviation.  Any λ gives a
 * valid bound, so the search needs no precision beyond tightness. */
#define TAIL_EXACT 256
#define TAIL_BINS 512

typedef struct side_bound {
    double sign;             /* +1 upper tail, -1 lower */
    uint32_t exact[TAIL_EXACT];
    size_t nexact;
    double v_rest, m_rest;   /* Bennett part */
} side_bound;

static double deal_dev(const deal *d, double sign)
{
    double mu = deal_mean(d);
    return sign > 0 ? (double)deal_hi(d) - mu : mu;
}

static unsigned dev_bin(double x)
{
    int e, b;
    double f = frexp(x, &e);
    b = 4 * (e + 63) + (int)((f - 0.5) * 8);
    return b < 0 ? 0 : b >= TAIL_BINS ? TAIL_BINS - 1 : (unsigned)b;
}

static void side_init(side_bound *sb, const sum_ctx *cx, double sign)
{
    size_t count[TAIL_BINS], i, above = 0;
    unsigned cut = TAIL_BINS;
    memset(sb, 0, sizeof *sb);
    sb->sign = sign;
    memset(count, 0, sizeof count);
    for (i = 0; i < cx->nd; i++)
        count[dev_bin(deal_dev(&cx->d[i], sign))]++;
    /* the highest bins that fit in TAIL_EXACT are summed exactly */
    while (cut > 0 && above + count[cut - 1] <= TAIL_EXACT)
        above += count[--cut];
    for (i = 0; i < cx->nd; i++) {
        const deal *d = &cx->d[i];
        double dev = deal_dev(d, sign);
        if (dev_bin(dev) >= cut)
            sb->exact[sb->nexact++] = (uint32_t)i;
        else {
            sb->v_rest += (double)d->m * deal_var(d);
            if (dev > sb->m_rest)
                sb->m_rest = dev;
        }
    }
}

/* e^x - 1 - x for x >= 0 without cancellation. */
static double exp_rest(double x)
{
    if (x < 1e-3)
        return x * x * (0.5 + x * (1.0 / 6 + x / 24));
    return expm1(x) - x;
}

/* K(λ) for λ > 0 on one side (an upper bound). */
static double side_cgf(const side_bound *sb, const sum_ctx *cx, double lam)
{
    double k = 0, sl = sb->sign * lam;
    size_t i;
    for (i = 0; i < sb->nexact; i++) {
        const deal *d = &cx->d[sb->exact[i]];
        double mu = deal_mean(d), lo = (double)d->lo;
        double e = d->a * expm1(-sl * mu) + d->b * expm1(sl * (lo - mu)) +
                   d->c * expm1(sl * (lo + 1 - mu));
        k += (double)d->m * log1p(e);
    }
    if (sb->v_rest > 0)
        k += sb->m_rest > 0
                 ? sb->v_rest * exp_rest(lam * sb->m_rest) /
                       (sb->m_rest * sb->m_rest)
                 : sb->v_rest * lam * lam / 2;
    return k;
}

/* The deviation d with P(±(S - μ) >= d) <= eps: golden-section search on
 * ln λ (the objective is unimodal: K is convex). */
static double side_dev(const side_bound *sb, const sum_ctx *cx, double eps)
{
    const double g = 0.6180339887498949, l = log(1 / eps);
    double lam0, x0, x1, a, b, f0, f1, best;
    int it;
    if (!(cx->var > 0))
        return 0;
    lam0 = sqrt(2 * l / cx->var);
    a = log(lam0) - 5;
    b = log(lam0) + 3;
    x0 = b - g * (b - a);
    x1 = a + g * (b - a);
    f0 = (side_cgf(sb, cx, exp(x0)) + l) / exp(x0);
    f1 = (side_cgf(sb, cx, exp(x1)) + l) / exp(x1);
    for (it = 0; it < 24; it++) {
        if (!(f0 <= f1)) { /* NaN or inf at x0: move right */
            a = x0;
            x0 = x1;
            f0 = f1;
            x1 = a + g * (b - a);
            f1 = (side_cgf(sb, cx, exp(x1)) + l) / exp(x1);
        } else {
            b = x1;
            x1 = x0;
            f1 = f0;
            x0 = b - g * (b - a);
            f0 = (side_cgf(sb, cx, exp(x0)) + l) / exp(x0);
        }
    }
    best = f0 < f1 ? f0 : f1;
    return best == best ? best : HUGE_VAL;
}

/* [mean - d_lo, mean + d_hi] as grid values clamped to [0, support]. */
static void dev_window(const sum_ctx *cx, double dlo, double dhi, int64_t *L,
                       int64_t *R)
{
    double lo = cx->mean - dlo, hi = cx->mean + dhi;
    *L = !(lo > 0) ? 0 : lo >= (double)cx->support ? (int64_t)cx->support
                                                   : (int64_t)floor(lo);
    *R = hi >= (double)cx->support ? (int64_t)cx->support
                                   : (int64_t)ceil(hi);
    if (*R < *L)
        *R = *L;
}

/* Moments, support, the window [L, R] outside which at most eps_lo and
 * eps_hi of the mass lie (eps = tail / 4, tail at most the default:
 * aliasing and pruning), and the narrower [Lt, Rt] with less than tail
 * outside at each end (the trim of the Fourier result, whose far values
 * are rounding noise). */
static mtl_status ctx_window(sum_ctx *cx)
{
    size_t i;
    side_bound *sb;
    /* the accuracy inside the window does not depend on a coarse tail */
    double eps = (cx->tail < MTL__PMF_TAIL ? cx->tail : MTL__PMF_TAIL) / 4;
    cx->support = 0;
    for (i = 0; i < cx->nd; i++) {
        const deal *d = &cx->d[i];
        double m = (double)d->m;
        if (deal_hi(d) > SUM_MAX / d->m ||
            cx->support + d->m * deal_hi(d) > SUM_MAX)
            return mtl__error(MTL_E_LIMIT, "the sum exceeds 2^62 grid units");
        cx->support += d->m * deal_hi(d);
        cx->steps += d->m;
        cx->mean += m * deal_mean(d);
        cx->var += m * deal_var(d);
    }
    sb = mtl__alloc(cx->a, 2 * sizeof *sb);
    if (!sb)
        return mtl__error_oom();
    side_init(&sb[0], cx, -1);
    side_init(&sb[1], cx, 1);
    dev_window(cx, side_dev(&sb[0], cx, eps), side_dev(&sb[1], cx, eps),
               &cx->L, &cx->R);
    dev_window(cx, side_dev(&sb[0], cx, cx->tail),
               side_dev(&sb[1], cx, cx->tail), &cx->Lt, &cx->Rt);
    mtl__free(cx->a, sb, 2 * sizeof *sb);
    if (cx->Lt < cx->L)
        cx->Lt = cx->L;
    if (cx->Rt > cx->R)
        cx->Rt = cx->R;
    cx->eps_lo = cx->L > 0 ? eps : 0;
    cx->eps_hi = (uint64_t)cx->R < cx->support ? eps : 0;
    cx->tail_lo = cx->Lt > 0 ? cx->tail : 0;
    cx->tail_hi = (uint64_t)cx->Rt < cx->support ? cx->tail : 0;
    return MTL_OK;
}

/* ---- the result: trim, clamp, copy ------------------------------------- */

/* y (cap values, owned: kept as the result or freed here) holds in
 * [0, len) the probabilities of first, first + 1, ...; err is the error so
 * far.  Trims less than tail (0: the default) at each end, clamps negative
 * rounding noise to 0 (both added to the error), and shrinks y in place
 * to the result. */
static mtl_status finish(mtl__allocator *a, double *y, size_t cap, size_t len,
                         int64_t first, double tail, double err,
                         size_t max_size, mtl__pmf *out)
{
    size_t lo = 0, hi = len, i;
    double cum = 0, clamped = 0, *prob;
    if (!(tail > 0))
        tail = MTL__PMF_TAIL;
    while (lo + 1 < hi) {
        double v = y[lo] > 0 ? y[lo] : 0;
        if (cum + v >= tail)
            break;
        cum += v;
        lo++;
    }
    err += cum;
    cum = 0;
    while (hi > lo + 1) {
        double v = y[hi - 1] > 0 ? y[hi - 1] : 0;
        if (cum + v >= tail)
            break;
        cum += v;
        hi--;
    }
    err += cum;
    if (hi - lo > max_size) {
        mtl__free(a, y, cap * sizeof *y);
        return mtl__error(MTL_E_LIMIT, "the distribution needs %zu points, "
                          "above the limit of %zu", hi - lo, max_size);
    }
    for (i = lo; i < hi; i++)
        if (y[i] < 0) {
            clamped -= y[i];
            y[i] = 0;
        }
    if (lo > 0)
        memmove(y, y + lo, (hi - lo) * sizeof *y);
    prob = hi - lo == cap ? y
                          : mtl__realloc(a, y, cap * sizeof *y,
                                         (hi - lo) * sizeof *y);
    if (!prob) {
        mtl__free(a, y, cap * sizeof *y);
        return mtl__error_oom();
    }
    out->prob = prob;
    out->first = first + (int64_t)lo;
    out->size = hi - lo;
    out->error = err + clamped;
    return MTL_OK;
}

/* ---- direct convolution ------------------------------------------------ */

/* dst[v - db] += coef src[v - shift - sb] over the overlap. */
static void axpy_shifted(double *dst, int64_t db, size_t dw, const double *src,
                         int64_t sb, size_t sw, double coef, int64_t shift)
{
    int64_t from = sb + shift, to = sb + shift + (int64_t)sw;
    size_t i, n;
    double *o;
    const double *s;
    if (coef == 0)
        return;
    if (from < db)
        from = db;
    if (to > db + (int64_t)dw)
        to = db + (int64_t)dw;
    if (from >= to)
        return;
    n = (size_t)(to - from);
    o = dst + (from - db);
    s = src + (from - shift - sb);
    for (i = 0; i < n; i++)
        o[i] += coef * s[i];
}

static int cmp_deal_hi_desc(const void *x, const void *y)
{
    uint64_t a = deal_hi(x), b = deal_hi(y);
    return a < b ? 1 : a > b ? -1 : 0;
}

/* Widths of the partial windows, in the current order: their sum (the
 * cost) and their maximum. */
static void direct_plan(const sum_ctx *cx, double *cost, size_t *maxw)
{
    int64_t sb = 0, se = 0, rem = (int64_t)cx->support;
    size_t i, w = 1;
    uint64_t k;
    double c = 0;
    for (i = 0; i < cx->nd; i++) {
        const deal *d = &cx->d[i];
        int64_t h = (int64_t)deal_hi(d);
        for (k = 0; k < d->m; k++) {
            int64_t nb, ne;
            rem -= h;
            nb = cx->L - rem > sb ? cx->L - rem : sb;
            ne = se + h < cx->R ? se + h : cx->R;
            if (ne < nb)
                ne = nb;
            sb = nb;
            se = ne;
            c += (double)(se - sb + 1);
            if ((size_t)(se - sb + 1) > w)
                w = (size_t)(se - sb + 1);
            if (c > 1e15)
                break;
        }
    }
    *cost = c;
    *maxw = w;
}

static mtl_status sum_direct(sum_ctx *cx, size_t max_size, mtl__pmf *out)
{
    double cost, *buf[2] = {NULL, NULL};
    size_t maxw, sw = 1, cur = 0, i;
    int64_t sb = 0, rem = (int64_t)cx->support;
    uint64_t k;
    mtl_status st;
    if (cx->nd > 1)
        qsort(cx->d, cx->nd, sizeof *cx->d, cmp_deal_hi_desc);
    direct_plan(cx, &cost, &maxw);
    buf[0] = mtl__alloc_array(cx->a, maxw, sizeof(double));
    buf[1] = mtl__alloc_array(cx->a, maxw, sizeof(double));
    if (!buf[0] || !buf[1]) {
        st = mtl__error_oom();
        goto done;
    }
    buf[0][0] = 1;
    for (i = 0; i < cx->nd; i++) {
        const deal *d = &cx->d[i];
        int64_t h = (int64_t)deal_hi(d);
        for (k = 0; k < d->m; k++) {
            int64_t se = sb + (int64_t)sw - 1, nb, ne;
            size_t nw;
            double *dst = buf[cur ^ 1];
            rem -= h;
            nb = cx->L - rem > sb ? cx->L - rem : sb;
            ne = se + h < cx->R ? se + h : cx->R;
            if (ne < nb)
                ne = nb;
            nw = (size_t)(ne - nb + 1);
            memset(dst, 0, nw * sizeof *dst);
            axpy_shifted(dst, nb, nw, buf[cur], sb, sw, d->a, 0);
            axpy_shifted(dst, nb, nw, buf[cur], sb, sw, d->b, (int64_t)d->lo);
            axpy_shifted(dst, nb, nw, buf[cur], sb, sw, d->c,
                         (int64_t)d->lo + 1);
            cur ^= 1;
            sb = nb;
            sw = nw;
        }
    }
    /* rounding: at most 4 u of the mass per step (non-negative terms);
     * pruned partial sums end outside [L, R] */
    st = finish(cx->a, buf[cur], maxw, sw, sb + (int64_t)cx->shift, cx->tail,
                4 * UNIT_ROUNDOFF * (double)cx->steps + cx->eps_lo +
                    cx->eps_hi,
                max_size, out);
    buf[cur] = NULL;
done:
    mtl__free(cx->a, buf[0], maxw * sizeof(double));
    mtl__free(cx->a, buf[1], maxw * sizeof(double));
    return st;
}

/* ---- Fourier ----------------------------------------------------------- */

/* A single deal for the Fourier pass: k = lo mod N; for the bulk bound
 * |g|^2 = k0 + A cos θ + B cos θ lo + C cos θ (lo + 1) with k0 = a^2 + b^2
 * + c^2 (plus the slack below), A = 2bc, B = 2ab, C = 2ac. */
typedef struct fdeal {
    double a, b, c, k0, ca, cb, cc;
    uint64_t k;
} fdeal;

/* A group raised to the power m; vab = 2ab, vac = 2ac, vbc = 2bc. */
typedef struct fpower {
    double a, b, c, m, vab, vac, vbc;
    uint64_t k;
} fpower;

typedef struct fsurv {
    uint64_t t;
    double re, im;
} fsurv;

typedef struct fourier {
    mtl__allocator *a;
    uint64_t n, half;
    mtl__cis cis;
    fdeal *s;
    size_t ns;
    fpower *pw;
    size_t np;
    fsurv *sv;
    size_t nsv, svcap;
} fourier;

/* |g|^2 is computed within ~10u (tables, the combination): adding 20u
 * bounds the true value. */
#define MAG2_SLACK (20 * UNIT_ROUNDOFF)

/* 1 - cos from cos and sin without cancellation. */
static double versine(double c, double s)
{
    return c >= 0 ? s * s / (1 + c) : 1 - c;
}

/* m ln|g|^2 and m arg g of a power group, with the slack (bound != 0) or
 * without.  |g|^2 = 1 - 2ab vers(θ lo) - 2ac vers(θ (lo + 1))
 * - 2bc vers(θ), which keeps its accuracy when |g| is near 1. */
static void fpower_eval(const fpower *g, const mtl__cis *cis, uint64_t t,
                        double wr, double wi, double vt, int bound,
                        double *lmag2, double *phase)
{
    double zr, zi, cr, ci, v, re, im, mag2;
    mtl__cis_at(cis, t * g->k, &zr, &zi);
    cr = zr * wr - zi * wi;
    ci = zi * wr + zr * wi;
    v = g->vab * versine(zr, zi) + g->vac * versine(cr, ci) + g->vbc * vt;
    re = g->a + g->b * zr + g->c * cr;
    im = g->b * zi + g->c * ci;
    if (bound) {
        *lmag2 = g->m * (v < 0.5 ? log1p(-v + MAG2_SLACK)
                                 : log(re * re + im * im + MAG2_SLACK));
        return;
    }
    mag2 = re * re + im * im;
    *lmag2 = g->m * (v < 0.5 ? log1p(-v) : log(mag2));
    *phase = mag2 > 0 ? g->m * atan2(im, re) : 0;
}


/* |g|^2 + slack of a single deal at t (w = ω^t). */
static inline double fdeal_mag2(const fdeal *d, const mtl__cis *cis,
                                uint64_t t, double wr, double wi)
{
    uint64_t k = (t * d->k) & cis->mask;
    const double *h = cis->hi + 2 * (k >> cis->shift),
                 *l = cis->lo + 2 * (k & cis->low_mask);
    double ca = h[0] * l[0] - h[1] * l[1], sa = h[0] * l[1] + h[1] * l[0];
    return d->k0 + d->ca * wr + d->cb * ca + d->cc * (ca * wr - sa * wi);
}

/* Bulk test of one t: the product bound over power groups, then singles,
 * until it falls below thr2.  Returns the bound (squared). */
static double fourier_bound(const fourier *fx, uint64_t t, double thr2,
                            double lthr2)
{
    double wr, wi, vt, l = 0, b0, b1;
    size_t j;
    mtl__cis_at(&fx->cis, t, &wr, &wi);
    if (fx->np) {
        vt = versine(wr, wi);
        for (j = 0; j < fx->np; j++) {
            double lm;
            fpower_eval(&fx->pw[j], &fx->cis, t, wr, wi, vt, 1, &lm, NULL);
            l += lm;
            if (l < lthr2)
                return exp(l);
        }
    }
    b0 = exp(l);
    b1 = 1;
    for (j = 0; j + 2 <= fx->ns; j += 2) {
        b0 *= fdeal_mag2(&fx->s[j], &fx->cis, t, wr, wi);
        b1 *= fdeal_mag2(&fx->s[j + 1], &fx->cis, t, wr, wi);
        if (b0 * b1 < thr2)
            return b0 * b1;
    }
    if (j < fx->ns)
        b0 *= fdeal_mag2(&fx->s[j], &fx->cis, t, wr, wi);
    return b0 * b1;
}

/* φ(t) over every deal for each survivor (re, im in place); *rel bounds
 * the relative rounding error of any of them.  Deals outside, survivors
 * inside: every deal is read once and the products are independent. */
static mtl_status fourier_exact(fourier *fx, double *relmax)
{
    size_t nk = fx->nsv, i, j;
    double *w = mtl__alloc_array(fx->a, nk, 4 * sizeof *w);
    if (!w)
        return mtl__error_oom();
    *relmax = 0;
    for (i = 0; i < nk; i++) {
        double *wi = w + 4 * i;
        mtl__cis_at(&fx->cis, fx->sv[i].t, &wi[0], &wi[1]);
        wi[2] = 1; /* the product */
        wi[3] = 0;
    }
    for (j = 0; j < fx->ns; j++) {
        const fdeal *d = &fx->s[j];
        for (i = 0; i < nk; i++) {
            double *wi = w + 4 * i, zr, zi, ur, ui, gr, gi, nr;
            mtl__cis_at(&fx->cis, fx->sv[i].t * d->k, &zr, &zi);
            ur = d->b + d->c * wi[0];
            ui = d->c * wi[1];
            gr = d->a + zr * ur - zi * ui;
            gi = zr * ui + zi * ur;
            nr = wi[2] * gr - wi[3] * gi;
            wi[3] = wi[2] * gi + wi[3] * gr;
            wi[2] = nr;
        }
    }
    for (i = 0; i < nk; i++) {
        fsurv *sv = &fx->sv[i];
        double *wi = w + 4 * i, rel = 10 * UNIT_ROUNDOFF * (double)fx->ns;
        sv->re = wi[2];
        sv->im = wi[3];
        if (fx->np) {
            double l = 0, ph = 0, vt = versine(wi[0], wi[1]), mag, cr, ci,
                   nr;
            for (j = 0; j < fx->np; j++) {
                double lm, pa;
                fpower_eval(&fx->pw[j], &fx->cis, sv->t, wi[0], wi[1], vt, 0,
                            &lm, &pa);
                l += lm;
                ph += pa;
                rel += (20 + fabs(lm) + fabs(pa)) * UNIT_ROUNDOFF;
            }
            mag = exp(0.5 * l);
            cr = mag * cos(ph);
            ci = mag * sin(ph);
            nr = sv->re * cr - sv->im * ci;
            sv->im = sv->re * ci + sv->im * cr;
            sv->re = nr;
        }
        if (sv->t == 0) {
            sv->re = 1;
            sv->im = 0;
            rel = 0;
        }
        if (rel > *relmax)
            *relmax = rel;
    }
    mtl__free(fx->a, w, nk * 4 * sizeof *w);
    return MTL_OK;
}

/* Order of the single deals for the bulk test: fastest decay first.  For
 * a t where the phases θ lo spread over the circle, E ln|g|^2 =
 * 2 ln max(p, 1 - p) (Jensen's formula); tiny amounts (below 2 grid
 * units) turn slowly and count less.  Buckets of 5% in that rate, then of
 * a quarter octave in the amount, largest first (they also decay fastest
 * at low t); a counting sort, O(n). */
#define RATE_BUCKETS 144
#define AMOUNT_BUCKETS 160

static unsigned sort_key(const deal *d)
{
    const double top = 2 * 0.69314718055994531, step = 0.04879016416943205;
    double x = deal_mean(d) / (1 - d->a), rate = deal_rate(d), f;
    unsigned rb, xb;
    int e, b;
    if (x < 2)
        rate *= x * x / 4;
    if (rate >= top)
        rb = 0;
    else if (!(rate > 0))
        rb = RATE_BUCKETS - 1;
    else {
        double r = log(top / rate) / step;
        rb = r >= RATE_BUCKETS - 1 ? RATE_BUCKETS - 1 : (unsigned)r;
    }
    f = frexp(x, &e); /* x = f 2^e, f in [0.5, 1) */
    b = 4 * (e - 1) + (int)((f - 0.5) * 8);
    xb = b < 0 ? 0 : b >= AMOUNT_BUCKETS ? AMOUNT_BUCKETS - 1 : (unsigned)b;
    return rb * AMOUNT_BUCKETS + (AMOUNT_BUCKETS - 1 - xb);
}

static void fdeal_set(fdeal *f, const deal *d, uint64_t k)
{
    f->a = d->a;
    f->b = d->b;
    f->c = d->c;
    f->k0 = d->a * d->a + d->b * d->b + d->c * d->c + MAG2_SLACK;
    f->ca = 2 * d->b * d->c;
    f->cb = 2 * d->a * d->b;
    f->cc = 2 * d->a * d->c;
    f->k = k;
}

static void fourier_free(fourier *fx)
{
    mtl__cis_free(fx->a, &fx->cis);
    mtl__free(fx->a, fx->s, fx->ns * sizeof *fx->s);
    mtl__free(fx->a, fx->pw, fx->np * sizeof *fx->pw);
    mtl__free(fx->a, fx->sv, fx->svcap * sizeof *fx->sv);
    memset(fx, 0, sizeof *fx);
}

/* The Fourier working set: tables, power groups, and the single deals in
 * bulk order (groups of fewer than POWER_MIN expanded). */
static mtl_status fourier_setup(fourier *fx, const sum_ctx *cx)
{
    const size_t nb = (size_t)RATE_BUCKETS * AMOUNT_BUCKETS;
    size_t i, ns = 0, np = 0, sum = 0;
    uint32_t *count = NULL, *key = NULL;
    mtl_status st;
    for (i = 0; i < cx->nd; i++) {
        if (cx->d[i].m >= POWER_MIN)
            np++;
        else
            ns += (size_t)cx->d[i].m;
    }
    st = mtl__cis_init(fx->a, &fx->cis, fx->n);
    if (st != MTL_OK)
        return st;
    fx->s = ns ? mtl__alloc_array(fx->a, ns, sizeof *fx->s) : NULL;
    fx->ns = fx->s ? ns : 0;
    fx->pw = np ? mtl__alloc_array(fx->a, np, sizeof *fx->pw) : NULL;
    fx->np = fx->pw ? np : 0;
    if (ns) {
        count = mtl__alloc_array(fx->a, nb, sizeof *count);
        key = mtl__alloc_array(fx->a, cx->nd, sizeof *key);
    }
    if ((ns && (!fx->s || !count || !key)) || (np && !fx->pw)) {
        st = mtl__error_oom();
        goto done;
    }
    if (ns)
        memset(count, 0, nb * sizeof *count);
    np = 0;
    for (i = 0; i < cx->nd; i++) {
        const deal *d = &cx->d[i];
        uint64_t k = d->lo & (fx->n - 1);
        if (d->m >= POWER_MIN) {
            fpower *g = &fx->pw[np++];
            g->a = d->a;
            g->b = d->b;
            g->c = d->c;
            g->m = (double)d->m;
            g->vab = 2 * d->a * d->b;
            g->vac = 2 * d->a * d->c;
            g->vbc = 2 * d->b * d->c;
            g->k = k;
            continue;
        }
        key[i] = sort_key(d);
        count[key[i]] += (uint32_t)d->m;
    }
    for (i = 0; i < nb && ns; i++) {
        uint32_t c = count[i];
        count[i] = (uint32_t)sum;
        sum += c;
    }
    for (i = 0; i < cx->nd && ns; i++) {
        const deal *d = &cx->d[i];
        uint64_t r;
        if (d->m >= POWER_MIN)
            continue;
        for (r = 0; r < d->m; r++)
            fdeal_set(&fx->s[count[key[i]]++], d, d->lo & (fx->n - 1));
    }
done:
    mtl__free(fx->a, count, nb * sizeof *count);
    mtl__free(fx->a, key, cx->nd * sizeof *key);
    return st;
}

static int fourier_keep(fourier *fx, uint64_t t, double re, double im)
{
    if (fx->nsv == fx->svcap) {
        size_t cap = fx->svcap;
        if (!mtl__grow(fx->a, (void **)&fx->sv, &cap, fx->nsv + 1,
                       sizeof *fx->sv))
            return 0;
        fx->svcap = cap;
    }
    fx->sv[fx->nsv].t = t;
    fx->sv[fx->nsv].re = re;
    fx->sv[fx->nsv].im = im;
    fx->nsv++;
    return 1;
}

/* The inverse transform of the survivors: y[k] = Σ_t φ(t) ω^{-tk} over t in
 * [0, n) (φ(n - t) = conj φ(t)), written to o[k - k0] for k in
 * [k0, k0 + len).  Cosets k = R m + r are M-point transforms of the folded,
 * twisted spectrum A_r[u] = Σ_{t = u mod M} φ(t) ω^{-tr}; A_r is
 * Hermitian, so cosets r and r + 1 share one complex transform
 * (A_r + i A_{r+1}).  Returns the relative rounding bound of the transform
 * through *rel. */
#define PAIRS_PER_BLOCK 4

static mtl_status fourier_invert(fourier *fx, double *o, uint64_t k0,
                                 uint64_t len, double *rel)
{
    uint64_t n = fx->n, M = 2, R, r0, best_m = 2;
    double best = -1;
    size_t pairs, q, i, u;
    unsigned log2m;
    mtl__fft plan;
    double *z = NULL;
    mtl_status st;
    /* M by cost: R/2 transforms of M points, each folding 2 nsv terms */
    for (M = 2, log2m = 1; M <= n / 2; M *= 2, log2m++) {
        double cost = (double)(n / M) / 2 *
                      (8.0 * (double)fx->nsv + (double)M * (2.0 * log2m + 2));
        if (M > ((uint64_t)1 << 14))
            cost *= 1.5; /* out of cache */
        if (best < 0 || cost < best) {
            best = cost;
            best_m = M;
        }
    }
    M = best_m;
    R = n / M;
    for (log2m = 0; ((uint64_t)1 << log2m) < M; log2m++)
        ;
    *rel = (6 + 3 * (double)log2m) * UNIT_ROUNDOFF;
    pairs = R / 2 < PAIRS_PER_BLOCK ? (size_t)(R / 2) : PAIRS_PER_BLOCK;
    st = mtl__fft_init(fx->a, &plan, (size_t)M);
    if (st != MTL_OK)
        return st;
    z = mtl__alloc_array(fx->a, pairs * (size_t)M, 2 * sizeof(double));
    if (!z) {
        mtl__fft_free(fx->a, &plan);
        return mtl__error_oom();
    }
    for (r0 = 0; r0 < R; r0 += 2 * pairs) {
        for (q = 0; q < pairs; q++) {
            double *zq = z + 2 * M * q;
            uint64_t r1 = r0 + 2 * q;
            memset(zq, 0, (size_t)M * 2 * sizeof *zq);
            for (i = 0; i < fx->nsv; i++) {
                const fsurv *s = &fx->sv[i];
                double c1, s1, c2, s2, v1r, v1i, v2r, v2i;
                size_t pu, pm;
                mtl__cis_at(&fx->cis, s->t * r1, &c1, &s1);
                mtl__cis_at(&fx->cis, s->t * (r1 + 1), &c2, &s2);
                /* v = φ conj(ω^{tr}) */
                v1r = s->re * c1 + s->im * s1;
                v1i = s->im * c1 - s->re * s1;
                v2r = s->re * c2 + s->im * s2;
                v2i = s->im * c2 - s->re * s2;
                u = (size_t)(s->t & (M - 1));
                pu = plan.rev[u];
                zq[2 * pu] += v1r - v2i;
                zq[2 * pu + 1] += v1i + v2r;
                if (s->t != 0 && s->t != fx->half) {
                    pm = plan.rev[(M - u) & (M - 1)];
                    zq[2 * pm] += v1r + v2i;
                    zq[2 * pm + 1] += v2r - v1i;
                }
            }
            mtl__fft_run_bitrev(&plan, zq, -1);
        }
        for (u = 0; u < M; u++) {
            uint64_t k = R * u + r0;
            for (q = 0; q < 2 * pairs; q++, k++)
                if (k - k0 < len)
                    o[k - k0] = z[2 * M * (q / 2) + 2 * u + (q & 1)];
        }
    }
    mtl__free(fx->a, z, pairs * (size_t)M * 2 * sizeof(double));
    mtl__fft_free(fx->a, &plan);
    return MTL_OK;
}

/* Fourier size for the window: a power of two, at least 16. */
static int fourier_size(const sum_ctx *cx, uint64_t *n)
{
    uint64_t w = (uint64_t)(cx->R - cx->L) + 1, s = 16;
    while (s < w) {
        if (s >= ((uint64_t)1 << FOURIER_MAX_LOG2))
            return 0;
        s *= 2;
    }
    *n = s;
    return 1;
}

static mtl_status sum_fourier(sum_ctx *cx, size_t max_size, mtl__pmf *out)
{
    fourier fx;
    double *o = NULL, thr2, lthr2, dropped = 0, sum2 = 0, relmax = 0,
           rel_fft = 0, gauss_cut, err, clamped = 0;
    uint64_t t, lmod, len;
    size_t i;
    mtl_status st;
    memset(&fx, 0, sizeof fx);
    fx.a = cx->a;
    if (!fourier_size(cx, &fx.n))
        return mtl__error(MTL_E_LIMIT, "the window needs more than 2^%d "
                          "points", FOURIER_MAX_LOG2);
    len = (uint64_t)(cx->Rt - cx->Lt) + 1;
    if (len > max_size)
        return mtl__error(MTL_E_LIMIT, "the distribution needs %llu points, "
                          "above the limit of %zu", (unsigned long long)len,
                          max_size);
    fx.half = fx.n / 2;
    st = fourier_setup(&fx, cx);
    if (st != MTL_OK)
        goto done;
    /* A frequency is dropped when its bound falls below tail / 100 (tail
     * at most the default): the dropped ones add at most sqrt(n) tail / 100
     * to the L1 error. */
    thr2 = cx->tail < MTL__PMF_TAIL ? cx->tail : MTL__PMF_TAIL;
    thr2 = thr2 * thr2 * 1e-4;
    /* the bound's own rounding (a relative n u) */
    thr2 /= 1 + 4 * UNIT_ROUNDOFF * (double)(cx->steps + 16);
    lthr2 = log(thr2);
    /* t with θ^2 V well inside -ln thr2 survive for sure (Gaussian
     * heuristic; keeping a frequency is never wrong): skip their test. */
    gauss_cut = cx->var > 0 ? (-lthr2 - 20) / cx->var : 0;
    for (t = 0; t <= fx.half; t++) {
        double th = TWO_PI * (double)t / (double)fx.n, b2;
        if (!(th * th < gauss_cut)) {
            b2 = fourier_bound(&fx, t, thr2, lthr2);
            if (b2 < thr2) {
                dropped += b2;
                continue;
            }
        }
        if (!fourier_keep(&fx, t, 0, 0)) {
            st = mtl__error_oom();
            goto done;
        }
    }
    /* exact values of the survivors, shifted by -L and scaled by 1/n */
    st = fourier_exact(&fx, &relmax);
    if (st != MTL_OK)
        goto done;
    lmod = (uint64_t)cx->L & (fx.n - 1);
    for (i = 0; i < fx.nsv; i++) {
        fsurv *s = &fx.sv[i];
        double re = s->re, im = s->im, c, sn, scale = 1 / (double)fx.n;
        if (s->t == fx.half)
            im = 0;
        sum2 += (s->t == 0 || s->t == fx.half ? 1 : 2) * (re * re + im * im);
        mtl__cis_at(&fx.cis, s->t * lmod, &c, &sn);
        s->re = (re * c + im * sn) * scale;
        s->im = (im * c - re * sn) * scale;
    }
    o = mtl__alloc_array(cx->a, (size_t)len, sizeof *o);
    if (!o) {
        st = mtl__error_oom();
        goto done;
    }
    st = fourier_invert(&fx, o, (uint64_t)(cx->Lt - cx->L), len, &rel_fft);
    if (st != MTL_OK)
        goto done;
    for (i = 0; i < len; i++)
        if (o[i] < 0) {
            clamped -= o[i];
            o[i] = 0;
        }
    /* L1 error: sqrt(Σ_t |δφ(t)|^2) for each source (Parseval): the
     * products' rounding, the transform's, the dropped frequencies (both
     * halves); aliasing of the mass outside [L, R] (counted twice: where it
     * lands and where it is missing); the mass outside the trimmed window;
     * the negative noise set to 0. */
    err = (relmax + rel_fft) * sqrt(sum2) + sqrt(2 * dropped) +
          2 * (cx->eps_lo + cx->eps_hi) + cx->tail_lo + cx->tail_hi + clamped;
    out->prob = o;
    out->size = (size_t)len;
    out->first = cx->Lt + (int64_t)cx->shift;
    out->error = err;
    o = NULL;
done:
    if (o)
        mtl__free(cx->a, o, (size_t)len * sizeof *o);
    fourier_free(&fx);
    return st;
}

/* ---- lattices ----------------------------------------------------------- */

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t r = a % b;
        a = b;
        b = r;
    }
    return a;
}

/* When every deal is a two-point one and their amounts share a factor g,
 * S lives on multiples of g: compute S / g (a window g times narrower) and
 * spread it out afterwards.  Returns g (1: nothing to do). */
static uint64_t ctx_lattice(sum_ctx *cx)
{
    uint64_t g = 0;
    size_t i;
    for (i = 0; i < cx->nd && g != 1; i++) {
        if (cx->d[i].c > 0)
            return 1;
        g = gcd_u64(cx->d[i].lo, g);
    }
    if (g <= 1)
        return 1;
    for (i = 0; i < cx->nd; i++)
        cx->d[i].lo /= g;
    return g;
}

/* The pmf of S / g as the pmf of S (zeros between the multiples of g);
 * first is the certain shift plus g times the window's first value. */
static mtl_status lattice_spread(mtl__allocator *a, mtl__pmf *pmf,
                                 uint64_t g, uint64_t shift, size_t max_size)
{
    size_t size, i;
    double *prob;
    int64_t first = pmf->first - (int64_t)shift;
    if ((pmf->size - 1) > (max_size - 1) / g)
        return mtl__error(MTL_E_LIMIT, "the distribution needs more than %zu "
                          "points", max_size);
    size = (pmf->size - 1) * (size_t)g + 1;
    prob = mtl__alloc_array(a, size, sizeof *prob);
    if (!prob)
        return mtl__error_oom();
    memset(prob, 0, size * sizeof *prob);
    for (i = 0; i < pmf->size; i++)
        prob[i * g] = pmf->prob[i];
    mtl__free(a, pmf->prob, pmf->size * sizeof *pmf->prob);
    pmf->prob = prob;
    pmf->size = size;
    pmf->first = (int64_t)shift + first * (int64_t)g;
    return MTL_OK;
}

/* ---- method choice ------------------------------------------------------ */

/* Rough nanoseconds on one core (measured on the W4 bench machine): a
 * point of a direct step (three shifted additions and a clear), one
 * evaluation of a deal's factor at one frequency, a point of the FFT. */
#define NS_DIRECT_POINT 3.0
#define NS_FOURIER_EVAL 2.5
#define NS_FFT_POINT 3.0

static double fourier_cost(const sum_ctx *cx)
{
    uint64_t n;
    double need, keep, sigma, lthr2, l2n = 0, total = 0, best = 0;
    size_t i;
    if (!fourier_size(cx, &n))
        return HUGE_VAL;
    while (((uint64_t)1 << (unsigned)l2n) < n)
        l2n++;
    lthr2 = -2 * log((cx->tail < MTL__PMF_TAIL ? cx->tail : MTL__PMF_TAIL) *
                     1e-2);
    /* A dropped frequency takes the fastest deals until their decay rates
     * (see sort_key) add up to lthr2; when all of them do not, almost
     * every frequency is kept and costs every deal twice. */
    for (i = 0; i < cx->nd && total < 2 * lthr2; i++) {
        double r = deal_rate(&cx->d[i]);
        total += (double)cx->d[i].m * r;
        if (r > best)
            best = r;
    }
    sigma = sqrt(cx->var);
    if (total < lthr2 || !(best > 0)) {
        need = (double)cx->steps;
        keep = (double)n / 2;
    } else {
        need = 1.2 * lthr2 / best;
        if (need > (double)cx->steps)
            need = (double)cx->steps;
        keep = sigma > 0 ? sqrt(lthr2) * (double)n / (TWO_PI * sigma) * 3 + 1
                         : (double)n / 2;
        if (keep > (double)n / 2)
            keep = (double)n / 2;
    }
    return NS_FOURIER_EVAL * ((double)n / 2 * need + keep * (double)cx->nd) +
           NS_FFT_POINT * (double)n * l2n;
}

mtl_status mtl__pmf_bernoulli_sum_method(mtl__allocator *a, const double *x,
                                         const double *p, size_t n,
                                         double tail, size_t max_size,
                                         int method, mtl__pmf *out)
{
    sum_ctx cx;
    mtl_status st;
    double dcost;
    size_t maxw;
    uint64_t g;
    memset(out, 0, sizeof *out);
    memset(&cx, 0, sizeof cx);
    cx.a = a;
    cx.tail = tail > 0 ? tail : MTL__PMF_TAIL;
    if (max_size == 0)
        max_size = MTL__PMF_MAX_SIZE;
    st = ctx_build(&cx, x, p, n);
    if (st != MTL_OK)
        goto done;
    g = ctx_lattice(&cx);
    st = ctx_window(&cx);
    if (st != MTL_OK)
        goto done;
    if ((uint64_t)(cx.R - cx.L) / 4 >= (uint64_t)max_size) {
        st = mtl__error(MTL_E_LIMIT, "the distribution spans about %lld "
                        "points, above the limit of %zu",
                        (long long)(cx.R - cx.L + 1), max_size);
        goto done;
    }
    if (method == MTL__PMF_AUTO) {
        direct_plan(&cx, &dcost, &maxw);
        method = NS_DIRECT_POINT * dcost <= fourier_cost(&cx)
                     ? MTL__PMF_DIRECT
                     : MTL__PMF_FOURIER;
    }
    if (method == MTL__PMF_DIRECT)
        st = sum_direct(&cx, max_size, out);
    else
        st = sum_fourier(&cx, max_size, out);
    if (st == MTL_OK && g > 1) {
        st = lattice_spread(a, out, g, cx.shift, max_size);
        if (st != MTL_OK)
            mtl__pmf_free(a, out);
    }
done:
    ctx_free(&cx);
    if (st != MTL_OK)
        memset(out, 0, sizeof *out);
    return st;
}

mtl_status mtl__pmf_bernoulli_sum(mtl__allocator *a, const double *x,
                                  const double *p, size_t n, double tail,
                                  size_t max_size, mtl__pmf *out)
{
    return mtl__pmf_bernoulli_sum_method(a, x, p, n, tail, max_size,
                                         MTL__PMF_AUTO, out);
}

/* ---- one deal more or less ---------------------------------------------- */

/* The deal (x, p) as a shift and a deal (*has); without a deal left *out
 * is pmf shifted by dir times the shift.  MTL_E_LIMIT for amounts that
 * leave the int64 range. */
static mtl_status one_deal(mtl__allocator *a, const mtl__pmf *pmf, double x,
                           double p, int dir, uint64_t *shift, deal *d,
                           int *has, mtl__pmf *out)
{
    memset(out, 0, sizeof *out);
    *shift = 0;
    *has = deal_make(x, p, d, shift);
    if (*has < 0 || *shift > SUM_MAX ||
        (*has && d->lo + 1 > SUM_MAX) || pmf->first > (int64_t)SUM_MAX ||
        pmf->first < -(int64_t)SUM_MAX) {
        *has = 0;
        return mtl__error(MTL_E_LIMIT, "amount %g grid units out of range", x);
    }
    if (*has)
        return MTL_OK;
    out->prob = mtl__alloc_array(a, pmf->size, sizeof *out->prob);
    if (!out->prob)
        return mtl__error_oom();
    memcpy(out->prob, pmf->prob, pmf->size * sizeof *out->prob);
    out->size = pmf->size;
    out->first = pmf->first + dir * (int64_t)*shift;
    out->error = pmf->error;
    return MTL_OK;
}

mtl_status mtl__pmf_add(mtl__allocator *a, const mtl__pmf *pmf, double x,
                        double p, double tail, mtl__pmf *out)
{
    uint64_t shift, hi;
    deal d;
    int has;
    double *y;
    size_t len;
    mtl_status st = one_deal(a, pmf, x, p, 1, &shift, &d, &has, out);
    if (st != MTL_OK || !has)
        return st;
    hi = deal_hi(&d);
    if (hi > SIZE_MAX / 16 - pmf->size)
        return mtl__error(MTL_E_LIMIT, "amount %g grid units out of range", x);
    len = pmf->size + (size_t)hi;
    y = mtl__alloc_array(a, len, sizeof *y);
    if (!y)
        return mtl__error_oom();
    memset(y, 0, len * sizeof *y);
    axpy_shifted(y, 0, len, pmf->prob, 0, pmf->size, d.a, 0);
    axpy_shifted(y, 0, len, pmf->prob, 0, pmf->size, d.b, (int64_t)d.lo);
    axpy_shifted(y, 0, len, pmf->prob, 0, pmf->size, d.c, (int64_t)d.lo + 1);
    return finish(a, y, len, len, pmf->first + (int64_t)shift, tail,
                  pmf->error + 4 * UNIT_ROUNDOFF, SIZE_MAX, out);
}

/* Largest growth of errors through a deconvolution we accept. */
#define REMOVE_AMP_MAX 1e6
/* A recursion is used when its growth bound is at most this. */
#define REMOVE_AMP_RECURSION 1e3
/* Largest error bound of a removal we accept. */
#define REMOVE_ERROR_MAX 1e-6

/* Q from P = Q * D, D = a + b z^lo + c z^(lo+1), by the recursion from the
 * low end (dividing by a); q has len = size - deg values.  Returns the sum
 * of |residuals| of the top deg values of P, which Q must explain. */
static double deconv_forward(const mtl__pmf *pmf, const deal *d, double *q,
                             size_t len)
{
    size_t i, lo = (size_t)d->lo;
    double resid = 0;
    for (i = 0; i < len; i++) {
        double v = pmf->prob[i];
        if (i >= lo)
            v -= d->b * q[i - lo];
        if (i >= lo + 1)
            v -= d->c * q[i - lo - 1];
        q[i] = v / d->a;
    }
    for (i = len; i < pmf->size; i++) {
        double v = pmf->prob[i];
        if (i - lo < len)
            v -= d->b * q[i - lo];
        if (d->c > 0 && i - lo - 1 < len)
            v -= d->c * q[i - lo - 1];
        resid += fabs(v);
    }
    return resid;
}

/* The same from the high end, dividing by the top coefficient. */
static double deconv_backward(const mtl__pmf *pmf, const deal *d, double *q,
                              size_t len)
{
    size_t i, lo = (size_t)d->lo, deg = (size_t)deal_hi(d);
    double top = d->c > 0 ? d->c : d->b, resid = 0;
    for (i = len; i-- > 0;) {
        /* P[i + deg] = a Q[i + deg] + b Q[i + deg - lo] + c Q[i] */
        double v = pmf->prob[i + deg];
        if (i + deg < len)
            v -= d->a * q[i + deg];
        if (d->c > 0 && i + deg - lo < len)
            v -= d->b * q[i + deg - lo];
        q[i] = v / top;
    }
    for (i = 0; i < deg; i++) {
        double v = pmf->prob[i] - (i < len ? d->a * q[i] : 0);
        if (d->c > 0 && i >= lo && i - lo < len)
            v -= d->b * q[i - lo];
        resid += fabs(v);
    }
    return resid;
}

/* D(ω^-t) over an m-point circle (into dr, di). */
static void deal_spectrum(const deal *d, const mtl__cis *cis, uint64_t t,
                          double *dr, double *di)
{
    double zr, zi, wr, wi;
    mtl__cis_at(cis, t * d->lo, &zr, &zi);
    mtl__cis_at(cis, t * (d->lo + 1), &wr, &wi);
    *dr = d->a + d->b * zr + d->c * wr;
    *di = -(d->b * zi + d->c * wi);
}

/* Circular deconvolution on m >= size points: P^ / D^ is exact for
 * P = Q * D whatever the roots of D, as long as D^ has no zero on the
 * circle.  The errors of P grow by at most ||h||_1, h the circular inverse
 * of D (Young's inequality), computed here exactly by a transform of 1/D^.
 * Returns MTL_OK (q, *amp, *rnd: the rounding bound, *resid: the mass Q
 * puts outside its len values) or MTL_E_RANGE / MTL_E_NO_MEMORY. */
static mtl_status deconv_fourier(mtl__allocator *a, const mtl__pmf *pmf,
                                 const deal *d, double *q, size_t len,
                                 double *amp, double *rnd, double *resid)
{
    size_t m = 2, t;
    mtl__fft plan;
    mtl__cis cis;
    double *z = NULL, h1 = 0, p2 = 0, dmin = HUGE_VAL;
    mtl_status st;
    *amp = *rnd = *resid = 0;
    memset(&plan, 0, sizeof plan);
    while (m < pmf->size)
        m *= 2;
    st = mtl__cis_init(a, &cis, m);
    if (st != MTL_OK)
        return st;
    /* ||h||_1 >= max |h^| = 1 / min |D^|: refuse early what must fail */
    for (t = 0; t < m; t++) {
        double dr, di;
        deal_spectrum(d, &cis, t, &dr, &di);
        if (dr * dr + di * di < dmin)
            dmin = dr * dr + di * di;
    }
    if (!(dmin > 1e-24) || pmf->error / sqrt(dmin) > REMOVE_ERROR_MAX) {
        st = mtl__error(MTL_E_RANGE, "removing the deal would amplify errors "
                        "over %g times", 1 / sqrt(dmin));
        goto done;
    }
    st = mtl__fft_init(a, &plan, m);
    if (st != MTL_OK)
        goto done;
    z = mtl__alloc_array(a, m, 2 * sizeof *z);
    if (!z) {
        st = mtl__error_oom();
        goto done;
    }
    for (t = 0; t < m; t++) {
        double dr, di, n2;
        deal_spectrum(d, &cis, t, &dr, &di);
        n2 = dr * dr + di * di;
        z[2 * t] = dr / n2;
        z[2 * t + 1] = -di / n2;
    }
    mtl__fft_run(&plan, z, 1);
    for (t = 0; t < m; t++)
        h1 += hypot(z[2 * t], z[2 * t + 1]);
    *amp = h1 / (double)m;
    if (!(*amp <= REMOVE_AMP_MAX) || *amp * pmf->error > REMOVE_ERROR_MAX) {
        st = mtl__error(MTL_E_RANGE, "removing the deal would amplify errors "
                        "%g times", *amp);
        goto done;
    }
    for (t = 0; t < m; t++) {
        z[2 * t] = t < pmf->size ? pmf->prob[t] : 0;
        z[2 * t + 1] = 0;
        p2 += z[2 * t] * z[2 * t];
    }
    mtl__fft_run(&plan, z, -1);
    for (t = 0; t < m; t++) {
        double dr, di, n2, zr = z[2 * t], zi = z[2 * t + 1];
        deal_spectrum(d, &cis, t, &dr, &di);
        n2 = dr * dr + di * di;
        z[2 * t] = (zr * dr + zi * di) / n2;
        z[2 * t + 1] = (zi * dr - zr * di) / n2;
    }
    mtl__fft_run(&plan, z, 1);
    for (t = 0; t < m; t++) {
        double v = z[2 * t] / (double)m;
        if (t < len)
            q[t] = v;
        else
            *resid += fabs(v);
    }
    /* the transforms' rounding: relative (6 + 3 log2 m) u in L2 each way,
     * through 1/min|D^|, over m points (L1 <= sqrt(m) L2) */
    *rnd = 2 * (6 + 3 * (double)plan.log2n) * UNIT_ROUNDOFF *
           sqrt((double)m * p2 / dmin);
done:
    if (z)
        mtl__free(a, z, m * 2 * sizeof *z);
    mtl__cis_free(a, &cis);
    mtl__fft_free(a, &plan);
    return st;
}

mtl_status mtl__pmf_remove(mtl__allocator *a, const mtl__pmf *pmf, double x,
                           double p, double tail, mtl__pmf *out)
{
    uint64_t shift, deg;
    deal d;
    int has;
    double *q, top, rest, amp_f, amp_b, amp = 0, rnd = 0, err, mass = 0,
           resid = 0, minv = 0, tol;
    size_t len, i;
    mtl_status st = one_deal(a, pmf, x, p, -1, &shift, &d, &has, out);
    if (st != MTL_OK || !has)
        return st;
    /* P = Q * D with D = a + b z^lo + c z^(lo+1).  The recursion from the
     * low end divides by a and is stable when a > b + c (every root of D
     * outside the unit circle, by Rouché); from the high end it divides by
     * the top coefficient, stable when that one dominates.  The inverse
     * filter's L1 norm, 1 / (dominant - rest), multiplies the errors.
     * Otherwise (p > 1/2 with a small fraction: the middle point weighs
     * most) the division is done on the Fourier circle. */
    deg = deal_hi(&d);
    top = d.c > 0 ? d.c : d.b;
    rest = d.c > 0 ? d.a + d.b : d.a;
    amp_f = d.a > d.b + d.c ? 1 / (d.a - (d.b + d.c)) : HUGE_VAL;
    amp_b = top > rest ? 1 / (top - rest) : HUGE_VAL;
    if (deg >= pmf->size)
        return mtl__error(MTL_E_RANGE, "the distribution is narrower than "
                          "the deal (x %g) it should contain", x);
    len = pmf->size - (size_t)deg;
    q = mtl__alloc_array(a, len, sizeof *q);
    if (!q)
        return mtl__error_oom();
    if (amp_f <= REMOVE_AMP_RECURSION || amp_b <= REMOVE_AMP_RECURSION) {
        amp = amp_f <= amp_b ? amp_f : amp_b;
        resid = amp_f <= amp_b ? deconv_forward(pmf, &d, q, len)
                               : deconv_backward(pmf, &d, q, len);
        err = amp * (pmf->error + 8 * UNIT_ROUNDOFF);
    } else {
        st = deconv_fourier(a, pmf, &d, q, len, &amp, &rnd, &resid);
        if (st != MTL_OK) {
            mtl__free(a, q, len * sizeof *q);
            return st;
        }
        err = amp * pmf->error + rnd;
    }
    for (i = 0; i < len; i++) {
        mass += q[i];
        if (q[i] < minv)
            minv = q[i];
    }
    tol = 1e-9 + 4 * err;
    if (err > REMOVE_ERROR_MAX || fabs(mass - 1) > tol || -minv > tol ||
        resid > tol) {
        mtl__free(a, q, len * sizeof *q);
        return mtl__error(MTL_E_RANGE, "removing the deal (x %g, p %g) fails "
                          "its checks (mass %.17g, min %g, residual %g)", x, p,
                          mass, minv, resid);
    }
    return finish(a, q, len, len, pmf->first - (int64_t)shift, tail, err,
                  SIZE_MAX, out);
}

void mtl__pmf_free(mtl__allocator *a, mtl__pmf *pmf)
{
    if (!pmf)
        return;
    mtl__free(a, pmf->prob, pmf->size * sizeof *pmf->prob);
    memset(pmf, 0, sizeof *pmf);
}

/* ---- queries ------------------------------------------------------------ */

/* Neumaier's compensated sum, one term at a time. */
typedef struct ksum {
    double s, c;
} ksum;

static void ksum_add(ksum *k, double v)
{
    double t = k->s + v;
    if (fabs(k->s) >= fabs(v))
        k->c += (k->s - t) + v;
    else
        k->c += (v - t) + k->s;
    k->s = t;
}

static double ksum_get(const ksum *k) { return k->s + k->c; }

void mtl__pmf_moments(const mtl__pmf *pmf, double *mean, double *var)
{
    ksum m = {0, 0}, v = {0, 0};
    size_t i;
    /* about the window's first value: no cancellation from a large offset */
    for (i = 0; i < pmf->size; i++)
        ksum_add(&m, (double)i * pmf->prob[i]);
    for (i = 0; i < pmf->size; i++) {
        double d = (double)i - ksum_get(&m);
        ksum_add(&v, d * d * pmf->prob[i]);
    }
    *mean = (double)pmf->first + ksum_get(&m);
    *var = ksum_get(&v);
}

int64_t mtl__pmf_quantile(const mtl__pmf *pmf, double q)
{
    ksum cum = {0, 0};
    size_t i;
    if (pmf->size == 0 || !(q > 0))
        return pmf->first;
    /* a CDF that reaches q exactly (P(S <= v) = 0.1 with probabilities
     * that sum to 0.1 only in exact arithmetic) must not miss it by an
     * ulp: the probabilities are good to ~1e-12 at best anyway */
    for (i = 0; i < pmf->size; i++) {
        ksum_add(&cum, pmf->prob[i]);
        if (ksum_get(&cum) >= q - MTL__PMF_QUANTILE_SLACK)
            return pmf->first + (int64_t)i;
    }
    /* q = 1 (or above what rounding lets the sum reach): the top */
    return pmf->first + (int64_t)pmf->size - 1;
}

double mtl__pmf_at_least(const mtl__pmf *pmf, int64_t v)
{
    ksum below = {0, 0}, above = {0, 0};
    size_t i, k;
    double r;
    if (pmf->size == 0 || v <= pmf->first)
        return 1;
    if (v - pmf->first >= (int64_t)pmf->size)
        return 0;
    k = (size_t)(v - pmf->first);
    /* small terms first: from each end inwards */
    for (i = 0; i < k; i++)
        ksum_add(&below, pmf->prob[i]);
    for (i = pmf->size; i-- > k;)
        ksum_add(&above, pmf->prob[i]);
    r = ksum_get(&above) <= 0.5 ? ksum_get(&above) : 1 - ksum_get(&below);
    return r < 0 ? 0 : r > 1 ? 1 : r;
}

double mtl__pmf_shortfall(const mtl__pmf *pmf, double v)
{
    ksum s = {0, 0};
    size_t i;
    for (i = 0; i < pmf->size; i++) {
        double k = (double)(pmf->first + (int64_t)i);
        if (!(k < v))
            break;
        ksum_add(&s, (v - k) * pmf->prob[i]);
    }
    return ksum_get(&s);
}
