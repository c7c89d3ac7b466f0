/* Pains (pain.h): the row, its checks, and a customer's own pains (a
 * segment's are in looks.c with its other lists). */
#include <math.h>
#include <string.h>

#include "core/versioned.h"
#include "market/internal.h"

static const size_t pain_strings[] = {offsetof(mtl_pain, layer),
                                      offsetof(mtl_pain, text)};
const mtl__row_layout mtl__pain_layout = {"pain", sizeof(mtl_pain), pain_strings, 2};

MTL_API mtl_status mtl_pain_init(mtl_pain *pain, size_t struct_size)
{
    mtl_status st = mtl__struct_init(pain, struct_size, sizeof *pain, "mtl_pain");
    if (st)
        return st;
    pain->layer = MTL_LAYER_BUSINESS;
    pain->severity = pain->urgency = 1.0;
    pain->breadth = 1.0;
    pain->fit = 1.0;
    return MTL_OK;
}

mtl_status mtl__pain_check(const mtl_pain *p)
{
    mtl_status st;
    if ((st = mtl__struct_check(p->struct_size, sizeof *p, "mtl_pain")))
        return st;
    if ((st = mtl__check_text(p->layer, MTL_LAYER_MAX, 1, "pain", "layer")) ||
        (st = mtl__check_text(p->text, MTL_TEXT_MAX, 1, "pain", "text")) ||
        (st = mtl__check_range(p->severity, 1, 5, 0, "pain", "severity")) ||
        (st = mtl__check_range(p->urgency, 1, 5, 0, "pain", "urgency")) ||
        (st = mtl__check_range(p->breadth, 0, 1, 0, "pain", "breadth")) ||
        (st = mtl__check_range(p->budget, 0, 1, 0, "pain", "budget")) ||
        (st = mtl__check_range(p->fit, 0, 1, 0, "pain", "fit")))
        return st;
    if (p->role < MTL_ROLE_NONE || p->role >= MTL_ROLE_COUNT)
        return mtl__error(MTL_E_RANGE, "pain: role %d outside 0 ... %d", (int)p->role,
                          MTL_ROLE_COUNT - 1);
    return MTL_OK;
}
