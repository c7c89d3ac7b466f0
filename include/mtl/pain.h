/*
 * pain.h: BON pain scoring (SPEC 5; docs/methods/bon.md).
 *
 * The seed says "use the BON model to identify segment customers' needs
 * and pains" without defining BON; libmtl's definition (ours, documented as
 * such): pains sit on three layers -- "B" business (revenue, share, new
 * services), "O" operation (efficiency, cost, risk, compliance), "N"
 * network / infrastructure (capacity, performance, architecture,
 * technology).  The layer is a short name, so a host may add layers of its
 * own.
 *
 * Pains are recorded on a segment (felt across its customers: breadth is
 * the share of them affected) or on one customer (breadth is the share of
 * its organisation affected).  For each pain
 *
 *     pain score       = severity x urgency x breadth x (0.5 + 0.5 x budget)
 *     addressable pain = pain score x fit
 *
 * and the pain index of a segment or customer is 100 x Σ addressable pain /
 * (25 x number of pains): 0 ... 100 against the maximum possible.  It
 * feeds lead verification (question 2) and segment priority.
 */
#ifndef MTL_PAIN_H
#define MTL_PAIN_H

#include "customer.h"
#include "score.h"

MTL_BEGIN_DECLS

/** The built-in layers. */
#define MTL_LAYER_BUSINESS "B"
#define MTL_LAYER_OPERATION "O"
#define MTL_LAYER_NETWORK "N"
/** Longest layer name, bytes. */
#define MTL_LAYER_MAX 32

/** A pain (size-versioned: call mtl_pain_init). */
typedef struct mtl_pain {
    size_t struct_size;
    const char *layer;  /**< 1..MTL_LAYER_MAX bytes; default "B" */
    const char *text;   /**< 1..4096 bytes, required */
    double severity;    /**< 1 ... 5; default 1 */
    double urgency;     /**< 1 ... 5; default 1 */
    double breadth;     /**< 0 ... 1, share affected; default 1 */
    double budget;      /**< budget / willingness to pay, 0 ... 1; default 0 */
    double fit;         /**< our solution's fit, 0 ... 1; default 1 */
    int32_t role;       /**< MTL_ROLE_* that feels it; default MTL_ROLE_NONE */
} mtl_pain;

/** Defaults and struct_size.  @since 0.1 */
MTL_API mtl_status mtl_pain_init(mtl_pain *pain, size_t struct_size);

/**
 * Append a pain to a segment.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT (NULL, empty text or layer);
 *         MTL_E_VERSION; MTL_E_RANGE (naming the field); MTL_E_LIMIT;
 *         MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_segment_add_pain(mtl_segment *segment, const mtl_pain *pain);
/** Number of the segment's pains.  @since 0.1 */
MTL_API size_t mtl_segment_pain_count(const mtl_segment *segment);
/** Read pain index (order added); strings valid until the list changes.
 *  @since 0.1 */
MTL_API mtl_status mtl_segment_pain_at(const mtl_segment *segment, size_t index,
                                       mtl_pain *out);
/** Remove every pain of the segment.  @since 0.1 */
MTL_API mtl_status mtl_segment_clear_pains(mtl_segment *segment);

/** The same for a customer's own pains.  @since 0.1 */
MTL_API mtl_status mtl_customer_add_pain(mtl_customer *customer,
                                         const mtl_pain *pain);
/** @since 0.1 */
MTL_API size_t mtl_customer_pain_count(const mtl_customer *customer);
/** @since 0.1 */
MTL_API mtl_status mtl_customer_pain_at(const mtl_customer *customer,
                                        size_t index, mtl_pain *out);
/** @since 0.1 */
MTL_API mtl_status mtl_customer_clear_pains(mtl_customer *customer);

/* ---- the BON report ---------------------------------------------------- */

/** Options of mtl_bon_compute (size-versioned: mtl_bon_options_init). */
typedef struct mtl_bon_options {
    size_t struct_size;
    /** Include segments and customers without pains (index NaN); default 0. */
    int32_t include_empty;
} mtl_bon_options;

/** Defaults and struct_size.  @since 0.1 */
MTL_API mtl_status mtl_bon_options_init(mtl_bon_options *options,
                                        size_t struct_size);

/** A computed BON report: a plain value that copies what it shows. */
typedef struct mtl_bon mtl_bon;

/** Who a group of pains belongs to. */
enum {
    MTL_PAIN_OWNER_SEGMENT = 1,
    MTL_PAIN_OWNER_CUSTOMER = 2
};

/** One segment or customer with its pains. */
typedef struct mtl_bon_group {
    size_t struct_size;        /**< set by the caller */
    int32_t owner;             /**< MTL_PAIN_OWNER_* */
    const char *id;            /**< the segment's or customer's id */
    const char *name;
    const char *segment_id;    /**< a customer's segment id, "" when none */
    /** The pain index, 0 ... 100: one term per pain (factor = its text,
     *  weight = 100 / (25 x pains), value = its addressable pain), in the
     *  order the pains were added. */
    mtl_score index;
    size_t pain_count;         /**< ranked pains (mtl_bon_pain_at) */
    size_t layer_count;        /**< layers present (mtl_bon_layer_at) */
} mtl_bon_group;

/** A layer's share of a group's index. */
typedef struct mtl_bon_layer {
    size_t struct_size;
    const char *layer;
    size_t pain_count;
    double addressable;  /**< Σ addressable pain on the layer */
    double index_points; /**< its part of the index (the index's terms on the layer) */
} mtl_bon_layer;

/** A pain with its scores, in ranked order. */
typedef struct mtl_bon_pain {
    size_t struct_size;
    size_t rank;          /**< 1-based, by addressable pain, then pain score, then order added */
    size_t index;         /**< position in the owner's list (order added) */
    const char *layer;
    const char *text;
    double severity, urgency, breadth, budget, fit;
    int32_t role;
    /** severity x urgency x breadth x (0.5 + 0.5 x budget) as two terms:
     *  "severity*urgency*breadth" (weight 0.5) and "budget" (weight 0.5 x
     *  severity x urgency x breadth). */
    mtl_score score;
    /** score x fit: one term "pain_score" with weight = fit. */
    mtl_score addressable;
} mtl_bon_pain;

/**
 * Score every segment's and customer's pains.  Groups: segments first (in
 * segment order), then customers, each with at least one pain (unless
 * include_empty).
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION; MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_bon_compute(mtl_bon **out, const mtl_market *market,
                                   const mtl_bon_options *options);
/** Release a report; NULL is a no-op.  @since 0.1 */
MTL_API void mtl_bon_destroy(mtl_bon *bon);
/** Number of groups.  @since 0.1 */
MTL_API size_t mtl_bon_group_count(const mtl_bon *bon);
/** Read group g.  @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION;
 *  MTL_E_RANGE.  @since 0.1 */
MTL_API mtl_status mtl_bon_group_at(const mtl_bon *bon, size_t group,
                                    mtl_bon_group *out);
/** Read layer l of group g: "B", "O", "N" first, then others by name.
 *  @since 0.1 */
MTL_API mtl_status mtl_bon_layer_at(const mtl_bon *bon, size_t group, size_t layer,
                                    mtl_bon_layer *out);
/** Read the pain ranked k (0-based) of group g.  @since 0.1 */
MTL_API mtl_status mtl_bon_pain_at(const mtl_bon *bon, size_t group, size_t k,
                                   mtl_bon_pain *out);

MTL_END_DECLS

#endif /* MTL_PAIN_H */
