/* Sales targets set and broken down: the target tree of SPEC 3.2 (seed 003,
 * 指标设定与分解).  Formulas, their sources and the worked example:
 * docs/methods/targets.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "market/internal.h"
#include "core/versioned.h"

#define NAME_MAX_BYTES 4096

/* Seed 003, 三级指标校准: "总部: 行业增速 × 1.3~1.5倍", "市场潜力指数(0.8~1.2)",
 * "职级系数(0.7~1.2)". */
#define K_MIN 1.3
#define K_MAX 1.5
#define K_DEFAULT 1.3
#define POTENTIAL_MIN 0.8
#define POTENTIAL_MAX 1.2
#define RANK_MIN 0.7
#define RANK_MAX 1.2
#define YEARS_MAX 100
#define BP_WHOLE 10000
/* Seed 003, 动态调整: "设定季度调节系数: 15%-20%-30%-35%". */
static const int32_t default_quarter_bp[4] = { 1500, 2000, 3000, 3500 };

typedef struct tnode {
    mtl_target_node pub; /* name is filled in on read */
    char *name;          /* company, region and owner nodes */
    char label[24];      /* period nodes: "2025-Q1", "2025-01" */
    int64_t last_child;
} tnode;

struct mtl_target_tree {
    mtl__allocator alloc;
    int64_t minor_per_major;
    int32_t year;
    int32_t periods;
    int32_t quarter_bp[4];
    int32_t month_bp[12];
    int32_t months_even;
    tnode *nodes;
    size_t count, cap;
    int32_t reconciled;  /* derived values are current */
    int32_t eval_valid;  /* the nodes' evaluation is current */
    mtl_target_reconcile_options rec;
};

static int is_org(int32_t kind)
{
    return kind == MTL_TARGET_COMPANY || kind == MTL_TARGET_REGION ||
           kind == MTL_TARGET_OWNER;
}

/* Day number of the first of a month (years 1..9999: the tree's years are
 * 1..9998, so the day after every period is a date too). */
static int32_t civil_day(int32_t y, int32_t m)
{
    int32_t day = 0;
    mtl_date_from_ymd(&day, y, m, 1);
    return day;
}

/* Copy a caller's size-versioned options over the defaults in dst (src
 * NULL: keep the defaults). */
static mtl_status take_options(void *dst, const void *src, size_t size,
                               const char *name)
{
    size_t given;
    mtl_status st;
    if (!src)
        return MTL_OK;
    memcpy(&given, src, sizeof given);
    st = mtl__struct_check(given, size, name);
    if (st == MTL_OK)
        memcpy(dst, src, size);
    return st;
}

/* ---- exact integer arithmetic ----------------------------------------- */

/* a × b as a 128-bit (hi, lo) pair. */
static void mul_64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    uint64_t a0 = a & 0xffffffffu, a1 = a >> 32;
    uint64_t b0 = b & 0xffffffffu, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
    *lo = (mid << 32) | (p00 & 0xffffffffu);
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/* (hi, lo) / d with hi < d (the quotient fits in 64 bits): shift-subtract
 * long division. */
static uint64_t div_128(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *rem)
{
    uint64_t q = 0, r = hi;
    int i;
    for (i = 63; i >= 0; i--) {
        uint64_t carry = r >> 63;
        r = (r << 1) | ((lo >> i) & 1u);
        q <<= 1;
        if (carry || r >= d) {
            r -= d;
            q |= 1u;
        }
    }
    *rem = r;
    return q;
}

typedef struct lr_item {
    uint64_t rem;
    size_t index;
} lr_item;

static int lr_cmp(const void *a, const void *b)
{
    const lr_item *x = a, *y = b;
    if (x->rem != y->rem)
        return x->rem > y->rem ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Largest remainder (Hamilton's method): out[i] = floor(total × w[i] / sum)
 * plus one for the (total - Σ floors) entries with the largest remainders
 * (ties: the lower index), so Σ out = total exactly.  sum = Σ w > 0; total
 * <= INT64_MAX.  scratch holds n items. */
static void lr_split(int64_t total, const uint64_t *w, size_t n, uint64_t sum,
                     int64_t *out, lr_item *scratch)
{
    uint64_t given = 0, left;
    size_t i;
    for (i = 0; i < n; i++) {
        uint64_t hi, lo, q;
        mul_64((uint64_t)total, w[i], &hi, &lo);
        /* w[i] <= sum, so the quotient is at most total */
        q = div_128(hi, lo, sum, &scratch[i].rem);
        scratch[i].index = i;
        out[i] = (int64_t)q;
        given += q;
    }
    left = (uint64_t)total - given; /* < n: Σ rem / sum < n */
    if (left == 0)
        return;
    qsort(scratch, n, sizeof *scratch, lr_cmp);
    for (i = 0; i < n && left > 0; i++, left--)
        out[scratch[i].index]++;
}

static int add_checked(int64_t *acc, int64_t v)
{
    if ((v > 0 && *acc > INT64_MAX - v) || (v < 0 && *acc < INT64_MIN - v))
        return 0;
    *acc += v;
    return 1;
}

/* Round half away from zero to int64; 0 when out of range (or NaN). */
static int round_amount(double v, int64_t *out)
{
    if (!(v >= 0.0) || v >= 9223372036854775808.0)
        return 0;
    *out = (int64_t)llround(v);
    return 1;
}

/* ---- formulas --------------------------------------------------------- */

/* Check inputs and compute the formula into node (fields of pub only). */
static mtl_status compute_formula(const mtl_target_inputs *in, mtl_target_node *d)
{
    double f, v;
    int64_t value;
    mtl_status st;

    st = mtl__struct_check(in->struct_size, sizeof *in, "mtl_target_inputs");
    if (st)
        return st;
    d->formula = in->formula;
    d->base = 0;
    d->growth = d->k = d->resource = d->potential = d->rank = 0.0;
    d->years = 0;
    d->factor = NAN;
    d->share_num = d->share_den = 0;
    if (in->formula == MTL_TARGET_FORMULA_GIVEN) {
        if (in->amount < 0)
            return mtl__error(MTL_E_RANGE,
                              "mtl_target_inputs.amount: %lld is negative",
                              (long long)in->amount);
        d->formula_value = in->amount;
        return MTL_OK;
    }
    if (in->formula != MTL_TARGET_FORMULA_HQ &&
        in->formula != MTL_TARGET_FORMULA_REGION &&
        in->formula != MTL_TARGET_FORMULA_INDIVIDUAL)
        return mtl__error(MTL_E_RANGE,
                          "mtl_target_inputs.formula: %d is not GIVEN, HQ, "
                          "REGION or INDIVIDUAL", (int)in->formula);
    if (in->base < 0)
        return mtl__error(MTL_E_RANGE, "mtl_target_inputs.base: %lld is negative",
                          (long long)in->base);
    if (!isfinite(in->growth) || in->growth < -1.0)
        return mtl__error(MTL_E_RANGE,
                          "mtl_target_inputs.growth: %g is below -1 or not finite",
                          in->growth);
    d->base = in->base;
    d->growth = in->growth;
    switch (in->formula) {
    case MTL_TARGET_FORMULA_HQ:
        /* Seed 003: 总部 = 行业增速 × 1.3~1.5倍, applied to last year. */
        d->k = in->k == 0.0 ? K_DEFAULT : in->k;
        if (!(d->k >= K_MIN && d->k <= K_MAX))
            return mtl__error(MTL_E_RANGE,
                              "mtl_target_inputs.k: %g outside [1.3, 1.5]", in->k);
        f = 1.0 + d->growth * d->k;
        if (f < 0.0)
            return mtl__error(MTL_E_RANGE,
                              "mtl_target_inputs.growth: 1 + growth %g x k %g "
                              "is below 0", d->growth, d->k);
        break;
    case MTL_TARGET_FORMULA_REGION:
        /* Seed 003: 区域 = 复合增长率 × 资源投入 × 市场潜力指数(0.8~1.2);
         * the compound growth factor is (1 + CAGR)^years (libmtl's reading). */
        d->years = in->years == 0 ? 1 : in->years;
        if (d->years < 1 || d->years > YEARS_MAX)
            return mtl__error(MTL_E_RANGE,
                              "mtl_target_inputs.years: %d outside 1..%d",
                              (int)in->years, YEARS_MAX);
        d->resource = in->resource == 0.0 ? 1.0 : in->resource;
        if (!(d->resource > 0.0) || !isfinite(d->resource))
            return mtl__error(MTL_E_RANGE,
                              "mtl_target_inputs.resource: %g is not above 0",
                              in->resource);
        d->potential = in->potential == 0.0 ? 1.0 : in->potential;
        if (!(d->potential >= POTENTIAL_MIN && d->potential <= POTENTIAL_MAX))
            return mtl__error(MTL_E_RANGE,
                              "mtl_target_inputs.potential: %g outside [0.8, 1.2]",
                              in->potential);
        f = pow(1.0 + d->growth, d->years) * d->resource * d->potential;
        break;
    default:
        /* Seed 003: 个人 = 上年基数 × 个人增长率 × 职级系数(0.7~1.2); the
         * growth enters as the factor 1 + rate (libmtl's reading). */
        d->rank = in->rank == 0.0 ? 1.0 : in->rank;
        if (!(d->rank >= RANK_MIN && d->rank <= RANK_MAX))
            return mtl__error(MTL_E_RANGE,
                              "mtl_target_inputs.rank: %g outside [0.7, 1.2]",
                              in->rank);
        f = (1.0 + d->growth) * d->rank;
        break;
    }
    v = (double)d->base * f;
    if (!round_amount(v, &value))
        return mtl__error(MTL_E_RANGE,
                          "mtl_target_inputs: the target %g is above INT64_MAX", v);
    d->factor = f;
    d->formula_value = value;
    return MTL_OK;
}

/* ---- building --------------------------------------------------------- */

static mtl_status check_split(const mtl_target_options *o)
{
    int32_t q, i, sum = 0, any = 0;
    for (q = 0; q < 4; q++) {
        if (o->quarter_bp[q] < 0 || o->quarter_bp[q] > BP_WHOLE)
            return mtl__error(MTL_E_RANGE,
                              "mtl_target_options.quarter_bp[%d]: %d outside "
                              "0..10000", (int)q, (int)o->quarter_bp[q]);
        sum += o->quarter_bp[q];
    }
    if (sum != 0 && sum != BP_WHOLE)
        return mtl__error(MTL_E_RANGE,
                          "mtl_target_options.quarter_bp: the quarters sum to "
                          "%d basis points, not 10000 (100%%)", (int)sum);
    for (i = 0; i < 12; i++) {
        if (o->month_bp[i] < 0 || o->month_bp[i] > BP_WHOLE)
            return mtl__error(MTL_E_RANGE,
                              "mtl_target_options.month_bp[%d]: %d outside "
                              "0..10000", (int)i, (int)o->month_bp[i]);
        any |= o->month_bp[i];
    }
    if (any)
        for (q = 0; q < 4; q++) {
            sum = o->month_bp[3 * q] + o->month_bp[3 * q + 1] + o->month_bp[3 * q + 2];
            if (sum != BP_WHOLE)
                return mtl__error(MTL_E_RANGE,
                                  "mtl_target_options.month_bp: the months of "
                                  "Q%d sum to %d basis points, not 10000 (100%%)",
                                  (int)q + 1, (int)sum);
        }
    return MTL_OK;
}

static size_t nodes_per_org(const mtl_target_tree *t)
{
    switch (t->periods) {
    case MTL_TARGET_PERIODS_YEAR: return 1;
    case MTL_TARGET_PERIODS_QUARTERS: return 5;
    default: return 17;
    }
}

static void link_child(mtl_target_tree *t, size_t parent, size_t child)
{
    tnode *p = &t->nodes[parent];
    t->nodes[child].pub.parent = (int64_t)parent;
    t->nodes[child].pub.depth = p->pub.depth + 1;
    if (p->last_child < 0)
        p->pub.first_child = (int64_t)child;
    else
        t->nodes[p->last_child].pub.next_sibling = (int64_t)child;
    p->last_child = (int64_t)child;
}

static void node_clear(tnode *n)
{
    memset(n, 0, sizeof *n);
    n->pub.parent = n->pub.first_child = n->pub.next_sibling = -1;
    n->last_child = -1;
    n->pub.scale = 1.0;
    n->pub.commitment = n->pub.bottom_up = n->pub.gap = MTL_TARGET_NONE;
    n->pub.gap_ratio = NAN;
    n->pub.actual = MTL_TARGET_NONE;
    n->pub.attainment = n->pub.expected = n->pub.p_hit = NAN;
}

/* Append the period nodes of org node `org` (room is reserved). */
static void add_periods(mtl_target_tree *t, size_t org)
{
    int32_t q, m;
    int32_t y = t->year;
    if (t->periods == MTL_TARGET_PERIODS_YEAR)
        return;
    for (q = 1; q <= 4; q++) {
        size_t qi = t->count++;
        tnode *n = &t->nodes[qi];
        node_clear(n);
        n->pub.kind = MTL_TARGET_QUARTER;
        n->pub.quarter = q;
        n->pub.period_start = civil_day(y, 3 * q - 2);
        n->pub.period_end = q == 4 ? civil_day(y + 1, 1) : civil_day(y, 3 * q + 1);
        n->pub.formula = MTL_TARGET_FORMULA_SPLIT;
        snprintf(n->label, sizeof n->label, "%04d-Q%d", (int)y, (int)q);
        link_child(t, org, qi);
        if (t->periods != MTL_TARGET_PERIODS_MONTHS)
            continue;
        for (m = 3 * q - 2; m <= 3 * q; m++) {
            size_t mi = t->count++;
            tnode *mn = &t->nodes[mi];
            node_clear(mn);
            mn->pub.kind = MTL_TARGET_MONTH;
            mn->pub.quarter = q;
            mn->pub.month = m;
            mn->pub.period_start = civil_day(y, m);
            mn->pub.period_end = m == 12 ? civil_day(y + 1, 1) : civil_day(y, m + 1);
            mn->pub.formula = MTL_TARGET_FORMULA_SPLIT;
            snprintf(mn->label, sizeof mn->label, "%04d-%02d", (int)y, (int)m);
            link_child(t, qi, mi);
        }
    }
}

static const char *node_name(const tnode *n)
{
    return n->name ? n->name : n->label;
}

static void tree_changed(mtl_target_tree *t, int targets)
{
    t->reconciled = 0;
    if (targets)
        t->eval_valid = 0;
}

MTL_API mtl_status mtl_target_options_init(mtl_target_options *options,
                                           size_t struct_size)
{
    return mtl__struct_init(options, struct_size, sizeof *options,
                            "mtl_target_options");
}

MTL_API mtl_status mtl_target_inputs_init(mtl_target_inputs *inputs,
                                          size_t struct_size)
{
    return mtl__struct_init(inputs, struct_size, sizeof *inputs,
                            "mtl_target_inputs");
}

MTL_API mtl_status mtl_target_reconcile_options_init(
    mtl_target_reconcile_options *options, size_t struct_size)
{
    return mtl__struct_init(options, struct_size, sizeof *options,
                            "mtl_target_reconcile_options");
}

MTL_API mtl_status mtl_target_evaluate_options_init(
    mtl_target_evaluate_options *options, size_t struct_size)
{
    mtl_status st = mtl__struct_init(options, struct_size, sizeof *options,
                                     "mtl_target_evaluate_options");
    if (st == MTL_OK)
        options->as_of = MTL_DATE_NONE;
    return st;
}

MTL_API mtl_status mtl_target_history_options_init(
    mtl_target_history_options *options, size_t struct_size)
{
    mtl_status st = mtl__struct_init(options, struct_size, sizeof *options,
                                     "mtl_target_history_options");
    if (st == MTL_OK)
        options->k = K_DEFAULT;
    return st;
}

MTL_API mtl_status mtl_target_tree_create(mtl_target_tree **out,
                                          const mtl_market *market,
                                          const mtl_target_options *options)
{
    mtl__allocator a;
    mtl_target_tree *t;
    const char *company;
    size_t len, per;
    mtl_status st;
    int32_t q, any = 0;

    if (out)
        *out = NULL;
    if (!out)
        return mtl__error_null("out");
    if (!market)
        return mtl__error_null("market");
    if (!options)
        return mtl__error_null("options");
    st = mtl__struct_check(options->struct_size, sizeof *options,
                           "mtl_target_options");
    if (st)
        return st;
    if (options->year < 1 || options->year > 9998)
        return mtl__error(MTL_E_RANGE, "mtl_target_options.year: %d outside 1..9998",
                          (int)options->year);
    if (options->periods != 0 && options->periods != MTL_TARGET_PERIODS_YEAR &&
        options->periods != MTL_TARGET_PERIODS_QUARTERS &&
        options->periods != MTL_TARGET_PERIODS_MONTHS)
        return mtl__error(MTL_E_RANGE,
                          "mtl_target_options.periods: %d is not YEAR, QUARTERS "
                          "or MONTHS", (int)options->periods);
    st = check_split(options);
    if (st)
        return st;
    company = options->company && options->company[0] ? options->company : "company";
    len = strlen(company);
    if (len > NAME_MAX_BYTES)
        return mtl__error(MTL_E_LIMIT,
                          "mtl_target_options.company: %zu bytes, at most %d",
                          len, NAME_MAX_BYTES);

    mtl__allocator_init(&a, market->alloc.fn, market->alloc.user_data);
    t = mtl__alloc_zero(&a, sizeof *t);
    if (!t)
        return mtl__error_oom();
    t->alloc = a; /* the bytes of t itself are counted from here on */
    t->minor_per_major = market->minor_per_major;
    t->year = options->year;
    t->periods = options->periods ? options->periods : MTL_TARGET_PERIODS_MONTHS;
    for (q = 0; q < 4; q++)
        any |= options->quarter_bp[q];
    memcpy(t->quarter_bp, any ? options->quarter_bp : default_quarter_bp,
           sizeof t->quarter_bp);
    memcpy(t->month_bp, options->month_bp, sizeof t->month_bp);
    t->months_even = 1;
    for (q = 0; q < 12; q++)
        if (options->month_bp[q])
            t->months_even = 0;
    mtl_target_reconcile_options_init(&t->rec, sizeof t->rec);

    per = nodes_per_org(t);
    t->nodes = mtl__alloc_array(&t->alloc, per, sizeof *t->nodes);
    if (t->nodes)
        t->cap = per;
    if (t->nodes)
        t->nodes[0].name = mtl__strndup(&t->alloc, company, len);
    if (!t->nodes || !t->nodes[0].name) {
        mtl__free(&t->alloc, t->nodes, t->cap * sizeof *t->nodes);
        a = t->alloc;
        mtl__free(&a, t, sizeof *t);
        return mtl__error_oom();
    }
    {
        char *name = t->nodes[0].name;
        node_clear(&t->nodes[0]);
        t->nodes[0].name = name;
    }
    t->count = 1;
    t->nodes[0].pub.kind = MTL_TARGET_COMPANY;
    t->nodes[0].pub.period_start = civil_day(t->year, 1);
    t->nodes[0].pub.period_end = civil_day(t->year + 1, 1);
    add_periods(t, 0);
    *out = t;
    return MTL_OK;
}

MTL_API void mtl_target_tree_destroy(mtl_target_tree *tree)
{
    mtl__allocator a;
    size_t i;
    if (!tree)
        return;
    for (i = 0; i < tree->count; i++)
        mtl__strfree(&tree->alloc, tree->nodes[i].name);
    mtl__free(&tree->alloc, tree->nodes, tree->cap * sizeof *tree->nodes);
    a = tree->alloc;
    mtl__free(&a, tree, sizeof *tree);
}

/* The child of parent named name, or -1. */
static int64_t find_child(const mtl_target_tree *t, size_t parent, const char *name)
{
    int64_t c;
    for (c = t->nodes[parent].pub.first_child; c >= 0; c = t->nodes[c].pub.next_sibling)
        if (strcmp(node_name(&t->nodes[c]), name) == 0)
            return c;
    return -1;
}

MTL_API mtl_status mtl_target_tree_add(size_t *out, mtl_target_tree *tree,
                                       size_t parent, const char *name,
                                       const mtl_target_inputs *inputs)
{
    mtl_target_node d;
    mtl_target_inputs given;
    int32_t pkind;
    size_t len, per, idx;
    char *copy;
    mtl_status st;

    if (!tree)
        return mtl__error_null("tree");
    if (!name)
        return mtl__error_null("name");
    if (parent >= tree->count)
        return mtl__error(MTL_E_NOT_FOUND, "parent node %zu: the tree has %zu nodes",
                          parent, tree->count);
    pkind = tree->nodes[parent].pub.kind;
    if (pkind != MTL_TARGET_COMPANY && pkind != MTL_TARGET_REGION)
        return mtl__error(MTL_E_INVALID_ARGUMENT,
                          "parent node %zu is not the company or a region", parent);
    len = strlen(name);
    if (len > NAME_MAX_BYTES)
        return mtl__error(MTL_E_LIMIT, "name: %zu bytes, at most %d", len,
                          NAME_MAX_BYTES);
    if (find_child(tree, parent, name) >= 0)
        return mtl__error(MTL_E_DUPLICATE, "node '%.64s' already has a child '%.64s'",
                          node_name(&tree->nodes[parent]), name);
    if (!inputs) {
        mtl_target_inputs_init(&given, sizeof given);
        inputs = &given;
    }
    memset(&d, 0, sizeof d);
    st = compute_formula(inputs, &d);
    if (st)
        return st;
    per = nodes_per_org(tree);
    if (!mtl__grow(&tree->alloc, (void **)&tree->nodes, &tree->cap,
                   tree->count + per, sizeof *tree->nodes))
        return mtl__error_oom();
    copy = mtl__strndup(&tree->alloc, name, len);
    if (!copy)
        return mtl__error_oom();

    idx = tree->count++;
    node_clear(&tree->nodes[idx]);
    {
        tnode *n = &tree->nodes[idx];
        n->name = copy;
        n->pub.kind = pkind == MTL_TARGET_COMPANY ? MTL_TARGET_REGION : MTL_TARGET_OWNER;
        n->pub.period_start = tree->nodes[0].pub.period_start;
        n->pub.period_end = tree->nodes[0].pub.period_end;
        n->pub.formula = d.formula;
        n->pub.base = d.base;
        n->pub.growth = d.growth;
        n->pub.k = d.k;
        n->pub.years = d.years;
        n->pub.resource = d.resource;
        n->pub.potential = d.potential;
        n->pub.rank = d.rank;
        n->pub.factor = d.factor;
        n->pub.formula_value = d.formula_value;
        n->pub.target = d.formula_value;
    }
    link_child(tree, parent, idx);
    add_periods(tree, idx);
    tree_changed(tree, 1);
    if (out)
        *out = idx;
    return MTL_OK;
}

static mtl_status org_node(mtl_target_tree *tree, size_t node)
{
    if (!tree)
        return mtl__error_null("tree");
    if (node >= tree->count)
        return mtl__error(MTL_E_NOT_FOUND, "node %zu: the tree has %zu nodes", node,
                          tree->count);
    if (!is_org(tree->nodes[node].pub.kind))
        return mtl__error(MTL_E_INVALID_ARGUMENT,
                          "node %zu ('%.64s') is a period: its target is split "
                          "from its parent's", node, node_name(&tree->nodes[node]));
    return MTL_OK;
}

MTL_API mtl_status mtl_target_tree_set_inputs(mtl_target_tree *tree, size_t node,
                                              const mtl_target_inputs *inputs)
{
    mtl_target_node d;
    mtl_target_node *p;
    mtl_status st = org_node(tree, node);
    if (st)
        return st;
    if (!inputs)
        return mtl__error_null("inputs");
    memset(&d, 0, sizeof d);
    st = compute_formula(inputs, &d);
    if (st)
        return st;
    p = &tree->nodes[node].pub;
    p->formula = d.formula;
    p->base = d.base;
    p->growth = d.growth;
    p->k = d.k;
    p->years = d.years;
    p->resource = d.resource;
    p->potential = d.potential;
    p->rank = d.rank;
    p->factor = d.factor;
    p->formula_value = d.formula_value;
    tree_changed(tree, 1);
    return MTL_OK;
}

MTL_API mtl_status mtl_target_tree_set_commitment(mtl_target_tree *tree,
                                                  size_t node, int64_t amount)
{
    mtl_status st = org_node(tree, node);
    if (st)
        return st;
    if (amount < 0 && amount != MTL_TARGET_NONE)
        return mtl__error(MTL_E_RANGE, "commitment: %lld is negative",
                          (long long)amount);
    tree->nodes[node].pub.commitment = amount;
    tree_changed(tree, 0);
    return MTL_OK;
}

/* ---- reconciliation --------------------------------------------------- */

/* Split every org node's target into its quarters and months. */
static void split_periods(mtl_target_tree *t)
{
    size_t i;
    lr_item scratch[4];
    for (i = 0; i < t->count; i++) {
        tnode *n = &t->nodes[i];
        uint64_t w[4];
        int64_t parts[4];
        int64_t c;
        int32_t q = 0;
        if (!is_org(n->pub.kind) || t->periods == MTL_TARGET_PERIODS_YEAR)
            continue;
        for (q = 0; q < 4; q++)
            w[q] = (uint64_t)t->quarter_bp[q];
        lr_split(n->pub.target, w, 4, BP_WHOLE, parts, scratch);
        q = 0;
        for (c = n->pub.first_child; c >= 0; c = t->nodes[c].pub.next_sibling) {
            tnode *qn = &t->nodes[c];
            int64_t mc;
            int32_t m = 0;
            uint64_t mw[3];
            int64_t mparts[3];
            uint64_t msum;
            if (qn->pub.kind != MTL_TARGET_QUARTER)
                continue;
            qn->pub.base = n->pub.target;
            qn->pub.share_num = t->quarter_bp[q];
            qn->pub.share_den = BP_WHOLE;
            qn->pub.factor = (double)t->quarter_bp[q] / BP_WHOLE;
            qn->pub.target = qn->pub.formula_value = parts[q];
            q++;
            if (t->periods != MTL_TARGET_PERIODS_MONTHS)
                continue;
            for (m = 0; m < 3; m++)
                mw[m] = t->months_even ? 1u
                                       : (uint64_t)t->month_bp[3 * (q - 1) + m];
            msum = t->months_even ? 3u : BP_WHOLE;
            lr_split(qn->pub.target, mw, 3, msum, mparts, scratch);
            m = 0;
            for (mc = qn->pub.first_child; mc >= 0; mc = t->nodes[mc].pub.next_sibling) {
                tnode *mn = &t->nodes[mc];
                mn->pub.base = qn->pub.target;
                mn->pub.share_num = (int32_t)mw[m];
                mn->pub.share_den = (int32_t)msum;
                mn->pub.factor = (double)mw[m] / (double)msum;
                mn->pub.target = mn->pub.formula_value = mparts[m];
                m++;
            }
        }
    }
}

/* Targets of the org nodes: formula values, rescaled to the parent when
 * asked (parents come before their children in index order). */
static mtl_status derive_targets(mtl_target_tree *t, int rescale)
{
    size_t i, max_children = 0;
    uint64_t *w = NULL;
    int64_t *parts = NULL;
    lr_item *scratch = NULL;
    mtl_status st = MTL_OK;

    for (i = 0; i < t->count; i++) {
        tnode *n = &t->nodes[i];
        if (!is_org(n->pub.kind))
            continue;
        n->pub.target = n->pub.formula_value;
        n->pub.rescale = MTL_TARGET_RESCALE_NONE;
        n->pub.scale = 1.0;
    }
    if (!rescale)
        return MTL_OK;
    for (i = 0; i < t->count; i++) {
        size_t k = 0;
        int64_t c;
        if (!is_org(t->nodes[i].pub.kind))
            continue;
        for (c = t->nodes[i].pub.first_child; c >= 0; c = t->nodes[c].pub.next_sibling)
            k += is_org(t->nodes[c].pub.kind);
        if (k > max_children)
            max_children = k;
    }
    if (max_children == 0)
        return MTL_OK;
    w = mtl__alloc_array(&t->alloc, max_children, sizeof *w);
    parts = mtl__alloc_array(&t->alloc, max_children, sizeof *parts);
    scratch = mtl__alloc_array(&t->alloc, max_children, sizeof *scratch);
    if (!w || !parts || !scratch) {
        st = mtl__error_oom();
        goto done;
    }
    for (i = 0; i < t->count && st == MTL_OK; i++) {
        tnode *n = &t->nodes[i];
        size_t k = 0, j;
        uint64_t sum = 0;
        int64_t c;
        int32_t how = MTL_TARGET_RESCALE_PROPORTIONAL;
        if (!is_org(n->pub.kind))
            continue;
        for (c = n->pub.first_child; c >= 0; c = t->nodes[c].pub.next_sibling) {
            uint64_t v;
            if (!is_org(t->nodes[c].pub.kind))
                continue;
            v = (uint64_t)t->nodes[c].pub.formula_value;
            if (sum > UINT64_MAX - v) {
                st = mtl__error(MTL_E_RANGE,
                                "the targets of the children of '%.64s' sum "
                                "above 2^64", node_name(n));
                break;
            }
            sum += v;
            w[k++] = v;
        }
        if (st || k == 0)
            continue;
        if (sum == 0) {
            /* nothing to be proportional to: an even split */
            for (j = 0; j < k; j++)
                w[j] = 1;
            sum = k;
            how = MTL_TARGET_RESCALE_EVEN;
        }
        lr_split(n->pub.target, w, k, sum, parts, scratch);
        j = 0;
        for (c = n->pub.first_child; c >= 0; c = t->nodes[c].pub.next_sibling) {
            tnode *ch = &t->nodes[c];
            if (!is_org(ch->pub.kind))
                continue;
            ch->pub.target = parts[j++];
            ch->pub.rescale = how;
            ch->pub.scale = how == MTL_TARGET_RESCALE_EVEN
                                ? NAN
                                : (double)n->pub.target / (double)sum;
        }
    }
done:
    mtl__free(&t->alloc, w, max_children * sizeof *w);
    mtl__free(&t->alloc, parts, max_children * sizeof *parts);
    mtl__free(&t->alloc, scratch, max_children * sizeof *scratch);
    return st;
}

/* The figure a node contributes to its parent's bottom-up (or NONE when it
 * has nothing of its own and no children). */
static int64_t own_figure(const mtl_target_tree *t, const tnode *n, int forecasts)
{
    if (forecasts) {
        int64_t v;
        if (t->eval_valid && n->pub.evaluated && round_amount(n->pub.expected, &v))
            return v;
        return MTL_TARGET_NONE;
    }
    return n->pub.commitment;
}

/* Bottom-up figures and gaps, children before parents (reverse index
 * order).  Period nodes have none. */
static mtl_status derive_bottom_up(mtl_target_tree *t)
{
    int forecasts = t->rec.bottom_up == MTL_TARGET_BOTTOM_UP_FORECASTS;
    size_t i;
    if (forecasts && !t->eval_valid) {
        /* the figures come with the evaluation */
        for (i = 0; i < t->count; i++) {
            tnode *n = &t->nodes[i];
            n->pub.uncommitted = 0;
            n->pub.bottom_up = n->pub.gap = MTL_TARGET_NONE;
            n->pub.gap_ratio = NAN;
        }
        return MTL_OK;
    }
    for (i = t->count; i-- > 0;) {
        tnode *n = &t->nodes[i];
        int64_t c, sum = 0;
        int32_t org_children = 0, uncommitted = 0;
        if (!is_org(n->pub.kind))
            continue;
        for (c = n->pub.first_child; c >= 0; c = t->nodes[c].pub.next_sibling) {
            const tnode *ch = &t->nodes[c];
            int64_t v;
            if (!is_org(ch->pub.kind))
                continue;
            org_children++;
            v = own_figure(t, ch, forecasts);
            if (v == MTL_TARGET_NONE)
                v = ch->pub.bottom_up;
            if (v == MTL_TARGET_NONE) {
                v = ch->pub.target;
                uncommitted++;
            }
            if (!add_checked(&sum, v))
                return mtl__error(MTL_E_RANGE,
                                  "the bottom-up figure of '%.64s' is above "
                                  "INT64_MAX", node_name(n));
        }
        n->pub.uncommitted = uncommitted;
        n->pub.bottom_up = org_children ? sum : own_figure(t, n, forecasts);
        if (n->pub.bottom_up == MTL_TARGET_NONE) {
            n->pub.gap = MTL_TARGET_NONE;
            n->pub.gap_ratio = NAN;
        } else {
            n->pub.gap = n->pub.bottom_up - n->pub.target; /* both >= 0 */
            n->pub.gap_ratio = n->pub.target > 0
                                   ? (double)n->pub.gap / (double)n->pub.target
                                   : NAN;
        }
    }
    return MTL_OK;
}

MTL_API mtl_status mtl_target_tree_reconcile(
    mtl_target_tree *tree, const mtl_target_reconcile_options *options)
{
    mtl_target_reconcile_options o;
    int64_t *before = NULL;
    size_t i;
    mtl_status st;

    if (!tree)
        return mtl__error_null("tree");
    mtl_target_reconcile_options_init(&o, sizeof o);
    st = take_options(&o, options, sizeof o, "mtl_target_reconcile_options");
    if (st)
        return st;
    tree->reconciled = 0;
    if (o.bottom_up != MTL_TARGET_BOTTOM_UP_COMMITMENTS &&
        o.bottom_up != MTL_TARGET_BOTTOM_UP_FORECASTS)
        return mtl__error(MTL_E_RANGE,
                          "mtl_target_reconcile_options.bottom_up: %d is not "
                          "COMMITMENTS or FORECASTS", (int)o.bottom_up);
    /* an evaluation survives only if no target moves */
    if (tree->eval_valid) {
        before = mtl__alloc_array(&tree->alloc, tree->count, sizeof *before);
        if (!before)
            return mtl__error_oom();
        for (i = 0; i < tree->count; i++)
            before[i] = tree->nodes[i].pub.target;
    }
    tree->reconciled = 0;
    st = derive_targets(tree, o.rescale != 0);
    if (st == MTL_OK) {
        split_periods(tree);
        if (before)
            for (i = 0; i < tree->count; i++)
                if (before[i] != tree->nodes[i].pub.target)
                    tree->eval_valid = 0;
        tree->rec = o;
        st = derive_bottom_up(tree);
    }
    if (before)
        mtl__free(&tree->alloc, before, tree->count * sizeof *before);
    if (st)
        return st;
    tree->reconciled = 1;
    return MTL_OK;
}

/* ---- evaluation ------------------------------------------------------- */

/* Whether an org node with an empty name can be scoped: only as its
 * parent's only child of its kind. */
static int scopable(const mtl_target_tree *t, const tnode *n)
{
    int64_t c;
    int32_t k = 0;
    if (n->pub.kind == MTL_TARGET_COMPANY || n->name[0] != '\0')
        return 1;
    for (c = t->nodes[n->pub.parent].pub.first_child; c >= 0;
         c = t->nodes[c].pub.next_sibling)
        k += t->nodes[c].pub.kind == n->pub.kind;
    return k == 1;
}

MTL_API mtl_status mtl_target_tree_evaluate(
    mtl_target_tree *tree, const mtl_market *market,
    const mtl_target_evaluate_options *options)
{
    mtl_target_evaluate_options o;
    size_t i;
    mtl_status st = MTL_OK;

    if (!tree)
        return mtl__error_null("tree");
    if (!market)
        return mtl__error_null("market");
    mtl_target_evaluate_options_init(&o, sizeof o);
    st = take_options(&o, options, sizeof o, "mtl_target_evaluate_options");
    if (st)
        return st;
    if (!tree->reconciled)
        return mtl__error(MTL_E_STATE,
                          "the target tree changed: call mtl_target_tree_reconcile "
                          "before evaluating it");
    tree->eval_valid = 0;
    for (i = 0; i < tree->count && st == MTL_OK; i++) {
        tnode *n = &tree->nodes[i];
        const tnode *region = NULL, *owner = NULL, *p;
        mtl_forecast_options fo;
        mtl_forecast_summary s;
        mtl_forecast *f = NULL;
        int ok = 1;

        n->pub.evaluated = 0;
        n->pub.actual = MTL_TARGET_NONE;
        n->pub.attainment = n->pub.expected = n->pub.p_hit = NAN;
        for (p = n;; p = &tree->nodes[p->pub.parent]) {
            if (p->pub.kind == MTL_TARGET_OWNER)
                owner = p;
            else if (p->pub.kind == MTL_TARGET_REGION)
                region = p;
            if (is_org(p->pub.kind) && !scopable(tree, p))
                ok = 0;
            if (p->pub.parent < 0)
                break;
        }
        if (!ok)
            continue;
        mtl_forecast_options_init(&fo, sizeof fo);
        fo.period_start = n->pub.period_start;
        fo.period_end = n->pub.period_end;
        fo.as_of = o.as_of;
        fo.probability_source = o.probability_source;
        fo.region = region ? region->name : NULL;
        fo.owner = owner ? owner->name : NULL;
        fo.target = n->pub.target;
        fo.method = o.method;
        fo.draws = o.draws;
        fo.seed = o.seed;
        st = mtl_forecast_create(&f, market, &fo);
        if (st)
            break;
        memset(&s, 0, sizeof s);
        s.struct_size = sizeof s;
        st = mtl_forecast_summary_get(f, &s);
        mtl_forecast_unref(f);
        if (st)
            break;
        n->pub.evaluated = 1;
        n->pub.actual = s.closed_won_amount;
        n->pub.expected = s.expected;
        if (n->pub.target > 0) {
            n->pub.attainment = (double)s.closed_won_amount / (double)n->pub.target;
            n->pub.p_hit = s.p_hit_target;
        }
    }
    if (st == MTL_OK) {
        tree->eval_valid = 1;
        if (tree->rec.bottom_up == MTL_TARGET_BOTTOM_UP_FORECASTS)
            st = derive_bottom_up(tree);
    }
    if (st) {
        mtl_status keep = st;
        tree->eval_valid = 0;
        if (tree->rec.bottom_up == MTL_TARGET_BOTTOM_UP_FORECASTS)
            derive_bottom_up(tree); /* back to "no figures": cannot fail */
        return keep;
    }
    return MTL_OK;
}

/* ---- reading ---------------------------------------------------------- */

MTL_API size_t mtl_target_tree_node_count(const mtl_target_tree *tree)
{
    return tree ? tree->count : 0;
}

MTL_API int64_t mtl_target_tree_minor_per_major(const mtl_target_tree *tree)
{
    return tree ? tree->minor_per_major : 0;
}

MTL_API mtl_status mtl_target_tree_find(size_t *out, const mtl_target_tree *tree,
                                        size_t parent, const char *name)
{
    int64_t c;
    if (!out)
        return mtl__error_null("out");
    if (!tree)
        return mtl__error_null("tree");
    if (!name)
        return mtl__error_null("name");
    if (parent >= tree->count)
        return mtl__error(MTL_E_NOT_FOUND, "parent node %zu: the tree has %zu nodes",
                          parent, tree->count);
    c = find_child(tree, parent, name);
    if (c < 0)
        return mtl__error(MTL_E_NOT_FOUND, "node '%.64s' has no child '%.64s'",
                          node_name(&tree->nodes[parent]), name);
    *out = (size_t)c;
    return MTL_OK;
}

MTL_API mtl_status mtl_target_tree_node(const mtl_target_tree *tree, size_t index,
                                        mtl_target_node *out)
{
    const tnode *n;
    size_t size;
    mtl_status st;
    if (!tree)
        return mtl__error_null("tree");
    if (!out)
        return mtl__error_null("out");
    st = mtl__struct_check(out->struct_size, sizeof *out, "mtl_target_node");
    if (st)
        return st;
    if (index >= tree->count)
        return mtl__error(MTL_E_NOT_FOUND, "node %zu: the tree has %zu nodes", index,
                          tree->count);
    if (!tree->reconciled)
        return mtl__error(MTL_E_STATE,
                          "the target tree changed: call mtl_target_tree_reconcile "
                          "before reading it");
    n = &tree->nodes[index];
    size = out->struct_size;
    *out = n->pub;
    out->struct_size = size;
    out->name = node_name(n);
    if (!tree->eval_valid) {
        out->evaluated = 0;
        out->actual = MTL_TARGET_NONE;
        out->attainment = out->expected = out->p_hit = NAN;
    }
    return MTL_OK;
}

/* ---- the tree from a market's history --------------------------------- */

typedef struct hist_pair {
    const char *region, *owner;
    uint64_t hash;
    int64_t base, prior; /* won in Y-1, Y-2 */
    int active;
} hist_pair;

typedef struct hist_region {
    const char *name;
    int64_t base, prior;
    int active;
    size_t first, count; /* its pairs, after sorting */
    double growth, resource, potential;
    size_t node;
} hist_region;

typedef struct hist {
    mtl__allocator *a;
    hist_pair *pairs;
    size_t npairs;
    size_t *slots; /* open addressing: pair index + 1, 0 = empty */
    size_t mask;
} hist;

static uint64_t pair_hash(const char *r, const char *o)
{
    return mtl__hash(r, strlen(r)) * 31u ^ mtl__hash(o, strlen(o));
}

static int hist_grow(hist *h)
{
    size_t cap = h->mask ? (h->mask + 1) * 2 : 64, i;
    size_t *slots = mtl__alloc_array(h->a, cap, sizeof *slots);
    hist_pair *pairs;
    if (!slots)
        return 0;
    /* pairs hold at most half the slots */
    pairs = mtl__realloc(h->a, h->pairs, (h->mask ? (h->mask + 1) / 2 : 0) * sizeof *pairs,
                         cap / 2 * sizeof *pairs);
    if (!pairs) {
        mtl__free(h->a, slots, cap * sizeof *slots);
        return 0;
    }
    h->pairs = pairs;
    memset(slots, 0, cap * sizeof *slots);
    for (i = 0; i < h->npairs; i++) {
        size_t s = (size_t)pairs[i].hash & (cap - 1);
        while (slots[s])
            s = (s + 1) & (cap - 1);
        slots[s] = i + 1;
    }
    mtl__free(h->a, h->slots, h->mask ? (h->mask + 1) * sizeof *h->slots : 0);
    h->slots = slots;
    h->mask = cap - 1;
    return 1;
}

static void hist_free(hist *h)
{
    size_t cap = h->mask ? h->mask + 1 : 0;
    mtl__free(h->a, h->slots, cap * sizeof *h->slots);
    mtl__free(h->a, h->pairs, cap / 2 * sizeof *h->pairs);
}

static hist_pair *hist_get(hist *h, const char *r, const char *o)
{
    uint64_t hv = pair_hash(r, o);
    size_t s;
    hist_pair *p;
    if ((h->npairs + 1) * 2 > (h->mask ? h->mask + 1 : 0) && !hist_grow(h))
        return NULL;
    for (s = (size_t)hv & h->mask; h->slots[s]; s = (s + 1) & h->mask) {
        p = &h->pairs[h->slots[s] - 1];
        if (p->hash == hv && strcmp(p->region, r) == 0 && strcmp(p->owner, o) == 0)
            return p;
    }
    p = &h->pairs[h->npairs];
    memset(p, 0, sizeof *p);
    p->region = r;
    p->owner = o;
    p->hash = hv;
    h->slots[s] = ++h->npairs;
    return p;
}

static int pair_cmp(const void *a, const void *b)
{
    const hist_pair *x = a, *y = b;
    int c = strcmp(x->region, y->region);
    if (c)
        return c;
    if (x->base != y->base)
        return x->base > y->base ? -1 : 1;
    return strcmp(x->owner, y->owner);
}

static int region_cmp(const void *a, const void *b)
{
    const hist_region *x = a, *y = b;
    if (x->base != y->base)
        return x->base > y->base ? -1 : 1;
    return strcmp(x->name, y->name);
}

static mtl_status hist_scan(hist *h, const mtl_market *market, int32_t year,
                            int64_t *company_base)
{
    /* [y2, y1) is Y-2, [y1, y0) Y-1, [y0, yn) Y; a year before 0001 is an
     * empty window */
    int32_t y0 = civil_day(year, 1), yn = civil_day(year + 1, 1);
    int32_t y1 = year - 1 >= 1 ? civil_day(year - 1, 1) : y0;
    int32_t y2 = year - 2 >= 1 ? civil_day(year - 2, 1) : y1;
    const mtl_lead *lead = NULL;
    *company_base = 0;
    while ((lead = mtl_lead_next(market, lead)) != NULL) {
        const char *r = mtl_lead_region(lead), *o = mtl_lead_owner(lead);
        int32_t outcome = mtl_lead_outcome(lead), closed = mtl_lead_closed(lead);
        int64_t amount = mtl_lead_amount(lead);
        int in_base = closed != MTL_DATE_NONE && closed >= y1 && closed < y0;
        int in_prior = closed != MTL_DATE_NONE && closed >= y2 && closed < y1;
        int in_year = closed != MTL_DATE_NONE && closed >= y0 && closed < yn;
        hist_pair *p = hist_get(h, r ? r : "", o ? o : "");
        if (!p)
            return mtl__error_oom();
        if (outcome == MTL_OUTCOME_OPEN || in_base || in_year)
            p->active = 1;
        if (outcome != MTL_OUTCOME_WON)
            continue;
        if ((in_base && (!add_checked(&p->base, amount) ||
                         !add_checked(company_base, amount))) ||
            (in_prior && !add_checked(&p->prior, amount)))
            return mtl__error(MTL_E_RANGE, "won amounts sum above INT64_MAX");
    }
    return MTL_OK;
}

static mtl_status apply_overrides(hist_region *regions, size_t nregions,
                                  const mtl_target_history_options *ho)
{
    size_t i, j;
    for (i = 0; i < ho->region_count; i++) {
        const char *name = ho->regions[i];
        hist_region *r = NULL;
        if (!name)
            return mtl__error(MTL_E_INVALID_ARGUMENT,
                              "mtl_target_history_options.regions[%zu] is NULL", i);
        for (j = 0; j < i; j++)
            if (strcmp(ho->regions[j], name) == 0)
                return mtl__error(MTL_E_DUPLICATE,
                                  "mtl_target_history_options.regions: '%.64s' "
                                  "appears twice", name);
        for (j = 0; j < nregions; j++)
            if (regions[j].active && strcmp(regions[j].name, name) == 0)
                r = &regions[j];
        if (!r)
            return mtl__error(MTL_E_NOT_FOUND,
                              "mtl_target_history_options.regions[%zu]: no region "
                              "'%.64s' among the active regions", i, name);
        if (ho->region_growth && !isnan(ho->region_growth[i]))
            r->growth = ho->region_growth[i];
        if (ho->region_resource)
            r->resource = ho->region_resource[i];
        if (ho->region_potential)
            r->potential = ho->region_potential[i];
    }
    return MTL_OK;
}

static mtl_status build_from_history(mtl_target_tree *t, hist *h,
                                     int64_t company_base,
                                     const mtl_target_history_options *ho)
{
    hist_region *regions = NULL;
    size_t nregions = 0, i, j;
    mtl_target_inputs in;
    mtl_status st;

    mtl_target_inputs_init(&in, sizeof in);
    in.formula = MTL_TARGET_FORMULA_HQ;
    in.base = company_base;
    in.growth = ho->growth;
    in.k = ho->k;
    st = mtl_target_tree_set_inputs(t, MTL_TARGET_ROOT, &in);
    if (st)
        return st;
    if (h->npairs == 0)
        return MTL_OK;

    qsort(h->pairs, h->npairs, sizeof *h->pairs, pair_cmp);
    for (i = 0; i < h->npairs; i++)
        if (i == 0 || strcmp(h->pairs[i].region, h->pairs[i - 1].region) != 0)
            nregions++;
    regions = mtl__alloc_array(&t->alloc, nregions, sizeof *regions);
    if (!regions)
        return mtl__error_oom();
    memset(regions, 0, nregions * sizeof *regions);
    for (i = 0, j = 0; i < h->npairs; i++) {
        const hist_pair *p = &h->pairs[i];
        hist_region *r;
        if (i > 0 && strcmp(p->region, h->pairs[i - 1].region) != 0)
            j++;
        r = &regions[j];
        if (r->count == 0) {
            r->name = p->region;
            r->first = i;
        }
        r->count++;
        r->active |= p->active;
        /* each sum is at most the company's or a pair's, checked in the scan
         * only for Y-1; Y-2 sums per region are checked here */
        r->base += p->base;
        if (!add_checked(&r->prior, p->prior)) {
            st = mtl__error(MTL_E_RANGE, "won amounts sum above INT64_MAX");
            goto done;
        }
    }
    for (i = 0; i < nregions; i++) {
        hist_region *r = &regions[i];
        /* year-over-year growth; the company growth without a Y-2 figure */
        r->growth = r->prior > 0 ? (double)r->base / (double)r->prior - 1.0
                                 : ho->growth;
        r->resource = r->potential = 0.0;
    }
    st = apply_overrides(regions, nregions, ho);
    if (st)
        goto done;
    qsort(regions, nregions, sizeof *regions, region_cmp);

    for (i = 0; i < nregions && st == MTL_OK; i++) {
        hist_region *r = &regions[i];
        mtl_target_node d;
        size_t n = 0, k, seen, larger;
        int64_t prev;
        double personal;
        if (!r->active)
            continue;
        mtl_target_inputs_init(&in, sizeof in);
        in.formula = MTL_TARGET_FORMULA_REGION;
        in.base = r->base;
        in.growth = r->growth;
        in.resource = r->resource;
        in.potential = r->potential;
        st = mtl_target_tree_add(&r->node, t, MTL_TARGET_ROOT, r->name, &in);
        if (st)
            break;
        d = t->nodes[r->node].pub;
        /* libmtl's personal growth: what the region's formula asks of its
         * base, so an owner of rank coefficient 1 grows with the region */
        personal = d.factor - 1.0;
        for (k = 0; k < r->count; k++)
            n += h->pairs[r->first + k].active;
        for (k = 0, seen = 0, larger = 0, prev = -1; k < r->count && st == MTL_OK; k++) {
            const hist_pair *p = &h->pairs[r->first + k];
            if (!p->active)
                continue;
            /* pairs are sorted by base, largest first: the owners above with
             * a larger base are those seen before this base first came */
            if (p->base != prev) {
                larger = seen;
                prev = p->base;
            }
            seen++;
            mtl_target_inputs_init(&in, sizeof in);
            in.formula = MTL_TARGET_FORMULA_INDIVIDUAL;
            in.base = p->base;
            in.growth = personal;
            /* libmtl's rank mapping: linear from 1.2 (top) to 0.7 (bottom) */
            in.rank = n > 1 ? 1.2 - 0.5 * (double)larger / (double)(n - 1) : 1.0;
            st = mtl_target_tree_add(NULL, t, r->node, p->owner, &in);
        }
    }
done:
    mtl__free(&t->alloc, regions, nregions * sizeof *regions);
    return st;
}

MTL_API mtl_status mtl_target_tree_from_history(
    mtl_target_tree **out, const mtl_market *market,
    const mtl_target_options *options,
    const mtl_target_history_options *history)
{
    mtl_target_history_options ho;
    mtl_target_tree *t = NULL;
    hist h;
    int64_t company_base;
    mtl_status st;

    if (out)
        *out = NULL;
    if (!out)
        return mtl__error_null("out");
    if (!market)
        return mtl__error_null("market");
    mtl_target_history_options_init(&ho, sizeof ho);
    st = take_options(&ho, history, sizeof ho, "mtl_target_history_options");
    if (st)
        return st;
    if (ho.region_count && !ho.regions)
        return mtl__error(MTL_E_INVALID_ARGUMENT,
                          "mtl_target_history_options.regions is NULL with "
                          "region_count %zu", ho.region_count);
    st = mtl_target_tree_create(&t, market, options);
    if (st)
        return st;
    memset(&h, 0, sizeof h);
    h.a = &t->alloc;
    st = hist_scan(&h, market, t->year, &company_base);
    if (st == MTL_OK)
        st = build_from_history(t, &h, company_base, &ho);
    hist_free(&h);
    if (st == MTL_OK)
        st = mtl_target_tree_reconcile(t, NULL);
    if (st) {
        mtl_target_tree_destroy(t);
        return st;
    }
    *out = t;
    return MTL_OK;
}
