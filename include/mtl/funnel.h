/*
 * funnel.h: the sales funnel (SPEC 3.1, docs/methods/funnel.md).
 *
 * Two ways in:
 *  - mtl_funnel_stages() reads one segment's stage table (or the whole
 *    market's) from counters the market keeps current on every add, update
 *    and remove: O(stages), whatever the number of leads.
 *  - mtl_funnel_compute() scans the market once and builds a report grouped
 *    by segment, region, owner, customer grade, source or creation cohort,
 *    always with the total as group 0: the stage table plus the seed
 *    indicators (L, V, T, BPI), velocity and the "widen the funnel mouth"
 *    plan.
 *
 * Conventions.  Amounts are minor units.  A lead "at" a stage is one whose
 * last stage reached is that stage.  A lead "reached" stage s when its
 * stage history has an event at s or its current stage is s; a lead with
 * no history reached every stage up to its current one (the "reached"
 * rule).  Rates that have no data are NaN.
 */
#ifndef MTL_FUNNEL_H
#define MTL_FUNNEL_H

#include "lead.h"

MTL_BEGIN_DECLS

/** How to group a funnel (mtl_funnel_options.group_by). */
enum {
    MTL_GROUP_NONE = 0,           /**< the total only */
    MTL_GROUP_SEGMENT = 1,        /**< by the lead's segment id */
    MTL_GROUP_REGION = 2,         /**< by the lead's region */
    MTL_GROUP_OWNER = 3,          /**< by the lead's owner */
    MTL_GROUP_GRADE = 4,          /**< by the grade of the lead's customer */
    MTL_GROUP_SOURCE = 5,         /**< by the lead's source */
    MTL_GROUP_COHORT_MONTH = 6,   /**< by creation month, "2024-03" */
    MTL_GROUP_COHORT_QUARTER = 7, /**< by creation quarter, "2024-Q1" */
    MTL_GROUP_COHORT_YEAR = 8     /**< by creation year, "2024" */
};

/** Name of groups whose key is unset (no segment, no region...). */
#define MTL_GROUP_UNSET_NAME "(none)"
/** Name of group 0, the total. */
#define MTL_GROUP_TOTAL_NAME "(total)"

/** Calibration of a stage's model probability against its win rate. */
enum {
    MTL_CALIBRATION_UNKNOWN = 0, /**< no closed lead reached the stage */
    MTL_CALIBRATION_INSIDE = 1,  /**< inside the interval */
    MTL_CALIBRATION_BELOW = 2,   /**< model probability below the interval */
    MTL_CALIBRATION_ABOVE = 3    /**< model probability above the interval */
};

/** One stage of one group. */
typedef struct mtl_funnel_stage {
    size_t struct_size;       /**< set by the caller: sizeof(mtl_funnel_stage) */
    int64_t open_count;       /**< open leads at the stage */
    int64_t won_count;        /**< won leads whose last stage is the stage */
    int64_t lost_count;       /**< lost leads whose last stage is the stage */
    int64_t open_amount;      /**< Σ amount of the open leads at the stage */
    int64_t won_amount;
    int64_t lost_amount;
    double weighted_amount;   /**< Σ amount × p over open leads; p = override, else stage default */
    int64_t reached;          /**< leads (any outcome) that reached the stage */
    int64_t won_reached;      /**< won leads that reached the stage */
    int64_t lost_reached;     /**< lost leads that reached the stage */
    /** Stage-to-next conversion: of the leads that reached the stage and
     *  then either moved on or were lost at it, the share that moved on
     *  (open leads still at the stage are left out).  NaN for the last stage
     *  and when no lead left the stage. */
    double conversion;
    /** Win rate from the stage, W / (W + L) over leads that reached it. */
    double win_rate;
    double win_rate_low;      /**< Wilson score interval (options.confidence) */
    double win_rate_high;
    double model_probability; /**< the stage model's default probability */
    int32_t calibration;      /**< MTL_CALIBRATION_* */
    /** Days spent in the stage, over completed stays in stage history
     *  (next event, or the close date after the last event).  count 0 and
     *  NaN without history; always so from mtl_funnel_stages(). */
    int64_t days_count;
    double days_mean;
    double days_median;
    double days_p90;
} mtl_funnel_stage;

/**
 * One segment's stage table from the market's live counters, O(stages).
 * Interval level 90%.  Days in stage are not kept by the counters (NaN).
 * @param segment  the segment, or NULL for the whole market
 * @param rows     count rows, each with struct_size set; count must be at
 *                 least mtl_market_stage_count()
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION; MTL_E_LIMIT (count
 *         too small).
 * @since 0.1
 */
MTL_API mtl_status mtl_funnel_stages(const mtl_market *market,
                                     const mtl_segment *segment,
                                     mtl_funnel_stage *rows, int32_t count);

/** Options of mtl_funnel_compute (size-versioned: call mtl_funnel_options_init). */
typedef struct mtl_funnel_options {
    size_t struct_size;
    int32_t group_by;     /**< MTL_GROUP_*; default none (total only) */
    /** Confidence of the win-rate interval in (0, 1); 0 = 0.90. */
    double confidence;
    /** Period [period_start, period_end) for V and BPI; MTL_DATE_NONE (the
     *  default) for none. */
    int32_t period_start;
    int32_t period_end;
    /** As-of day: "won to date" counts wins closed in the period up to and
     *  including it; MTL_DATE_NONE = the day before period_end. */
    int32_t as_of;
    /** Target for the period (minor units) for V and the funnel-mouth plan;
     *  0 = none. */
    int64_t target;
    /** Weeks over which the new leads of the plan arrive; 0 = the whole
     *  weeks from the day after as_of (the period start when as_of is
     *  unset) to period_end, at least 1. */
    int32_t weeks;
} mtl_funnel_options;

/**
 * Fill options with the defaults and set struct_size.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION.
 * @since 0.1
 */
MTL_API mtl_status mtl_funnel_options_init(mtl_funnel_options *options,
                                           size_t struct_size);

/** A computed funnel report: a plain value, not shared. */
typedef struct mtl_funnel mtl_funnel;

/**
 * Scan the market and build the report.
 * @param options  NULL for the defaults
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION; MTL_E_RANGE (group,
 *         confidence, a period that ends before it starts, negative target
 *         or weeks); MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_funnel_compute(mtl_funnel **out, const mtl_market *market,
                                      const mtl_funnel_options *options);

/** Release a report; NULL is a no-op.  @since 0.1 */
MTL_API void mtl_funnel_destroy(mtl_funnel *funnel);

/** Number of groups, the total (group 0) included.  @since 0.1 */
MTL_API size_t mtl_funnel_group_count(const mtl_funnel *funnel);

/** Name of a group (MTL_GROUP_TOTAL_NAME for 0), NULL when out of range.
 *  Groups after the total are sorted by name.  @since 0.1 */
MTL_API const char *mtl_funnel_group_name(const mtl_funnel *funnel, size_t group);

/** Number of stages per group (the market's stage count).  @since 0.1 */
MTL_API int32_t mtl_funnel_stage_count(const mtl_funnel *funnel);

/**
 * One stage of one group.
 * @param out  with struct_size set
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION; MTL_E_RANGE.
 * @since 0.1
 */
MTL_API mtl_status mtl_funnel_stage_at(const mtl_funnel *funnel, size_t group,
                                       int32_t stage, mtl_funnel_stage *out);

/** A group's totals, indicators and velocity. */
typedef struct mtl_funnel_summary {
    size_t struct_size;         /**< set by the caller */
    int64_t leads, open, won, lost;
    int64_t open_amount, won_amount, lost_amount;
    double weighted_amount;     /**< Σ over open leads of amount × p */
    /** T, opportunity conversion: won / (won + lost) by count, and
     *  won amount / (won + lost amount). */
    double win_rate;
    double win_rate_amount;
    /** L, lead conversion: leads converted to opportunities (status
     *  converted) / leads verified (status nurture, converted or closed). */
    int64_t verified;
    int64_t converted;
    double lead_conversion;
    /** BPI orders: won leads closed inside the period, and their amount. */
    int64_t period_won;
    int64_t period_won_amount;
    /** Won to date: period wins closed on or before as_of. */
    int64_t won_to_date_amount;
    /** Open leads expected to close inside the period: Σ amount and
     *  Σ amount × p. */
    int64_t period_open_amount;
    double period_weighted_amount;
    /** V, opportunity coverage: period open amount / (target − won to
     *  date), and the weighted variant; NaN without a period and target,
     *  +inf when the target is already met. */
    double coverage;
    double coverage_weighted;
    /** Days from creation to close of won leads with both dates. */
    int64_t cycle_count;
    double cycle_mean, cycle_median, cycle_p90;
    double average_won_amount;  /**< won amount / won, NaN when none */
    /** Sales velocity, amount per day: open × win rate × average won
     *  amount / mean cycle days. */
    double velocity;
    /** The funnel-mouth plan (扩大喇叭口): the gap = target − won to date −
     *  period weighted amount (at least 0), the wins it needs (gap / average
     *  won amount, rounded up), the new leads at the first stage they need
     *  (wins / win rate from the first stage, rounded up) and those per
     *  week.  NaN without a target. */
    double plan_gap;
    double plan_wins;
    double plan_new_leads;
    double plan_new_leads_per_week;
} mtl_funnel_summary;

/**
 * A group's summary.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION; MTL_E_RANGE.
 * @since 0.1
 */
MTL_API mtl_status mtl_funnel_summary_at(const mtl_funnel *funnel, size_t group,
                                         mtl_funnel_summary *out);

/**
 * The funnel-mouth plan at one stage: the leads that must reach the stage
 * (plan wins / win rate from the stage, rounded up) and the pipeline needed
 * there (plan gap / win rate from the stage).  NaN without a target or
 * without a win rate from the stage (docs/methods/funnel.md).
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_RANGE.
 * @since 0.1
 */
MTL_API mtl_status mtl_funnel_plan_at(const mtl_funnel *funnel, size_t group,
                                      int32_t stage, double *out_leads,
                                      double *out_pipeline);

MTL_END_DECLS

#endif /* MTL_FUNNEL_H */
