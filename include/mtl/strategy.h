/*
 * strategy.h: five looks, three decisions (五看三定) and SPAN (SPEC 4;
 * docs/methods/five-looks.md, span.md).
 *
 * mtl_strategy_compute() reads every segment's inputs (looks.h, pain.h)
 * and returns, per segment:
 *  - the look items ranked by |impact| x likelihood x time-window weight;
 *  - market attractiveness (SPAN y, 1 ... 10) from market size, growth,
 *    profit potential (given, or from Porter's five forces) and strategic
 *    value, normalised relative to the other segments or by the caller's
 *    bands;
 *  - competitive position (SPAN x, 1 ... 10) from our $APPEALS ratings
 *    against the strongest competitor's, weighted by the segment's
 *    customer weights;
 *  - the SPAN quadrant and the financial gates that can veto grow/invest;
 *  - the three decisions: the revenue target (定目标), the strategy code
 *    with the top opportunities and threats behind it (定策略), the ranked
 *    control points (定控制点);
 *  - the priority score and rank: a total order of the segments.
 * Every score is an mtl_score whose terms sum to it (score.h).
 */
#ifndef MTL_STRATEGY_H
#define MTL_STRATEGY_H

#include "looks.h"
#include "score.h"

MTL_BEGIN_DECLS

/** How attractiveness normalises market size and growth. */
enum {
    /** Size as a share of the largest segment's, growth min-max across
     *  the segments (default). */
    MTL_NORMALISE_RELATIVE = 0,
    /** (x - low) / (high - low) clamped to [0, 1] with the options' bands. */
    MTL_NORMALISE_BANDS = 1
};

/** Options of mtl_strategy_compute (size-versioned: mtl_strategy_options_init
 *  fills the defaults noted; compute takes every field as given). */
typedef struct mtl_strategy_options {
    size_t struct_size;
    /** Time-window weights of near (<= 12 months), mid (<= 36) and long
     *  windows: 1.0, 0.7, 0.4.  Each in (0, 1]. */
    double window_weights[3];
    /** Attractiveness weights of market size, growth, profit potential,
     *  strategic value: 0.35, 0.25, 0.25, 0.15.  >= 0, not all 0. */
    double attractiveness_weights[4];
    int32_t normalise;          /**< MTL_NORMALISE_*; default relative */
    int64_t size_low, size_high;/**< bands for MTL_NORMALISE_BANDS, minor units */
    double growth_low, growth_high;
    /** SPAN cuts: attractiveness and position at or above the cut are
     *  "high" / "strong"; default 5.5 each, in [1, 10]. */
    double cut_attractiveness;
    double cut_position;
    /** Financial gates on grow/invest: our segment revenue at least
     *  min_revenue (default 0 = no gate) and gross margin at least
     *  min_gross_margin (default 0.20; NaN = no gate).  A segment whose
     *  revenue or margin is unknown passes that gate. */
    int64_t min_revenue;
    double min_gross_margin;
    /** Priority weights of attractiveness, position, pain index / 10 and
     *  look balance: 0.4, 0.3, 0.2, 0.1.  >= 0, not all 0. */
    double priority_weights[4];
    /** Top opportunities and threats behind the strategy: 3 each. */
    int32_t top_items;
} mtl_strategy_options;

/** Defaults and struct_size.  @since 0.1 */
MTL_API mtl_status mtl_strategy_options_init(mtl_strategy_options *options,
                                             size_t struct_size);

/** SPAN quadrants. */
enum {
    MTL_SPAN_UNRATED = 0,         /**< attractiveness or position unknown */
    MTL_SPAN_GROW = 1,            /**< high attractiveness, strong position: grow / invest */
    MTL_SPAN_ACQUIRE_SKILLS = 2,  /**< high attractiveness, weak position */
    MTL_SPAN_HARVEST = 3,         /**< low attractiveness, strong position */
    MTL_SPAN_AVOID = 4            /**< low attractiveness, weak position: avoid / exit */
};

/** Strategy codes (定策略). */
enum {
    MTL_STRATEGY_UNRATED = 0,       /**< no quadrant */
    MTL_STRATEGY_INVEST = 1,        /**< grow / invest */
    MTL_STRATEGY_BUILD = 2,         /**< acquire skills, partner, build position */
    MTL_STRATEGY_HARVEST = 3,       /**< harvest / maintain for cash */
    MTL_STRATEGY_EXIT = 4,          /**< avoid / exit */
    MTL_STRATEGY_FIX_ECONOMICS = 5  /**< grow quadrant vetoed by a financial gate */
};

/** Financial gates (mtl_strategy_segment.gate_veto bits). */
#define MTL_GATE_REVENUE 1
#define MTL_GATE_MARGIN 2

/** How the segment target was set. */
enum {
    MTL_TARGET_BASIS_NONE = 0,   /**< no inputs: target 0 */
    MTL_TARGET_BASIS_SHARE = 1,  /**< market size x share goal */
    MTL_TARGET_BASIS_GROWTH = 2, /**< revenue x (1 + growth goal) */
    MTL_TARGET_BASIS_MARKET = 3  /**< revenue x (1 + market growth) */
};

/** One segment's result. */
typedef struct mtl_strategy_segment {
    size_t struct_size;           /**< set by the caller */
    const char *id;
    const char *name;
    size_t rank;                  /**< 1-based priority rank (a total order) */
    /** Priority: one term per factor (attractiveness, position,
     *  pain_index/10, look_balance) with its normalised weight; factors
     *  that are unknown are left out and the weights renormalised. */
    mtl_score priority;
    /** 1 ... 10: a term "base" of 1, then one per factor known:
     *  market_size, growth, profit_potential, strategic_value, with weight
     *  9 x w / Σw and value the normalised factor in [0, 1]. */
    mtl_score attractiveness;
    /** 1 ... 10: a term "base" of 5.5, then one per criterion rated by us
     *  and the competitor: weight w / (2 Σw), value ours - theirs. */
    mtl_score position;
    /** 0 ... 10: 5 + 5 x Σ signed rank score / Σ |rank score| as a base
     *  and one term per look item; 5 without items. */
    mtl_score look_balance;
    /** The segment's pain index (pain.h), NaN without pains. */
    mtl_score pain_index;
    double profit_potential;      /**< the value used, NaN if unknown */
    int32_t profit_from_forces;   /**< 1 when derived from the five forces */
    const char *competitor;       /**< the strongest competitor, "" if none rated */
    int32_t quadrant;             /**< MTL_SPAN_* */
    int32_t gate_veto;            /**< MTL_GATE_* bits that vetoed grow */
    int32_t strategy;             /**< MTL_STRATEGY_* */
    int64_t market_size;          /**< -1 unknown */
    int64_t revenue;              /**< -1 unknown */
    int64_t target;               /**< the segment's yearly revenue target, minor units */
    int32_t target_basis;         /**< MTL_TARGET_BASIS_* */
    size_t look_count;            /**< ranked look items (mtl_strategy_look_at) */
    size_t control_point_count;   /**< ranked control points */
} mtl_strategy_segment;

/** A ranked look item. */
typedef struct mtl_strategy_look {
    size_t struct_size;
    size_t index;          /**< position in the segment's list */
    int32_t look;          /**< MTL_LOOK_* */
    const char *text, *evidence;
    double impact, likelihood;
    int32_t window_months;
    double window_weight;
    /** |impact| x likelihood x window weight: one term "impact" with
     *  weight likelihood x window weight and value |impact|. */
    mtl_score rank_score;
    /** 1 = a top opportunity behind the strategy, -1 = a top threat, 0. */
    int32_t top;
} mtl_strategy_look;

/** A ranked control point. */
typedef struct mtl_strategy_control_point {
    size_t struct_size;
    size_t index;
    int32_t kind;          /**< MTL_CONTROL_* */
    const char *text;
    double attainability;
    /** kind x attainability: one term "strength" with weight
     *  attainability and value kind (1 ... 6). */
    mtl_score score;
} mtl_strategy_control_point;

/** A computed strategy report: a plain value that copies what it shows. */
typedef struct mtl_strategy mtl_strategy;

/**
 * Compute the five looks, SPAN, decisions and priority of every segment.
 * @param options  NULL for the defaults
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION; MTL_E_RANGE (an
 *         option out of range, weights that sum to 0); MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_strategy_compute(mtl_strategy **out,
                                        const mtl_market *market,
                                        const mtl_strategy_options *options);
/** Release a report; NULL is a no-op.  @since 0.1 */
MTL_API void mtl_strategy_destroy(mtl_strategy *strategy);
/** Number of segments.  @since 0.1 */
MTL_API size_t mtl_strategy_segment_count(const mtl_strategy *strategy);
/** Read segment i, in priority order (rank i + 1).
 *  @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION; MTL_E_RANGE.
 *  @since 0.1 */
MTL_API mtl_status mtl_strategy_segment_at(const mtl_strategy *strategy, size_t i,
                                           mtl_strategy_segment *out);
/** Read the look item ranked k of segment i.  @since 0.1 */
MTL_API mtl_status mtl_strategy_look_at(const mtl_strategy *strategy, size_t i,
                                        size_t k, mtl_strategy_look *out);
/** Read the control point ranked k of segment i.  @since 0.1 */
MTL_API mtl_status mtl_strategy_control_point_at(
    const mtl_strategy *strategy, size_t i, size_t k,
    mtl_strategy_control_point *out);

MTL_END_DECLS

#endif /* MTL_STRATEGY_H */
