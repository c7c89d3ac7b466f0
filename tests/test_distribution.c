/*
 * test_distribution.c: the internal distribution engine
 * (lib/analysis/distribution.h) and its FFT (lib/analysis/fft.h).
 *
 *   - brute force: every outcome of up to 16 random deals enumerated here
 *     (2^n, or 3^n with split amounts), independently of the engine; each
 *     method (auto, direct, Fourier) within 1e-12 per probability, the
 *     trimmed mass below the tail at each end, the L1 error within the
 *     reported bound;
 *   - Fourier against direct on a few hundred deals, the won count
 *     (Poisson-binomial) on 100,000 deals against its moments;
 *   - moments: the mean Σ x p and the variance of the split, to 1e-9;
 *   - add and remove: remove(add(P)) == P in both recursion directions,
 *     removal from a large distribution against recomputing without the
 *     deal, MTL_E_RANGE when unstable or inconsistent;
 *   - quantile, at_least and shortfall on a three-deal example computed by
 *     hand (and by tests/tools/distribution_example.py, exact fractions);
 *   - edge cases: no deals, p = 0, p = 1, x = 0, huge x, max_size;
 *   - out of memory at every allocation of every path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>

#include "mtl.h"
#include "support/test_alloc.h"
#include "analysis/distribution.h"
#include "analysis/fft.h"

/* ---- helpers ------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    /* splitmix64 */
    uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static double rng_unit(void) { return (double)(rng_next() >> 11) * 0x1p-53; }

/* A probability with the special values now and then. */
static double rng_prob(void)
{
    switch (rng_next() % 10) {
    case 0: return 0;
    case 1: return 1;
    case 2: return 0.5;
    default: return rng_unit();
    }
}

/* n deals with amounts uniform in [0, xmax) and p uniform in [0, 1) */
static void random_deals(double *x, double *p, size_t n, double xmax)
{
    size_t i;
    for (i = 0; i < n; i++) {
        x[i] = rng_unit() * xmax;
        p[i] = rng_unit();
    }
}

typedef struct env {
    test_alloc ta;
    mtl__allocator a;
} env;

static void env_init(env *e)
{
    test_alloc_init(&e->ta);
    mtl__allocator_init(&e->a, test_alloc_fn, &e->ta);
}

/* Probability of grid value v in pmf (0 outside its window). */
static double pmf_at(const mtl__pmf *pmf, int64_t v)
{
    if (v < pmf->first || v >= pmf->first + (int64_t)pmf->size)
        return 0;
    return pmf->prob[v - pmf->first];
}

/* ---- brute force (independent of the engine) ---------------------------- */

/* Every outcome of deals j.. added to out[] (indexed by value). */
static void enumerate(size_t j, size_t n, const double *x, const double *p,
                      int64_t v, double prob, double *out)
{
    double lo, f;
    if (j == n) {
        out[v] += prob;
        return;
    }
    lo = floor(x[j]);
    f = x[j] - lo;
    if (p[j] < 1)
        enumerate(j + 1, n, x, p, v, prob * (1 - p[j]), out);
    if (p[j] > 0 && f < 1)
        enumerate(j + 1, n, x, p, v + (int64_t)lo, prob * p[j] * (1 - f),
                  out);
    if (p[j] > 0 && f > 0)
        enumerate(j + 1, n, x, p, v + (int64_t)lo + 1, prob * p[j] * f, out);
}

/* The brute-force pmf on [0, *len). */
static double *brute(const double *x, const double *p, size_t n, size_t *len)
{
    size_t i, total = 1;
    double *out;
    for (i = 0; i < n; i++)
        total += (size_t)ceil(x[i]);
    out = calloc(total, sizeof *out);
    assert_non_null(out);
    enumerate(0, n, x, p, 0, 1.0, out);
    *len = total;
    return out;
}

/* The engine's pmf against the brute force. */
static void check_against(const mtl__pmf *pmf, const double *exact,
                          size_t len, double tail, const char *what)
{
    double below = 0, above = 0, l1 = 0;
    int64_t v;
    size_t i;
    assert_true(pmf->first >= 0);
    assert_true(pmf->first + (int64_t)pmf->size <= (int64_t)len);
    for (v = 0; v < (int64_t)len; v++) {
        double d = fabs(pmf_at(pmf, v) - exact[v]);
        int inside = v >= pmf->first && v < pmf->first + (int64_t)pmf->size;
        /* outside the window: the trimmed mass, checked below */
        if (inside && d > 1e-12) {
            fprintf(stderr, "%s: value %lld: %.17g, exact %.17g\n", what,
                    (long long)v, pmf_at(pmf, v), exact[v]);
            fail();
        }
        l1 += d;
        if (v < pmf->first)
            below += exact[v];
        if (v >= pmf->first + (int64_t)pmf->size)
            above += exact[v];
    }
    for (i = 0; i < pmf->size; i++)
        assert_true(pmf->prob[i] >= 0);
    /* the brute force's own rounding: 1e-15 of the mass */
    if (!(below < tail + 1e-15 && above < tail + 1e-15 &&
          l1 <= pmf->error + 1e-14)) {
        fprintf(stderr, "%s: trimmed %g below, %g above (tail %g); L1 %g, "
                        "bound %g\n", what, below, above, tail, l1,
                pmf->error);
        fail();
    }
}

static void brute_round_step(size_t n, int split_every, double xmax,
                             double tail, double step)
{
    double x[16], p[16], *exact;
    size_t i, len;
    int method;
    env e;
    env_init(&e);
    for (i = 0; i < n; i++) {
        x[i] = step * floor(rng_unit() * xmax / step);
        if (split_every && i % (size_t)split_every == 0)
            x[i] += rng_unit();
        if (rng_next() % 12 == 0)
            x[i] = 0;
        p[i] = rng_prob();
    }
    exact = brute(x, p, n, &len);
    for (method = MTL__PMF_AUTO; method <= MTL__PMF_FOURIER; method++) {
        mtl__pmf pmf;
        char what[64];
        snprintf(what, sizeof what, "n %zu method %d", n, method);
        assert_int_equal(mtl__pmf_bernoulli_sum_method(&e.a, x, p, n, tail, 0,
                                                       method, &pmf),
                         MTL_OK);
        check_against(&pmf, exact, len, tail > 0 ? tail : MTL__PMF_TAIL,
                      what);
        mtl__pmf_free(&e.a, &pmf);
    }
    free(exact);
    test_alloc_assert_clean(&e.ta);
}

static void brute_round(size_t n, int split_every, double xmax, double tail)
{
    brute_round_step(n, split_every, xmax, tail, 1);
}

static void test_brute_integer(void **state)
{
    size_t n;
    (void)state;
    rng_state = 1;
    for (n = 1; n <= 16; n++) {
        brute_round(n, 0, 30, 0);
        brute_round(n, 0, 4, 0);
        /* amounts on a lattice: computed on it, then spread out */
        brute_round_step(n, 0, 60, 0, 3);
        brute_round_step(n, 0, 100, 1e-9, 10);
    }
}

static void test_brute_split(void **state)
{
    size_t n;
    (void)state;
    rng_state = 2;
    for (n = 1; n <= 12; n++) {
        brute_round(n, 1, 25, 0);
        brute_round(n, 1, 3, 0);
    }
    /* half of 16 deals split: 2^8 3^8 outcomes */
    brute_round(16, 2, 40, 0);
    brute_round(16, 2, 2, 0);
}

static void test_brute_tail(void **state)
{
    (void)state;
    rng_state = 3;
    /* a coarse tail trims more; still below it at each end */
    brute_round(14, 2, 20, 1e-6);
    brute_round(14, 2, 20, 1e-3);
    brute_round(12, 1, 50, 1e-9);
}

/* ---- Fourier against direct ---------------------------------------------- */

/* Equal within tol over the union of the windows, or (both != 0) where
 * both windows hold values. */
static void assert_close(const mtl__pmf *a, const mtl__pmf *b, double tol,
                         int both)
{
    int64_t ea = a->first + (int64_t)a->size, eb = b->first + (int64_t)b->size;
    int64_t v, lo = a->first < b->first ? a->first : b->first,
               hi = ea > eb ? ea : eb;
    if (both) {
        lo = a->first > b->first ? a->first : b->first;
        hi = ea < eb ? ea : eb;
    }
    for (v = lo; v < hi; v++)
        if (fabs(pmf_at(a, v) - pmf_at(b, v)) > tol) {
            fprintf(stderr, "value %lld: %.17g against %.17g\n",
                    (long long)v, pmf_at(a, v), pmf_at(b, v));
            fail();
        }
}

static void assert_same_pmf(const mtl__pmf *a, const mtl__pmf *b, double tol)
{
    assert_close(a, b, tol, 0);
}

static void compare_methods_tail(const double *x, const double *p, size_t n,
                                 double tail, double tol)
{
    mtl__pmf d, f;
    env e;
    env_init(&e);
    assert_int_equal(mtl__pmf_bernoulli_sum_method(&e.a, x, p, n, tail, 0,
                                                   MTL__PMF_DIRECT, &d),
                     MTL_OK);
    assert_int_equal(mtl__pmf_bernoulli_sum_method(&e.a, x, p, n, tail, 0,
                                                   MTL__PMF_FOURIER, &f),
                     MTL_OK);
    assert_close(&d, &f, tol, tail > 0);
    mtl__pmf_free(&e.a, &d);
    mtl__pmf_free(&e.a, &f);
    test_alloc_assert_clean(&e.ta);
}

static void compare_methods(const double *x, const double *p, size_t n,
                            double tol)
{
    compare_methods_tail(x, p, n, 0, tol);
}

static void test_fourier_vs_direct(void **state)
{
    static double x[400], p[400];
    size_t i;
    (void)state;
    rng_state = 4;
    random_deals(x, p, 400, 200);
    for (i = 0; i < 400; i += 3)
        p[i] = rng_prob(); /* some 0, 1/2 and 1 */
    compare_methods(x, p, 400, 1e-12);
    /* a coarse tail trims more but keeps the values as accurate (where
     * both windows hold them; the direct one trims on computed mass) */
    compare_methods_tail(x, p, 400, 1e-4, 1e-12);
    /* integer amounts on a coarse lattice: spiky, many frequencies kept */
    for (i = 0; i < 120; i++) {
        x[i] = 10.0 * (double)(1 + rng_next() % 20);
        p[i] = rng_unit();
    }
    compare_methods(x, p, 120, 1e-12);
    /* repeated deals: grouped and raised to a power */
    for (i = 0; i < 300; i++) {
        x[i] = i < 150 ? 7.25 : 1;
        p[i] = i % 3 == 0 ? 0.3 : 0.6;
    }
    compare_methods(x, p, 300, 1e-12);
}

static void moments_of(const mtl__pmf *pmf, double *mean, double *var)
{
    double m = 0, v = 0;
    size_t i;
    for (i = 0; i < pmf->size; i++)
        m += (double)(pmf->first + (int64_t)i) * pmf->prob[i];
    for (i = 0; i < pmf->size; i++) {
        double d = (double)(pmf->first + (int64_t)i) - m;
        v += d * d * pmf->prob[i];
    }
    *mean = m;
    *var = v;
}

/* Σ x p and Σ p ((1 - f) lo^2 + f (lo + 1)^2) - p^2 x^2. */
static void moments_expected(const double *x, const double *p, size_t n,
                             double *mean, double *var)
{
    size_t i;
    *mean = *var = 0;
    for (i = 0; i < n; i++) {
        double lo = floor(x[i]), f = x[i] - lo;
        *mean += x[i] * p[i];
        *var += p[i] * ((1 - f) * lo * lo + f * (lo + 1) * (lo + 1)) -
                p[i] * p[i] * x[i] * x[i];
    }
}

static void check_moments(const double *x, const double *p, size_t n,
                          int method)
{
    mtl__pmf pmf;
    double m, v, em, ev;
    env e;
    env_init(&e);
    assert_int_equal(mtl__pmf_bernoulli_sum_method(&e.a, x, p, n, 0, 0,
                                                   method, &pmf),
                     MTL_OK);
    moments_of(&pmf, &m, &v);
    moments_expected(x, p, n, &em, &ev);
    if (fabs(m - em) > 1e-9 * em || fabs(v - ev) > 1e-9 * ev) {
        fprintf(stderr, "method %d: mean %.17g (%.17g), variance %.17g "
                        "(%.17g)\n", method, m, em, v, ev);
        fail();
    }
    mtl__pmf_free(&e.a, &pmf);
    test_alloc_assert_clean(&e.ta);
}

static void test_moments(void **state)
{
    static double x[20000], p[20000];
    static const double stage[7] = {0.10, 0.20, 0.25, 0.30, 0.50, 0.75, 0.90};
    size_t i;
    (void)state;
    rng_state = 5;
    for (i = 0; i < 20000; i++) {
        /* lognormal amounts, median 20 grid units */
        double z = sqrt(-2 * log(1 - rng_unit())) * cos(6.283185307179586 *
                                                        rng_unit());
        x[i] = exp(log(20.0) + 0.9 * z);
        p[i] = stage[rng_next() % 7];
    }
    check_moments(x, p, 20000, MTL__PMF_AUTO);
    check_moments(x, p, 2000, MTL__PMF_DIRECT);
    check_moments(x, p, 2000, MTL__PMF_FOURIER);
}

/* The won count: every x = 1 (a Poisson-binomial distribution). */
static void test_won_count(void **state)
{
    static double x[100000], p[100000];
    static const double stage[7] = {0.10, 0.20, 0.25, 0.30, 0.50, 0.75, 0.90};
    size_t i;
    (void)state;
    rng_state = 6;
    for (i = 0; i < 100000; i++) {
        x[i] = 1;
        p[i] = stage[rng_next() % 7];
    }
    check_moments(x, p, 100000, MTL__PMF_AUTO);
    compare_methods(x, p, 5000, 1e-12);
    /* distinct probabilities: no groups */
    for (i = 0; i < 3000; i++)
        p[i] = rng_unit();
    compare_methods(x, p, 3000, 1e-12);
    check_moments(x, p, 3000, MTL__PMF_AUTO);
}

/* ---- add and remove ------------------------------------------------------ */

static void test_add_remove_roundtrip(void **state)
{
    /* p < 1/2: from the low end; p > 1/2 with the top point dominant
     * (integer x, or 2 p f > 1): from the high end; p = 1: a shift */
    static const double cases[][2] = {
        {3, 0.2}, {7.5, 0.3}, {0.4, 0.45}, {12, 0.8}, {4, 0.95},
        {5.8, 0.9}, {2.9, 0.6}, {6, 1}, {6.25, 1}, {6.8, 1}, {0, 0.5},
        {3, 0},
        /* p > 1/2, small fraction: no stable recursion, the Fourier circle */
        {3.3, 0.75}, {7.1, 0.9}, {1.5, 0.6},
    };
    double x[30], p[30];
    size_t i;
    mtl__pmf base;
    env e;
    (void)state;
    rng_state = 7;
    env_init(&e);
    for (i = 0; i < 30; i++) {
        x[i] = rng_unit() * 12;
        p[i] = 0.05 + 0.9 * rng_unit();
    }
    assert_int_equal(mtl__pmf_bernoulli_sum(&e.a, x, p, 30, 0, 0, &base),
                     MTL_OK);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mtl__pmf with, back;
        assert_int_equal(mtl__pmf_add(&e.a, &base, cases[i][0], cases[i][1],
                                      0, &with),
                         MTL_OK);
        assert_int_equal(mtl__pmf_remove(&e.a, &with, cases[i][0],
                                         cases[i][1], 0, &back),
                         MTL_OK);
        assert_same_pmf(&back, &base, 1e-12);
        assert_true(back.error < 1e-9);
        mtl__pmf_free(&e.a, &with);
        mtl__pmf_free(&e.a, &back);
    }
    mtl__pmf_free(&e.a, &base);
    test_alloc_assert_clean(&e.ta);
}

/* add(P, deal) equals the sum computed with the deal. */
static void test_add_matches_sum(void **state)
{
    double x[21], p[21];
    mtl__pmf base, with, full;
    env e;
    (void)state;
    rng_state = 8;
    env_init(&e);
    random_deals(x, p, 21, 30);
    assert_int_equal(mtl__pmf_bernoulli_sum(&e.a, x, p, 20, 0, 0, &base),
                     MTL_OK);
    assert_int_equal(mtl__pmf_add(&e.a, &base, x[20], p[20], 0, &with),
                     MTL_OK);
    assert_int_equal(mtl__pmf_bernoulli_sum(&e.a, x, p, 21, 0, 0, &full),
                     MTL_OK);
    assert_same_pmf(&with, &full, 1e-13);
    mtl__pmf_free(&e.a, &base);
    mtl__pmf_free(&e.a, &with);
    mtl__pmf_free(&e.a, &full);
    test_alloc_assert_clean(&e.ta);
}

/* Removing one deal from 3,000 (a Fourier result) equals recomputing
 * without it: the deal is the last of the array. */
static void remove_last(const double *x, const double *p, size_t n)
{
    mtl__pmf all, without, removed;
    env e;
    env_init(&e);
    assert_int_equal(mtl__pmf_bernoulli_sum_method(&e.a, x, p, n, 0, 0,
                                                   MTL__PMF_FOURIER, &all),
                     MTL_OK);
    assert_int_equal(mtl__pmf_bernoulli_sum(&e.a, x, p, n - 1, 0, 0,
                                            &without),
                     MTL_OK);
    assert_int_equal(mtl__pmf_remove(&e.a, &all, x[n - 1], p[n - 1], 0,
                                     &removed),
                     MTL_OK);
    assert_same_pmf(&removed, &without, 1e-10);
    mtl__pmf_free(&e.a, &all);
    mtl__pmf_free(&e.a, &without);
    mtl__pmf_free(&e.a, &removed);
    test_alloc_assert_clean(&e.ta);
}

static void test_remove_from_large(void **state)
{
    static double x[3000], p[3000];
    (void)state;
    rng_state = 9;
    random_deals(x, p, 3000, 100);
    x[2999] = 60.4; /* forward: p < 1/2 */
    p[2999] = 0.3;
    remove_last(x, p, 3000);
    x[2999] = 75;   /* backward: integer x, p > 1/2 */
    p[2999] = 0.9;
    remove_last(x, p, 3000);
    x[2999] = 42.9; /* backward: 2 p f > 1 */
    p[2999] = 0.8;
    remove_last(x, p, 3000);
    x[2999] = 42.2; /* neither: on the Fourier circle */
    p[2999] = 0.8;
    remove_last(x, p, 3000);
}

static void test_remove_refused(void **state)
{
    double x[40], p[40];
    size_t i;
    mtl__pmf base, out, point;
    env e;
    (void)state;
    env_init(&e);
    for (i = 0; i < 40; i++) {
        x[i] = 1;
        p[i] = 0.1 + 0.02 * (double)i;
    }
    assert_int_equal(mtl__pmf_bernoulli_sum(&e.a, x, p, 40, 0, 0, &base),
                     MTL_OK);
    /* p = 1/2, integer x: both ends weigh the same, no stable direction */
    assert_int_equal(mtl__pmf_remove(&e.a, &base, 1, 0.5, 0, &out),
                     MTL_E_RANGE);
    assert_null(out.prob);
    assert_int_equal(mtl_last_error_status(), MTL_E_RANGE);
    /* p = 1/2 and f = 1/2 with p = 1 (the points 0 and 1 alike) */
    assert_int_equal(mtl__pmf_remove(&e.a, &base, 2.5, 1, 0, &out),
                     MTL_E_RANGE);
    /* a deal the distribution does not contain: the checks fail */
    assert_int_equal(mtl__pmf_remove(&e.a, &base, 7.5, 0.3, 0, &out),
                     MTL_E_RANGE);
    assert_int_equal(mtl__pmf_remove(&e.a, &base, 60, 0.3, 0, &out),
                     MTL_E_RANGE);
    /* a point mass contains no deal */
    assert_int_equal(mtl__pmf_bernoulli_sum(&e.a, NULL, NULL, 0, 0, 0,
                                            &point),
                     MTL_OK);
    assert_int_equal(mtl__pmf_remove(&e.a, &point, 2, 0.3, 0, &out),
                     MTL_E_RANGE);
    mtl__pmf_free(&e.a, &point);
    mtl__pmf_free(&e.a, &base);
    test_alloc_assert_clean(&e.ta);
}

/* ---- queries on the three-deal example ----------------------------------- */

/* python3 tests/tools/distribution_example.py */
static const double example_x[3] = {2, 3, 1.5}, example_p[3] = {0.5, 0.4, 0.2};
static const double example_pmf[8] = {0.24, 0.03, 0.27, 0.19,
                                      0.05, 0.18, 0.02, 0.02};

static void test_example_queries(void **state)
{
    mtl__pmf pmf;
    int method;
    (void)state;
    for (method = MTL__PMF_AUTO; method <= MTL__PMF_FOURIER; method++) {
        env e;
        int64_t v;
        env_init(&e);
        assert_int_equal(mtl__pmf_bernoulli_sum_method(&e.a, example_x,
                                                       example_p, 3, 0, 0,
                                                       method, &pmf),
                         MTL_OK);
        assert_int_equal(pmf.first, 0);
        assert_int_equal(pmf.size, 8);
        for (v = 0; v < 8; v++)
            assert_true(fabs(pmf.prob[v] - example_pmf[v]) < 1e-15);
        assert_int_equal(mtl__pmf_quantile(&pmf, 0), 0);
        assert_int_equal(mtl__pmf_quantile(&pmf, 0.1), 0);
        assert_int_equal(mtl__pmf_quantile(&pmf, 0.25), 1);
        assert_int_equal(mtl__pmf_quantile(&pmf, 0.5), 2);
        assert_int_equal(mtl__pmf_quantile(&pmf, 0.9), 5);
        assert_int_equal(mtl__pmf_quantile(&pmf, 0.99), 7);
        assert_int_equal(mtl__pmf_quantile(&pmf, 1), 7);
        assert_true(fabs(mtl__pmf_at_least(&pmf, 0) - 1) < 1e-15);
        assert_true(fabs(mtl__pmf_at_least(&pmf, -5) - 1) < 1e-15);
        assert_true(fabs(mtl__pmf_at_least(&pmf, 3) - 0.46) < 1e-15);
        assert_true(fabs(mtl__pmf_at_least(&pmf, 6) - 0.04) < 1e-15);
        assert_true(mtl__pmf_at_least(&pmf, 8) == 0);
        assert_true(mtl__pmf_shortfall(&pmf, 0) == 0);
        assert_true(fabs(mtl__pmf_shortfall(&pmf, 2.5) - 0.78) < 1e-15);
        assert_true(fabs(mtl__pmf_shortfall(&pmf, 4) - 1.78) < 1e-15);
        assert_true(fabs(mtl__pmf_shortfall(&pmf, 10) - 7.5) < 1e-14);
        mtl__pmf_free(&e.a, &pmf);
        test_alloc_assert_clean(&e.ta);
    }
}

static void test_quantile_rounding(void **state)
{
    /* a sum that rounding leaves below 1: q = 1 is the top, not past it */
    double prob[3] = {0.3, 0.3, 0.4 - 1e-15};
    mtl__pmf pmf = {10, 3, prob, 0};
    (void)state;
    assert_int_equal(mtl__pmf_quantile(&pmf, 1), 12);
    assert_int_equal(mtl__pmf_quantile(&pmf, 0.999999999999), 12);
    assert_int_equal(mtl__pmf_quantile(&pmf, 0.55), 11);
    assert_int_equal(mtl__pmf_quantile(&pmf, 0.3), 10);
    assert_int_equal(mtl__pmf_quantile(&pmf, -1), 10);
    assert_true(mtl__pmf_shortfall(&pmf, 10) == 0);
    assert_true(fabs(mtl__pmf_shortfall(&pmf, 11) - 0.3) < 1e-15);
}

/* ---- edge cases ---------------------------------------------------------- */

static void expect_point(const double *x, const double *p, size_t n,
                         int64_t at)
{
    int method;
    for (method = MTL__PMF_AUTO; method <= MTL__PMF_FOURIER; method++) {
        mtl__pmf pmf;
        env e;
        env_init(&e);
        assert_int_equal(mtl__pmf_bernoulli_sum_method(&e.a, x, p, n, 0, 0,
                                                       method, &pmf),
                         MTL_OK);
        assert_int_equal(pmf.first, at);
        assert_int_equal(pmf.size, 1);
        assert_true(pmf.prob[0] == 1);
        assert_int_equal(mtl__pmf_quantile(&pmf, 0.5), at);
        mtl__pmf_free(&e.a, &pmf);
        test_alloc_assert_clean(&e.ta);
    }
}

static void test_edges(void **state)
{
    double x[4] = {3, 5, 0, 2.5}, p[4] = {0, 0, 0, 0};
    double xs[2] = {2.25, 4}, ps[2] = {1, 1};
    mtl__pmf pmf;
    env e;
    (void)state;
    expect_point(NULL, NULL, 0, 0);
    expect_point(x, p, 4, 0);      /* every p = 0 */
    p[0] = p[1] = 1;
    expect_point(x, p, 2, 8);      /* certain integer deals: a shift */
    p[2] = 0.5;
    expect_point(x, p, 3, 8);      /* x = 0 adds nothing */
    /* certain with a fraction: 2 or 3, plus 4 */
    env_init(&e);
    assert_int_equal(mtl__pmf_bernoulli_sum(&e.a, xs, ps, 2, 0, 0, &pmf),
                     MTL_OK);
    assert_int_equal(pmf.first, 6);
    assert_int_equal(pmf.size, 2);
    assert_true(fabs(pmf.prob[0] - 0.75) < 1e-15);
    assert_true(fabs(pmf.prob[1] - 0.25) < 1e-15);
    mtl__pmf_free(&e.a, &pmf);
    test_alloc_assert_clean(&e.ta);
}

static void test_limits(void **state)
{
    static double big_x[600], big_p[600];
    double x[40], p[40];
    size_t i;
    int method;
    mtl__pmf pmf;
    env e;
    (void)state;
    env_init(&e);
    x[0] = 1e12;
    p[0] = 0.5;
    for (method = MTL__PMF_AUTO; method <= MTL__PMF_FOURIER; method++) {
        memset(&pmf, 0xab, sizeof pmf);
        assert_int_equal(mtl__pmf_bernoulli_sum_method(&e.a, x, p, 1, 0,
                                                       1000000, method, &pmf),
                         MTL_E_LIMIT);
        assert_null(pmf.prob);
        assert_int_equal(pmf.size, 0);
        assert_int_equal(mtl__pmf_bernoulli_sum_method(&e.a, x, p, 1, 0, 0,
                                                       method, &pmf),
                         MTL_E_LIMIT);
    }
    x[0] = 1e300;
    assert_int_equal(mtl__pmf_bernoulli_sum(&e.a, x, p, 1, 0, 0, &pmf),
                     MTL_E_LIMIT);
    assert_int_equal(mtl_last_error_status(), MTL_E_LIMIT);
    /* a certain amount below 2^53 is a shift: one point */
    x[0] = 8e15;
    p[0] = 1;
    assert_int_equal(mtl__pmf_bernoulli_sum(&e.a, x, p, 1, 0, 0, &pmf),
                     MTL_OK);
    assert_int_equal(pmf.first, 8000000000000000);
    assert_int_equal(pmf.size, 1);
    mtl__pmf_free(&e.a, &pmf);
    /* 600 of them overflow 2^62 */
    for (i = 0; i < 600; i++) {
        big_x[i] = 8e15;
        big_p[i] = 1;
    }
    assert_int_equal(mtl__pmf_bernoulli_sum(&e.a, big_x, big_p, 600, 0, 0,
                                            &pmf),
                     MTL_E_LIMIT);
    assert_null(pmf.prob);
    /* max_size: a window of about 800 points */
    for (i = 0; i < 40; i++) {
        x[i] = 10 + (double)i / 4;
        p[i] = 0.5;
    }
    for (method = MTL__PMF_AUTO; method <= MTL__PMF_FOURIER; method++) {
        assert_int_equal(mtl__pmf_bernoulli_sum_method(&e.a, x, p, 40, 0, 20,
                                                       method, &pmf),
                         MTL_E_LIMIT);
        assert_null(pmf.prob);
        assert_int_equal(mtl__pmf_bernoulli_sum_method(&e.a, x, p, 40, 0,
                                                       2000, method, &pmf),
                         MTL_OK);
        assert_true(pmf.size <= 2000);
        mtl__pmf_free(&e.a, &pmf);
        assert_int_equal(mtl__pmf_bernoulli_sum_method(&e.a, x, p, 40, 0,
                                                       SIZE_MAX, method,
                                                       &pmf),
                         MTL_OK);
        mtl__pmf_free(&e.a, &pmf);
    }
    test_alloc_assert_clean(&e.ta);
}

/* ---- out of memory -------------------------------------------------------- */

typedef mtl_status (*oom_fn)(mtl__allocator *a, mtl__pmf *out, void *ctx);

/* Fail allocation 1, 2, ... (once, then from there on) until fn runs
 * through: MTL_E_NO_MEMORY, *out zeroed, nothing held. */
static void sweep(oom_fn fn, void *ctx)
{
    int sticky;
    for (sticky = 0; sticky < 2; sticky++) {
        uint64_t n;
        for (n = 1;; n++) {
            env e;
            mtl__pmf out;
            mtl_status st;
            env_init(&e);
            test_alloc_fail_nth(&e.ta, n, sticky);
            st = fn(&e.a, &out, ctx);
            if (st == MTL_OK) {
                mtl__pmf_free(&e.a, &out);
                test_alloc_assert_clean(&e.ta);
                break;
            }
            assert_int_equal(st, MTL_E_NO_MEMORY);
            assert_null(out.prob);
            assert_int_equal(out.size, 0);
            test_alloc_assert_clean(&e.ta);
            assert_true(n < 1000);
        }
    }
}

typedef struct oom_case {
    const double *x, *p;
    size_t n;
    int method;
} oom_case;

static mtl_status oom_sum(mtl__allocator *a, mtl__pmf *out, void *ctx)
{
    const oom_case *c = ctx;
    return mtl__pmf_bernoulli_sum_method(a, c->x, c->p, c->n, 0, 0, c->method,
                                         out);
}

static mtl_status oom_add_remove(mtl__allocator *a, mtl__pmf *out, void *ctx)
{
    const oom_case *c = ctx;
    mtl__pmf base, with;
    mtl_status st;
    memset(out, 0, sizeof *out);
    st = mtl__pmf_bernoulli_sum(a, c->x, c->p, c->n, 0, 0, &base);
    if (st != MTL_OK)
        return st;
    st = mtl__pmf_add(a, &base, 4.5, 0.25, 0, &with);
    if (st == MTL_OK) {
        st = mtl__pmf_remove(a, &with, 4.5, 0.25, 0, out);
        mtl__pmf_free(a, &with);
    }
    mtl__pmf_free(a, &base);
    return st;
}

static void test_out_of_memory(void **state)
{
    static double x[200], p[200];
    oom_case c;
    size_t i;
    (void)state;
    rng_state = 10;
    for (i = 0; i < 200; i++) {
        /* 40 equal deals form a power group; the rest single */
        x[i] = i < 40 ? 3 : rng_unit() * 20;
        p[i] = i < 40 ? 0.4 : rng_unit();
    }
    c.x = x;
    c.p = p;
    c.n = 200;
    for (c.method = MTL__PMF_AUTO; c.method <= MTL__PMF_FOURIER; c.method++)
        sweep(oom_sum, &c);
    c.n = 20;
    sweep(oom_add_remove, &c);
}

/* ---- FFT ------------------------------------------------------------------ */

static void test_fft(void **state)
{
    size_t n;
    env e;
    (void)state;
    rng_state = 11;
    env_init(&e);
    /* the tiled bit reversal starts at 2^9 points */
    for (n = 1; n <= 8192; n *= 2) {
        mtl__fft f;
        double *d = malloc(2 * n * sizeof *d), *in = malloc(2 * n * sizeof *in);
        size_t k, u;
        int sign;
        assert_non_null(d);
        assert_non_null(in);
        assert_int_equal(mtl__fft_init(&e.a, &f, n), MTL_OK);
        for (sign = -1; sign <= 1; sign += 2) {
            double maxerr = 0;
            for (k = 0; k < 2 * n; k++)
                in[k] = d[k] = rng_unit() - 0.5;
            mtl__fft_run(&f, d, sign);
            for (k = 0; k < n; k += (n > 256 ? 37 : 1)) {
                long double sr = 0, si = 0;
                for (u = 0; u < n; u++) {
                    long double ang = (long double)sign * 2 *
                                      3.14159265358979323846264338327950288L *
                                      (long double)((u * k) % n) /
                                      (long double)n;
                    sr += in[2 * u] * cosl(ang) - in[2 * u + 1] * sinl(ang);
                    si += in[2 * u] * sinl(ang) + in[2 * u + 1] * cosl(ang);
                }
                if (fabs((double)sr - d[2 * k]) > maxerr)
                    maxerr = fabs((double)sr - d[2 * k]);
                if (fabs((double)si - d[2 * k + 1]) > maxerr)
                    maxerr = fabs((double)si - d[2 * k + 1]);
            }
            assert_true(maxerr < 1e-13 * sqrt((double)n) * 4);
        }
        mtl__fft_free(&e.a, &f);
        free(d);
        free(in);
    }
    test_alloc_assert_clean(&e.ta);
}

static void test_cis(void **state)
{
    static const uint64_t sizes[3] = {16, (uint64_t)1 << 17, (uint64_t)1 << 21};
    size_t s;
    env e;
    (void)state;
    rng_state = 12;
    env_init(&e);
    for (s = 0; s < 3; s++) {
        mtl__cis t;
        int i;
        assert_int_equal(mtl__cis_init(&e.a, &t, sizes[s]), MTL_OK);
        for (i = 0; i < 20000; i++) {
            uint64_t k = rng_next();
            int64_t kr = (int64_t)(k & (sizes[s] - 1));
            double re, im;
            long double ang;
            /* the reference angle in [-π, π]: a small argument error even
             * where long double is double (valgrind) */
            if (kr > (int64_t)(sizes[s] / 2))
                kr -= (int64_t)sizes[s];
            ang = 2 * 3.14159265358979323846264338327950288L *
                  (long double)kr / (long double)sizes[s];
            mtl__cis_at(&t, k, &re, &im);
            assert_true(fabs(re - (double)cosl(ang)) < 8e-16);
            assert_true(fabs(im - (double)sinl(ang)) < 8e-16);
        }
        mtl__cis_free(&e.a, &t);
    }
    test_alloc_assert_clean(&e.ta);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        test_case(test_brute_integer),
        test_case(test_brute_split),
        test_case(test_brute_tail),
        test_case(test_fourier_vs_direct),
        test_case(test_moments),
        test_case(test_won_count),
        test_case(test_add_remove_roundtrip),
        test_case(test_add_matches_sum),
        test_case(test_remove_from_large),
        test_case(test_remove_refused),
        test_case(test_example_queries),
        test_case(test_quantile_rounding),
        test_case(test_edges),
        test_case(test_limits),
        test_case(test_out_of_memory),
        test_case(test_fft),
        test_case(test_cis),
    };
    return cmocka_run_group_tests_name("distribution", tests, NULL, NULL);
}
