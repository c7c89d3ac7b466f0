/* The market: creation, reference counting, options and stage model. */
#include <string.h>

#include "core/versioned.h"
#include "market/internal.h"

MTL_API mtl_status mtl_market_options_init(mtl_market_options *options,
                                           size_t struct_size)
{
    return mtl__struct_init(options, struct_size, sizeof *options,
                            "mtl_market_options");
}

static int power_of_ten(int64_t v)
{
    int64_t p = 1;
    int i;
    for (i = 0; i <= 6; i++, p *= 10)
        if (v == p)
            return 1;
    return 0;
}

MTL_API mtl_status mtl_market_create(mtl_market **out,
                                     const mtl_market_options *options)
{
    mtl_market_options o;
    mtl__allocator a;
    mtl_market *m;
    if (!out)
        return mtl__error_null("out");
    *out = NULL;
    mtl_market_options_init(&o, sizeof o);
    if (options) {
        mtl_status st = mtl__struct_check(options->struct_size, sizeof o,
                                          "mtl_market_options");
        if (st)
            return st;
        o = *options;
    }
    if (o.minor_per_major == 0)
        o.minor_per_major = 100;
    if (!power_of_ten(o.minor_per_major))
        return mtl__error(MTL_E_RANGE,
                          "minor_per_major %lld: a power of ten from 1 to 10^6",
                          (long long)o.minor_per_major);
    if (o.stage_model && o.stage_model->count == 0)
        return mtl__error(MTL_E_RANGE, "the stage model has no stages");
    /* new leads start open at stage 0, so it cannot be a terminal stage */
    if (o.stage_model && o.stage_model->stages[0].flags)
        return mtl__error(MTL_E_RANGE,
                          "the first stage (%s) cannot be flagged won or lost",
                          o.stage_model->stages[0].name);

    mtl__allocator_init(&a, o.alloc, o.alloc_user_data);
    m = mtl__alloc_zero(&a, sizeof *m);
    if (!m)
        return mtl__error_oom();
    mtl__allocator_init(&m->alloc, o.alloc, o.alloc_user_data);
    atomic_fetch_add(&m->alloc.used, sizeof *m);
    atomic_init(&m->refs, 1);
    m->minor_per_major = o.minor_per_major;
    if (o.stage_model) {
        m->stage_count = o.stage_model->count;
        memcpy(m->stages, o.stage_model->stages,
               sizeof m->stages[0] * (size_t)m->stage_count);
    } else {
        mtl_stage_model def;
        mtl__stage_model_fill_default(&def);
        m->stage_count = def.count;
        memcpy(m->stages, def.stages, sizeof m->stages[0] * (size_t)def.count);
    }
    mtl__recs_init(&m->segments, sizeof(mtl_segment));
    mtl__recs_init(&m->customers, sizeof(mtl_customer));
    m->lead_free = MTL__NONE;
    *out = m;
    return MTL_OK;
}

MTL_API mtl_market *mtl_market_ref(mtl_market *market)
{
    if (market)
        atomic_fetch_add_explicit(&market->refs, 1, memory_order_relaxed);
    return market;
}

static void free_records(mtl__recs *r, mtl__allocator *a, int segments)
{
    uint32_t s;
    for (s = 0; s < r->high; s++) {
        mtl__rec *rec = mtl__recs_at(r, s);
        if (!rec->alive)
            continue;
        if (segments) {
            mtl__strfree(a, ((mtl_segment *)rec)->name);
            mtl__segment_inputs_free(rec->market, (mtl_segment *)rec);
        } else {
            mtl__strfree(a, ((mtl_customer *)rec)->name);
            mtl__customer_inputs_free(rec->market, (mtl_customer *)rec);
        }
    }
}

MTL_API void mtl_market_unref(mtl_market *market)
{
    mtl__allocator *a;
    if (!market ||
        atomic_fetch_sub_explicit(&market->refs, 1, memory_order_acq_rel) != 1)
        return;
    a = &market->alloc;
    mtl__leads_free(market);
    free_records(&market->segments, a, 1);
    free_records(&market->customers, a, 0);
    mtl__funnel_free(market);
    mtl__recs_free(&market->segments, a);
    mtl__recs_free(&market->customers, a);
    mtl__strpool_free(&market->strings, a);
    mtl__arena_free(&market->ids, a);
    a->fn(a->user_data, market, sizeof *market, 0);
}

MTL_API int64_t mtl_market_minor_per_major(const mtl_market *market)
{
    return market ? market->minor_per_major : 0;
}

MTL_API size_t mtl_market_memory_used(const mtl_market *market)
{
    return market ? atomic_load_explicit(&market->alloc.used, memory_order_relaxed)
                  : 0;
}

MTL_API int32_t mtl_market_stage_count(const mtl_market *market)
{
    return market ? market->stage_count : 0;
}

static const mtl__stage *stage_at(const mtl_market *m, int32_t stage)
{
    if (!m || stage < 0 || stage >= m->stage_count)
        return NULL;
    return &m->stages[stage];
}

MTL_API const char *mtl_market_stage_name(const mtl_market *market, int32_t stage)
{
    const mtl__stage *s = stage_at(market, stage);
    return s ? s->name : NULL;
}

MTL_API const char *mtl_market_stage_phase(const mtl_market *market,
                                           int32_t stage)
{
    const mtl__stage *s = stage_at(market, stage);
    return s ? s->phase : NULL;
}

MTL_API double mtl_market_stage_probability(const mtl_market *market,
                                            int32_t stage)
{
    const mtl__stage *s = stage_at(market, stage);
    return s ? s->probability : -1.0;
}

MTL_API int32_t mtl_market_stage_category(const mtl_market *market,
                                          int32_t stage)
{
    const mtl__stage *s = stage_at(market, stage);
    return s ? s->category : MTL_CATEGORY_NONE;
}

MTL_API int32_t mtl_market_stage_flags(const mtl_market *market, int32_t stage)
{
    const mtl__stage *s = stage_at(market, stage);
    return s ? s->flags : 0;
}

MTL_API mtl_status mtl_market_stage_find(int32_t *out, const mtl_market *market,
                                         const char *name)
{
    int32_t i;
    if (!out)
        return mtl__error_null("out");
    if (!market)
        return mtl__error_null("market");
    if (!name)
        return mtl__error_null("name");
    for (i = 0; i < market->stage_count; i++)
        if (strcmp(market->stages[i].name, name) == 0) {
            *out = i;
            return MTL_OK;
        }
    return mtl__error(MTL_E_NOT_FOUND, "no stage named '%.64s'", name);
}

MTL_API size_t mtl_market_segment_count(const mtl_market *market)
{
    return market ? market->segments.live : 0;
}

MTL_API size_t mtl_market_customer_count(const mtl_market *market)
{
    return market ? market->customers.live : 0;
}

MTL_API size_t mtl_market_lead_count(const mtl_market *market)
{
    return market ? market->lead_count : 0;
}

mtl_status mtl__intern(mtl_market *m, const char *s, const char *what,
                       uint32_t *out)
{
    size_t len = s ? strlen(s) : 0;
    if (len > MTL_ID_MAX)
        return mtl__error(MTL_E_LIMIT, "%s longer than %d bytes", what, MTL_ID_MAX);
    if (!mtl__strpool_intern(&m->strings, &m->alloc, s, len, out))
        return mtl__error_oom();
    return MTL_OK;
}

mtl_status mtl__check_stage_outcome(const mtl_market *m, int32_t stage,
                                    int32_t outcome)
{
    int32_t flags;
    if (stage < 0 || stage >= m->stage_count)
        return mtl__error(MTL_E_RANGE, "stage %d outside the stage model (%d stages)",
                          (int)stage, (int)m->stage_count);
    if (outcome < MTL_OUTCOME_OPEN || outcome > MTL_OUTCOME_LOST)
        return mtl__error(MTL_E_RANGE, "outcome %d: 0 open, 1 won or 2 lost",
                          (int)outcome);
    flags = m->stages[stage].flags;
    if ((flags & MTL_STAGE_FLAG_WON) && outcome != MTL_OUTCOME_WON)
        return mtl__error(MTL_E_STATE, "stage %s means won, outcome is %s",
                          m->stages[stage].name,
                          outcome == MTL_OUTCOME_OPEN ? "open" : "lost");
    if ((flags & MTL_STAGE_FLAG_LOST) && outcome != MTL_OUTCOME_LOST)
        return mtl__error(MTL_E_STATE, "stage %s means lost, outcome is %s",
                          m->stages[stage].name,
                          outcome == MTL_OUTCOME_OPEN ? "open" : "won");
    return MTL_OK;
}
