/*
 * reports.h: the tables of `mtl funnel`, `mtl forecast`, `mtl targets`,
 * `mtl segments` and `mtl leads`, also printed by `mtl demo`.  Public API (<mtl.h>) only.
 */
#ifndef MTL_CLI_REPORTS_H
#define MTL_CLI_REPORTS_H

#include <mtl.h>

/* funnel.c: the stage table, the indicators and, when grouped, one row per
 * group.  CLI_EXIT_OK or CLI_EXIT_ERROR (out of memory). */
int funnel_print_table(const mtl_market *market, const mtl_funnel *funnel,
                       const mtl_funnel_options *options);

/* forecast.c: categories, expected revenue, quantiles, target, method. */
int forecast_print_table(const mtl_market *market, const mtl_forecast_summary *summary);

/* targets.c: what `mtl targets` was asked for. */
typedef struct targets_args {
    int32_t year;
    double growth, k;
    int32_t quarter_bp[4];
    int has_split;
    const char *regions;  /* --regions FILE.csv, or NULL */
    int rescale;
    int32_t periods;      /* MTL_TARGET_PERIODS_* */
    int32_t bottom_up;    /* MTL_TARGET_BOTTOM_UP_* */
    int32_t as_of;
    int32_t source;       /* MTL_PROBABILITY_SOURCE_* */
    int format;           /* CLI_FORMAT_* */
    const char *svg;      /* --svg FILE, or NULL */
} targets_args;

/* The defaults of `mtl targets` (k 1.3, quarters, bottom-up from forecasts). */
void targets_args_init(targets_args *a);

/* targets.c: the target tree of a market's history, reconciled and
 * evaluated, printed as asked.  CLI_EXIT_*. */
int targets_report(mtl_market *market, const targets_args *a);

/* segments.c: the SPAN table, one row per segment in priority order.
 * CLI_EXIT_OK or CLI_EXIT_ERROR (out of memory). */
int segments_print_span(const mtl_market *market, const mtl_strategy *strategy);

/* leads.c: the verdicts and classes counted, then the review table of the
 * first limit leads.  CLI_EXIT_OK or CLI_EXIT_ERROR (out of memory). */
int leads_print_review(const mtl_market *market, const mtl_verification *review,
                       size_t limit);

#endif /* MTL_CLI_REPORTS_H */
