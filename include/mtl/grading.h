/*
 * grading.h: customer value, grade, relationship and decision chain
 * (SPEC 6, seeds 000 and 002; docs/methods/customers.md).
 *
 *  - value = current annual revenue + expected investment x probability
 *    that we take part (seed 000: customer value from investment
 *    behaviour);
 *  - grade strategic / partner / commercial / general, by value quantiles
 *    (default: top 5%, next 15%, next 30%, the rest) or by thresholds,
 *    with the reason;
 *  - relationship score 0 ... 100 from the six dimensions rated 1 ... 5;
 *  - decision-chain coverage: the share of the decision roles held by at
 *    least one supporter, and the roles that lack one.
 */
#ifndef MTL_GRADING_H
#define MTL_GRADING_H

#include "pain.h"

MTL_BEGIN_DECLS

/** How grades are assigned. */
enum {
    MTL_GRADE_BY_QUANTILES = 0,  /**< by value rank (default) */
    MTL_GRADE_BY_THRESHOLDS = 1  /**< by value thresholds */
};

/** Options of mtl_grading_compute (size-versioned: mtl_grading_options_init). */
typedef struct mtl_grading_options {
    size_t struct_size;
    int32_t grade_by;        /**< MTL_GRADE_BY_*; default quantiles */
    /** Cumulative shares of customers, by value from the top, graded
     *  strategic, partner and commercial: 0.05, 0.20, 0.50 (the rest are
     *  general).  Non-decreasing, in [0, 1]. */
    double quantiles[3];
    /** Minimum value, minor units, for strategic, partner, commercial
     *  (MTL_GRADE_BY_THRESHOLDS).  Non-increasing, >= 0. */
    int64_t thresholds[3];
    /** Weights of the six relationship dimensions (MTL_REL_*): 0.15, 0.10,
     *  0.15, 0.15, 0.30, 0.15 -- support in projects weighs most, "the
     *  touchstone of the relationship" (seed 002).  >= 0, not all 0. */
    double relationship_weights[MTL_REL_COUNT];
    /** The decision roles coverage counts, a bit set of 1 << MTL_ROLE_*;
     *  0 = all seven (default). */
    uint32_t roles;
} mtl_grading_options;

/** Defaults and struct_size.  @since 0.1 */
MTL_API mtl_status mtl_grading_options_init(mtl_grading_options *options,
                                            size_t struct_size);

/** One customer's assessment. */
typedef struct mtl_customer_grading {
    size_t struct_size;      /**< set by the caller */
    const char *id;
    const char *name;
    const char *segment_id;  /**< "" when none */
    size_t rank;             /**< 1-based by value (ties by id) */
    /** Value in minor units: terms "revenue" (weight 1) and "investment"
     *  (weight = participation probability). */
    mtl_score value;
    int32_t grade;           /**< MTL_GRADE_* computed */
    int32_t recorded_grade;  /**< the grade stored on the customer */
    /** Why: e.g. "value 12,000,000.00 ranks 3 of 60, in the top 5%
     *  (strategic)". */
    const char *grade_reason;
    /** 0 ... 100: one term per assessed dimension, weight 100 x w / (4 Σw)
     *  over the assessed ones, value rating - 1.  NaN when not assessed. */
    mtl_score relationship;
    /** 0 ... 1: one term per decision role counted, weight 1 / roles,
     *  value 1 when a supporter holds it.  NaN without contacts. */
    mtl_score coverage;
    size_t contact_count;
    size_t coach_count;
    uint32_t supported_roles; /**< bits 1 << MTL_ROLE_* with a supporter */
    uint32_t missing_roles;   /**< counted roles with no supporter */
    uint32_t opposed_roles;   /**< roles held by an opponent */
    /** The customer's own pain index (pain.h), NaN without pains. */
    mtl_score pain_index;
} mtl_customer_grading;

/** A computed customer report: a plain value that copies what it shows. */
typedef struct mtl_grading mtl_grading;

/**
 * Value, grade and assess every customer.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION; MTL_E_RANGE (an
 *         option out of range); MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_grading_compute(mtl_grading **out, const mtl_market *market,
                                       const mtl_grading_options *options);
/** Release; NULL is a no-op.  @since 0.1 */
MTL_API void mtl_grading_destroy(mtl_grading *grading);
/** Number of customers.  @since 0.1 */
MTL_API size_t mtl_grading_count(const mtl_grading *grading);
/** Read customer i, by value rank (i + 1).
 *  @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION; MTL_E_RANGE.
 *  @since 0.1 */
MTL_API mtl_status mtl_grading_at(const mtl_grading *grading, size_t i,
                                  mtl_customer_grading *out);
/** Name of a role ("initiator" ... "gatekeeper"), NULL out of range.
 *  @since 0.1 */
MTL_API const char *mtl_role_name(int32_t role);

MTL_END_DECLS

#endif /* MTL_GRADING_H */
