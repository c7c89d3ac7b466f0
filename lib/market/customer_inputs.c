/* A customer's strategy inputs: relationship assessment, decision-chain
 * contacts (customer.h) and its own pains (pain.h). */
#include <math.h>
#include <string.h>

#include "core/versioned.h"
#include "market/internal.h"

static const size_t contact_strings[] = {offsetof(mtl_contact, name),
                                         offsetof(mtl_contact, title)};
const mtl__row_layout mtl__contact_layout = {"contact", sizeof(mtl_contact),
                                             contact_strings, 2};

static const char *const role_names[MTL_ROLE_COUNT] = {
    "none", "initiator", "user", "influencer", "decider", "approver", "buyer",
    "gatekeeper"};
const char *const mtl__dimension_names[MTL_REL_COUNT] = {
    "acceptance", "events", "information", "guidance", "support", "competition"};

MTL_API const char *mtl_role_name(int32_t role)
{
    return role >= MTL_ROLE_INITIATOR && role < MTL_ROLE_COUNT ? role_names[role]
                                                               : NULL;
}

mtl__customer_inputs *mtl__customer_inputs_of(mtl_customer *c)
{
    mtl_market *m = c->rec.market;
    if (!c->inputs) {
        c->inputs = mtl__alloc_zero(&m->alloc, sizeof *c->inputs);
        if (!c->inputs) {
            mtl__error_oom();
            return NULL;
        }
    }
    return c->inputs;
}

void mtl__customer_inputs_free(mtl_market *m, mtl_customer *c)
{
    mtl__customer_inputs *in = c->inputs;
    if (!in)
        return;
    mtl__rows_clear(&in->pains, &m->alloc, &mtl__pain_layout);
    mtl__rows_clear(&in->contacts, &m->alloc, &mtl__contact_layout);
    mtl__free(&m->alloc, in, sizeof *in);
    c->inputs = NULL;
}

/* ---- relationship ----------------------------------------------------- */

mtl_status mtl__relationship_check(const double *ratings)
{
    mtl_status st;
    int k;
    for (k = 0; k < MTL_REL_COUNT; k++)
        if ((st = mtl__check_range(ratings[k], 1, 5, 1, "relationship",
                                   mtl__dimension_names[k])))
            return st;
    return MTL_OK;
}

MTL_API mtl_status mtl_customer_set_relationship(mtl_customer *customer,
                                                 const double *ratings)
{
    mtl__customer_inputs *in;
    mtl_status st;
    if (!customer)
        return mtl__error_null("customer");
    if (!ratings) {
        if (customer->inputs)
            customer->inputs->has_relationship = 0;
        return MTL_OK;
    }
    if ((st = mtl__relationship_check(ratings)))
        return st;
    if (!(in = mtl__customer_inputs_of(customer)))
        return MTL_E_NO_MEMORY;
    memcpy(in->relationship, ratings, sizeof in->relationship);
    in->has_relationship = 1;
    return MTL_OK;
}

MTL_API mtl_status mtl_customer_relationship(const mtl_customer *customer,
                                             double *out)
{
    int k;
    if (!customer)
        return mtl__error_null("customer");
    if (!out)
        return mtl__error_null("out");
    if (customer->inputs && customer->inputs->has_relationship) {
        memcpy(out, customer->inputs->relationship, sizeof customer->inputs->relationship);
        return MTL_OK;
    }
    for (k = 0; k < MTL_REL_COUNT; k++)
        out[k] = NAN;
    return MTL_E_NOT_FOUND;
}

/* ---- contacts and pains ----------------------------------------------- */

MTL_API mtl_status mtl_contact_init(mtl_contact *contact, size_t struct_size)
{
    return mtl__struct_init(contact, struct_size, sizeof *contact, "mtl_contact");
}

mtl_status mtl__contact_check(const mtl_contact *c)
{
    mtl_status st;
    if ((st = mtl__struct_check(c->struct_size, sizeof *c, "mtl_contact")))
        return st;
    if ((st = mtl__check_text(c->name, MTL_TEXT_MAX, 1, "contact", "name")) ||
        (st = mtl__check_text(c->title, MTL_TEXT_MAX, 0, "contact", "title")))
        return st;
    if (c->role < MTL_ROLE_INITIATOR || c->role >= MTL_ROLE_COUNT)
        return mtl__error(MTL_E_RANGE, "contact: unknown role %d (1 ... %d)",
                          (int)c->role, MTL_ROLE_COUNT - 1);
    if (c->attitude < MTL_ATTITUDE_NEUTRAL || c->attitude > MTL_ATTITUDE_OPPONENT)
        return mtl__error(MTL_E_RANGE, "contact: unknown attitude %d (0 ... 2)",
                          (int)c->attitude);
    if (c->coach != 0 && c->coach != 1)
        return mtl__error(MTL_E_RANGE, "contact: coach %d is not 0 or 1", (int)c->coach);
    return MTL_OK;
}

static mtl__rows *customer_list(const mtl_customer *c, size_t offset)
{
    return c && c->inputs ? (mtl__rows *)(void *)((char *)c->inputs + offset) : NULL;
}

static mtl_status customer_add(mtl_customer *c, size_t offset,
                               const mtl__row_layout *l, const void *row,
                               mtl_status st)
{
    if (st)
        return st;
    if (!mtl__customer_inputs_of(c))
        return MTL_E_NO_MEMORY;
    {
        mtl__rows *r = customer_list(c, offset);
        return mtl__rows_put(r, &c->rec.market->alloc, l, r->count, row);
    }
}

static mtl_status customer_at(const mtl_customer *c, size_t offset,
                              const mtl__row_layout *l, size_t i, void *out)
{
    static const mtl__rows empty;
    const mtl__rows *r = customer_list(c, offset);
    if (!c)
        return mtl__error_null("customer");
    return mtl__rows_read(r ? r : &empty, l, i, out);
}

static mtl_status customer_clear(mtl_customer *c, size_t offset,
                                 const mtl__row_layout *l)
{
    mtl__rows *r = customer_list(c, offset);
    if (!c)
        return mtl__error_null("customer");
    if (r)
        mtl__rows_clear(r, &c->rec.market->alloc, l);
    return MTL_OK;
}

#define CUSTOMER_LIST(type, noun, plural, field, layout, check)                \
    MTL_API mtl_status mtl_customer_add_##noun(mtl_customer *customer,          \
                                               const type *row)                 \
    {                                                                           \
        if (!customer)                                                          \
            return mtl__error_null("customer");                                 \
        if (!row)                                                               \
            return mtl__error_null(#noun);                                      \
        return customer_add(customer, offsetof(mtl__customer_inputs, field),    \
                            &layout, row, check(row));                          \
    }                                                                           \
    MTL_API size_t mtl_customer_##noun##_count(const mtl_customer *customer)    \
    {                                                                           \
        const mtl__rows *r =                                                    \
            customer_list(customer, offsetof(mtl__customer_inputs, field));     \
        return r ? r->count : 0;                                                \
    }                                                                           \
    MTL_API mtl_status mtl_customer_##noun##_at(const mtl_customer *customer,   \
                                                size_t index, type *out)        \
    {                                                                           \
        return customer_at(customer, offsetof(mtl__customer_inputs, field),     \
                           &layout, index, out);                                \
    }                                                                           \
    MTL_API mtl_status mtl_customer_clear_##plural(mtl_customer *customer)      \
    {                                                                           \
        return customer_clear(customer, offsetof(mtl__customer_inputs, field),  \
                              &layout);                                         \
    }

CUSTOMER_LIST(mtl_contact, contact, contacts, contacts, mtl__contact_layout,
              mtl__contact_check)
CUSTOMER_LIST(mtl_pain, pain, pains, pains, mtl__pain_layout, mtl__pain_check)
