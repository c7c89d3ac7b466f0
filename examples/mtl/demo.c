/*
 * demo.c: `mtl demo` — generate the sample B2B market, load it through the
 * public API and summarise it by stage and by segment.
 *
 * The output depends on the seed and the lead count only (no timings, no
 * addresses, no locale), so two runs can be compared with diff.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <mtl.h>

#include "commands.h"
#include "demo_data.h"
#include "input.h"
#include "reports.h"
#include "util.h"

static const cli_option demo_opts[] = {
    { "seed", 0, "N", "seed of the sample market, 0 to 2^64-1 (default 20261123)" },
    { "leads", 0, "N", "number of leads, 0 to 1000000 (default 5000)" },
    { "write", 0, "DIR", "also write the sample data to DIR: segments.csv, "
                         "customers.csv, leads.csv, the strategy inputs (factors.csv, "
                         "looks.csv, ...) and the snapshot demo.mtl" },
    { "help", 'h', NULL, "show this help and exit" },
};
enum { OPT_SEED, OPT_LEADS, OPT_WRITE, OPT_HELP };
#define DEMO_OPT_COUNT (sizeof demo_opts / sizeof demo_opts[0])

static void demo_help(FILE *out)
{
    fputs("Usage: mtl demo [--seed N] [--leads N] [--write DIR]\n"
          "\n"
          "Generate a sample B2B market (10 industry segments, 500 customers\n"
          "in six sales regions, 5,000 leads over the stages P0-P7 by\n"
          "default), load it through libmtl and print the leads by stage and\n"
          "by segment, the funnel and the forecast of 2026-Q4 (as of\n"
          "2026-10-31) against a target 60% above the wins of 2026-Q3, and\n"
          "the 2026 target tree by region, owner and quarter, the segments by\n"
          "priority (five looks, SPAN, strategy, target) and the top of the\n"
          "weekly lead review.  The segments carry the analysts' five looks,\n"
          "$APPEALS ratings, control points and BON pains, the customers their\n"
          "relationship assessments, contacts and some pains, and most leads\n"
          "waiting for a decision their verification answers.\n"
          "The same seed gives the same market and the same\n"
          "output on every machine.\n"
          "\n"
          "Options:\n", out);
    cli_print_options(out, demo_opts, DEMO_OPT_COUNT);
    fputs("\n"
          "Exit status: 0 on success, 1 on a library error, 2 on a usage error.\n",
          out);
}

/* ---- the summary ---------------------------------------------------- */

typedef struct stage_totals {
    int64_t open, won, lost;
    int64_t open_amount; /* minor units */
} stage_totals;

typedef struct segment_totals {
    int64_t customers, leads, open, won, lost;
    int64_t won_amount; /* minor units */
} segment_totals;

static void count_outcome(int32_t outcome, int64_t *open, int64_t *won,
                          int64_t *lost)
{
    if (outcome == MTL_OUTCOME_WON)
        (*won)++;
    else if (outcome == MTL_OUTCOME_LOST)
        (*lost)++;
    else
        (*open)++;
}

static int print_stage_table(const mtl_market *market)
{
    static const char *const headers[] = {
        "stage", "phase", "open", "won", "lost", "open amount",
    };
    static const int aligns[] = {
        CLI_ALIGN_LEFT, CLI_ALIGN_LEFT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT,
        CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT,
    };
    stage_totals rows[MTL_STAGE_MAX], total;
    int32_t stages = mtl_market_stage_count(market), s;
    int64_t per = mtl_market_minor_per_major(market);
    const mtl_lead *lead = NULL;
    cli_table *table;
    char b1[32], b2[32], b3[32], b4[32];
    int rc;

    if (stages < 0 || stages > MTL_STAGE_MAX)
        stages = 0;
    memset(rows, 0, sizeof rows);
    memset(&total, 0, sizeof total);
    while ((lead = mtl_lead_next(market, lead)) != NULL) {
        int32_t stage = mtl_lead_stage(lead);
        int32_t outcome = mtl_lead_outcome(lead);
        stage_totals *row;

        if (stage < 0 || stage >= stages)
            continue; /* cannot happen: the library checks stages */
        row = &rows[stage];
        count_outcome(outcome, &row->open, &row->won, &row->lost);
        count_outcome(outcome, &total.open, &total.won, &total.lost);
        if (outcome == MTL_OUTCOME_OPEN) {
            row->open_amount += mtl_lead_amount(lead);
            total.open_amount += mtl_lead_amount(lead);
        }
    }

    table = cli_table_new(6, headers, aligns);
    if (table == NULL)
        return -1;
    for (s = 0; s < stages; s++) {
        const char *name = mtl_market_stage_name(market, s);
        const char *phase = mtl_market_stage_phase(market, s);

        cli_table_add(table, name != NULL ? name : "?");
        cli_table_add(table, phase != NULL ? phase : "");
        cli_table_add(table, cli_format_int(b1, sizeof b1, rows[s].open));
        cli_table_add(table, cli_format_int(b2, sizeof b2, rows[s].won));
        cli_table_add(table, cli_format_int(b3, sizeof b3, rows[s].lost));
        cli_table_add(table, cli_format_major(b4, sizeof b4,
                                              rows[s].open_amount, per));
    }
    cli_table_rule(table);
    cli_table_add(table, "total");
    cli_table_add(table, "");
    cli_table_add(table, cli_format_int(b1, sizeof b1, total.open));
    cli_table_add(table, cli_format_int(b2, sizeof b2, total.won));
    cli_table_add(table, cli_format_int(b3, sizeof b3, total.lost));
    cli_table_add(table, cli_format_major(b4, sizeof b4, total.open_amount, per));

    fputs("Leads by stage\n", stdout);
    rc = cli_table_print(table, stdout);
    cli_table_free(table);
    return rc;
}

static void add_segment_row(cli_table *table, const char *id, const char *name,
                            const segment_totals *t, int64_t per)
{
    char b[6][32];

    cli_table_add(table, id);
    cli_table_add(table, name);
    cli_table_add(table, cli_format_int(b[0], sizeof b[0], t->customers));
    cli_table_add(table, cli_format_int(b[1], sizeof b[1], t->leads));
    cli_table_add(table, cli_format_int(b[2], sizeof b[2], t->open));
    cli_table_add(table, cli_format_int(b[3], sizeof b[3], t->won));
    cli_table_add(table, cli_format_int(b[4], sizeof b[4], t->lost));
    cli_table_add(table, cli_format_major(b[5], sizeof b[5], t->won_amount, per));
}

static int print_segment_table(const mtl_market *market)
{
    static const char *const headers[] = {
        "segment", "name", "customers", "leads", "open", "won", "lost",
        "won amount",
    };
    static const int aligns[] = {
        CLI_ALIGN_LEFT, CLI_ALIGN_LEFT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT,
        CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT,
    };
    int64_t per = mtl_market_minor_per_major(market);
    size_t count = 0, i;
    const mtl_segment **segments = NULL;
    const mtl_segment *seg = NULL;
    const mtl_customer *customer = NULL;
    const mtl_lead *lead = NULL;
    segment_totals *rows = NULL, total;
    cli_ptr_index index = { NULL, 0, 0 };
    cli_table *table = NULL;
    int rc = -1;

    /* Segments in storage order; one more row for records without one. */
    while ((seg = mtl_segment_next(market, seg)) != NULL)
        count++;
    segments = malloc((count + 1) * sizeof *segments);
    rows = calloc(count + 1, sizeof *rows);
    if (segments == NULL || rows == NULL)
        goto done;
    if (cli_ptr_index_init(&index, count) != 0)
        goto done;
    count = 0;
    while ((seg = mtl_segment_next(market, seg)) != NULL) {
        segments[count++] = seg;
        cli_ptr_index_add(&index, seg);
    }
    cli_ptr_index_sort(&index);

    while ((customer = mtl_customer_next(market, customer)) != NULL) {
        size_t at = cli_ptr_index_find(&index, mtl_customer_segment(customer));
        rows[at == (size_t)-1 ? count : at].customers++;
    }
    memset(&total, 0, sizeof total);
    while ((lead = mtl_lead_next(market, lead)) != NULL) {
        size_t at = cli_ptr_index_find(&index, mtl_lead_segment(lead));
        segment_totals *row = &rows[at == (size_t)-1 ? count : at];
        int32_t outcome = mtl_lead_outcome(lead);

        row->leads++;
        count_outcome(outcome, &row->open, &row->won, &row->lost);
        if (outcome == MTL_OUTCOME_WON)
            row->won_amount += mtl_lead_amount(lead);
    }

    table = cli_table_new(8, headers, aligns);
    if (table == NULL)
        goto done;
    for (i = 0; i <= count; i++) {
        const segment_totals *r = &rows[i];

        if (i == count && r->customers == 0 && r->leads == 0)
            break; /* every record has a segment */
        add_segment_row(table, i < count ? mtl_segment_id(segments[i]) : "-",
                        i < count ? mtl_segment_name(segments[i]) : "(no segment)",
                        r, per);
        total.customers += r->customers;
        total.leads += r->leads;
        total.open += r->open;
        total.won += r->won;
        total.lost += r->lost;
        total.won_amount += r->won_amount;
    }
    cli_table_rule(table);
    add_segment_row(table, "total", "", &total, per);

    fputs("Leads by segment\n", stdout);
    rc = cli_table_print(table, stdout);

done:
    cli_table_free(table);
    cli_ptr_index_free(&index);
    free(rows);
    free(segments);
    return rc;
}

/* ---- the method: funnel, forecast ------------------------------------ */

/* The sample data's as-of day is 2026-10-31: wins and losses up to it,
 * open leads expected to close from November on.  The demo looks at the
 * fourth quarter of 2026 with a target 60% above the third quarter's wins. */
static int print_method(const mtl_market *market)
{
    mtl_funnel_options fo;
    mtl_forecast_options o;
    mtl_funnel *funnel = NULL;
    mtl_forecast *forecast = NULL;
    mtl_forecast_summary s;
    targets_args ta;
    int32_t q3, q4, end, as_of;
    int64_t per = mtl_market_minor_per_major(market), unit = 1000000 * per;
    int rc = -1;
    char b[32];

    mtl_date_from_ymd(&q3, 2026, 7, 1);
    mtl_date_from_ymd(&q4, 2026, 10, 1);
    mtl_date_from_ymd(&end, 2027, 1, 1);
    mtl_date_from_ymd(&as_of, 2026, 10, 31);
    /* last quarter's wins, for the target */
    mtl_forecast_options_init(&o, sizeof o);
    o.period_start = q3;
    o.period_end = q4;
    s.struct_size = sizeof s;
    if (mtl_forecast_create(&forecast, market, &o) != MTL_OK) {
        cli_library_error("demo forecast");
        return -1;
    }
    mtl_forecast_summary_get(forecast, &s);
    mtl_forecast_unref(forecast);
    o.period_start = q4;
    o.period_end = end;
    o.as_of = as_of;
    /* 160% of Q3, in whole millions: a growth target */
    o.target = (s.closed_won_amount * 160 / 100 + unit / 2) / unit * unit;

    mtl_funnel_options_init(&fo, sizeof fo);
    fo.period_start = q4;
    fo.period_end = end;
    fo.as_of = as_of;
    fo.target = o.target;
    printf("\nFunnel (mtl funnel), 2026-Q4 as of 2026-10-31, target %s\n\n",
           cli_format_major(b, sizeof b, o.target, per));
    if (mtl_funnel_compute(&funnel, market, &fo) != MTL_OK ||
        funnel_print_table(market, funnel, &fo) != CLI_EXIT_OK)
        goto done;

    printf("\nForecast (mtl forecast), 2026-Q4\n\n");
    if (mtl_forecast_create(&forecast, market, &o) != MTL_OK)
        goto done;
    mtl_forecast_summary_get(forecast, &s);
    if (forecast_print_table(market, &s) != CLI_EXIT_OK)
        goto done;

    /* 2026 targets from 2025's wins, 8% industry growth, evaluated against
     * the wins so far and the forecast of the rest */
    printf("\nTarget tree (mtl targets --year 2026 --growth 8%% --periods none)\n\n");
    targets_args_init(&ta);
    ta.year = 2026;
    ta.growth = 0.08;
    ta.periods = MTL_TARGET_PERIODS_YEAR; /* regions and owners; quarters: mtl targets */
    if (targets_report((mtl_market *)market, &ta) != CLI_EXIT_OK)
        goto done;
    rc = 0;
done:
    if (rc != 0)
        cli_library_error("demo");
    mtl_forecast_unref(forecast);
    mtl_funnel_destroy(funnel);
    return rc;
}

/* ---- the method: strategy and the lead review ------------------------ */

/* Five looks and SPAN by segment (mtl segments) and the top of the weekly
 * lead review (mtl leads --top 5), with the default options. */
static int print_strategy(const mtl_market *market)
{
    mtl_strategy *strategy = NULL;
    mtl_verification *review = NULL;
    int rc = -1;

    printf("\nSegments by priority (mtl segments): five looks, SPAN, strategy, target\n\n");
    if (mtl_strategy_compute(&strategy, market, NULL) != MTL_OK ||
        segments_print_span(market, strategy) != CLI_EXIT_OK)
        goto done;
    printf("\nLead review (mtl leads --top 5): leads waiting for a decision\n");
    if (mtl_verification_compute(&review, market, NULL) != MTL_OK ||
        leads_print_review(market, review, 5) != CLI_EXIT_OK)
        goto done;
    rc = 0;
done:
    if (rc != 0)
        cli_library_error("demo");
    mtl_verification_destroy(review);
    mtl_strategy_destroy(strategy);
    return rc;
}

static int print_summary(const mtl_market *market, uint64_t seed)
{
    int64_t per = mtl_market_minor_per_major(market);
    char b1[32], b2[32], b3[32], b4[32];
    size_t segments = mtl_market_segment_count(market);
    size_t customers = mtl_market_customer_count(market);
    size_t leads = mtl_market_lead_count(market);

    printf("mtl demo: sample B2B market, seed %llu\n", (unsigned long long)seed);
    printf("market: %s segment%s, %s customer%s, %s lead%s\n",
           cli_format_int(b1, sizeof b1, (int64_t)segments), segments == 1 ? "" : "s",
           cli_format_int(b2, sizeof b2, (int64_t)customers), customers == 1 ? "" : "s",
           cli_format_int(b3, sizeof b3, (int64_t)leads), leads == 1 ? "" : "s");
    printf("amounts: major currency units (%s minor units each), rounded\n\n",
           cli_format_int(b4, sizeof b4, per));
    if (print_stage_table(market) != 0)
        return -1;
    fputc('\n', stdout);
    if (print_segment_table(market) != 0 || print_method(market) != 0)
        return -1;
    return print_strategy(market);
}

/* ---- --write DIR ----------------------------------------------------- */

/* The sample market as files a new user can run every command on and copy
 * the shape of: one CSV per record kind (import them in this order) and the
 * snapshot, which also keeps the stage history. */
static int write_samples(const mtl_market *market, const char *dir)
{
    static const struct { const char *file; int32_t kind; } csv[] = {
        { "segments.csv", MTL_KIND_SEGMENTS },
        { "customers.csv", MTL_KIND_CUSTOMERS },
        { "leads.csv", MTL_KIND_LEADS },
        { "factors.csv", MTL_KIND_FACTORS },
        { "looks.csv", MTL_KIND_LOOKS },
        { "appeals.csv", MTL_KIND_APPEALS },
        { "control_points.csv", MTL_KIND_CONTROL_POINTS },
        { "pains.csv", MTL_KIND_PAINS },
        { "relationships.csv", MTL_KIND_RELATIONSHIPS },
        { "contacts.csv", MTL_KIND_CONTACTS },
        { "answers.csv", MTL_KIND_ANSWERS },
    };
    char path[4096];
    size_t k;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "mtl: %s: %s\n", dir, strerror(errno));
        return CLI_EXIT_ERROR;
    }
    for (k = 0; k < sizeof csv / sizeof csv[0]; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, csv[k].file);
        if (mtl_csv_export_file(market, csv[k].kind, ',', path) != MTL_OK)
            return cli_file_error(path);
        fprintf(stderr, "wrote %s\n", path);
    }
    snprintf(path, sizeof path, "%s/demo.mtl", dir);
    if (mtl_market_save(market, path) != MTL_OK)
        return cli_file_error(path);
    fprintf(stderr, "wrote %s\n"
                    "try: mtl funnel %s --by segment; mtl forecast %s --from 2026-10-01 "
                    "--to 2026-12-31; mtl targets %s --year 2026; mtl segments %s "
                    "--svg span.svg; mtl pains %s; mtl customers %s; mtl leads %s\n",
            path, path, path, path, path, path, path, path);
    return CLI_EXIT_OK;
}

/* ---- the command ---------------------------------------------------- */

int mtl_cmd_demo(int argc, char **argv)
{
    demo_options options;
    cli_parser parser;
    mtl_market *market = NULL;
    const char *write_dir = NULL;
    int opt, status;

    options.seed = DEMO_DEFAULT_SEED;
    options.leads = DEMO_DEFAULT_LEADS;
    cli_parser_init(&parser, "mtl demo", argc, argv);
    while ((opt = cli_parser_next(&parser, demo_opts, DEMO_OPT_COUNT)) != CLI_OPT_END) {
        uint64_t value;

        switch (opt) {
        case OPT_SEED:
            if (cli_parser_uint64(&parser, UINT64_MAX, &value) != 0)
                return CLI_EXIT_USAGE;
            options.seed = value;
            break;
        case OPT_LEADS:
            if (cli_parser_uint64(&parser, DEMO_MAX_LEADS, &value) != 0)
                return CLI_EXIT_USAGE;
            options.leads = (size_t)value;
            break;
        case OPT_WRITE:
            write_dir = parser.value;
            break;
        case OPT_HELP:
            demo_help(stdout);
            return CLI_EXIT_OK;
        case CLI_OPT_POSITIONAL:
            return cli_usage_error(parser.command, "unexpected argument '%s'",
                                   parser.value);
        default: /* CLI_OPT_ERROR, already reported */
            return CLI_EXIT_USAGE;
        }
    }

    status = demo_market_build(&market, &options);
    if (status != CLI_EXIT_OK)
        return status;
    if (print_summary(market, options.seed) != 0) {
        fprintf(stderr, "mtl: demo: out of memory while printing\n");
        status = CLI_EXIT_ERROR;
    }
    if (status == CLI_EXIT_OK && write_dir != NULL)
        status = write_samples(market, write_dir);
    mtl_market_unref(market);
    return status;
}
