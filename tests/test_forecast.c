/*
 * test_forecast.c: period revenue forecasts (forecast.h, SPEC 3.3,
 * docs/methods/forecast.md).
 *
 *   - the worked example of docs/methods/forecast.md, numbers from
 *     tests/tools/forecast_example.py (all 2^5 outcomes enumerated there,
 *     exact fractions), hard-coded here;
 *   - 200 random small markets: the distribution of R and of the won count
 *     against brute-force enumeration of every outcome, on grid 1 and on
 *     coarser grids where amounts are split between two grid points (the
 *     3-point model of forecast.h), with quantiles, P(R >= target), the
 *     expected shortfall and the quantization noise;
 *   - Monte Carlo against the exact result (independent deals), its
 *     reproducibility, and a shared segment factor (same mean, more
 *     variance);
 *   - what-if (deal removed, probability changed) against a forecast built
 *     after making the same change in the market;
 *   - scope filters, the calibrated probability source, categories with
 *     overrides, every documented error status, a forecast that outlives
 *     its market, ref/unref, and a failing allocator at every allocation.
 *
 * Public functions exercised here (forecast.h):
 *   [x] mtl_forecast_options_init          [x] mtl_forecast_create
 *   [x] mtl_forecast_ref                   [x] mtl_forecast_unref
 *   [x] mtl_forecast_summary_get           [x] mtl_forecast_quantile
 *   [x] mtl_forecast_probability_at_least  [x] mtl_forecast_expected_shortfall
 *   [x] mtl_forecast_distribution          [x] mtl_forecast_won_count_distribution
 *   [x] mtl_forecast_deal_count            [x] mtl_forecast_deal_at
 *   [x] mtl_forecast_without               [x] mtl_forecast_with_probability
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mtl.h"
#include "support/test_alloc.h"

#define T(fn) test_case(fn)

#define OK(expr)                                                              \
    do {                                                                      \
        mtl_status st_ = (expr);                                              \
        if (st_ != MTL_OK)                                                    \
            fail_msg("%s: %s: %s", #expr, mtl_status_string(st_),             \
                     mtl_last_error_message());                               \
    } while (0)

#define FAILS(expr, status)                                                   \
    do {                                                                      \
        mtl_status st_ = (expr);                                              \
        if (st_ != (status))                                                  \
            fail_msg("%s: %s, expected %s (%s)", #expr, mtl_status_string(st_), \
                     mtl_status_string(status), mtl_last_error_message());    \
    } while (0)

#define CHECK_D(what, got, want, tol)                                         \
    do {                                                                      \
        double g_ = (got), w_ = (want);                                       \
        if (!(isnan(g_) && isnan(w_)) &&                                      \
            !(fabs(g_ - w_) <= (tol) * (fabs(w_) > 1 ? fabs(w_) : 1)))        \
            fail_msg("%s: %s = %.17g, expected %.17g", what, #got, g_, w_);  \
    } while (0)

#define CHECK_I(what, got, want)                                              \
    do {                                                                      \
        if ((int64_t)(got) != (int64_t)(want))                                \
            fail_msg("%s: %s = %lld, expected %lld", what, #got,             \
                     (long long)(got), (long long)(want));                    \
    } while (0)

static int32_t day(int32_t y, int32_t m, int32_t d)
{
    int32_t out;
    OK(mtl_date_from_ymd(&out, y, m, d));
    return out;
}

static void get_summary(const mtl_forecast *f, mtl_forecast_summary *s)
{
    memset(s, 0, sizeof *s);
    s->struct_size = sizeof *s;
    OK(mtl_forecast_summary_get(f, s));
}

static void q3_options(mtl_forecast_options *o)
{
    OK(mtl_forecast_options_init(o, sizeof *o));
    o->period_start = day(2024, 7, 1);
    o->period_end = day(2024, 10, 1);
}

/* ---- the worked example (docs/methods/forecast.md) -------------------- */

typedef struct example_lead {
    const char *id;
    int32_t stage, outcome;
    int64_t amount;
    double p;
    int32_t category;
    int32_t expected[3], closed[3];
} example_lead;

#define NP MTL_PROBABILITY_NONE
#define NC MTL_CATEGORY_NONE

/* tests/tools/forecast_example.py, LEADS */
static const example_lead example_leads[] = {
    {"D1", 3, MTL_OUTCOME_OPEN, 40000, NP, NC, {2024, 8, 20}, {0}},
    {"D2", 5, MTL_OUTCOME_OPEN, 120000, NP, NC, {2024, 9, 15}, {0}},
    {"D3", 2, MTL_OUTCOME_OPEN, 65000, 0.35, NC, {2024, 7, 25}, {0}},
    {"D4", 1, MTL_OUTCOME_OPEN, 50000, NP, MTL_CATEGORY_OMITTED, {2024, 9, 1}, {0}},
    {"D5", 4, MTL_OUTCOME_OPEN, 90000, NP, MTL_CATEGORY_COMMIT, {2024, 9, 28}, {0}},
    {"D6", 6, MTL_OUTCOME_OPEN, 30000, NP, NC, {2024, 8, 5}, {0}},
    {"X1", 3, MTL_OUTCOME_OPEN, 70000, NP, NC, {2024, 10, 15}, {0}},
    {"W1", 7, MTL_OUTCOME_WON, 80000, NP, NC, {0}, {2024, 7, 15}},
    {"W2", 7, MTL_OUTCOME_WON, 25000, NP, NC, {0}, {2024, 9, 5}},
    {"W3", 7, MTL_OUTCOME_WON, 55000, NP, NC, {0}, {2024, 6, 20}},
    {"L1", 2, MTL_OUTCOME_LOST, 45000, NP, NC, {0}, {2024, 8, 10}},
};

/* The distribution of R (value, probability) from forecast_example.py. */
static const struct {
    int64_t value;
    double p;
} example_dist[] = {
    {105000, 0.005687499999999999}, {135000, 0.051187500000000004},
    {145000, 0.0024374999999999996}, {170000, 0.0030624999999999993},
    {175000, 0.021937500000000002}, {195000, 0.005687499999999999},
    {200000, 0.0275625}, {210000, 0.0013124999999999996},
    {225000, 0.06825}, {235000, 0.0024374999999999996},
    {240000, 0.011812499999999998}, {255000, 0.15356250000000002},
    {260000, 0.0030624999999999993}, {265000, 0.029249999999999998},
    {290000, 0.03675}, {295000, 0.0658125},
    {300000, 0.0013124999999999996}, {315000, 0.017062499999999998},
    {320000, 0.0826875}, {330000, 0.015749999999999997},
    {345000, 0.15356250000000002}, {355000, 0.007312499999999999},
    {360000, 0.0354375}, {380000, 0.009187499999999998},
    {385000, 0.0658125}, {410000, 0.0826875},
    {420000, 0.003937499999999999}, {450000, 0.0354375},
};
static const double example_wins[] = { 0.005687499999999999, 0.0794375, 0.294625,
                                       0.385125, 0.1996875, 0.0354375 };

static int32_t ex_day(const int32_t d[3])
{
    return d[0] ? day(d[0], d[1], d[2]) : MTL_DATE_NONE;
}

static void build_example(mtl_market *m)
{
    size_t i;
    for (i = 0; i < sizeof example_leads / sizeof example_leads[0]; i++) {
        const example_lead *e = &example_leads[i];
        mtl_lead *l;
        OK(mtl_lead_add(&l, m, e->id, NULL));
        OK(mtl_lead_set_stage_outcome(l, e->stage, e->outcome));
        OK(mtl_lead_set_amount(l, e->amount));
        OK(mtl_lead_set_probability(l, e->p));
        OK(mtl_lead_set_category(l, e->category));
        OK(mtl_lead_set_expected_close(l, ex_day(e->expected)));
        OK(mtl_lead_set_closed(l, ex_day(e->closed)));
    }
}

static double example_prob(int64_t v)
{
    size_t k;
    for (k = 0; k < sizeof example_dist / sizeof example_dist[0]; k++)
        if (example_dist[k].value == v)
            return example_dist[k].p;
    return 0;
}

static void test_worked_example(void **state)
{
    static const char *const ids[] = { "D1", "D2", "D3", "D5", "D6" };
    static const int64_t amounts[] = { 40000, 120000, 65000, 90000, 30000 };
    static const double probs[] = { 0.30, 0.75, 0.35, 0.50, 0.90 };
    static const int32_t cats[] = { MTL_CATEGORY_PIPELINE, MTL_CATEGORY_BEST_CASE,
                                    MTL_CATEGORY_PIPELINE, MTL_CATEGORY_COMMIT,
                                    MTL_CATEGORY_COMMIT };
    const char *w = "worked example";
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_forecast_options o;
    mtl_forecast *f;
    mtl_forecast_summary s;
    const double *pr;
    int64_t first, step, v;
    size_t n, k, seen = 0;
    (void)state;
    build_example(m);
    q3_options(&o);
    o.as_of = day(2024, 8, 15);
    o.target = 260000;
    OK(mtl_forecast_create(&f, m, &o));
    get_summary(f, &s);

    CHECK_I(w, s.period_start, day(2024, 7, 1));
    CHECK_I(w, s.period_end, day(2024, 10, 1));
    CHECK_I(w, s.as_of, day(2024, 8, 15));
    CHECK_I(w, s.method, MTL_FORECAST_EXACT);
    CHECK_I(w, s.closed_won_count, 2);
    CHECK_I(w, s.closed_won_amount, 105000);
    CHECK_I(w, s.won_to_date_amount, 80000);
    CHECK_I(w, s.deal_count, 5);
    /* categories alone, then Salesforce's cumulative forecasts */
    CHECK_I(w, s.pipeline, 105000);
    CHECK_I(w, s.best_case, 120000);
    CHECK_I(w, s.commit, 120000);
    CHECK_I(w, s.closed, 105000);
    CHECK_I(w, s.omitted, 50000);
    CHECK_I(w, s.commit_forecast, 225000);
    CHECK_I(w, s.best_case_forecast, 345000);
    CHECK_I(w, s.open_pipeline, 345000);
    /* the distribution */
    CHECK_D(w, s.expected, 301750.0, 1e-12);
    CHECK_D(w, s.variance, 6103187500.0, 1e-12);
    CHECK_I(w, s.p10, 200000);
    CHECK_I(w, s.p50, 315000);
    CHECK_I(w, s.p90, 410000);
    CHECK_I(w, s.target, 260000);
    CHECK_D(w, s.p_hit_target, 0.6450625, 1e-12);
    CHECK_D(w, s.expected_shortfall, 15243.4375, 1e-12);
    CHECK_D(w, s.won_count_mean, 2.8, 1e-12);
    CHECK_D(w, s.won_count_variance, 0.965, 1e-12);
    CHECK_I(w, s.won_count_p10, 2);
    CHECK_I(w, s.won_count_p50, 3);
    CHECK_I(w, s.won_count_p90, 4);
    /* automatic grid: 20 sd + the largest deal = 1.68e6 minor units, over
     * 2^18 points at step 1, within at step 10; amounts on the grid: no
     * quantization noise */
    CHECK_I(w, s.grid, 10);
    CHECK_D(w, s.quantization_sd, 0, 0);
    assert_true(s.error_bound >= 0 && s.error_bound < 1e-12);
    CHECK_I(w, s.draws, 0);

    n = mtl_forecast_distribution(f, &first, &step, &pr);
    CHECK_I(w, step, 10);
    assert_true(n > 0);
    for (k = 0; k < n; k++) {
        v = first + (int64_t)k * step;
        CHECK_D(w, pr[k], example_prob(v), 1e-12);
        seen += example_prob(v) > 0;
    }
    CHECK_I(w, seen, sizeof example_dist / sizeof example_dist[0]);
    n = mtl_forecast_won_count_distribution(f, &first, &pr);
    CHECK_I(w, first, 0);
    CHECK_I(w, n, 6);
    for (k = 0; k < n; k++)
        CHECK_D(w, pr[k], example_wins[k], 1e-12);

    /* the reading functions: quantile, P(R >= x), shortfall */
    CHECK_I(w, mtl_forecast_quantile(f, 0.0), 105000);
    CHECK_I(w, mtl_forecast_quantile(f, 0.085), 195000); /* CDF 0.0843 before it */
    CHECK_I(w, mtl_forecast_quantile(f, 0.5), 315000);
    CHECK_I(w, mtl_forecast_quantile(f, 1.0), 450000);
    CHECK_D(w, mtl_forecast_probability_at_least(f, 260000), 0.6450625, 1e-12);
    CHECK_D(w, mtl_forecast_probability_at_least(f, 255001), 0.6450625, 1e-12);
    CHECK_D(w, mtl_forecast_probability_at_least(f, 255000), 0.6450625 + 0.15356250000000002,
            1e-12);
    CHECK_D(w, mtl_forecast_probability_at_least(f, 0), 1, 1e-15);
    CHECK_D(w, mtl_forecast_probability_at_least(f, 105000), 1, 1e-15);
    CHECK_D(w, mtl_forecast_probability_at_least(f, 450001), 0, 0);
    CHECK_D(w, mtl_forecast_probability_at_least(f, 450000), 0.0354375, 1e-12);
    CHECK_D(w, mtl_forecast_expected_shortfall(f, 260000), 15243.4375, 1e-12);
    CHECK_D(w, mtl_forecast_expected_shortfall(f, 105000), 0, 0);
    CHECK_D(w, mtl_forecast_expected_shortfall(f, 500000), 500000 - 301750.0, 1e-12);

    /* the deals, in market order */
    CHECK_I(w, mtl_forecast_deal_count(f), 5);
    for (k = 0; k < 5; k++) {
        const char *id;
        int64_t a;
        double p;
        int32_t c;
        OK(mtl_forecast_deal_at(f, k, &id, &a, &p, &c));
        assert_string_equal(id, ids[k]);
        CHECK_I(w, a, amounts[k]);
        CHECK_D(w, p, probs[k], 0);
        CHECK_I(w, c, cats[k]);
    }
    OK(mtl_forecast_deal_at(f, 0, NULL, NULL, NULL, NULL));

    /* what-if (forecast_example.py): without D2, D2 at 0.4, D3 at 0.9 */
    {
        static const struct {
            const char *id;
            double p; /* -1: without */
            double expected, variance;
            int64_t p10, p50, p90;
            double p_hit, shortfall;
            int64_t best_case, deals;
        } wi[] = {
            { "D2", -1, 211750.0, 3403187500.0, 135000, 225000, 290000, 0.26275,
              55513.75, 0, 4 },
            { "D2", 0.4, 259750.0, 6859187500.0, 135000, 255000, 385000, 0.46665,
              34036.25, 120000, 5 },
            { "D3", 0.9, 337500.0, 5522250000.0, 225000, 330000, 420000, 0.839625,
              7739.375, 120000, 5 },
        };
        for (k = 0; k < sizeof wi / sizeof wi[0]; k++) {
            mtl_forecast *g;
            mtl_forecast_summary t;
            if (wi[k].p < 0)
                OK(mtl_forecast_without(&g, f, wi[k].id));
            else
                OK(mtl_forecast_with_probability(&g, f, wi[k].id, wi[k].p));
            get_summary(g, &t);
            CHECK_D(wi[k].id, t.expected, wi[k].expected, 1e-12);
            CHECK_D(wi[k].id, t.variance, wi[k].variance, 1e-12);
            CHECK_I(wi[k].id, t.p10, wi[k].p10);
            CHECK_I(wi[k].id, t.p50, wi[k].p50);
            CHECK_I(wi[k].id, t.p90, wi[k].p90);
            CHECK_D(wi[k].id, t.p_hit_target, wi[k].p_hit, 1e-10);
            CHECK_D(wi[k].id, t.expected_shortfall, wi[k].shortfall, 1e-10);
            CHECK_I(wi[k].id, t.best_case, wi[k].best_case);
            CHECK_I(wi[k].id, t.deal_count, wi[k].deals);
            CHECK_I(wi[k].id, t.closed_won_amount, 105000);
            CHECK_I(wi[k].id, t.grid, 10); /* the base's grid */
            mtl_forecast_unref(g);
        }
    }
    mtl_forecast_unref(f);

    /* as_of by default: the day before the period's end, every period win
     * is "to date"; without target, NaN */
    q3_options(&o);
    OK(mtl_forecast_create(&f, m, &o));
    get_summary(f, &s);
    CHECK_I(w, s.as_of, day(2024, 9, 30));
    CHECK_I(w, s.won_to_date_amount, 105000);
    CHECK_I(w, s.target, 0);
    assert_true(isnan(s.p_hit_target) && isnan(s.expected_shortfall));
    mtl_forecast_unref(f);
    test_market_free(m, &ta);
}

/* ---- brute force ------------------------------------------------------ */

typedef struct brute {
    int64_t closed;  /* certain revenue */
    int64_t grid;
    size_t n;
    double x[16], p[16];
    double *mass;    /* by grid units from 0 */
    size_t size;
    double wins[17];
} brute;

/* Every outcome of the deals in the 3-point model of forecast.h: deal j
 * loses (1 - p), or wins at floor(x) (p (1 - f)) or floor(x) + 1 (p f). */
static void enumerate(brute *b, size_t j, size_t sum, size_t won, double prob)
{
    double lo, f;
    if (prob == 0)
        return;
    if (j == b->n) {
        b->mass[sum] += prob;
        b->wins[won] += prob;
        return;
    }
    lo = floor(b->x[j]);
    f = b->x[j] - lo;
    enumerate(b, j + 1, sum, won, prob * (1 - b->p[j]));
    if (f == 0) {
        enumerate(b, j + 1, sum + (size_t)lo, won + 1, prob * b->p[j]);
    } else {
        enumerate(b, j + 1, sum + (size_t)lo, won + 1, prob * b->p[j] * (1 - f));
        enumerate(b, j + 1, sum + (size_t)lo + 1, won + 1, prob * b->p[j] * f);
    }
}

static void brute_run(brute *b)
{
    size_t j;
    b->size = 1;
    for (j = 0; j < b->n; j++)
        b->size += (size_t)floor(b->x[j]) + 1;
    b->mass = calloc(b->size, sizeof *b->mass);
    assert_non_null(b->mass);
    memset(b->wins, 0, sizeof b->wins);
    enumerate(b, 0, 0, 0, 1.0);
}

/* P(R = v), v in minor units */
static double brute_at(const brute *b, int64_t v)
{
    int64_t u;
    if ((v - b->closed) % b->grid != 0)
        return 0;
    u = (v - b->closed) / b->grid;
    return u >= 0 && (size_t)u < b->size ? b->mass[u] : 0;
}

/* Smallest R with CDF >= q; *fragile when a CDF value is within 1e-9 of q
 * (rounding could then decide either way). */
static int64_t brute_quantile(const brute *b, double q, int *fragile)
{
    double c = 0;
    size_t u;
    *fragile = 0;
    for (u = 0; u < b->size; u++) {
        if (b->mass[u] == 0)
            continue;
        c += b->mass[u];
        if (fabs(c - q) < 1e-9)
            *fragile = 1;
        if (c >= q)
            return b->closed + (int64_t)u * b->grid;
    }
    for (u = b->size; u-- > 0;)
        if (b->mass[u] > 0)
            break;
    return b->closed + (int64_t)u * b->grid;
}

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint32_t rng_int(rng *r, uint32_t n) { return (uint32_t)(rng_next(r) % n); }
static double rng_unit(rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

/* A random small market: nd open deals expected in Q3 2024 (stage
 * defaults or overrides, some 0 or 1), up to 3 wins in the period, and
 * leads that must stay out (lost, won before, open after the period). */
static void random_small_market(mtl_market *m, rng *r, size_t nd, int64_t max_amount)
{
    char id[32];
    mtl_lead *l;
    size_t j, nw = rng_int(r, 4);
    int32_t start = day(2024, 7, 1);
    for (j = 0; j < nd + nw + 3; j++) {
        snprintf(id, sizeof id, "R%zu", j);
        OK(mtl_lead_add(&l, m, id, NULL));
        OK(mtl_lead_set_amount(l, (int64_t)rng_int(r, (uint32_t)max_amount + 1)));
        if (j < nd) {
            OK(mtl_lead_set_stage_outcome(l, (int32_t)rng_int(r, 7), MTL_OUTCOME_OPEN));
            OK(mtl_lead_set_expected_close(l, start + (int32_t)rng_int(r, 92)));
            switch (rng_int(r, 5)) {
            case 0: break; /* stage default */
            case 1: OK(mtl_lead_set_probability(l, rng_int(r, 2) ? 1.0 : 0.0)); break;
            default: OK(mtl_lead_set_probability(l, rng_unit(r))); break;
            }
        } else if (j < nd + nw) {
            OK(mtl_lead_set_stage_outcome(l, 7, MTL_OUTCOME_WON));
            OK(mtl_lead_set_closed(l, start + (int32_t)rng_int(r, 92)));
        } else if (j == nd + nw) {
            OK(mtl_lead_set_stage_outcome(l, 3, MTL_OUTCOME_LOST));
            OK(mtl_lead_set_closed(l, start + 5));
        } else if (j == nd + nw + 1) {
            OK(mtl_lead_set_stage_outcome(l, 7, MTL_OUTCOME_WON));
            OK(mtl_lead_set_closed(l, start - 1));
        } else {
            OK(mtl_lead_set_stage_outcome(l, 4, MTL_OUTCOME_OPEN));
            OK(mtl_lead_set_expected_close(l, day(2024, 10, 1)));
        }
    }
}

/* The forecast's distributions against the enumeration. */
static void check_brute(const char *what, const mtl_forecast *f, const brute *b,
                        int64_t target)
{
    mtl_forecast_summary s;
    const double *pr;
    int64_t first, step, v;
    size_t n, k;
    double inside = 0, total = 0, mean = 0, var = 0, qvar = 0, emean = 0, evar = 0;
    double hit = 0, sf = 0;
    static const double qs[] = { 0.1, 0.5, 0.9, 0.01, 0.33, 0.999 };
    get_summary(f, &s);
    CHECK_I(what, s.grid, b->grid);
    n = mtl_forecast_distribution(f, &first, &step, &pr);
    CHECK_I(what, step, b->grid);
    assert_true(n > 0);
    assert_true((first - b->closed) % b->grid == 0);
    for (k = 0; k < n; k++) {
        v = first + (int64_t)k * step;
        if (fabs(pr[k] - brute_at(b, v)) > 1e-12)
            fail_msg("%s: P(R = %lld) = %.17g, enumeration %.17g", what, (long long)v,
                     pr[k], brute_at(b, v));
        inside += brute_at(b, v);
    }
    for (k = 0; k < b->size; k++) {
        double x = (double)b->closed + (double)k * (double)b->grid;
        total += b->mass[k];
        mean += b->mass[k] * x;
        if (x >= (double)target)
            hit += b->mass[k];
        else
            sf += b->mass[k] * ((double)target - x);
    }
    for (k = 0; k < b->size; k++) {
        double x = (double)b->closed + (double)k * (double)b->grid;
        var += b->mass[k] * (x - mean) * (x - mean);
    }
    if (total - inside > 1e-12)
        fail_msg("%s: %.3g of the mass outside the window", what, total - inside);
    /* the mean-preserving split: E[R] exact, Var = Var[R] + noise variance */
    for (k = 0; k < b->n; k++) {
        double a = b->x[k] * (double)b->grid, fr = b->x[k] - floor(b->x[k]);
        emean += a * b->p[k];
        evar += a * a * b->p[k] * (1 - b->p[k]);
        qvar += b->p[k] * fr * (1 - fr);
    }
    emean += (double)b->closed;
    CHECK_D(what, s.expected, emean, 1e-9);
    CHECK_D(what, mean, emean, 1e-9);
    CHECK_D(what, s.variance, evar, 1e-9);
    CHECK_D(what, s.quantization_sd, (double)b->grid * sqrt(qvar), 1e-9);
    CHECK_D(what, var, evar + s.quantization_sd * s.quantization_sd, 1e-6);
    assert_true(s.error_bound >= 0 && s.error_bound < 1e-9);
    /* quantiles */
    for (k = 0; k < sizeof qs / sizeof qs[0]; k++) {
        int fragile;
        int64_t want = brute_quantile(b, qs[k], &fragile);
        if (!fragile)
            CHECK_I(what, mtl_forecast_quantile(f, qs[k]), want);
    }
    /* P(R >= target), shortfall */
    CHECK_D(what, mtl_forecast_probability_at_least(f, target), hit, 1e-12);
    CHECK_D(what, mtl_forecast_expected_shortfall(f, target), sf, 1e-9);
    CHECK_I(what, s.target, target);
    if (target > 0) {
        CHECK_D(what, s.p_hit_target, hit, 1e-12);
        CHECK_D(what, s.expected_shortfall, sf, 1e-9);
    }
    /* the won count: Poisson-binomial */
    n = mtl_forecast_won_count_distribution(f, &first, &pr);
    assert_true(first >= 0 && first + (int64_t)n <= (int64_t)b->n + 1);
    inside = 0;
    for (k = 0; k <= b->n; k++) {
        double got = (int64_t)k >= first && (int64_t)k < first + (int64_t)n
                         ? pr[k - (size_t)first]
                         : 0;
        if (fabs(got - b->wins[k]) > 1e-12)
            fail_msg("%s: P(won = %zu) = %.17g, enumeration %.17g", what, k, got,
                     b->wins[k]);
    }
    {
        double cm = 0, cv = 0;
        for (k = 0; k < b->n; k++) {
            cm += b->p[k];
            cv += b->p[k] * (1 - b->p[k]);
        }
        CHECK_D(what, s.won_count_mean, cm, 1e-12);
        CHECK_D(what, s.won_count_variance, cv, 1e-12);
    }
}

static void test_random_brute_force(void **state)
{
    int trial;
    (void)state;
    for (trial = 0; trial < 200; trial++) {
        static const int64_t coarse[] = { 7, 50, 333, 1000 };
        test_alloc ta;
        mtl_market *m = test_market_new(&ta, 0, NULL);
        rng r = { 1000003u * (uint64_t)trial + 17 };
        mtl_forecast_options o;
        mtl_forecast *f;
        mtl_forecast_summary s;
        brute b;
        char what[64];
        size_t j;
        int split = trial % 2;
        int64_t max_amount = split ? 5000 : 2000;
        size_t nd = 1 + rng_int(&r, split ? 10 : 16);
        random_small_market(m, &r, nd, max_amount);
        q3_options(&o);
        o.grid = split ? coarse[rng_int(&r, 4)] : 1;
        o.target = rng_int(&r, 4) == 0 ? 0 : (int64_t)rng_int(&r, (uint32_t)(nd * 3000));
        o.as_of = rng_int(&r, 2) ? MTL_DATE_NONE : day(2024, 8, 1);
        OK(mtl_forecast_create(&f, m, &o));
        get_summary(f, &s);
        CHECK_I("deals", s.deal_count, nd);
        memset(&b, 0, sizeof b);
        b.closed = s.closed_won_amount;
        b.grid = o.grid;
        b.n = nd;
        for (j = 0; j < nd; j++) {
            int64_t a;
            double p;
            OK(mtl_forecast_deal_at(f, j, NULL, &a, &p, NULL));
            b.x[j] = (double)a / (double)b.grid;
            b.p[j] = p;
        }
        brute_run(&b);
        snprintf(what, sizeof what, "trial %d (grid %lld, %zu deals)", trial,
                 (long long)o.grid, nd);
        check_brute(what, f, &b, o.target);
        free(b.mass);
        mtl_forecast_unref(f);
        test_market_free(m, &ta);
    }
}

/* The deals' probabilities: override, else the stage default. */
static void test_deal_probabilities(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    rng r = { 5 };
    mtl_forecast_options o;
    mtl_forecast *f;
    size_t j;
    (void)state;
    random_small_market(m, &r, 16, 1000);
    q3_options(&o);
    OK(mtl_forecast_create(&f, m, &o));
    for (j = 0; j < mtl_forecast_deal_count(f); j++) {
        const char *id;
        double p;
        const mtl_lead *l;
        OK(mtl_forecast_deal_at(f, j, &id, NULL, &p, NULL));
        l = mtl_lead_find(m, id);
        assert_non_null(l);
        CHECK_D(id, p,
                mtl_lead_probability(l) >= 0 ? mtl_lead_probability(l)
                                             : mtl_market_stage_probability(m, mtl_lead_stage(l)),
                0);
    }
    mtl_forecast_unref(f);
    test_market_free(m, &ta);
}

/* ---- Monte Carlo ------------------------------------------------------ */

/* 40 deals in two segments and none, amounts up to 100,000.00. */
static void mc_market(mtl_market *m)
{
    rng r = { 2718 };
    mtl_segment *seg[2];
    mtl_lead *l;
    char id[32];
    int j;
    OK(mtl_segment_add(&seg[0], m, "north"));
    OK(mtl_segment_add(&seg[1], m, "south"));
    for (j = 0; j < 40; j++) {
        snprintf(id, sizeof id, "M%d", j);
        OK(mtl_lead_add(&l, m, id, NULL));
        if (j % 5 != 4)
            OK(mtl_lead_set_segment(l, seg[j % 2]));
        OK(mtl_lead_set_stage_outcome(l, (int32_t)rng_int(&r, 7), MTL_OUTCOME_OPEN));
        OK(mtl_lead_set_amount(l, 100000 + (int64_t)rng_int(&r, 9900000)));
        OK(mtl_lead_set_probability(l, 0.05 + 0.9 * rng_unit(&r)));
        OK(mtl_lead_set_expected_close(l, day(2024, 8, 1) + (int32_t)rng_int(&r, 30)));
    }
    OK(mtl_lead_add(&l, m, "won", NULL));
    OK(mtl_lead_set_stage_outcome(l, 7, MTL_OUTCOME_WON));
    OK(mtl_lead_set_amount(l, 5000000));
    OK(mtl_lead_set_closed(l, day(2024, 7, 3)));
}

static void test_monte_carlo(void **state)
{
    const int32_t D = 20000;
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_forecast_options o;
    mtl_forecast *ex, *mc, *mc2, *mc3, *mcd;
    mtl_forecast_summary se, sm, s2, s3;
    const double *pr;
    int64_t first, step, target;
    double sd, p, se_mean, total, mean;
    size_t n, k;
    (void)state;
    mc_market(m);
    q3_options(&o);
    OK(mtl_forecast_create(&ex, m, &o));
    get_summary(ex, &se);
    target = (int64_t)se.expected + 3000000;
    o.target = target;
    mtl_forecast_unref(ex);
    OK(mtl_forecast_create(&ex, m, &o));
    get_summary(ex, &se);

    o.method = MTL_FORECAST_MONTE_CARLO;
    o.draws = D;
    o.seed = 12345;
    OK(mtl_forecast_create(&mc, m, &o));
    get_summary(mc, &sm);
    CHECK_I("mc", sm.method, MTL_FORECAST_MONTE_CARLO);
    CHECK_I("mc", sm.draws, D);
    CHECK_I("mc", sm.grid, 1);
    CHECK_D("mc", sm.quantization_sd, 0, 0);
    CHECK_I("mc", sm.deal_count, 40);
    CHECK_I("mc", sm.closed_won_amount, 5000000);
    sd = sqrt(se.variance);
    se_mean = sd / sqrt((double)D);
    if (fabs(sm.expected - se.expected) > 4 * se_mean)
        fail_msg("mc mean %.1f, exact %.1f (4 SE = %.1f)", sm.expected, se.expected,
                 4 * se_mean);
    CHECK_D("mc error bound", sm.error_bound, sqrt(sm.variance / D), 1e-9);
    CHECK_D("mc variance", sm.variance, se.variance, 0.05); /* ~ 1% sampling error */
    p = se.p_hit_target;
    assert_true(p > 0.05 && p < 0.95);
    if (fabs(sm.p_hit_target - p) > 4 * sqrt(p * (1 - p) / D))
        fail_msg("mc P(hit) %.5f, exact %.5f", sm.p_hit_target, p);
    /* shortfall: max(0, t - R) is 1-Lipschitz in R, its sd is at most R's */
    if (fabs(sm.expected_shortfall - se.expected_shortfall) > 4 * se_mean)
        fail_msg("mc shortfall %.1f, exact %.1f", sm.expected_shortfall,
                 se.expected_shortfall);
    /* the sample median sits near the exact median */
    {
        double below = 1 - mtl_forecast_probability_at_least(ex, sm.p50 + 1);
        assert_true(below >= 0.5 - 4 * 0.5 / sqrt((double)D));
        below = 1 - mtl_forecast_probability_at_least(ex, sm.p50);
        assert_true(below <= 0.5 + 4 * 0.5 / sqrt((double)D));
    }
    /* quantiles are draws: the k-th smallest with k = ceil(q D) */
    assert_true(mtl_forecast_quantile(mc, 0.0) <= sm.p10);
    assert_true(sm.p10 <= sm.p50 && sm.p50 <= sm.p90);
    assert_true(mtl_forecast_quantile(mc, 1.0) >= sm.p90);
    CHECK_D("mc P(>= min)", mtl_forecast_probability_at_least(mc, mtl_forecast_quantile(mc, 0)),
            1, 0);
    CHECK_D("mc P(> max)",
            mtl_forecast_probability_at_least(mc, mtl_forecast_quantile(mc, 1) + 1), 0, 0);
    /* no grid distribution for a simulation; the won count is a histogram */
    assert_int_equal(mtl_forecast_distribution(mc, &first, &step, &pr), 0);
    n = mtl_forecast_won_count_distribution(mc, &first, &pr);
    CHECK_I("mc", first, 0);
    CHECK_I("mc", n, 41);
    total = mean = 0;
    for (k = 0; k < n; k++) {
        assert_true(pr[k] >= 0);
        total += pr[k];
        mean += (double)k * pr[k];
    }
    CHECK_D("mc won count", total, 1, 1e-12);
    if (fabs(mean - sm.won_count_mean) > 4 * sqrt(sm.won_count_variance / D))
        fail_msg("mc won count mean %.4f, exact %.4f", mean, sm.won_count_mean);
    CHECK_D("mc", sm.won_count_mean, se.won_count_mean, 1e-12);

    /* the same seed: the same draws; another seed: other draws */
    OK(mtl_forecast_create(&mc2, m, &o));
    get_summary(mc2, &s2);
    assert_true(s2.expected == sm.expected && s2.variance == sm.variance);
    assert_true(s2.p10 == sm.p10 && s2.p50 == sm.p50 && s2.p90 == sm.p90);
    assert_true(s2.p_hit_target == sm.p_hit_target);
    assert_true(mtl_forecast_quantile(mc2, 0.377) == mtl_forecast_quantile(mc, 0.377));
    o.seed = 54321;
    OK(mtl_forecast_create(&mc3, m, &o));
    get_summary(mc3, &s3);
    assert_true(s3.expected != sm.expected);
    if (fabs(s3.expected - se.expected) > 4 * se_mean)
        fail_msg("mc (seed 2) mean %.1f, exact %.1f", s3.expected, se.expected);
    /* draws 0: the default 10,000 */
    o.draws = 0;
    OK(mtl_forecast_create(&mcd, m, &o));
    get_summary(mcd, &s3);
    CHECK_I("default draws", s3.draws, 10000);

    mtl_forecast_unref(mcd);
    mtl_forecast_unref(mc3);
    mtl_forecast_unref(mc2);
    mtl_forecast_unref(mc);
    mtl_forecast_unref(ex);
    test_market_free(m, &ta);
}

static void test_monte_carlo_correlated(void **state)
{
    const int32_t D = 20000;
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_forecast_options o;
    mtl_forecast *ex, *mc, *mc0;
    mtl_forecast_summary se, sm, s0;
    double se_mean;
    (void)state;
    mc_market(m);
    q3_options(&o);
    OK(mtl_forecast_create(&ex, m, &o));
    get_summary(ex, &se);
    o.method = MTL_FORECAST_MONTE_CARLO;
    o.draws = D;
    o.seed = 99;
    o.correlation = 0.5;
    OK(mtl_forecast_create(&mc, m, &o));
    get_summary(mc, &sm);
    /* each deal keeps its probability: the mean stays (within 4 SE of the
     * simulation's own spread) */
    se_mean = sqrt(sm.variance / D);
    if (fabs(sm.expected - se.expected) > 4 * se_mean)
        fail_msg("correlated mean %.1f, exact %.1f (4 SE = %.1f)", sm.expected,
                 se.expected, 4 * se_mean);
    /* deals of a segment move together: more variance than independent */
    if (!(sm.variance > 1.3 * se.variance))
        fail_msg("correlated variance %.4g, independent %.4g", sm.variance, se.variance);
    assert_true(sm.p90 - sm.p10 > 0);
    /* correlation 0 through the same path equals independent sampling */
    o.correlation = 0;
    OK(mtl_forecast_create(&mc0, m, &o));
    get_summary(mc0, &s0);
    CHECK_D("rho 0 variance", s0.variance, se.variance, 0.05);
    assert_true(s0.p90 - s0.p10 < sm.p90 - sm.p10);
    /* reproducible too */
    mtl_forecast_unref(mc0);
    o.correlation = 0.5;
    OK(mtl_forecast_create(&mc0, m, &o));
    get_summary(mc0, &s0);
    assert_true(s0.expected == sm.expected && s0.p50 == sm.p50);
    mtl_forecast_unref(mc0);
    mtl_forecast_unref(mc);
    mtl_forecast_unref(ex);
    test_market_free(m, &ta);
}

/* ---- what-if ---------------------------------------------------------- */

/* Every field and both distributions agree (1e-10 per point). */
static void check_same_forecast(const char *what, const mtl_forecast *a,
                                const mtl_forecast *b)
{
    mtl_forecast_summary sa, sb;
    const double *pa, *pb;
    int64_t fa, fb, sta, stb, v, lo, hi;
    size_t na, nb;
    static const double qs[] = { 0.1, 0.5, 0.9 };
    size_t k;
    get_summary(a, &sa);
    get_summary(b, &sb);
    CHECK_I(what, sa.deal_count, sb.deal_count);
    CHECK_I(what, sa.closed_won_amount, sb.closed_won_amount);
    CHECK_I(what, sa.pipeline, sb.pipeline);
    CHECK_I(what, sa.best_case, sb.best_case);
    CHECK_I(what, sa.commit, sb.commit);
    CHECK_I(what, sa.closed, sb.closed);
    CHECK_I(what, sa.omitted, sb.omitted);
    CHECK_I(what, sa.commit_forecast, sb.commit_forecast);
    CHECK_I(what, sa.best_case_forecast, sb.best_case_forecast);
    CHECK_I(what, sa.open_pipeline, sb.open_pipeline);
    CHECK_I(what, sa.grid, sb.grid);
    CHECK_D(what, sa.expected, sb.expected, 1e-10);
    CHECK_D(what, sa.variance, sb.variance, 1e-10);
    CHECK_D(what, sa.quantization_sd, sb.quantization_sd, 1e-10);
    CHECK_D(what, sa.p_hit_target, sb.p_hit_target, 1e-10);
    CHECK_D(what, sa.expected_shortfall, sb.expected_shortfall, 1e-10);
    CHECK_D(what, sa.won_count_mean, sb.won_count_mean, 1e-10);
    CHECK_D(what, sa.won_count_variance, sb.won_count_variance, 1e-10);
    assert_true(sa.error_bound < 1e-9 && sb.error_bound < 1e-9);
    na = mtl_forecast_distribution(a, &fa, &sta, &pa);
    nb = mtl_forecast_distribution(b, &fb, &stb, &pb);
    CHECK_I(what, sta, stb);
    lo = fa < fb ? fa : fb;
    hi = fa + (int64_t)na * sta > fb + (int64_t)nb * stb ? fa + (int64_t)na * sta
                                                         : fb + (int64_t)nb * stb;
    for (v = lo; v < hi; v += sta) {
        double x = v >= fa && v < fa + (int64_t)na * sta ? pa[(v - fa) / sta] : 0;
        double y = v >= fb && v < fb + (int64_t)nb * stb ? pb[(v - fb) / stb] : 0;
        if (fabs(x - y) > 1e-10)
            fail_msg("%s: P(R = %lld) %.17g vs %.17g", what, (long long)v, x, y);
    }
    na = mtl_forecast_won_count_distribution(a, &fa, &pa);
    nb = mtl_forecast_won_count_distribution(b, &fb, &pb);
    for (v = 0; v <= sa.deal_count; v++) {
        double x = v >= fa && v < fa + (int64_t)na ? pa[v - fa] : 0;
        double y = v >= fb && v < fb + (int64_t)nb ? pb[v - fb] : 0;
        if (fabs(x - y) > 1e-10)
            fail_msg("%s: P(won = %lld) %.17g vs %.17g", what, (long long)v, x, y);
    }
    /* quantiles agree unless the CDF sits within rounding of q */
    for (k = 0; k < 3; k++) {
        int64_t qa = mtl_forecast_quantile(a, qs[k]), qb = mtl_forecast_quantile(b, qs[k]);
        if (qa != qb) {
            int64_t low = qa < qb ? qa : qb;
            double cdf = 1 - mtl_forecast_probability_at_least(b, low + 1);
            if (fabs(cdf - qs[k]) > 1e-9)
                fail_msg("%s: quantile %g: %lld vs %lld", what, qs[k], (long long)qa,
                         (long long)qb);
        }
    }
    for (k = 0; k < (size_t)sa.deal_count; k++) {
        const char *ia, *ib;
        int64_t aa, ab;
        double xa, xb;
        int32_t ca, cb;
        OK(mtl_forecast_deal_at(a, k, &ia, &aa, &xa, &ca));
        OK(mtl_forecast_deal_at(b, k, &ib, &ab, &xb, &cb));
        assert_string_equal(ia, ib);
        CHECK_I(what, aa, ab);
        CHECK_D(what, xa, xb, 0);
        CHECK_I(what, ca, cb);
    }
}

/* 9 deals with categories (one omitted), probabilities below and above
 * 0.5, and wins in the period. */
static void whatif_market(mtl_market *m)
{
    static const struct {
        const char *id;
        int32_t stage;
        int64_t amount;
        double p;
        int32_t category;
    } deals[] = {
        { "A", 0, 1200, NP, NC },   { "B", 1, 3300, 0.15, NC },
        { "C", 4, 2500, NP, NC },   { "D", 5, 4100, 0.8, NC },
        { "E", 6, 900, NP, MTL_CATEGORY_BEST_CASE },
        { "F", 3, 5000, 0.97, NC }, { "G", 2, 1700, 0.03, MTL_CATEGORY_COMMIT },
        { "H", 5, 2222, NP, MTL_CATEGORY_OMITTED },
        { "I", 4, 3100, 0.5, NC },  { "J", 6, 0, NP, NC },
    };
    size_t k;
    mtl_lead *l;
    for (k = 0; k < sizeof deals / sizeof deals[0]; k++) {
        OK(mtl_lead_add(&l, m, deals[k].id, NULL));
        OK(mtl_lead_set_stage_outcome(l, deals[k].stage, MTL_OUTCOME_OPEN));
        OK(mtl_lead_set_amount(l, deals[k].amount));
        OK(mtl_lead_set_probability(l, deals[k].p));
        OK(mtl_lead_set_category(l, deals[k].category));
        OK(mtl_lead_set_expected_close(l, day(2024, 8, 1) + (int32_t)k));
    }
    OK(mtl_lead_add(&l, m, "won", NULL));
    OK(mtl_lead_set_stage_outcome(l, 7, MTL_OUTCOME_WON));
    OK(mtl_lead_set_amount(l, 2000));
    OK(mtl_lead_set_closed(l, day(2024, 7, 9)));
}

static void whatif_options(mtl_forecast_options *o, int64_t grid)
{
    q3_options(o);
    o->target = 15000;
    o->grid = grid;
}

static void test_what_if(void **state)
{
    static const char *const ids[] = { "A", "B", "C", "D", "E", "F", "G", "I", "J" };
    static const double ps[] = { 0.15, 0.85, 0.0, 1.0, 0.5 };
    static const int64_t grids[] = { 1, 7 };
    size_t gi, k, q;
    (void)state;
    for (gi = 0; gi < 2; gi++) {
        test_alloc ta;
        mtl_market *m = test_market_new(&ta, 0, NULL);
        mtl_forecast_options o;
        mtl_forecast *base, *w, *rebuilt, *w2;
        char what[64];
        whatif_market(m);
        whatif_options(&o, grids[gi]);
        OK(mtl_forecast_create(&base, m, &o));
        assert_int_equal(mtl_forecast_deal_count(base), 9);
        for (k = 0; k < 9; k++) {
            mtl_lead *l = mtl_lead_find(m, ids[k]);
            double old = mtl_lead_probability(l);
            /* without the deal */
            snprintf(what, sizeof what, "grid %lld, without %s", (long long)grids[gi], ids[k]);
            OK(mtl_forecast_without(&w, base, ids[k]));
            {
                /* the reference: a market without the lead */
                test_alloc tb;
                mtl_market *m2 = test_market_new(&tb, 0, NULL);
                whatif_market(m2);
                OK(mtl_lead_remove(mtl_lead_find(m2, ids[k])));
                OK(mtl_forecast_create(&rebuilt, m2, &o));
                check_same_forecast(what, w, rebuilt);
                mtl_forecast_unref(rebuilt);
                test_market_free(m2, &tb);
            }
            /* a what-if of a what-if */
            OK(mtl_forecast_without(&w2, w, ids[(k + 1) % 9]));
            assert_int_equal(mtl_forecast_deal_count(w2), 7);
            mtl_forecast_unref(w2);
            mtl_forecast_unref(w);
            /* with another probability, below and above 0.5 */
            for (q = 0; q < sizeof ps / sizeof ps[0]; q++) {
                snprintf(what, sizeof what, "grid %lld, %s at p %g", (long long)grids[gi],
                         ids[k], ps[q]);
                OK(mtl_forecast_with_probability(&w, base, ids[k], ps[q]));
                OK(mtl_lead_set_probability(l, ps[q]));
                OK(mtl_forecast_create(&rebuilt, m, &o));
                check_same_forecast(what, w, rebuilt);
                mtl_forecast_unref(rebuilt);
                mtl_forecast_unref(w);
                OK(mtl_lead_set_probability(l, old));
            }
        }
        /* unknown ids, leads that are not deals (won, omitted, outside) */
        w = (mtl_forecast *)&o;
        FAILS(mtl_forecast_without(&w, base, "nope"), MTL_E_NOT_FOUND);
        assert_null(w);
        FAILS(mtl_forecast_without(&w, base, "won"), MTL_E_NOT_FOUND);
        FAILS(mtl_forecast_without(&w, base, "H"), MTL_E_NOT_FOUND);
        FAILS(mtl_forecast_with_probability(&w, base, "nope", 0.5), MTL_E_NOT_FOUND);
        FAILS(mtl_forecast_with_probability(&w, base, "A", 1.5), MTL_E_RANGE);
        FAILS(mtl_forecast_with_probability(&w, base, "A", -0.5), MTL_E_RANGE);
        FAILS(mtl_forecast_with_probability(&w, base, "A", -1.0), MTL_E_RANGE);
        FAILS(mtl_forecast_with_probability(&w, base, "A", NAN), MTL_E_RANGE);
        FAILS(mtl_forecast_without(NULL, base, "A"), MTL_E_INVALID_ARGUMENT);
        FAILS(mtl_forecast_without(&w, NULL, "A"), MTL_E_INVALID_ARGUMENT);
        FAILS(mtl_forecast_without(&w, base, NULL), MTL_E_INVALID_ARGUMENT);
        FAILS(mtl_forecast_with_probability(NULL, base, "A", 0.5), MTL_E_INVALID_ARGUMENT);
        FAILS(mtl_forecast_with_probability(&w, NULL, "A", 0.5), MTL_E_INVALID_ARGUMENT);
        FAILS(mtl_forecast_with_probability(&w, base, NULL, 0.5), MTL_E_INVALID_ARGUMENT);
        mtl_forecast_unref(base);
        test_market_free(m, &ta);
    }
}

/* What-if on a simulation: redone with the same seed over the changed
 * deals, so it equals a simulation built after the same change in the
 * market (same deals in the same order, same random stream). */
static void test_what_if_monte_carlo(void **state)
{
    test_alloc ta, tb;
    mtl_market *m = test_market_new(&ta, 0, NULL), *m2;
    mtl_forecast_options o;
    mtl_forecast *base, *w1, *w2, *w3, *r;
    mtl_forecast_summary s1, s2, sb, sr;
    (void)state;
    mc_market(m);
    q3_options(&o);
    o.method = MTL_FORECAST_MONTE_CARLO;
    o.draws = 5000;
    o.seed = 7;
    o.correlation = 0.3;
    OK(mtl_forecast_create(&base, m, &o));
    get_summary(base, &sb);
    OK(mtl_forecast_without(&w1, base, "M3"));
    OK(mtl_forecast_without(&w2, base, "M3"));
    get_summary(w1, &s1);
    get_summary(w2, &s2);
    CHECK_I("mc without", s1.deal_count, 39);
    CHECK_I("mc without", s1.method, MTL_FORECAST_MONTE_CARLO);
    CHECK_I("mc without", s1.draws, 5000);
    assert_true(s1.expected == s2.expected && s1.p50 == s2.p50);
    m2 = test_market_new(&tb, 0, NULL);
    mc_market(m2);
    OK(mtl_lead_remove(mtl_lead_find(m2, "M3")));
    OK(mtl_forecast_create(&r, m2, &o));
    get_summary(r, &sr);
    assert_true(s1.expected == sr.expected && s1.variance == sr.variance);
    assert_true(s1.p10 == sr.p10 && s1.p50 == sr.p50 && s1.p90 == sr.p90);
    mtl_forecast_unref(r);
    test_market_free(m2, &tb);

    OK(mtl_forecast_with_probability(&w3, base, "M3", 1.0));
    get_summary(w3, &s2);
    CHECK_I("mc with p", s2.deal_count, 40);
    assert_true(fabs(s2.won_count_mean - sb.won_count_mean) < 1);
    m2 = test_market_new(&tb, 0, NULL);
    mc_market(m2);
    OK(mtl_lead_set_probability(mtl_lead_find(m2, "M3"), 1.0));
    OK(mtl_forecast_create(&r, m2, &o));
    get_summary(r, &sr);
    assert_true(s2.expected == sr.expected && s2.variance == sr.variance);
    assert_true(s2.p10 == sr.p10 && s2.p50 == sr.p50 && s2.p90 == sr.p90);
    mtl_forecast_unref(r);
    test_market_free(m2, &tb);
    mtl_forecast_unref(w3);
    mtl_forecast_unref(w2);
    mtl_forecast_unref(w1);
    mtl_forecast_unref(base);
    test_market_free(m, &ta);
}

/* ---- scope, probability sources, categories --------------------------- */

typedef struct scope_case {
    const char *segment, *region, *owner;
    int32_t grade;
    const char *source;
    int32_t created_start, created_end; /* 0 = unbounded (MTL_DATE_NONE) */
} scope_case;

static int lead_in_scope(const mtl_market *m, const mtl_lead *l, const scope_case *c)
{
    const mtl_segment *s;
    if (c->segment) {
        const mtl_segment *want = mtl_segment_find(m, c->segment);
        for (s = mtl_lead_segment(l); s && s != want; s = mtl_segment_parent(s))
            ;
        if (!s)
            return 0;
    }
    if (c->region && *c->region && strcmp(mtl_lead_region(l), c->region) != 0)
        return 0;
    if (c->owner && *c->owner && strcmp(mtl_lead_owner(l), c->owner) != 0)
        return 0;
    if (c->grade && (!mtl_lead_customer(l) || mtl_customer_grade(mtl_lead_customer(l)) != c->grade))
        return 0;
    if (c->source && *c->source && strcmp(mtl_lead_source(l), c->source) != 0)
        return 0;
    if (c->created_start && (mtl_lead_created(l) == MTL_DATE_NONE ||
                             mtl_lead_created(l) < c->created_start))
        return 0;
    if (c->created_end && (mtl_lead_created(l) == MTL_DATE_NONE ||
                           mtl_lead_created(l) >= c->created_end))
        return 0;
    return 1;
}

static void test_scope(void **state)
{
    static const scope_case cases[] = {
        { NULL, NULL, NULL, 0, NULL, 0, 0 },
        { "industry", NULL, NULL, 0, NULL, 0, 0 },          /* with its sub-segments */
        { "industry/auto", NULL, NULL, 0, NULL, 0, 0 },
        { "industry/auto/ev", NULL, NULL, 0, NULL, 0, 0 },
        { "retail", NULL, NULL, 0, NULL, 0, 0 },
        { NULL, "north", NULL, 0, NULL, 0, 0 },
        { NULL, "nowhere", NULL, 0, NULL, 0, 0 },           /* a region nobody has */
        { NULL, "", NULL, 0, NULL, 0, 0 },                  /* "" = all */
        { NULL, NULL, "ann", 0, NULL, 0, 0 },
        { NULL, "south", "bo", 0, NULL, 0, 0 },
        { NULL, NULL, NULL, MTL_GRADE_STRATEGIC, NULL, 0, 0 },
        { NULL, NULL, NULL, MTL_GRADE_GENERAL, NULL, 0, 0 },
        { "industry", "north", "ann", MTL_GRADE_PARTNER, NULL, 0, 0 },
        { NULL, NULL, NULL, 0, "web", 0, 0 },
        { NULL, NULL, NULL, 0, "fax", 0, 0 },         /* a source nobody has */
        { NULL, NULL, NULL, 0, NULL, 19800, 0 },  /* created from day 19800 */
        { NULL, NULL, NULL, 0, NULL, 0, 19800 },  /* created before it */
        { NULL, NULL, NULL, 0, "event", 19750, 19850 },
    };
    static const char *const sources[] = { "", "web", "event" };
    static const char *const seg_ids[] = { "industry", "industry/auto", "industry/auto/ev",
                                           "industry/steel", "retail" };
    static const char *const regions[] = { "", "north", "south" };
    static const char *const owners[] = { "", "ann", "bo", "cy" };
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_segment *seg[5];
    mtl_customer *cu[6];
    mtl_lead *l;
    rng r = { 31337 };
    char id[32];
    size_t i, k;
    (void)state;
    for (i = 0; i < 5; i++)
        OK(mtl_segment_add(&seg[i], m, seg_ids[i]));
    OK(mtl_segment_set_parent(seg[1], seg[0]));
    OK(mtl_segment_set_parent(seg[2], seg[1]));
    OK(mtl_segment_set_parent(seg[3], seg[0]));
    for (i = 0; i < 6; i++) {
        snprintf(id, sizeof id, "cust%zu", i);
        OK(mtl_customer_add(&cu[i], m, id, i < 5 ? seg[i] : NULL));
        OK(mtl_customer_set_grade(cu[i], (int32_t)(i % 5)));
    }
    for (i = 0; i < 120; i++) {
        snprintf(id, sizeof id, "S%zu", i);
        OK(mtl_lead_add(&l, m, id, rng_int(&r, 7) ? cu[rng_int(&r, 6)] : NULL));
        if (rng_int(&r, 5) == 0)
            OK(mtl_lead_set_segment(l, rng_int(&r, 2) ? seg[rng_int(&r, 5)] : NULL));
        OK(mtl_lead_set_region(l, regions[rng_int(&r, 3)]));
        OK(mtl_lead_set_owner(l, owners[rng_int(&r, 4)]));
        OK(mtl_lead_set_source(l, sources[rng_int(&r, 3)]));
        if (rng_int(&r, 6))
            OK(mtl_lead_set_created(l, 19700 + (int32_t)rng_int(&r, 200)));
        OK(mtl_lead_set_amount(l, 1000 + (int64_t)rng_int(&r, 100000)));
        if (rng_int(&r, 4) == 0) {
            OK(mtl_lead_set_stage_outcome(l, 7, MTL_OUTCOME_WON));
            OK(mtl_lead_set_closed(l, day(2024, 7, 1) + (int32_t)rng_int(&r, 120)));
        } else {
            OK(mtl_lead_set_stage_outcome(l, (int32_t)rng_int(&r, 7), MTL_OUTCOME_OPEN));
            OK(mtl_lead_set_expected_close(l, day(2024, 6, 1) + (int32_t)rng_int(&r, 150)));
        }
    }
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const scope_case *c = &cases[i];
        mtl_forecast_options o;
        mtl_forecast *f;
        mtl_forecast_summary s;
        int64_t closed = 0, ndeals = 0;
        double mean = 0;
        char what[96];
        snprintf(what, sizeof what, "scope %zu (%s, %s, %s, grade %d)", i,
                 c->segment ? c->segment : "-", c->region ? c->region : "-",
                 c->owner ? c->owner : "-", (int)c->grade);
        q3_options(&o);
        o.segment = c->segment ? mtl_segment_find(m, c->segment) : NULL;
        o.region = c->region;
        o.owner = c->owner;
        o.grade = c->grade;
        o.source = c->source;
        if (c->created_start)
            o.created_start = c->created_start;
        if (c->created_end)
            o.created_end = c->created_end;
        o.grid = 1;
        OK(mtl_forecast_create(&f, m, &o));
        get_summary(f, &s);
        k = 0;
        for (l = mtl_lead_next(m, NULL); l; l = mtl_lead_next(m, l)) {
            if (!lead_in_scope(m, l, c))
                continue;
            if (mtl_lead_outcome(l) == MTL_OUTCOME_WON && mtl_lead_closed(l) >= o.period_start &&
                mtl_lead_closed(l) < o.period_end)
                closed += mtl_lead_amount(l);
            if (mtl_lead_outcome(l) == MTL_OUTCOME_OPEN &&
                mtl_lead_expected_close(l) >= o.period_start &&
                mtl_lead_expected_close(l) < o.period_end) {
                const char *got;
                OK(mtl_forecast_deal_at(f, k++, &got, NULL, NULL, NULL));
                assert_string_equal(got, mtl_lead_id(l)); /* market order */
                ndeals++;
                mean += (double)mtl_lead_amount(l) *
                        mtl_market_stage_probability(m, mtl_lead_stage(l));
            }
        }
        CHECK_I(what, s.deal_count, ndeals);
        CHECK_I(what, s.closed_won_amount, closed);
        CHECK_D(what, s.expected, (double)closed + mean, 1e-12);
        if (i == 6)
            CHECK_I(what, s.deal_count + s.closed_won_count, 0);
        if (i == 1 || i == 5 || i == 8 || i == 10 || i == 13 || i == 15 || i == 16)
            assert_true(ndeals > 0);
        if (i == 14) /* no lead has the source */
            CHECK_I(what, s.deal_count + s.closed_won_count, 0);
        mtl_forecast_unref(f);
    }
    test_market_free(m, &ta);
}

/* The calibrated source: the market's win rate from the deal's stage
 * (funnel, reached rule); the stage default where no closed lead reached
 * the stage; an override still wins. */
static void test_calibrated(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_forecast_options o;
    mtl_forecast *f;
    mtl_funnel_stage rows[8];
    mtl_lead *l;
    char id[32];
    size_t j;
    int k, pass;
    (void)state;
    for (pass = 0; pass < 2; pass++) {
        /* pass 0: only lost leads, at P0-P2 (win rate 0 there, no data
         * from P3 on); pass 1: wins too */
        for (k = 0; k < 12; k++) {
            snprintf(id, sizeof id, "closed%d-%d", pass, k);
            OK(mtl_lead_add(&l, m, id, NULL));
            if (pass == 1 && k % 3 == 0)
                OK(mtl_lead_set_stage_outcome(l, 7, MTL_OUTCOME_WON));
            else
                OK(mtl_lead_set_stage_outcome(l, k % 3, MTL_OUTCOME_LOST));
            OK(mtl_lead_set_closed(l, day(2024, 3, 1)));
        }
        if (pass == 0)
            for (k = 0; k < 7; k++) {
                snprintf(id, sizeof id, "open%d", k);
                OK(mtl_lead_add(&l, m, id, NULL));
                OK(mtl_lead_set_stage_outcome(l, k, MTL_OUTCOME_OPEN));
                OK(mtl_lead_set_amount(l, 10000 * (k + 1)));
                OK(mtl_lead_set_expected_close(l, day(2024, 8, 1)));
                if (k == 5)
                    OK(mtl_lead_set_probability(l, 0.42));
            }
        for (j = 0; j < 8; j++)
            rows[j].struct_size = sizeof rows[j];
        OK(mtl_funnel_stages(m, NULL, rows, 8));
        q3_options(&o);
        o.probability_source = MTL_PROBABILITY_SOURCE_CALIBRATED;
        OK(mtl_forecast_create(&f, m, &o));
        assert_int_equal(mtl_forecast_deal_count(f), 7);
        for (j = 0; j < 7; j++) {
            const char *did;
            double p, want;
            int32_t s;
            OK(mtl_forecast_deal_at(f, j, &did, NULL, &p, NULL));
            l = mtl_lead_find(m, did);
            s = mtl_lead_stage(l);
            want = mtl_lead_probability(l) >= 0 ? mtl_lead_probability(l)
                   : isnan(rows[s].win_rate)   ? mtl_market_stage_probability(m, s)
                                               : rows[s].win_rate;
            CHECK_D(did, p, want, 0);
            if (pass == 0 && s <= 2)
                CHECK_D(did, p, 0, 0);
            if (pass == 0 && s == 3)
                CHECK_D(did, p, 0.30, 0); /* no data: the default */
            if (pass == 1 && s == 1) /* reached by 4 wins; 16 lost at P1, P2 */
                CHECK_D(did, p, 4.0 / (4 + 16), 1e-15);
        }
        mtl_forecast_unref(f);
    }
    test_market_free(m, &ta);
}

/* Category overrides move amounts between the sums; omitted deals leave R. */
static void test_categories(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_forecast_options o;
    mtl_forecast *f;
    mtl_forecast_summary s;
    mtl_lead *l;
    (void)state;
    build_example(m);
    q3_options(&o);
    /* D1 (pipeline by its stage) overridden to best case; D6 (commit by
     * its stage) to omitted; D4's omitted override cleared: pipeline */
    OK(mtl_lead_set_category(mtl_lead_find(m, "D1"), MTL_CATEGORY_BEST_CASE));
    OK(mtl_lead_set_category(mtl_lead_find(m, "D6"), MTL_CATEGORY_OMITTED));
    OK(mtl_lead_set_category(mtl_lead_find(m, "D4"), MTL_CATEGORY_NONE));
    /* an open deal put in "closed" stays an open deal with its probability */
    OK(mtl_lead_add(&l, m, "D7", NULL));
    OK(mtl_lead_set_stage_outcome(l, 6, MTL_OUTCOME_OPEN));
    OK(mtl_lead_set_amount(l, 11000));
    OK(mtl_lead_set_category(l, MTL_CATEGORY_CLOSED));
    OK(mtl_lead_set_expected_close(l, day(2024, 9, 9)));
    OK(mtl_forecast_create(&f, m, &o));
    get_summary(f, &s);
    CHECK_I("categories", s.pipeline, 65000 + 50000);   /* D3, D4 */
    CHECK_I("categories", s.best_case, 120000 + 40000); /* D2, D1 */
    CHECK_I("categories", s.commit, 90000);             /* D5 */
    CHECK_I("categories", s.omitted, 30000);            /* D6 */
    CHECK_I("categories", s.closed, 105000 + 11000);    /* wins, D7 */
    CHECK_I("categories", s.commit_forecast, 90000 + 116000);
    CHECK_I("categories", s.best_case_forecast, 160000 + 90000 + 116000);
    CHECK_I("categories", s.open_pipeline, 115000 + 160000 + 90000);
    CHECK_I("categories", s.deal_count, 6);             /* D1-D5, D7 */
    CHECK_D("categories", s.expected,
            105000 + 40000 * 0.3 + 120000 * 0.75 + 65000 * 0.35 + 50000 * 0.2 +
                90000 * 0.5 + 11000 * 0.9,
            1e-12);
    mtl_forecast_unref(f);
    test_market_free(m, &ta);
}

/* ---- errors, lifetime, references ------------------------------------- */

static void test_errors(void **state)
{
    test_alloc ta, tb;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_market *other = test_market_new(&tb, 0, NULL);
    mtl_segment *foreign;
    mtl_forecast_options o;
    mtl_forecast *f = (mtl_forecast *)&o;
    mtl_forecast_summary s;
    mtl_lead *l;
    int64_t first, step;
    const double *pr;
    (void)state;
    build_example(m);
    OK(mtl_segment_add(&foreign, other, "x"));

    FAILS(mtl_forecast_options_init(NULL, sizeof o), MTL_E_INVALID_ARGUMENT);
    FAILS(mtl_forecast_options_init(&o, sizeof o - 1), MTL_E_VERSION);
    OK(mtl_forecast_options_init(&o, sizeof o));
    assert_int_equal(o.period_start, MTL_DATE_NONE);
    assert_int_equal(o.as_of, MTL_DATE_NONE);
    FAILS(mtl_forecast_create(&f, m, &o), MTL_E_RANGE); /* no period */
    assert_null(f);

#define BAD(field, value, status)                                             \
    do {                                                                      \
        q3_options(&o);                                                       \
        o.field = value;                                                      \
        f = (mtl_forecast *)&o;                                               \
        FAILS(mtl_forecast_create(&f, m, &o), status);                        \
        assert_null(f);                                                       \
    } while (0)
    BAD(period_start, MTL_DATE_NONE, MTL_E_RANGE);
    BAD(period_end, MTL_DATE_NONE, MTL_E_RANGE);
    BAD(period_end, day(2024, 6, 30), MTL_E_RANGE); /* ends before it starts */
    BAD(period_end, day(2024, 7, 1), MTL_E_RANGE);  /* empty */
    BAD(target, -1, MTL_E_RANGE);
    q3_options(&o);
    o.created_start = o.created_end = day(2024, 1, 1); /* an empty cohort */
    FAILS(mtl_forecast_create(&f, m, &o), MTL_E_RANGE);
    BAD(grid, -10, MTL_E_RANGE);
    BAD(method, 2, MTL_E_RANGE);
    BAD(method, -1, MTL_E_RANGE);
    BAD(probability_source, 2, MTL_E_RANGE);
    BAD(probability_source, -1, MTL_E_RANGE);
    BAD(grade, 5, MTL_E_RANGE);
    BAD(grade, -1, MTL_E_RANGE);
    BAD(draws, -1, MTL_E_RANGE);
    BAD(draws, 10000001, MTL_E_RANGE);
    BAD(correlation, 1.0, MTL_E_RANGE);
    BAD(correlation, -0.1, MTL_E_RANGE);
    BAD(correlation, NAN, MTL_E_RANGE);
    BAD(segment, foreign, MTL_E_INVALID_ARGUMENT);
    BAD(struct_size, sizeof o - 1, MTL_E_VERSION);
    q3_options(&o);
    FAILS(mtl_forecast_create(NULL, m, &o), MTL_E_INVALID_ARGUMENT);
    FAILS(mtl_forecast_create(&f, NULL, &o), MTL_E_INVALID_ARGUMENT);
    assert_null(f);
    FAILS(mtl_forecast_create(&f, m, NULL), MTL_E_INVALID_ARGUMENT);
    /* a grid so fine that the distribution would exceed 2^26 points */
    OK(mtl_lead_add(&l, m, "huge", NULL));
    OK(mtl_lead_set_amount(l, (int64_t)1000000000000));
    OK(mtl_lead_set_probability(l, 0.5));
    OK(mtl_lead_set_expected_close(l, day(2024, 8, 1)));
    BAD(grid, 1, MTL_E_LIMIT);
    q3_options(&o); /* the automatic grid copes */
    OK(mtl_forecast_create(&f, m, &o));
    get_summary(f, &s);
    assert_true(s.grid >= 10000);
    mtl_forecast_unref(f);
    OK(mtl_lead_remove(l));

    /* reading */
    q3_options(&o);
    OK(mtl_forecast_create(&f, m, &o));
    s.struct_size = sizeof s - 1;
    FAILS(mtl_forecast_summary_get(f, &s), MTL_E_VERSION);
    s.struct_size = sizeof s;
    FAILS(mtl_forecast_summary_get(NULL, &s), MTL_E_INVALID_ARGUMENT);
    FAILS(mtl_forecast_summary_get(f, NULL), MTL_E_INVALID_ARGUMENT);
    assert_true(mtl_forecast_quantile(f, -0.01) == INT64_MIN);
    assert_true(mtl_forecast_quantile(f, 1.01) == INT64_MIN);
    assert_true(mtl_forecast_quantile(f, NAN) == INT64_MIN);
    assert_true(mtl_forecast_quantile(NULL, 0.5) == INT64_MIN);
    assert_true(isnan(mtl_forecast_probability_at_least(NULL, 0)));
    assert_true(isnan(mtl_forecast_expected_shortfall(NULL, 0)));
    assert_int_equal(mtl_forecast_distribution(NULL, &first, &step, &pr), 0);
    assert_int_equal(mtl_forecast_won_count_distribution(NULL, &first, &pr), 0);
    assert_int_equal(mtl_forecast_deal_count(NULL), 0);
    assert_true(mtl_forecast_distribution(f, NULL, NULL, NULL) > 0);
    assert_true(mtl_forecast_won_count_distribution(f, NULL, NULL) > 0);
    FAILS(mtl_forecast_deal_at(NULL, 0, NULL, NULL, NULL, NULL), MTL_E_INVALID_ARGUMENT);
    FAILS(mtl_forecast_deal_at(f, 5, NULL, NULL, NULL, NULL), MTL_E_RANGE);
    mtl_forecast_unref(f);
    assert_null(mtl_forecast_ref(NULL));
    mtl_forecast_unref(NULL);

    /* an empty scope: no deals, R = 0 for sure */
    q3_options(&o);
    o.region = "nowhere";
    o.target = 1;
    OK(mtl_forecast_create(&f, m, &o));
    get_summary(f, &s);
    CHECK_I("empty", s.deal_count, 0);
    CHECK_D("empty", s.expected, 0, 0);
    CHECK_I("empty", s.p50, 0);
    CHECK_D("empty", s.p_hit_target, 0, 0);
    CHECK_D("empty", s.expected_shortfall, 1, 1e-15);
    CHECK_I("empty", s.won_count_p90, 0);
    mtl_forecast_unref(f);

    test_market_free(other, &tb);
    test_market_free(m, &ta);
}

/* A forecast copies what it needs: it outlives its market; references. */
static void test_lifetime(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_forecast_options o;
    mtl_forecast *f, *g, *w;
    mtl_forecast_summary s;
    const char *id;
    (void)state;
    build_example(m);
    q3_options(&o);
    o.target = 260000;
    o.as_of = day(2024, 8, 15);
    OK(mtl_forecast_create(&f, m, &o));
    /* the market goes first (its allocator stays: the forecast uses it) */
    mtl_market_unref(m);
    get_summary(f, &s);
    CHECK_D("after unref", s.expected, 301750.0, 1e-12);
    CHECK_D("after unref", s.p_hit_target, 0.6450625, 1e-12);
    CHECK_I("after unref", mtl_forecast_quantile(f, 0.5), 315000);
    OK(mtl_forecast_deal_at(f, 2, &id, NULL, NULL, NULL));
    assert_string_equal(id, "D3");
    OK(mtl_forecast_without(&w, f, "D3"));
    get_summary(w, &s);
    CHECK_D("what-if after unref", s.expected, 301750.0 - 65000 * 0.35, 1e-12);
    CHECK_I("what-if after unref", s.pipeline, 40000);
    /* references */
    g = mtl_forecast_ref(f);
    assert_ptr_equal(g, f);
    mtl_forecast_unref(f);
    get_summary(g, &s); /* still alive: one reference left */
    CHECK_I("ref", s.deal_count, 5);
    mtl_forecast_unref(g);
    mtl_forecast_unref(w);
    test_alloc_assert_clean(&ta);
}

/* ---- out of memory ---------------------------------------------------- */

typedef enum { OP_CREATE, OP_WITHOUT, OP_WITH_P } sweep_op;

static void sweep(test_alloc *ta, mtl_market *m, const mtl_forecast_options *o,
                  const mtl_forecast *base, sweep_op op, const char *what)
{
    int sticky;
    for (sticky = 0; sticky < 2; sticky++) {
        uint64_t n;
        for (n = 1;; n++) {
            mtl_forecast *f = (mtl_forecast *)ta;
            size_t live = ta->live_bytes, blocks = ta->live_blocks;
            mtl_status st;
            test_alloc_fail_nth(ta, n, sticky);
            st = op == OP_CREATE    ? mtl_forecast_create(&f, m, o)
                 : op == OP_WITHOUT ? mtl_forecast_without(&f, base, "M7")
                                    : mtl_forecast_with_probability(&f, base, "M7", 0.7);
            test_alloc_disarm(ta);
            if (st == MTL_OK) {
                mtl_forecast_unref(f);
                CHECK_I(what, ta->live_bytes, live);
                break;
            }
            if (st != MTL_E_NO_MEMORY)
                fail_msg("%s: request %llu failing: %s", what, (unsigned long long)n,
                         mtl_status_string(st));
            assert_null(f);
            CHECK_I(what, ta->live_bytes, live);
            CHECK_I(what, ta->live_blocks, blocks);
            assert_true(n < 100000);
        }
    }
}

static void test_alloc_sweep(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_forecast_options o;
    mtl_forecast *base;
    (void)state;
    mc_market(m);
    q3_options(&o);
    o.target = 20000000;
    sweep(&ta, m, &o, NULL, OP_CREATE, "exact, automatic grid");
    o.grid = 7777;
    sweep(&ta, m, &o, NULL, OP_CREATE, "exact, split grid");
    OK(mtl_forecast_create(&base, m, &o));
    sweep(&ta, m, &o, base, OP_WITHOUT, "without");
    sweep(&ta, m, &o, base, OP_WITH_P, "with probability");
    mtl_forecast_unref(base);
    o.grid = 0;
    o.probability_source = MTL_PROBABILITY_SOURCE_CALIBRATED;
    o.segment = mtl_segment_find(m, "north");
    sweep(&ta, m, &o, NULL, OP_CREATE, "calibrated, segment scope");
    o.segment = NULL;
    o.method = MTL_FORECAST_MONTE_CARLO;
    o.draws = 500;
    o.correlation = 0.4;
    sweep(&ta, m, &o, NULL, OP_CREATE, "monte carlo");
    OK(mtl_forecast_create(&base, m, &o));
    sweep(&ta, m, &o, base, OP_WITHOUT, "monte carlo without");
    mtl_forecast_unref(base);
    test_market_free(m, &ta);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_worked_example),
        T(test_random_brute_force),
        T(test_deal_probabilities),
        T(test_monte_carlo),
        T(test_monte_carlo_correlated),
        T(test_what_if),
        T(test_what_if_monte_carlo),
        T(test_scope),
        T(test_calibrated),
        T(test_categories),
        T(test_errors),
        T(test_lifetime),
        T(test_alloc_sweep),
    };
    return cmocka_run_group_tests_name("forecast", tests, NULL, NULL);
}
