/*
 * demo_data.h: the deterministic sample B2B market behind `mtl demo`.
 */
#ifndef MTL_CLI_DEMO_DATA_H
#define MTL_CLI_DEMO_DATA_H

#include <stddef.h>
#include <stdint.h>

#include <mtl.h>

/* Defaults and limits of the generator. */
#define DEMO_DEFAULT_SEED UINT64_C(20261123)
#define DEMO_DEFAULT_LEADS 5000
#define DEMO_MAX_LEADS 1000000
#define DEMO_CUSTOMERS 500
#define DEMO_SEGMENTS 10

typedef struct demo_options {
    uint64_t seed;  /* same seed, same market, on every machine */
    size_t leads;   /* number of leads, 0..DEMO_MAX_LEADS */
} demo_options;

/*
 * Generate the sample market: DEMO_SEGMENTS segments and DEMO_CUSTOMERS
 * customers added one by one, options->leads leads appended in one
 * mtl_lead_append_columns call, then stage-history events on part of them;
 * then the strategy inputs (segment factors, look items, $APPEALS ratings,
 * control points and pains; customer relationships, contacts and pains;
 * answers for part of the leads waiting for the review).
 * The customers and segments depend on the seed only, so changing --leads
 * keeps them.
 *
 * On success *out holds one reference to the market and CLI_EXIT_OK is
 * returned; on failure the message ("mtl: <step>: <library message>") has
 * been printed on stderr, *out is NULL and CLI_EXIT_ERROR is returned.
 */
int demo_market_build(mtl_market **out, const demo_options *options);

#endif /* MTL_CLI_DEMO_DATA_H */
