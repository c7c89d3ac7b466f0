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

/* ---- relationship and decision chain (SPEC 6, seed 002) ---------------- */

/** The six relationship dimensions (seed 002, 客户关系现状评估), each rated
 *  1 ... 5. */
enum {
    MTL_REL_ACCEPTANCE = 0,    /**< acceptance of the company (接受认可度) */
    MTL_REL_EVENTS = 1,        /**< participation in our events (活动参与度) */
    MTL_REL_INFORMATION = 2,   /**< information sharing (信息传递) */
    MTL_REL_GUIDANCE = 3,      /**< guidance on our work (项目及日常业务指导) */
    MTL_REL_SUPPORT = 4,       /**< support in projects (项目支撑度) */
    MTL_REL_COMPETITION = 5,   /**< attitude against competitors (竞争态度) */
    MTL_REL_COUNT = 6
};

/**
 * Set the customer's relationship assessment: ratings[MTL_REL_COUNT], each
 * 1 ... 5 or NaN (not assessed).  NULL clears the assessment.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_RANGE (naming the
 *         dimension); MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_customer_set_relationship(mtl_customer *customer,
                                                 const double *ratings);
/**
 * Read the assessment into out[MTL_REL_COUNT].
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_NOT_FOUND (never assessed:
 *         out is filled with NaN).
 * @since 0.1
 */
MTL_API mtl_status mtl_customer_relationship(const mtl_customer *customer,
                                             double *out);

/** Decision-chain roles (seed 002 决策链). */
enum {
    MTL_ROLE_NONE = 0,       /**< no role (a pain felt by nobody in particular) */
    MTL_ROLE_INITIATOR = 1,  /**< initiator */
    MTL_ROLE_USER = 2,       /**< user */
    MTL_ROLE_INFLUENCER = 3, /**< influencer */
    MTL_ROLE_DECIDER = 4,    /**< decider */
    MTL_ROLE_APPROVER = 5,   /**< approver */
    MTL_ROLE_BUYER = 6,      /**< buyer */
    MTL_ROLE_GATEKEEPER = 7, /**< gatekeeper */
    MTL_ROLE_COUNT = 8       /**< roles 1 ... 7 */
};

/** A contact's attitude towards us. */
enum {
    MTL_ATTITUDE_NEUTRAL = 0,   /**< neutral */
    MTL_ATTITUDE_SUPPORTER = 1, /**< supporter */
    MTL_ATTITUDE_OPPONENT = 2   /**< opponent */
};

/** A decision-chain contact (size-versioned: call mtl_contact_init). */
typedef struct mtl_contact {
    size_t struct_size;
    const char *name;  /**< 1..4096 bytes, required */
    const char *title; /**< job title, NULL or up to 4096 bytes */
    int32_t role;      /**< MTL_ROLE_INITIATOR ... MTL_ROLE_GATEKEEPER; required */
    int32_t attitude;  /**< MTL_ATTITUDE_*; default neutral */
    int32_t coach;     /**< 1 = our coach (教练), 0 = not (default) */
} mtl_contact;

/** Defaults and struct_size.  @since 0.1 */
MTL_API mtl_status mtl_contact_init(mtl_contact *contact, size_t struct_size);
/**
 * Append a contact to the customer's decision chain.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT (NULL, empty name); MTL_E_VERSION;
 *         MTL_E_RANGE (unknown role or attitude, coach not 0/1);
 *         MTL_E_LIMIT; MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_customer_add_contact(mtl_customer *customer,
                                            const mtl_contact *contact);
/** Number of contacts (0 for NULL).  @since 0.1 */
MTL_API size_t mtl_customer_contact_count(const mtl_customer *customer);
/** Read contact index into out (struct_size set); its strings are valid
 *  until the contacts change or the customer goes.  @since 0.1 */
MTL_API mtl_status mtl_customer_contact_at(const mtl_customer *customer,
                                           size_t index, mtl_contact *out);
/** Remove every contact.  @since 0.1 */
MTL_API mtl_status mtl_customer_clear_contacts(mtl_customer *customer);

MTL_END_DECLS

#endif /* MTL_CUSTOMER_H */
