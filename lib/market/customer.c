/* Customer accounts (客户). */
#include <string.h>

#include "market/internal.h"

MTL_API mtl_status mtl_customer_add(mtl_customer **out, mtl_market *market,
                                    const char *id, mtl_segment *segment)
{
    void *rec;
    mtl_customer *c;
    mtl_status st;
    if (out)
        *out = NULL;
    if (!market)
        return mtl__error_null("market");
    if (segment && segment->rec.market != market)
        return mtl__error(MTL_E_INVALID_ARGUMENT,
                          "segment belongs to another market");
    st = mtl__recs_add(&market->customers, market, id, "customer", &rec);
    if (st)
        return st;
    c = rec;
    c->segment = segment ? segment->rec.slot : MTL__NONE;
    if (segment)
        segment->customers++;
    if (out)
        *out = c;
    return MTL_OK;
}

mtl_status mtl__customer_create(mtl_market *m, const char *id, size_t len, uint64_t h,
                                mtl_customer **out)
{
    void *rec;
    mtl_status st = mtl__recs_create(&m->customers, m, id, len, h, "customer", &rec);
    if (st)
        return st;
    *out = rec;
    (*out)->segment = MTL__NONE;
    return MTL_OK;
}

MTL_API mtl_customer *mtl_customer_find(const mtl_market *market, const char *id)
{
    if (!market)
        return NULL;
    return mtl__recs_find(&market->customers, &market->ids, id);
}

MTL_API mtl_customer *mtl_customer_next(const mtl_market *market,
                                        const mtl_customer *prev)
{
    if (!market)
        return NULL;
    return mtl__recs_next(&market->customers, prev ? &prev->rec : NULL);
}

MTL_API mtl_status mtl_customer_remove(mtl_customer *customer)
{
    mtl_market *m;
    size_t leads;
    if (!customer)
        return mtl__error_null("customer");
    m = customer->rec.market;
    leads = mtl__leads_referencing(m, 1, customer->rec.slot);
    if (leads)
        return mtl__error(MTL_E_IN_USE, "customer '%.64s' has %zu leads",
                          mtl__arena_at(&m->ids, customer->rec.id_ref), leads);
    mtl__customer_drop(customer);
    return MTL_OK;
}

MTL_API mtl_market *mtl_customer_market(const mtl_customer *customer)
{
    return customer ? customer->rec.market : NULL;
}

MTL_API const char *mtl_customer_id(const mtl_customer *customer)
{
    return customer
               ? mtl__arena_at(&customer->rec.market->ids, customer->rec.id_ref)
               : NULL;
}

MTL_API const char *mtl_customer_name(const mtl_customer *customer)
{
    if (!customer)
        return NULL;
    return customer->name ? customer->name : "";
}

MTL_API mtl_segment *mtl_customer_segment(const mtl_customer *customer)
{
    return customer ? mtl__segment_at(customer->rec.market, customer->segment) : NULL;
}

MTL_API const char *mtl_customer_region(const mtl_customer *customer)
{
    return customer ? mtl__strpool_get(&customer->rec.market->strings,
                                       customer->region)
                    : NULL;
}

MTL_API const char *mtl_customer_owner(const mtl_customer *customer)
{
    return customer ? mtl__strpool_get(&customer->rec.market->strings,
                                       customer->owner)
                    : NULL;
}

MTL_API int64_t mtl_customer_revenue(const mtl_customer *customer)
{
    return customer ? customer->revenue : 0;
}

MTL_API int64_t mtl_customer_investment(const mtl_customer *customer)
{
    return customer ? customer->investment : 0;
}

MTL_API double mtl_customer_participation(const mtl_customer *customer)
{
    return customer ? customer->participation : 0.0;
}

MTL_API int32_t mtl_customer_grade(const mtl_customer *customer)
{
    return customer ? customer->grade : MTL_GRADE_NONE;
}

MTL_API mtl_status mtl_customer_set_name(mtl_customer *customer, const char *name)
{
    if (!customer)
        return mtl__error_null("customer");
    return mtl__set_text(&customer->rec.market->alloc, &customer->name, name,
                         "customer name");
}

MTL_API mtl_status mtl_customer_set_segment(mtl_customer *customer,
                                            mtl_segment *segment)
{
    mtl_market *m;
    if (!customer)
        return mtl__error_null("customer");
    m = customer->rec.market;
    if (segment && segment->rec.market != m)
        return mtl__error(MTL_E_INVALID_ARGUMENT,
                          "segment belongs to another market");
    if (customer->segment != MTL__NONE)
        mtl__segment_at(m, customer->segment)->customers--;
    customer->segment = segment ? segment->rec.slot : MTL__NONE;
    if (segment)
        segment->customers++;
    return MTL_OK;
}

MTL_API mtl_status mtl_customer_set_region(mtl_customer *customer,
                                           const char *region)
{
    if (!customer)
        return mtl__error_null("customer");
    return mtl__intern(customer->rec.market, region, "region", &customer->region);
}

MTL_API mtl_status mtl_customer_set_owner(mtl_customer *customer,
                                          const char *owner)
{
    if (!customer)
        return mtl__error_null("customer");
    return mtl__intern(customer->rec.market, owner, "owner", &customer->owner);
}

MTL_API mtl_status mtl_customer_set_revenue(mtl_customer *customer,
                                            int64_t revenue)
{
    if (!customer)
        return mtl__error_null("customer");
    if (revenue < 0)
        return mtl__error(MTL_E_RANGE, "revenue %lld is negative",
                          (long long)revenue);
    customer->revenue = revenue;
    return MTL_OK;
}

MTL_API mtl_status mtl_customer_set_investment(mtl_customer *customer,
                                               int64_t investment)
{
    if (!customer)
        return mtl__error_null("customer");
    if (investment < 0)
        return mtl__error(MTL_E_RANGE, "investment %lld is negative",
                          (long long)investment);
    customer->investment = investment;
    return MTL_OK;
}

MTL_API mtl_status mtl_customer_set_participation(mtl_customer *customer,
                                                  double probability)
{
    if (!customer)
        return mtl__error_null("customer");
    if (!(probability >= 0.0 && probability <= 1.0))
        return mtl__error(MTL_E_RANGE, "participation %g outside [0, 1]",
                          probability);
    customer->participation = probability;
    return MTL_OK;
}

MTL_API mtl_status mtl_customer_set_grade(mtl_customer *customer, int32_t grade)
{
    if (!customer)
        return mtl__error_null("customer");
    if (grade < MTL_GRADE_NONE || grade > MTL_GRADE_GENERAL)
        return mtl__error(MTL_E_RANGE, "grade %d: 0..4", (int)grade);
    customer->grade = grade;
    return MTL_OK;
}

void mtl__customer_drop(mtl_customer *customer)
{
    mtl_market *m = customer->rec.market;
    if (customer->segment != MTL__NONE)
        mtl__segment_at(m, customer->segment)->customers--;
    mtl__strfree(&m->alloc, customer->name);
    customer->name = NULL;
    mtl__customer_inputs_free(m, customer);
    mtl__recs_remove(&m->customers, m, &customer->rec);
}
