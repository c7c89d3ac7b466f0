/*
 * lead.h: leads (线索) and opportunities (机会点), one at a time or in bulk.
 *
 * Lead handles are borrowed: owned by the market, valid until the lead is
 * removed or the market is released.  A lead's segment and region default
 * to its customer's when the lead is added or its customer is set; later
 * changes to the customer do not move existing leads.
 */
#ifndef MTL_LEAD_H
#define MTL_LEAD_H

#include "customer.h"

MTL_BEGIN_DECLS

/** Lead status in the LTC lead process (SPEC 7). */
enum {
    MTL_LEAD_STATUS_NEW = 0,       /**< recorded, not yet verified */
    MTL_LEAD_STATUS_NURTURE = 1,   /**< verified, kept warm (培育) */
    MTL_LEAD_STATUS_CONVERTED = 2, /**< converted to an opportunity (转机会点) */
    MTL_LEAD_STATUS_CLOSED = 3     /**< disqualified (关闭) */
};

/** Most distinct attribute keys per market. */
#define MTL_ATTRIBUTE_KEYS_MAX 1024

/**
 * Add a lead: stage 0, outcome open, amount 0, no dates, status new.
 * @param out      receives the lead; may be NULL
 * @param id       the host's id: 1..MTL_ID_MAX bytes, unique among leads
 * @param customer its customer, or NULL; must belong to market
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_LIMIT; MTL_E_DUPLICATE;
 *         MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_lead_add(mtl_lead **out, mtl_market *market,
                                const char *id, mtl_customer *customer);

/** The lead with this id, or NULL (O(1)).  @since 0.1 */
MTL_API mtl_lead *mtl_lead_find(const mtl_market *market, const char *id);

/**
 * Look up many leads at once, as a join from the host's table does:
 * out[j] receives the lead whose id is ids[j], or NULL (also for a NULL or
 * empty id).  The lookups are pipelined so that their memory accesses
 * overlap: on a large market this is several times faster than a loop of
 * mtl_lead_find (see docs/performance.md).
 * @param out    count handles
 * @param ids    count ids
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT (NULL out, market or ids with
 *         count > 0).
 * @since 0.1
 */
MTL_API mtl_status mtl_lead_find_many(mtl_lead **out, const mtl_market *market,
                                      const char *const *ids, size_t count);

/** Iterate as mtl_segment_next does.  @since 0.1 */
MTL_API mtl_lead *mtl_lead_next(const mtl_market *market, const mtl_lead *prev);

/** Remove a lead with its attributes and history.  @since 0.1 */
MTL_API mtl_status mtl_lead_remove(mtl_lead *lead);

/* ---- reading a lead --------------------------------------------------
 * A NULL lead reads as NULL (pointers), -1 (status, stage, outcome),
 * MTL_CATEGORY_NONE, MTL_DECISION_NONE, MTL_PROBABILITY_NONE,
 * MTL_DATE_NONE or 0 (amount). */

/** The owning market.  @since 0.1 */
MTL_API mtl_market *mtl_lead_market(const mtl_lead *lead);
/** The id.  @since 0.1 */
MTL_API const char *mtl_lead_id(const mtl_lead *lead);
/** The customer, or NULL.  @since 0.1 */
MTL_API mtl_customer *mtl_lead_customer(const mtl_lead *lead);
/** The segment, or NULL.  @since 0.1 */
MTL_API mtl_segment *mtl_lead_segment(const mtl_lead *lead);
/** The owner (sales rep), "" when unset.  @since 0.1 */
MTL_API const char *mtl_lead_owner(const mtl_lead *lead);
/** The region, "" when unset.  @since 0.1 */
MTL_API const char *mtl_lead_region(const mtl_lead *lead);
/** The source (web, event, partner...), "" when unset.  @since 0.1 */
MTL_API const char *mtl_lead_source(const mtl_lead *lead);
/** MTL_LEAD_STATUS_*.  @since 0.1 */
MTL_API int32_t mtl_lead_status(const mtl_lead *lead);
/** Stage index in the market's stage model (-1 for NULL).  @since 0.1 */
MTL_API int32_t mtl_lead_stage(const mtl_lead *lead);
/** MTL_OUTCOME_* (-1 for NULL).  @since 0.1 */
MTL_API int32_t mtl_lead_outcome(const mtl_lead *lead);
/** Amount in minor units.  @since 0.1 */
MTL_API int64_t mtl_lead_amount(const mtl_lead *lead);
/** Probability override in [0, 1], or MTL_PROBABILITY_NONE.  @since 0.1 */
MTL_API double mtl_lead_probability(const mtl_lead *lead);
/** Forecast-category override, or MTL_CATEGORY_NONE.  @since 0.1 */
MTL_API int32_t mtl_lead_category(const mtl_lead *lead);
/** MTL_DECISION_* step of the customer's decision cycle.  @since 0.1 */
MTL_API int32_t mtl_lead_decision_step(const mtl_lead *lead);
/** Dates as day numbers, MTL_DATE_NONE when unset.  @since 0.1 */
MTL_API int32_t mtl_lead_created(const mtl_lead *lead);
/** @copydoc mtl_lead_created */
MTL_API int32_t mtl_lead_expected_close(const mtl_lead *lead);
/** @copydoc mtl_lead_created */
MTL_API int32_t mtl_lead_closed(const mtl_lead *lead);

/* ---- changing a lead (on failure the lead is unchanged) --------------- */

/**
 * Set the customer (NULL clears).  The lead's segment and region are set to
 * the customer's when the customer has them.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT (other market).
 * @since 0.1
 */
MTL_API mtl_status mtl_lead_set_customer(mtl_lead *lead, mtl_customer *customer);
/** Set the segment (NULL clears; same market).  @since 0.1 */
MTL_API mtl_status mtl_lead_set_segment(mtl_lead *lead, mtl_segment *segment);
/** Set owner (interned; NULL or "" clears).  MTL_E_LIMIT, MTL_E_NO_MEMORY.  @since 0.1 */
MTL_API mtl_status mtl_lead_set_owner(mtl_lead *lead, const char *owner);
/** Set region (interned; NULL or "" clears).  @since 0.1 */
MTL_API mtl_status mtl_lead_set_region(mtl_lead *lead, const char *region);
/** Set source (interned; NULL or "" clears).  @since 0.1 */
MTL_API mtl_status mtl_lead_set_source(mtl_lead *lead, const char *source);
/** Set status (MTL_LEAD_STATUS_*, else MTL_E_RANGE).  @since 0.1 */
MTL_API mtl_status mtl_lead_set_status(mtl_lead *lead, int32_t status);

/**
 * Set the stage (last stage reached).
 * @return MTL_OK; MTL_E_RANGE (no such stage); MTL_E_STATE when the stage
 *         contradicts the outcome (see mtl_lead_set_stage_outcome).
 * @since 0.1
 */
MTL_API mtl_status mtl_lead_set_stage(mtl_lead *lead, int32_t stage);

/**
 * Set the outcome.
 * @return MTL_OK; MTL_E_RANGE (not an MTL_OUTCOME_*); MTL_E_STATE when it
 *         contradicts the stage.
 * @since 0.1
 */
MTL_API mtl_status mtl_lead_set_outcome(mtl_lead *lead, int32_t outcome);

/**
 * Set stage and outcome together.  Contradictions are refused with
 * MTL_E_STATE: a won-flagged stage needs outcome won, a lost-flagged stage
 * needs outcome lost; outcome won at an ordinary stage and outcome lost at
 * an ordinary stage are allowed (the stage is the last one reached).
 * @since 0.1
 */
MTL_API mtl_status mtl_lead_set_stage_outcome(mtl_lead *lead, int32_t stage,
                                              int32_t outcome);

/** Set the amount (minor units, >= 0, else MTL_E_RANGE).  @since 0.1 */
MTL_API mtl_status mtl_lead_set_amount(mtl_lead *lead, int64_t amount);
/**
 * Set the probability override: [0, 1], or MTL_PROBABILITY_NONE to clear;
 * anything else (NaN too) is MTL_E_RANGE.  The first override among a
 * block of leads allocates that block's column (8 bytes a lead,
 * docs/memory.md): MTL_E_NO_MEMORY when that fails, the lead unchanged.
 * @since 0.1
 */
MTL_API mtl_status mtl_lead_set_probability(mtl_lead *lead, double probability);
/** Set the category override (MTL_CATEGORY_*, NONE clears).  @since 0.1 */
MTL_API mtl_status mtl_lead_set_category(mtl_lead *lead, int32_t category);
/** Set the decision-cycle step (MTL_DECISION_*).  @since 0.1 */
MTL_API mtl_status mtl_lead_set_decision_step(mtl_lead *lead, int32_t step);
/**
 * Set a date: a day number in [MTL_DATE_MIN, MTL_DATE_MAX] or MTL_DATE_NONE.
 * @return MTL_OK; MTL_E_RANGE.
 * @since 0.1
 */
MTL_API mtl_status mtl_lead_set_created(mtl_lead *lead, int32_t day);
/**
 * Set the expected close date, as mtl_lead_set_created.  The first date
 * among a block of leads allocates that block's column (4 bytes a lead,
 * docs/memory.md).
 * @return MTL_OK; MTL_E_RANGE; MTL_E_NO_MEMORY (the lead unchanged).
 * @since 0.1
 */
MTL_API mtl_status mtl_lead_set_expected_close(mtl_lead *lead, int32_t day);
/** @copydoc mtl_lead_set_created */
MTL_API mtl_status mtl_lead_set_closed(mtl_lead *lead, int32_t day);

/* ---- categorical attributes (key -> value) ---------------------------- */

/**
 * Set an attribute; value NULL or "" removes it.  Keys and values are
 * interned.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT (NULL or empty key); MTL_E_LIMIT
 *         (more than MTL_ATTRIBUTE_KEYS_MAX keys in the market, too long);
 *         MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_lead_set_attribute(mtl_lead *lead, const char *key,
                                          const char *value);
/** The attribute's value, or NULL when the lead has none.  @since 0.1 */
MTL_API const char *mtl_lead_attribute(const mtl_lead *lead, const char *key);
/** Number of attributes the lead has.  @since 0.1 */
MTL_API size_t mtl_lead_attribute_count(const mtl_lead *lead);
/**
 * The index-th attribute (in the market's key order).
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_RANGE (index too large).
 * @since 0.1
 */
MTL_API mtl_status mtl_lead_attribute_at(const mtl_lead *lead, size_t index,
                                         const char **out_key,
                                         const char **out_value);

/* ---- stage history ---------------------------------------------------- */

/**
 * Record that the lead entered stage on day.  Events are kept sorted by day
 * (ties in the order of the calls).
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_RANGE (stage or day);
 *         MTL_E_LIMIT; MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_lead_add_event(mtl_lead *lead, int32_t day, int32_t stage);
/** Number of history events.  @since 0.1 */
MTL_API size_t mtl_lead_event_count(const mtl_lead *lead);
/**
 * The index-th event, oldest first.  Out-pointers may be NULL.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_RANGE.
 * @since 0.1
 */
MTL_API mtl_status mtl_lead_event_at(const mtl_lead *lead, size_t index,
                                     int32_t *out_day, int32_t *out_stage);
/** Remove every history event.  @since 0.1 */
MTL_API mtl_status mtl_lead_clear_events(mtl_lead *lead);

/* ---- bulk append ------------------------------------------------------ */

/**
 * A column of strings, given either as values (one C string per row, NULL =
 * absent) or dictionary-encoded (one code per row into dict; a code of
 * MTL_CODE_NONE = absent), as pandas categoricals and Arrow dictionaries
 * are.  All fields zero = the column is absent.  It is embedded several
 * times in mtl_lead_columns, so its layout is frozen (no struct_size):
 * another encoding would come as new fields of mtl_lead_columns.
 */
typedef struct mtl_string_column {
    const char *const *values; /**< count strings, or NULL */
    const uint32_t *codes;     /**< count codes, or NULL (used when values is NULL) */
    const char *const *dict;   /**< dict_count strings for codes */
    size_t dict_count;
} mtl_string_column;

/** "Absent" in a dictionary-encoded column. */
#define MTL_CODE_NONE UINT32_MAX

/**
 * Parallel arrays describing count new leads.  Size-versioned: call
 * mtl_lead_columns_init; fields only ever appended; a NULL array means the
 * default for every row (stage 0, open, amount 0, no override, no date).
 */
typedef struct mtl_lead_columns {
    size_t struct_size;
    size_t count;                   /**< number of rows */
    mtl_string_column ids;          /**< required, unless id_numbers is given */
    mtl_string_column customers;    /**< customer ids; must exist */
    mtl_string_column segments;     /**< segment ids; must exist; absent = customer's (see keep_absent) */
    mtl_string_column owners;
    mtl_string_column regions;      /**< absent = customer's (see keep_absent) */
    mtl_string_column sources;
    const int32_t *stages;          /**< stage indexes */
    const int32_t *outcomes;        /**< MTL_OUTCOME_* */
    const int32_t *statuses;        /**< MTL_LEAD_STATUS_* */
    const int64_t *amounts;         /**< minor units, >= 0 */
    const double *probabilities;    /**< [0, 1] or MTL_PROBABILITY_NONE */
    const int32_t *categories;      /**< MTL_CATEGORY_* */
    const int32_t *created;         /**< day numbers or MTL_DATE_NONE */
    const int32_t *expected_close;
    const int32_t *closed;
    size_t attribute_count;         /**< number of attribute columns (distinct keys) */
    const char *const *attribute_keys;     /**< attribute_count keys */
    const mtl_string_column *attributes;   /**< attribute_count columns */
    const int32_t *decision_steps;  /**< MTL_DECISION_* */
    /** MTL_KEEP_* bits: rows whose segment (region) is absent keep none
     *  instead of taking the customer's (0 = take the customer's). */
    int32_t keep_absent;
    /** Ids as integers, one per row, instead of the ids column (a
     *  database's integer keys): each is the lead's id written in decimal,
     *  42 -> "42", -7 -> "-7".  Give either ids or id_numbers. */
    const int64_t *id_numbers;
} mtl_lead_columns;

/** mtl_lead_columns.keep_absent: do not default the segment from the customer. */
#define MTL_KEEP_SEGMENT 1
/** mtl_lead_columns.keep_absent: do not default the region from the customer. */
#define MTL_KEEP_REGION 2

/**
 * Fill columns with zeros and set struct_size.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION.
 * @since 0.1
 */
MTL_API mtl_status mtl_lead_columns_init(mtl_lead_columns *columns,
                                         size_t struct_size);

/**
 * Append columns->count leads in one call, all or nothing: when any row is
 * bad (missing or duplicate id, unknown customer or segment, value out of
 * range, contradictory stage and outcome) or memory runs out, the market is
 * left exactly as it was and the error message names the row (also
 * mtl_last_error_line() = row + 1).
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION; MTL_E_NOT_FOUND;
 *         MTL_E_DUPLICATE (also an attribute key given twice); MTL_E_RANGE;
 *         MTL_E_STATE; MTL_E_LIMIT;
 *         MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_lead_append_columns(mtl_market *market,
                                           const mtl_lead_columns *columns);

MTL_END_DECLS

#endif /* MTL_LEAD_H */
