/*
 * targets.h: sales targets set and broken down (SPEC 3.2, seed 003
 * 指标设定与分解; docs/methods/targets.md).
 *
 * A target tree is company → region → owner, and under every one of those
 * nodes its quarters and (by default) its months.  Each node keeps how its
 * target was derived (the formula and every input), its bottom-up figure
 * and the gap to the top-down target, and after evaluation against a
 * market its actual, attainment, expected revenue and probability of
 * hitting the target (from a forecast, forecast.h).
 *
 * Top-down formulas (seed 003, 三级指标校准; amounts in minor units, each
 * result rounded to the nearest minor unit, halves away from zero):
 *
 *   HQ          target = base × (1 + growth × k)        k in [1.3, 1.5]
 *   region      target = base × (1 + growth)^years × resource × potential
 *                                                       potential in [0.8, 1.2]
 *   individual  target = base × (1 + growth) × rank     rank in [0.7, 1.2]
 *
 * where base is last year's amount, growth is the industry growth (HQ),
 * the region's compound annual growth rate (region) or the personal growth
 * rate (individual), resource is the resource-input factor (> 0).  A value
 * outside its range is an error (MTL_E_RANGE naming the field), never
 * clamped.
 *
 * Using a tree:
 *
 *     mtl_target_tree_create(&tree, market, &options);     (options.year)
 *     mtl_target_tree_set_inputs(tree, MTL_TARGET_ROOT, &hq_inputs);
 *     mtl_target_tree_add(&east, tree, MTL_TARGET_ROOT, "East", &region_inputs);
 *     mtl_target_tree_add(&ann, tree, east, "ann", &individual_inputs);
 *     mtl_target_tree_set_commitment(tree, east, 1200000);
 *     mtl_target_tree_reconcile(tree, &reconcile_options);  (rescale, gaps)
 *     mtl_target_tree_evaluate(tree, market, NULL);         (actuals, P(hit))
 *     mtl_target_tree_node(tree, i, &node);                 (read)
 *     mtl_target_tree_destroy(tree);
 *
 * or mtl_target_tree_from_history() to build the whole tree from a
 * market's won deals.  A tree is a plain value: one owner, no reference
 * count; it copies the market's allocator and currency unit at creation and
 * does not refer to the market afterwards.  Reading a tree (node, find,
 * count) from several threads at once is safe; changing it is not.
 */
#ifndef MTL_TARGETS_H
#define MTL_TARGETS_H

#include "forecast.h"

MTL_BEGIN_DECLS

/** A target tree (a plain value: create, change, read, destroy). */
typedef struct mtl_target_tree mtl_target_tree;

/** Index of the company node, the root of every tree. */
#define MTL_TARGET_ROOT 0
/** "No amount": an unset commitment, an unknown bottom-up figure or gap. */
#define MTL_TARGET_NONE INT64_MIN

/** Node kinds (mtl_target_node.kind). */
enum {
    MTL_TARGET_COMPANY = 0, /**< the root: the whole company (总部) */
    MTL_TARGET_REGION = 1,  /**< a sales region (区域): leads of that region */
    MTL_TARGET_OWNER = 2,   /**< a salesperson (个人) inside a region */
    MTL_TARGET_QUARTER = 3, /**< a quarter of its parent's year */
    MTL_TARGET_MONTH = 4    /**< a month of its parent's quarter */
};

/** How a node's target was derived (mtl_target_node.formula). */
enum {
    /** The target is mtl_target_inputs.amount, as given. */
    MTL_TARGET_FORMULA_GIVEN = 0,
    /** HQ: base × (1 + growth × k). */
    MTL_TARGET_FORMULA_HQ = 1,
    /** Region: base × (1 + growth)^years × resource × potential. */
    MTL_TARGET_FORMULA_REGION = 2,
    /** Individual: base × (1 + growth) × rank. */
    MTL_TARGET_FORMULA_INDIVIDUAL = 3,
    /** Period split: share_num / share_den of the parent's target
     *  (largest remainder, so the periods sum exactly to the parent). */
    MTL_TARGET_FORMULA_SPLIT = 4
};

/** Whether reconciliation rescaled a node (mtl_target_node.rescale). */
enum {
    MTL_TARGET_RESCALE_NONE = 0,         /**< target = formula value */
    /** target = parent's target × formula value / Σ siblings' formula
     *  values (largest remainder). */
    MTL_TARGET_RESCALE_PROPORTIONAL = 1,
    /** The siblings' formula values sum to 0: the parent's target split
     *  evenly (largest remainder). */
    MTL_TARGET_RESCALE_EVEN = 2
};

/** Which periods the tree splits every company, region and owner into. */
enum {
    MTL_TARGET_PERIODS_YEAR = 1,     /**< no period nodes */
    MTL_TARGET_PERIODS_QUARTERS = 2, /**< quarters */
    MTL_TARGET_PERIODS_MONTHS = 3    /**< quarters and their months (default) */
};

/** Where a node's bottom-up figure comes from. */
enum {
    /** Σ the children's commitments (mtl_target_tree_set_commitment). */
    MTL_TARGET_BOTTOM_UP_COMMITMENTS = 0,
    /** Σ the children's forecast expected revenue (after evaluation). */
    MTL_TARGET_BOTTOM_UP_FORECASTS = 1
};

/**
 * Options of mtl_target_tree_create (size-versioned: call
 * mtl_target_options_init).
 */
typedef struct mtl_target_options {
    size_t struct_size;
    /** The target year, 1 to 9998 (required). */
    int32_t year;
    /** MTL_TARGET_PERIODS_*; 0 = MTL_TARGET_PERIODS_MONTHS. */
    int32_t periods;
    /** Quarter shares of the year in basis points (1/100 of a percent),
     *  each >= 0, summing to exactly 10000; all 0 = the seed's
     *  1500 / 2000 / 3000 / 3500 (15% / 20% / 30% / 35%). */
    int32_t quarter_bp[4];
    /** Month shares of their quarter in basis points: months 1-3 of Q1,
     *  4-6 of Q2 ...; each quarter's three sum to exactly 10000.  All 0 =
     *  an even split inside every quarter (a third each). */
    int32_t month_bp[12];
    /** Name of the root node; NULL or "" = "company". */
    const char *company;
} mtl_target_options;

/**
 * Fill options with the defaults (year 0, which create refuses) and set
 * struct_size.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT (NULL); MTL_E_VERSION.
 * @since 0.1
 */
MTL_API mtl_status mtl_target_options_init(mtl_target_options *options,
                                           size_t struct_size);

/**
 * A node's top-down formula and its inputs (size-versioned: call
 * mtl_target_inputs_init).  Fields a formula does not use are ignored.
 * Zero means the default everywhere.
 */
typedef struct mtl_target_inputs {
    size_t struct_size;
    int32_t formula;   /**< MTL_TARGET_FORMULA_GIVEN (default), _HQ, _REGION, _INDIVIDUAL */
    int64_t amount;    /**< GIVEN: the target (minor units, >= 0) */
    int64_t base;      /**< last year's amount (minor units, >= 0) */
    /** HQ: industry growth; region: compound annual growth rate;
     *  individual: personal growth rate.  A fraction (0.08 = 8%), >= -1;
     *  for HQ 1 + growth × k must be >= 0. */
    double growth;
    double k;          /**< HQ: multiple of the industry growth, [1.3, 1.5]; 0 = 1.3 */
    int32_t years;     /**< region: years of compounding, 1 to 100; 0 = 1 */
    double resource;   /**< region: resource-input factor, > 0; 0 = 1 */
    double potential;  /**< region: market-potential index, [0.8, 1.2]; 0 = 1 */
    double rank;       /**< individual: rank coefficient, [0.7, 1.2]; 0 = 1 */
} mtl_target_inputs;

/**
 * Zero inputs (a given target of 0) and set struct_size.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT (NULL); MTL_E_VERSION.
 * @since 0.1
 */
MTL_API mtl_status mtl_target_inputs_init(mtl_target_inputs *inputs,
                                          size_t struct_size);

/**
 * Create a tree holding only its company node (a given target of 0) and,
 * per options.periods, that node's quarters and months.  The tree copies
 * the market's allocator and minor units per major unit; it does not hold
 * the market, which may be released first — but the allocator must stay
 * usable until the tree is destroyed.
 * @param out     receives the tree (NULL on failure)
 * @param market  the market whose allocator and currency unit the tree uses
 * @param options the year and period split (required: the year has no
 *                default)
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT (NULL out, market or options);
 *         MTL_E_VERSION; MTL_E_RANGE (year outside 1..9998, unknown
 *         periods, a negative share, quarter or month shares that do not
 *         sum to 10000); MTL_E_LIMIT (company name above 4096 bytes);
 *         MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_target_tree_create(mtl_target_tree **out,
                                          const mtl_market *market,
                                          const mtl_target_options *options);

/** Free a tree and everything in it.  NULL is a no-op.  @since 0.1 */
MTL_API void mtl_target_tree_destroy(mtl_target_tree *tree);

/**
 * Add a region under the company node, or an owner under a region node,
 * with its period nodes.  The name is the lead field that scopes the node
 * when it is evaluated: the region (mtl_lead_region) for a region, the
 * owner (mtl_lead_owner) for an owner.  "" stands for the parent's whole
 * scope (leads without a region or owner are then counted there only when
 * it is its parent's only region or owner; see mtl_target_tree_evaluate).
 * @param out    receives the new node's index; may be NULL
 * @param parent MTL_TARGET_ROOT (adds a region) or a region node (adds an owner)
 * @param name   unique among the parent's children; at most 4096 bytes
 * @param inputs the node's formula; NULL = a given target of 0
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT (NULL tree or name, parent not a
 *         company or region node); MTL_E_NOT_FOUND (no such parent);
 *         MTL_E_DUPLICATE; MTL_E_VERSION; MTL_E_RANGE (inputs, as
 *         mtl_target_tree_set_inputs); MTL_E_LIMIT; MTL_E_NO_MEMORY.
 *         On failure the tree is unchanged.
 * @since 0.1
 */
MTL_API mtl_status mtl_target_tree_add(size_t *out, mtl_target_tree *tree,
                                       size_t parent, const char *name,
                                       const mtl_target_inputs *inputs);

/**
 * Set the formula and inputs of a company, region or owner node.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT (NULL, a period node);
 *         MTL_E_NOT_FOUND (no such node); MTL_E_VERSION; MTL_E_RANGE (an
 *         unknown or split formula, a negative amount or base, growth below
 *         -1 or not finite, k outside [1.3, 1.5], 1 + growth × k below 0,
 *         years outside 1..100, resource <= 0, potential outside
 *         [0.8, 1.2], rank outside [0.7, 1.2], a result above INT64_MAX;
 *         the message names the field).  On failure the node is unchanged.
 * @since 0.1
 */
MTL_API mtl_status mtl_target_tree_set_inputs(mtl_target_tree *tree, size_t node,
                                              const mtl_target_inputs *inputs);

/**
 * Set a company, region or owner node's own commitment (its bottom-up
 * figure, minor units), or clear it with MTL_TARGET_NONE.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT (NULL, a period node);
 *         MTL_E_NOT_FOUND; MTL_E_RANGE (negative).
 * @since 0.1
 */
MTL_API mtl_status mtl_target_tree_set_commitment(mtl_target_tree *tree,
                                                  size_t node, int64_t amount);

/** Options of mtl_target_tree_reconcile (size-versioned). */
typedef struct mtl_target_reconcile_options {
    size_t struct_size;
    int32_t bottom_up; /**< MTL_TARGET_BOTTOM_UP_*; default commitments */
    /** Nonzero: rescale every node's region or owner children so that
     *  their targets sum exactly to its target, in proportion to their
     *  formula values (largest remainder). */
    int32_t rescale;
} mtl_target_reconcile_options;

/**
 * Defaults: bottom-up from commitments, no rescale.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION.
 * @since 0.1
 */
MTL_API mtl_status mtl_target_reconcile_options_init(
    mtl_target_reconcile_options *options, size_t struct_size);

/**
 * Derive every target (rescaled when asked), split the targets into the
 * periods, and compute the bottom-up figures and gaps.  Must be called
 * after the tree is built or changed and before its nodes are read or it
 * is evaluated.  An evaluation made before is kept only if the tree did
 * not change since; with MTL_TARGET_BOTTOM_UP_FORECASTS the bottom-up
 * figures are filled in by mtl_target_tree_evaluate.
 *
 * Bottom-up figure of a company or region node: Σ over its region or owner
 * children of the child's commitment, or — for a child without one — the
 * child's own bottom-up figure if it has children, else its target (those
 * children are counted in mtl_target_node.uncommitted).  Of an owner node
 * (or a region without owners): its own commitment, or none.  With
 * forecasts the same, using each child's expected revenue rounded to the
 * minor unit.  Gap = bottom-up − target.
 * @param options NULL = the defaults
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION; MTL_E_RANGE
 *         (unknown bottom_up; a sum above INT64_MAX); MTL_E_NO_MEMORY.  On
 *         failure the tree stays unreconciled.
 * @since 0.1
 */
MTL_API mtl_status mtl_target_tree_reconcile(
    mtl_target_tree *tree, const mtl_target_reconcile_options *options);

/** Options of mtl_target_tree_evaluate (size-versioned). */
typedef struct mtl_target_evaluate_options {
    size_t struct_size;
    /** As-of day for the forecasts; MTL_DATE_NONE (the default set by
     *  init) = the day before each node's period ends. */
    int32_t as_of;
    int32_t probability_source; /**< MTL_PROBABILITY_SOURCE_* */
    int32_t method;             /**< MTL_FORECAST_* */
    int32_t draws;              /**< Monte Carlo draws; 0 = the forecast's default */
    uint64_t seed;              /**< Monte Carlo seed */
} mtl_target_evaluate_options;

/**
 * Defaults: as_of MTL_DATE_NONE, stage probabilities, exact method.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION.
 * @since 0.1
 */
MTL_API mtl_status mtl_target_evaluate_options_init(
    mtl_target_evaluate_options *options, size_t struct_size);

/**
 * Evaluate every node against a market: one forecast (mtl_forecast_create)
 * per node over the node's period (its year, quarter or month) and scope
 * (its region and owner), with the node's target.  actual = the won amount
 * closed in the period and scope, attainment = actual / target, expected
 * and p_hit from the forecast.  A node whose scope is an empty region or
 * owner name that is not its parent's only child of that kind cannot be
 * scoped and stays unevaluated (evaluated 0, NaN figures).
 * @param options NULL = the defaults
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT (NULL tree or market);
 *         MTL_E_STATE (not reconciled since the last change);
 *         MTL_E_VERSION; MTL_E_RANGE; MTL_E_LIMIT; MTL_E_NO_MEMORY (from
 *         the forecasts).  On failure no node is evaluated.
 * @since 0.1
 */
MTL_API mtl_status mtl_target_tree_evaluate(
    mtl_target_tree *tree, const mtl_market *market,
    const mtl_target_evaluate_options *options);

/**
 * Options of mtl_target_tree_from_history (size-versioned).  The arrays
 * (region overrides) hold region_count entries each, or are NULL.
 */
typedef struct mtl_target_history_options {
    size_t struct_size;
    double growth;            /**< industry growth for the HQ formula (>= -1) */
    double k;                 /**< HQ multiple, [1.3, 1.5]; 0 = 1.3 */
    size_t region_count;      /**< entries in the override arrays */
    const char *const *regions;     /**< region names to override */
    /** Compound growth of each region; NULL or a NaN entry = the region's
     *  own year-over-year growth. */
    const double *region_growth;
    const double *region_resource;  /**< NULL or 0 entries = 1 */
    const double *region_potential; /**< NULL or 0 entries = 1 */
} mtl_target_history_options;

/**
 * Defaults: growth 0, k 1.3, no overrides.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION.
 * @since 0.1
 */
MTL_API mtl_status mtl_target_history_options_init(
    mtl_target_history_options *options, size_t struct_size);

/**
 * Build a tree from a market's history and reconcile it with the default
 * options.  With Y = options.year, "won in year X" is the amount of the
 * won leads whose closed date is in X:
 *  - company: HQ formula, base = won in Y-1 over the whole market,
 *    history.growth and history.k;
 *  - a region per lead region (leads without one form the region ""):
 *    region formula, base = the region's won in Y-1, growth = the region's
 *    override, else its year-over-year growth won(Y-1) / won(Y-2) - 1
 *    (history.growth when it won nothing in Y-2), years 1, resource and
 *    potential from the overrides (default 1);
 *  - an owner per owner of the region's leads: individual formula, base =
 *    the owner's won in Y-1 in that region, growth = the growth its region's
 *    target asks of the region's base (region formula factor - 1; the
 *    region's growth when its base is 0), rank = 1.2 - 0.5 × r / (n - 1)
 *    where n is the number of owners in the region and r the number of them
 *    with a larger base (1.0 when n is 1).
 * Only regions and owners with a lead that is open, or closed in Y-1 or Y,
 * are included.  Regions and owners are ordered by base, largest first,
 * then by name.
 * @param history NULL = the defaults
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT (NULL out, market or options, a
 *         NULL region name); MTL_E_VERSION; MTL_E_RANGE (as create and
 *         set_inputs); MTL_E_NOT_FOUND (an override names a region that the
 *         tree does not have); MTL_E_DUPLICATE (a region overridden twice);
 *         MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_target_tree_from_history(
    mtl_target_tree **out, const mtl_market *market,
    const mtl_target_options *options,
    const mtl_target_history_options *history);

/** Number of nodes (periods included); 0 for NULL.  @since 0.1 */
MTL_API size_t mtl_target_tree_node_count(const mtl_target_tree *tree);

/** Minor currency units per major unit, copied from the market (0 for NULL).  @since 0.1 */
MTL_API int64_t mtl_target_tree_minor_per_major(const mtl_target_tree *tree);

/**
 * The child of parent with this name (a region, an owner, or a period
 * node such as "2025-Q1" or "2025-01").
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT (NULL); MTL_E_NOT_FOUND.
 * @since 0.1
 */
MTL_API mtl_status mtl_target_tree_find(size_t *out, const mtl_target_tree *tree,
                                        size_t parent, const char *name);

/** One node of a tree, with how its figures were derived. */
typedef struct mtl_target_node {
    size_t struct_size;          /**< set by the caller */
    int32_t kind;                /**< MTL_TARGET_COMPANY ... _MONTH */
    int32_t depth;               /**< 0 for the company */
    /** Links (node indices, -1 for none): children are the period nodes
     *  first, then the regions or owners, in the order they were added. */
    int64_t parent, first_child, next_sibling;
    /** Region, owner or period name ("2025-Q1", "2025-03"); valid until
     *  the tree is changed or destroyed. */
    const char *name;
    /** The node's period [period_start, period_end) (day numbers) and its
     *  quarter (1-4, 0 for a year) and month (1-12, 0 if none). */
    int32_t period_start, period_end;
    int32_t quarter, month;
    /** The final target, minor units. */
    int64_t target;

    /* ---- derivation ---- */
    int32_t formula;             /**< MTL_TARGET_FORMULA_* */
    /** The formula's inputs as used (defaults applied).  SPLIT: base is
     *  the parent's target. */
    int64_t base;
    double growth, k;
    int32_t years;
    double resource, potential, rank;
    /** The factor that multiplies base (HQ: 1 + growth × k; region:
     *  (1 + growth)^years × resource × potential; individual:
     *  (1 + growth) × rank; split: share_num / share_den; given: NaN). */
    double factor;
    int32_t share_num, share_den; /**< SPLIT: the share of the parent; else 0 */
    /** The formula's result, before any rescale (minor units). */
    int64_t formula_value;
    int32_t rescale;             /**< MTL_TARGET_RESCALE_* */
    /** PROPORTIONAL: parent's target / Σ siblings' formula values; else 1. */
    double scale;

    /* ---- reconciliation ---- */
    int64_t commitment;          /**< own commitment or MTL_TARGET_NONE */
    int64_t bottom_up;           /**< bottom-up figure or MTL_TARGET_NONE */
    int64_t gap;                 /**< bottom_up - target, or MTL_TARGET_NONE */
    double gap_ratio;            /**< gap / target; NaN without gap or target */
    /** Children counted at their target in bottom_up (no commitment, or
     *  no forecast). */
    int32_t uncommitted;

    /* ---- evaluation ---- */
    int32_t evaluated;           /**< 1 after a successful evaluation */
    int64_t actual;              /**< won amount closed in period and scope; MTL_TARGET_NONE */
    double attainment;           /**< actual / target; NaN without either */
    double expected;             /**< the forecast's E[revenue]; NaN */
    double p_hit;                /**< the forecast's P(revenue >= target); NaN */
} mtl_target_node;

/**
 * Read one node.
 * @param out  with struct_size set
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT (NULL); MTL_E_VERSION;
 *         MTL_E_NOT_FOUND (index >= node count); MTL_E_STATE (not
 *         reconciled since the last change).
 * @since 0.1
 */
MTL_API mtl_status mtl_target_tree_node(const mtl_target_tree *tree, size_t index,
                                        mtl_target_node *out);

MTL_END_DECLS

#endif /* MTL_TARGETS_H */
