/*
 * market.h: the market, the container of segments, customers and leads.
 */
#ifndef MTL_MARKET_H
#define MTL_MARKET_H

#include "stage.h"

MTL_BEGIN_DECLS

/**
 * Options for mtl_market_create.  Size-versioned: call
 * mtl_market_options_init first; fields are only ever appended; a zero
 * field means "default".
 */
typedef struct mtl_market_options {
    size_t struct_size;        /**< sizeof(mtl_market_options), set by init */
    mtl_alloc_fn alloc;        /**< allocator; NULL = libc realloc/free */
    void *alloc_user_data;     /**< passed to alloc */
    int64_t minor_per_major;   /**< minor units per major currency unit; 0 = 100 */
    const mtl_stage_model *stage_model; /**< copied; NULL = default P0-P7 */
} mtl_market_options;

/**
 * Fill options with the defaults.
 * @param options      the struct to fill
 * @param struct_size  sizeof(*options) as the caller compiled it
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT for NULL; MTL_E_VERSION when
 *         struct_size is smaller than the first version of the struct.
 * @since 0.1
 */
MTL_API mtl_status mtl_market_options_init(mtl_market_options *options,
                                           size_t struct_size);

/**
 * Create a market.  The caller owns one reference.
 * @param out      receives the market (NULL on failure)
 * @param options  NULL for defaults
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT (NULL out); MTL_E_VERSION (unknown
 *         struct_size); MTL_E_RANGE (minor_per_major not a power of ten
 *         from 1 to 10^6; an empty stage model; a first stage flagged won or
 *         lost, since new leads start open at stage 0); MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_market_create(mtl_market **out,
                                     const mtl_market_options *options);

/** Take one more reference (atomic).  Returns market.  @since 0.1 */
MTL_API mtl_market *mtl_market_ref(mtl_market *market);

/**
 * Drop one reference (atomic); the last one releases the market with every
 * segment, customer and lead in it.  NULL is a no-op.
 * @since 0.1
 */
MTL_API void mtl_market_unref(mtl_market *market);

/** Minor currency units per major unit (100 by default; 0 for NULL).  @since 0.1 */
MTL_API int64_t mtl_market_minor_per_major(const mtl_market *market);

/**
 * Bytes currently held from the market's allocator (records, indexes,
 * strings).  0 for NULL.
 * @since 0.1
 */
MTL_API size_t mtl_market_memory_used(const mtl_market *market);

/** Number of stages of the market's stage model (0 for NULL).  @since 0.1 */
MTL_API int32_t mtl_market_stage_count(const mtl_market *market);

/** Name of stage index, or NULL when out of range.  @since 0.1 */
MTL_API const char *mtl_market_stage_name(const mtl_market *market,
                                          int32_t stage);

/** Phase text of stage index ("" if none), or NULL when out of range.  @since 0.1 */
MTL_API const char *mtl_market_stage_phase(const mtl_market *market,
                                           int32_t stage);

/** Default win probability of a stage, or -1 when out of range.  @since 0.1 */
MTL_API double mtl_market_stage_probability(const mtl_market *market,
                                            int32_t stage);

/** Default forecast category of a stage, or MTL_CATEGORY_NONE.  @since 0.1 */
MTL_API int32_t mtl_market_stage_category(const mtl_market *market,
                                          int32_t stage);

/** MTL_STAGE_FLAG_* bits of a stage (0 when out of range).  @since 0.1 */
MTL_API int32_t mtl_market_stage_flags(const mtl_market *market,
                                       int32_t stage);

/**
 * Index of the stage called name.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_NOT_FOUND.
 * @since 0.1
 */
MTL_API mtl_status mtl_market_stage_find(int32_t *out, const mtl_market *market,
                                         const char *name);

/** Number of segments, customers, leads (0 for NULL).  @since 0.1 */
MTL_API size_t mtl_market_segment_count(const mtl_market *market);
/** @copydoc mtl_market_segment_count */
MTL_API size_t mtl_market_customer_count(const mtl_market *market);
/** @copydoc mtl_market_segment_count */
MTL_API size_t mtl_market_lead_count(const mtl_market *market);

MTL_END_DECLS

#endif /* MTL_MARKET_H */
