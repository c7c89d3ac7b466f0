/* verification.c: the weekly lead review (verification.h, SPEC 7, seed 002
 * 管理线索; docs/methods/lead-verification.md).
 *
 * Each lead in scope gets its three question scores from the answered
 * criteria and, where unanswered, the two criteria libmtl can derive from
 * the market (urgent need from a pain index, relationship from the
 * customer); then the verdict, the class and the priority.  The leads are
 * ordered by priority (then id) for the review.  Derived values are cached
 * per customer and per segment: a review of a million leads reads each
 * customer's pains and decision chain once. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/bon.h"
#include "analysis/grading.h"
#include "core/number.h"
#include "core/versioned.h"
#include "market/internal.h"

struct mtl_verification {
    mtl__report base;       /* the allocator copy and the arena */
    size_t n;
    mtl_lead_verdict *rows; /* in review order */
};

/* The criteria of each question (verification.h): [first, end). */
static const int32_t question_first[4] = { 0, 3, 7, MTL_CRIT_COUNT };

/* Weights of the derived relationship's components (libmtl's definition):
 * relationship score / 100, decision-chain coverage, a coach present. */
#define REL_W_SCORE 0.5
#define REL_W_COVERAGE 0.3
#define REL_W_COACH 0.2

/* ---- options ----------------------------------------------------------- */

static const double default_pass[3] = { 0.6, 0.5, 0.5 };
static const double default_priority[4] = { 0.2, 0.3, 0.3, 0.2 };

MTL_API mtl_status mtl_verification_options_init(mtl_verification_options *options,
                                                 size_t struct_size)
{
    int k;
    mtl_status st = mtl__struct_init(options, struct_size, sizeof *options,
                                     "mtl_verification_options");
    if (st)
        return st;
    for (k = 0; k < MTL_CRIT_COUNT; k++)
        options->weights[k] = 1.0;
    memcpy(options->pass, default_pass, sizeof default_pass);
    options->hard_fail = 0.2;
    options->budget_mature = 0.5;
    memcpy(options->priority_weights, default_priority, sizeof default_priority);
    options->scope = MTL_REVIEW_PENDING;
    return MTL_OK;
}

static mtl_status check_options(const mtl_verification_options *o)
{
    mtl_status st = mtl__struct_check(o->struct_size, sizeof *o,
                                      "mtl_verification_options");
    double sum;
    int k, q;
    if (st)
        return st;
    for (k = 0; k < MTL_CRIT_COUNT; k++)
        if ((st = mtl__check_weight(o->weights[k], "weights", k,
                                    mtl_criterion_name(k))) != MTL_OK)
            return st;
    for (q = 0; q < 3; q++) {
        sum = 0;
        for (k = question_first[q]; k < question_first[q + 1]; k++)
            sum += o->weights[k];
        if (!(sum > 0) || !isfinite(sum)) {
            char num[32];
            mtl__format_double(num, sizeof num, sum);
            return mtl__error(MTL_E_RANGE,
                              "weights of question %d (criteria %d-%d) sum to %s: must "
                              "be > 0", q + 1, (int)question_first[q],
                              (int)question_first[q + 1] - 1, num);
        }
    }
    for (q = 0; q < 3; q++)
        if ((st = mtl__check_unit(o->pass[q], "pass", q)) != MTL_OK)
            return st;
    if ((st = mtl__check_unit(o->hard_fail, "hard_fail", -1)) != MTL_OK ||
        (st = mtl__check_unit(o->budget_mature, "budget_mature", -1)) != MTL_OK)
        return st;
    if ((st = mtl__check_weights(o->priority_weights, 4, "priority_weights", NULL)) !=
        MTL_OK)
        return st;
    if (o->scope != MTL_REVIEW_PENDING && o->scope != MTL_REVIEW_ALL)
        return mtl__error(MTL_E_RANGE, "scope %d: 0 (pending) or 1 (all)", (int)o->scope);
    return MTL_OK;
}

/* ---- derived criteria, cached per customer and segment ----------------- */

typedef struct derived {
    int done;
    double urgent;       /* own pain index / 100, NaN without pains */
    double relationship; /* NaN when nothing is known */
} derived;

typedef struct review {
    const mtl_verification_options *o;
    mtl__explain scratch;        /* pain-index terms, thrown away */
    double rel_weights[MTL_REL_COUNT];
    derived *customers;          /* by customer slot */
    size_t ncustomers;
    derived *segments;           /* by segment slot */
    size_t nsegments;
} review;

static mtl_status pain_value(review *rv, const mtl_segment *s, const mtl_customer *c,
                             double *out)
{
    mtl_score idx;
    mtl_status st = mtl__pain_index(&idx, &rv->scratch, s, c);
    /* only the value is kept: the terms need not outlive this call */
    mtl__explain_free(&rv->scratch);
    if (st)
        return st;
    *out = idx.term_count ? idx.value / 100.0 : NAN;
    return MTL_OK;
}

static mtl_status customer_derived(review *rv, const mtl_customer *c, derived **out)
{
    mtl_term rel_terms[MTL_REL_COUNT], cov_terms[MTL_ROLE_COUNT - 1];
    mtl_score rel, cov;
    mtl__chain chain;
    double num = 0, den = 0;
    derived *d;
    mtl_status st;
    /* slots are below the high-water mark of the market's records */
    if (c->rec.slot >= rv->ncustomers)
        return mtl__error(MTL_E_STATE, "customer slot %u out of range",
                          (unsigned)c->rec.slot);
    d = &rv->customers[c->rec.slot];
    *out = d;
    if (d->done)
        return MTL_OK;
    d->urgent = NAN;
    if (mtl_customer_pain_count(c) > 0 &&
        (st = pain_value(rv, NULL, c, &d->urgent)) != MTL_OK)
        return st;
    /* libmtl's definition of "relationship" from the customer (SPEC 7
     * question 3: relationship score and decision-chain coverage, coach):
     * the weighted mean of the components that are known, with the grading
     * defaults (relationship weights, all seven roles) */
    mtl__relationship_score(&rel, rel_terms, c, rv->rel_weights);
    if ((st = mtl__coverage(&cov, cov_terms, &chain, c, MTL__ROLES_ALL)) != MTL_OK)
        return st;
    if (rel.term_count) {
        num += REL_W_SCORE * (rel.value / 100.0);
        den += REL_W_SCORE;
    }
    if (chain.contacts) {
        num += REL_W_COVERAGE * cov.value;
        den += REL_W_COVERAGE;
        num += REL_W_COACH * (chain.coaches ? 1.0 : 0.0);
        den += REL_W_COACH;
    }
    d->relationship = den > 0 ? num / den : NAN;
    d->done = 1;
    return MTL_OK;
}

static mtl_status segment_urgent(review *rv, const mtl_segment *s, double *out)
{
    derived *d;
    if (s->rec.slot >= rv->nsegments)
        return mtl__error(MTL_E_STATE, "segment slot %u out of range",
                          (unsigned)s->rec.slot);
    d = &rv->segments[s->rec.slot];
    if (!d->done) {
        mtl_status st;
        d->urgent = NAN;
        if (mtl_segment_pain_count(s) > 0 &&
            (st = pain_value(rv, s, NULL, &d->urgent)) != MTL_OK)
            return st;
        d->done = 1;
    }
    *out = d->urgent;
    return MTL_OK;
}

/* ---- text, the same in every locale ----------------------------------- */

/* The reasons are built by hand, not with snprintf: integer formatting
 * only (LC_NUMERIC never applies), and a review of a million leads writes
 * a few million numbers. */
typedef struct text {
    char buf[1024];
    size_t len;
} text;

static void put(text *t, const char *s)
{
    size_t n = strlen(s);
    if (n > sizeof t->buf - 1 - t->len)
        n = sizeof t->buf - 1 - t->len;
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = 0;
}

/* "; " between reasons */
static void put_sep(text *t)
{
    if (t->len)
        put(t, "; ");
}

/* v with two decimals, rounded half away from zero: "0.83".  Every number
 * of a reason is a score or a level in [0, 1]; others are clamped. */
static void put_num(text *t, double v)
{
    char d[8];
    long long h;
    if (isnan(v)) {
        put(t, "nan");
        return;
    }
    if (v < 0) {
        v = -v;
        if (llround(v * 100.0) != 0)
            put(t, "-");
    }
    h = v < 1e6 ? llround(v * 100.0) : 100000000LL;
    if (h >= 100000000LL) {
        put(t, ">=1000000.00");
        return;
    }
    {
        char *p = d + sizeof d;
        long long whole = h / 100;
        *--p = 0;
        do {
            *--p = (char)('0' + whole % 10);
            whole /= 10;
        } while (whole);
        put(t, p);
    }
    d[0] = '.';
    d[1] = (char)('0' + (h % 100) / 10);
    d[2] = (char)('0' + h % 10);
    d[3] = 0;
    put(t, d);
}

/* "q2" */
static void put_question(text *t, int32_t q)
{
    char d[3] = { 'q', (char)('1' + q), 0 };
    put(t, d);
}

/* ---- one lead ---------------------------------------------------------- */

static const char *derived_factor(int32_t k)
{
    return k == MTL_CRIT_URGENT_NEED ? "urgent_need (pain index)"
                                     : "relationship (derived)";
}

static mtl_status verify(review *rv, mtl__explain *e, const mtl_lead *lead,
                         double max_amount, mtl_lead_verdict *row)
{
    const mtl_verification_options *o = rv->o;
    const mtl_customer *cust = mtl_lead_customer(lead);
    const mtl_segment *seg = mtl_lead_segment(lead);
    double score[MTL_CRIT_COUNT], psum, size;
    mtl_term *t;
    text why;
    int32_t k, q;
    int known[MTL_CRIT_COUNT], close = 0, pass_all = 1;
    mtl_status st;

    row->struct_size = sizeof *row;
    row->id = mtl__explain_strdup(e, mtl_lead_id(lead));
    /* "" is static: no copy needed, and leads without either are common */
    row->customer_id = cust ? mtl__explain_strdup(e, mtl_customer_id(cust)) : "";
    row->segment_id = seg ? mtl__explain_strdup(e, mtl_segment_id(seg)) : "";
    if (!row->id || !row->customer_id || !row->segment_id)
        return mtl__error_oom();
    row->amount = mtl_lead_amount(lead);

    {
        /* the lead's answers, looked up once (mtl_lead_answer would do it
         * for each criterion) */
        uint32_t i;
        const mtl__lead_chunk *c = mtl__lead_chunk_of(lead, &i);
        const mtl__answers *a = mtl__answers_at(c->market, c->index, i);
        for (k = 0; k < MTL_CRIT_COUNT; k++) {
            known[k] = a && (a->mask >> k & 1u);
            score[k] = known[k] ? a->score[k] : NAN;
        }
        row->answered = a ? a->mask : 0;
    }
    /* question 2 "客户是否有迫切的业务需求" from the pain index (SPEC 5, 7):
     * the customer's own pains, else those of the lead's segment */
    if (!known[MTL_CRIT_URGENT_NEED]) {
        double u = NAN;
        if (cust) {
            /* cached per customer: NaN when it has no pains of its own */
            derived *d;
            if ((st = customer_derived(rv, cust, &d)) != MTL_OK)
                return st;
            u = d->urgent;
        }
        if (isnan(u) && seg && (st = segment_urgent(rv, seg, &u)) != MTL_OK)
            return st;
        if (!isnan(u)) {
            score[MTL_CRIT_URGENT_NEED] = u;
            known[MTL_CRIT_URGENT_NEED] = 1;
            row->derived |= MTL_DERIVED_URGENT_NEED;
        }
    }
    /* question 3 "分析企业与客户的关系 ... 权力地图 ... 客户教练" */
    if (!known[MTL_CRIT_RELATIONSHIP] && cust) {
        derived *d;
        if ((st = customer_derived(rv, cust, &d)) != MTL_OK)
            return st;
        if (!isnan(d->relationship)) {
            score[MTL_CRIT_RELATIONSHIP] = d->relationship;
            known[MTL_CRIT_RELATIONSHIP] = 1;
            row->derived |= MTL_DERIVED_RELATIONSHIP;
        }
    }

    /* the questions: weighted mean of the known criteria */
    for (q = 0; q < 3; q++) {
        double wsum = 0;
        size_t n = 0;
        size_t nknown = 0;
        for (k = question_first[q]; k < question_first[q + 1]; k++)
            if (known[k]) {
                wsum += o->weights[k];
                nknown++;
            }
        if (wsum > 0) {
            if (!(t = mtl__explain_terms(e, nknown)))
                return mtl__error_oom();
            for (k = question_first[q]; k < question_first[q + 1]; k++)
                if (known[k])
                    mtl__term_set(&t[n++],
                                  (row->derived >> k) & 1u ? derived_factor(k)
                                                           : mtl_criterion_name(k),
                                  o->weights[k] / wsum, score[k]);
            mtl__score_set(&row->questions[q], t, n);
        } else {
            /* nothing known (or only weight-0 criteria): 0, no terms */
            mtl__score_set(&row->questions[q], NULL, 0);
            row->questions[q].value = 0.0;
        }
    }

    /* verdict (seed 002: 关闭 when the need is not real or the business
     * does not match; 转化 when all three pass; else 培育) with reasons */
    why.len = 0;
    why.buf[0] = 0;
    for (k = question_first[0]; k < question_first[1]; k++)
        if (known[k] && score[k] <= o->hard_fail) {
            /* "real_need 0.10 <= 0.20 (hard fail)" */
            close = 1;
            put_sep(&why);
            put(&why, mtl_criterion_name(k));
            put(&why, " ");
            put_num(&why, score[k]);
            put(&why, " <= ");
            put_num(&why, o->hard_fail);
            put(&why, " (hard fail)");
        }
    for (q = 0; q < 3; q++) {
        /* "q1 0.83 >= 0.60", "q2 0.40 < 0.50 (lowest: procurement 0.20)" */
        double v = row->questions[q].value;
        int passed = v >= o->pass[q];
        put_sep(&why);
        put_question(&why, q);
        put(&why, " ");
        put_num(&why, v);
        put(&why, passed ? " >= " : " < ");
        put_num(&why, o->pass[q]);
        if (!passed) {
            int32_t low = -1;
            pass_all = 0;
            /* the weakest criterion that counts (weight > 0) */
            for (k = question_first[q]; k < question_first[q + 1]; k++)
                if (known[k] && o->weights[k] > 0 && (low < 0 || score[k] < score[low]))
                    low = k;
            if (low < 0) {
                put(&why, " (nothing known)");
            } else {
                put(&why, " (lowest: ");
                put(&why, mtl_criterion_name(low));
                put(&why, " ");
                put_num(&why, score[low]);
                put(&why, ")");
            }
        }
    }
    row->verdict = close ? MTL_VERDICT_CLOSE
                         : pass_all ? MTL_VERDICT_CONVERT : MTL_VERDICT_NURTURE;
    if (!(row->reasons = mtl__explain_strdup(e, why.buf)))
        return mtl__error_oom();

    /* class (seed 002 线索分类: 客户是否有预算 -> 成熟商机 / 早期商机) */
    row->lead_class = known[MTL_CRIT_BUDGET] && score[MTL_CRIT_BUDGET] >= o->budget_mature
                          ? MTL_LEAD_CLASS_MATURE
                          : MTL_LEAD_CLASS_EARLY;

    /* priority for the weekly review (libmtl's definition) */
    psum = 0;
    for (k = 0; k < 4; k++)
        psum += o->priority_weights[k];
    size = max_amount > 0 && row->amount > 0 ? (double)row->amount / max_amount : 0.0;
    if (!(t = mtl__explain_terms(e, 4)))
        return mtl__error_oom();
    mtl__term_set(&t[0], "q1", 100.0 * o->priority_weights[0] / psum,
                  row->questions[0].value);
    mtl__term_set(&t[1], "q2", 100.0 * o->priority_weights[1] / psum,
                  row->questions[1].value);
    mtl__term_set(&t[2], "q3", 100.0 * o->priority_weights[2] / psum,
                  row->questions[2].value);
    mtl__term_set(&t[3], "size", 100.0 * o->priority_weights[3] / psum, size);
    mtl__score_set(&row->priority, t, 4);
    return MTL_OK;
}

/* ---- the report -------------------------------------------------------- */

static int in_scope(const mtl_lead *lead, int32_t scope)
{
    int32_t s;
    if (scope == MTL_REVIEW_ALL)
        return 1;
    s = mtl_lead_status(lead);
    return s == MTL_LEAD_STATUS_NEW || s == MTL_LEAD_STATUS_NURTURE;
}

/* Review order: priority descending, then id. */
static int by_priority(const void *pa, const void *pb)
{
    const mtl_lead_verdict *a = pa, *b = pb;
    if (a->priority.value != b->priority.value)
        return a->priority.value > b->priority.value ? -1 : 1;
    return strcmp(a->id, b->id);
}

static mtl_status build(mtl_verification *v, const mtl_market *market,
                        const mtl_verification_options *o)
{
    mtl__allocator *a = &v->base.alloc;
    mtl__explain *e = &v->base.e;
    review rv;
    const mtl_lead *lead;
    size_t cap = 0, n = 0, i;
    int64_t max_amount = 0;
    mtl_status st = MTL_OK;

    memset(&rv, 0, sizeof rv);
    rv.o = o;
    mtl__explain_init(&rv.scratch, a);
    {
        mtl_grading_options g;
        mtl_grading_options_init(&g, sizeof g);
        memcpy(rv.rel_weights, g.relationship_weights, sizeof rv.rel_weights);
    }
    /* first pass: the leads in scope and the largest amount among them */
    for (lead = mtl_lead_next(market, NULL); lead; lead = mtl_lead_next(market, lead))
        if (in_scope(lead, o->scope)) {
            int64_t amt = mtl_lead_amount(lead);
            cap++;
            if (amt > max_amount)
                max_amount = amt;
        }
    if (cap == 0)
        return MTL_OK;
    rv.ncustomers = market->customers.high;
    rv.nsegments = market->segments.high;
    if (cap > SIZE_MAX / sizeof *v->rows ||
        !(v->rows = mtl__explain_alloc(e, cap * sizeof *v->rows)) ||
        (rv.ncustomers &&
         !(rv.customers = mtl__alloc_array(a, rv.ncustomers, sizeof *rv.customers))) ||
        (rv.nsegments &&
         !(rv.segments = mtl__alloc_array(a, rv.nsegments, sizeof *rv.segments)))) {
        st = mtl__error_oom();
        goto out;
    }
    if (rv.customers)
        memset(rv.customers, 0, rv.ncustomers * sizeof *rv.customers);
    if (rv.segments)
        memset(rv.segments, 0, rv.nsegments * sizeof *rv.segments);
    for (lead = mtl_lead_next(market, NULL); lead && n < cap;
         lead = mtl_lead_next(market, lead))
        if (in_scope(lead, o->scope)) {
            if ((st = verify(&rv, e, lead, (double)max_amount, &v->rows[n])) != MTL_OK)
                goto out;
            n++;
        }
    v->n = n;
    if ((st = mtl__sort_rows(a, v->rows, n, sizeof *v->rows, by_priority)) != MTL_OK)
        goto out;
    for (i = 0; i < n; i++)
        v->rows[i].rank = i + 1;
out:
    mtl__explain_free(&rv.scratch);
    mtl__free(a, rv.customers, rv.ncustomers * sizeof *rv.customers);
    mtl__free(a, rv.segments, rv.nsegments * sizeof *rv.segments);
    return st;
}

MTL_API mtl_status mtl_verification_compute(mtl_verification **out,
                                            const mtl_market *market,
                                            const mtl_verification_options *options)
{
    mtl_verification_options defaults;
    mtl__report *base;
    mtl_verification *v;
    mtl_status st;
    if (out)
        *out = NULL;
    if (!out)
        return mtl__error_null("out");
    if (!market)
        return mtl__error_null("market");
    if (!options) {
        mtl_verification_options_init(&defaults, sizeof defaults);
        options = &defaults;
    }
    if ((st = check_options(options)) != MTL_OK)
        return st;
    if ((st = mtl__report_create(&base, market, sizeof *v)) != MTL_OK)
        return st;
    v = (mtl_verification *)base;
    if ((st = build(v, market, options)) != MTL_OK) {
        mtl__report_destroy(&v->base, sizeof *v);
        return st;
    }
    *out = v;
    return MTL_OK;
}

MTL_API void mtl_verification_destroy(mtl_verification *review)
{
    if (review)
        mtl__report_destroy(&review->base, sizeof *review);
}

MTL_API size_t mtl_verification_count(const mtl_verification *review)
{
    return review ? review->n : 0;
}

MTL_API mtl_status mtl_verification_at(const mtl_verification *review, size_t i,
                                       mtl_lead_verdict *out)
{
    mtl_status st = mtl__report_read(review, "review", out, sizeof *out,
                                     "mtl_lead_verdict", i, review ? review->n : 0,
                                     "lead");
    if (st)
        return st;
    *out = review->rows[i];
    return MTL_OK;
}
