/* The five-looks inputs of a segment (looks.h): look items, factors,
 * $APPEALS ratings and control points. */
#include <math.h>
#include <string.h>

#include "core/versioned.h"
#include "market/internal.h"

#define OFF(type, field) offsetof(type, field)

static const size_t look_strings[] = {OFF(mtl_look_item, text),
                                      OFF(mtl_look_item, evidence)};
const mtl__row_layout mtl__look_layout = {"look item", sizeof(mtl_look_item),
                                          look_strings, 2};
static const size_t appeals_strings[] = {OFF(mtl_appeals_rating, competitor)};
const mtl__row_layout mtl__appeals_layout = {
    "$APPEALS rating", sizeof(mtl_appeals_rating), appeals_strings, 1};
static const size_t control_strings[] = {OFF(mtl_control_point, text)};
const mtl__row_layout mtl__control_point_layout = {
    "control point", sizeof(mtl_control_point), control_strings, 1};

const char *const mtl__appeals_names[MTL_APPEALS_COUNT] = {
    "price", "availability", "packaging", "performance",
    "ease_of_use", "assurances", "life_cycle_cost", "social_acceptance"};
const char *const mtl__force_names[MTL_FORCE_COUNT] = {
    "rivalry", "entrants", "substitutes", "buyers", "suppliers"};

/* ---- the inputs block ------------------------------------------------- */

mtl__segment_inputs *mtl__segment_inputs_of(mtl_segment *s)
{
    mtl_market *m = s->rec.market;
    if (!s->inputs) {
        s->inputs = mtl__alloc_zero(&m->alloc, sizeof *s->inputs);
        if (!s->inputs) {
            mtl__error_oom();
            return NULL;
        }
        mtl_segment_factors_init(&s->inputs->factors, sizeof s->inputs->factors);
    }
    return s->inputs;
}

void mtl__segment_inputs_free(mtl_market *m, mtl_segment *s)
{
    mtl__segment_inputs *in = s->inputs;
    if (!in)
        return;
    mtl__rows_clear(&in->looks, &m->alloc, &mtl__look_layout);
    mtl__rows_clear(&in->appeals, &m->alloc, &mtl__appeals_layout);
    mtl__rows_clear(&in->control_points, &m->alloc, &mtl__control_point_layout);
    mtl__rows_clear(&in->pains, &m->alloc, &mtl__pain_layout);
    mtl__free(&m->alloc, in, sizeof *in);
    s->inputs = NULL;
}

/* Shared by the list functions below: the segment's list, or NULL. */
static const mtl__rows *list_of(const mtl_segment *s, size_t offset)
{
    return s && s->inputs ? (const mtl__rows *)(const void *)((const char *)s->inputs + offset)
                          : NULL;
}

static mtl_status list_add(mtl_segment *s, size_t offset, const mtl__row_layout *l,
                           const void *row, mtl_status (*check)(const void *))
{
    mtl__segment_inputs *in;
    mtl_status st;
    if (!s)
        return mtl__error_null("segment");
    if (!row)
        return mtl__error_null(l->name);
    if ((st = check(row)) != MTL_OK)
        return st;
    if (!(in = mtl__segment_inputs_of(s)))
        return MTL_E_NO_MEMORY;
    {
        mtl__rows *r = (mtl__rows *)(void *)((char *)in + offset);
        return mtl__rows_put(r, &s->rec.market->alloc, l, r->count, row);
    }
}

static size_t list_count(const mtl_segment *s, size_t offset)
{
    const mtl__rows *r = list_of(s, offset);
    return r ? r->count : 0;
}

static mtl_status list_at(const mtl_segment *s, size_t offset,
                          const mtl__row_layout *l, size_t i, void *out)
{
    static const mtl__rows empty;
    const mtl__rows *r = list_of(s, offset);
    if (!s)
        return mtl__error_null("segment");
    return mtl__rows_read(r ? r : &empty, l, i, out);
}

static mtl_status list_clear(mtl_segment *s, size_t offset, const mtl__row_layout *l)
{
    if (!s)
        return mtl__error_null("segment");
    if (s->inputs)
        mtl__rows_clear((mtl__rows *)(void *)((char *)s->inputs + offset),
                        &s->rec.market->alloc, l);
    return MTL_OK;
}

/* The four public functions of one list. */
#define SEGMENT_LIST(type, noun, plural, field, layout, check)                 \
    static mtl_status check##_row(const void *row) { return check(row); }     \
    MTL_API mtl_status mtl_segment_add_##noun(mtl_segment *segment,             \
                                              const type *row)                  \
    {                                                                           \
        return list_add(segment, OFF(mtl__segment_inputs, field), &layout, row, \
                        check##_row);                                           \
    }                                                                           \
    MTL_API size_t mtl_segment_##noun##_count(const mtl_segment *segment)       \
    {                                                                           \
        return list_count(segment, OFF(mtl__segment_inputs, field));            \
    }                                                                           \
    MTL_API mtl_status mtl_segment_##noun##_at(const mtl_segment *segment,      \
                                               size_t index, type *out)         \
    {                                                                           \
        return list_at(segment, OFF(mtl__segment_inputs, field), &layout, index, \
                       out);                                                    \
    }                                                                           \
    MTL_API mtl_status mtl_segment_clear_##plural(mtl_segment *segment)         \
    {                                                                           \
        return list_clear(segment, OFF(mtl__segment_inputs, field), &layout);   \
    }

/* ---- look items ------------------------------------------------------- */

MTL_API mtl_status mtl_look_item_init(mtl_look_item *item, size_t struct_size)
{
    mtl_status st = mtl__struct_init(item, struct_size, sizeof *item, "mtl_look_item");
    if (st)
        return st;
    item->likelihood = 1.0;
    item->window_months = MTL_WINDOW_NEAR_MONTHS;
    return MTL_OK;
}

mtl_status mtl__look_item_check(const mtl_look_item *item)
{
    mtl_status st;
    if ((st = mtl__struct_check(item->struct_size, sizeof *item, "mtl_look_item")))
        return st;
    if (item->look < 0 || item->look >= MTL_LOOK_COUNT)
        return mtl__error(MTL_E_RANGE, "look item: look %d outside 0 ... %d",
                          (int)item->look, MTL_LOOK_COUNT - 1);
    if ((st = mtl__check_range(item->impact, -5, 5, 0, "look item", "impact")) ||
        (st = mtl__check_range(item->likelihood, 0, 1, 0, "look item", "likelihood")))
        return st;
    if (item->window_months <= 0)
        return mtl__error(MTL_E_RANGE, "look item: window_months %d is not > 0",
                          (int)item->window_months);
    if ((st = mtl__check_text(item->text, MTL_TEXT_MAX, 1, "look item", "text")))
        return st;
    return mtl__check_text(item->evidence, MTL_TEXT_MAX, 0, "look item", "evidence");
}

SEGMENT_LIST(mtl_look_item, look, looks, looks, mtl__look_layout,
             mtl__look_item_check)

/* ---- factors ---------------------------------------------------------- */

MTL_API mtl_status mtl_segment_factors_init(mtl_segment_factors *f, size_t struct_size)
{
    int k;
    mtl_status st = mtl__struct_init(f, struct_size, sizeof *f, "mtl_segment_factors");
    if (st)
        return st;
    f->market_size = -1;
    f->revenue = -1;
    f->growth = f->profit_potential = f->strategic_value = NAN;
    f->gross_margin = f->share_goal = f->growth_goal = NAN;
    for (k = 0; k < MTL_FORCE_COUNT; k++)
        f->forces[k] = NAN;
    for (k = 0; k < MTL_APPEALS_COUNT; k++)
        f->appeals_weights[k] = 1.0;
    return MTL_OK;
}

mtl_status mtl__factors_check(const mtl_segment_factors *f)
{
    static const char row[] = "segment factors";
    double sum = 0;
    mtl_status st;
    int k;
    if ((st = mtl__struct_check(f->struct_size, sizeof *f, "mtl_segment_factors")))
        return st;
    if (f->market_size < -1)
        return mtl__error(MTL_E_RANGE, "%s: market_size is negative", row);
    if (f->revenue < -1)
        return mtl__error(MTL_E_RANGE, "%s: revenue is negative", row);
    if (!isnan(f->growth) && !(f->growth > -1 && isfinite(f->growth)))
        return mtl__error(MTL_E_RANGE, "%s: growth is not a rate above -1", row);
    if (!isnan(f->growth_goal) && !(f->growth_goal > -1 && isfinite(f->growth_goal)))
        return mtl__error(MTL_E_RANGE, "%s: growth_goal is not a rate above -1", row);
    if ((st = mtl__check_range(f->profit_potential, 1, 10, 1, row, "profit_potential")) ||
        (st = mtl__check_range(f->strategic_value, 1, 10, 1, row, "strategic_value")) ||
        (st = mtl__check_range(f->gross_margin, -1, 1, 1, row, "gross_margin")) ||
        (st = mtl__check_range(f->share_goal, 0, 1, 1, row, "share_goal")))
        return st;
    for (k = 0; k < MTL_FORCE_COUNT; k++)
        if ((st = mtl__check_range(f->forces[k], 1, 5, 1, row, mtl__force_names[k])))
            return st;
    for (k = 0; k < MTL_APPEALS_COUNT; k++) {
        char field[48];
        memcpy(field, "weight ", 7);
        strcpy(field + 7, mtl__appeals_names[k]);
        if ((st = mtl__check_range(f->appeals_weights[k], 0, 1e12, 0, row, field)))
            return st;
        sum += f->appeals_weights[k];
    }
    if (!(sum > 0))
        return mtl__error(MTL_E_RANGE, "%s: the $APPEALS weights sum to 0", row);
    return MTL_OK;
}

MTL_API mtl_status mtl_segment_set_factors(mtl_segment *segment,
                                           const mtl_segment_factors *factors)
{
    mtl__segment_inputs *in;
    mtl_status st;
    if (!segment)
        return mtl__error_null("segment");
    if (!factors)
        return mtl__error_null("factors");
    if ((st = mtl__factors_check(factors)))
        return st;
    if (!(in = mtl__segment_inputs_of(segment)))
        return MTL_E_NO_MEMORY;
    memcpy(&in->factors, factors, sizeof in->factors);
    in->factors.struct_size = sizeof in->factors;
    in->has_factors = 1;
    return MTL_OK;
}

MTL_API mtl_status mtl_segment_factors_get(const mtl_segment *segment,
                                           mtl_segment_factors *out)
{
    size_t given;
    mtl_status st;
    if (!segment)
        return mtl__error_null("segment");
    if (!out)
        return mtl__error_null("out");
    given = out->struct_size;
    if ((st = mtl__struct_check(given, sizeof *out, "mtl_segment_factors")))
        return st;
    if (segment->inputs)
        memcpy(out, &segment->inputs->factors, sizeof *out);
    else
        mtl_segment_factors_init(out, sizeof *out);
    out->struct_size = given;
    return MTL_OK;
}

/* ---- $APPEALS ratings ------------------------------------------------- */

MTL_API mtl_status mtl_appeals_rating_init(mtl_appeals_rating *r, size_t struct_size)
{
    int k;
    mtl_status st = mtl__struct_init(r, struct_size, sizeof *r, "mtl_appeals_rating");
    if (st)
        return st;
    for (k = 0; k < MTL_APPEALS_COUNT; k++)
        r->ratings[k] = NAN;
    return MTL_OK;
}

mtl_status mtl__appeals_check(const mtl_appeals_rating *r)
{
    mtl_status st;
    int k;
    if ((st = mtl__struct_check(r->struct_size, sizeof *r, "mtl_appeals_rating")))
        return st;
    if ((st = mtl__check_text(r->competitor, MTL_TEXT_MAX, 0, "$APPEALS rating",
                              "competitor")))
        return st;
    for (k = 0; k < MTL_APPEALS_COUNT; k++)
        if ((st = mtl__check_range(r->ratings[k], 1, 10, 1, "$APPEALS rating",
                                   mtl__appeals_names[k])))
            return st;
    return MTL_OK;
}

static const char *competitor_of(const mtl_appeals_rating *r)
{
    return r->competitor ? r->competitor : "";
}

MTL_API mtl_status mtl_segment_add_appeals(mtl_segment *segment,
                                           const mtl_appeals_rating *rating)
{
    mtl__segment_inputs *in;
    mtl_status st;
    size_t i;
    if (!segment)
        return mtl__error_null("segment");
    if (!rating)
        return mtl__error_null("rating");
    if ((st = mtl__appeals_check(rating)))
        return st;
    if (!(in = mtl__segment_inputs_of(segment)))
        return MTL_E_NO_MEMORY;
    for (i = 0; i < in->appeals.count; i++)
        if (!strcmp(competitor_of(mtl__rows_at(&in->appeals, i)), competitor_of(rating)))
            break;
    return mtl__rows_put(&in->appeals, &segment->rec.market->alloc,
                         &mtl__appeals_layout, i, rating);
}

MTL_API size_t mtl_segment_appeals_count(const mtl_segment *segment)
{
    return list_count(segment, OFF(mtl__segment_inputs, appeals));
}

MTL_API mtl_status mtl_segment_appeals_at(const mtl_segment *segment, size_t index,
                                          mtl_appeals_rating *out)
{
    return list_at(segment, OFF(mtl__segment_inputs, appeals), &mtl__appeals_layout,
                   index, out);
}

MTL_API mtl_status mtl_segment_clear_appeals(mtl_segment *segment)
{
    return list_clear(segment, OFF(mtl__segment_inputs, appeals), &mtl__appeals_layout);
}

/* ---- control points --------------------------------------------------- */

MTL_API mtl_status mtl_control_point_init(mtl_control_point *p, size_t struct_size)
{
    mtl_status st = mtl__struct_init(p, struct_size, sizeof *p, "mtl_control_point");
    if (st)
        return st;
    p->kind = MTL_CONTROL_COST;
    p->attainability = 1.0;
    return MTL_OK;
}

mtl_status mtl__control_point_check(const mtl_control_point *p)
{
    mtl_status st;
    if ((st = mtl__struct_check(p->struct_size, sizeof *p, "mtl_control_point")))
        return st;
    if (p->kind < MTL_CONTROL_COST || p->kind > MTL_CONTROL_VALUE_CHAIN)
        return mtl__error(MTL_E_RANGE, "control point: kind %d outside 1 ... 6",
                          (int)p->kind);
    if ((st = mtl__check_range(p->attainability, 0, 1, 0, "control point",
                               "attainability")))
        return st;
    return mtl__check_text(p->text, MTL_TEXT_MAX, 1, "control point", "text");
}

SEGMENT_LIST(mtl_control_point, control_point, control_points, control_points,
             mtl__control_point_layout, mtl__control_point_check)

/* ---- pains on the segment (checked in pains.c) ------------------------ */

SEGMENT_LIST(mtl_pain, pain, pains, pains, mtl__pain_layout, mtl__pain_check)
