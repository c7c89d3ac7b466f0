/* strategy.c: five looks, three decisions (五看三定), SPAN and segment
 * priority (strategy.h, SPEC 4; docs/methods/five-looks.md, span.md).
 *
 * One pass reads every segment's factors (relative normalisation needs the
 * largest size and the growth range across the segments), a second scores
 * each segment, then the segments are sorted into the priority order.
 * Every score is a list of terms summed left to right by mtl__score_set,
 * so a caller who sums the contributions gets the value bit for bit.
 *
 * The inputs are read through the public getters only; every string the
 * report shows is copied into its arena, so it outlives the market. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/bon.h"
#include "core/number.h"
#include "core/versioned.h"
#include "market/internal.h"

static const char *const attractiveness_names[4] = {
    "market_size", "growth", "profit_potential", "strategic_value"};
static const char *const priority_names[4] = {
    "attractiveness", "position", "pain_index", "look_balance"};

/* ---- options ----------------------------------------------------------- */

MTL_API mtl_status mtl_strategy_options_init(mtl_strategy_options *o,
                                             size_t struct_size)
{
    mtl_status st = mtl__struct_init(o, struct_size, sizeof *o,
                                     "mtl_strategy_options");
    if (st)
        return st;
    o->window_weights[0] = 1.0;
    o->window_weights[1] = 0.7;
    o->window_weights[2] = 0.4;
    o->attractiveness_weights[0] = 0.35;
    o->attractiveness_weights[1] = 0.25;
    o->attractiveness_weights[2] = 0.25;
    o->attractiveness_weights[3] = 0.15;
    o->normalise = MTL_NORMALISE_RELATIVE;
    o->cut_attractiveness = 5.5;
    o->cut_position = 5.5;
    o->min_revenue = 0;
    o->min_gross_margin = 0.20;
    o->priority_weights[0] = 0.4;
    o->priority_weights[1] = 0.3;
    o->priority_weights[2] = 0.2;
    o->priority_weights[3] = 0.1;
    o->top_items = 3;
    return MTL_OK;
}

/* A message naming the field, with the value written locale-free. */
static mtl_status bad_option(const char *field, double v, const char *rule)
{
    char num[32];
    mtl__format_double(num, sizeof num, v);
    return mtl__error(MTL_E_RANGE, "mtl_strategy_options.%s = %s: %s", field, num,
                      rule);
}

static mtl_status check_options(const mtl_strategy_options *o)
{
    mtl_status st = mtl__struct_check(o->struct_size, sizeof *o, "mtl_strategy_options");
    int i;
    if (st)
        return st;
    for (i = 0; i < 3; i++)
        if (!(o->window_weights[i] > 0.0 && o->window_weights[i] <= 1.0)) {
            char name[24];
            snprintf(name, sizeof name, "window_weights[%d]", i);
            return bad_option(name, o->window_weights[i], "each must be in (0, 1]");
        }
    if ((st = mtl__check_weights(o->attractiveness_weights, 4, "attractiveness_weights", NULL)))
        return st;
    if (o->normalise != MTL_NORMALISE_RELATIVE && o->normalise != MTL_NORMALISE_BANDS)
        return mtl__error(MTL_E_RANGE,
                          "mtl_strategy_options.normalise = %d: MTL_NORMALISE_RELATIVE (0) "
                          "or MTL_NORMALISE_BANDS (1)",
                          (int)o->normalise);
    if (o->normalise == MTL_NORMALISE_BANDS) {
        if (!(o->size_high > o->size_low))
            return mtl__error(MTL_E_RANGE,
                              "mtl_strategy_options.size_high = %lld must be above "
                              "size_low = %lld with MTL_NORMALISE_BANDS",
                              (long long)o->size_high, (long long)o->size_low);
        if (!isfinite(o->growth_low))
            return bad_option("growth_low", o->growth_low, "must be finite");
        if (!(isfinite(o->growth_high) && o->growth_high > o->growth_low))
            return bad_option("growth_high", o->growth_high,
                              "must be finite and above growth_low with "
                              "MTL_NORMALISE_BANDS");
    }
    if (!(o->cut_attractiveness >= 1.0 && o->cut_attractiveness <= 10.0))
        return bad_option("cut_attractiveness", o->cut_attractiveness,
                          "must be in [1, 10]");
    if (!(o->cut_position >= 1.0 && o->cut_position <= 10.0))
        return bad_option("cut_position", o->cut_position, "must be in [1, 10]");
    if (o->min_revenue < 0)
        return mtl__error(MTL_E_RANGE,
                          "mtl_strategy_options.min_revenue = %lld: must be >= 0",
                          (long long)o->min_revenue);
    if (!isnan(o->min_gross_margin) &&
        !(o->min_gross_margin >= -1.0 && o->min_gross_margin <= 1.0))
        return bad_option("min_gross_margin", o->min_gross_margin,
                          "must be in [-1, 1] or NaN (no gate)");
    if ((st = mtl__check_weights(o->priority_weights, 4, "priority_weights", NULL)))
        return st;
    if (o->top_items < 0)
        return mtl__error(MTL_E_RANGE, "mtl_strategy_options.top_items = %d: must be >= 0",
                          (int)o->top_items);
    return MTL_OK;
}

/* ---- the report -------------------------------------------------------- */

typedef struct seg_rec {
    mtl_strategy_segment pub;
    mtl_strategy_look *looks;           /* ranked */
    mtl_strategy_control_point *points; /* ranked */
    /* used while computing only (the market may go afterwards) */
    const mtl_segment *segment;
    mtl_segment_factors f;
    double norm[4]; /* normalised attractiveness factors, NaN unknown */
} seg_rec;

struct mtl_strategy {
    mtl__report base;     /* the allocator copy and the arena */
    size_t n;
    seg_rec *segs;        /* in priority order once computed */
};

/* What relative normalisation needs across the segments. */
typedef struct span_range {
    int64_t size_max;      /* -1 when no segment's size is known */
    double growth_min, growth_max; /* NaN when no growth is known */
} span_range;

static double clamp01(double x) { return x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x; }

/* ---- look items (five-looks.md) ---------------------------------------- */

/* Seed 000: "按影响, 可能性, 时间窗" -- by impact, likelihood, time window. */
static double window_weight(const mtl_strategy_options *o, int32_t months)
{
    if (months <= MTL_WINDOW_NEAR_MONTHS)
        return o->window_weights[0];
    if (months <= MTL_WINDOW_MID_MONTHS)
        return o->window_weights[1];
    return o->window_weights[2];
}

static int look_cmp(const void *a, const void *b)
{
    const mtl_strategy_look *x = a, *y = b;
    if (x->rank_score.value != y->rank_score.value)
        return x->rank_score.value > y->rank_score.value ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static mtl_status score_looks(mtl_strategy *r, seg_rec *s, const mtl_strategy_options *o)
{
    mtl__explain *e = &r->base.e;
    size_t n = mtl_segment_look_count(s->segment), i;
    size_t opportunities = 0, threats = 0, top = (size_t)o->top_items;
    mtl_term *balance;
    double total = 0.0;
    mtl_status st;

    s->pub.look_count = n;
    if (n > 0 && !(s->looks = mtl__explain_alloc(e, n * sizeof *s->looks)))
        return mtl__error_oom();
    for (i = 0; i < n; i++) {
        mtl_strategy_look *l = &s->looks[i];
        mtl_term *t = mtl__explain_terms(e, 1);
        mtl_look_item item;
        if ((st = mtl_look_item_init(&item, sizeof item)) ||
            (st = mtl_segment_look_at(s->segment, i, &item)))
            return st;
        l->struct_size = sizeof *l;
        l->index = i;
        l->look = item.look;
        l->text = mtl__explain_strdup(e, item.text);
        l->evidence = mtl__explain_strdup(e, item.evidence);
        if (!t || !l->text || !l->evidence)
            return mtl__error_oom();
        l->impact = item.impact;
        l->likelihood = item.likelihood;
        l->window_months = item.window_months;
        l->window_weight = window_weight(o, item.window_months);
        mtl__term_set(t, "impact", item.likelihood * l->window_weight, fabs(item.impact));
        mtl__score_set(&l->rank_score, t, 1);
        total += l->rank_score.value;
    }

    /* look balance: 5 + 5 × Σ signed rank / Σ rank, a base and a term per
     * item in the order added */
    if (!(balance = mtl__explain_terms(e, n + 1)))
        return mtl__error_oom();
    mtl__term_set(&balance[0], "base", 1.0, 5.0);
    if (n > 0 && total > 0.0) {
        double w = 5.0 / total;
        for (i = 0; i < n; i++) {
            const mtl_strategy_look *l = &s->looks[i];
            double v = l->impact > 0   ? l->rank_score.value
                       : l->impact < 0 ? -l->rank_score.value
                                       : 0.0;
            mtl__term_set(&balance[i + 1], l->text, w, v);
        }
        mtl__score_set(&s->pub.look_balance, balance, n + 1);
    } else {
        mtl__score_set(&s->pub.look_balance, balance, 1);
    }

    if (n > 0)
        qsort(s->looks, n, sizeof *s->looks, look_cmp);
    for (i = 0; i < n; i++) {
        mtl_strategy_look *l = &s->looks[i];
        if (l->impact > 0 && opportunities < top) {
            l->top = 1;
            opportunities++;
        } else if (l->impact < 0 && threats < top) {
            l->top = -1;
            threats++;
        }
    }
    return MTL_OK;
}

/* ---- attractiveness (span.md, SPAN y-axis) ----------------------------- */

/* Profit potential as given, else from Porter's five forces: each force
 * 1 ... 5 (5 strongest), stronger forces leave less profit, so
 * p = 1 + 9 (5 - mean) / 4 maps a mean of 1 to 10 and 5 to 1 (libmtl's
 * mapping; span.md). */
static double profit_potential(const mtl_segment_factors *f, int32_t *from_forces)
{
    double sum = 0.0;
    int rated = 0, i;
    *from_forces = 0;
    if (!isnan(f->profit_potential))
        return f->profit_potential;
    for (i = 0; i < MTL_FORCE_COUNT; i++)
        if (!isnan(f->forces[i])) {
            sum += f->forces[i];
            rated++;
        }
    if (!rated)
        return NAN;
    *from_forces = 1;
    return 1.0 + 9.0 * (5.0 - sum / rated) / 4.0;
}

static void normalise(seg_rec *s, const span_range *g, const mtl_strategy_options *o)
{
    const mtl_segment_factors *f = &s->f;
    int bands = o->normalise == MTL_NORMALISE_BANDS;
    double p = s->pub.profit_potential;
    s->norm[0] = s->norm[1] = s->norm[2] = s->norm[3] = NAN;
    if (f->market_size >= 0) {
        if (bands)
            s->norm[0] = clamp01(((double)f->market_size - (double)o->size_low) /
                                 ((double)o->size_high - (double)o->size_low));
        else
            s->norm[0] = g->size_max > 0 ? (double)f->market_size / (double)g->size_max
                                         : 0.0;
    }
    if (!isnan(f->growth)) {
        if (bands)
            s->norm[1] = clamp01((f->growth - o->growth_low) /
                                 (o->growth_high - o->growth_low));
        else
            s->norm[1] = g->growth_max == g->growth_min
                             ? 0.5
                             : (f->growth - g->growth_min) /
                                   (g->growth_max - g->growth_min);
    }
    if (!isnan(p))
        s->norm[2] = (p - 1.0) / 9.0;
    if (!isnan(f->strategic_value))
        s->norm[3] = (f->strategic_value - 1.0) / 9.0;
}

/* 1 + 9 Σ w_i x_i / Σ w over the known factors: a base of 1, then one term
 * per known factor with weight 9 w_i / Σ w. */
static mtl_status score_attractiveness(mtl_strategy *r, seg_rec *s,
                                       const mtl_strategy_options *o)
{
    const double *w = o->attractiveness_weights;
    double wsum = 0.0;
    size_t k = 0, i;
    mtl_term *t;
    for (i = 0; i < 4; i++)
        if (!isnan(s->norm[i])) {
            wsum += w[i];
            k++;
        }
    if (k == 0 || !(wsum > 0.0)) {
        mtl__score_set(&s->pub.attractiveness, NULL, 0);
        return MTL_OK;
    }
    if (!(t = mtl__explain_terms(&r->base.e, k + 1)))
        return mtl__error_oom();
    mtl__term_set(&t[0], "base", 1.0, 1.0);
    for (i = 0, k = 1; i < 4; i++)
        if (!isnan(s->norm[i]))
            mtl__term_set(&t[k++], attractiveness_names[i], 9.0 * w[i] / wsum, s->norm[i]);
    mtl__score_set(&s->pub.attractiveness, t, k);
    return MTL_OK;
}

/* ---- competitive position (span.md, SPAN x-axis, $APPEALS) ------------- */

/* A row's weighted mean rating over the criteria it rated; NaN when it
 * rated none (or only criteria of weight 0). */
static double appeals_level(const double *ratings, const double *w)
{
    double num = 0.0, den = 0.0;
    int rated = 0, c;
    for (c = 0; c < MTL_APPEALS_COUNT; c++)
        if (!isnan(ratings[c])) {
            num += w[c] * ratings[c];
            den += w[c];
            rated++;
        }
    return rated && den > 0.0 ? num / den : NAN;
}

static int is_us(const mtl_appeals_rating *row)
{
    return !row->competitor || !row->competitor[0];
}

static mtl_status score_position(mtl_strategy *r, seg_rec *s)
{
    const double *w = s->f.appeals_weights;
    size_t n = mtl_segment_appeals_count(s->segment), i;
    mtl_appeals_rating row, us, best;
    double best_level = NAN, W = 0.0;
    int have_us = 0, have_best = 0, c, k = 0;
    mtl_term *t;
    mtl_status st;

    memset(&us, 0, sizeof us);
    memset(&best, 0, sizeof best);
    for (i = 0; i < n; i++) {
        if ((st = mtl_appeals_rating_init(&row, sizeof row)) ||
            (st = mtl_segment_appeals_at(s->segment, i, &row)))
            return st;
        if (is_us(&row)) {
            us = row;
            have_us = 1;
        } else {
            /* the strongest: the highest level, the first row on ties */
            double level = appeals_level(row.ratings, w);
            if (!isnan(level) && (!have_best || level > best_level)) {
                best = row;
                best_level = level;
                have_best = 1;
            }
        }
    }
    s->pub.competitor =
        mtl__explain_strdup(&r->base.e, have_best ? best.competitor : "");
    if (!s->pub.competitor)
        return mtl__error_oom();
    if (!have_best) {
        /* nobody else rated: compare with a par competitor, 5.5 (the
         * middle of 1 ... 10) on every criterion */
        for (c = 0; c < MTL_APPEALS_COUNT; c++)
            best.ratings[c] = 5.5;
    }
    mtl__score_set(&s->pub.position, NULL, 0);
    if (!have_us)
        return MTL_OK;
    for (c = 0; c < MTL_APPEALS_COUNT; c++)
        if (!isnan(us.ratings[c]) && !isnan(best.ratings[c])) {
            W += w[c];
            k++;
        }
    if (k == 0 || !(W > 0.0))
        return MTL_OK;
    if (!(t = mtl__explain_terms(&r->base.e, (size_t)k + 1)))
        return mtl__error_oom();
    /* 5.5 + Σ w_c (ours - theirs) / 2W: equal ratings give the middle,
     * a lead of 9 on every criterion 10, a deficit of 9 gives 1 */
    mtl__term_set(&t[0], "base", 1.0, 5.5);
    for (c = 0, k = 1; c < MTL_APPEALS_COUNT; c++)
        if (!isnan(us.ratings[c]) && !isnan(best.ratings[c]))
            mtl__term_set(&t[k++], mtl__appeals_names[c], w[c] / (2.0 * W),
                          us.ratings[c] - best.ratings[c]);
    mtl__score_set(&s->pub.position, t, (size_t)k);
    return MTL_OK;
}

/* ---- SPAN quadrant, gates, strategy ------------------------------------ */

static void decide(seg_rec *s, const mtl_strategy_options *o)
{
    double a = s->pub.attractiveness.value, p = s->pub.position.value;
    const mtl_segment_factors *f = &s->f;
    s->pub.gate_veto = 0;
    if (isnan(a) || isnan(p))
        s->pub.quadrant = MTL_SPAN_UNRATED;
    else if (a >= o->cut_attractiveness)
        s->pub.quadrant = p >= o->cut_position ? MTL_SPAN_GROW : MTL_SPAN_ACQUIRE_SKILLS;
    else
        s->pub.quadrant = p >= o->cut_position ? MTL_SPAN_HARVEST : MTL_SPAN_AVOID;
    switch (s->pub.quadrant) {
    case MTL_SPAN_GROW:
        /* the gates only veto growth: an unknown figure passes */
        if (o->min_revenue > 0 && f->revenue >= 0 && f->revenue < o->min_revenue)
            s->pub.gate_veto |= MTL_GATE_REVENUE;
        if (!isnan(o->min_gross_margin) && !isnan(f->gross_margin) &&
            f->gross_margin < o->min_gross_margin)
            s->pub.gate_veto |= MTL_GATE_MARGIN;
        s->pub.strategy = s->pub.gate_veto ? MTL_STRATEGY_FIX_ECONOMICS
                                           : MTL_STRATEGY_INVEST;
        break;
    case MTL_SPAN_ACQUIRE_SKILLS: s->pub.strategy = MTL_STRATEGY_BUILD; break;
    case MTL_SPAN_HARVEST: s->pub.strategy = MTL_STRATEGY_HARVEST; break;
    case MTL_SPAN_AVOID: s->pub.strategy = MTL_STRATEGY_EXIT; break;
    default: s->pub.strategy = MTL_STRATEGY_UNRATED; break;
    }
}

/* 定目标: the first basis whose inputs are known.  Round half away from
 * zero; a target outside int64 is refused. */
static mtl_status set_target(seg_rec *s)
{
    const mtl_segment_factors *f = &s->f;
    double v;
    if (!isnan(f->share_goal) && f->market_size >= 0) {
        v = (double)f->market_size * f->share_goal;
        s->pub.target_basis = MTL_TARGET_BASIS_SHARE;
    } else if (!isnan(f->growth_goal) && f->revenue >= 0) {
        v = (double)f->revenue * (1.0 + f->growth_goal);
        s->pub.target_basis = MTL_TARGET_BASIS_GROWTH;
    } else if (!isnan(f->growth) && f->revenue >= 0) {
        v = (double)f->revenue * (1.0 + f->growth);
        s->pub.target_basis = MTL_TARGET_BASIS_MARKET;
    } else {
        s->pub.target = 0;
        s->pub.target_basis = MTL_TARGET_BASIS_NONE;
        return MTL_OK;
    }
    v = round(v);
    if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0)) {
        char num[32];
        mtl__format_double(num, sizeof num, v);
        return mtl__error(MTL_E_RANGE, "segment %s: target %s is outside int64",
                          s->pub.id, num);
    }
    s->pub.target = (int64_t)v;
    return MTL_OK;
}

/* ---- control points (定控制点) ------------------------------------------ */

static int point_cmp(const void *a, const void *b)
{
    const mtl_strategy_control_point *x = a, *y = b;
    if (x->score.value != y->score.value)
        return x->score.value > y->score.value ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind > y->kind ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static mtl_status score_points(mtl_strategy *r, seg_rec *s)
{
    mtl__explain *e = &r->base.e;
    size_t n = mtl_segment_control_point_count(s->segment), i;
    mtl_status st;
    s->pub.control_point_count = n;
    if (n == 0)
        return MTL_OK;
    if (!(s->points = mtl__explain_alloc(e, n * sizeof *s->points)))
        return mtl__error_oom();
    for (i = 0; i < n; i++) {
        mtl_strategy_control_point *p = &s->points[i];
        mtl_term *t = mtl__explain_terms(e, 1);
        mtl_control_point cp;
        if ((st = mtl_control_point_init(&cp, sizeof cp)) ||
            (st = mtl_segment_control_point_at(s->segment, i, &cp)))
            return st;
        p->struct_size = sizeof *p;
        p->index = i;
        p->kind = cp.kind;
        p->text = mtl__explain_strdup(e, cp.text);
        p->attainability = cp.attainability;
        if (!t || !p->text)
            return mtl__error_oom();
        mtl__term_set(t, "strength", cp.attainability, (double)cp.kind);
        mtl__score_set(&p->score, t, 1);
    }
    qsort(s->points, n, sizeof *s->points, point_cmp);
    return MTL_OK;
}

/* ---- priority ---------------------------------------------------------- */

static mtl_status score_priority(mtl_strategy *r, seg_rec *s,
                                 const mtl_strategy_options *o)
{
    const double *w = o->priority_weights;
    double v[4], wsum = 0.0;
    size_t k = 0, i;
    mtl_term *t;
    v[0] = s->pub.attractiveness.value;
    v[1] = s->pub.position.value;
    v[2] = s->pub.pain_index.value / 10.0;
    v[3] = s->pub.look_balance.value;
    for (i = 0; i < 4; i++)
        if (!isnan(v[i])) {
            wsum += w[i];
            k++;
        }
    if (k == 0 || !(wsum > 0.0)) {
        mtl__score_set(&s->pub.priority, NULL, 0);
        return MTL_OK;
    }
    if (!(t = mtl__explain_terms(&r->base.e, k)))
        return mtl__error_oom();
    for (i = 0, k = 0; i < 4; i++)
        if (!isnan(v[i]))
            mtl__term_set(&t[k++], priority_names[i], w[i] / wsum, v[i]);
    mtl__score_set(&s->pub.priority, t, k);
    return MTL_OK;
}

/* The total order: priority (unknown last), market size (unknown last),
 * then id -- ids are unique, so no two segments tie. */
static int segment_cmp(const void *a, const void *b)
{
    const seg_rec *x = a, *y = b;
    double px = x->pub.priority.value, py = y->pub.priority.value;
    if (isnan(px) != isnan(py))
        return isnan(px) ? 1 : -1;
    if (!isnan(px) && px != py)
        return px > py ? -1 : 1;
    if (x->pub.market_size != y->pub.market_size)
        return x->pub.market_size > y->pub.market_size ? -1 : 1;
    return strcmp(x->pub.id, y->pub.id);
}

/* ---- compute ----------------------------------------------------------- */

static mtl_status score_segment(mtl_strategy *r, seg_rec *s, const span_range *g,
                                const mtl_strategy_options *o)
{
    mtl_status st;
    normalise(s, g, o);
    if ((st = score_looks(r, s, o)) || (st = score_attractiveness(r, s, o)) ||
        (st = score_position(r, s)) || (st = score_points(r, s)) ||
        (st = mtl__pain_index(&s->pub.pain_index, &r->base.e, s->segment, NULL)) ||
        (st = score_priority(r, s, o)) || (st = set_target(s)))
        return st;
    decide(s, o);
    return MTL_OK;
}

static mtl_status build(mtl_strategy *r, const mtl_market *market,
                        const mtl_strategy_options *o)
{
    const mtl_segment *seg;
    span_range g = {-1, NAN, NAN};
    size_t n = 0, i;
    mtl_status st;
    for (seg = mtl_segment_next(market, NULL); seg; seg = mtl_segment_next(market, seg))
        n++;
    if (n == 0)
        return MTL_OK;
    if (!(r->segs = mtl__explain_alloc(&r->base.e, n * sizeof *r->segs)))
        return mtl__error_oom();
    /* pass 1: identity, factors, and the ranges across the segments */
    for (seg = mtl_segment_next(market, NULL), i = 0; seg;
         seg = mtl_segment_next(market, seg), i++) {
        seg_rec *s = &r->segs[i];
        s->segment = seg;
        s->pub.struct_size = sizeof s->pub;
        s->pub.id = mtl__explain_strdup(&r->base.e, mtl_segment_id(seg));
        s->pub.name = mtl__explain_strdup(&r->base.e, mtl_segment_name(seg));
        if (!s->pub.id || !s->pub.name)
            return mtl__error_oom();
        if ((st = mtl_segment_factors_init(&s->f, sizeof s->f)) ||
            (st = mtl_segment_factors_get(seg, &s->f)))
            return st;
        s->pub.market_size = s->f.market_size >= 0 ? s->f.market_size : -1;
        s->pub.revenue = s->f.revenue >= 0 ? s->f.revenue : -1;
        s->pub.profit_potential = profit_potential(&s->f, &s->pub.profit_from_forces);
        if (s->f.market_size > g.size_max)
            g.size_max = s->f.market_size;
        if (!isnan(s->f.growth)) {
            if (isnan(g.growth_min) || s->f.growth < g.growth_min)
                g.growth_min = s->f.growth;
            if (isnan(g.growth_max) || s->f.growth > g.growth_max)
                g.growth_max = s->f.growth;
        }
    }
    /* pass 2: every score of every segment */
    for (i = 0; i < n; i++)
        if ((st = score_segment(r, &r->segs[i], &g, o)) != MTL_OK)
            return st;
    qsort(r->segs, n, sizeof *r->segs, segment_cmp);
    for (i = 0; i < n; i++) {
        r->segs[i].pub.rank = i + 1;
        r->segs[i].segment = NULL;
    }
    r->n = n;
    return MTL_OK;
}

MTL_API mtl_status mtl_strategy_compute(mtl_strategy **out, const mtl_market *market,
                                        const mtl_strategy_options *options)
{
    mtl_strategy_options defaults;
    mtl__report *base;
    mtl_strategy *r;
    mtl_status st;
    if (out)
        *out = NULL;
    if (!out)
        return mtl__error_null("out");
    if (!market)
        return mtl__error_null("market");
    if (!options) {
        mtl_strategy_options_init(&defaults, sizeof defaults);
        options = &defaults;
    }
    if ((st = check_options(options)) != MTL_OK)
        return st;
    if ((st = mtl__report_create(&base, market, sizeof *r)) != MTL_OK)
        return st;
    r = (mtl_strategy *)base;
    if ((st = build(r, market, options)) != MTL_OK) {
        mtl__report_destroy(&r->base, sizeof *r);
        return st;
    }
    *out = r;
    return MTL_OK;
}

MTL_API void mtl_strategy_destroy(mtl_strategy *strategy)
{
    if (strategy)
        mtl__report_destroy(&strategy->base, sizeof *strategy);
}

MTL_API size_t mtl_strategy_segment_count(const mtl_strategy *strategy)
{
    return strategy ? strategy->n : 0;
}

/* The checks every reader makes, up to the segment's range. */
static mtl_status check_read(const mtl_strategy *r, size_t i, const void *out,
                             size_t size, const char *name)
{
    return mtl__report_read(r, "strategy", out, size, name, i, r ? r->n : 0,
                            "segment");
}

MTL_API mtl_status mtl_strategy_segment_at(const mtl_strategy *strategy, size_t i,
                                           mtl_strategy_segment *out)
{
    mtl_status st = check_read(strategy, i, out, sizeof *out, "mtl_strategy_segment");
    if (st)
        return st;
    *out = strategy->segs[i].pub;
    return MTL_OK;
}

MTL_API mtl_status mtl_strategy_look_at(const mtl_strategy *strategy, size_t i,
                                        size_t k, mtl_strategy_look *out)
{
    const seg_rec *s;
    mtl_status st = check_read(strategy, i, out, sizeof *out, "mtl_strategy_look");
    if (st)
        return st;
    s = &strategy->segs[i];
    if ((st = mtl__report_range(k, s->pub.look_count, "look item")) != MTL_OK)
        return st;
    *out = s->looks[k];
    return MTL_OK;
}

MTL_API mtl_status mtl_strategy_control_point_at(const mtl_strategy *strategy,
                                                 size_t i, size_t k,
                                                 mtl_strategy_control_point *out)
{
    const seg_rec *s;
    mtl_status st = check_read(strategy, i, out, sizeof *out,
                               "mtl_strategy_control_point");
    if (st)
        return st;
    s = &strategy->segs[i];
    if ((st = mtl__report_range(k, s->pub.control_point_count, "control point")))
        return st;
    *out = s->points[k];
    return MTL_OK;
}
