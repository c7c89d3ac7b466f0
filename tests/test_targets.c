/*
 * test_targets.c: the target tree (targets.h, SPEC 3.2,
 * docs/methods/targets.md).
 *
 * The worked examples' numbers come from tests/tools/targets_example.py,
 * which computes them independently (exact fractions and integers in
 * Python); they are hard-coded here.
 *
 * Public functions exercised here (targets.h):
 *   [x] mtl_target_options_init            [x] mtl_target_inputs_init
 *   [x] mtl_target_reconcile_options_init  [x] mtl_target_evaluate_options_init
 *   [x] mtl_target_history_options_init    [x] mtl_target_tree_create
 *   [x] mtl_target_tree_destroy            [x] mtl_target_tree_add
 *   [x] mtl_target_tree_set_inputs         [x] mtl_target_tree_set_commitment
 *   [x] mtl_target_tree_reconcile          [x] mtl_target_tree_evaluate
 *   [x] mtl_target_tree_from_history       [x] mtl_target_tree_node_count
 *   [x] mtl_target_tree_minor_per_major    [x] mtl_target_tree_find
 *   [x] mtl_target_tree_node
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

/* A call that must succeed; on failure the library's message is shown. */
#define OK(expr)                                                              \
    do {                                                                      \
        mtl_status st_ = (expr);                                              \
        if (st_ != MTL_OK)                                                    \
            fail_msg("%s: %s: %s", #expr, mtl_status_string(st_),             \
                     mtl_last_error_message());                               \
    } while (0)

/* A call that must fail with status and a message naming field (NULL: any
 * message). */
static void check_fails(mtl_status got, mtl_status want, const char *field,
                        const char *expr)
{
    if (got != want)
        fail_msg("%s: %s, expected %s (%s)", expr, mtl_status_string(got),
                 mtl_status_string(want), mtl_last_error_message());
    if (field != NULL && strstr(mtl_last_error_message(), field) == NULL)
        fail_msg("%s: message '%s' does not name '%s'", expr,
                 mtl_last_error_message(), field);
}
#define FAILS(expr, status, field) check_fails((expr), (status), (field), #expr)

static int32_t day(int32_t y, int32_t m, int32_t d)
{
    int32_t out = 0;
    OK(mtl_date_from_ymd(&out, y, m, d));
    return out;
}

static mtl_target_tree *new_tree(const mtl_market *m, int32_t year, int32_t periods)
{
    mtl_target_options o;
    mtl_target_tree *t = NULL;
    OK(mtl_target_options_init(&o, sizeof o));
    o.year = year;
    o.periods = periods;
    OK(mtl_target_tree_create(&t, m, &o));
    return t;
}

static mtl_target_node node_at(const mtl_target_tree *t, size_t i)
{
    mtl_target_node n;
    memset(&n, 0, sizeof n);
    n.struct_size = sizeof n;
    OK(mtl_target_tree_node(t, i, &n));
    return n;
}

static size_t child(const mtl_target_tree *t, size_t parent, const char *name)
{
    size_t i = (size_t)-1;
    OK(mtl_target_tree_find(&i, t, parent, name));
    return i;
}

static mtl_target_inputs hq_inputs(int64_t base, double growth, double k)
{
    mtl_target_inputs in;
    OK(mtl_target_inputs_init(&in, sizeof in));
    in.formula = MTL_TARGET_FORMULA_HQ;
    in.base = base;
    in.growth = growth;
    in.k = k;
    return in;
}

static mtl_target_inputs region_inputs(int64_t base, double growth, int32_t years,
                                       double resource, double potential)
{
    mtl_target_inputs in;
    OK(mtl_target_inputs_init(&in, sizeof in));
    in.formula = MTL_TARGET_FORMULA_REGION;
    in.base = base;
    in.growth = growth;
    in.years = years;
    in.resource = resource;
    in.potential = potential;
    return in;
}

static mtl_target_inputs individual_inputs(int64_t base, double growth, double rank)
{
    mtl_target_inputs in;
    OK(mtl_target_inputs_init(&in, sizeof in));
    in.formula = MTL_TARGET_FORMULA_INDIVIDUAL;
    in.base = base;
    in.growth = growth;
    in.rank = rank;
    return in;
}

static mtl_target_inputs given(int64_t amount)
{
    mtl_target_inputs in;
    OK(mtl_target_inputs_init(&in, sizeof in));
    in.amount = amount;
    return in;
}

static void reconcile(mtl_target_tree *t, int32_t bottom_up, int32_t rescale)
{
    mtl_target_reconcile_options o;
    OK(mtl_target_reconcile_options_init(&o, sizeof o));
    o.bottom_up = bottom_up;
    o.rescale = rescale;
    OK(mtl_target_tree_reconcile(t, &o));
}

/* Every org node's quarters sum to its target and every quarter's months
 * to the quarter's; rescaled siblings sum to their parent. */
static void check_sums(const mtl_target_tree *t)
{
    size_t i, count = mtl_target_tree_node_count(t);
    for (i = 0; i < count; i++) {
        mtl_target_node n = node_at(t, i);
        int64_t qsum = 0, osum = 0, c;
        int32_t quarters = 0, orgs = 0, rescaled = 0;
        for (c = n.first_child; c >= 0;) {
            mtl_target_node ch = node_at(t, (size_t)c);
            assert_int_equal(ch.parent, (int64_t)i);
            assert_int_equal(ch.depth, n.depth + 1);
            if (ch.kind == MTL_TARGET_QUARTER || ch.kind == MTL_TARGET_MONTH) {
                qsum += ch.target;
                quarters++;
            } else {
                osum += ch.target;
                orgs++;
                rescaled += ch.rescale != MTL_TARGET_RESCALE_NONE;
            }
            c = ch.next_sibling;
        }
        if (quarters)
            assert_int_equal(qsum, n.target);
        if (orgs && rescaled == orgs)
            assert_int_equal(osum, n.target);
    }
}

/* ---- the worked example (docs/methods/targets.md, example 1) ------------ */

typedef struct example {
    mtl_target_tree *t;
    size_t east, west, ann, bob;
} example;

static void build_example(example *e, const mtl_market *m,
                          const mtl_target_options *options)
{
    mtl_target_inputs in;
    if (options)
        OK(mtl_target_tree_create(&e->t, m, options));
    else
        e->t = new_tree(m, 2025, 0);
    in = hq_inputs(987654321, 0.08, 1.3);
    OK(mtl_target_tree_set_inputs(e->t, MTL_TARGET_ROOT, &in));
    in = region_inputs(543210987, 0.12, 1, 1.05, 1.1);
    OK(mtl_target_tree_add(&e->east, e->t, MTL_TARGET_ROOT, "East", &in));
    in = region_inputs(444443334, 0.05, 1, 0.95, 0.9);
    OK(mtl_target_tree_add(&e->west, e->t, MTL_TARGET_ROOT, "West", &in));
    in = individual_inputs(321098765, 0.10, 1.2);
    OK(mtl_target_tree_add(&e->ann, e->t, e->east, "ann", &in));
    in = individual_inputs(222112222, 0.10, 0.7);
    OK(mtl_target_tree_add(&e->bob, e->t, e->east, "bob", &in));
    OK(mtl_target_tree_set_commitment(e->t, e->east, 800000000));
    OK(mtl_target_tree_set_commitment(e->t, e->ann, 500000000));
}

static void test_worked_example(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    example e;
    mtl_target_node n;
    static const int64_t quarters[4] = { 104321012, 139094682, 208642023, 243415694 };
    static const int64_t months[12] = {
        34773671, 34773671, 34773670, 46364894, 46364894, 46364894,
        69547341, 69547341, 69547341, 81138565, 81138565, 81138564,
    };
    int64_t c;
    int q = 0, mo = 0;
    (void)state;

    build_example(&e, m, NULL);
    reconcile(e.t, MTL_TARGET_BOTTOM_UP_COMMITMENTS, 0);

    /* the three formulas */
    n = node_at(e.t, MTL_TARGET_ROOT);
    assert_int_equal(n.formula, MTL_TARGET_FORMULA_HQ);
    assert_int_equal(n.target, 1090370370);
    assert_true(n.factor == 1.104);
    n = node_at(e.t, e.east);
    assert_int_equal(n.formula, MTL_TARGET_FORMULA_REGION);
    assert_int_equal(n.target, 702697733);
    assert_true(n.factor == 1.2936000000000003);
    n = node_at(e.t, e.west);
    assert_int_equal(n.target, 398999003);
    assert_true(n.factor == 0.8977499999999999);
    n = node_at(e.t, e.ann);
    assert_int_equal(n.formula, MTL_TARGET_FORMULA_INDIVIDUAL);
    assert_int_equal(n.target, 423850370);
    assert_true(n.factor == 1.32);
    n = node_at(e.t, e.bob);
    assert_int_equal(n.target, 171026411);
    assert_true(n.factor == 0.77);

    /* reconciliation without rescale: West and bob count at their targets */
    n = node_at(e.t, MTL_TARGET_ROOT);
    assert_int_equal(n.bottom_up, 1198999003);
    assert_int_equal(n.gap, 108628633);
    assert_true(n.gap_ratio == 0.09962544470095973);
    assert_int_equal(n.uncommitted, 1);
    n = node_at(e.t, e.east);
    assert_int_equal(n.commitment, 800000000);
    assert_int_equal(n.bottom_up, 671026411);
    assert_int_equal(n.gap, -31671322);
    assert_int_equal(n.uncommitted, 1);
    n = node_at(e.t, e.ann);
    assert_int_equal(n.bottom_up, 500000000);
    assert_int_equal(n.gap, 76149630);
    n = node_at(e.t, e.bob);
    assert_int_equal(n.bottom_up, MTL_TARGET_NONE);
    assert_int_equal(n.gap, MTL_TARGET_NONE);
    assert_true(isnan(n.gap_ratio));
    check_sums(e.t);

    /* with rescale */
    reconcile(e.t, MTL_TARGET_BOTTOM_UP_COMMITMENTS, 1);
    n = node_at(e.t, e.east);
    assert_int_equal(n.target, 695473411);
    assert_int_equal(n.formula_value, 702697733);
    assert_int_equal(n.rescale, MTL_TARGET_RESCALE_PROPORTIONAL);
    assert_true(n.scale == 0.9897191616985965);
    assert_int_equal(n.gap, 4474419);
    assert_int_equal(node_at(e.t, e.west).target, 394896959);
    assert_int_equal(node_at(e.t, e.ann).target, 495525581);
    assert_int_equal(node_at(e.t, e.bob).target, 199947830);
    n = node_at(e.t, MTL_TARGET_ROOT);
    assert_int_equal(n.target, 1090370370);
    assert_int_equal(n.rescale, MTL_TARGET_RESCALE_NONE);
    assert_int_equal(n.bottom_up, 1194896959);
    assert_int_equal(n.gap, 104526589);
    check_sums(e.t);

    /* East's quarters and months, 15/20/30/35 and even months */
    for (c = node_at(e.t, e.east).first_child; c >= 0; c = n.next_sibling) {
        int64_t mc;
        mtl_target_node mn;
        n = node_at(e.t, (size_t)c);
        if (n.kind != MTL_TARGET_QUARTER)
            break;
        assert_int_equal(n.target, quarters[q]);
        for (mc = n.first_child; mc >= 0; mc = mn.next_sibling) {
            mn = node_at(e.t, (size_t)mc);
            assert_int_equal(mn.kind, MTL_TARGET_MONTH);
            assert_int_equal(mn.target, months[mo]);
            mo++;
        }
        q++;
    }
    assert_int_equal(q, 4);
    assert_int_equal(mo, 12);

    mtl_target_tree_destroy(e.t);
    test_market_free(m, &ta);
}

static void test_custom_split(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_target_options o;
    example e;
    mtl_target_node n;
    size_t q4;
    static const int32_t qbp[4] = { 1000, 2000, 3000, 4000 };
    static const int32_t mbp[12] = { 3334, 3333, 3333, 5000, 2500, 2500,
                                     1, 1, 9998, 2000, 3000, 5000 };
    (void)state;

    OK(mtl_target_options_init(&o, sizeof o));
    o.year = 2025;
    memcpy(o.quarter_bp, qbp, sizeof qbp);
    memcpy(o.month_bp, mbp, sizeof mbp);
    build_example(&e, m, &o);
    reconcile(e.t, MTL_TARGET_BOTTOM_UP_COMMITMENTS, 1);
    assert_int_equal(node_at(e.t, child(e.t, e.east, "2025-Q1")).target, 69547341);
    assert_int_equal(node_at(e.t, child(e.t, e.east, "2025-Q2")).target, 139094682);
    assert_int_equal(node_at(e.t, child(e.t, e.east, "2025-Q3")).target, 208642023);
    q4 = child(e.t, e.east, "2025-Q4");
    assert_int_equal(node_at(e.t, q4).target, 278189365);
    assert_int_equal(node_at(e.t, child(e.t, q4, "2025-10")).target, 55637873);
    assert_int_equal(node_at(e.t, child(e.t, q4, "2025-11")).target, 83456810);
    n = node_at(e.t, child(e.t, q4, "2025-12"));
    assert_int_equal(n.target, 139094682);
    assert_int_equal(n.share_num, 5000);
    assert_int_equal(n.share_den, 10000);
    assert_int_equal(n.base, 278189365);
    check_sums(e.t);
    mtl_target_tree_destroy(e.t);

    /* quarters only, and no periods at all */
    o.periods = MTL_TARGET_PERIODS_QUARTERS;
    build_example(&e, m, &o);
    reconcile(e.t, MTL_TARGET_BOTTOM_UP_COMMITMENTS, 0);
    assert_int_equal(mtl_target_tree_node_count(e.t), 5 * 5);
    n = node_at(e.t, child(e.t, MTL_TARGET_ROOT, "2025-Q2"));
    assert_int_equal(n.first_child, -1);
    check_sums(e.t);
    mtl_target_tree_destroy(e.t);
    o.periods = MTL_TARGET_PERIODS_YEAR;
    build_example(&e, m, &o);
    reconcile(e.t, MTL_TARGET_BOTTOM_UP_COMMITMENTS, 0);
    assert_int_equal(mtl_target_tree_node_count(e.t), 5);
    mtl_target_tree_destroy(e.t);
    test_market_free(m, &ta);
}

/* ---- each formula on its own -------------------------------------------- */

static void test_formulas(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_target_tree *t = new_tree(m, 2025, MTL_TARGET_PERIODS_YEAR);
    mtl_target_inputs in;
    mtl_target_node n;
    size_t r, o;
    (void)state;

    /* HQ with the default k (1.3) and with k 1.5 */
    in = hq_inputs(1000000, 0.1, 0);
    OK(mtl_target_tree_set_inputs(t, MTL_TARGET_ROOT, &in));
    reconcile(t, 0, 0);
    n = node_at(t, MTL_TARGET_ROOT);
    assert_int_equal(n.target, 1130000);
    assert_true(n.k == 1.3);
    in.k = 1.5;
    OK(mtl_target_tree_set_inputs(t, MTL_TARGET_ROOT, &in));
    reconcile(t, 0, 0);
    assert_int_equal(node_at(t, MTL_TARGET_ROOT).target, 1150000);
    /* a shrinking industry: 1 - 0.2 × 1.3 */
    in = hq_inputs(1000000, -0.2, 0);
    OK(mtl_target_tree_set_inputs(t, MTL_TARGET_ROOT, &in));
    reconcile(t, 0, 0);
    assert_int_equal(node_at(t, MTL_TARGET_ROOT).target, 740000);

    /* region: 1,000,000 × 1.1^3 × 2 × 0.8 = 2,129,600; defaults 1 */
    in = region_inputs(1000000, 0.1, 3, 2.0, 0.8);
    OK(mtl_target_tree_add(&r, t, MTL_TARGET_ROOT, "R", &in));
    in = region_inputs(1000000, 0.1, 0, 0, 0);
    OK(mtl_target_tree_add(NULL, t, MTL_TARGET_ROOT, "S", &in));
    reconcile(t, 0, 0);
    n = node_at(t, r);
    assert_int_equal(n.target, 2129600);
    assert_int_equal(n.years, 3);
    assert_true(n.resource == 2.0 && n.potential == 0.8);
    n = node_at(t, child(t, MTL_TARGET_ROOT, "S"));
    assert_int_equal(n.target, 1100000);
    assert_int_equal(n.years, 1);
    assert_true(n.resource == 1.0 && n.potential == 1.0);

    /* individual: 200,000 × 1.25 × 0.8 = 200,000; default rank 1;
     * rounding half away from zero: 5 × 1.1 = 5.5 → 6 (in minor units) */
    in = individual_inputs(200000, 0.25, 0.8);
    OK(mtl_target_tree_add(&o, t, r, "ann", &in));
    in = individual_inputs(200000, 0.25, 0);
    OK(mtl_target_tree_add(NULL, t, r, "bob", &in));
    in = individual_inputs(5, 0.1, 0);
    OK(mtl_target_tree_add(NULL, t, r, "cat", &in));
    in = given(777);
    OK(mtl_target_tree_add(NULL, t, r, "dan", &in));
    reconcile(t, 0, 0);
    assert_int_equal(node_at(t, o).target, 200000);
    n = node_at(t, child(t, r, "bob"));
    assert_int_equal(n.target, 250000);
    assert_true(n.rank == 1.0);
    assert_int_equal(node_at(t, child(t, r, "cat")).target, 6);
    n = node_at(t, child(t, r, "dan"));
    assert_int_equal(n.formula, MTL_TARGET_FORMULA_GIVEN);
    assert_int_equal(n.target, 777);
    assert_true(isnan(n.factor));

    /* growth -1 is allowed (a region that vanishes) */
    in = region_inputs(1000000, -1.0, 1, 0, 0);
    OK(mtl_target_tree_set_inputs(t, r, &in));
    reconcile(t, 0, 0);
    assert_int_equal(node_at(t, r).target, 0);
    mtl_target_tree_destroy(t);
    test_market_free(m, &ta);
}

/* ---- range errors: never clamped ---------------------------------------- */

static void test_range_errors(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_target_tree *t = new_tree(m, 2025, 0), *t2 = (mtl_target_tree *)&ta;
    mtl_target_options o;
    mtl_target_inputs in;
    size_t r, count;
    (void)state;

    in = region_inputs(100, 0.1, 1, 1, 1);
    OK(mtl_target_tree_add(&r, t, MTL_TARGET_ROOT, "R", &in));
    count = mtl_target_tree_node_count(t);

    in = hq_inputs(1000, 0.1, 1.29);
    FAILS(mtl_target_tree_set_inputs(t, MTL_TARGET_ROOT, &in), MTL_E_RANGE, "k");
    in.k = 1.51;
    FAILS(mtl_target_tree_set_inputs(t, MTL_TARGET_ROOT, &in), MTL_E_RANGE, "k");
    in.k = 1.5;
    in.growth = -0.9; /* 1 - 0.9 × 1.5 < 0 */
    FAILS(mtl_target_tree_set_inputs(t, MTL_TARGET_ROOT, &in), MTL_E_RANGE, "growth");
    in = region_inputs(1000, 0.1, 1, 1, 0.79);
    FAILS(mtl_target_tree_set_inputs(t, r, &in), MTL_E_RANGE, "potential");
    in.potential = 1.21;
    FAILS(mtl_target_tree_set_inputs(t, r, &in), MTL_E_RANGE, "potential");
    in.potential = 1.2;
    in.resource = -0.5;
    FAILS(mtl_target_tree_set_inputs(t, r, &in), MTL_E_RANGE, "resource");
    in.resource = NAN;
    FAILS(mtl_target_tree_set_inputs(t, r, &in), MTL_E_RANGE, "resource");
    in.resource = 1;
    in.years = 101;
    FAILS(mtl_target_tree_set_inputs(t, r, &in), MTL_E_RANGE, "years");
    in.years = -1;
    FAILS(mtl_target_tree_set_inputs(t, r, &in), MTL_E_RANGE, "years");
    in = individual_inputs(1000, 0.1, 1.21);
    FAILS(mtl_target_tree_add(NULL, t, r, "x", &in), MTL_E_RANGE, "rank");
    in.rank = 0.69;
    FAILS(mtl_target_tree_add(NULL, t, r, "x", &in), MTL_E_RANGE, "rank");
    in.rank = 1;
    in.growth = -1.01;
    FAILS(mtl_target_tree_add(NULL, t, r, "x", &in), MTL_E_RANGE, "growth");
    in.growth = INFINITY;
    FAILS(mtl_target_tree_add(NULL, t, r, "x", &in), MTL_E_RANGE, "growth");
    in.growth = 0;
    in.base = -1;
    FAILS(mtl_target_tree_add(NULL, t, r, "x", &in), MTL_E_RANGE, "base");
    in = given(-5);
    FAILS(mtl_target_tree_add(NULL, t, r, "x", &in), MTL_E_RANGE, "amount");
    in.formula = MTL_TARGET_FORMULA_SPLIT;
    FAILS(mtl_target_tree_add(NULL, t, r, "x", &in), MTL_E_RANGE, "formula");
    in.formula = 99;
    FAILS(mtl_target_tree_add(NULL, t, r, "x", &in), MTL_E_RANGE, "formula");
    in = individual_inputs(INT64_MAX, 1.0, 1.2);
    FAILS(mtl_target_tree_add(NULL, t, r, "x", &in), MTL_E_RANGE, "INT64_MAX");
    FAILS(mtl_target_tree_set_commitment(t, r, -2), MTL_E_RANGE, "commitment");
    assert_int_equal(mtl_target_tree_node_count(t), count);

    /* the bounds themselves are accepted */
    in = hq_inputs(1000, 0.1, 1.3);
    OK(mtl_target_tree_set_inputs(t, MTL_TARGET_ROOT, &in));
    in.k = 1.5;
    OK(mtl_target_tree_set_inputs(t, MTL_TARGET_ROOT, &in));
    in = region_inputs(1000, 0.1, 100, 1, 0.8);
    OK(mtl_target_tree_set_inputs(t, r, &in));
    in.potential = 1.2;
    OK(mtl_target_tree_set_inputs(t, r, &in));
    in = individual_inputs(1000, 0.1, 0.7);
    OK(mtl_target_tree_add(NULL, t, r, "lo", &in));
    in.rank = 1.2;
    OK(mtl_target_tree_add(NULL, t, r, "hi", &in));
    reconcile(t, 0, 0);

    /* splits: 99% is an error, as are bad month triples and periods */
    OK(mtl_target_options_init(&o, sizeof o));
    o.year = 2025;
    o.quarter_bp[0] = 1500;
    o.quarter_bp[1] = 2000;
    o.quarter_bp[2] = 3000;
    o.quarter_bp[3] = 3400;
    FAILS(mtl_target_tree_create(&t2, m, &o), MTL_E_RANGE, "quarter_bp");
    assert_null(t2);
    o.quarter_bp[3] = 3500;
    o.quarter_bp[0] = -1;
    o.quarter_bp[1] = 3501;
    FAILS(mtl_target_tree_create(&t2, m, &o), MTL_E_RANGE, "quarter_bp[0]");
    o.quarter_bp[0] = 1500;
    o.quarter_bp[1] = 2000;
    o.month_bp[0] = 5000;
    o.month_bp[1] = 5000;
    FAILS(mtl_target_tree_create(&t2, m, &o), MTL_E_RANGE, "Q2");
    o.month_bp[2] = 1;
    FAILS(mtl_target_tree_create(&t2, m, &o), MTL_E_RANGE, "Q1");
    memset(o.month_bp, 0, sizeof o.month_bp);
    o.periods = 7;
    FAILS(mtl_target_tree_create(&t2, m, &o), MTL_E_RANGE, "periods");
    o.periods = 0;
    o.year = 0;
    FAILS(mtl_target_tree_create(&t2, m, &o), MTL_E_RANGE, "year");
    o.year = 9999;
    FAILS(mtl_target_tree_create(&t2, m, &o), MTL_E_RANGE, "year");
    o.year = 9998;
    OK(mtl_target_tree_create(&t2, m, &o));
    OK(mtl_target_tree_reconcile(t2, NULL));
    assert_int_equal(node_at(t2, child(t2, child(t2, 0, "9998-Q4"), "9998-12")).period_end,
                     day(9999, 1, 1));
    mtl_target_tree_destroy(t2);
    o.year = 1;
    OK(mtl_target_tree_create(&t2, m, &o));
    mtl_target_tree_destroy(t2);

    mtl_target_tree_destroy(t);
    test_market_free(m, &ta);
}

/* ---- rescale and split sum exactly (property) --------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint64_t rng(void)
{
    /* splitmix64: reproducible */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static void test_sums_exact(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    int round;
    (void)state;

    for (round = 0; round < 60; round++) {
        mtl_target_tree *t = new_tree(m, 2024, 0);
        mtl_target_inputs in;
        size_t regions = 1 + (size_t)(rng() % 7), i, j;
        /* company targets from tiny to near INT64_MAX / 2 */
        int64_t company = round % 3 == 0 ? (int64_t)(rng() % 100)
                          : round % 3 == 1 ? (int64_t)(rng() % 1000000000000)
                                           : (int64_t)(rng() >> 2);
        in = given(company);
        OK(mtl_target_tree_set_inputs(t, MTL_TARGET_ROOT, &in));
        for (i = 0; i < regions; i++) {
            char name[16];
            size_t r, owners = (size_t)(rng() % 5);
            snprintf(name, sizeof name, "R%zu", i);
            in = given(round % 5 == 4 ? 0 : (int64_t)(rng() >> (1 + rng() % 62)));
            OK(mtl_target_tree_add(&r, t, MTL_TARGET_ROOT, name, &in));
            for (j = 0; j < owners; j++) {
                snprintf(name, sizeof name, "o%zu", j);
                in = given((int64_t)(rng() % 1000003));
                OK(mtl_target_tree_add(NULL, t, r, name, &in));
            }
        }
        reconcile(t, MTL_TARGET_BOTTOM_UP_COMMITMENTS, 1);
        check_sums(t);
        /* no rescale: period sums still exact */
        reconcile(t, MTL_TARGET_BOTTOM_UP_COMMITMENTS, 0);
        check_sums(t);
        if (round % 5 == 4) {
            /* regions' formulas sum to 0: the even split */
            reconcile(t, MTL_TARGET_BOTTOM_UP_COMMITMENTS, 1);
            for (i = 1; i <= regions; i++) {
                char name[16];
                mtl_target_node n;
                snprintf(name, sizeof name, "R%zu", i - 1);
                n = node_at(t, child(t, MTL_TARGET_ROOT, name));
                assert_int_equal(n.rescale, MTL_TARGET_RESCALE_EVEN);
                assert_true(n.target == company / (int64_t)regions ||
                            n.target == company / (int64_t)regions + 1);
            }
        }
        mtl_target_tree_destroy(t);
    }
    test_market_free(m, &ta);
}

/* ---- derivation records and tree shape ---------------------------------- */

static void test_derivation(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 1000, NULL);
    example e;
    mtl_target_node n, q;
    size_t q3, month;
    (void)state;

    build_example(&e, m, NULL);
    assert_int_equal(mtl_target_tree_minor_per_major(e.t), 1000);
    /* company, 4 regions/owners, each with 4 quarters and 12 months */
    assert_int_equal(mtl_target_tree_node_count(e.t), 5 * 17);
    reconcile(e.t, MTL_TARGET_BOTTOM_UP_COMMITMENTS, 1);

    n = node_at(e.t, MTL_TARGET_ROOT);
    assert_string_equal(n.name, "company");
    assert_int_equal(n.kind, MTL_TARGET_COMPANY);
    assert_int_equal(n.depth, 0);
    assert_int_equal(n.parent, -1);
    assert_int_equal(n.period_start, day(2025, 1, 1));
    assert_int_equal(n.period_end, day(2026, 1, 1));
    assert_int_equal(n.base, 987654321);
    assert_true(n.growth == 0.08 && n.k == 1.3);
    assert_int_equal(n.formula_value, 1090370370);
    assert_true(n.scale == 1.0);

    n = node_at(e.t, e.east);
    assert_string_equal(n.name, "East");
    assert_int_equal(n.kind, MTL_TARGET_REGION);
    assert_int_equal(n.depth, 1);
    assert_int_equal(n.parent, MTL_TARGET_ROOT);
    assert_int_equal(n.base, 543210987);
    assert_true(n.growth == 0.12 && n.resource == 1.05 && n.potential == 1.1);
    assert_int_equal(n.years, 1);
    assert_true(n.k == 0 && n.rank == 0);
    /* children: the quarters first, then the owners in order */
    q = node_at(e.t, (size_t)n.first_child);
    assert_string_equal(q.name, "2025-Q1");
    assert_int_equal(q.kind, MTL_TARGET_QUARTER);
    assert_int_equal(q.quarter, 1);
    assert_int_equal(q.month, 0);
    assert_int_equal(q.formula, MTL_TARGET_FORMULA_SPLIT);
    assert_int_equal(q.base, 695473411);
    assert_int_equal(q.share_num, 1500);
    assert_int_equal(q.share_den, 10000);
    assert_true(q.factor == 0.15);
    assert_int_equal(q.period_start, day(2025, 1, 1));
    assert_int_equal(q.period_end, day(2025, 4, 1));
    assert_int_equal(q.bottom_up, MTL_TARGET_NONE);
    q3 = child(e.t, e.east, "2025-Q3");
    month = child(e.t, q3, "2025-08");
    q = node_at(e.t, month);
    assert_int_equal(q.kind, MTL_TARGET_MONTH);
    assert_int_equal(q.depth, 3);
    assert_int_equal(q.quarter, 3);
    assert_int_equal(q.month, 8);
    assert_int_equal(q.share_num, 1);
    assert_int_equal(q.share_den, 3);
    assert_int_equal(q.base, node_at(e.t, q3).target);
    assert_int_equal(q.period_start, day(2025, 8, 1));
    assert_int_equal(q.period_end, day(2025, 9, 1));
    assert_int_equal(q.next_sibling, (int64_t)child(e.t, q3, "2025-09"));
    assert_int_equal(node_at(e.t, child(e.t, q3, "2025-09")).next_sibling, -1);
    assert_int_equal(node_at(e.t, child(e.t, e.east, "2025-Q4")).next_sibling,
                     (int64_t)e.ann);
    assert_int_equal(node_at(e.t, e.ann).next_sibling, (int64_t)e.bob);
    n = node_at(e.t, e.bob);
    assert_string_equal(n.name, "bob");
    assert_int_equal(n.kind, MTL_TARGET_OWNER);
    assert_int_equal(n.depth, 2);
    assert_true(n.rank == 0.7 && n.growth == 0.10);
    assert_int_equal(n.formula_value, 171026411);
    assert_int_equal(n.target, 199947830);
    assert_true(fabs(n.scale - 695473411.0 / (423850370.0 + 171026411.0)) < 1e-15);
    /* not evaluated */
    assert_int_equal(n.evaluated, 0);
    assert_int_equal(n.actual, MTL_TARGET_NONE);
    assert_true(isnan(n.attainment) && isnan(n.expected) && isnan(n.p_hit));

    /* commitments can be cleared */
    OK(mtl_target_tree_set_commitment(e.t, e.ann, MTL_TARGET_NONE));
    reconcile(e.t, MTL_TARGET_BOTTOM_UP_COMMITMENTS, 1);
    n = node_at(e.t, e.east);
    assert_int_equal(n.bottom_up, 695473411);
    assert_int_equal(n.gap, 0);
    assert_int_equal(n.uncommitted, 2);
    mtl_target_tree_destroy(e.t);
    test_market_free(m, &ta);
}

/* ---- misuse: NULLs, versions, state, shape ------------------------------ */

static void test_misuse(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_target_tree *t = (mtl_target_tree *)&ta;
    mtl_target_options o;
    mtl_target_inputs in;
    mtl_target_reconcile_options ro;
    mtl_target_evaluate_options eo;
    mtl_target_history_options ho;
    mtl_target_node n;
    size_t r, own, idx = 42;
    char long_name[4100];
    (void)state;

    /* NULL handles and out-pointers */
    assert_int_equal(mtl_target_options_init(NULL, sizeof o), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_target_inputs_init(NULL, sizeof in), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_target_reconcile_options_init(NULL, sizeof ro),
                     MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_target_evaluate_options_init(NULL, sizeof eo),
                     MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_target_history_options_init(NULL, sizeof ho),
                     MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_target_options_init(&o, 4), MTL_E_VERSION);
    OK(mtl_target_options_init(&o, sizeof o));
    o.year = 2025;
    assert_int_equal(mtl_target_tree_create(NULL, m, &o), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_target_tree_create(&t, NULL, &o), MTL_E_INVALID_ARGUMENT);
    assert_null(t);
    assert_int_equal(mtl_target_tree_create(&t, m, NULL), MTL_E_INVALID_ARGUMENT);
    o.struct_size = 8;
    assert_int_equal(mtl_target_tree_create(&t, m, &o), MTL_E_VERSION);
    o.struct_size = sizeof o;
    mtl_target_tree_destroy(NULL);
    assert_int_equal(mtl_target_tree_add(NULL, NULL, 0, "x", NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_target_tree_set_inputs(NULL, 0, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_target_tree_set_commitment(NULL, 0, 0), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_target_tree_reconcile(NULL, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_target_tree_evaluate(NULL, m, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_target_tree_from_history(NULL, m, &o, NULL),
                     MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_target_tree_from_history(&t, NULL, &o, NULL),
                     MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_target_tree_node_count(NULL), 0);
    assert_int_equal(mtl_target_tree_minor_per_major(NULL), 0);
    assert_int_equal(mtl_target_tree_find(&idx, NULL, 0, "x"), MTL_E_INVALID_ARGUMENT);
    n.struct_size = sizeof n;
    assert_int_equal(mtl_target_tree_node(NULL, 0, &n), MTL_E_INVALID_ARGUMENT);

    OK(mtl_target_tree_create(&t, m, &o));
    assert_int_equal(mtl_target_tree_evaluate(t, NULL, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_target_tree_find(NULL, t, 0, "x"), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_target_tree_find(&idx, t, 0, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_target_tree_node(t, 0, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_target_tree_add(NULL, t, 0, NULL, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_target_tree_set_inputs(t, 0, NULL), MTL_E_INVALID_ARGUMENT);

    /* a fresh or changed tree is read only after reconcile */
    FAILS(mtl_target_tree_node(t, 0, &n), MTL_E_STATE, "reconcile");
    FAILS(mtl_target_tree_evaluate(t, m, NULL), MTL_E_STATE, "reconcile");
    OK(mtl_target_tree_reconcile(t, NULL));
    n = node_at(t, 0);
    assert_int_equal(n.target, 0);
    assert_int_equal(n.formula, MTL_TARGET_FORMULA_GIVEN);
    OK(mtl_target_tree_add(&r, t, MTL_TARGET_ROOT, "R", NULL));
    FAILS(mtl_target_tree_node(t, 0, &n), MTL_E_STATE, "reconcile");
    OK(mtl_target_tree_reconcile(t, NULL));
    OK(mtl_target_tree_set_commitment(t, r, 5));
    FAILS(mtl_target_tree_node(t, 0, &n), MTL_E_STATE, NULL);
    OK(mtl_target_tree_reconcile(t, NULL));

    /* shape rules */
    OK(mtl_target_tree_add(&own, t, r, "o", NULL));
    OK(mtl_target_tree_reconcile(t, NULL));
    assert_int_equal(node_at(t, own).kind, MTL_TARGET_OWNER);
    FAILS(mtl_target_tree_add(NULL, t, own, "x", NULL), MTL_E_INVALID_ARGUMENT, "region");
    FAILS(mtl_target_tree_add(NULL, t, 1, "x", NULL), MTL_E_INVALID_ARGUMENT, NULL);
    FAILS(mtl_target_tree_add(NULL, t, 100000, "x", NULL), MTL_E_NOT_FOUND, NULL);
    FAILS(mtl_target_tree_add(NULL, t, MTL_TARGET_ROOT, "R", NULL), MTL_E_DUPLICATE, "R");
    FAILS(mtl_target_tree_add(NULL, t, MTL_TARGET_ROOT, "2025-Q1", NULL),
          MTL_E_DUPLICATE, NULL);
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    FAILS(mtl_target_tree_add(NULL, t, MTL_TARGET_ROOT, long_name, NULL), MTL_E_LIMIT,
          NULL);
    OK(mtl_target_inputs_init(&in, sizeof in));
    in.struct_size = 4;
    FAILS(mtl_target_tree_add(NULL, t, MTL_TARGET_ROOT, "x", &in), MTL_E_VERSION, NULL);
    in.struct_size = sizeof in;
    FAILS(mtl_target_tree_set_inputs(t, 1, &in), MTL_E_INVALID_ARGUMENT, "period");
    FAILS(mtl_target_tree_set_inputs(t, 99999, &in), MTL_E_NOT_FOUND, NULL);
    FAILS(mtl_target_tree_set_commitment(t, 2, 5), MTL_E_INVALID_ARGUMENT, "period");
    FAILS(mtl_target_tree_find(&idx, t, 0, "nope"), MTL_E_NOT_FOUND, "nope");
    FAILS(mtl_target_tree_find(&idx, t, 99999, "R"), MTL_E_NOT_FOUND, NULL);
    assert_int_equal(idx, 42);
    OK(mtl_target_tree_reconcile(t, NULL));
    FAILS(mtl_target_tree_node(t, 99999, &n), MTL_E_NOT_FOUND, NULL);
    n.struct_size = 8;
    FAILS(mtl_target_tree_node(t, 0, &n), MTL_E_VERSION, NULL);

    /* option structs */
    OK(mtl_target_reconcile_options_init(&ro, sizeof ro));
    ro.bottom_up = 2;
    FAILS(mtl_target_tree_reconcile(t, &ro), MTL_E_RANGE, "bottom_up");
    ro.struct_size = 4;
    FAILS(mtl_target_tree_reconcile(t, &ro), MTL_E_VERSION, NULL);
    OK(mtl_target_tree_reconcile(t, NULL));
    OK(mtl_target_evaluate_options_init(&eo, sizeof eo));
    assert_int_equal(eo.as_of, MTL_DATE_NONE);
    eo.struct_size = 4;
    FAILS(mtl_target_tree_evaluate(t, m, &eo), MTL_E_VERSION, NULL);
    OK(mtl_target_history_options_init(&ho, sizeof ho));
    assert_true(ho.k == 1.3);
    ho.struct_size = 4;
    mtl_target_tree_destroy(t);
    FAILS(mtl_target_tree_from_history(&t, m, &o, &ho), MTL_E_VERSION, NULL);
    assert_null(t);

    /* the company name */
    o.company = "ACME 公司";
    OK(mtl_target_tree_create(&t, m, &o));
    OK(mtl_target_tree_reconcile(t, NULL));
    assert_string_equal(node_at(t, 0).name, "ACME 公司");
    mtl_target_tree_destroy(t);
    o.company = long_name;
    FAILS(mtl_target_tree_create(&t, m, &o), MTL_E_LIMIT, "company");
    test_market_free(m, &ta);
}

/* ---- evaluation against a small market ---------------------------------- */

static void add_lead(mtl_market *m, const char *id, const char *region,
                     const char *owner, int32_t outcome, int64_t amount,
                     int32_t closed, int32_t expected_close)
{
    mtl_lead *l = NULL;
    OK(mtl_lead_add(&l, m, id, NULL));
    OK(mtl_lead_set_region(l, region));
    OK(mtl_lead_set_owner(l, owner));
    OK(mtl_lead_set_amount(l, amount));
    if (outcome == MTL_OUTCOME_WON)
        OK(mtl_lead_set_stage_outcome(l, 7, MTL_OUTCOME_WON));
    else if (outcome == MTL_OUTCOME_LOST)
        OK(mtl_lead_set_stage_outcome(l, 3, MTL_OUTCOME_LOST));
    else
        OK(mtl_lead_set_stage(l, 4)); /* P4: 50% */
    OK(mtl_lead_set_closed(l, closed));
    OK(mtl_lead_set_expected_close(l, expected_close));
}

static void small_market(mtl_market *m)
{
    add_lead(m, "L1", "North", "ann", MTL_OUTCOME_WON, 100000, day(2025, 2, 10),
             MTL_DATE_NONE);
    add_lead(m, "L2", "North", "ann", MTL_OUTCOME_WON, 50000, day(2025, 5, 5),
             MTL_DATE_NONE);
    add_lead(m, "L3", "North", "bob", MTL_OUTCOME_WON, 80000, day(2025, 11, 20),
             MTL_DATE_NONE);
    add_lead(m, "L4", "South", "dan", MTL_OUTCOME_WON, 30000, day(2025, 3, 31),
             MTL_DATE_NONE);
    add_lead(m, "L5", "North", "bob", MTL_OUTCOME_WON, 999999, day(2024, 6, 1),
             MTL_DATE_NONE);
    add_lead(m, "L6", "South", "dan", MTL_OUTCOME_OPEN, 40000, MTL_DATE_NONE,
             day(2025, 12, 15));
    add_lead(m, "L7", "North", "ann", MTL_OUTCOME_LOST, 70000, day(2025, 4, 1),
             MTL_DATE_NONE);
}

static void assert_close(double got, double want)
{
    if (!(fabs(got - want) <= 1e-9 * (1.0 + fabs(want))))
        fail_msg("%.17g, expected %.17g", got, want);
}

static void test_evaluate(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_target_tree *t;
    mtl_target_inputs in;
    mtl_target_evaluate_options eo;
    mtl_target_node n;
    size_t north, south, ann, bob, dan, q;
    (void)state;

    small_market(m);
    t = new_tree(m, 2025, 0);
    in = given(400000);
    OK(mtl_target_tree_set_inputs(t, MTL_TARGET_ROOT, &in));
    in = given(250000);
    OK(mtl_target_tree_add(&north, t, MTL_TARGET_ROOT, "North", &in));
    in = given(60000);
    OK(mtl_target_tree_add(&south, t, MTL_TARGET_ROOT, "South", &in));
    in = given(150000);
    OK(mtl_target_tree_add(&ann, t, north, "ann", &in));
    in = given(100000);
    OK(mtl_target_tree_add(&bob, t, north, "bob", &in));
    in = given(60000);
    OK(mtl_target_tree_add(&dan, t, south, "dan", &in));
    reconcile(t, MTL_TARGET_BOTTOM_UP_FORECASTS, 0);
    /* forecasts not made yet: no bottom-up */
    n = node_at(t, MTL_TARGET_ROOT);
    assert_int_equal(n.bottom_up, MTL_TARGET_NONE);
    assert_int_equal(n.gap, MTL_TARGET_NONE);
    assert_int_equal(n.uncommitted, 0);
    assert_int_equal(node_at(t, ann).bottom_up, MTL_TARGET_NONE);

    OK(mtl_target_evaluate_options_init(&eo, sizeof eo));
    OK(mtl_target_tree_evaluate(t, m, &eo));

    n = node_at(t, MTL_TARGET_ROOT);
    assert_int_equal(n.evaluated, 1);
    assert_int_equal(n.actual, 260000);
    assert_close(n.attainment, 0.65);
    assert_close(n.expected, 280000.0);
    assert_close(n.p_hit, 0.0);
    n = node_at(t, north);
    assert_int_equal(n.actual, 230000);
    assert_close(n.attainment, 0.92);
    n = node_at(t, south);
    assert_int_equal(n.actual, 30000);
    assert_close(n.expected, 50000.0);
    assert_close(n.p_hit, 0.5);
    n = node_at(t, ann);
    assert_int_equal(n.actual, 150000);
    assert_close(n.attainment, 1.0);
    assert_close(n.p_hit, 1.0);
    n = node_at(t, bob);
    assert_int_equal(n.actual, 80000);
    assert_close(n.p_hit, 0.0);
    n = node_at(t, dan);
    assert_int_equal(n.actual, 30000);
    assert_close(n.attainment, 0.5);
    assert_close(n.expected, 50000.0);
    assert_close(n.p_hit, 0.5);
    /* periods: dan's Q1 (15% of 60,000) holds the March win */
    q = child(t, dan, "2025-Q1");
    n = node_at(t, q);
    assert_int_equal(n.target, 9000);
    assert_int_equal(n.actual, 30000);
    assert_close(n.attainment, 30000.0 / 9000.0);
    assert_int_equal(node_at(t, child(t, q, "2025-03")).actual, 30000);
    assert_int_equal(node_at(t, child(t, q, "2025-02")).actual, 0);
    q = child(t, dan, "2025-Q4");
    n = node_at(t, q);
    assert_int_equal(n.target, 21000);
    assert_int_equal(n.actual, 0);
    assert_close(n.expected, 20000.0);
    assert_close(n.p_hit, 0.5);
    n = node_at(t, child(t, q, "2025-12"));
    assert_int_equal(n.target, 7000);
    assert_close(n.p_hit, 0.5);
    n = node_at(t, child(t, q, "2025-11"));
    assert_close(n.expected, 0.0);
    assert_close(n.p_hit, 0.0);
    /* ann's February and North's May */
    assert_int_equal(node_at(t, child(t, child(t, ann, "2025-Q1"), "2025-02")).actual,
                     100000);
    assert_int_equal(node_at(t, child(t, child(t, north, "2025-Q2"), "2025-05")).actual,
                     50000);

    /* bottom-up from the forecasts: Σ children's expected */
    n = node_at(t, north);
    assert_int_equal(n.bottom_up, 230000);
    assert_int_equal(n.gap, -20000);
    assert_int_equal(n.uncommitted, 0);
    n = node_at(t, MTL_TARGET_ROOT);
    assert_int_equal(n.bottom_up, 280000);
    assert_int_equal(n.gap, -120000);
    assert_int_equal(node_at(t, dan).bottom_up, 50000);

    /* a reconcile that moves no target keeps the evaluation ... */
    reconcile(t, MTL_TARGET_BOTTOM_UP_COMMITMENTS, 0);
    assert_int_equal(node_at(t, dan).evaluated, 1);
    assert_int_equal(node_at(t, MTL_TARGET_ROOT).bottom_up, 310000);
    /* ... one that moves targets drops it (North 250,000 + South 60,000
     * rescaled to 400,000) */
    reconcile(t, MTL_TARGET_BOTTOM_UP_FORECASTS, 1);
    n = node_at(t, north);
    assert_int_equal(n.evaluated, 0);
    assert_int_equal(n.bottom_up, MTL_TARGET_NONE);
    assert_true(isnan(n.p_hit));
    /* a change drops it too */
    OK(mtl_target_tree_evaluate(t, m, NULL));
    assert_int_equal(node_at(t, north).evaluated, 1);
    assert_int_equal(node_at(t, north).target, 322581);
    OK(mtl_target_tree_add(NULL, t, MTL_TARGET_ROOT, "West", NULL));
    reconcile(t, MTL_TARGET_BOTTOM_UP_COMMITMENTS, 0);
    assert_int_equal(node_at(t, north).evaluated, 0);

    /* an as-of date before the wins: actual is still the period's wins (the
     * forecast counts every win closed in the period) */
    eo.as_of = day(2025, 1, 15);
    OK(mtl_target_tree_evaluate(t, m, &eo));
    assert_int_equal(node_at(t, dan).actual, 30000);
    /* West has no leads: actual 0, attainment NaN (target 0) */
    n = node_at(t, child(t, MTL_TARGET_ROOT, "West"));
    assert_int_equal(n.evaluated, 1);
    assert_int_equal(n.actual, 0);
    assert_true(isnan(n.attainment));
    assert_true(isnan(n.p_hit));
    mtl_target_tree_destroy(t);
    test_market_free(m, &ta);
}

/* Empty region and owner names: the parent's scope when alone, else
 * unevaluated. */
static void test_evaluate_empty_names(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_target_tree *t;
    mtl_target_inputs in;
    mtl_target_node n;
    size_t none, north, owner;
    (void)state;

    add_lead(m, "A", "", "", MTL_OUTCOME_WON, 1000, day(2025, 6, 1), MTL_DATE_NONE);
    add_lead(m, "B", "", "", MTL_OUTCOME_WON, 500, day(2025, 7, 1), MTL_DATE_NONE);
    t = new_tree(m, 2025, MTL_TARGET_PERIODS_QUARTERS);
    in = given(3000);
    OK(mtl_target_tree_add(&none, t, MTL_TARGET_ROOT, "", &in));
    OK(mtl_target_tree_add(&owner, t, none, "", &in));
    reconcile(t, 0, 0);
    OK(mtl_target_tree_evaluate(t, m, NULL));
    n = node_at(t, owner);
    assert_int_equal(n.evaluated, 1);
    assert_int_equal(n.actual, 1500);
    assert_close(n.attainment, 0.5);
    assert_int_equal(node_at(t, child(t, owner, "2025-Q3")).actual, 500);

    OK(mtl_target_tree_add(&north, t, MTL_TARGET_ROOT, "North", &in));
    reconcile(t, 0, 0);
    OK(mtl_target_tree_evaluate(t, m, NULL));
    assert_int_equal(node_at(t, none).evaluated, 0);
    assert_int_equal(node_at(t, owner).evaluated, 0);
    n = node_at(t, child(t, owner, "2025-Q3"));
    assert_int_equal(n.evaluated, 0);
    assert_int_equal(n.actual, MTL_TARGET_NONE);
    assert_int_equal(node_at(t, north).evaluated, 1);
    assert_int_equal(node_at(t, north).actual, 0);
    assert_int_equal(node_at(t, MTL_TARGET_ROOT).actual, 1500);
    mtl_target_tree_destroy(t);
    test_market_free(m, &ta);
}

/* ---- the tree from history (docs example 2) ----------------------------- */

static void history_market(mtl_market *m)
{
    add_lead(m, "h1", "North", "ann", MTL_OUTCOME_WON, 300000, day(2024, 3, 1), MTL_DATE_NONE);
    add_lead(m, "h2", "North", "ann", MTL_OUTCOME_WON, 250000, day(2023, 3, 1), MTL_DATE_NONE);
    add_lead(m, "h3", "North", "bob", MTL_OUTCOME_WON, 200000, day(2024, 12, 31), MTL_DATE_NONE);
    add_lead(m, "h4", "North", "bob", MTL_OUTCOME_WON, 150000, day(2023, 1, 1), MTL_DATE_NONE);
    add_lead(m, "h5", "North", "cat", MTL_OUTCOME_WON, 100000, day(2024, 1, 1), MTL_DATE_NONE);
    add_lead(m, "h6", "South", "dan", MTL_OUTCOME_WON, 150000, day(2024, 7, 1), MTL_DATE_NONE);
    add_lead(m, "h7", "South", "dan", MTL_OUTCOME_WON, 200000, day(2023, 7, 1), MTL_DATE_NONE);
    add_lead(m, "h8", "North", "ann", MTL_OUTCOME_WON, 120000, day(2025, 5, 1), MTL_DATE_NONE);
    /* not active: a loss in 2022 of an owner who left; not counted */
    add_lead(m, "h9", "West", "eve", MTL_OUTCOME_LOST, 5000, day(2022, 5, 1), MTL_DATE_NONE);
    add_lead(m, "h10", "North", "old", MTL_OUTCOME_WON, 7000, day(2021, 5, 1), MTL_DATE_NONE);
}

static void test_from_history(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_target_tree *t = NULL;
    mtl_target_options o;
    mtl_target_history_options ho;
    mtl_target_node n;
    size_t north, south;
    const char *names[2] = { "South", "North" };
    const double growth[2] = { 0.1, NAN };
    const double resource[2] = { 2.0, 0 };
    const double potential[2] = { 1.2, 0.8 };
    (void)state;

    history_market(m);
    OK(mtl_target_options_init(&o, sizeof o));
    o.year = 2025;
    OK(mtl_target_history_options_init(&ho, sizeof ho));
    ho.growth = 0.05;
    OK(mtl_target_tree_from_history(&t, m, &o, &ho));
    n = node_at(t, MTL_TARGET_ROOT);
    assert_int_equal(n.base, 750000);
    assert_int_equal(n.target, 798750);
    /* regions by base: North first; West (nothing active) left out */
    n = node_at(t, (size_t)node_at(t, MTL_TARGET_ROOT).first_child);
    assert_int_equal(n.kind, MTL_TARGET_QUARTER);
    north = child(t, MTL_TARGET_ROOT, "North");
    south = child(t, MTL_TARGET_ROOT, "South");
    assert_true(north < south);
    assert_int_equal(mtl_target_tree_find(&south, t, 0, "West"), MTL_E_NOT_FOUND);
    south = child(t, MTL_TARGET_ROOT, "South");
    n = node_at(t, north);
    assert_int_equal(n.base, 600000);
    assert_true(n.growth == 0.5);
    assert_int_equal(n.target, 900000);
    n = node_at(t, south);
    assert_int_equal(n.base, 150000);
    assert_true(n.growth == -0.25);
    assert_int_equal(n.target, 112500);
    /* owners: rank 1.2, 0.95, 0.7 by base; growth = the region's factor - 1 */
    n = node_at(t, child(t, north, "ann"));
    assert_true(n.rank == 1.2);
    assert_true(n.growth == 0.5);
    assert_int_equal(n.target, 540000);
    assert_int_equal(n.next_sibling, (int64_t)child(t, north, "bob"));
    n = node_at(t, child(t, north, "bob"));
    assert_true(n.rank == 0.95);
    assert_int_equal(n.target, 285000);
    n = node_at(t, child(t, north, "cat"));
    assert_true(n.rank == 0.7);
    assert_int_equal(n.target, 105000);
    assert_int_equal(n.next_sibling, -1); /* "old" is not active */
    n = node_at(t, child(t, south, "dan"));
    assert_true(n.rank == 1.0);
    assert_int_equal(n.target, 112500);
    /* reconciled with the defaults, no commitments: the bottom-up figures
     * roll the owners' targets up (540,000 + 285,000 + 105,000 + 112,500) */
    assert_int_equal(node_at(t, north).bottom_up, 930000);
    n = node_at(t, MTL_TARGET_ROOT);
    assert_int_equal(n.bottom_up, 1042500);
    assert_int_equal(n.gap, 1042500 - 798750);
    assert_int_equal(n.uncommitted, 0);
    mtl_target_tree_destroy(t);

    /* overrides */
    ho.region_count = 2;
    ho.regions = names;
    ho.region_growth = growth;
    ho.region_resource = resource;
    ho.region_potential = potential;
    OK(mtl_target_tree_from_history(&t, m, &o, &ho));
    n = node_at(t, child(t, MTL_TARGET_ROOT, "South"));
    assert_true(n.growth == 0.1 && n.resource == 2.0 && n.potential == 1.2);
    assert_int_equal(n.target, 396000); /* 150,000 × 1.1 × 2 × 1.2 */
    n = node_at(t, child(t, MTL_TARGET_ROOT, "North"));
    assert_true(n.growth == 0.5 && n.resource == 1.0 && n.potential == 0.8);
    assert_int_equal(n.target, 720000);
    n = node_at(t, child(t, child(t, MTL_TARGET_ROOT, "South"), "dan"));
    assert_true(fabs(n.growth - (1.1 * 2.0 * 1.2 - 1.0)) < 1e-15);
    mtl_target_tree_destroy(t);

    /* override errors */
    names[1] = "West"; /* no active leads */
    FAILS(mtl_target_tree_from_history(&t, m, &o, &ho), MTL_E_NOT_FOUND, "West");
    assert_null(t);
    names[1] = "South";
    FAILS(mtl_target_tree_from_history(&t, m, &o, &ho), MTL_E_DUPLICATE, "South");
    names[1] = NULL;
    FAILS(mtl_target_tree_from_history(&t, m, &o, &ho), MTL_E_INVALID_ARGUMENT, NULL);
    names[1] = "North";
    ho.regions = NULL;
    FAILS(mtl_target_tree_from_history(&t, m, &o, &ho), MTL_E_INVALID_ARGUMENT, NULL);
    ho.regions = names;
    ho.k = 1.6;
    FAILS(mtl_target_tree_from_history(&t, m, &o, &ho), MTL_E_RANGE, "k");
    ho.k = 0;
    o.year = 0;
    FAILS(mtl_target_tree_from_history(&t, m, &o, &ho), MTL_E_RANGE, "year");
    FAILS(mtl_target_tree_from_history(&t, m, NULL, &ho), MTL_E_INVALID_ARGUMENT, NULL);

    /* year 2 and 1: windows before the calendar are empty */
    o.year = 1;
    OK(mtl_target_tree_from_history(&t, m, &o, NULL));
    assert_int_equal(node_at(t, 0).base, 0);
    mtl_target_tree_destroy(t);
    test_market_free(m, &ta);
}

/* Owners tied on last year's wins share the better rank coefficient; leads
 * without a region or owner form the region and owner "". */
static void test_history_ties(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_target_tree *t = NULL;
    mtl_target_options o;
    mtl_target_node n;
    size_t east, none;
    (void)state;

    add_lead(m, "a", "East", "x", MTL_OUTCOME_WON, 100, day(2024, 5, 1), MTL_DATE_NONE);
    add_lead(m, "b", "East", "y", MTL_OUTCOME_WON, 100, day(2024, 6, 1), MTL_DATE_NONE);
    add_lead(m, "c", "East", "z", MTL_OUTCOME_WON, 50, day(2024, 7, 1), MTL_DATE_NONE);
    add_lead(m, "d", "East", "w", MTL_OUTCOME_WON, 50, day(2024, 8, 1), MTL_DATE_NONE);
    add_lead(m, "e", "East", "v", MTL_OUTCOME_WON, 10, day(2024, 8, 1), MTL_DATE_NONE);
    add_lead(m, "f", "", "", MTL_OUTCOME_WON, 1000, day(2024, 8, 1), MTL_DATE_NONE);
    OK(mtl_target_options_init(&o, sizeof o));
    o.year = 2025;
    OK(mtl_target_tree_from_history(&t, m, &o, NULL));
    none = child(t, MTL_TARGET_ROOT, "");
    east = child(t, MTL_TARGET_ROOT, "East");
    assert_true(none < east); /* base 1,000 before 310 */
    assert_true(node_at(t, child(t, east, "x")).rank == 1.2);
    assert_true(node_at(t, child(t, east, "y")).rank == 1.2);
    /* z and w: two owners above, 1.2 - 0.5 × 2 / 4 */
    assert_true(node_at(t, child(t, east, "z")).rank == 0.95);
    assert_true(node_at(t, child(t, east, "w")).rank == 0.95);
    assert_true(node_at(t, child(t, east, "v")).rank == 0.7);
    /* ordered by base, then name */
    n = node_at(t, child(t, east, "w"));
    assert_int_equal(n.next_sibling, (int64_t)child(t, east, "z"));
    n = node_at(t, child(t, none, ""));
    assert_int_equal(n.base, 1000);
    assert_true(n.rank == 1.0);
    mtl_target_tree_destroy(t);
    test_market_free(m, &ta);
}

/* ---- failing allocator: every allocation site --------------------------- */

static mtl_status build_all(mtl_market *m, mtl_target_tree **out)
{
    mtl_target_options o;
    mtl_target_tree *t = NULL;
    mtl_target_inputs in;
    mtl_target_reconcile_options ro;
    mtl_status st;
    size_t r, count;

    *out = NULL;
    mtl_target_options_init(&o, sizeof o);
    o.year = 2025;
    st = mtl_target_tree_from_history(&t, m, &o, NULL);
    if (st)
        return st;
    mtl_target_tree_destroy(t);
    t = NULL;
    st = mtl_target_tree_create(&t, m, &o);
    if (st)
        return st;
    *out = t;
    in = hq_inputs(1000000, 0.1, 1.4);
    st = mtl_target_tree_set_inputs(t, 0, &in);
    if (st)
        return st;
    in = region_inputs(400000, 0.1, 2, 1.1, 1.0);
    count = mtl_target_tree_node_count(t);
    st = mtl_target_tree_add(&r, t, 0, "North", &in);
    if (st) {
        /* a failed add leaves the tree as it was */
        assert_int_equal(mtl_target_tree_node_count(t), count);
        return st;
    }
    in = region_inputs(300000, 0.1, 2, 1.1, 1.0);
    st = mtl_target_tree_add(NULL, t, 0, "South", &in);
    if (st)
        return st;
    in = individual_inputs(200000, 0.1, 1.1);
    st = mtl_target_tree_add(NULL, t, r, "ann", &in);
    if (st)
        return st;
    st = mtl_target_tree_add(NULL, t, r, "bob", &in);
    if (st)
        return st;
    mtl_target_reconcile_options_init(&ro, sizeof ro);
    ro.rescale = 1;
    ro.bottom_up = MTL_TARGET_BOTTOM_UP_FORECASTS;
    st = mtl_target_tree_reconcile(t, &ro);
    if (st)
        return st;
    st = mtl_target_tree_evaluate(t, m, NULL);
    if (st)
        return st;
    /* reconcile again with an evaluation to keep */
    return mtl_target_tree_reconcile(t, &ro);
}

static void test_alloc_failures(void **state)
{
    int sticky;
    (void)state;
    for (sticky = 0; sticky < 2; sticky++) {
        uint64_t n;
        for (n = 1;; n++) {
            test_alloc ta;
            mtl_market *m = test_market_new(&ta, 0, NULL);
            mtl_target_tree *t = NULL;
            mtl_status st;
            history_market(m);
            test_alloc_fail_nth(&ta, n, sticky);
            st = build_all(m, &t);
            test_alloc_disarm(&ta);
            if (st != MTL_OK && st != MTL_E_NO_MEMORY)
                fail_msg("n = %llu: %s (%s)", (unsigned long long)n,
                         mtl_status_string(st), mtl_last_error_message());
            if (t != NULL) {
                /* still usable */
                if (st == MTL_OK || mtl_target_tree_reconcile(t, NULL) == MTL_OK)
                    assert_true(mtl_target_tree_node_count(t) > 0);
                mtl_target_tree_destroy(t);
            }
            test_market_free(m, &ta);
            if (st == MTL_OK)
                break;
            assert_true(n < 100000);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_worked_example),
        T(test_custom_split),
        T(test_formulas),
        T(test_range_errors),
        T(test_sums_exact),
        T(test_derivation),
        T(test_misuse),
        T(test_evaluate),
        T(test_evaluate_empty_names),
        T(test_from_history),
        T(test_history_ties),
        T(test_alloc_failures),
    };
    return cmocka_run_group_tests_name("targets", tests, NULL, NULL);
}
