/* Segments (细分市场) and their hierarchy. */
#include <string.h>

#include "market/internal.h"

MTL_API mtl_status mtl_segment_add(mtl_segment **out, mtl_market *market,
                                   const char *id)
{
    void *rec;
    mtl_status st;
    if (out)
        *out = NULL;
    if (!market)
        return mtl__error_null("market");
    st = mtl__recs_add(&market->segments, market, id, "segment", &rec);
    if (st)
        return st;
    ((mtl_segment *)rec)->parent = MTL__NONE;
    if ((st = mtl__funnel_segment_init(market, rec)) != MTL_OK) {
        mtl__segment_drop(rec);
        return st;
    }
    if (out)
        *out = rec;
    return MTL_OK;
}

MTL_API mtl_segment *mtl_segment_find(const mtl_market *market, const char *id)
{
    if (!market)
        return NULL;
    return mtl__recs_find(&market->segments, &market->ids, id);
}

MTL_API mtl_segment *mtl_segment_next(const mtl_market *market,
                                      const mtl_segment *prev)
{
    if (!market)
        return NULL;
    return mtl__recs_next(&market->segments, prev ? &prev->rec : NULL);
}

MTL_API mtl_status mtl_segment_remove(mtl_segment *segment)
{
    mtl_market *m;
    size_t leads;
    if (!segment)
        return mtl__error_null("segment");
    m = segment->rec.market;
    leads = mtl__leads_referencing(m, 0, segment->rec.slot);
    if (segment->customers || segment->children || leads)
        return mtl__error(MTL_E_IN_USE,
                          "segment '%.64s' is used by %u customers, %zu leads "
                          "and %u child segments",
                          mtl__arena_at(&m->ids, segment->rec.id_ref),
                          segment->customers, leads, segment->children);
    mtl__segment_drop(segment);
    return MTL_OK;
}

MTL_API mtl_market *mtl_segment_market(const mtl_segment *segment)
{
    return segment ? segment->rec.market : NULL;
}

MTL_API const char *mtl_segment_id(const mtl_segment *segment)
{
    return segment ? mtl__arena_at(&segment->rec.market->ids, segment->rec.id_ref)
                   : NULL;
}

MTL_API const char *mtl_segment_name(const mtl_segment *segment)
{
    if (!segment)
        return NULL;
    return segment->name ? segment->name : "";
}

MTL_API mtl_segment *mtl_segment_parent(const mtl_segment *segment)
{
    return segment ? mtl__segment_at(segment->rec.market, segment->parent) : NULL;
}

MTL_API mtl_status mtl_segment_set_name(mtl_segment *segment, const char *name)
{
    if (!segment)
        return mtl__error_null("segment");
    return mtl__set_text(&segment->rec.market->alloc, &segment->name, name,
                    "segment name");
}

MTL_API mtl_status mtl_segment_set_parent(mtl_segment *segment,
                                          mtl_segment *parent)
{
    mtl_market *m;
    const mtl_segment *p;
    if (!segment)
        return mtl__error_null("segment");
    m = segment->rec.market;
    if (parent && parent->rec.market != m)
        return mtl__error(MTL_E_INVALID_ARGUMENT,
                          "parent segment belongs to another market");
    for (p = parent; p; p = mtl__segment_at(m, p->parent))
        if (p == segment)
            return mtl__error(MTL_E_STATE,
                              "segment '%.64s' cannot be its own ancestor",
                              mtl_segment_id(segment));
    if (segment->parent != MTL__NONE)
        mtl__segment_at(m, segment->parent)->children--;
    segment->parent = parent ? parent->rec.slot : MTL__NONE;
    if (parent)
        parent->children++;
    return MTL_OK;
}

void mtl__segment_drop(mtl_segment *segment)
{
    mtl_market *m = segment->rec.market;
    if (segment->parent != MTL__NONE)
        mtl__segment_at(m, segment->parent)->children--;
    mtl__strfree(&m->alloc, segment->name);
    segment->name = NULL;
    mtl__segment_inputs_free(m, segment);
    mtl__recs_remove(&m->segments, m, &segment->rec);
}
