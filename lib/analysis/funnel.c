/* funnel.c: the funnel report (funnel.h, docs/methods/funnel.md).
 *
 * mtl_funnel_stages() turns a segment's live counters into stage rows;
 * mtl_funnel_compute() scans every lead once into per-group counters of the
 * same shape (mtl__funnel_cell_add, the one accounting rule) plus what the
 * counters do not keep (statuses, dates, history stays), then turns each
 * group into rows and a summary. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stats.h"
#include "core/versioned.h"
#include "market/internal.h"

#define DEFAULT_CONFIDENCE 0.90

struct mtl_funnel {
    mtl__allocator alloc; /* a copy: the report outlives nothing it needs */
    int32_t stages;
    size_t ngroups;
    char *names;          /* the groups' names, NUL-separated */
    size_t names_len;
    size_t *name_at;      /* offset of each group's name */
    mtl_funnel_stage *rows;      /* ngroups × stages */
    mtl_funnel_summary *sums;    /* ngroups */
    double *plan;                /* ngroups × stages × 2: leads, pipeline */
};

/* ---- counters to rows -------------------------------------------------- */

static double ratio(double a, double b) { return b > 0 ? a / b : NAN; }

/* Stage rows from one group's cells (days fields left NaN). */
static void cells_to_rows(const mtl_market *m, const mtl__funnel_cell *cells,
                          double conf, mtl_funnel_stage *rows)
{
    int64_t tail[3] = { 0, 0, 0 };
    int32_t s, o, n = m->stage_count;
    for (s = n - 1; s >= 0; s--) {
        const mtl__funnel_cell *c = &cells[s];
        mtl_funnel_stage *r = &rows[s];
        int64_t reached[3], at, advanced;
        int flagged = m->stages[s].flags != 0;
        /* every field is set below (no memset: this runs after each live
         * update, and a call per row costs more than the row) */
        for (o = 0; o < 3; o++) {
            /* ordinary stages: every lead without history at or after it
             * reached it; a flagged stage only its own (lost-flagged
             * stages have no tail: funnel_counters.c) */
            tail[o] += c->tail[o];
            reached[o] = (flagged ? c->tail[o] : tail[o]) + c->visit[o];
        }
        r->open_count = c->n[MTL_OUTCOME_OPEN];
        r->won_count = c->n[MTL_OUTCOME_WON];
        r->lost_count = c->n[MTL_OUTCOME_LOST];
        r->open_amount = c->amount[MTL_OUTCOME_OPEN];
        r->won_amount = c->amount[MTL_OUTCOME_WON];
        r->lost_amount = c->amount[MTL_OUTCOME_LOST];
        r->weighted_amount =
            m->stages[s].probability * (double)(c->amount[0] - c->ovr_amount) +
            mtl__funnel_cell_override_weight(c);
        r->reached = reached[0] + reached[1] + reached[2];
        r->won_reached = reached[MTL_OUTCOME_WON];
        r->lost_reached = reached[MTL_OUTCOME_LOST];
        at = c->n[0] + c->n[1] + c->n[2];
        advanced = r->reached - at;
        r->conversion = (s == n - 1 || flagged)
                            ? NAN
                            : ratio((double)advanced,
                                    (double)(advanced + c->n[MTL_OUTCOME_LOST]));
        r->win_rate = ratio((double)r->won_reached,
                            (double)(r->won_reached + r->lost_reached));
        mtl__wilson(r->won_reached, r->won_reached + r->lost_reached, conf,
                    &r->win_rate_low, &r->win_rate_high);
        r->model_probability = m->stages[s].probability;
        r->calibration = isnan(r->win_rate) ? MTL_CALIBRATION_UNKNOWN
                         : r->model_probability < r->win_rate_low ? MTL_CALIBRATION_BELOW
                         : r->model_probability > r->win_rate_high ? MTL_CALIBRATION_ABOVE
                                                                   : MTL_CALIBRATION_INSIDE;
        r->days_count = 0;
        r->days_mean = r->days_median = r->days_p90 = NAN;
    }
}

MTL_API mtl_status mtl_funnel_stages(const mtl_market *market,
                                     const mtl_segment *segment,
                                     mtl_funnel_stage *rows, int32_t count)
{
    int32_t s;
    mtl_status st;
    if (!market)
        return mtl__error_null("market");
    if (!rows)
        return mtl__error_null("rows");
    if (segment && segment->rec.market != market)
        return mtl__error(MTL_E_INVALID_ARGUMENT, "segment belongs to another market");
    if (count < market->stage_count)
        return mtl__error(MTL_E_LIMIT, "%d rows for %d stages", (int)count,
                          (int)market->stage_count);
    for (s = 0; s < market->stage_count; s++)
        if ((st = mtl__struct_check(rows[s].struct_size, sizeof rows[s],
                                    "mtl_funnel_stage")) != MTL_OK)
            return st;
    cells_to_rows(market, segment ? mtl__funnel_of(market, segment) : market->funnel_total,
                  DEFAULT_CONFIDENCE, rows);
    return MTL_OK;
}

/* ---- options ----------------------------------------------------------- */

MTL_API mtl_status mtl_funnel_options_init(mtl_funnel_options *options,
                                           size_t struct_size)
{
    mtl_status st = mtl__struct_init(options, struct_size, sizeof *options,
                                     "mtl_funnel_options");
    if (st)
        return st;
    options->period_start = options->period_end = MTL_DATE_NONE;
    options->as_of = MTL_DATE_NONE;
    return MTL_OK;
}

static mtl_status check_options(const mtl_funnel_options *o)
{
    mtl_status st = mtl__struct_check(o->struct_size, sizeof *o, "mtl_funnel_options");
    if (st)
        return st;
    if (o->group_by < MTL_GROUP_NONE || o->group_by > MTL_GROUP_COHORT_YEAR)
        return mtl__error(MTL_E_RANGE, "group_by %d: 0..8", (int)o->group_by);
    if (o->confidence != 0 && !(o->confidence > 0 && o->confidence < 1))
        return mtl__error(MTL_E_RANGE, "confidence %g outside (0, 1)", o->confidence);
    if ((o->period_start == MTL_DATE_NONE) != (o->period_end == MTL_DATE_NONE))
        return mtl__error(MTL_E_RANGE, "period: give both period_start and period_end");
    if (o->period_start != MTL_DATE_NONE && o->period_end <= o->period_start)
        return mtl__error(MTL_E_RANGE, "period ends (day %ld) before it starts (day %ld)",
                          (long)o->period_end, (long)o->period_start);
    if (o->target < 0)
        return mtl__error(MTL_E_RANGE, "target %lld is negative", (long long)o->target);
    if (o->weeks < 0)
        return mtl__error(MTL_E_RANGE, "weeks %d is negative", (int)o->weeks);
    return MTL_OK;
}

/* ---- the scan ---------------------------------------------------------- */

typedef struct group_acc {
    int64_t key; /* the key the group was made for (-1 = none) */
    int64_t verified, converted;
    int64_t period_won, period_won_amount, won_to_date;
    int64_t period_open_amount;
    double period_weighted;
} group_acc;

/* (group, value) pairs collected for medians: cycle days per group, days in
 * stage per group × stage */
typedef struct samples {
    uint32_t *key;
    int32_t *value;
    size_t n, cap, cap_value; /* cap: of key */
} samples;

typedef struct scan {
    const mtl_market *m;
    const mtl_funnel_options *o;
    mtl__allocator *a;
    int32_t stages;
    /* key → group */
    uint32_t *map;       /* by segment slot, string id, grade or cohort key */
    size_t map_len;
    int64_t cohort_base; /* cohort key of map[0] */
    uint32_t none_group; /* group of leads without a key, or MTL__NONE */
    size_t ngroups;
    mtl__funnel_cell *cells;  /* cap_cells × stages */
    size_t cap_cells;
    group_acc *groups;        /* cap_groups */
    size_t cap_groups;
    samples cycle, days;
    int32_t last_day, last_key; /* cohort cache */
    /* grouped by segment or not at all: the stage cells are the market's
     * live counters (copied after the scan), not summed lead by lead */
    int cells_from_counters;
} scan;

static int samples_push(mtl__allocator *a, samples *s, uint32_t key, int32_t value)
{
    /* each array keeps its own capacity: when the second growth fails
     * the first stays as grown (shrinking it back could fail too) */
    if ((s->n == s->cap || s->n == s->cap_value) &&
        (!mtl__grow(a, (void **)&s->key, &s->cap, s->n + 1, sizeof *s->key) ||
         !mtl__grow(a, (void **)&s->value, &s->cap_value, s->n + 1, sizeof *s->value)))
        return 0;
    s->key[s->n] = key;
    s->value[s->n++] = value;
    return 1;
}

static void samples_free(mtl__allocator *a, samples *s)
{
    mtl__free(a, s->key, s->cap * sizeof *s->key);
    mtl__free(a, s->value, s->cap_value * sizeof *s->value);
}

/* Index of a new group for key; MTL__NONE when out of memory. */
static uint32_t new_group(scan *sc, int64_t key)
{
    size_t S = (size_t)sc->stages;
    if (sc->ngroups == sc->cap_cells) {
        size_t want = sc->cap_cells ? sc->cap_cells * 2 : 16;
        mtl__funnel_cell *cells =
            mtl__realloc(sc->a, sc->cells, sc->cap_cells * S * sizeof *cells,
                         want * S * sizeof *cells);
        if (!cells)
            return MTL__NONE;
        memset(cells + sc->cap_cells * S, 0,
               (want - sc->cap_cells) * S * sizeof *cells);
        sc->cells = cells;
        sc->cap_cells = want;
    }
    if (!mtl__grow(sc->a, (void **)&sc->groups, &sc->cap_groups, sc->ngroups + 1,
                   sizeof *sc->groups))
        return MTL__NONE;
    memset(&sc->groups[sc->ngroups], 0, sizeof *sc->groups);
    sc->groups[sc->ngroups].key = key;
    return (uint32_t)sc->ngroups++;
}

static int32_t cohort_key(scan *sc, int32_t day)
{
    int32_t y, mo, d;
    if (day == sc->last_day)
        return sc->last_key;
    mtl_date_to_ymd(day, &y, &mo, &d);
    sc->last_day = day;
    switch (sc->o->group_by) {
    case MTL_GROUP_COHORT_MONTH: sc->last_key = y * 12 + (mo - 1); break;
    case MTL_GROUP_COHORT_QUARTER: sc->last_key = y * 4 + (mo - 1) / 3; break;
    default: sc->last_key = y; break;
    }
    return sc->last_key;
}

/* The key of lead i (a map index), or -1 for "no key". */
static int64_t lead_key(scan *sc, const mtl__lead_chunk *c, uint32_t i)
{
    const mtl_market *m = sc->m;
    switch (sc->o->group_by) {
    case MTL_GROUP_SEGMENT:
        return c->segment[i] == MTL__NONE ? -1 : (int64_t)c->segment[i];
    case MTL_GROUP_REGION: return c->region[i] ? (int64_t)c->region[i] : -1;
    case MTL_GROUP_OWNER: return c->owner[i] ? (int64_t)c->owner[i] : -1;
    case MTL_GROUP_SOURCE: return c->source[i] ? (int64_t)c->source[i] : -1;
    case MTL_GROUP_GRADE: {
        const mtl_customer *cu = mtl__customer_at(m, c->customer[i]);
        return cu && cu->grade ? (int64_t)cu->grade : -1;
    }
    default:
        if (c->created[i] == MTL_DATE_NONE)
            return -1;
        return (int64_t)cohort_key(sc, c->created[i]) - sc->cohort_base;
    }
}

/* The group of lead i (created on first sight); MTL__NONE = out of memory. */
static uint32_t lead_group(scan *sc, const mtl__lead_chunk *c, uint32_t i)
{
    int64_t key;
    if (sc->o->group_by == MTL_GROUP_NONE)
        return 0;
    key = lead_key(sc, c, i);
    if (key < 0) {
        if (sc->none_group == MTL__NONE)
            sc->none_group = new_group(sc, -1);
        return sc->none_group;
    }
    if (sc->map[key] == MTL__NONE)
        sc->map[key] = new_group(sc, key);
    return sc->map[key];
}

/* Size the key map: segment slots, string ids, grades or cohort keys. */
static mtl_status map_init(scan *sc)
{
    const mtl_market *m = sc->m;
    size_t k;
    uint32_t i;
    switch (sc->o->group_by) {
    case MTL_GROUP_NONE: return MTL_OK;
    case MTL_GROUP_SEGMENT: sc->map_len = m->segments.high; break;
    case MTL_GROUP_GRADE: sc->map_len = MTL_GRADE_GENERAL + 1; break;
    case MTL_GROUP_REGION:
    case MTL_GROUP_OWNER:
    case MTL_GROUP_SOURCE: sc->map_len = m->strings.count; break;
    default: {
        /* cohorts: the range of creation keys */
        int32_t lo = INT32_MAX, hi = INT32_MIN, key;
        for (k = 0; k < m->nchunks; k++) {
            const mtl__lead_chunk *c = m->chunks[k];
            for (i = 0; i < c->used; i++) {
                if (c->outcome[i] == MTL__FREE_SLOT || c->created[i] == MTL_DATE_NONE)
                    continue;
                key = cohort_key(sc, c->created[i]);
                lo = key < lo ? key : lo;
                hi = key > hi ? key : hi;
            }
        }
        sc->cohort_base = lo;
        sc->map_len = lo <= hi ? (size_t)(hi - lo) + 1 : 0;
    }
    }
    if (sc->map_len) {
        sc->map = mtl__alloc_array(sc->a, sc->map_len, sizeof *sc->map);
        if (!sc->map)
            return mtl__error_oom();
        memset(sc->map, 0xff, sc->map_len * sizeof *sc->map);
    }
    return MTL_OK;
}

static int in_period(const mtl_funnel_options *o, int32_t day)
{
    return o->period_start != MTL_DATE_NONE && day != MTL_DATE_NONE &&
           day >= o->period_start && day < o->period_end;
}

/* Days in each stage of lead i's history, into sc->days keyed g × stages + s. */
static int history_stays(scan *sc, const mtl__lead_chunk *c, uint32_t i, uint32_t g)
{
    const mtl_market *m = sc->m;
    uint32_t e = c->history[i];
    while (e) {
        const mtl__event *ev = &m->events[e - 1];
        int32_t end = ev->next ? m->events[ev->next - 1].day
                      : c->outcome[i] != MTL_OUTCOME_OPEN ? c->closed[i]
                                                          : MTL_DATE_NONE;
        if (end != MTL_DATE_NONE && end >= ev->day &&
            !samples_push(sc->a, &sc->days, g * (uint32_t)sc->stages + (uint32_t)ev->stage,
                          end - ev->day))
            return 0;
        e = ev->next;
    }
    return 1;
}

static mtl_status scan_leads(scan *sc)
{
    const mtl_market *m = sc->m;
    const mtl_funnel_options *o = sc->o;
    int32_t won_end = o->as_of != MTL_DATE_NONE ? o->as_of + 1 : o->period_end;
    size_t k;
    uint32_t i;
    if (o->group_by == MTL_GROUP_NONE && new_group(sc, -1) == MTL__NONE)
        return mtl__error_oom();
    for (k = 0; k < m->nchunks; k++) {
        const mtl__lead_chunk *c = m->chunks[k];
        for (i = 0; i < c->used; i++) {
            int32_t out = c->outcome[i], status;
            uint32_t g;
            group_acc *acc;
            if (out == MTL__FREE_SLOT)
                continue;
            g = lead_group(sc, c, i);
            if (g == MTL__NONE)
                return mtl__error_oom();
            if (!sc->cells_from_counters)
                mtl__funnel_cell_add(m, sc->cells + (size_t)g * (size_t)sc->stages, c, i,
                                     1);
            acc = &sc->groups[g];
            status = mtl__misc_status(c->misc[i]);
            acc->verified += status != MTL_LEAD_STATUS_NEW;
            acc->converted += status == MTL_LEAD_STATUS_CONVERTED;
            if (out == MTL_OUTCOME_WON) {
                if (in_period(o, c->closed[i])) {
                    acc->period_won++;
                    acc->period_won_amount = mtl__wrap_add(acc->period_won_amount, c->amount[i]);
                    if (c->closed[i] < won_end)
                        acc->won_to_date = mtl__wrap_add(acc->won_to_date, c->amount[i]);
                }
                if (c->created[i] != MTL_DATE_NONE && c->closed[i] != MTL_DATE_NONE &&
                    c->closed[i] >= c->created[i] &&
                    !samples_push(sc->a, &sc->cycle, g, c->closed[i] - c->created[i]))
                    return mtl__error_oom();
            } else if (out == MTL_OUTCOME_OPEN &&
                       in_period(o, mtl__lead_expected_close(c, i))) {
                double p = mtl__lead_probability(c, i);
                if (!(p >= 0))
                    p = m->stages[c->stage[i]].probability;
                acc->period_open_amount = mtl__wrap_add(acc->period_open_amount, c->amount[i]);
                acc->period_weighted += (double)c->amount[i] * p;
            }
            if (c->history[i] && !history_stays(sc, c, i, g))
                return mtl__error_oom();
        }
    }
    return MTL_OK;
}

/* The groups' cells from the live counters: the counters hold exactly
 * what the scan would sum (the same mtl__funnel_cell_add, bit for bit;
 * tests/test_funnel.c checks it), at O(groups × stages). */
static void cells_from_counters(scan *sc)
{
    const mtl_market *m = sc->m;
    size_t g, S = (size_t)sc->stages;
    for (g = 0; g < sc->ngroups; g++) {
        int64_t key = sc->groups[g].key;
        const mtl__funnel_cell *from =
            sc->o->group_by == MTL_GROUP_NONE ? m->funnel_total
            : key < 0 ? m->funnel_none
                      : mtl__funnel_of(m, mtl__segment_at(m, (uint32_t)key));
        memcpy(sc->cells + g * S, from, S * sizeof *from);
    }
}

/* ---- building the report ------------------------------------------------ */

static const char *const grade_names[] = { MTL_GROUP_UNSET_NAME, "strategic",
                                           "partner", "commercial", "general" };

/* Name of the group made for key into buf (or a pointer to a stored name). */
static const char *group_name(const scan *sc, int64_t key, char *buf, size_t cap)
{
    const mtl_market *m = sc->m;
    int32_t k;
    if (key < 0)
        return MTL_GROUP_UNSET_NAME;
    switch (sc->o->group_by) {
    case MTL_GROUP_SEGMENT:
        return mtl__arena_at(&m->ids, mtl__segment_at(m, (uint32_t)key)->rec.id_ref);
    case MTL_GROUP_REGION:
    case MTL_GROUP_OWNER:
    case MTL_GROUP_SOURCE: return mtl__strpool_get(&m->strings, (uint32_t)key);
    case MTL_GROUP_GRADE: return grade_names[key];
    default:
        k = (int32_t)(key + sc->cohort_base);
        if (sc->o->group_by == MTL_GROUP_COHORT_MONTH)
            snprintf(buf, cap, "%04d-%02d", (int)(k / 12 - (k % 12 < 0)),
                     (int)((k % 12 + 12) % 12 + 1));
        else if (sc->o->group_by == MTL_GROUP_COHORT_QUARTER)
            snprintf(buf, cap, "%04d-Q%d", (int)(k / 4 - (k % 4 < 0)),
                     (int)((k % 4 + 4) % 4 + 1));
        else
            snprintf(buf, cap, "%04d", (int)k);
        return buf;
    }
}

/* qsort has no context pointer in C11: the names travel with the index */
typedef struct named {
    const char *name;
    uint32_t group;
} named;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

/* Order samples by key (counting sort); start[k]..start[k+1] = key k's. */
static mtl_status samples_group(mtl__allocator *a, samples *s, size_t nkeys,
                                size_t **out_start, int32_t **out_values)
{
    size_t *start = mtl__alloc_zero(a, (nkeys + 1) * sizeof *start), j;
    int32_t *v = s->n ? mtl__alloc_array(a, s->n, sizeof *v) : NULL;
    if (!start || (s->n && !v)) {
        mtl__free(a, start, (nkeys + 1) * sizeof *start);
        mtl__free(a, v, s->n * sizeof *v);
        return mtl__error_oom();
    }
    for (j = 0; j < s->n; j++)
        start[s->key[j] + 1]++;
    for (j = 0; j < nkeys; j++)
        start[j + 1] += start[j];
    for (j = 0; j < s->n; j++)
        v[start[s->key[j]]++] = s->value[j];
    for (j = nkeys; j > 0; j--)
        start[j] = start[j - 1];
    start[0] = 0;
    *out_start = start;
    *out_values = v;
    return MTL_OK;
}

static void describe(mtl__allocator *a, int32_t *v, size_t n, int64_t *count,
                     double *mean, double *median, double *p90)
{
    static const double q[2] = { 0.5, 0.9 };
    double sum = 0, out[2];
    size_t j;
    for (j = 0; j < n; j++)
        sum += v[j];
    *count = (int64_t)n;
    *mean = n ? sum / (double)n : NAN;
    mtl__quantiles_i32(a, v, n, q, out, 2);
    *median = out[0];
    *p90 = out[1];
}

static void summarize(mtl__allocator *a, const mtl_market *m,
                      const mtl_funnel_options *o,
                      const mtl_funnel_stage *rows, const group_acc *acc,
                      int32_t *cycle, size_t ncycle, mtl_funnel_summary *s,
                      double *plan)
{
    int32_t st, n = m->stage_count;
    int64_t closed_amount;
    double weeks;
    memset(s, 0, sizeof *s);
    s->struct_size = sizeof *s;
    for (st = 0; st < n; st++) {
        const mtl_funnel_stage *r = &rows[st];
        s->open += r->open_count;
        s->won += r->won_count;
        s->lost += r->lost_count;
        s->open_amount = mtl__wrap_add(s->open_amount, r->open_amount);
        s->won_amount = mtl__wrap_add(s->won_amount, r->won_amount);
        s->lost_amount = mtl__wrap_add(s->lost_amount, r->lost_amount);
        s->weighted_amount += r->weighted_amount;
    }
    s->leads = s->open + s->won + s->lost;
    closed_amount = s->won_amount + s->lost_amount;
    s->win_rate = ratio((double)s->won, (double)(s->won + s->lost));
    s->win_rate_amount = ratio((double)s->won_amount, (double)closed_amount);
    s->verified = acc->verified;
    s->converted = acc->converted;
    s->lead_conversion = ratio((double)acc->converted, (double)acc->verified);
    s->period_won = acc->period_won;
    s->period_won_amount = acc->period_won_amount;
    s->won_to_date_amount = acc->won_to_date;
    s->period_open_amount = acc->period_open_amount;
    s->period_weighted_amount = acc->period_weighted;
    s->coverage = s->coverage_weighted = NAN;
    if (o->period_start != MTL_DATE_NONE && o->target > 0) {
        double left = (double)(o->target - acc->won_to_date);
        s->coverage = left > 0 ? (double)acc->period_open_amount / left : INFINITY;
        s->coverage_weighted = left > 0 ? acc->period_weighted / left : INFINITY;
    }
    describe(a, cycle, ncycle, &s->cycle_count, &s->cycle_mean, &s->cycle_median,
             &s->cycle_p90);
    s->average_won_amount = ratio((double)s->won_amount, (double)s->won);
    s->velocity = (double)s->open * s->win_rate * s->average_won_amount /
                  (s->cycle_mean > 0 ? s->cycle_mean : NAN);
    /* the funnel-mouth plan */
    s->plan_gap = s->plan_wins = s->plan_new_leads = s->plan_new_leads_per_week = NAN;
    for (st = 0; st < n; st++)
        plan[2 * st] = plan[2 * st + 1] = NAN;
    if (o->target <= 0)
        return;
    s->plan_gap = (double)o->target;
    if (o->period_start != MTL_DATE_NONE)
        s->plan_gap -= (double)acc->won_to_date + acc->period_weighted;
    if (s->plan_gap < 0)
        s->plan_gap = 0;
    s->plan_wins = ceil(s->plan_gap / s->average_won_amount);
    s->plan_new_leads = ceil(s->plan_wins / rows[0].win_rate);
    weeks = o->weeks;
    if (weeks == 0 && o->period_start != MTL_DATE_NONE) {
        int32_t from = o->as_of != MTL_DATE_NONE ? o->as_of + 1 : o->period_start;
        weeks = floor((double)(o->period_end - from) / 7.0);
        if (weeks < 1)
            weeks = 1;
    }
    s->plan_new_leads_per_week = weeks > 0 ? s->plan_new_leads / weeks : NAN;
    for (st = 0; st < n; st++) {
        plan[2 * st] = ceil(s->plan_wins / rows[st].win_rate);
        plan[2 * st + 1] = s->plan_gap / rows[st].win_rate;
    }
}

static void funnel_free(mtl_funnel *f)
{
    mtl__allocator *a = &f->alloc;
    size_t cells = f->ngroups * (size_t)f->stages;
    mtl__free(a, f->names, f->names_len);
    mtl__free(a, f->name_at, f->ngroups * sizeof *f->name_at);
    mtl__free(a, f->rows, cells * sizeof *f->rows);
    mtl__free(a, f->sums, f->ngroups * sizeof *f->sums);
    mtl__free(a, f->plan, cells * 2 * sizeof *f->plan);
    a->fn(a->user_data, f, sizeof *f, 0);
}

/* Build the report from a finished scan: group 0 the total, then the
 * groups sorted by name. */
static mtl_status build(scan *sc, mtl_funnel *f, double conf)
{
    const mtl_market *m = sc->m;
    mtl__allocator *a = &f->alloc;
    size_t ng = sc->o->group_by == MTL_GROUP_NONE ? 1 : sc->ngroups + 1;
    size_t S = (size_t)sc->stages, g, j, *cstart = NULL, *dstart = NULL;
    int32_t *cvals = NULL, *dvals = NULL;
    named *order = NULL;
    char buf[32];
    char (*bufs)[16] = NULL;
    mtl__funnel_cell *total = NULL;
    group_acc tacc;
    mtl_status st = MTL_OK;
    size_t src_groups = sc->ngroups;

    f->ngroups = ng;
    f->rows = mtl__alloc_zero(a, ng * S * sizeof *f->rows);
    f->sums = mtl__alloc_zero(a, ng * sizeof *f->sums);
    f->plan = mtl__alloc_zero(a, ng * S * 2 * sizeof *f->plan);
    f->name_at = mtl__alloc_zero(a, ng * sizeof *f->name_at);
    order = mtl__alloc_array(a, src_groups + 1, sizeof *order);
    bufs = mtl__alloc_array(a, src_groups + 1, sizeof *bufs);
    total = mtl__alloc_zero(a, S * sizeof *total);
    if (!f->rows || !f->sums || !f->plan || !f->name_at || !order ||
        !bufs || !total) {
        st = mtl__error_oom();
        goto out;
    }
    /* per group samples (cycle: by group; days: by group × stage) plus the
     * total's, which are all of them: the total gets key src_groups */
    if ((st = samples_group(a, &sc->cycle, src_groups, &cstart, &cvals)) ||
        (st = samples_group(a, &sc->days, src_groups * S, &dstart, &dvals)))
        goto out;

    /* names and order */
    for (g = 0; g < src_groups; g++) {
        const char *nm = group_name(sc, sc->groups[g].key, buf, sizeof buf);
        if (nm == buf) {
            memcpy(bufs[g], buf, sizeof bufs[g]);
            bufs[g][sizeof bufs[g] - 1] = 0;
            nm = bufs[g];
        }
        order[g].name = nm;
        order[g].group = (uint32_t)g;
    }
    if (sc->o->group_by != MTL_GROUP_NONE)
        qsort(order, src_groups, sizeof *order, by_name);
    f->names_len = sizeof MTL_GROUP_TOTAL_NAME;
    for (g = 0; g < src_groups && sc->o->group_by != MTL_GROUP_NONE; g++)
        f->names_len += strlen(order[g].name) + 1;
    f->names = mtl__alloc(a, f->names_len);
    if (!f->names) {
        st = mtl__error_oom();
        goto out;
    }
    memcpy(f->names, MTL_GROUP_TOTAL_NAME, sizeof MTL_GROUP_TOTAL_NAME);
    j = sizeof MTL_GROUP_TOTAL_NAME;
    for (g = 1; g < ng; g++) {
        size_t len = strlen(order[g - 1].name) + 1;
        f->name_at[g] = j;
        memcpy(f->names + j, order[g - 1].name, len);
        j += len;
    }

    /* the total: cells and accumulators summed over the groups */
    memset(&tacc, 0, sizeof tacc);
    for (g = 0; g < src_groups; g++) {
        const mtl__funnel_cell *c = sc->cells + g * S;
        const group_acc *x = &sc->groups[g];
        size_t s;
        int o;
        for (s = 0; s < S; s++) {
            for (o = 0; o < 3; o++) {
                total[s].n[o] += c[s].n[o];
                total[s].amount[o] = mtl__wrap_add(total[s].amount[o], c[s].amount[o]);
                total[s].tail[o] += c[s].tail[o];
                total[s].visit[o] += c[s].visit[o];
            }
            total[s].ovr_amount = mtl__wrap_add(total[s].ovr_amount, c[s].ovr_amount);
            {
                uint64_t old = total[s].ovr_lo;
                total[s].ovr_lo += c[s].ovr_lo;
                total[s].ovr_hi += c[s].ovr_hi + (total[s].ovr_lo < old);
            }
        }
        tacc.verified += x->verified;
        tacc.converted += x->converted;
        tacc.period_won += x->period_won;
        tacc.period_won_amount = mtl__wrap_add(tacc.period_won_amount, x->period_won_amount);
        tacc.won_to_date = mtl__wrap_add(tacc.won_to_date, x->won_to_date);
        tacc.period_open_amount = mtl__wrap_add(tacc.period_open_amount, x->period_open_amount);
        tacc.period_weighted += x->period_weighted;
    }

    /* the total (g == 0) last: its quantiles may reorder all the cycle
     * samples, which the groups read in slices */
    for (g = ng; g-- > 0;) {
        /* g == 0: the total; else source group order[g - 1].group */
        mtl_funnel_stage *rows = f->rows + g * S;
        const mtl__funnel_cell *cells = g ? sc->cells + order[g - 1].group * S : total;
        const group_acc *acc = g ? &sc->groups[order[g - 1].group] : &tacc;
        int32_t *cyc = g ? cvals + cstart[order[g - 1].group] : cvals;
        size_t ncyc = g ? cstart[order[g - 1].group + 1] - cstart[order[g - 1].group] : sc->cycle.n;
        size_t s;
        for (s = 0; s < S; s++)
            rows[s].struct_size = sizeof rows[s];
        cells_to_rows(m, cells, conf, rows);
        for (s = 0; s < S; s++) {
            mtl_funnel_stage *r = &rows[s];
            if (g) {
                size_t key = order[g - 1].group * S + s;
                describe(a, dvals + dstart[key], dstart[key + 1] - dstart[key],
                         &r->days_count, &r->days_mean, &r->days_median, &r->days_p90);
            }
        }
        summarize(a, m, sc->o, rows, acc, cyc, ncyc, &f->sums[g], f->plan + g * S * 2);
    }
    /* the total's days in stage: every group's samples of that stage */
    if (ng > 0) {
        size_t s, total_n;
        for (s = 0; s < S; s++) {
            mtl_funnel_stage *r = &f->rows[s];
            int32_t *tmp;
            total_n = 0;
            for (g = 0; g < src_groups; g++)
                total_n += dstart[g * S + s + 1] - dstart[g * S + s];
            if (!total_n)
                continue;
            tmp = mtl__alloc_array(a, total_n, sizeof *tmp);
            if (!tmp) {
                st = mtl__error_oom();
                goto out;
            }
            total_n = 0;
            for (g = 0; g < src_groups; g++) {
                size_t n = dstart[g * S + s + 1] - dstart[g * S + s];
                memcpy(tmp + total_n, dvals + dstart[g * S + s], n * sizeof *tmp);
                total_n += n;
            }
            describe(a, tmp, total_n, &r->days_count, &r->days_mean, &r->days_median,
                     &r->days_p90);
            mtl__free(a, tmp, total_n * sizeof *tmp);
        }
    }
out:
    mtl__free(a, cstart, (src_groups + 1) * sizeof *cstart);
    mtl__free(a, cvals, sc->cycle.n * sizeof *cvals);
    mtl__free(a, dstart, (src_groups * S + 1) * sizeof *dstart);
    mtl__free(a, dvals, sc->days.n * sizeof *dvals);
    mtl__free(a, order, (src_groups + 1) * sizeof *order);
    mtl__free(a, bufs, (src_groups + 1) * sizeof *bufs);
    mtl__free(a, total, S * sizeof *total);
    return st;
}

MTL_API mtl_status mtl_funnel_compute(mtl_funnel **out, const mtl_market *market,
                                      const mtl_funnel_options *options)
{
    mtl_funnel_options defaults;
    mtl_funnel *f;
    scan sc;
    mtl_status st;
    if (out)
        *out = NULL;
    if (!out)
        return mtl__error_null("out");
    if (!market)
        return mtl__error_null("market");
    if (!options) {
        mtl_funnel_options_init(&defaults, sizeof defaults);
        options = &defaults;
    }
    if ((st = check_options(options)) != MTL_OK)
        return st;
    f = market->alloc.fn(market->alloc.user_data, NULL, 0, sizeof *f);
    if (!f)
        return mtl__error_oom();
    memset(f, 0, sizeof *f);
    mtl__allocator_init(&f->alloc, market->alloc.fn, market->alloc.user_data);
    f->stages = market->stage_count;

    memset(&sc, 0, sizeof sc);
    sc.m = market;
    sc.o = options;
    sc.a = &f->alloc;
    sc.stages = market->stage_count;
    sc.none_group = MTL__NONE;
    sc.last_day = MTL_DATE_NONE;
    sc.cells_from_counters =
        options->group_by == MTL_GROUP_NONE || options->group_by == MTL_GROUP_SEGMENT;
    if ((st = map_init(&sc)) == MTL_OK && (st = scan_leads(&sc)) == MTL_OK) {
        if (sc.cells_from_counters)
            cells_from_counters(&sc);
        st = build(&sc, f, options->confidence > 0 ? options->confidence
                                                  : DEFAULT_CONFIDENCE);
    }
    mtl__free(&f->alloc, sc.map, sc.map_len * sizeof *sc.map);
    mtl__free(&f->alloc, sc.cells, sc.cap_cells * (size_t)sc.stages * sizeof *sc.cells);
    mtl__free(&f->alloc, sc.groups, sc.cap_groups * sizeof *sc.groups);
    samples_free(&f->alloc, &sc.cycle);
    samples_free(&f->alloc, &sc.days);
    if (st != MTL_OK) {
        funnel_free(f);
        return st;
    }
    *out = f;
    return MTL_OK;
}

MTL_API void mtl_funnel_destroy(mtl_funnel *funnel)
{
    if (funnel)
        funnel_free(funnel);
}

/* ---- reading ----------------------------------------------------------- */

MTL_API size_t mtl_funnel_group_count(const mtl_funnel *funnel)
{
    return funnel ? funnel->ngroups : 0;
}

MTL_API const char *mtl_funnel_group_name(const mtl_funnel *funnel, size_t group)
{
    if (!funnel || group >= funnel->ngroups)
        return NULL;
    return funnel->names + funnel->name_at[group];
}

MTL_API int32_t mtl_funnel_stage_count(const mtl_funnel *funnel)
{
    return funnel ? funnel->stages : 0;
}

static mtl_status check_at(const mtl_funnel *f, size_t group, int32_t stage,
                           int stage_needed)
{
    if (!f)
        return mtl__error_null("funnel");
    if (group >= f->ngroups)
        return mtl__error(MTL_E_RANGE, "group %zu of %zu", group, f->ngroups);
    if (stage_needed && (stage < 0 || stage >= f->stages))
        return mtl__error(MTL_E_RANGE, "stage %d of %d", (int)stage, (int)f->stages);
    return MTL_OK;
}

MTL_API mtl_status mtl_funnel_stage_at(const mtl_funnel *funnel, size_t group,
                                       int32_t stage, mtl_funnel_stage *out)
{
    mtl_status st = check_at(funnel, group, stage, 1);
    if (st)
        return st;
    if (!out)
        return mtl__error_null("out");
    if ((st = mtl__struct_check(out->struct_size, sizeof *out, "mtl_funnel_stage")))
        return st;
    *out = funnel->rows[group * (size_t)funnel->stages + (size_t)stage];
    return MTL_OK;
}

MTL_API mtl_status mtl_funnel_summary_at(const mtl_funnel *funnel, size_t group,
                                         mtl_funnel_summary *out)
{
    mtl_status st = check_at(funnel, group, 0, 0);
    if (st)
        return st;
    if (!out)
        return mtl__error_null("out");
    if ((st = mtl__struct_check(out->struct_size, sizeof *out, "mtl_funnel_summary")))
        return st;
    *out = funnel->sums[group];
    return MTL_OK;
}

MTL_API mtl_status mtl_funnel_plan_at(const mtl_funnel *funnel, size_t group,
                                      int32_t stage, double *out_leads,
                                      double *out_pipeline)
{
    const double *p;
    mtl_status st = check_at(funnel, group, stage, 1);
    if (st)
        return st;
    p = funnel->plan + (group * (size_t)funnel->stages + (size_t)stage) * 2;
    if (out_leads)
        *out_leads = p[0];
    if (out_pipeline)
        *out_pipeline = p[1];
    return MTL_OK;
}
