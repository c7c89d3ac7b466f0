/*
 * test_bon.c: BON pain scoring (pain.h, SPEC 5, docs/methods/bon.md).
 *
 *   - the worked example of docs/methods/bon.md: every pain's score and
 *     addressable pain, the ranks and their tie-breaks, the layer
 *     breakdown (built-in layers first, a host's layer after), the index of
 *     two segments and a customer; numbers from
 *     tests/tools/strategy_example.py (computed there independently,
 *     hard-coded here);
 *   - every score's terms sum, left to right, to its value bit for bit, and
 *     each contribution is weight x value;
 *   - random pains: index in [0, 100], the layers' points and pains add up,
 *     the ranking is the documented order;
 *   - include_empty, group order (segments, then customers), a report that
 *     outlives its market, argument and version errors, a failing
 *     allocator at every allocation of mtl_bon_compute.
 *
 * Public functions exercised here (pain.h, BON report):
 *   [x] mtl_bon_options_init   [x] mtl_bon_compute   [x] mtl_bon_destroy
 *   [x] mtl_bon_group_count    [x] mtl_bon_group_at  [x] mtl_bon_layer_at
 *   [x] mtl_bon_pain_at
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

/* ---- the worked example (docs/methods/bon.md) ------------------------- */

typedef struct pain_in {
    const char *layer, *text;
    double severity, urgency, breadth, budget, fit;
    int32_t role;
} pain_in;

static const pain_in energy_pains[] = {
    {"B", "Losing share to integrated suppliers", 4, 3, 0.6, 0.5, 0.8, MTL_ROLE_DECIDER},
    {"O", "Unplanned downtime at substations", 5, 5, 0.4, 1.0, 0.9, MTL_ROLE_USER},
    {"N", "Legacy SCADA cannot scale", 3, 2, 0.8, 0.25, 1.0, MTL_ROLE_INFLUENCER},
    {"O", "Manual compliance reporting", 2, 4, 0.5, 0.0, 0.5, MTL_ROLE_NONE},
    {"ESG", "Carbon reporting pressure", 3, 3, 1.0, 0.5, 0.6, MTL_ROLE_APPROVER},
};
static const pain_in water_pains[] = {
    {"N", "Leak detection blind spots", 4, 4, 0.5, 0.5, 1.0, MTL_ROLE_USER},
    {"O", "Meter reading cost", 3, 3, 1.0, 0.0, 0.5, MTL_ROLE_BUYER},
};
static const pain_in grid_north_pains[] = {
    {"B", "Budget freeze on new projects", 2, 2, 1.0, 0.0, 1.0, MTL_ROLE_DECIDER},
    {"N", "Network capacity at peak", 4, 2, 0.5, 1.0, 0.5, MTL_ROLE_USER},
    {"O", "Slow approvals", 2, 2, 1.0, 0.0, 1.0, MTL_ROLE_APPROVER},
};

static void fill_pain(mtl_pain *p, const pain_in *in)
{
    OK(mtl_pain_init(p, sizeof *p));
    p->layer = in->layer;
    p->text = in->text;
    p->severity = in->severity;
    p->urgency = in->urgency;
    p->breadth = in->breadth;
    p->budget = in->budget;
    p->fit = in->fit;
    p->role = in->role;
}

/* The pains in[0 .. n) on customer c, or on segment s when c is NULL. */
static void add_pains(mtl_customer *c, mtl_segment *s, const pain_in *in, size_t n)
{
    mtl_pain p;
    size_t i;
    for (i = 0; i < n; i++) {
        fill_pain(&p, &in[i]);
        if (c)
            OK(mtl_customer_add_pain(c, &p));
        else
            OK(mtl_segment_add_pain(s, &p));
    }
}

/* Segments energy, transport (no pains), water; customers grid-north
 * (energy, three pains), quiet (energy, none). */
static void build_example(mtl_market *m)
{
    mtl_segment *energy, *transport, *water;
    mtl_customer *c;
    OK(mtl_segment_add(&energy, m, "energy"));
    OK(mtl_segment_set_name(energy, "Energy utilities"));
    OK(mtl_segment_add(&transport, m, "transport"));
    OK(mtl_segment_add(&water, m, "water"));
    add_pains(NULL, energy, energy_pains, COUNT(energy_pains));
    add_pains(NULL, water, water_pains, COUNT(water_pains));
    OK(mtl_customer_add(&c, m, "grid-north", energy));
    OK(mtl_customer_set_name(c, "Grid North AG"));
    add_pains(c, NULL, grid_north_pains, COUNT(grid_north_pains));
    OK(mtl_customer_add(&c, m, "quiet", energy));
}

TEST_GETTER(group_at, mtl_bon_group, (const mtl_bon *b, size_t g),
            mtl_bon_group_at(b, g, &out))
TEST_GETTER(pain_at, mtl_bon_pain, (const mtl_bon *b, size_t g, size_t k),
            mtl_bon_pain_at(b, g, k, &out))
TEST_GETTER(layer_at, mtl_bon_layer, (const mtl_bon *b, size_t g, size_t l),
            mtl_bon_layer_at(b, g, l, &out))

/* Every score of group g sums bit for bit; the index's terms are the
 * pains in the order added; the pains' ranks and the layers agree. */
static void check_group(const mtl_bon *b, size_t g, const pain_in *in)
{
    mtl_bon_group gr = group_at(b, g);
    double points = 0.0, addressable = 0.0;
    size_t k, l, pains = 0;
    test_check_score(&gr.index, "index");
    assert_int_equal(gr.index.term_count, gr.pain_count);
    for (k = 0; k < gr.pain_count; k++) {
        mtl_bon_pain p = pain_at(b, g, k);
        const mtl_term *t = &gr.index.terms[p.index];
        assert_int_equal(p.rank, k + 1);
        test_check_score(&p.score, "pain score");
        test_check_score(&p.addressable, "addressable");
        assert_int_equal(p.score.term_count, 2);
        assert_string_equal(p.score.terms[0].factor, "severity*urgency*breadth");
        assert_true(p.score.terms[0].weight == 0.5);
        assert_true(p.score.terms[0].value == p.severity * p.urgency * p.breadth);
        assert_string_equal(p.score.terms[1].factor, "budget");
        assert_true(p.score.terms[1].weight == 0.5 * p.severity * p.urgency * p.breadth);
        assert_true(p.score.terms[1].value == p.budget);
        assert_int_equal(p.addressable.term_count, 1);
        assert_string_equal(p.addressable.terms[0].factor, "pain_score");
        assert_true(p.addressable.terms[0].weight == p.fit);
        assert_true(p.addressable.terms[0].value == p.score.value);
        /* the index's term for this pain */
        assert_string_equal(t->factor, p.text);
        assert_true(t->weight == 100.0 / (25.0 * (double)gr.pain_count));
        assert_true(t->value == p.addressable.value);
        if (in) {
            const pain_in *src = &in[p.index];
            assert_string_equal(p.text, src->text);
            assert_string_equal(p.layer, src->layer);
            assert_true(p.severity == src->severity && p.urgency == src->urgency &&
                        p.breadth == src->breadth && p.budget == src->budget &&
                        p.fit == src->fit);
            assert_int_equal(p.role, src->role);
        }
        if (k > 0) { /* the documented order */
            mtl_bon_pain q = pain_at(b, g, k - 1);
            assert_true(q.addressable.value > p.addressable.value ||
                        (q.addressable.value == p.addressable.value &&
                         (q.score.value > p.score.value ||
                          (q.score.value == p.score.value && q.index < p.index))));
        }
    }
    for (l = 0; l < gr.layer_count; l++) {
        mtl_bon_layer ly = layer_at(b, g, l);
        double pts = 0.0, addr = 0.0;
        size_t n = 0;
        /* recompute from the index's terms in order added */
        for (k = 0; k < gr.pain_count; k++) {
            size_t j;
            for (j = 0; j < gr.pain_count; j++) {
                mtl_bon_pain p = pain_at(b, g, j);
                if (p.index == k && !strcmp(p.layer, ly.layer)) {
                    pts += gr.index.terms[k].contribution;
                    addr += p.addressable.value;
                    n++;
                }
            }
        }
        assert_int_equal(ly.pain_count, n);
        assert_true(ly.index_points == pts);
        assert_true(ly.addressable == addr);
        points += ly.index_points;
        addressable += ly.addressable;
        pains += ly.pain_count;
    }
    assert_int_equal(pains, gr.pain_count);
    if (gr.pain_count) {
        /* the layers share the index out, and index = 4 / n x Σ addressable */
        NEAR(points, gr.index.value);
        NEAR(addressable * 4.0 / (double)gr.pain_count, gr.index.value);
    }
}

/* Layer l of group g: its name, pain count, addressable pain and index
 * points. */
static void check_layer(const mtl_bon *b, size_t g, size_t l, const char *name,
                        size_t pains, double addressable, double points)
{
    mtl_bon_layer ly = layer_at(b, g, l);
    assert_string_equal(ly.layer, name);
    assert_int_equal(ly.pain_count, pains);
    NEAR(ly.addressable, addressable);
    NEAR(ly.index_points, points);
}

static void check_example(const mtl_bon *b)
{
    static const double energy_score[] = {5.3999999999999995, 10.0, 3.0000000000000004,
                                          2.0, 6.75};
    static const double energy_addr[] = {4.319999999999999, 9.0, 3.0000000000000004,
                                         1.0, 4.05};
    static const size_t energy_rank[] = {1, 0, 4, 2, 3};
    static const size_t grid_rank[] = {1, 0, 2};
    mtl_bon_group g;
    mtl_bon_layer l;
    size_t k;

    assert_int_equal(mtl_bon_group_count(b), 3);

    /* energy */
    g = group_at(b, 0);
    assert_int_equal(g.owner, MTL_PAIN_OWNER_SEGMENT);
    assert_string_equal(g.id, "energy");
    assert_string_equal(g.name, "Energy utilities");
    assert_string_equal(g.segment_id, "");
    assert_int_equal(g.pain_count, 5);
    assert_int_equal(g.layer_count, 4);
    NEAR(g.index.value, 17.096);
    for (k = 0; k < 5; k++) {
        mtl_bon_pain p = pain_at(b, 0, k);
        assert_int_equal(p.index, energy_rank[k]);
        NEAR(p.score.value, energy_score[p.index]);
        NEAR(p.addressable.value, energy_addr[p.index]);
        NEAR(g.index.terms[p.index].weight, 0.8);
    }
    check_layer(b, 0, 0, "B", 1, 4.319999999999999, 3.4559999999999995);
    check_layer(b, 0, 1, "O", 2, 10.0, 8.0);
    check_layer(b, 0, 2, "N", 1, 3.0000000000000004, 2.4000000000000004);
    check_layer(b, 0, 3, "ESG", 1, 4.05, 3.24);
    check_group(b, 0, energy_pains);

    /* water (transport has no pains: left out) */
    g = group_at(b, 1);
    assert_string_equal(g.id, "water");
    assert_string_equal(g.name, "");
    NEAR(g.index.value, 16.5);
    assert_int_equal(g.layer_count, 2);
    assert_int_equal(pain_at(b, 1, 0).index, 0);
    NEAR(pain_at(b, 1, 0).score.value, 6.0);
    NEAR(pain_at(b, 1, 0).addressable.value, 6.0);
    NEAR(pain_at(b, 1, 1).score.value, 4.5);
    NEAR(pain_at(b, 1, 1).addressable.value, 2.25);
    l = layer_at(b, 1, 0); /* O before N, though N was added first */
    assert_string_equal(l.layer, "O");
    NEAR(l.index_points, 4.5);
    l = layer_at(b, 1, 1);
    assert_string_equal(l.layer, "N");
    NEAR(l.index_points, 12.0);
    check_group(b, 1, water_pains);

    /* grid-north: equal addressable pains, ties broken by score, then order */
    g = group_at(b, 2);
    assert_int_equal(g.owner, MTL_PAIN_OWNER_CUSTOMER);
    assert_string_equal(g.id, "grid-north");
    assert_string_equal(g.name, "Grid North AG");
    assert_string_equal(g.segment_id, "energy");
    NEAR(g.index.value, 8.0);
    for (k = 0; k < 3; k++) {
        mtl_bon_pain p = pain_at(b, 2, k);
        assert_int_equal(p.index, grid_rank[k]);
        assert_true(p.addressable.value == 2.0);
    }
    assert_true(pain_at(b, 2, 0).score.value == 4.0);
    for (k = 0; k < 3; k++) {
        l = layer_at(b, 2, k);
        assert_string_equal(l.layer, k == 0 ? "B" : k == 1 ? "O" : "N");
        NEAR(l.index_points, 2.6666666666666665);
    }
    check_group(b, 2, grid_north_pains);
}

static void test_worked_example(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_bon *b = NULL;
    mtl_bon_options o;
    (void)state;
    build_example(m);
    OK(mtl_bon_compute(&b, m, NULL));
    check_example(b);
    mtl_bon_destroy(b);
    OK(mtl_bon_options_init(&o, sizeof o));
    assert_int_equal(o.struct_size, sizeof o);
    assert_int_equal(o.include_empty, 0);
    OK(mtl_bon_compute(&b, m, &o));
    check_example(b);
    mtl_bon_destroy(b);
    test_market_free(m, &ta);
}

static void test_include_empty(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_bon *b = NULL;
    mtl_bon_options o;
    mtl_bon_group g;
    static const char *const ids[] = {"energy", "transport", "water", "grid-north",
                                      "quiet"};
    size_t i;
    (void)state;
    build_example(m);
    OK(mtl_bon_options_init(&o, sizeof o));
    o.include_empty = 1;
    OK(mtl_bon_compute(&b, m, &o));
    assert_int_equal(mtl_bon_group_count(b), 5);
    for (i = 0; i < 5; i++) {
        g = group_at(b, i);
        assert_string_equal(g.id, ids[i]);
        assert_int_equal(g.owner, i < 3 ? MTL_PAIN_OWNER_SEGMENT : MTL_PAIN_OWNER_CUSTOMER);
        check_group(b, i, NULL);
    }
    g = group_at(b, 1);
    assert_true(isnan(g.index.value));
    assert_int_equal(g.index.term_count, 0);
    assert_null(g.index.terms);
    assert_int_equal(g.pain_count, 0);
    assert_int_equal(g.layer_count, 0);
    g = group_at(b, 4);
    assert_string_equal(g.segment_id, "energy");
    assert_true(isnan(g.index.value));
    NEAR(group_at(b, 2).index.value, 16.5);
    mtl_bon_destroy(b);

    /* a market without pains: no groups */
    {
        mtl_market *e = NULL;
        mtl_segment *s;
        OK(mtl_market_create(&e, NULL));
        OK(mtl_segment_add(&s, e, "empty"));
        OK(mtl_bon_compute(&b, e, NULL));
        assert_int_equal(mtl_bon_group_count(b), 0);
        g.struct_size = sizeof g;
        assert_int_equal(mtl_bon_group_at(b, 0, &g), MTL_E_RANGE);
        mtl_bon_destroy(b);
        mtl_market_unref(e);
    }
    test_market_free(m, &ta);
}

/* A customer without a segment, a host's layers (sorted by name after the
 * built-in ones, case-sensitively), and the extreme pains. */
static void test_layers_and_extremes(void **state)
{
    static const pain_in pains[] = {
        {"zeta", "z", 1, 1, 0.0, 0.0, 0.0, 0},     /* score 0 */
        {"N", "max", 5, 5, 1.0, 1.0, 1.0, 0},      /* 25, the maximum */
        {"Alpha", "a", 1, 1, 1.0, 0.0, 1.0, 0},
        {"b", "lowercase b is not B", 2, 1, 1.0, 0.0, 1.0, 0},
        {"B", "business", 1, 2, 1.0, 0.0, 1.0, 0},
    };
    static const char *const order[] = {"B", "N", "Alpha", "b", "zeta"};
    mtl_market *m = NULL;
    mtl_customer *c;
    mtl_bon *b = NULL;
    mtl_bon_group g;
    size_t i;
    (void)state;
    OK(mtl_market_create(&m, NULL));
    OK(mtl_customer_add(&c, m, "solo", NULL));
    add_pains(c, NULL, pains, COUNT(pains));
    OK(mtl_bon_compute(&b, m, NULL));
    assert_int_equal(mtl_bon_group_count(b), 1);
    g = group_at(b, 0);
    assert_string_equal(g.segment_id, "");
    assert_int_equal(g.layer_count, 5);
    for (i = 0; i < 5; i++)
        assert_string_equal(layer_at(b, 0, i).layer, order[i]);
    assert_int_equal(pain_at(b, 0, 0).index, 1);
    assert_true(pain_at(b, 0, 0).addressable.value == 25.0);
    assert_int_equal(pain_at(b, 0, 4).index, 0);
    assert_true(pain_at(b, 0, 4).score.value == 0.0);
    /* (0 + 25 + 0.5 + 1 + 1) × 100 / 125 */
    NEAR(g.index.value, 22.0);
    check_group(b, 0, pains);
    mtl_bon_destroy(b);

    /* one pain at the maximum: index 100 */
    OK(mtl_customer_clear_pains(c));
    add_pains(c, NULL, &pains[1], 1);
    OK(mtl_bon_compute(&b, m, NULL));
    assert_true(group_at(b, 0).index.value == 100.0);
    mtl_bon_destroy(b);
    mtl_market_unref(m);
}

/* ---- random pains ------------------------------------------------------ */

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static double unit(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }

static void test_random(void **state)
{
    static const char *const layers[] = {"B", "O", "N", "ESG", "Security", "B"};
    mtl_market *m = NULL;
    mtl_bon *b = NULL;
    char id[32], text[32];
    int round, i, k;
    (void)state;
    for (round = 0; round < 20; round++) {
        OK(mtl_market_create(&m, NULL));
        for (i = 0; i < 8; i++) {
            mtl_segment *s;
            mtl_customer *c;
            int n = (int)(rnd() % 12);
            snprintf(id, sizeof id, "s%d", i);
            OK(mtl_segment_add(&s, m, id));
            snprintf(id, sizeof id, "c%d", i);
            OK(mtl_customer_add(&c, m, id, (rnd() & 1) ? s : NULL));
            for (k = 0; k < n; k++) {
                mtl_pain p;
                OK(mtl_pain_init(&p, sizeof p));
                p.layer = layers[rnd() % 6];
                snprintf(text, sizeof text, "pain %d", k);
                p.text = text;
                /* small integer steps make exact ties common */
                p.severity = 1.0 + (double)(rnd() % 5);
                p.urgency = (rnd() & 1) ? 1.0 + 4.0 * unit() : 1.0 + (double)(rnd() % 5);
                p.breadth = (rnd() & 1) ? unit() : 0.25 * (double)(rnd() % 5);
                p.budget = (rnd() & 1) ? unit() : 0.5 * (double)(rnd() % 3);
                p.fit = (rnd() & 1) ? unit() : 0.5 * (double)(rnd() % 3);
                p.role = (int32_t)(rnd() % MTL_ROLE_COUNT);
                if (rnd() & 1)
                    OK(mtl_segment_add_pain(s, &p));
                else
                    OK(mtl_customer_add_pain(c, &p));
            }
        }
        OK(mtl_bon_compute(&b, m, NULL));
        for (i = 0; i < (int)mtl_bon_group_count(b); i++) {
            mtl_bon_group g = group_at(b, (size_t)i);
            assert_true(g.pain_count > 0);
            assert_true(g.index.value >= 0.0 && g.index.value <= 100.0 + 1e-12);
            check_group(b, (size_t)i, NULL);
        }
        mtl_bon_destroy(b);
        mtl_market_unref(m);
    }
}

/* ---- lifetime, errors, memory ------------------------------------------ */

static void test_outlives_market(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_bon *b = NULL;
    (void)state;
    build_example(m);
    OK(mtl_bon_compute(&b, m, NULL));
    mtl_market_unref(m);   /* the market is gone ... */
    check_example(b);      /* ... and the report reads the same */
    mtl_bon_destroy(b);
    test_alloc_assert_clean(&ta);
}

static void test_errors(void **state)
{
    mtl_market *m = NULL;
    mtl_bon *b = (mtl_bon *)&b;
    mtl_bon_options o;
    mtl_bon_group g;
    mtl_bon_layer l;
    mtl_bon_pain p;
    (void)state;
    OK(mtl_market_create(&m, NULL));
    build_example(m);

    assert_int_equal(mtl_bon_options_init(NULL, sizeof o), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_bon_options_init(&o, sizeof o - 1), MTL_E_VERSION);
    assert_int_equal(mtl_bon_options_init(&o, 0), MTL_E_VERSION);
    assert_int_equal(mtl_bon_compute(NULL, m, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_bon_compute(&b, NULL, NULL), MTL_E_INVALID_ARGUMENT);
    assert_null(b);
    OK(mtl_bon_options_init(&o, sizeof o));
    o.struct_size = sizeof o - 1;
    b = (mtl_bon *)&b;
    assert_int_equal(mtl_bon_compute(&b, m, &o), MTL_E_VERSION);
    assert_null(b);
    o.struct_size = 0;
    assert_int_equal(mtl_bon_compute(&b, m, &o), MTL_E_VERSION);

    OK(mtl_bon_compute(&b, m, NULL));
    memset(&g, 0, sizeof g);
    memset(&l, 0, sizeof l);
    memset(&p, 0, sizeof p);
    /* struct_size not set */
    assert_int_equal(mtl_bon_group_at(b, 0, &g), MTL_E_VERSION);
    assert_int_equal(mtl_bon_layer_at(b, 0, 0, &l), MTL_E_VERSION);
    assert_int_equal(mtl_bon_pain_at(b, 0, 0, &p), MTL_E_VERSION);
    g.struct_size = sizeof g - 1;
    l.struct_size = sizeof l - 1;
    p.struct_size = sizeof p - 1;
    assert_int_equal(mtl_bon_group_at(b, 0, &g), MTL_E_VERSION);
    assert_int_equal(mtl_bon_layer_at(b, 0, 0, &l), MTL_E_VERSION);
    assert_int_equal(mtl_bon_pain_at(b, 0, 0, &p), MTL_E_VERSION);
    g.struct_size = sizeof g;
    l.struct_size = sizeof l;
    p.struct_size = sizeof p;
    /* NULL */
    assert_int_equal(mtl_bon_group_at(NULL, 0, &g), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_bon_group_at(b, 0, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_bon_layer_at(NULL, 0, 0, &l), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_bon_layer_at(b, 0, 0, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_bon_pain_at(NULL, 0, 0, &p), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_bon_pain_at(b, 0, 0, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_bon_group_count(NULL), 0);
    /* out of range */
    assert_int_equal(mtl_bon_group_at(b, 3, &g), MTL_E_RANGE);
    assert_int_equal(mtl_bon_layer_at(b, 3, 0, &l), MTL_E_RANGE);
    assert_int_equal(mtl_bon_layer_at(b, 0, 4, &l), MTL_E_RANGE);
    assert_int_equal(mtl_bon_pain_at(b, 3, 0, &p), MTL_E_RANGE);
    assert_int_equal(mtl_bon_pain_at(b, 0, 5, &p), MTL_E_RANGE);
    assert_int_equal(mtl_bon_pain_at(b, 1, 2, &p), MTL_E_RANGE);
    /* the last readable ones */
    OK(mtl_bon_group_at(b, 2, &g));
    OK(mtl_bon_layer_at(b, 0, 3, &l));
    OK(mtl_bon_pain_at(b, 0, 4, &p));
    /* a larger struct_size (a newer caller) is accepted */
    {
        struct { mtl_bon_pain p; double more; } big;
        memset(&big, 0, sizeof big);
        big.p.struct_size = sizeof big;
        OK(mtl_bon_pain_at(b, 0, 0, &big.p));
    }
    mtl_bon_destroy(b);
    mtl_bon_destroy(NULL);
    mtl_market_unref(m);
}

/* mtl_bon_compute under test_sweep_allocations. */
typedef struct bon_sweep {
    mtl_market *m;
    mtl_bon_options o;
} bon_sweep;

static mtl_status sweep_compute(void *ctx, void **made)
{
    bon_sweep *sw = ctx;
    mtl_bon *b = *made;
    mtl_status st = mtl_bon_compute(&b, sw->m, &sw->o);
    *made = b;
    return st;
}

static void sweep_done(void *ctx, void *made)
{
    const bon_sweep *sw = ctx;
    if (!sw->o.include_empty)
        check_example(made);
    mtl_bon_destroy(made);
}

static void test_alloc_sweep(void **state)
{
    test_alloc ta;
    bon_sweep sw;
    int all;
    (void)state;
    sw.m = test_market_new(&ta, 0, NULL);
    build_example(sw.m);
    for (all = 0; all < 2; all++) {
        OK(mtl_bon_options_init(&sw.o, sizeof sw.o));
        sw.o.include_empty = all;
        test_sweep_allocations(&ta, 1, sweep_compute, sweep_done, &sw);
    }
    test_market_free(sw.m, &ta);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_worked_example),
        T(test_include_empty),
        T(test_layers_and_extremes),
        T(test_random),
        T(test_outlives_market),
        T(test_errors),
        T(test_alloc_sweep),
    };
    return cmocka_run_group_tests_name("bon", tests, NULL, NULL);
}
