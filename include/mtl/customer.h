/*
 * customer.h: customer accounts (客户).
 *
 * Customer handles are borrowed: owned by the market, valid until the
 * customer is removed or the market is released.
 */
#ifndef MTL_CUSTOMER_H
#define MTL_CUSTOMER_H

#include "segment.h"

MTL_BEGIN_DECLS

/** Customer grades (seed 002; SPEC 6). */
enum {
    MTL_GRADE_NONE = 0,       /**< not graded */
    MTL_GRADE_STRATEGIC = 1,  /**< 战略客户 */
    MTL_GRADE_PARTNER = 2,    /**< 伙伴客户 */
    MTL_GRADE_COMMERCIAL = 3, /**< 商业客户 */
    MTL_GRADE_GENERAL = 4     /**< 一般客户 */
};

/**
 * Add a customer.
 * @param out     receives the customer; may be NULL
 * @param id      the host's id: 1..MTL_ID_MAX bytes, unique among customers
 * @param segment its segment, or NULL; must belong to market
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_LIMIT; MTL_E_DUPLICATE;
 *         MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_customer_add(mtl_customer **out, mtl_market *market,
                                    const char *id, mtl_segment *segment);

/** The customer with this id, or NULL (O(1)).  @since 0.1 */
MTL_API mtl_customer *mtl_customer_find(const mtl_market *market,
                                        const char *id);

/** Iterate as mtl_segment_next does.  @since 0.1 */
MTL_API mtl_customer *mtl_customer_next(const mtl_market *market,
                                        const mtl_customer *prev);

/**
 * Remove a customer.  Refused while leads refer to it.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_IN_USE.
 * @since 0.1
 */
MTL_API mtl_status mtl_customer_remove(mtl_customer *customer);

/** The owning market.  @since 0.1 */
MTL_API mtl_market *mtl_customer_market(const mtl_customer *customer);
/** The id.  @since 0.1 */
MTL_API const char *mtl_customer_id(const mtl_customer *customer);
/** The display name ("" until set).  @since 0.1 */
MTL_API const char *mtl_customer_name(const mtl_customer *customer);
/** The segment, or NULL.  @since 0.1 */
MTL_API mtl_segment *mtl_customer_segment(const mtl_customer *customer);
/** The region ("" until set).  @since 0.1 */
MTL_API const char *mtl_customer_region(const mtl_customer *customer);
/** The account owner ("" until set).  @since 0.1 */
MTL_API const char *mtl_customer_owner(const mtl_customer *customer);
/** Current annual revenue from the customer, minor units.  @since 0.1 */
MTL_API int64_t mtl_customer_revenue(const mtl_customer *customer);
/** Expected future investment of the customer, minor units.  @since 0.1 */
MTL_API int64_t mtl_customer_investment(const mtl_customer *customer);
/** Probability that we take part in that investment, [0, 1].  @since 0.1 */
MTL_API double mtl_customer_participation(const mtl_customer *customer);
/** MTL_GRADE_*.  @since 0.1 */
MTL_API int32_t mtl_customer_grade(const mtl_customer *customer);

/** Setters: MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_LIMIT; MTL_E_NO_MEMORY. */
MTL_API mtl_status mtl_customer_set_name(mtl_customer *customer, const char *name);
/** Set the segment (NULL clears; must be of the same market).  @since 0.1 */
MTL_API mtl_status mtl_customer_set_segment(mtl_customer *customer,
                                            mtl_segment *segment);
/** Set the region (interned; NULL or "" clears).  @since 0.1 */
MTL_API mtl_status mtl_customer_set_region(mtl_customer *customer, const char *region);
/** Set the owner (interned; NULL or "" clears).  @since 0.1 */
MTL_API mtl_status mtl_customer_set_owner(mtl_customer *customer, const char *owner);
/** Set revenue (>= 0, else MTL_E_RANGE).  @since 0.1 */
MTL_API mtl_status mtl_customer_set_revenue(mtl_customer *customer, int64_t revenue);
/** Set expected investment (>= 0, else MTL_E_RANGE).  @since 0.1 */
MTL_API mtl_status mtl_customer_set_investment(mtl_customer *customer,
                                               int64_t investment);
/** Set participation probability ([0, 1], else MTL_E_RANGE).  @since 0.1 */
MTL_API mtl_status mtl_customer_set_participation(mtl_customer *customer,
                                                  double probability);
/** Set the grade (MTL_GRADE_*, else MTL_E_RANGE).  @since 0.1 */
MTL_API mtl_status mtl_customer_set_grade(mtl_customer *customer, int32_t grade);

MTL_END_DECLS

#endif /* MTL_CUSTOMER_H */
