/*
 * reports.h: the tables of `mtl funnel` and `mtl forecast`, also printed
 * by `mtl demo`.  Public API (<mtl.h>) only.
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

#endif /* MTL_CLI_REPORTS_H */
