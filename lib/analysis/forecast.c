/* forecast.c: period revenue forecasts (forecast.h, docs/methods/forecast.md).
 *
 * One scan picks the leads in scope: won leads closed inside the period
 * (certain revenue) and open leads expected to close inside it (the deals,
 * with their amount, probability and category).  The deals' distribution
 * comes from distribution.c (exact) or from a seeded simulation here.  The
 * forecast keeps its deals, so a what-if removes one deal's factor from
 * the distribution instead of starting again. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/distribution.h"
#include "analysis/stats.h"
#include "core/versioned.h"
#include "market/internal.h"

#define DEFAULT_DRAWS 10000
#define MAX_DRAWS 10000000
#define MAX_POINTS ((size_t)1 << 26)
#define AUTO_POINTS 262144.0 /* 2^18 */

typedef struct deal {
    int64_t amount;
    double p;
    size_t id;        /* offset in ids */
    uint32_t group;   /* segment slot (MTL__NONE = none): the shared factor */
    int32_t category;
} deal;

struct mtl_forecast {
    atomic_int refs;
    mtl__allocator alloc;
    mtl_forecast_summary sum;
    double correlation;
    uint64_t seed;
    size_t factors;   /* shared factors: segment slots + 1 (no segment) */
    deal *deals;
    size_t ndeals, deals_cap;
    char *ids;
    size_t ids_len, ids_cap;
    mtl__pmf revenue; /* grid units, exact method */
    mtl__pmf count;   /* number of deals won (both methods) */
    int64_t *draws;   /* Monte Carlo: sorted period revenue per draw */
};

/* ---- options ----------------------------------------------------------- */

MTL_API mtl_status mtl_forecast_options_init(mtl_forecast_options *options,
                                             size_t struct_size)
{
    mtl_status st = mtl__struct_init(options, struct_size, sizeof *options,
                                     "mtl_forecast_options");
    if (st)
        return st;
    options->period_start = options->period_end = MTL_DATE_NONE;
    options->as_of = MTL_DATE_NONE;
    options->created_start = options->created_end = MTL_DATE_NONE;
    return MTL_OK;
}

static mtl_status check_options(const mtl_market *m, const mtl_forecast_options *o)
{
    mtl_status st = mtl__struct_check(o->struct_size, sizeof *o, "mtl_forecast_options");
    if (st)
        return st;
    if (o->period_start == MTL_DATE_NONE || o->period_end == MTL_DATE_NONE)
        return mtl__error(MTL_E_RANGE, "forecast: period_start and period_end are required");
    if (o->period_end <= o->period_start)
        return mtl__error(MTL_E_RANGE, "period ends (day %ld) before it starts (day %ld)",
                          (long)o->period_end, (long)o->period_start);
    if (o->probability_source < MTL_PROBABILITY_SOURCE_STAGE ||
        o->probability_source > MTL_PROBABILITY_SOURCE_CALIBRATED)
        return mtl__error(MTL_E_RANGE, "probability_source %d: 0..1",
                          (int)o->probability_source);
    if (o->segment && o->segment->rec.market != m)
        return mtl__error(MTL_E_INVALID_ARGUMENT, "segment belongs to another market");
    if (o->grade < MTL_GRADE_NONE || o->grade > MTL_GRADE_GENERAL)
        return mtl__error(MTL_E_RANGE, "grade %d: 0..4", (int)o->grade);
    if (o->target < 0)
        return mtl__error(MTL_E_RANGE, "target %lld is negative", (long long)o->target);
    if (o->grid < 0)
        return mtl__error(MTL_E_RANGE, "grid %lld is negative", (long long)o->grid);
    if (o->method < MTL_FORECAST_EXACT || o->method > MTL_FORECAST_MONTE_CARLO)
        return mtl__error(MTL_E_RANGE, "method %d: 0..1", (int)o->method);
    if (o->draws < 0 || o->draws > MAX_DRAWS)
        return mtl__error(MTL_E_RANGE, "draws %d: 0..%d", (int)o->draws, MAX_DRAWS);
    if (!(o->correlation >= 0 && o->correlation < 1))
        return mtl__error(MTL_E_RANGE, "correlation %g outside [0, 1)", o->correlation);
    if (o->created_start != MTL_DATE_NONE && o->created_end != MTL_DATE_NONE &&
        o->created_end <= o->created_start)
        return mtl__error(MTL_E_RANGE, "created_end (day %ld) is not after created_start "
                          "(day %ld)", (long)o->created_end, (long)o->created_start);
    return MTL_OK;
}

/* ---- picking the deals ------------------------------------------------- */

typedef struct picker {
    const mtl_market *m;
    const mtl_forecast_options *o;
    uint8_t *in_segment; /* by segment slot: inside the scope's segment tree */
    uint32_t region, owner, source; /* string ids; 0 = any; MTL__NONE = matches none */
    double p_stage[MTL_STAGE_MAX];
} picker;

static uint32_t scope_string(const mtl_market *m, const char *s)
{
    uint32_t id;
    if (!s || !*s)
        return 0;
    id = mtl__strpool_find(&m->strings, s, strlen(s));
    return id == MTL__NONE ? MTL__NONE : id;
}

static mtl_status picker_init(picker *pk, mtl__allocator *a, const mtl_market *m,
                              const mtl_forecast_options *o)
{
    int32_t s;
    memset(pk, 0, sizeof *pk);
    pk->m = m;
    pk->o = o;
    pk->region = scope_string(m, o->region);
    pk->owner = scope_string(m, o->owner);
    pk->source = scope_string(m, o->source);
    for (s = 0; s < m->stage_count; s++)
        pk->p_stage[s] = m->stages[s].probability;
    if (o->probability_source == MTL_PROBABILITY_SOURCE_CALIBRATED) {
        mtl_funnel_stage rows[MTL_STAGE_MAX];
        for (s = 0; s < m->stage_count; s++)
            rows[s].struct_size = sizeof rows[s];
        mtl_funnel_stages(m, NULL, rows, m->stage_count);
        for (s = 0; s < m->stage_count; s++)
            if (!isnan(rows[s].win_rate))
                pk->p_stage[s] = rows[s].win_rate;
    }
    if (o->segment) {
        uint32_t slot, n = m->segments.high, up, depth;
        pk->in_segment = mtl__alloc_zero(a, n ? n : 1);
        if (!pk->in_segment)
            return mtl__error_oom();
        for (slot = 0; slot < n; slot++) {
            const mtl_segment *g = mtl__segment_at(m, slot);
            if (!g->rec.alive)
                continue;
            /* walk up (the hierarchy has no cycles: segment.c refuses them) */
            for (up = slot, depth = 0; up != MTL__NONE && depth <= n; depth++) {
                if (up == o->segment->rec.slot) {
                    pk->in_segment[slot] = 1;
                    break;
                }
                up = mtl__segment_at(m, up)->parent;
            }
        }
    }
    return MTL_OK;
}

static int in_scope(const picker *pk, const mtl__lead_chunk *c, uint32_t i)
{
    const mtl_forecast_options *o = pk->o;
    if (pk->in_segment && (c->segment[i] == MTL__NONE || !pk->in_segment[c->segment[i]]))
        return 0;
    if (pk->region && c->region[i] != pk->region)
        return 0;
    if (pk->owner && c->owner[i] != pk->owner)
        return 0;
    if (pk->source && c->source[i] != pk->source)
        return 0;
    if (o->created_start != MTL_DATE_NONE &&
        (c->created[i] == MTL_DATE_NONE || c->created[i] < o->created_start))
        return 0;
    if (o->created_end != MTL_DATE_NONE &&
        (c->created[i] == MTL_DATE_NONE || c->created[i] >= o->created_end))
        return 0;
    if (o->grade) {
        const mtl_customer *cu = mtl__customer_at(pk->m, c->customer[i]);
        if (!cu || cu->grade != o->grade)
            return 0;
    }
    return 1;
}

static int in_period(const mtl_forecast_options *o, int32_t day)
{
    return day != MTL_DATE_NONE && day >= o->period_start && day < o->period_end;
}

static mtl_status add_deal(mtl_forecast *f, const char *id, int64_t amount,
                           double p, int32_t category, uint32_t group)
{
    size_t len = strlen(id) + 1;
    deal *d;
    if (!mtl__grow(&f->alloc, (void **)&f->deals, &f->deals_cap, f->ndeals + 1,
                   sizeof *f->deals) ||
        !mtl__grow(&f->alloc, (void **)&f->ids, &f->ids_cap, f->ids_len + len, 1))
        return mtl__error_oom();
    d = &f->deals[f->ndeals++];
    d->amount = amount;
    d->p = p;
    d->id = f->ids_len;
    d->group = group;
    d->category = category;
    memcpy(f->ids + f->ids_len, id, len);
    f->ids_len += len;
    return MTL_OK;
}

static void add_category(mtl_forecast_summary *s, int32_t category, int64_t amount)
{
    switch (category) {
    case MTL_CATEGORY_PIPELINE: s->pipeline = mtl__wrap_add(s->pipeline, amount); break;
    case MTL_CATEGORY_BEST_CASE: s->best_case = mtl__wrap_add(s->best_case, amount); break;
    case MTL_CATEGORY_COMMIT: s->commit = mtl__wrap_add(s->commit, amount); break;
    case MTL_CATEGORY_CLOSED: s->closed = mtl__wrap_add(s->closed, amount); break;
    default: s->omitted = mtl__wrap_add(s->omitted, amount); break;
    }
}

static mtl_status pick(mtl_forecast *f, const picker *pk)
{
    const mtl_market *m = pk->m;
    const mtl_forecast_options *o = pk->o;
    mtl_forecast_summary *s = &f->sum;
    int32_t won_end = o->as_of != MTL_DATE_NONE ? o->as_of + 1 : o->period_end;
    size_t k;
    uint32_t i;
    mtl_status st;
    for (k = 0; k < m->nchunks; k++) {
        const mtl__lead_chunk *c = m->chunks[k];
        for (i = 0; i < c->used; i++) {
            int32_t out = c->outcome[i], cat;
            double p;
            if (out == MTL__FREE_SLOT || out == MTL_OUTCOME_LOST || !in_scope(pk, c, i))
                continue;
            if (out == MTL_OUTCOME_WON) {
                if (!in_period(o, c->closed[i]))
                    continue;
                s->closed_won_count++;
                s->closed_won_amount = mtl__wrap_add(s->closed_won_amount, c->amount[i]);
                if (c->closed[i] < won_end)
                    s->won_to_date_amount =
                        mtl__wrap_add(s->won_to_date_amount, c->amount[i]);
                continue;
            }
            if (!in_period(o, mtl__lead_expected_close(c, i)))
                continue;
            cat = mtl__misc_category(c->misc[i]);
            if (cat == MTL_CATEGORY_NONE)
                cat = m->stages[c->stage[i]].category;
            add_category(s, cat, c->amount[i]);
            if (cat == MTL_CATEGORY_OMITTED)
                continue;
            p = mtl__lead_probability(c, i);
            if (!(p >= 0))
                p = pk->p_stage[c->stage[i]];
            st = add_deal(f, mtl__arena_at(&m->ids, c->id_ref[i]), c->amount[i], p,
                          cat, c->segment[i]);
            if (st)
                return st;
        }
    }
    s->closed = mtl__wrap_add(s->closed, s->closed_won_amount);
    return MTL_OK;
}

/* ---- the distribution -------------------------------------------------- */

/* The grid: given, or the smallest power of ten (minor units) that keeps
 * the window (about ±10 sd plus the largest deal) within 2^18 points. */
static mtl_status choose_grid(mtl_forecast *f, int64_t given)
{
    double var = 0, width, g = 1;
    int64_t largest = 0;
    size_t j;
    for (j = 0; j < f->ndeals; j++) {
        double a = (double)f->deals[j].amount, p = f->deals[j].p;
        var += a * a * p * (1 - p);
        if (f->deals[j].amount > largest)
            largest = f->deals[j].amount;
    }
    width = 20 * sqrt(var) + (double)largest;
    if (given) {
        if (width / (double)given > (double)MAX_POINTS)
            return mtl__error(MTL_E_LIMIT,
                              "grid %lld: the distribution would need about %.3g "
                              "points (at most %zu)",
                              (long long)given, width / (double)given, MAX_POINTS);
        f->sum.grid = given;
        return MTL_OK;
    }
    while (width / g > AUTO_POINTS && g < 1e17)
        g *= 10;
    f->sum.grid = (int64_t)g;
    return MTL_OK;
}

/* Deals as grid units and probabilities (x = 1 for the won count). */
static mtl_status deal_arrays(mtl_forecast *f, int unit, double **out_x, double **out_p)
{
    size_t j, n = f->ndeals ? f->ndeals : 1;
    double *x = mtl__alloc_array(&f->alloc, n, sizeof *x);
    double *p = mtl__alloc_array(&f->alloc, n, sizeof *p);
    if (!x || !p) {
        mtl__free(&f->alloc, x, n * sizeof *x);
        mtl__free(&f->alloc, p, n * sizeof *p);
        return mtl__error_oom();
    }
    for (j = 0; j < f->ndeals; j++) {
        x[j] = unit ? 1.0 : (double)f->deals[j].amount / (double)f->sum.grid;
        p[j] = f->deals[j].p;
    }
    *out_x = x;
    *out_p = p;
    return MTL_OK;
}

static mtl_status compute_pmf(mtl_forecast *f, int unit, mtl__pmf *out)
{
    double *x = NULL, *p = NULL;
    size_t n = f->ndeals ? f->ndeals : 1;
    mtl_status st = deal_arrays(f, unit, &x, &p);
    if (st)
        return st;
    st = mtl__pmf_bernoulli_sum(&f->alloc, x, p, f->ndeals, 0, MAX_POINTS + 1024, out);
    mtl__free(&f->alloc, x, n * sizeof *x);
    mtl__free(&f->alloc, p, n * sizeof *p);
    return st;
}

/* ---- Monte Carlo ------------------------------------------------------- */

/* xoshiro256** seeded through splitmix64 (Blackman and Vigna). */
typedef struct rng {
    uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* uniform in [0, 1) with 53 bits */
static double rng_uniform(rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

/* standard normal (Box-Muller; the second value is dropped for simplicity
 * and reproducibility of the order of draws) */
static double rng_normal(rng *r)
{
    double u = 1.0 - rng_uniform(r), v = rng_uniform(r);
    return sqrt(-2 * log(u)) * cos(6.283185307179586476925 * v);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Draws are simulated MC_BLOCK at a time, so that the deals are read once
 * per block; MC_STREAMS independent generators (seeded one after the other
 * from splitmix64) interleave so that their dependency chains overlap.  A
 * deal wins a draw when the top 53 bits of its random number, k, satisfy
 * k < ceil(p 2^53), that is k / 2^53 < p exactly. */
#define MC_BLOCK 16
#define MC_STREAMS 4

static uint64_t threshold53(double p)
{
    return (uint64_t)ceil(p * 0x1.0p53);
}

/* Deals grouped by (shared factor, probability): with a correlation, a
 * draw's conditional win probability is one value per group, computed once
 * per draw (Gaussian copula: P(√ρ F + √(1-ρ) e < Φ⁻¹(p) | F)). */
typedef struct mc_combo {
    uint32_t factor;
    double p;
} mc_combo;

typedef struct mc_key {
    uint32_t factor;
    double p;
    size_t deal;
} mc_key;

static int cmp_key(const void *a, const void *b)
{
    const mc_key *x = a, *y = b;
    if (x->factor != y->factor)
        return x->factor < y->factor ? -1 : 1;
    return (x->p > y->p) - (x->p < y->p);
}

static mtl_status monte_carlo(mtl_forecast *f)
{
    mtl__allocator *a = &f->alloc;
    mtl_forecast_summary *s = &f->sum;
    int32_t d0, D = s->draws;
    size_t j, n = f->ndeals, nn = n ? n : 1, nseg = f->factors, ncombo = 0, nthr = 0;
    double rho = f->correlation, sr = sqrt(rho), se = sqrt(1 - rho), sum = 0, sum2 = 0;
    double *count_hist = NULL, *factor = NULL;
    int64_t *amount = NULL;
    uint64_t *thr = NULL;
    uint32_t *combo = NULL;
    mc_combo *combos = NULL;
    mc_key *keys = NULL;
    rng r[MC_STREAMS];
    uint64_t seed = f->seed;
    int k;
    mtl_status st = MTL_OK;

    for (k = 0; k < MC_STREAMS; k++)
        for (j = 0; j < 4; j++)
            r[k].s[j] = splitmix64(&seed);
    f->draws = mtl__alloc_array(a, (size_t)D, sizeof *f->draws);
    count_hist = mtl__alloc_zero(a, (n + 1) * sizeof *count_hist);
    amount = mtl__alloc_array(a, nn, sizeof *amount);
    if (!f->draws || !count_hist || !amount)
        goto oom;
    for (j = 0; j < n; j++)
        amount[j] = f->deals[j].amount;
    if (rho > 0) {
        /* the (factor, p) groups */
        keys = mtl__alloc_array(a, nn, sizeof *keys);
        combo = mtl__alloc_array(a, nn, sizeof *combo);
        combos = mtl__alloc_array(a, nn, sizeof *combos);
        factor = mtl__alloc_array(a, nseg, sizeof *factor);
        if (!keys || !combo || !combos || !factor)
            goto oom;
        for (j = 0; j < n; j++) {
            keys[j].factor = f->deals[j].group == MTL__NONE ? (uint32_t)(nseg - 1)
                                                           : f->deals[j].group;
            keys[j].p = f->deals[j].p;
            keys[j].deal = j;
        }
        qsort(keys, n, sizeof *keys, cmp_key);
        for (j = 0; j < n; j++) {
            if (j == 0 || cmp_key(&keys[j - 1], &keys[j]) != 0) {
                combos[ncombo].factor = keys[j].factor;
                combos[ncombo].p = mtl__normal_quantile(keys[j].p); /* the threshold */
                ncombo++;
            }
            combo[keys[j].deal] = (uint32_t)(ncombo - 1);
        }
        nthr = (size_t)MC_BLOCK * (ncombo ? ncombo : 1);
    } else {
        nthr = nn;
    }
    thr = mtl__alloc_array(a, nthr, sizeof *thr);
    if (!thr)
        goto oom;
    if (rho == 0)
        for (j = 0; j < n; j++)
            thr[j] = threshold53(f->deals[j].p);

    for (d0 = 0; d0 < D; d0 += MC_BLOCK) {
        int64_t total[MC_BLOCK];
        uint32_t won[MC_BLOCK];
        int b, nb = D - d0 < MC_BLOCK ? D - d0 : MC_BLOCK;
        if (rho > 0) {
            /* this block's factors and conditional thresholds */
            for (b = 0; b < MC_BLOCK; b++) {
                size_t c;
                for (j = 0; j < nseg; j++)
                    factor[j] = rng_normal(&r[0]);
                for (c = 0; c < ncombo; c++) {
                    double z = (combos[c].p - sr * factor[combos[c].factor]) / se;
                    thr[(size_t)b * ncombo + c] = threshold53(0.5 * erfc(-z / sqrt(2.0)));
                }
            }
        }
        for (b = 0; b < MC_BLOCK; b++) {
            total[b] = s->closed_won_amount;
            won[b] = 0;
        }
        for (j = 0; j < n; j++) {
            const uint64_t *t = rho > 0 ? thr + combo[j] : thr + j;
            size_t step = rho > 0 ? ncombo : 0;
            int64_t x = amount[j];
            for (b = 0; b < MC_BLOCK; b += MC_STREAMS) {
                for (k = 0; k < MC_STREAMS; k++) {
                    uint64_t w = (rng_next(&r[k]) >> 11) < t[(size_t)(b + k) * step];
                    total[b + k] = mtl__wrap_add(total[b + k], x & -(int64_t)w);
                    won[b + k] += (uint32_t)w;
                }
            }
        }
        for (b = 0; b < nb; b++) {
            f->draws[d0 + b] = total[b];
            count_hist[won[b]] += 1;
            sum += (double)total[b];
            sum2 += (double)total[b] * (double)total[b];
        }
    }
    qsort(f->draws, (size_t)D, sizeof *f->draws, cmp_i64);
    for (j = 0; j <= n; j++)
        count_hist[j] /= D;
    s->expected = sum / D;
    s->variance = D > 1 ? (sum2 - sum * sum / D) / (D - 1) : 0;
    if (s->variance < 0)
        s->variance = 0;
    s->error_bound = sqrt(s->variance / D);
    /* the won count's histogram as a pmf from 0 */
    f->count.first = 0;
    f->count.size = n + 1;
    f->count.prob = count_hist;
    f->count.error = 0;
    count_hist = NULL;
    goto out;
oom:
    st = mtl__error_oom();
out:
    mtl__free(a, count_hist, (n + 1) * sizeof *count_hist);
    mtl__free(a, amount, nn * sizeof *amount);
    mtl__free(a, thr, nthr * sizeof *thr);
    mtl__free(a, keys, nn * sizeof *keys);
    mtl__free(a, combo, nn * sizeof *combo);
    mtl__free(a, combos, nn * sizeof *combos);
    mtl__free(a, factor, nseg * sizeof *factor);
    return st;
}

/* ---- the summary ------------------------------------------------------- */

MTL_API int64_t mtl_forecast_quantile(const mtl_forecast *f, double q)
{
    if (!f || !(q >= 0 && q <= 1))
        return INT64_MIN;
    if (f->draws) {
        int32_t D = f->sum.draws;
        int64_t k = (int64_t)ceil(q * D) - 1;
        return f->draws[k < 0 ? 0 : k >= D ? D - 1 : k];
    }
    return f->sum.closed_won_amount + f->sum.grid * mtl__pmf_quantile(&f->revenue, q);
}

MTL_API double mtl_forecast_probability_at_least(const mtl_forecast *f, int64_t amount)
{
    double v;
    if (!f)
        return NAN;
    if (f->draws) {
        int32_t lo = 0, hi = f->sum.draws;
        while (lo < hi) { /* first draw >= amount */
            int32_t mid = lo + (hi - lo) / 2;
            if (f->draws[mid] < amount)
                lo = mid + 1;
            else
                hi = mid;
        }
        return (double)(f->sum.draws - lo) / f->sum.draws;
    }
    v = ceil((double)(amount - f->sum.closed_won_amount) / (double)f->sum.grid);
    if (v <= (double)f->revenue.first)
        return 1.0;
    if (v > (double)(f->revenue.first + (int64_t)f->revenue.size))
        return 0.0;
    return mtl__pmf_at_least(&f->revenue, (int64_t)v);
}

MTL_API double mtl_forecast_expected_shortfall(const mtl_forecast *f, int64_t target)
{
    if (!f)
        return NAN;
    if (f->draws) {
        double sum = 0;
        int32_t d;
        for (d = 0; d < f->sum.draws && f->draws[d] < target; d++)
            sum += (double)(target - f->draws[d]);
        return sum / f->sum.draws;
    }
    return (double)f->sum.grid *
           mtl__pmf_shortfall(&f->revenue, (double)(target - f->sum.closed_won_amount) /
                                                (double)f->sum.grid);
}

/* Everything the summary derives from the deals and the distributions. */
static void finish(mtl_forecast *f)
{
    mtl_forecast_summary *s = &f->sum;
    double mean = 0, var = 0, qvar = 0, cm = 0, cv = 0;
    size_t j;
    for (j = 0; j < f->ndeals; j++) {
        double a = (double)f->deals[j].amount, p = f->deals[j].p;
        double x = a / (double)s->grid, fr = x - floor(x);
        mean += a * p;
        var += a * a * p * (1 - p);
        qvar += p * fr * (1 - fr);
        cm += p;
        cv += p * (1 - p);
    }
    s->deal_count = (int64_t)f->ndeals;
    s->commit_forecast = mtl__wrap_add(s->commit, s->closed);
    s->best_case_forecast = mtl__wrap_add(s->best_case, s->commit_forecast);
    s->open_pipeline = mtl__wrap_add(mtl__wrap_add(s->pipeline, s->best_case), s->commit);
    if (!f->draws) {
        s->expected = (double)s->closed_won_amount + mean;
        s->variance = var;
        s->quantization_sd = (double)s->grid * sqrt(qvar);
        s->error_bound = f->revenue.error;
    }
    s->p10 = mtl_forecast_quantile(f, 0.10);
    s->p50 = mtl_forecast_quantile(f, 0.50);
    s->p90 = mtl_forecast_quantile(f, 0.90);
    s->p_hit_target = s->target > 0 ? mtl_forecast_probability_at_least(f, s->target) : NAN;
    s->expected_shortfall = s->target > 0 ? mtl_forecast_expected_shortfall(f, s->target) : NAN;
    s->won_count_mean = cm;
    s->won_count_variance = cv;
    s->won_count_p10 = mtl__pmf_quantile(&f->count, 0.10);
    s->won_count_p50 = mtl__pmf_quantile(&f->count, 0.50);
    s->won_count_p90 = mtl__pmf_quantile(&f->count, 0.90);
}

/* ---- life cycle -------------------------------------------------------- */

static mtl_forecast *forecast_new(const mtl__allocator *from)
{
    mtl_forecast *f = from->fn(from->user_data, NULL, 0, sizeof *f);
    if (!f)
        return NULL;
    memset(f, 0, sizeof *f);
    atomic_init(&f->refs, 1);
    mtl__allocator_init(&f->alloc, from->fn, from->user_data);
    return f;
}

static void forecast_free(mtl_forecast *f)
{
    mtl__allocator *a = &f->alloc;
    mtl__pmf_free(a, &f->revenue);
    mtl__pmf_free(a, &f->count);
    if (f->draws)
        mtl__free(a, f->draws, (size_t)f->sum.draws * sizeof *f->draws);
    mtl__free(a, f->deals, f->deals_cap * sizeof *f->deals);
    mtl__free(a, f->ids, f->ids_cap);
    a->fn(a->user_data, f, sizeof *f, 0);
}

MTL_API mtl_status mtl_forecast_create(mtl_forecast **out, const mtl_market *market,
                                       const mtl_forecast_options *options)
{
    const mtl_forecast_options *o = options;
    mtl_forecast *f;
    picker pk;
    mtl_status st;
    if (out)
        *out = NULL;
    if (!out)
        return mtl__error_null("out");
    if (!market)
        return mtl__error_null("market");
    if (!o)
        return mtl__error_null("options");
    if ((st = check_options(market, o)) != MTL_OK)
        return st;
    if (!(f = forecast_new(&market->alloc)))
        return mtl__error_oom();
    f->correlation = o->correlation;
    f->seed = o->seed;
    f->factors = market->segments.high + 1;
    f->sum.struct_size = sizeof f->sum;
    f->sum.period_start = o->period_start;
    f->sum.period_end = o->period_end;
    f->sum.as_of = o->as_of != MTL_DATE_NONE ? o->as_of : o->period_end - 1;
    f->sum.method = o->method;
    f->sum.target = o->target;
    if ((st = picker_init(&pk, &f->alloc, market, o)) == MTL_OK) {
        st = pick(f, &pk);
        mtl__free(&f->alloc, pk.in_segment, market->segments.high ? market->segments.high : 1);
    }
    if (st == MTL_OK && o->method == MTL_FORECAST_MONTE_CARLO) {
        f->sum.grid = 1;
        f->sum.draws = o->draws ? o->draws : DEFAULT_DRAWS;
        st = monte_carlo(f);
    } else if (st == MTL_OK) {
        if ((st = choose_grid(f, o->grid)) == MTL_OK &&
            (st = compute_pmf(f, 0, &f->revenue)) == MTL_OK)
            st = compute_pmf(f, 1, &f->count);
    }
    if (st != MTL_OK) {
        forecast_free(f);
        return st;
    }
    finish(f);
    *out = f;
    return MTL_OK;
}

MTL_API mtl_forecast *mtl_forecast_ref(mtl_forecast *forecast)
{
    if (forecast)
        atomic_fetch_add_explicit(&forecast->refs, 1, memory_order_relaxed);
    return forecast;
}

MTL_API void mtl_forecast_unref(mtl_forecast *forecast)
{
    if (forecast &&
        atomic_fetch_sub_explicit(&forecast->refs, 1, memory_order_acq_rel) == 1)
        forecast_free(forecast);
}

/* ---- reading ----------------------------------------------------------- */

MTL_API mtl_status mtl_forecast_summary_get(const mtl_forecast *forecast,
                                            mtl_forecast_summary *out)
{
    mtl_status st;
    if (!forecast)
        return mtl__error_null("forecast");
    if (!out)
        return mtl__error_null("out");
    if ((st = mtl__struct_check(out->struct_size, sizeof *out, "mtl_forecast_summary")))
        return st;
    *out = forecast->sum;
    return MTL_OK;
}

MTL_API size_t mtl_forecast_distribution(const mtl_forecast *forecast,
                                         int64_t *out_first, int64_t *out_step,
                                         const double **out_probabilities)
{
    const mtl_forecast *f = forecast;
    if (!f || f->draws)
        return 0;
    if (out_first)
        *out_first = f->sum.closed_won_amount + f->revenue.first * f->sum.grid;
    if (out_step)
        *out_step = f->sum.grid;
    if (out_probabilities)
        *out_probabilities = f->revenue.prob;
    return f->revenue.size;
}

MTL_API size_t mtl_forecast_won_count_distribution(const mtl_forecast *forecast,
                                                   int64_t *out_first,
                                                   const double **out_probabilities)
{
    if (!forecast)
        return 0;
    if (out_first)
        *out_first = forecast->count.first;
    if (out_probabilities)
        *out_probabilities = forecast->count.prob;
    return forecast->count.size;
}

MTL_API size_t mtl_forecast_deal_count(const mtl_forecast *forecast)
{
    return forecast ? forecast->ndeals : 0;
}

MTL_API mtl_status mtl_forecast_deal_at(const mtl_forecast *forecast, size_t index,
                                        const char **out_id, int64_t *out_amount,
                                        double *out_probability,
                                        int32_t *out_category)
{
    const deal *d;
    if (!forecast)
        return mtl__error_null("forecast");
    if (index >= forecast->ndeals)
        return mtl__error(MTL_E_RANGE, "deal %zu of %zu", index, forecast->ndeals);
    d = &forecast->deals[index];
    if (out_id)
        *out_id = forecast->ids + d->id;
    if (out_amount)
        *out_amount = d->amount;
    if (out_probability)
        *out_probability = d->p;
    if (out_category)
        *out_category = d->category;
    return MTL_OK;
}

/* ---- what-if ----------------------------------------------------------- */

/* A copy of base's deals and ids with deal `skip` left out (skip = ndeals:
 * none), and its summary's category sums adjusted. */
static mtl_status copy_deals(mtl_forecast *f, const mtl_forecast *base, size_t skip)
{
    size_t j;
    mtl_status st;
    for (j = 0; j < base->ndeals; j++) {
        const deal *d = &base->deals[j];
        if (j == skip)
            continue;
        if ((st = add_deal(f, base->ids + d->id, d->amount, d->p, d->category, d->group)))
            return st;
    }
    if (skip < base->ndeals)
        add_category(&f->sum, base->deals[skip].category, -base->deals[skip].amount);
    return MTL_OK;
}

/* Derive base's distributions with deal j's factor removed, and with a new
 * factor of probability p_new added when p_new >= 0; recompute from the
 * deals when the deconvolution is refused as unstable. */
static mtl_status derive(mtl_forecast *f, const mtl_forecast *base, size_t j, double p_new)
{
    const deal *d = &base->deals[j];
    double x = (double)d->amount / (double)base->sum.grid;
    mtl__pmf tmp;
    mtl_status st;
    int unit;
    for (unit = 0; unit < 2; unit++) {
        const mtl__pmf *from = unit ? &base->count : &base->revenue;
        mtl__pmf *to = unit ? &f->count : &f->revenue;
        double xx = unit ? 1.0 : x;
        memset(&tmp, 0, sizeof tmp);
        st = mtl__pmf_remove(&f->alloc, from, xx, d->p, 0, &tmp);
        if (st == MTL_OK && p_new >= 0) {
            st = mtl__pmf_add(&f->alloc, &tmp, xx, p_new, 0, to);
            mtl__pmf_free(&f->alloc, &tmp);
        } else if (st == MTL_OK) {
            *to = tmp;
        }
        if (st == MTL_E_RANGE) /* unstable: start again from the deals */
            st = compute_pmf(f, unit, to);
        if (st)
            return st;
    }
    return MTL_OK;
}

static mtl_status what_if(mtl_forecast **out, const mtl_forecast *base,
                          const char *lead_id, double p_new)
{
    mtl_forecast *f;
    size_t j;
    mtl_status st;
    if (out)
        *out = NULL;
    if (!out)
        return mtl__error_null("out");
    if (!base)
        return mtl__error_null("forecast");
    if (!lead_id)
        return mtl__error_null("lead_id");
    if (p_new != -1.0 && !(p_new >= 0 && p_new <= 1))
        return mtl__error(MTL_E_RANGE, "probability %g outside [0, 1]", p_new);
    for (j = 0; j < base->ndeals; j++)
        if (strcmp(base->ids + base->deals[j].id, lead_id) == 0)
            break;
    if (j == base->ndeals)
        return mtl__error(MTL_E_NOT_FOUND, "lead '%.64s' is not a deal of the forecast",
                          lead_id);
    if (!(f = forecast_new(&base->alloc)))
        return mtl__error_oom();
    f->sum = base->sum;
    f->correlation = base->correlation;
    f->seed = base->seed;
    f->factors = base->factors;
    st = copy_deals(f, base, p_new >= 0 ? base->ndeals : j);
    if (st == MTL_OK && p_new >= 0)
        f->deals[j].p = p_new;
    if (st == MTL_OK && base->draws) {
        /* a simulation is redone with the same seed */
        st = monte_carlo(f);
    } else if (st == MTL_OK) {
        st = derive(f, base, j, p_new);
    }
    if (st != MTL_OK) {
        forecast_free(f);
        return st;
    }
    finish(f);
    *out = f;
    return MTL_OK;
}

MTL_API mtl_status mtl_forecast_without(mtl_forecast **out,
                                        const mtl_forecast *forecast,
                                        const char *lead_id)
{
    return what_if(out, forecast, lead_id, -1.0);
}

MTL_API mtl_status mtl_forecast_with_probability(mtl_forecast **out,
                                                 const mtl_forecast *forecast,
                                                 const char *lead_id,
                                                 double probability)
{
    if (probability == -1.0)
        return mtl__error(MTL_E_RANGE, "probability %g outside [0, 1]", probability);
    return what_if(out, forecast, lead_id, probability);
}
