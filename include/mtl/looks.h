/*
 * looks.h: the five-looks inputs an analyst records on a segment (SPEC 4,
 * seed 000 五看三定; docs/methods/five-looks.md, span.md).
 *
 *  - look items: what the five looks saw (trend, industry, customer,
 *    competition, self) and the opportunities they give, each with impact,
 *    likelihood, time window and evidence;
 *  - segment factors: market size, growth, profit potential (or Porter's
 *    five forces), strategic value, our revenue and margin, the share goal
 *    and the customers' $APPEALS weights;
 *  - $APPEALS ratings: our rating and each competitor's on the eight buying
 *    criteria;
 *  - control points (定控制点): candidates the analyst recorded.
 *
 * Lists are owned by the segment and released with it.  Rows read back
 * with *_at() point at strings the segment owns: valid until that list is
 * changed or cleared, or the segment is removed.  Every setter validates
 * the whole row first and leaves the segment unchanged on error, with a
 * message naming the field (see mtl_last_error()).
 */
#ifndef MTL_LOOKS_H
#define MTL_LOOKS_H

#include "segment.h"

MTL_BEGIN_DECLS

/** The five looks and the opportunities they yield (mtl_look_item.look). */
enum {
    MTL_LOOK_TREND = 0,       /**< macro / trend (宏观/趋势, STEEP or PESTEL) */
    MTL_LOOK_INDUSTRY = 1,    /**< industry (行业) */
    MTL_LOOK_CUSTOMER = 2,    /**< customers (客户) */
    MTL_LOOK_COMPETITION = 3, /**< competition (竞争) */
    MTL_LOOK_SELF = 4,        /**< ourselves (自身) */
    MTL_LOOK_OPPORTUNITY = 5, /**< the resulting opportunities (机会) */
    MTL_LOOK_COUNT = 6
};

/** Canonical month counts of the named time windows ("near", "mid",
 *  "long" in CSV): a window of up to 12 months is near, up to 36 mid,
 *  beyond that long. */
#define MTL_WINDOW_NEAR_MONTHS 12
#define MTL_WINDOW_MID_MONTHS 36
#define MTL_WINDOW_LONG_MONTHS 60

/** Longest text or evidence of an input row, in bytes. */
#define MTL_TEXT_MAX 4096
/** Most rows per list (look items, ratings, control points, pains,
 *  contacts) on one record. */
#define MTL_ROWS_MAX 100000

/** A look item (size-versioned: call mtl_look_item_init). */
typedef struct mtl_look_item {
    size_t struct_size;
    int32_t look;          /**< MTL_LOOK_*; default trend */
    double impact;         /**< -5 ... +5; negative = threat or weakness */
    double likelihood;     /**< 0 ... 1; default 1 */
    int32_t window_months; /**< > 0; default MTL_WINDOW_NEAR_MONTHS */
    const char *text;      /**< 1..MTL_TEXT_MAX bytes, required */
    const char *evidence;  /**< NULL or up to MTL_TEXT_MAX bytes */
} mtl_look_item;

/** Defaults and struct_size.  @return MTL_OK; MTL_E_INVALID_ARGUMENT;
 *  MTL_E_VERSION.  @since 0.1 */
MTL_API mtl_status mtl_look_item_init(mtl_look_item *item, size_t struct_size);

/**
 * Append a look item to the segment.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT (NULL, empty text); MTL_E_VERSION;
 *         MTL_E_RANGE (look, impact, likelihood, window); MTL_E_LIMIT;
 *         MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_segment_add_look(mtl_segment *segment,
                                        const mtl_look_item *item);
/** Number of look items (0 for NULL).  @since 0.1 */
MTL_API size_t mtl_segment_look_count(const mtl_segment *segment);
/** Read look item index (in the order added) into out (struct_size set).
 *  @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION; MTL_E_RANGE.
 *  @since 0.1 */
MTL_API mtl_status mtl_segment_look_at(const mtl_segment *segment, size_t index,
                                       mtl_look_item *out);
/** Remove every look item.  @since 0.1 */
MTL_API mtl_status mtl_segment_clear_looks(mtl_segment *segment);

/** The eight $APPEALS buying criteria. */
enum {
    MTL_APPEALS_PRICE = 0,           /**< $ price */
    MTL_APPEALS_AVAILABILITY = 1,    /**< A availability */
    MTL_APPEALS_PACKAGING = 2,       /**< P packaging */
    MTL_APPEALS_PERFORMANCE = 3,     /**< P performance */
    MTL_APPEALS_EASE_OF_USE = 4,     /**< E ease of use */
    MTL_APPEALS_ASSURANCES = 5,      /**< A assurances */
    MTL_APPEALS_LIFE_CYCLE_COST = 6, /**< L life-cycle cost */
    MTL_APPEALS_SOCIAL = 7,          /**< S social acceptance */
    MTL_APPEALS_COUNT = 8
};

/** Porter's five forces (mtl_segment_factors.forces). */
enum {
    MTL_FORCE_RIVALRY = 0,     /**< rivalry among existing competitors */
    MTL_FORCE_ENTRANTS = 1,    /**< threat of new entrants */
    MTL_FORCE_SUBSTITUTES = 2, /**< threat of substitutes */
    MTL_FORCE_BUYERS = 3,      /**< bargaining power of buyers */
    MTL_FORCE_SUPPLIERS = 4,   /**< bargaining power of suppliers */
    MTL_FORCE_COUNT = 5
};

/** A segment's factors (size-versioned: call mtl_segment_factors_init).
 *  NaN marks a factor that is not known; the methods leave it out and
 *  say so. */
typedef struct mtl_segment_factors {
    size_t struct_size;
    int64_t market_size;     /**< yearly market size, minor units; -1 = unknown (default) */
    double growth;           /**< 3-year CAGR as a fraction (0.12 = 12%), > -1; NaN */
    double profit_potential; /**< 1 ... 10; NaN = from the five forces if rated */
    double forces[MTL_FORCE_COUNT]; /**< each 1 ... 5 (5 = strongest); NaN */
    double strategic_value;  /**< 1 ... 10; NaN */
    int64_t revenue;         /**< our yearly revenue in the segment, minor units; -1 = unknown */
    double gross_margin;     /**< our gross margin there, -1 ... 1; NaN */
    double share_goal;       /**< target share of the market size, 0 ... 1; NaN */
    double growth_goal;      /**< target growth of our revenue, > -1; NaN */
    /** The customers' weight of each $APPEALS criterion, >= 0, not all 0;
     *  default 1 each (equal). */
    double appeals_weights[MTL_APPEALS_COUNT];
} mtl_segment_factors;

/** Defaults (everything unknown, equal weights) and struct_size.
 *  @since 0.1 */
MTL_API mtl_status mtl_segment_factors_init(mtl_segment_factors *factors,
                                            size_t struct_size);
/**
 * Set the segment's factors (replacing the previous ones).
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION; MTL_E_RANGE (a
 *         value out of its range, or $APPEALS weights that sum to 0);
 *         MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_segment_set_factors(mtl_segment *segment,
                                           const mtl_segment_factors *factors);
/** Read the factors (the defaults when never set).  @since 0.1 */
MTL_API mtl_status mtl_segment_factors_get(const mtl_segment *segment,
                                           mtl_segment_factors *out);

/** One competitor's (or our) $APPEALS ratings on a segment
 *  (size-versioned: call mtl_appeals_rating_init). */
typedef struct mtl_appeals_rating {
    size_t struct_size;
    /** The competitor's name; NULL or "" = us.  One row per competitor:
     *  adding a row for a name already rated replaces it. */
    const char *competitor;
    double ratings[MTL_APPEALS_COUNT]; /**< each 1 ... 10; NaN = not rated (default) */
} mtl_appeals_rating;

/** Defaults (nothing rated) and struct_size.  @since 0.1 */
MTL_API mtl_status mtl_appeals_rating_init(mtl_appeals_rating *rating,
                                           size_t struct_size);
/** Add or replace a competitor's (or our) ratings.
 *  @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION; MTL_E_RANGE;
 *  MTL_E_LIMIT; MTL_E_NO_MEMORY.  @since 0.1 */
MTL_API mtl_status mtl_segment_add_appeals(mtl_segment *segment,
                                           const mtl_appeals_rating *rating);
/** Number of rating rows, ours included.  @since 0.1 */
MTL_API size_t mtl_segment_appeals_count(const mtl_segment *segment);
/** Read rating row index (competitor "" = us).  @since 0.1 */
MTL_API mtl_status mtl_segment_appeals_at(const mtl_segment *segment, size_t index,
                                          mtl_appeals_rating *out);
/** Remove every rating row.  @since 0.1 */
MTL_API mtl_status mtl_segment_clear_appeals(mtl_segment *segment);

/** Kinds of control point, in rising order of strength (SPEC 4). */
enum {
    MTL_CONTROL_COST = 1,        /**< cost advantage */
    MTL_CONTROL_PRODUCT = 2,     /**< product / performance lead */
    MTL_CONTROL_RELATIONSHIP = 3,/**< customer relationship */
    MTL_CONTROL_BRAND = 4,       /**< brand */
    MTL_CONTROL_STANDARD = 5,    /**< standards / IP */
    MTL_CONTROL_VALUE_CHAIN = 6  /**< value-chain position */
};

/** A candidate control point (size-versioned: call mtl_control_point_init). */
typedef struct mtl_control_point {
    size_t struct_size;
    int32_t kind;          /**< MTL_CONTROL_*; default cost */
    /** How far we hold (or can take) it, 0 ... 1; default 1. */
    double attainability;
    const char *text;      /**< 1..MTL_TEXT_MAX bytes, required */
} mtl_control_point;

/** Defaults and struct_size.  @since 0.1 */
MTL_API mtl_status mtl_control_point_init(mtl_control_point *point,
                                          size_t struct_size);
/** Append a control point.  @return as mtl_segment_add_look.  @since 0.1 */
MTL_API mtl_status mtl_segment_add_control_point(mtl_segment *segment,
                                                 const mtl_control_point *point);
/** Number of control points.  @since 0.1 */
MTL_API size_t mtl_segment_control_point_count(const mtl_segment *segment);
/** Read control point index.  @since 0.1 */
MTL_API mtl_status mtl_segment_control_point_at(const mtl_segment *segment,
                                                size_t index,
                                                mtl_control_point *out);
/** Remove every control point.  @since 0.1 */
MTL_API mtl_status mtl_segment_clear_control_points(mtl_segment *segment);

MTL_END_DECLS

#endif /* MTL_LOOKS_H */
