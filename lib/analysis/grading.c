/* grading.c: customer value, grade, relationship and decision chain
 * (grading.h, SPEC 6, docs/methods/customers.md).
 *
 * One pass over the customers computes each one's value and assessment
 * into the report's arena; a sort by value (ties by id) gives the ranks,
 * and the grades follow from the ranks (quantiles) or the values
 * (thresholds).  Everything the report shows is copied into its arena, so
 * it outlives the market. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/bon.h"
#include "analysis/grading.h"
#include "core/number.h"
#include "core/versioned.h"
#include "market/internal.h"

struct mtl_grading {
    mtl__report base;            /* the allocator copy and the arena */
    size_t n;
    mtl_customer_grading *rows;  /* by rank */
};

/* ---- options ----------------------------------------------------------- */

/* Defaults (grading.h): top 5 %, next 15 %, next 30 %; support in projects
 * weighs double, "the touchstone of the relationship" (seed 002). */
static const double default_quantiles[3] = { 0.05, 0.20, 0.50 };
static const double default_rel_weights[MTL_REL_COUNT] = { 0.15, 0.10, 0.15,
                                                           0.15, 0.30, 0.15 };


static const char *const grade_names[5] = { "none", "strategic", "partner",
                                            "commercial", "general" };

MTL_API mtl_status mtl_grading_options_init(mtl_grading_options *options,
                                            size_t struct_size)
{
    mtl_status st = mtl__struct_init(options, struct_size, sizeof *options,
                                     "mtl_grading_options");
    if (st)
        return st;
    options->grade_by = MTL_GRADE_BY_QUANTILES;
    memcpy(options->quantiles, default_quantiles, sizeof default_quantiles);
    memcpy(options->relationship_weights, default_rel_weights,
           sizeof default_rel_weights);
    options->roles = 0;
    return MTL_OK;
}

static mtl_status check_options(const mtl_grading_options *o)
{
    int k;
    mtl_status st = mtl__struct_check(o->struct_size, sizeof *o, "mtl_grading_options");
    if (st)
        return st;
    if (o->grade_by != MTL_GRADE_BY_QUANTILES && o->grade_by != MTL_GRADE_BY_THRESHOLDS)
        return mtl__error(MTL_E_RANGE, "grade_by %d: 0 (quantiles) or 1 (thresholds)",
                          (int)o->grade_by);
    for (k = 0; k < 3; k++) {
        double q = o->quantiles[k];
        if ((st = mtl__check_unit(q, "quantiles", k)) != MTL_OK)
            return st;
        if (k > 0 && q < o->quantiles[k - 1]) {
            char a[32], b[32];
            mtl__format_double(a, sizeof a, q);
            mtl__format_double(b, sizeof b, o->quantiles[k - 1]);
            return mtl__error(MTL_E_RANGE,
                              "quantiles[%d] %s below quantiles[%d] %s (they are "
                              "cumulative shares)", k, a, k - 1, b);
        }
    }
    for (k = 0; k < 3; k++) {
        if (o->thresholds[k] < 0)
            return mtl__error(MTL_E_RANGE, "thresholds[%d] %lld is negative", k,
                              (long long)o->thresholds[k]);
        if (k > 0 && o->thresholds[k] > o->thresholds[k - 1])
            return mtl__error(MTL_E_RANGE,
                              "thresholds[%d] %lld above thresholds[%d] %lld (strategic "
                              ">= partner >= commercial)", k,
                              (long long)o->thresholds[k], k - 1,
                              (long long)o->thresholds[k - 1]);
    }
    if ((st = mtl__check_weights(o->relationship_weights, MTL_REL_COUNT,
                                 "relationship_weights", mtl__dimension_names)) != MTL_OK)
        return st;
    if (o->roles & ~(uint32_t)MTL__ROLES_ALL)
        return mtl__error(MTL_E_RANGE,
                          "roles 0x%x: only bits 1 << 1 ... 1 << 7 (MTL_ROLE_*)",
                          (unsigned)o->roles);
    return MTL_OK;
}

/* ---- relationship and decision chain (shared with verification.c) ------ */

void mtl__relationship_score(mtl_score *out, mtl_term *terms,
                             const mtl_customer *customer, const double *weights)
{
    double ratings[MTL_REL_COUNT], sum = 0;
    size_t n = 0;
    int k;
    /* never assessed (MTL_E_NOT_FOUND): nothing assessed */
    if (mtl_customer_relationship(customer, ratings) != MTL_OK)
        for (k = 0; k < MTL_REL_COUNT; k++)
            ratings[k] = NAN;
    for (k = 0; k < MTL_REL_COUNT; k++)
        if (!isnan(ratings[k]))
            sum += weights[k];
    /* seed 002's six dimensions rated 1 ... 5; libmtl's definition: the
     * weighted mean of (rating - 1) over the assessed ones, scaled so that
     * all 5s give 100: weight 100 w / (4 Σw assessed) */
    if (sum > 0)
        for (k = 0; k < MTL_REL_COUNT; k++)
            if (!isnan(ratings[k]))
                mtl__term_set(&terms[n++], mtl__dimension_names[k],
                              100.0 * weights[k] / (4.0 * sum), ratings[k] - 1.0);
    mtl__score_set(out, terms, n);
}

mtl_status mtl__coverage(mtl_score *out, mtl_term *terms, mtl__chain *chain,
                         const mtl_customer *customer, uint32_t roles)
{
    size_t i, k = 0, n;
    int32_t role;
    memset(chain, 0, sizeof *chain);
    n = mtl_customer_contact_count(customer);
    for (i = 0; i < n; i++) {
        mtl_contact c;
        mtl_status st;
        mtl_contact_init(&c, sizeof c);
        if ((st = mtl_customer_contact_at(customer, i, &c)) != MTL_OK)
            return st;
        if (c.role < 1 || c.role >= MTL_ROLE_COUNT)
            continue; /* the setter refuses these; never trust a bit shift */
        if (c.attitude == MTL_ATTITUDE_SUPPORTER)
            chain->supported |= 1u << c.role;
        else if (c.attitude == MTL_ATTITUDE_OPPONENT)
            chain->opposed |= 1u << c.role;
        if (c.coach == 1)
            chain->coaches++;
    }
    chain->contacts = n;
    if (n == 0) {
        mtl__score_set(out, terms, 0);
        return MTL_OK;
    }
    for (role = 1; role < MTL_ROLE_COUNT; role++)
        k += (roles >> role) & 1u;
    /* SPEC 6: coverage = share of the decision roles held by a supporter */
    n = 0;
    for (role = 1; role < MTL_ROLE_COUNT; role++)
        if ((roles >> role) & 1u)
            mtl__term_set(&terms[n++], mtl_role_name(role), 1.0 / (double)k,
                          (chain->supported >> role) & 1u ? 1.0 : 0.0);
    mtl__score_set(out, terms, n);
    return MTL_OK;
}

/* ---- text, the same in every locale ----------------------------------- */

/* An amount in minor units (>= 0, rounded to a whole minor unit) in major
 * units with thousands separators: "12,000,000.00". */
static void format_money(char *buf, size_t cap, double minor, int64_t per_major)
{
    char tmp[48];
    size_t len = 0, i, digits = 0, ndig;
    uint64_t u, major, frac;
    int64_t v;
    double r = floor(minor + 0.5);
    if (!(r > 0))
        r = 0; /* values are never negative; NaN would be a bug upstream */
    /* 2^64 - 2048, the largest double below 2^64 */
    u = r >= 18446744073709549568.0 ? UINT64_C(18446744073709549568) : (uint64_t)r;
    for (v = per_major; v >= 10; v /= 10)
        digits++;
    major = u / (uint64_t)per_major;
    frac = u % (uint64_t)per_major;
    /* major digits, least significant first, with a comma every three */
    ndig = 0;
    do {
        if (ndig && ndig % 3 == 0)
            tmp[len++] = ',';
        tmp[len++] = (char)('0' + major % 10);
        major /= 10;
        ndig++;
    } while (major);
    for (i = 0; i < len / 2; i++) {
        char c = tmp[i];
        tmp[i] = tmp[len - 1 - i];
        tmp[len - 1 - i] = c;
    }
    if (digits) {
        tmp[len++] = '.';
        for (i = digits; i-- > 0;) {
            tmp[len + i] = (char)('0' + frac % 10);
            frac /= 10;
        }
        len += digits;
    }
    tmp[len] = 0;
    snprintf(buf, cap, "%s", tmp);
}

/* A share 0 ... 1 as a percentage with up to two decimals: "5", "12.5". */
static void format_percent(char *buf, size_t cap, double share)
{
    long long h = llround(share * 10000.0); /* hundredths of a percent */
    if (h % 100 == 0)
        snprintf(buf, cap, "%lld", h / 100);
    else if (h % 10 == 0)
        snprintf(buf, cap, "%lld.%lld", h / 100, (h % 100) / 10);
    else
        snprintf(buf, cap, "%lld.%02lld", h / 100, h % 100);
}

/* ---- the report -------------------------------------------------------- */

/* Rank order: value descending, then id. */
static int by_value(const void *pa, const void *pb)
{
    const mtl_customer_grading *a = pa, *b = pb;
    if (a->value.value != b->value.value)
        return a->value.value > b->value.value ? -1 : 1;
    return strcmp(a->id, b->id);
}

/* ceil(q n), robust against q n landing a hair above an integer (0.2 x 10
 * may be 2.0000000000000004): the cut never grows by floating point. */
static size_t quantile_cut(double q, size_t n)
{
    double c = ceil(q * (double)n - 1e-9);
    if (!(c > 0))
        return 0;
    return c >= (double)n ? n : (size_t)c;
}

/* Value and assess one customer into row (everything but rank and grade). */
static mtl_status assess(mtl_grading *g, const mtl_customer *c,
                         const mtl_grading_options *o, uint32_t roles,
                         mtl_customer_grading *row)
{
    mtl__explain *e = &g->base.e;
    const mtl_segment *seg = mtl_customer_segment(c);
    mtl_term *t;
    mtl__chain chain;
    mtl_status st;
    row->struct_size = sizeof *row;
    row->id = mtl__explain_strdup(e, mtl_customer_id(c));
    row->name = mtl__explain_strdup(e, mtl_customer_name(c));
    row->segment_id = mtl__explain_strdup(e, seg ? mtl_segment_id(seg) : "");
    if (!row->id || !row->name || !row->segment_id)
        return mtl__error_oom();
    /* seed 000: value from investment behaviour = revenue now + expected
     * investment x the probability that we take part */
    if (!(t = mtl__explain_terms(e, 2)))
        return mtl__error_oom();
    mtl__term_set(&t[0], "revenue", 1.0, (double)mtl_customer_revenue(c));
    mtl__term_set(&t[1], "investment", mtl_customer_participation(c),
                  (double)mtl_customer_investment(c));
    mtl__score_set(&row->value, t, 2);
    row->recorded_grade = mtl_customer_grade(c);

    if (!(t = mtl__explain_terms(e, MTL_REL_COUNT)))
        return mtl__error_oom();
    mtl__relationship_score(&row->relationship, t, c, o->relationship_weights);

    if (!(t = mtl__explain_terms(e, MTL_ROLE_COUNT - 1)))
        return mtl__error_oom();
    if ((st = mtl__coverage(&row->coverage, t, &chain, c, roles)) != MTL_OK)
        return st;
    row->contact_count = chain.contacts;
    row->coach_count = chain.coaches;
    row->supported_roles = chain.supported;
    /* without a decision chain every counted role lacks a supporter */
    row->missing_roles = roles & ~chain.supported;
    row->opposed_roles = chain.opposed;

    return mtl__pain_index(&row->pain_index, e, NULL, c);
}

/* Grades and reasons, rows already in rank order. */
static mtl_status grade_rows(mtl_grading *g, const mtl_grading_options *o,
                             int64_t per_major)
{
    mtl__explain *e = &g->base.e;
    size_t i, n = g->n, cut[3], tie_rank = 0;
    char money[64], lim[64], pct[48];
    for (i = 0; i < 3; i++)
        cut[i] = quantile_cut(o->quantiles[i], n);
    for (i = 0; i < n; i++) {
        mtl_customer_grading *r = &g->rows[i];
        int32_t grade;
        const char *reason;
        format_money(money, sizeof money, r->value.value, per_major);
        if (o->grade_by == MTL_GRADE_BY_THRESHOLDS) {
            int k;
            for (k = 0; k < 3; k++)
                if (r->value.value >= (double)o->thresholds[k])
                    break;
            grade = MTL_GRADE_STRATEGIC + k;
            format_money(lim, sizeof lim, (double)o->thresholds[k < 3 ? k : 2],
                         per_major);
            reason = k < 3 ? mtl__explain_printf(e, "value %s >= %s threshold %s",
                                                 money, grade_names[grade], lim)
                           : mtl__explain_printf(e, "value %s < %s threshold %s",
                                                 money, grade_names[MTL_GRADE_COMMERCIAL],
                                                 lim);
        } else {
            size_t rank = i + 1;
            int k, tied = 0;
            for (k = 0; k < 3; k++)
                if (rank <= cut[k])
                    break;
            grade = MTL_GRADE_STRATEGIC + k;
            /* ties never split: equal to the last member of a higher
             * grade, a customer gets that grade (chains of ties too) */
            if (i > 0 && r->value.value == g->rows[i - 1].value.value &&
                g->rows[i - 1].grade < grade) {
                grade = g->rows[i - 1].grade;
                tied = 1;
                if (tie_rank == 0)
                    tie_rank = i; /* the rank of rows[i - 1] */
            } else {
                tie_rank = 0;
            }
            format_percent(pct, sizeof pct, o->quantiles[grade == MTL_GRADE_GENERAL
                                                             ? 2
                                                             : grade - MTL_GRADE_STRATEGIC]);
            if (tied)
                reason = mtl__explain_printf(e,
                                             "value %s ranks %zu of %zu, tied with rank "
                                             "%zu in the top %s%% (%s)",
                                             money, rank, n, tie_rank, pct,
                                             grade_names[grade]);
            else if (grade == MTL_GRADE_GENERAL)
                reason = mtl__explain_printf(e,
                                             "value %s ranks %zu of %zu, below the top "
                                             "%s%% (general)", money, rank, n, pct);
            else
                reason = mtl__explain_printf(e,
                                             "value %s ranks %zu of %zu, in the top %s%% "
                                             "(%s)", money, rank, n, pct,
                                             grade_names[grade]);
        }
        if (!reason)
            return mtl__error_oom();
        r->grade = grade;
        r->grade_reason = reason;
    }
    return MTL_OK;
}

static mtl_status build(mtl_grading *g, const mtl_market *market,
                        const mtl_grading_options *o)
{
    uint32_t roles = o->roles ? o->roles : MTL__ROLES_ALL;
    size_t cap = mtl_market_customer_count(market), i, n = 0;
    const mtl_customer *c;
    mtl_status st;
    if (cap == 0)
        return MTL_OK;
    if (cap > SIZE_MAX / sizeof *g->rows ||
        !(g->rows = mtl__explain_alloc(&g->base.e, cap * sizeof *g->rows)))
        return mtl__error_oom();
    for (c = mtl_customer_next(market, NULL); c && n < cap;
         c = mtl_customer_next(market, c), n++)
        if ((st = assess(g, c, o, roles, &g->rows[n])) != MTL_OK)
            return st;
    g->n = n;
    if ((st = mtl__sort_rows(&g->base.alloc, g->rows, n, sizeof *g->rows, by_value)))
        return st;
    for (i = 0; i < n; i++)
        g->rows[i].rank = i + 1;
    return grade_rows(g, o, mtl_market_minor_per_major(market));
}

MTL_API mtl_status mtl_grading_compute(mtl_grading **out, const mtl_market *market,
                                       const mtl_grading_options *options)
{
    mtl_grading_options defaults;
    mtl__report *base;
    mtl_grading *g;
    mtl_status st;
    if (out)
        *out = NULL;
    if (!out)
        return mtl__error_null("out");
    if (!market)
        return mtl__error_null("market");
    if (!options) {
        mtl_grading_options_init(&defaults, sizeof defaults);
        options = &defaults;
    }
    if ((st = check_options(options)) != MTL_OK)
        return st;
    if ((st = mtl__report_create(&base, market, sizeof *g)) != MTL_OK)
        return st;
    g = (mtl_grading *)base;
    if ((st = build(g, market, options)) != MTL_OK) {
        mtl__report_destroy(&g->base, sizeof *g);
        return st;
    }
    *out = g;
    return MTL_OK;
}

MTL_API void mtl_grading_destroy(mtl_grading *grading)
{
    if (grading)
        mtl__report_destroy(&grading->base, sizeof *grading);
}

MTL_API size_t mtl_grading_count(const mtl_grading *grading)
{
    return grading ? grading->n : 0;
}

MTL_API mtl_status mtl_grading_at(const mtl_grading *grading, size_t i,
                                  mtl_customer_grading *out)
{
    mtl_status st = mtl__report_read(grading, "grading", out, sizeof *out,
                                     "mtl_customer_grading", i,
                                     grading ? grading->n : 0, "customer");
    if (st)
        return st;
    *out = grading->rows[i];
    return MTL_OK;
}
