/*
 * test_strategy.c: five looks, three decisions and SPAN (strategy.h,
 * SPEC 4, docs/methods/five-looks.md and span.md).
 *
 *   - the worked example of the two documents (six segments: look items
 *     ranked, look balance, attractiveness relative and by bands, profit
 *     potential from the five forces, position against the strongest
 *     competitor and against the par competitor, quadrants, the margin
 *     gate, strategy codes, targets on every basis, control points, pain
 *     index, priority and rank); numbers from
 *     tests/tools/strategy_example.py (computed there independently,
 *     hard-coded here, to 1e-12);
 *   - every score of every segment sums, term by term left to right, to
 *     its value bit for bit, and each contribution is weight x value
 *     (here and on random markets, with the documented ranges);
 *   - gates and cuts, targets (rounding, out of int64), the total order and
 *     its tie-breaks, competitor ties, position edge cases, normalisation
 *     edge cases, the pain index equal to the BON report's;
 *   - options: defaults, every field out of range refused with MTL_E_RANGE
 *     and a message naming it; NULL arguments, struct_size too small; a
 *     report that outlives its market; a failing allocator at every
 *     allocation of mtl_strategy_compute.
 *
 * Public functions exercised here (strategy.h):
 *   [x] mtl_strategy_options_init  [x] mtl_strategy_compute
 *   [x] mtl_strategy_destroy       [x] mtl_strategy_segment_count
 *   [x] mtl_strategy_segment_at    [x] mtl_strategy_look_at
 *   [x] mtl_strategy_control_point_at
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
#include "support/test_report.h"

#define X NAN /* not rated / not known */

/* ---- building inputs ---------------------------------------------------- */

static mtl_segment_factors factors(void)
{
    mtl_segment_factors f;
    OK(mtl_segment_factors_init(&f, sizeof f));
    return f;
}

static void add_look(mtl_segment *s, int32_t look, double impact, double likelihood,
                     int32_t months, const char *text)
{
    mtl_look_item it;
    OK(mtl_look_item_init(&it, sizeof it));
    it.look = look;
    it.impact = impact;
    it.likelihood = likelihood;
    it.window_months = months;
    it.text = text;
    it.evidence = look == MTL_LOOK_TREND ? "ministry circular 2024/17" : NULL;
    OK(mtl_segment_add_look(s, &it));
}

static void add_appeals(mtl_segment *s, const char *competitor, const double *r)
{
    mtl_appeals_rating a;
    int c;
    OK(mtl_appeals_rating_init(&a, sizeof a));
    a.competitor = competitor;
    for (c = 0; c < MTL_APPEALS_COUNT; c++)
        a.ratings[c] = r[c];
    OK(mtl_segment_add_appeals(s, &a));
}

static void add_point(mtl_segment *s, int32_t kind, double attainability,
                      const char *text)
{
    mtl_control_point p;
    OK(mtl_control_point_init(&p, sizeof p));
    p.kind = kind;
    p.attainability = attainability;
    p.text = text;
    OK(mtl_segment_add_control_point(s, &p));
}

static mtl_segment *segment(mtl_market *m, const char *id)
{
    mtl_segment *s = NULL;
    OK(mtl_segment_add(&s, m, id));
    return s;
}

static void set_weights(mtl_segment_factors *f, const double *w)
{
    int c;
    for (c = 0; c < MTL_APPEALS_COUNT; c++)
        f->appeals_weights[c] = w[c];
}

/* The market of docs/methods/five-looks.md and span.md (the same tables as
 * tests/tools/strategy_example.py). */
static void build_example(mtl_market *m)
{
    static const double energy_w[8] = {3, 1, 0.5, 3, 1, 1, 2, 0.5};
    static const double energy_us[8] = {6, 8, 7, 10, 8, 8, 6, 7};
    static const double energy_acme[8] = {7, 7, 7, 8, 6, 8, 7, 7};
    static const double energy_globex[8] = {8, X, X, 6, 5, X, X, X};
    static const double transport_us[8] = {7, 7, 6, 8, 7, 7, 6, 6};
    static const double transport_initech[8] = {6, 7, 6, 7, 6, 7, 7, 6};
    static const double water_w[8] = {2, 1, 1, 2, 1, 1, 1, 1};
    static const double water_us[8] = {4, X, X, 5, X, 6, 3, X};
    static const double mining_us[8] = {8, 8, 7, 9, 8, 8, 8, 7};
    static const double mining_acme[8] = {6, 7, X, 7, X, 6, 6, X};
    static const double sevens[8] = {7, 7, 7, 7, 7, 7, 7, 7};
    static const double textiles_us[8] = {4, 5, 5, 4, 5, 5, 4, 5};
    static const double sixes[8] = {6, 6, 6, 6, 6, 6, 6, 6};
    mtl_segment *s;
    mtl_segment_factors f;

    s = segment(m, "energy");
    OK(mtl_segment_set_name(s, "Energy utilities"));
    f = factors();
    f.market_size = 500000000;
    f.growth = 0.12;
    f.profit_potential = 8;
    f.strategic_value = 9;
    f.revenue = 60000000;
    f.gross_margin = 0.35;
    f.share_goal = 0.15;
    set_weights(&f, energy_w);
    OK(mtl_segment_set_factors(s, &f));
    add_appeals(s, "", energy_us);
    add_appeals(s, "Acme", energy_acme);
    add_appeals(s, "Globex", energy_globex);
    add_look(s, MTL_LOOK_TREND, 4, 0.9, 12, "Grid digitalisation mandate");
    add_look(s, MTL_LOOK_COMPETITION, -3, 0.7, 24, "Acme bundles hardware at cost");
    add_look(s, MTL_LOOK_CUSTOMER, 2, 0.5, 36, "Utilities consolidate vendors");
    add_look(s, MTL_LOOK_SELF, -2, 0.8, 6, "Field service capacity is thin");
    add_look(s, MTL_LOOK_OPPORTUNITY, 5, 0.6, 48, "Storage integration projects");
    add_look(s, MTL_LOOK_INDUSTRY, -1, 0.5, 60, "Steel price volatility");
    add_look(s, MTL_LOOK_OPPORTUNITY, 3, 0.5, 12, "Substation retrofit wave");
    add_point(s, MTL_CONTROL_COST, 0.9, "Lowest service cost per site");
    add_point(s, MTL_CONTROL_VALUE_CHAIN, 0.3, "Own the grid-edge data platform");
    add_point(s, MTL_CONTROL_STANDARD, 0.4, "Co-author the IEC 61850 profile");
    add_point(s, MTL_CONTROL_RELATIONSHIP, 0.6, "Framework agreements with three utilities");
    test_add_pain(NULL, s, "B", "Losing share to integrated suppliers", 4, 3, 0.6, 0.5,
                  0.8);
    test_add_pain(NULL, s, "O", "Unplanned downtime at substations", 5, 5, 0.4, 1.0, 0.9);
    test_add_pain(NULL, s, "N", "Legacy SCADA cannot scale", 3, 2, 0.8, 0.25, 1.0);
    test_add_pain(NULL, s, "O", "Manual compliance reporting", 2, 4, 0.5, 0.0, 0.5);
    test_add_pain(NULL, s, "ESG", "Carbon reporting pressure", 3, 3, 1.0, 0.5, 0.6);

    s = segment(m, "transport");
    f = factors();
    f.market_size = 300000000;
    f.growth = 0.18;
    f.forces[0] = 4;
    f.forces[1] = 2;
    f.forces[2] = 3;
    f.forces[3] = 4;
    f.forces[4] = 2;
    f.strategic_value = 7;
    f.revenue = 30000000;
    f.gross_margin = 0.12;
    f.growth_goal = 0.25;
    OK(mtl_segment_set_factors(s, &f));
    add_appeals(s, NULL, transport_us); /* NULL is us too */
    add_appeals(s, "Initech", transport_initech);
    add_look(s, MTL_LOOK_TREND, 2, 1.0, 12, "Rail electrification budget");
    add_look(s, MTL_LOOK_COMPETITION, -4, 0.5, 24, "Initech price war");

    s = segment(m, "water");
    f = factors();
    f.market_size = 200000000;
    f.growth = 0.20;
    f.profit_potential = 6;
    f.strategic_value = 8;
    f.revenue = 5000000;
    f.gross_margin = 0.25;
    set_weights(&f, water_w);
    OK(mtl_segment_set_factors(s, &f));
    add_appeals(s, "", water_us);
    test_add_pain(NULL, s, "N", "Leak detection blind spots", 4, 4, 0.5, 0.5, 1.0);
    test_add_pain(NULL, s, "O", "Meter reading cost", 3, 3, 1.0, 0.0, 0.5);

    s = segment(m, "mining");
    f = factors();
    f.market_size = 150000000;
    f.growth = 0.02;
    f.forces[0] = 5;
    f.forces[1] = 4;
    f.forces[2] = 4;
    f.forces[3] = 5;
    f.strategic_value = 4;
    f.revenue = 40000000;
    f.gross_margin = 0.30;
    f.share_goal = 0.30;
    OK(mtl_segment_set_factors(s, &f));
    add_appeals(s, "", mining_us);
    add_appeals(s, "Acme", mining_acme);
    add_appeals(s, "Umbrella", sevens);

    s = segment(m, "textiles");
    f = factors();
    f.market_size = 80000000;
    f.growth = -0.04;
    f.profit_potential = 3;
    f.strategic_value = 2;
    OK(mtl_segment_set_factors(s, &f));
    add_appeals(s, "", textiles_us);
    add_appeals(s, "Globex", sevens);

    s = segment(m, "retail");
    f = factors();
    f.growth = 0.05;
    f.strategic_value = 5;
    f.revenue = 2000000;
    f.growth_goal = 0.5;
    OK(mtl_segment_set_factors(s, &f));
    add_appeals(s, "Acme", sixes);
}

TEST_GETTER(seg_at, mtl_strategy_segment, (const mtl_strategy *r, size_t i),
            mtl_strategy_segment_at(r, i, &out))
TEST_GETTER(look_at, mtl_strategy_look, (const mtl_strategy *r, size_t i, size_t k),
            mtl_strategy_look_at(r, i, k, &out))
TEST_GETTER(point_at, mtl_strategy_control_point,
            (const mtl_strategy *r, size_t i, size_t k),
            mtl_strategy_control_point_at(r, i, k, &out))

/* Every score of every segment sums bit for bit; ranks are 1..n in the
 * documented order; looks and points are in their documented orders;
 * the ranges hold. */
static void check_report(const mtl_strategy *r, const mtl_strategy_options *o)
{
    size_t n = mtl_strategy_segment_count(r), i, k;
    double cut_a = o ? o->cut_attractiveness : 5.5, cut_p = o ? o->cut_position : 5.5;
    int32_t top = o ? o->top_items : 3;
    for (i = 0; i < n; i++) {
        mtl_strategy_segment s = seg_at(r, i);
        int32_t opp = 0, thr = 0;
        assert_int_equal(s.rank, i + 1);
        test_check_score(&s.priority, "priority");
        test_check_score(&s.attractiveness, "attractiveness");
        test_check_score(&s.position, "position");
        test_check_score(&s.look_balance, "look_balance");
        test_check_score(&s.pain_index, "pain_index");
        if (!isnan(s.attractiveness.value)) {
            assert_string_equal(s.attractiveness.terms[0].factor, "base");
            assert_true(s.attractiveness.value >= 1.0 - 1e-12 &&
                        s.attractiveness.value <= 10.0 + 1e-12);
        }
        if (!isnan(s.position.value)) {
            assert_string_equal(s.position.terms[0].factor, "base");
            assert_true(s.position.terms[0].value == 5.5);
            assert_true(s.position.value >= 1.0 - 1e-12 && s.position.value <= 10.0 + 1e-12);
        }
        assert_false(isnan(s.look_balance.value));
        assert_true(s.look_balance.value >= -1e-12 && s.look_balance.value <= 10.0 + 1e-12);
        assert_string_equal(s.look_balance.terms[0].factor, "base");
        assert_true(s.look_balance.terms[0].value == 5.0);
        if (!isnan(s.pain_index.value))
            assert_true(s.pain_index.value >= 0.0 && s.pain_index.value <= 100.0 + 1e-12);
        /* the quadrant follows the cuts */
        if (isnan(s.attractiveness.value) || isnan(s.position.value))
            assert_int_equal(s.quadrant, MTL_SPAN_UNRATED);
        else
            assert_int_equal(s.quadrant,
                             s.attractiveness.value >= cut_a
                                 ? (s.position.value >= cut_p ? MTL_SPAN_GROW
                                                              : MTL_SPAN_ACQUIRE_SKILLS)
                                 : (s.position.value >= cut_p ? MTL_SPAN_HARVEST
                                                              : MTL_SPAN_AVOID));
        if (i > 0) {
            mtl_strategy_segment p = seg_at(r, i - 1);
            double a = p.priority.value, b = s.priority.value;
            if (isnan(a))
                assert_true(isnan(b));
            assert_true(isnan(b) || a > b ||
                        (a == b && (p.market_size > s.market_size ||
                                    (p.market_size == s.market_size &&
                                     strcmp(p.id, s.id) < 0))));
        }
        for (k = 0; k < s.look_count; k++) {
            mtl_strategy_look l = look_at(r, i, k);
            test_check_score(&l.rank_score, "rank_score");
            assert_int_equal(l.rank_score.term_count, 1);
            assert_string_equal(l.rank_score.terms[0].factor, "impact");
            assert_true(l.rank_score.terms[0].value == fabs(l.impact));
            assert_true(l.rank_score.terms[0].weight == l.likelihood * l.window_weight);
            if (s.look_balance.term_count > 1) {
                assert_int_equal(s.look_balance.term_count, s.look_count + 1);
                assert_string_equal(s.look_balance.terms[l.index + 1].factor, l.text);
            } else { /* every rank score 0: the base alone */
                assert_true(l.rank_score.value == 0.0);
                assert_true(s.look_balance.value == 5.0);
            }
            if (l.top == 1) {
                assert_true(l.impact > 0);
                opp++;
            }
            if (l.top == -1) {
                assert_true(l.impact < 0);
                thr++;
            }
            if (l.top == 0)
                assert_true(l.impact == 0 || (l.impact > 0 ? opp : thr) == top);
            if (k > 0) {
                mtl_strategy_look p = look_at(r, i, k - 1);
                assert_true(p.rank_score.value > l.rank_score.value ||
                            (p.rank_score.value == l.rank_score.value && p.index < l.index));
            }
        }
        for (k = 0; k < s.control_point_count; k++) {
            mtl_strategy_control_point c = point_at(r, i, k);
            test_check_score(&c.score, "control point score");
            assert_string_equal(c.score.terms[0].factor, "strength");
            assert_true(c.score.terms[0].weight == c.attainability);
            assert_true(c.score.terms[0].value == (double)c.kind);
            if (k > 0) {
                mtl_strategy_control_point p = point_at(r, i, k - 1);
                assert_true(p.score.value > c.score.value ||
                            (p.score.value == c.score.value &&
                             (p.kind > c.kind || (p.kind == c.kind && p.index < c.index))));
            }
        }
    }
}

/* Expected per segment, from tests/tools/strategy_example.py. */
typedef struct expect {
    const char *id;
    double priority, attractiveness, position, pain_index, look_balance, profit;
    int32_t from_forces;
    const char *competitor;
    int32_t quadrant, veto, strategy;
    int64_t market_size, revenue, target;
    int32_t basis;
    size_t looks, points;
} expect;

static const expect relative[] = {
    {"transport", 6.333419117647059, 6.9775, 5.625, X, 5.882352941176471, 5.5, 1,
     "Initech", MTL_SPAN_GROW, MTL_GATE_MARGIN, MTL_STRATEGY_FIX_ECONOMICS, 300000000,
     30000000, 37500000, MTL_TARGET_BASIS_GROWTH, 2, 0},
    {"energy", 6.163516884128531, 8.599999999999998, 5.666666666666667, 17.096,
     6.815968841285297, 8.0, 0, "Acme", MTL_SPAN_GROW, 0, MTL_STRATEGY_INVEST, 500000000,
     60000000, 75000000, MTL_TARGET_BASIS_SHARE, 7, 4},
    {"water", 5.054000000000001, 6.8100000000000005, 5.0, 16.5, 5.0, 6.0, 0, "",
     MTL_SPAN_ACQUIRE_SKILLS, 0, MTL_STRATEGY_BUILD, 200000000, 5000000, 6000000,
     MTL_TARGET_BASIS_MARKET, 0, 0},
    {"retail", 4.6875, 4.609375, X, X, 5.0, X, 0, "Acme", MTL_SPAN_UNRATED, 0,
     MTL_STRATEGY_UNRATED, -1, 2000000, 3000000, MTL_TARGET_BASIS_GROWTH, 0, 0},
    {"mining", 4.4709375, 3.2387499999999996, 5.9375, X, 5.0, 2.125, 1, "Umbrella",
     MTL_SPAN_HARVEST, 0, MTL_STRATEGY_HARVEST, 150000000, 40000000, 45000000,
     MTL_TARGET_BASIS_SHARE, 0, 0},
    {"textiles", 3.3191875, 2.154, 4.3125, X, 5.0, 3.0, 0, "Globex", MTL_SPAN_AVOID, 0,
     MTL_STRATEGY_EXIT, 80000000, -1, 0, MTL_TARGET_BASIS_NONE, 0, 0},
};

/* size_low 0, size_high 400 000 000, growth_low 0, growth_high 0.15 */
static const expect bands[] = {
    {"transport", 6.6634191176470585, 7.637499999999999, 5.625, X, 5.882352941176471, 5.5,
     1, "Initech", MTL_SPAN_GROW, MTL_GATE_MARGIN, MTL_STRATEGY_FIX_ECONOMICS, 300000000,
     30000000, 37500000, MTL_TARGET_BASIS_GROWTH, 2, 0},
    {"energy", 6.283516884128532, 8.9, 5.666666666666667, 17.096, 6.815968841285297, 8.0,
     0, "Acme", MTL_SPAN_GROW, 0, MTL_STRATEGY_INVEST, 500000000, 60000000, 75000000,
     MTL_TARGET_BASIS_SHARE, 7, 4},
    {"water", 5.180000000000001, 7.125, 5.0, 16.5, 5.0, 6.0, 0, "",
     MTL_SPAN_ACQUIRE_SKILLS, 0, MTL_STRATEGY_BUILD, 200000000, 5000000, 6000000,
     MTL_TARGET_BASIS_MARKET, 0, 0},
    {"retail", 4.5, 4.375, X, X, 5.0, X, 0, "Acme", MTL_SPAN_UNRATED, 0,
     MTL_STRATEGY_UNRATED, -1, 2000000, 3000000, MTL_TARGET_BASIS_GROWTH, 0, 0},
    {"mining", 4.4578125, 3.2124999999999995, 5.9375, X, 5.0, 2.125, 1, "Umbrella",
     MTL_SPAN_HARVEST, 0, MTL_STRATEGY_HARVEST, 150000000, 40000000, 45000000,
     MTL_TARGET_BASIS_SHARE, 0, 0},
    {"textiles", 3.3821875000000006, 2.28, 4.3125, X, 5.0, 3.0, 0, "Globex",
     MTL_SPAN_AVOID, 0, MTL_STRATEGY_EXIT, 80000000, -1, 0, MTL_TARGET_BASIS_NONE, 0, 0},
};

#define NEAR_OR_NAN(got, want)                                                \
    do {                                                                      \
        if (isnan(want))                                                      \
            assert_true(isnan(got));                                          \
        else                                                                  \
            NEAR(got, want);                                                  \
    } while (0)

static void check_expect(const mtl_strategy *r, const expect *e, size_t n)
{
    size_t i;
    assert_int_equal(mtl_strategy_segment_count(r), n);
    for (i = 0; i < n; i++) {
        mtl_strategy_segment s = seg_at(r, i);
        assert_string_equal(s.id, e[i].id);
        assert_int_equal(s.rank, i + 1);
        NEAR_OR_NAN(s.priority.value, e[i].priority);
        NEAR_OR_NAN(s.attractiveness.value, e[i].attractiveness);
        NEAR_OR_NAN(s.position.value, e[i].position);
        NEAR_OR_NAN(s.pain_index.value, e[i].pain_index);
        NEAR_OR_NAN(s.look_balance.value, e[i].look_balance);
        NEAR_OR_NAN(s.profit_potential, e[i].profit);
        assert_int_equal(s.profit_from_forces, e[i].from_forces);
        assert_string_equal(s.competitor, e[i].competitor);
        assert_int_equal(s.quadrant, e[i].quadrant);
        assert_int_equal(s.gate_veto, e[i].veto);
        assert_int_equal(s.strategy, e[i].strategy);
        assert_int_equal(s.market_size, e[i].market_size);
        assert_int_equal(s.revenue, e[i].revenue);
        assert_int_equal(s.target, e[i].target);
        assert_int_equal(s.target_basis, e[i].basis);
        assert_int_equal(s.look_count, e[i].looks);
        assert_int_equal(s.control_point_count, e[i].points);
    }
}

/* The details of the documents' tables. */
static void check_example_details(const mtl_strategy *r)
{
    static const size_t look_order[] = {0, 3, 6, 1, 4, 2, 5};
    static const double look_rank[] = {3.6, 1.6, 1.5, 1.4699999999999998,
                                       1.2000000000000002, 0.7, 0.2};
    static const int32_t look_top[] = {1, -1, 1, -1, 1, 0, -1};
    static const double look_ww[] = {1.0, 1.0, 1.0, 0.7, 0.4, 0.7, 0.4};
    static const size_t point_order[] = {2, 1, 3, 0};
    static const double point_score[] = {2.0, 1.7999999999999998, 1.7999999999999998, 0.9};
    static const char *const att_factors[] = {"base", "market_size", "growth",
                                              "profit_potential", "strategic_value"};
    static const double energy_att_values[] = {1.0, 1.0, 0.6666666666666666,
                                               0.7777777777777778, 0.8888888888888888};
    static const double energy_att_weights[] = {1.0, 3.15, 2.25, 2.25, 1.35};
    static const char *const pos_factors[] = {
        "base", "price", "availability", "packaging", "performance",
        "ease_of_use", "assurances", "life_cycle_cost", "social_acceptance"};
    static const double energy_pos_weights[] = {1.0, 0.125, 1.0 / 24, 1.0 / 48, 0.125,
                                                1.0 / 24, 1.0 / 24, 1.0 / 12, 1.0 / 48};
    static const double energy_pos_values[] = {5.5, -1, 1, 0, 2, 2, 0, -1, 0};
    mtl_strategy_segment s;
    size_t k;

    /* energy, rank 2 */
    s = seg_at(r, 1);
    assert_string_equal(s.name, "Energy utilities");
    for (k = 0; k < 7; k++) {
        mtl_strategy_look l = look_at(r, 1, k);
        assert_int_equal(l.index, look_order[k]);
        NEAR(l.rank_score.value, look_rank[k]);
        assert_int_equal(l.top, look_top[k]);
        NEAR(l.window_weight, look_ww[k]);
    }
    {
        mtl_strategy_look l = look_at(r, 1, 0);
        assert_int_equal(l.look, MTL_LOOK_TREND);
        assert_string_equal(l.text, "Grid digitalisation mandate");
        assert_string_equal(l.evidence, "ministry circular 2024/17");
        assert_int_equal(l.window_months, 12);
        assert_true(l.impact == 4 && l.likelihood == 0.9);
        l = look_at(r, 1, 1);
        assert_string_equal(l.evidence, "");
        assert_int_equal(l.look, MTL_LOOK_SELF);
    }
    /* look balance: base, then the items in the order added */
    assert_int_equal(s.look_balance.term_count, 8);
    NEAR(s.look_balance.terms[1].weight, 5.0 / 10.27);
    NEAR(s.look_balance.terms[2].value, -1.47);
    assert_string_equal(s.look_balance.terms[2].factor, "Acme bundles hardware at cost");
    for (k = 0; k < 4; k++) {
        mtl_strategy_control_point p = point_at(r, 1, k);
        assert_int_equal(p.index, point_order[k]);
        assert_true(p.score.value == point_score[k]);
    }
    assert_string_equal(point_at(r, 1, 0).text, "Co-author the IEC 61850 profile");
    assert_int_equal(point_at(r, 1, 1).kind, MTL_CONTROL_VALUE_CHAIN);
    assert_int_equal(point_at(r, 1, 2).kind, MTL_CONTROL_RELATIONSHIP);
    assert_int_equal(s.attractiveness.term_count, 5);
    for (k = 0; k < 5; k++) {
        assert_string_equal(s.attractiveness.terms[k].factor, att_factors[k]);
        NEAR(s.attractiveness.terms[k].value, energy_att_values[k]);
        NEAR(s.attractiveness.terms[k].weight, energy_att_weights[k]);
    }
    assert_int_equal(s.position.term_count, 9);
    for (k = 0; k < 9; k++) {
        assert_string_equal(s.position.terms[k].factor, pos_factors[k]);
        NEAR(s.position.terms[k].weight, energy_pos_weights[k]);
        NEAR(s.position.terms[k].value, energy_pos_values[k]);
    }
    assert_int_equal(s.priority.term_count, 4);
    assert_string_equal(s.priority.terms[0].factor, "attractiveness");
    assert_string_equal(s.priority.terms[1].factor, "position");
    assert_string_equal(s.priority.terms[2].factor, "pain_index");
    assert_string_equal(s.priority.terms[3].factor, "look_balance");
    NEAR(s.priority.terms[2].value, 1.7096);
    NEAR(s.priority.terms[0].weight, 0.4);
    assert_int_equal(s.pain_index.term_count, 5);
    assert_string_equal(s.pain_index.terms[4].factor, "Carbon reporting pressure");
    NEAR(s.pain_index.terms[4].value, 4.05);

    /* transport: no pains, so the priority leaves pain_index out and
     * renormalises 0.4, 0.3, 0.1 by 0.8 */
    s = seg_at(r, 0);
    assert_int_equal(s.priority.term_count, 3);
    assert_string_equal(s.priority.terms[2].factor, "look_balance");
    NEAR(s.priority.terms[0].weight, 0.5);
    NEAR(s.priority.terms[1].weight, 0.375);
    NEAR(s.priority.terms[2].weight, 0.125);
    assert_true(isnan(s.pain_index.value));
    assert_int_equal(s.pain_index.term_count, 0);
    assert_int_equal(look_at(r, 0, 0).top, 1);
    assert_int_equal(look_at(r, 0, 1).top, -1);
    NEAR(look_at(r, 0, 1).rank_score.value, 1.4);

    /* water: the par competitor on the four criteria we rated */
    s = seg_at(r, 2);
    assert_int_equal(s.position.term_count, 5);
    assert_string_equal(s.position.terms[1].factor, "price");
    assert_string_equal(s.position.terms[2].factor, "performance");
    assert_string_equal(s.position.terms[3].factor, "assurances");
    assert_string_equal(s.position.terms[4].factor, "life_cycle_cost");
    NEAR(s.position.terms[1].weight, 1.0 / 6);
    NEAR(s.position.terms[1].value, -1.5);
    NEAR(s.position.terms[4].value, -2.5);

    /* retail: size and profit unknown, weights 0.25 and 0.15 renormalised */
    s = seg_at(r, 3);
    assert_int_equal(s.attractiveness.term_count, 3);
    assert_string_equal(s.attractiveness.terms[1].factor, "growth");
    assert_string_equal(s.attractiveness.terms[2].factor, "strategic_value");
    NEAR(s.attractiveness.terms[1].weight, 5.625);
    NEAR(s.attractiveness.terms[2].weight, 3.375);
    NEAR(s.attractiveness.terms[1].value, 0.37499999999999994);
    assert_int_equal(s.position.term_count, 0);
    assert_int_equal(s.priority.term_count, 2);
    NEAR(s.priority.terms[0].weight, 0.8);
}

static void test_worked_example(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_strategy *r = NULL;
    mtl_strategy_options o;
    (void)state;
    build_example(m);
    OK(mtl_strategy_compute(&r, m, NULL));
    check_report(r, NULL);
    check_expect(r, relative, COUNT(relative));
    check_example_details(r);
    mtl_strategy_destroy(r);

    OK(mtl_strategy_options_init(&o, sizeof o));
    o.normalise = MTL_NORMALISE_BANDS;
    o.size_low = 0;
    o.size_high = 400000000;
    o.growth_low = 0.0;
    o.growth_high = 0.15;
    OK(mtl_strategy_compute(&r, m, &o));
    check_report(r, &o);
    check_expect(r, bands, COUNT(bands));
    {
        /* energy's size and water's growth clamp to 1, textiles' to 0 */
        mtl_strategy_segment s = seg_at(r, 1);
        assert_true(s.attractiveness.terms[1].value == 1.0);
        NEAR(s.attractiveness.terms[2].value, 0.8);
        assert_true(seg_at(r, 2).attractiveness.terms[2].value == 1.0);
        assert_true(seg_at(r, 5).attractiveness.terms[2].value == 0.0);
        NEAR(seg_at(r, 5).attractiveness.terms[1].value, 0.2);
    }
    mtl_strategy_destroy(r);
    test_market_free(m, &ta);
}

/* The same pain index as the BON report, bit for bit. */
static void test_pain_index_matches_bon(void **state)
{
    mtl_market *m = NULL;
    mtl_strategy *r = NULL;
    mtl_bon *b = NULL;
    size_t i, g, k;
    (void)state;
    OK(mtl_market_create(&m, NULL));
    build_example(m);
    OK(mtl_strategy_compute(&r, m, NULL));
    OK(mtl_bon_compute(&b, m, NULL));
    for (g = 0; g < mtl_bon_group_count(b); g++) {
        mtl_bon_group grp;
        grp.struct_size = sizeof grp;
        OK(mtl_bon_group_at(b, g, &grp));
        for (i = 0; i < mtl_strategy_segment_count(r); i++) {
            mtl_strategy_segment s = seg_at(r, i);
            if (strcmp(s.id, grp.id))
                continue;
            assert_int_equal(s.pain_index.term_count, grp.index.term_count);
            assert_memory_equal(&s.pain_index.value, &grp.index.value, sizeof(double));
            for (k = 0; k < grp.index.term_count; k++) {
                assert_string_equal(s.pain_index.terms[k].factor, grp.index.terms[k].factor);
                assert_true(s.pain_index.terms[k].weight == grp.index.terms[k].weight);
                assert_true(s.pain_index.terms[k].value == grp.index.terms[k].value);
                assert_true(s.pain_index.terms[k].contribution ==
                            grp.index.terms[k].contribution);
            }
        }
    }
    mtl_bon_destroy(b);
    mtl_strategy_destroy(r);
    mtl_market_unref(m);
}

/* ---- gates, cuts and decisions ------------------------------------------ */

static mtl_strategy_segment find(const mtl_strategy *r, const char *id)
{
    size_t i;
    for (i = 0; i < mtl_strategy_segment_count(r); i++) {
        mtl_strategy_segment s = seg_at(r, i);
        if (!strcmp(s.id, id))
            return s;
    }
    fail_msg("segment %s not in the report", id);
    return seg_at(r, 0);
}

static void test_gates_and_cuts(void **state)
{
    mtl_market *m = NULL;
    mtl_strategy *r = NULL;
    mtl_strategy_options o;
    mtl_strategy_segment s;
    (void)state;
    OK(mtl_market_create(&m, NULL));
    build_example(m);

    /* a revenue gate of 40 000 000: transport (30 000 000) fails both gates,
     * energy (60 000 000) passes */
    OK(mtl_strategy_options_init(&o, sizeof o));
    o.min_revenue = 40000000;
    OK(mtl_strategy_compute(&r, m, &o));
    check_report(r, &o);
    s = find(r, "transport");
    assert_int_equal(s.gate_veto, MTL_GATE_REVENUE | MTL_GATE_MARGIN);
    assert_int_equal(s.strategy, MTL_STRATEGY_FIX_ECONOMICS);
    s = find(r, "energy");
    assert_int_equal(s.gate_veto, 0);
    assert_int_equal(s.strategy, MTL_STRATEGY_INVEST);
    /* gates only veto grow: water's 5 000 000 is below, but it is not GROW */
    assert_int_equal(find(r, "water").gate_veto, 0);
    mtl_strategy_destroy(r);

    /* no margin gate: transport is vetoed by revenue only */
    o.min_gross_margin = NAN;
    OK(mtl_strategy_compute(&r, m, &o));
    assert_int_equal(find(r, "transport").gate_veto, MTL_GATE_REVENUE);
    mtl_strategy_destroy(r);

    /* no gate at all: transport invests */
    o.min_revenue = 0;
    OK(mtl_strategy_compute(&r, m, &o));
    s = find(r, "transport");
    assert_int_equal(s.gate_veto, 0);
    assert_int_equal(s.strategy, MTL_STRATEGY_INVEST);
    mtl_strategy_destroy(r);

    /* a margin gate of 0.12 passes 0.12 (at least the minimum) */
    o.min_gross_margin = 0.12;
    OK(mtl_strategy_compute(&r, m, &o));
    assert_int_equal(find(r, "transport").strategy, MTL_STRATEGY_INVEST);
    mtl_strategy_destroy(r);

    /* cuts: attractiveness 9 puts energy (8.6) in harvest; position 5.7
     * puts it (5.667) in acquire skills; a cut at exactly the value is high */
    OK(mtl_strategy_options_init(&o, sizeof o));
    o.cut_attractiveness = 9;
    OK(mtl_strategy_compute(&r, m, &o));
    check_report(r, &o);
    s = find(r, "energy");
    assert_int_equal(s.quadrant, MTL_SPAN_HARVEST);
    assert_int_equal(s.strategy, MTL_STRATEGY_HARVEST);
    assert_int_equal(find(r, "water").quadrant, MTL_SPAN_AVOID);
    assert_int_equal(find(r, "water").strategy, MTL_STRATEGY_EXIT);
    mtl_strategy_destroy(r);
    OK(mtl_strategy_options_init(&o, sizeof o));
    o.cut_position = 5.7;
    OK(mtl_strategy_compute(&r, m, &o));
    check_report(r, &o);
    s = find(r, "energy");
    assert_int_equal(s.quadrant, MTL_SPAN_ACQUIRE_SKILLS);
    assert_int_equal(s.strategy, MTL_STRATEGY_BUILD);
    assert_int_equal(find(r, "mining").quadrant, MTL_SPAN_HARVEST); /* 5.9375 */
    mtl_strategy_destroy(r);
    OK(mtl_strategy_options_init(&o, sizeof o));
    o.cut_position = 5.9375; /* mining's position exactly */
    o.cut_attractiveness = 1;
    OK(mtl_strategy_compute(&r, m, &o));
    assert_int_equal(find(r, "mining").quadrant, MTL_SPAN_GROW);
    assert_int_equal(find(r, "mining").strategy, MTL_STRATEGY_INVEST);
    assert_int_equal(find(r, "textiles").quadrant, MTL_SPAN_ACQUIRE_SKILLS);
    assert_int_equal(find(r, "retail").quadrant, MTL_SPAN_UNRATED);
    mtl_strategy_destroy(r);

    /* top_items 1 and 0 */
    OK(mtl_strategy_options_init(&o, sizeof o));
    o.top_items = 1;
    OK(mtl_strategy_compute(&r, m, &o));
    check_report(r, &o);
    {
        static const int32_t top[] = {1, -1, 0, 0, 0, 0, 0};
        size_t k;
        for (k = 0; k < 7; k++)
            assert_int_equal(look_at(r, 1, k).top, top[k]);
    }
    mtl_strategy_destroy(r);
    o.top_items = 0;
    OK(mtl_strategy_compute(&r, m, &o));
    check_report(r, &o);
    {
        size_t k;
        for (k = 0; k < 7; k++)
            assert_int_equal(look_at(r, 1, k).top, 0);
    }
    mtl_strategy_destroy(r);
    mtl_market_unref(m);
}

/* A segment in the grow quadrant whose revenue and margin are unknown
 * passes both gates. */
static void test_unknown_passes_gates(void **state)
{
    static const double us[8] = {9, 9, 9, 9, 9, 9, 9, 9};
    mtl_market *m = NULL;
    mtl_strategy *r = NULL;
    mtl_strategy_options o;
    mtl_segment *s;
    mtl_segment_factors f;
    mtl_strategy_segment out;
    (void)state;
    OK(mtl_market_create(&m, NULL));
    s = segment(m, "solo");
    f = factors();
    f.market_size = 10;
    f.strategic_value = 10;
    OK(mtl_segment_set_factors(s, &f));
    add_appeals(s, "", us);
    OK(mtl_strategy_options_init(&o, sizeof o));
    o.min_revenue = 1000;
    o.min_gross_margin = 0.9;
    OK(mtl_strategy_compute(&r, m, &o));
    out = seg_at(r, 0);
    /* a lone segment: size relative 1 (itself the largest) */
    NEAR(out.attractiveness.value, 10.0);
    /* par competitor, 9 - 5.5 everywhere: 5.5 + 3.5 / 2 */
    assert_true(out.position.value == 7.25);
    assert_string_equal(out.competitor, "");
    assert_int_equal(out.quadrant, MTL_SPAN_GROW);
    assert_int_equal(out.gate_veto, 0);
    assert_int_equal(out.strategy, MTL_STRATEGY_INVEST);
    assert_int_equal(out.target_basis, MTL_TARGET_BASIS_NONE);
    assert_int_equal(out.target, 0);
    assert_int_equal(out.revenue, -1);
    mtl_strategy_destroy(r);
    mtl_market_unref(m);
}

/* ---- targets ------------------------------------------------------------ */

static int64_t target_of(mtl_market *m, int64_t size, double share, int64_t revenue,
                         double growth_goal, double growth, int32_t *basis)
{
    mtl_strategy *r = NULL;
    mtl_segment *s = mtl_segment_find(m, "t");
    mtl_segment_factors f = factors();
    mtl_strategy_segment out;
    f.market_size = size;
    f.share_goal = share;
    f.revenue = revenue;
    f.growth_goal = growth_goal;
    f.growth = growth;
    OK(mtl_segment_set_factors(s, &f));
    OK(mtl_strategy_compute(&r, m, NULL));
    out = seg_at(r, 0);
    *basis = out.target_basis;
    mtl_strategy_destroy(r);
    return out.target;
}

static void test_targets(void **state)
{
    mtl_market *m = NULL;
    mtl_strategy *r = NULL;
    mtl_segment_factors f;
    int32_t b;
    (void)state;
    OK(mtl_market_create(&m, NULL));
    segment(m, "t");
    /* share first, then growth goal, then market growth */
    assert_int_equal(target_of(m, 1000, 0.25, 100, 0.5, 0.1, &b), 250);
    assert_int_equal(b, MTL_TARGET_BASIS_SHARE);
    assert_int_equal(target_of(m, -1, 0.25, 100, 0.5, 0.1, &b), 150);
    assert_int_equal(b, MTL_TARGET_BASIS_GROWTH);
    assert_int_equal(target_of(m, 1000, X, 100, X, 0.1, &b), 110);
    assert_int_equal(b, MTL_TARGET_BASIS_MARKET);
    assert_int_equal(target_of(m, 1000, X, -1, 0.5, 0.1, &b), 0);
    assert_int_equal(b, MTL_TARGET_BASIS_NONE);
    assert_int_equal(target_of(m, -1, 0.5, 100, X, X, &b), 0);
    assert_int_equal(b, MTL_TARGET_BASIS_NONE);
    /* halves away from zero */
    assert_int_equal(target_of(m, 1, 0.5, -1, X, X, &b), 1);
    assert_int_equal(target_of(m, 3, 0.5, -1, X, X, &b), 2);
    assert_int_equal(target_of(m, -1, X, 5, 0.5, X, &b), 8);
    assert_int_equal(target_of(m, -1, X, 3, X, 0.5, &b), 5);
    assert_int_equal(target_of(m, -1, X, 3, X, -0.5, &b), 2);
    assert_int_equal(target_of(m, -1, X, 100, -0.999, X, &b), 0);
    assert_int_equal(b, MTL_TARGET_BASIS_GROWTH);
    /* the whole market: INT64_MAX x 1 is 2^63 as a double, outside int64 */
    f = factors();
    f.market_size = INT64_MAX;
    f.share_goal = 1.0;
    OK(mtl_segment_set_factors(mtl_segment_find(m, "t"), &f));
    r = (mtl_strategy *)&r;
    FAILS_NAMING(mtl_strategy_compute(&r, m, NULL), MTL_E_RANGE, "target");
    assert_null(r);
    assert_non_null(strstr(mtl_last_error_message(), "segment t"));
    /* half the market: 2^62, fine */
    f.share_goal = 0.5;
    OK(mtl_segment_set_factors(mtl_segment_find(m, "t"), &f));
    OK(mtl_strategy_compute(&r, m, NULL));
    assert_int_equal(seg_at(r, 0).target, INT64_C(4611686018427387904));
    mtl_strategy_destroy(r);
    /* revenue doubled past int64 */
    f = factors();
    f.revenue = INT64_C(4611686018427387904);
    f.growth_goal = 1.0;
    OK(mtl_segment_set_factors(mtl_segment_find(m, "t"), &f));
    FAILS_NAMING(mtl_strategy_compute(&r, m, NULL), MTL_E_RANGE, "outside int64");
    mtl_market_unref(m);
}

/* ---- profit potential, normalisation ------------------------------------ */

/* 定目标 feeds the targets module: the segment target, given to a target
 * tree's company node, splits into the seed's quarters and months that sum
 * to it exactly (five-looks.md §2). */
static void test_target_feeds_tree(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_segment *s;
    mtl_segment_factors f;
    mtl_strategy *st;
    mtl_strategy_segment row;
    mtl_target_tree *t;
    mtl_target_options to;
    mtl_target_inputs in;
    mtl_target_node n;
    size_t i, count;
    int64_t quarters = 0, months = 0;
    static const int64_t want_q[4] = {18518518, 24691358, 37037037, 43209876};
    (void)state;
    OK(mtl_segment_add(&s, m, "energy"));
    OK(mtl_segment_factors_init(&f, sizeof f));
    f.market_size = 1234567890; /* minor units */
    f.share_goal = 0.1;
    OK(mtl_segment_set_factors(s, &f));
    OK(mtl_strategy_compute(&st, m, NULL));
    row.struct_size = sizeof row;
    OK(mtl_strategy_segment_at(st, 0, &row));
    assert_int_equal(row.target_basis, MTL_TARGET_BASIS_SHARE);
    assert_int_equal(row.target, 123456789); /* 123,456,789.0 */

    OK(mtl_target_options_init(&to, sizeof to));
    to.year = 2027;
    to.company = row.id;
    OK(mtl_target_tree_create(&t, m, &to));
    OK(mtl_target_inputs_init(&in, sizeof in));
    in.amount = row.target; /* MTL_TARGET_FORMULA_GIVEN */
    OK(mtl_target_tree_set_inputs(t, MTL_TARGET_ROOT, &in));
    OK(mtl_target_tree_reconcile(t, NULL));
    count = mtl_target_tree_node_count(t);
    for (i = 0; i < count; i++) {
        n.struct_size = sizeof n;
        OK(mtl_target_tree_node(t, i, &n));
        if (i == MTL_TARGET_ROOT) {
            assert_string_equal(n.name, "energy");
            assert_int_equal(n.target, 123456789);
        }
        if (n.kind == MTL_TARGET_QUARTER) {
            /* 15% / 20% / 30% / 35% with largest remainders: 18,518,518.35,
             * 24,691,357.8, 37,037,036.7, 43,209,876.15 -> the two largest
             * fractions (Q2, Q3) get the 2 left over */
            assert_int_equal(n.target, want_q[n.quarter - 1]);
            quarters += n.target;
        }
        if (n.kind == MTL_TARGET_MONTH)
            months += n.target;
    }
    assert_int_equal(quarters, 123456789);
    assert_int_equal(months, 123456789);
    mtl_target_tree_destroy(t);
    mtl_strategy_destroy(st);
    test_market_free(m, &ta);
}

static void test_profit_from_forces(void **state)
{
    mtl_market *m = NULL;
    mtl_strategy *r = NULL;
    mtl_segment_factors f;
    mtl_segment *s;
    mtl_strategy_segment out;
    int i;
    (void)state;
    OK(mtl_market_create(&m, NULL));
    s = segment(m, "p");
    /* all forces weakest: 10; all strongest: 1 */
    f = factors();
    for (i = 0; i < MTL_FORCE_COUNT; i++)
        f.forces[i] = 1;
    OK(mtl_segment_set_factors(s, &f));
    OK(mtl_strategy_compute(&r, m, NULL));
    out = seg_at(r, 0);
    assert_true(out.profit_potential == 10.0);
    assert_int_equal(out.profit_from_forces, 1);
    /* profit potential the only factor: 1 + 9 × 1 */
    assert_true(out.attractiveness.value == 10.0);
    assert_int_equal(out.attractiveness.term_count, 2);
    assert_string_equal(out.attractiveness.terms[1].factor, "profit_potential");
    assert_true(out.attractiveness.terms[1].weight == 9.0);
    mtl_strategy_destroy(r);
    for (i = 0; i < MTL_FORCE_COUNT; i++)
        f.forces[i] = 5;
    OK(mtl_segment_set_factors(s, &f));
    OK(mtl_strategy_compute(&r, m, NULL));
    out = seg_at(r, 0);
    assert_true(out.profit_potential == 1.0);
    assert_true(out.attractiveness.value == 1.0);
    mtl_strategy_destroy(r);
    /* one force rated: 2 → 1 + 9 × 3 / 4 */
    f = factors();
    f.forces[MTL_FORCE_SUPPLIERS] = 2;
    OK(mtl_segment_set_factors(s, &f));
    OK(mtl_strategy_compute(&r, m, NULL));
    out = seg_at(r, 0);
    NEAR(out.profit_potential, 7.75);
    assert_int_equal(out.profit_from_forces, 1);
    mtl_strategy_destroy(r);
    /* a given profit potential wins over the forces */
    f.profit_potential = 4;
    OK(mtl_segment_set_factors(s, &f));
    OK(mtl_strategy_compute(&r, m, NULL));
    out = seg_at(r, 0);
    assert_true(out.profit_potential == 4.0);
    assert_int_equal(out.profit_from_forces, 0);
    mtl_strategy_destroy(r);
    /* nothing known: NaN, unrated, priority from the look balance alone */
    f = factors();
    OK(mtl_segment_set_factors(s, &f));
    OK(mtl_strategy_compute(&r, m, NULL));
    out = seg_at(r, 0);
    assert_true(isnan(out.profit_potential));
    assert_int_equal(out.profit_from_forces, 0);
    assert_true(isnan(out.attractiveness.value));
    assert_int_equal(out.attractiveness.term_count, 0);
    assert_int_equal(out.quadrant, MTL_SPAN_UNRATED);
    assert_int_equal(out.strategy, MTL_STRATEGY_UNRATED);
    assert_true(out.priority.value == 5.0);
    assert_int_equal(out.priority.term_count, 1);
    assert_string_equal(out.priority.terms[0].factor, "look_balance");
    assert_true(out.priority.terms[0].weight == 1.0);
    mtl_strategy_destroy(r);
    mtl_market_unref(m);
}

static void test_normalisation_edges(void **state)
{
    mtl_market *m = NULL;
    mtl_strategy *r = NULL;
    mtl_strategy_options o;
    mtl_segment_factors f;
    mtl_strategy_segment out;
    (void)state;
    OK(mtl_market_create(&m, NULL));
    /* every known size 0: relative size 0; every growth equal: 0.5 */
    f = factors();
    f.market_size = 0;
    f.growth = 0.1;
    OK(mtl_segment_set_factors(segment(m, "a"), &f));
    OK(mtl_segment_set_factors(segment(m, "b"), &f));
    f.market_size = -1;
    f.growth = X;
    f.strategic_value = 1;
    OK(mtl_segment_set_factors(segment(m, "c"), &f));
    OK(mtl_strategy_compute(&r, m, NULL));
    check_report(r, NULL);
    out = find(r, "a");
    assert_int_equal(out.attractiveness.term_count, 3);
    assert_true(out.attractiveness.terms[1].value == 0.0);
    assert_true(out.attractiveness.terms[2].value == 0.5);
    /* 1 + 9 × (0.35 × 0 + 0.25 × 0.5) / 0.6 */
    NEAR(out.attractiveness.value, 1.0 + 9.0 * 0.125 / 0.6);
    out = find(r, "c");
    assert_true(out.attractiveness.value == 1.0);
    mtl_strategy_destroy(r);

    /* bands: below the low band 0, above the high band 1 */
    OK(mtl_strategy_options_init(&o, sizeof o));
    o.normalise = MTL_NORMALISE_BANDS;
    o.size_low = 100;
    o.size_high = 200;
    o.growth_low = 0.2;
    o.growth_high = 0.3;
    OK(mtl_strategy_compute(&r, m, &o));
    out = find(r, "a");
    assert_true(out.attractiveness.terms[1].value == 0.0);
    assert_true(out.attractiveness.terms[2].value == 0.0);
    mtl_strategy_destroy(r);
    o.size_low = -300;
    o.size_high = -100;
    o.growth_low = -0.5;
    o.growth_high = 0.0;
    OK(mtl_strategy_compute(&r, m, &o));
    out = find(r, "a");
    assert_true(out.attractiveness.terms[1].value == 1.0);
    assert_true(out.attractiveness.terms[2].value == 1.0);
    mtl_strategy_destroy(r);

    /* attractiveness weights that leave only unknown factors: NaN */
    OK(mtl_strategy_options_init(&o, sizeof o));
    o.attractiveness_weights[0] = o.attractiveness_weights[1] = 0;
    o.attractiveness_weights[2] = 1;
    o.attractiveness_weights[3] = 0;
    OK(mtl_strategy_compute(&r, m, &o));
    out = find(r, "a");
    assert_true(isnan(out.attractiveness.value));
    assert_int_equal(out.attractiveness.term_count, 0);
    mtl_strategy_destroy(r);
    /* a zero weight on a known factor keeps its term, with weight 0 */
    o.attractiveness_weights[0] = 1;
    o.attractiveness_weights[2] = 0;
    OK(mtl_strategy_compute(&r, m, &o));
    out = find(r, "a");
    assert_int_equal(out.attractiveness.term_count, 3);
    assert_true(out.attractiveness.terms[2].weight == 0.0);
    assert_true(out.attractiveness.value == 1.0);
    mtl_strategy_destroy(r);
    mtl_market_unref(m);
}

/* ---- position --------------------------------------------------------- */

static double position_of(mtl_market *m, const char **competitor, size_t *terms)
{
    static char name[64];
    mtl_strategy *r = NULL;
    mtl_strategy_segment out;
    OK(mtl_strategy_compute(&r, m, NULL));
    out = seg_at(r, 0);
    test_check_score(&out.position, "position");
    snprintf(name, sizeof name, "%s", out.competitor);
    *competitor = name;
    *terms = out.position.term_count;
    mtl_strategy_destroy(r);
    return out.position.value;
}

static void test_position_cases(void **state)
{
    static const double fives[8] = {5, 5, 5, 5, 5, 5, 5, 5};
    static const double sixes[8] = {6, 6, 6, 6, 6, 6, 6, 6};
    static const double us_half[8] = {8, 8, 8, 8, X, X, X, X};
    static const double them_other_half[8] = {X, X, X, X, 9, 9, 9, 9};
    static const double tens[8] = {10, 10, 10, 10, 10, 10, 10, 10};
    static const double ones[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    static const double nothing[8] = {X, X, X, X, X, X, X, X};
    static const double zero_w_only[8] = {X, X, X, X, X, X, X, 10};
    mtl_market *m = NULL;
    mtl_segment *s;
    mtl_segment_factors f;
    const char *comp;
    size_t terms;
    double p;
    (void)state;
    OK(mtl_market_create(&m, NULL));
    s = segment(m, "p");

    /* no rows: NaN, no competitor */
    p = position_of(m, &comp, &terms);
    assert_true(isnan(p));
    assert_string_equal(comp, "");

    /* two competitors at the same level: the first row is the strongest */
    add_appeals(s, "", sixes);
    add_appeals(s, "Bravo", fives);
    add_appeals(s, "Alpha", fives);
    p = position_of(m, &comp, &terms);
    assert_string_equal(comp, "Bravo");
    assert_true(p == 6.0); /* 5.5 + 1/2 */
    assert_int_equal(terms, 9);

    /* the extremes: 10 against 1 is 10, 1 against 10 is 1 */
    OK(mtl_segment_clear_appeals(s));
    add_appeals(s, "", tens);
    add_appeals(s, "Weak", ones);
    assert_true(position_of(m, &comp, &terms) == 10.0);
    OK(mtl_segment_clear_appeals(s));
    add_appeals(s, "", ones);
    add_appeals(s, "Strong", tens);
    assert_true(position_of(m, &comp, &terms) == 1.0);

    /* no criterion in common with the strongest: NaN, competitor named */
    OK(mtl_segment_clear_appeals(s));
    add_appeals(s, "", us_half);
    add_appeals(s, "Disjoint", them_other_half);
    p = position_of(m, &comp, &terms);
    assert_true(isnan(p));
    assert_string_equal(comp, "Disjoint");
    assert_int_equal(terms, 0);

    /* we rated nothing: NaN */
    OK(mtl_segment_clear_appeals(s));
    add_appeals(s, "", nothing);
    add_appeals(s, "Other", sixes);
    assert_true(isnan(position_of(m, &comp, &terms)));

    /* a competitor that rated only a criterion of weight 0 has no level and
     * is passed over; the other is the strongest */
    f = factors();
    f.appeals_weights[7] = 0;
    OK(mtl_segment_set_factors(s, &f));
    OK(mtl_segment_clear_appeals(s));
    add_appeals(s, "", sixes);
    add_appeals(s, "ZeroWeight", zero_w_only);
    add_appeals(s, "Real", fives);
    p = position_of(m, &comp, &terms);
    assert_string_equal(comp, "Real");
    /* seven criteria of weight 1 and social acceptance at weight 0 */
    assert_int_equal(terms, 9);
    NEAR(p, 6.0);

    /* only zero-weight competitors: the par competitor */
    OK(mtl_segment_clear_appeals(s));
    add_appeals(s, "", sixes);
    add_appeals(s, "ZeroWeight", zero_w_only);
    p = position_of(m, &comp, &terms);
    assert_string_equal(comp, "");
    NEAR(p, 5.75);

    /* we rated only the zero-weight criterion: W = 0, NaN */
    OK(mtl_segment_clear_appeals(s));
    add_appeals(s, "", zero_w_only);
    add_appeals(s, "Real", fives);
    assert_true(isnan(position_of(m, &comp, &terms)));
    mtl_market_unref(m);
}

/* ---- order -------------------------------------------------------------- */

static void test_total_order(void **state)
{
    static const char *const order[] = {"d", "a", "b", "c", "e"};
    mtl_market *m = NULL;
    mtl_strategy *r = NULL;
    mtl_strategy_options o;
    mtl_segment_factors f;
    size_t i;
    (void)state;
    OK(mtl_market_create(&m, NULL));
    /* equal priorities (the look balance alone): size desc, unknown last,
     * then id */
    f = factors();
    f.market_size = 100;
    OK(mtl_segment_set_factors(segment(m, "b"), &f));
    OK(mtl_segment_set_factors(segment(m, "a"), &f));
    f.market_size = -1;
    OK(mtl_segment_set_factors(segment(m, "e"), &f));
    OK(mtl_segment_set_factors(segment(m, "c"), &f));
    f.market_size = 200;
    OK(mtl_segment_set_factors(segment(m, "d"), &f));
    OK(mtl_strategy_options_init(&o, sizeof o));
    o.priority_weights[0] = o.priority_weights[1] = o.priority_weights[2] = 0;
    o.priority_weights[3] = 1;
    OK(mtl_strategy_compute(&r, m, &o));
    check_report(r, &o);
    for (i = 0; i < 5; i++) {
        mtl_strategy_segment s = seg_at(r, i);
        assert_string_equal(s.id, order[i]);
        assert_true(s.priority.value == 5.0);
        assert_int_equal(s.rank, i + 1);
    }
    /* sized segments have a known attractiveness: a term of weight 0 */
    assert_int_equal(seg_at(r, 0).priority.term_count, 2);
    assert_true(seg_at(r, 0).priority.terms[0].weight == 0.0);
    mtl_strategy_destroy(r);

    /* weights that leave only unknown factors: priority NaN, last */
    o.priority_weights[0] = 1;
    o.priority_weights[3] = 0;
    OK(mtl_strategy_compute(&r, m, &o));
    check_report(r, &o);
    assert_string_equal(seg_at(r, 0).id, "d");
    assert_string_equal(seg_at(r, 3).id, "c");
    assert_string_equal(seg_at(r, 4).id, "e");
    assert_true(isnan(seg_at(r, 4).priority.value));
    assert_int_equal(seg_at(r, 4).priority.term_count, 0);
    assert_int_equal(seg_at(r, 4).rank, 5);
    mtl_strategy_destroy(r);

    /* look ties: equal rank scores in the order added */
    add_look(mtl_segment_find(m, "a"), MTL_LOOK_SELF, -3, 0.5, 1, "first");
    add_look(mtl_segment_find(m, "a"), MTL_LOOK_OPPORTUNITY, 3, 0.5, 12, "second");
    add_look(mtl_segment_find(m, "a"), MTL_LOOK_TREND, 0, 1, 12, "neutral");
    add_look(mtl_segment_find(m, "a"), MTL_LOOK_OPPORTUNITY, 1.5, 1, 7, "third");
    OK(mtl_strategy_compute(&r, m, NULL));
    check_report(r, NULL);
    {
        mtl_strategy_segment s = find(r, "a");
        size_t a_at = s.rank - 1;
        assert_int_equal(look_at(r, a_at, 0).index, 0);
        assert_int_equal(look_at(r, a_at, 1).index, 1);
        assert_int_equal(look_at(r, a_at, 2).index, 3);
        assert_int_equal(look_at(r, a_at, 3).index, 2);
        assert_int_equal(look_at(r, a_at, 3).top, 0);
        /* 5 + 5 × (-1.5 + 1.5 + 0 + 1.5) / 4.5 */
        NEAR(s.look_balance.value, 5.0 + 5.0 / 3.0);
        assert_true(s.look_balance.terms[3].value == 0.0);
    }
    mtl_strategy_destroy(r);
    mtl_market_unref(m);
}

/* ---- random markets: sums and ranges ------------------------------------ */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static double unit(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }
static double maybe(double v) { return rnd() % 4 == 0 ? NAN : v; }

static void test_random(void **state)
{
    static const char *const names[] = {"", "A", "B", "C"};
    mtl_market *m = NULL;
    mtl_strategy *r = NULL;
    mtl_strategy_options o;
    char id[32];
    int round, i, k, c;
    (void)state;
    for (round = 0; round < 30; round++) {
        OK(mtl_market_create(&m, NULL));
        for (i = 0; i < 12; i++) {
            mtl_segment *s;
            mtl_segment_factors f = factors();
            snprintf(id, sizeof id, "s%02d", (int)(rnd() % 100));
            if (mtl_segment_find(m, id))
                continue;
            s = segment(m, id);
            f.market_size = rnd() % 4 == 0 ? -1 : (int64_t)(rnd() % 1000000);
            f.growth = maybe(-0.5 + unit());
            f.profit_potential = maybe(1.0 + 9.0 * unit());
            for (c = 0; c < MTL_FORCE_COUNT; c++)
                f.forces[c] = maybe(1.0 + (double)(rnd() % 5));
            f.strategic_value = maybe(1.0 + (double)(rnd() % 10));
            f.revenue = rnd() % 3 == 0 ? -1 : (int64_t)(rnd() % 100000);
            f.gross_margin = maybe(-1.0 + 2.0 * unit());
            f.share_goal = maybe(unit());
            f.growth_goal = maybe(unit());
            for (c = 0; c < MTL_APPEALS_COUNT; c++)
                f.appeals_weights[c] = (double)(rnd() % 4);
            f.appeals_weights[rnd() % MTL_APPEALS_COUNT] = 1;
            OK(mtl_segment_set_factors(s, &f));
            for (k = (int)(rnd() % 5); k > 0; k--) {
                double rt[8];
                for (c = 0; c < 8; c++)
                    rt[c] = rnd() % 5 == 0 ? NAN : 1.0 + (double)(rnd() % 10);
                add_appeals(s, names[rnd() % 4], rt);
            }
            for (k = (int)(rnd() % 8); k > 0; k--)
                add_look(s, (int32_t)(rnd() % MTL_LOOK_COUNT),
                         (double)((int)(rnd() % 11) - 5), 0.25 * (double)(rnd() % 5),
                         1 + (int32_t)(rnd() % 72), "item");
            for (k = (int)(rnd() % 5); k > 0; k--)
                add_point(s, 1 + (int32_t)(rnd() % 6), 0.25 * (double)(rnd() % 5), "cp");
            for (k = (int)(rnd() % 4); k > 0; k--)
                test_add_pain(NULL, s, "B", "pain", 1.0 + (double)(rnd() % 5),
                              1.0 + 4.0 * unit(), unit(), unit(), unit());
        }
        OK(mtl_strategy_options_init(&o, sizeof o));
        if (round % 2) {
            o.normalise = MTL_NORMALISE_BANDS;
            o.size_low = 100000;
            o.size_high = 900000;
            o.growth_low = -0.2;
            o.growth_high = 0.3;
            o.top_items = (int32_t)(rnd() % 4);
            o.cut_attractiveness = 1.0 + 9.0 * unit();
            o.cut_position = 1.0 + 9.0 * unit();
            o.min_revenue = (int64_t)(rnd() % 100000);
        }
        OK(mtl_strategy_compute(&r, m, &o));
        check_report(r, &o);
        for (i = 0; i < (int)mtl_strategy_segment_count(r); i++) {
            mtl_strategy_segment s = seg_at(r, (size_t)i);
            if (s.quadrant != MTL_SPAN_GROW)
                assert_int_equal(s.gate_veto, 0);
            else
                assert_int_equal(s.strategy, s.gate_veto ? MTL_STRATEGY_FIX_ECONOMICS
                                                         : MTL_STRATEGY_INVEST);
            if (!isnan(s.priority.value))
                assert_true(s.priority.value >= 0.0 && s.priority.value <= 10.0 + 1e-12);
            assert_true(s.target >= 0);
        }
        mtl_strategy_destroy(r);
        mtl_market_unref(m);
    }
}

/* ---- options, arguments, lifetime, memory ------------------------------- */

static void test_options(void **state)
{
    mtl_market *m = NULL;
    mtl_strategy *r = NULL;
    mtl_strategy_options o;
    int i;
    (void)state;
    OK(mtl_market_create(&m, NULL));
    build_example(m);

    OK(mtl_strategy_options_init(&o, sizeof o));
    assert_int_equal(o.struct_size, sizeof o);
    assert_true(o.window_weights[0] == 1.0 && o.window_weights[1] == 0.7 &&
                o.window_weights[2] == 0.4);
    assert_true(o.attractiveness_weights[0] == 0.35 && o.attractiveness_weights[1] == 0.25 &&
                o.attractiveness_weights[2] == 0.25 && o.attractiveness_weights[3] == 0.15);
    assert_int_equal(o.normalise, MTL_NORMALISE_RELATIVE);
    assert_true(o.cut_attractiveness == 5.5 && o.cut_position == 5.5);
    assert_int_equal(o.min_revenue, 0);
    assert_true(o.min_gross_margin == 0.20);
    assert_true(o.priority_weights[0] == 0.4 && o.priority_weights[1] == 0.3 &&
                o.priority_weights[2] == 0.2 && o.priority_weights[3] == 0.1);
    assert_int_equal(o.top_items, 3);

    assert_int_equal(mtl_strategy_options_init(NULL, sizeof o), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_strategy_options_init(&o, sizeof o - 1), MTL_E_VERSION);
    OK(mtl_strategy_options_init(&o, sizeof o));
    o.struct_size = sizeof o - 1;
    FAILS_NAMING(mtl_strategy_compute(&r, m, &o), MTL_E_VERSION,
                 "mtl_strategy_options");
    assert_null(r);

#define REFUSED(field, stmt)                                                  \
    do {                                                                      \
        OK(mtl_strategy_options_init(&o, sizeof o));                          \
        stmt;                                                                 \
        r = (mtl_strategy *)&o;                                               \
        FAILS_NAMING(mtl_strategy_compute(&r, m, &o), MTL_E_RANGE, field);    \
        assert_null(r);                                                       \
    } while (0)

    for (i = 0; i < 3; i++) {
        char name[32];
        snprintf(name, sizeof name, "window_weights[%d]", i);
        REFUSED(name, o.window_weights[i] = 0);
        REFUSED(name, o.window_weights[i] = -0.5);
        REFUSED(name, o.window_weights[i] = 1.5);
        REFUSED(name, o.window_weights[i] = NAN);
    }
    for (i = 0; i < 4; i++) {
        char name[40];
        snprintf(name, sizeof name, "attractiveness_weights[%d]", i);
        REFUSED(name, o.attractiveness_weights[i] = -0.1);
        REFUSED(name, o.attractiveness_weights[i] = NAN);
        REFUSED(name, o.attractiveness_weights[i] = INFINITY);
        snprintf(name, sizeof name, "priority_weights[%d]", i);
        REFUSED(name, o.priority_weights[i] = -1);
        REFUSED(name, o.priority_weights[i] = NAN);
        REFUSED(name, o.priority_weights[i] = INFINITY);
    }
    REFUSED("attractiveness_weights",
            memset(o.attractiveness_weights, 0, sizeof o.attractiveness_weights));
    REFUSED("priority_weights", memset(o.priority_weights, 0, sizeof o.priority_weights));
    REFUSED("attractiveness_weights",
            for (i = 0; i < 4; i++) o.attractiveness_weights[i] = 1e308);
    REFUSED("normalise", o.normalise = 2);
    REFUSED("normalise", o.normalise = -1);
    REFUSED("size_high", (o.normalise = MTL_NORMALISE_BANDS, o.growth_high = 1));
    REFUSED("size_high", (o.normalise = MTL_NORMALISE_BANDS, o.size_low = 5,
                          o.size_high = 5, o.growth_high = 1));
    REFUSED("growth_high", (o.normalise = MTL_NORMALISE_BANDS, o.size_high = 10));
    REFUSED("growth_high", (o.normalise = MTL_NORMALISE_BANDS, o.size_high = 10,
                            o.growth_low = 0.2, o.growth_high = 0.1));
    REFUSED("growth_high", (o.normalise = MTL_NORMALISE_BANDS, o.size_high = 10,
                            o.growth_high = INFINITY));
    REFUSED("growth_low", (o.normalise = MTL_NORMALISE_BANDS, o.size_high = 10,
                           o.growth_low = NAN, o.growth_high = 1));
    REFUSED("cut_attractiveness", o.cut_attractiveness = 0.99);
    REFUSED("cut_attractiveness", o.cut_attractiveness = 10.5);
    REFUSED("cut_attractiveness", o.cut_attractiveness = NAN);
    REFUSED("cut_position", o.cut_position = 0);
    REFUSED("cut_position", o.cut_position = 11);
    REFUSED("cut_position", o.cut_position = NAN);
    REFUSED("min_revenue", o.min_revenue = -1);
    REFUSED("min_gross_margin", o.min_gross_margin = 1.5);
    REFUSED("min_gross_margin", o.min_gross_margin = -INFINITY);
    REFUSED("top_items", o.top_items = -1);
#undef REFUSED

    /* the edges are accepted: bands ignored when relative, cuts 1 and 10,
     * window weight 1, a margin gate of -1, one non-zero weight */
    OK(mtl_strategy_options_init(&o, sizeof o));
    o.size_low = 10; /* ignored: relative */
    o.growth_low = NAN;
    o.cut_attractiveness = 1;
    o.cut_position = 10;
    o.window_weights[2] = 1;
    o.min_gross_margin = -1;
    o.attractiveness_weights[0] = o.attractiveness_weights[1] = 0;
    o.attractiveness_weights[2] = 0;
    o.top_items = 0;
    OK(mtl_strategy_compute(&r, m, &o));
    check_report(r, &o);
    mtl_strategy_destroy(r);
    mtl_market_unref(m);
}

static void test_errors(void **state)
{
    mtl_market *m = NULL;
    mtl_strategy *r = (mtl_strategy *)&r;
    mtl_strategy_segment s;
    mtl_strategy_look l;
    mtl_strategy_control_point p;
    (void)state;
    OK(mtl_market_create(&m, NULL));

    assert_int_equal(mtl_strategy_compute(NULL, m, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_strategy_compute(&r, NULL, NULL), MTL_E_INVALID_ARGUMENT);
    assert_null(r);

    /* an empty market: no segments */
    OK(mtl_strategy_compute(&r, m, NULL));
    assert_int_equal(mtl_strategy_segment_count(r), 0);
    s.struct_size = sizeof s;
    FAILS(mtl_strategy_segment_at(r, 0, &s), MTL_E_RANGE);
    mtl_strategy_destroy(r);

    build_example(m);
    OK(mtl_strategy_compute(&r, m, NULL));
    memset(&s, 0, sizeof s);
    memset(&l, 0, sizeof l);
    memset(&p, 0, sizeof p);
    FAILS_NAMING(mtl_strategy_segment_at(r, 0, &s), MTL_E_VERSION,
                 "mtl_strategy_segment");
    FAILS_NAMING(mtl_strategy_look_at(r, 1, 0, &l), MTL_E_VERSION, "mtl_strategy_look");
    FAILS_NAMING(mtl_strategy_control_point_at(r, 1, 0, &p), MTL_E_VERSION,
                 "mtl_strategy_control_point");
    s.struct_size = sizeof s - 1;
    l.struct_size = sizeof l - 1;
    p.struct_size = sizeof p - 1;
    FAILS(mtl_strategy_segment_at(r, 0, &s), MTL_E_VERSION);
    FAILS(mtl_strategy_look_at(r, 1, 0, &l), MTL_E_VERSION);
    FAILS(mtl_strategy_control_point_at(r, 1, 0, &p), MTL_E_VERSION);
    s.struct_size = sizeof s;
    l.struct_size = sizeof l;
    p.struct_size = sizeof p;
    FAILS(mtl_strategy_segment_at(NULL, 0, &s), MTL_E_INVALID_ARGUMENT);
    FAILS(mtl_strategy_segment_at(r, 0, NULL), MTL_E_INVALID_ARGUMENT);
    FAILS(mtl_strategy_look_at(NULL, 1, 0, &l), MTL_E_INVALID_ARGUMENT);
    FAILS(mtl_strategy_look_at(r, 1, 0, NULL), MTL_E_INVALID_ARGUMENT);
    FAILS(mtl_strategy_control_point_at(NULL, 1, 0, &p), MTL_E_INVALID_ARGUMENT);
    FAILS(mtl_strategy_control_point_at(r, 1, 0, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_strategy_segment_count(NULL), 0);
    FAILS(mtl_strategy_segment_at(r, 6, &s), MTL_E_RANGE);
    FAILS(mtl_strategy_look_at(r, 6, 0, &l), MTL_E_RANGE);
    FAILS(mtl_strategy_look_at(r, 1, 7, &l), MTL_E_RANGE);
    FAILS(mtl_strategy_look_at(r, 2, 0, &l), MTL_E_RANGE); /* water: none */
    FAILS(mtl_strategy_control_point_at(r, 6, 0, &p), MTL_E_RANGE);
    FAILS(mtl_strategy_control_point_at(r, 1, 4, &p), MTL_E_RANGE);
    OK(mtl_strategy_segment_at(r, 5, &s));
    OK(mtl_strategy_look_at(r, 1, 6, &l));
    OK(mtl_strategy_control_point_at(r, 1, 3, &p));
    {
        /* a newer caller's larger struct is accepted */
        struct { mtl_strategy_segment s; double more[4]; } big;
        memset(&big, 0, sizeof big);
        big.s.struct_size = sizeof big;
        OK(mtl_strategy_segment_at(r, 0, &big.s));
        assert_string_equal(big.s.id, "transport");
    }
    mtl_strategy_destroy(r);
    mtl_strategy_destroy(NULL);
    mtl_market_unref(m);
}

static void test_outlives_market(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_strategy *r = NULL;
    (void)state;
    build_example(m);
    OK(mtl_strategy_compute(&r, m, NULL));
    mtl_market_unref(m); /* the market is gone ... */
    assert_true(ta.live_blocks > 0);
    check_report(r, NULL); /* ... and the report reads the same */
    check_expect(r, relative, COUNT(relative));
    check_example_details(r);
    mtl_strategy_destroy(r);
    test_alloc_assert_clean(&ta);
}

/* mtl_strategy_compute (default options) under test_sweep_allocations;
 * ctx is the market. */
static mtl_status sweep_compute(void *ctx, void **made)
{
    mtl_strategy *r = *made;
    mtl_status st = mtl_strategy_compute(&r, ctx, NULL);
    *made = r;
    return st;
}

static void sweep_done(void *ctx, void *made)
{
    (void)ctx;
    check_report(made, NULL);
    assert_int_equal(mtl_strategy_segment_count(made), 18);
    mtl_strategy_destroy(made);
}

static void test_alloc_sweep(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    char text[600], id[16];
    int i, k;
    (void)state;
    build_example(m);
    /* enough long texts that the report's arena takes many blocks */
    memset(text, 'x', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    for (i = 0; i < 12; i++) {
        mtl_segment *s;
        snprintf(id, sizeof id, "zz%02d", i);
        s = segment(m, id);
        for (k = 0; k < 10; k++) {
            add_look(s, MTL_LOOK_TREND, k - 5, 0.5, 1 + 12 * k, text);
            add_point(s, 1 + k % 6, 0.1 * k, text);
            test_add_pain(NULL, s, "O", text, 3, 3, 0.5, 0.5, 0.5);
        }
    }
    test_sweep_allocations(&ta, 10, sweep_compute, sweep_done, m);
    test_market_free(m, &ta);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_worked_example),
        T(test_pain_index_matches_bon),
        T(test_gates_and_cuts),
        T(test_unknown_passes_gates),
        T(test_targets),
        T(test_target_feeds_tree),
        T(test_profit_from_forces),
        T(test_normalisation_edges),
        T(test_position_cases),
        T(test_total_order),
        T(test_random),
        T(test_options),
        T(test_errors),
        T(test_outlives_market),
        T(test_alloc_sweep),
    };
    return cmocka_run_group_tests_name("strategy", tests, NULL, NULL);
}
