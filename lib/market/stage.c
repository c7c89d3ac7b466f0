/* The stage model.  Default: the eight-stage project funnel of seed 001
 * (SPEC 2) with Salesforce-style default forecast categories. */
#include <string.h>

#include "market/internal.h"

static const struct {
    const char *name, *phase;
    double p;
    int32_t category, flags;
} default_stages[] = {
    {"P0", "研究 research", 0.10, MTL_CATEGORY_PIPELINE, 0},
    {"P1", "分析 analysis", 0.20, MTL_CATEGORY_PIPELINE, 0},
    {"P2", "确认 confirmation", 0.25, MTL_CATEGORY_PIPELINE, 0},
    {"P3", "寻求 seeking", 0.30, MTL_CATEGORY_PIPELINE, 0},
    {"P4", "细化 refinement", 0.50, MTL_CATEGORY_BEST_CASE, 0},
    {"P5", "解决 resolution", 0.75, MTL_CATEGORY_BEST_CASE, 0},
    {"P6", "收场 closing", 0.90, MTL_CATEGORY_COMMIT, 0},
    {"P7", "维护 maintenance", 1.00, MTL_CATEGORY_CLOSED, MTL_STAGE_FLAG_WON},
};

static void set_stage(mtl__stage *s, const char *name, const char *phase,
                      double p, int32_t category, int32_t flags)
{
    memset(s, 0, sizeof *s);
    memcpy(s->name, name, strlen(name));
    if (phase)
        memcpy(s->phase, phase, strlen(phase));
    s->probability = p;
    s->category = category;
    s->flags = flags;
}

void mtl__stage_model_fill_default(mtl_stage_model *m)
{
    size_t i;
    for (i = 0; i < sizeof default_stages / sizeof default_stages[0]; i++)
        set_stage(&m->stages[i], default_stages[i].name, default_stages[i].phase,
                  default_stages[i].p, default_stages[i].category,
                  default_stages[i].flags);
    m->count = (int32_t)i;
}

MTL_API mtl_status mtl_stage_model_create(mtl_stage_model **out,
                                          mtl_alloc_fn alloc,
                                          void *alloc_user_data)
{
    mtl__allocator a;
    mtl_stage_model *m;
    if (!out)
        return mtl__error_null("out");
    *out = NULL;
    mtl__allocator_init(&a, alloc, alloc_user_data);
    m = mtl__alloc_zero(&a, sizeof *m);
    if (!m)
        return mtl__error_oom();
    mtl__allocator_init(&m->alloc, alloc, alloc_user_data);
    *out = m;
    return MTL_OK;
}

MTL_API mtl_status mtl_stage_model_create_default(mtl_stage_model **out,
                                                  mtl_alloc_fn alloc,
                                                  void *alloc_user_data)
{
    mtl_status st = mtl_stage_model_create(out, alloc, alloc_user_data);
    if (st == MTL_OK)
        mtl__stage_model_fill_default(*out);
    return st;
}

MTL_API void mtl_stage_model_destroy(mtl_stage_model *model)
{
    if (!model)
        return;
    model->alloc.fn(model->alloc.user_data, model, sizeof *model, 0);
}

MTL_API int32_t mtl_stage_model_count(const mtl_stage_model *model)
{
    return model ? model->count : 0;
}

MTL_API mtl_status mtl_stage_model_add(mtl_stage_model *model, const char *name,
                                       const char *phase, double probability,
                                       int32_t category, int32_t flags)
{
    int32_t i;
    size_t len;
    if (!model)
        return mtl__error_null("model");
    if (!name || !*name)
        return mtl__error(MTL_E_INVALID_ARGUMENT, "stage name is NULL or empty");
    len = strlen(name);
    if (len > MTL_STAGE_NAME_MAX)
        return mtl__error(MTL_E_LIMIT, "stage name longer than %d bytes",
                          MTL_STAGE_NAME_MAX);
    if (phase && strlen(phase) > MTL_STAGE_NAME_MAX)
        return mtl__error(MTL_E_LIMIT, "stage phase longer than %d bytes",
                          MTL_STAGE_NAME_MAX);
    if (!(probability >= 0.0 && probability <= 1.0))
        return mtl__error(MTL_E_RANGE, "stage %s: probability %g outside [0, 1]",
                          name, probability);
    if (category < MTL_CATEGORY_PIPELINE || category > MTL_CATEGORY_OMITTED)
        return mtl__error(MTL_E_RANGE, "stage %s: category %d unknown", name,
                          (int)category);
    if (flags != 0 && flags != MTL_STAGE_FLAG_WON && flags != MTL_STAGE_FLAG_LOST)
        return mtl__error(MTL_E_RANGE, "stage %s: flags %d: 0, WON or LOST",
                          name, (int)flags);
    if (model->count >= MTL_STAGE_MAX)
        return mtl__error(MTL_E_LIMIT, "more than %d stages", MTL_STAGE_MAX);
    for (i = 0; i < model->count; i++)
        if (strcmp(model->stages[i].name, name) == 0)
            return mtl__error(MTL_E_DUPLICATE, "stage %s defined twice", name);
    set_stage(&model->stages[model->count], name, phase, probability, category,
              flags);
    model->count++;
    return MTL_OK;
}
