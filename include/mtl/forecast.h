/*
 * forecast.h: revenue forecasts for a period (SPEC 3.3,
 * docs/methods/forecast.md).
 *
 * Period revenue R = the amount of the won leads closed inside the period
 * + the amounts of the open leads expected to close inside it that win.
 * Open deals win independently with probability p (override, else the
 * probability source).  The forecast holds the exact distribution of R on
 * a grid (amounts split between their two neighbouring grid points so that
 * the mean stays exact; exact convolution; the numeric error bound and the
 * quantization noise are reported) and of the number of deals won
 * (Poisson-binomial), or a seeded Monte Carlo sample with an optional
 * shared factor per segment.
 *
 * A forecast is immutable and reference-counted: it copies what it needs
 * from the market (the market may change or be released afterwards), and
 * may be read from many threads at once.
 */
#ifndef MTL_FORECAST_H
#define MTL_FORECAST_H

#include "lead.h"

MTL_BEGIN_DECLS

/** Where a lead's probability comes from when it has no override. */
enum {
    MTL_PROBABILITY_SOURCE_STAGE = 0,     /**< the stage model's default */
    /** The market's empirical win rate from the lead's stage (funnel,
     *  "reached" rule); the stage default where no closed lead reached it. */
    MTL_PROBABILITY_SOURCE_CALIBRATED = 1
};

/** How the distribution is computed. */
enum {
    MTL_FORECAST_EXACT = 0,      /**< exact convolution on a grid */
    MTL_FORECAST_MONTE_CARLO = 1 /**< seeded simulation (xoshiro256**) */
};

/** Options of mtl_forecast_create (size-versioned: mtl_forecast_options_init). */
typedef struct mtl_forecast_options {
    size_t struct_size;
    int32_t period_start;        /**< first day of the period (required) */
    int32_t period_end;          /**< day after the period (required) */
    /** As-of day, reported as given and used for "won to date" (wins
     *  closed in the period on or before it); MTL_DATE_NONE (default) =
     *  the day before period_end. */
    int32_t as_of;
    int32_t probability_source;  /**< MTL_PROBABILITY_SOURCE_* */
    /** Scope: leads of this segment or any segment below it; NULL = all. */
    const mtl_segment *segment;
    const char *region;          /**< leads of this region; NULL or "" = all */
    const char *owner;           /**< leads of this owner; NULL or "" = all */
    int32_t grade;               /**< customers of this grade; MTL_GRADE_NONE = all */
    int64_t target;              /**< minor units; 0 = none */
    /** Grid step in minor units; 0 = automatic (a power of ten that keeps
     *  the distribution within about 2^18 points; see the summary). */
    int64_t grid;
    int32_t method;              /**< MTL_FORECAST_* */
    int32_t draws;               /**< Monte Carlo draws; 0 = 10,000 */
    uint64_t seed;               /**< Monte Carlo seed */
    /** Monte Carlo: share of each deal's latent variance that comes from
     *  its segment's shared factor (Gaussian copula), in [0, 1); 0 =
     *  independent deals. */
    double correlation;
    const char *source;          /**< scope: leads of this source; NULL or "" = all */
    /** Scope: leads created in [created_start, created_end) (a creation
     *  cohort); MTL_DATE_NONE (the default) for either end = unbounded. */
    int32_t created_start;
    int32_t created_end;
} mtl_forecast_options;

/**
 * Fill options with defaults (no period, as_of none, no creation bounds)
 * and set struct_size.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION.
 * @since 0.1
 */
MTL_API mtl_status mtl_forecast_options_init(mtl_forecast_options *options,
                                             size_t struct_size);

/** A computed forecast (immutable, reference-counted, thread-safe to read). */
typedef struct mtl_forecast mtl_forecast;

/**
 * Compute a forecast.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT (NULL, segment of another market);
 *         MTL_E_VERSION; MTL_E_RANGE (no period or one that ends before it
 *         starts, negative target or grid, bad method, source, grade,
 *         draws or correlation); MTL_E_LIMIT (a grid so fine that the
 *         distribution would exceed 2^26 points); MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_forecast_create(mtl_forecast **out, const mtl_market *market,
                                       const mtl_forecast_options *options);

/** Take a reference; returns forecast.  @since 0.1 */
MTL_API mtl_forecast *mtl_forecast_ref(mtl_forecast *forecast);
/** Drop a reference; the last one frees.  NULL is a no-op.  @since 0.1 */
MTL_API void mtl_forecast_unref(mtl_forecast *forecast);

/** Forecast categories, amounts alone and cumulative, and the result. */
typedef struct mtl_forecast_summary {
    size_t struct_size;            /**< set by the caller */
    int32_t period_start, period_end, as_of;
    int32_t method;                /**< MTL_FORECAST_* used */
    /** Won leads closed inside the period (the certain part of R). */
    int64_t closed_won_count;
    int64_t closed_won_amount;
    int64_t won_to_date_amount;    /**< of those, closed on or before as_of */
    /** Open deals in the distribution (omitted ones are left out). */
    int64_t deal_count;
    /** Σ amount by forecast category, each alone: open deals by their
     *  category (override, else the stage's), closed = won in period. */
    int64_t pipeline, best_case, commit, closed, omitted;
    /** Salesforce's cumulative forecasts: commit + closed; best case +
     *  commit + closed; pipeline + best case + commit. */
    int64_t commit_forecast, best_case_forecast, open_pipeline;
    /** E[R] = closed won + Σ amount × p (exact, not quantized), Var[R]. */
    double expected;
    double variance;
    /** Quantiles of R: the smallest value whose CDF is at least q. */
    int64_t p10, p50, p90;
    int64_t target;                /**< as given (0 = none) */
    double p_hit_target;           /**< P(R >= target); NaN without target */
    double expected_shortfall;     /**< E[max(0, target - R)]; NaN without target */
    /** Number of deals won: mean, variance, quantiles (Poisson-binomial). */
    double won_count_mean, won_count_variance;
    int64_t won_count_p10, won_count_p50, won_count_p90;
    /** Exact method: the grid step (minor units), the standard deviation of
     *  the quantization noise (R on the grid = R + noise of mean 0), and a
     *  bound on the total absolute error of the probabilities held (tails
     *  trimmed and rounding).  Monte Carlo: grid 1, noise 0, and the
     *  standard error of the mean in error_bound. */
    int64_t grid;
    double quantization_sd;
    double error_bound;
    int32_t draws;                 /**< Monte Carlo draws (0 for exact) */
} mtl_forecast_summary;

/**
 * Read the summary.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION.
 * @since 0.1
 */
MTL_API mtl_status mtl_forecast_summary_get(const mtl_forecast *forecast,
                                            mtl_forecast_summary *out);

/** Smallest R whose CDF is at least q (q in [0, 1], else INT64_MIN).  @since 0.1 */
MTL_API int64_t mtl_forecast_quantile(const mtl_forecast *forecast, double q);

/** P(R >= amount) (NaN for NULL).  @since 0.1 */
MTL_API double mtl_forecast_probability_at_least(const mtl_forecast *forecast,
                                                 int64_t amount);

/** E[max(0, target - R)] (NaN for NULL).  @since 0.1 */
MTL_API double mtl_forecast_expected_shortfall(const mtl_forecast *forecast,
                                               int64_t target);

/**
 * The distribution of R: count probabilities for the values first,
 * first + step, ... (minor units).  For Monte Carlo, the sorted draws'
 * distinct values are not on a grid: this returns 0.
 * @return the number of points (0 for NULL or Monte Carlo).
 * @since 0.1
 */
MTL_API size_t mtl_forecast_distribution(const mtl_forecast *forecast,
                                         int64_t *out_first, int64_t *out_step,
                                         const double **out_probabilities);

/**
 * The distribution of the number of open deals won: probabilities for
 * first, first + 1, ... (tails below 1e-16 trimmed).
 * @return the number of points (0 for NULL).
 * @since 0.1
 */
MTL_API size_t mtl_forecast_won_count_distribution(const mtl_forecast *forecast,
                                                   int64_t *out_first,
                                                   const double **out_probabilities);

/** Number of open deals in the forecast.  @since 0.1 */
MTL_API size_t mtl_forecast_deal_count(const mtl_forecast *forecast);

/**
 * The index-th open deal (in market order).  Out-pointers may be NULL; the
 * id stays valid as long as the forecast.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_RANGE.
 * @since 0.1
 */
MTL_API mtl_status mtl_forecast_deal_at(const mtl_forecast *forecast, size_t index,
                                        const char **out_id, int64_t *out_amount,
                                        double *out_probability,
                                        int32_t *out_category);

/**
 * What-if: the same forecast without one open deal, derived from forecast
 * by removing that deal's factor (deconvolution), not by recomputing.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_NOT_FOUND (no such deal in
 *         the forecast); MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_forecast_without(mtl_forecast **out,
                                        const mtl_forecast *forecast,
                                        const char *lead_id);

/**
 * What-if: the same forecast with one open deal's probability changed.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_NOT_FOUND; MTL_E_RANGE
 *         (probability outside [0, 1]); MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_forecast_with_probability(mtl_forecast **out,
                                                 const mtl_forecast *forecast,
                                                 const char *lead_id,
                                                 double probability);

MTL_END_DECLS

#endif /* MTL_FORECAST_H */
