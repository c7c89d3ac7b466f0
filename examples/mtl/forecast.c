/*
 * forecast.c: `mtl forecast` — period revenue of a snapshot or CSV file:
 * forecast categories, the exact distribution (or a simulation), the
 * probability of reaching a target (library: forecast.h; method:
 * docs/methods/forecast.md).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <mtl.h>

#include "commands.h"
#include "input.h"
#include "reports.h"
#include "svg.h"
#include "util.h"

static const cli_option forecast_opts[] = {
    CLI_INPUT_OPTIONS,
    { "from", 0, "DATE", "first day of the period (required)" },
    { "to", 0, "DATE", "last day of the period, inclusive (required)" },
    { "as-of", 0, "DATE", "as-of day for won to date (default: the period's last day)" },
    { "target", 0, "AMOUNT", "target in major units: P(R >= target), shortfall" },
    { "source", 0, "SOURCE", "probability source: stage (default) or calibrated" },
    { "grid", 0, "AMOUNT", "grid step in major units (default: automatic)" },
    { "monte-carlo", 0, NULL, "simulate instead of the exact convolution" },
    { "draws", 0, "N", "Monte Carlo draws (default 10000)" },
    { "seed", 0, "N", "Monte Carlo seed (default 0)" },
    { "correlation", 0, "R", "Monte Carlo: segment factor share in [0, 1)" },
    { "segment", 0, "ID", "scope: this segment and those below it" },
    { "region", 0, "NAME", "scope: this region" },
    { "owner", 0, "NAME", "scope: this owner" },
    { "by", 0, "KEY", "also one forecast per segment, region, owner, grade, source, "
                      "cohort:month, cohort:quarter or cohort:year" },
    { "format", 'f', "FORMAT", "table (default), csv or json" },
    { "svg", 0, "FILE", "also draw the distribution as SVG" },
    { "help", 'h', NULL, "show this help and exit" },
};
enum {
    OPT_FROM = CLI_INPUT_OPTION_COUNT, OPT_TO, OPT_AS_OF, OPT_TARGET, OPT_SOURCE,
    OPT_GRID, OPT_MC, OPT_DRAWS, OPT_SEED, OPT_CORRELATION, OPT_SEGMENT, OPT_REGION,
    OPT_OWNER, OPT_BY, OPT_FORMAT, OPT_SVG, OPT_HELP
};
#define FORECAST_OPT_COUNT (sizeof forecast_opts / sizeof forecast_opts[0])

static void forecast_help(FILE *out)
{
    fputs("Usage: mtl forecast SNAPSHOT|FILE.csv --from DATE --to DATE [--as-of DATE]\n"
          "                    [--target AMOUNT] [--source stage|calibrated]\n"
          "                    [--grid AMOUNT] [--monte-carlo [--draws N] [--seed N]\n"
          "                    [--correlation R]] [--segment ID] [--region NAME]\n"
          "                    [--owner NAME] [--by KEY] [--format table|csv|json]\n"
          "                    [--svg FILE]\n"
          "                    [--map MAP] [--stages STAGES] [--sep C] ...\n"
          "\n"
          "Period revenue R = the won leads closed in the period + the open leads\n"
          "expected to close in it that win (each independently with its\n"
          "probability: override, else the stage's).  Prints the forecast\n"
          "categories alone and cumulative, E[R], its spread, P10/P50/P90, the\n"
          "probability of reaching the target and the expected shortfall, from\n"
          "the exact distribution of R (or a seeded simulation).  The period\n"
          "runs from --from to --to, both days included.  --by adds one\n"
          "forecast per group (a segment's includes its sub-segments).  Method:\n"
          "docs/methods/forecast.md.\n"
          "\n"
          "Options:\n", out);
    cli_print_options(out, forecast_opts, FORECAST_OPT_COUNT);
    fputs("\n"
          "JSON: {expected, variance, p10, p50, p90, p_hit_target,\n"
          "expected_shortfall, categories: {pipeline, best_case, commit, closed,\n"
          "omitted, commit_forecast, best_case_forecast, open_pipeline}, ...} with\n"
          "amounts in major units (variance in major units squared) and null\n"
          "without a target.\n"
          "\n"
          "Exit status: 0 on success, 1 on bad input or a library error, 2 on\n"
          "a usage error.\n", out);
}

typedef struct forecast_args {
    const char *target, *grid, *segment;
    int32_t by; /* MTL_GROUP_*, MTL_GROUP_NONE for the total only */
    int format;
    const char *svg;
} forecast_args;

/* ---- --by: one forecast per group ---------------------------------------- */

/* A group: its name and the scope that selects it. */
typedef struct group {
    char name[64];
    const mtl_segment *segment;
    const char *text;          /* region, owner or source */
    int32_t grade;
    int32_t created_start, created_end;
} group;

typedef struct group_list {
    group *items;
    size_t count, cap;
} group_list;

static group *group_push(group_list *g)
{
    if (g->count == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 16;
        group *items = realloc(g->items, cap * sizeof *items);
        if (items == NULL)
            return NULL;
        g->items = items;
        g->cap = cap;
    }
    memset(&g->items[g->count], 0, sizeof g->items[0]);
    g->items[g->count].created_start = g->items[g->count].created_end = MTL_DATE_NONE;
    return &g->items[g->count++];
}

static int cmp_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_int(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* The cohort key of a day (months since year 0, quarters, or years) and
 * the first day of a key's cohort. */
static int32_t cohort_of(int32_t by, int32_t day)
{
    int32_t y, m, d;
    mtl_date_to_ymd(day, &y, &m, &d);
    return by == MTL_GROUP_COHORT_MONTH ? y * 12 + m - 1
           : by == MTL_GROUP_COHORT_QUARTER ? y * 4 + (m - 1) / 3 : y;
}

static int32_t cohort_start(int32_t by, int32_t key)
{
    int32_t day = MTL_DATE_NONE;
    if (by == MTL_GROUP_COHORT_MONTH)
        mtl_date_from_ymd(&day, key / 12, key % 12 + 1, 1);
    else if (by == MTL_GROUP_COHORT_QUARTER)
        mtl_date_from_ymd(&day, key / 4, key % 4 * 3 + 1, 1);
    else
        mtl_date_from_ymd(&day, key, 1, 1);
    return day;
}

/* The groups of the market for key `by`, sorted by name. */
static int list_groups(const mtl_market *m, int32_t by, group_list *out)
{
    size_t n = mtl_market_lead_count(m), k, count = 0;
    const mtl_lead *l = NULL;
    const mtl_segment *seg = NULL;
    const char **texts = NULL;
    int32_t *keys = NULL, g;
    group *x;
    if (by == MTL_GROUP_SEGMENT) {
        while ((seg = mtl_segment_next(m, seg)) != NULL) {
            if ((x = group_push(out)) == NULL)
                return -1;
            snprintf(x->name, sizeof x->name, "%s", mtl_segment_id(seg));
            x->segment = seg;
        }
        return 0;
    }
    if (by == MTL_GROUP_GRADE) {
        static const char *const names[] = { "", "strategic", "partner", "commercial",
                                             "general" };
        for (g = MTL_GRADE_STRATEGIC; g <= MTL_GRADE_GENERAL; g++) {
            if ((x = group_push(out)) == NULL)
                return -1;
            snprintf(x->name, sizeof x->name, "%s", names[g]);
            x->grade = g;
        }
        return 0;
    }
    if (by == MTL_GROUP_REGION || by == MTL_GROUP_OWNER || by == MTL_GROUP_SOURCE) {
        /* the distinct non-empty values, sorted */
        if (n && (texts = malloc(n * sizeof *texts)) == NULL)
            return -1;
        while ((l = mtl_lead_next(m, l)) != NULL) {
            const char *t = by == MTL_GROUP_REGION ? mtl_lead_region(l)
                            : by == MTL_GROUP_OWNER ? mtl_lead_owner(l)
                                                    : mtl_lead_source(l);
            if (*t)
                texts[count++] = t;
        }
        qsort(texts, count, sizeof *texts, cmp_text);
        for (k = 0; k < count; k++) {
            if (k && strcmp(texts[k], texts[k - 1]) == 0)
                continue;
            if ((x = group_push(out)) == NULL) {
                free(texts);
                return -1;
            }
            snprintf(x->name, sizeof x->name, "%s", texts[k]);
            x->text = texts[k];
        }
        free(texts);
        return 0;
    }
    /* cohorts: the distinct creation keys, in order */
    if (n && (keys = malloc(n * sizeof *keys)) == NULL)
        return -1;
    while ((l = mtl_lead_next(m, l)) != NULL)
        if (mtl_lead_created(l) != MTL_DATE_NONE)
            keys[count++] = cohort_of(by, mtl_lead_created(l));
    qsort(keys, count, sizeof *keys, cmp_int);
    for (k = 0; k < count; k++) {
        if (k && keys[k] == keys[k - 1])
            continue;
        if ((x = group_push(out)) == NULL) {
            free(keys);
            return -1;
        }
        if (by == MTL_GROUP_COHORT_MONTH)
            snprintf(x->name, sizeof x->name, "%04d-%02d", (int)(keys[k] / 12),
                     (int)(keys[k] % 12 + 1));
        else if (by == MTL_GROUP_COHORT_QUARTER)
            snprintf(x->name, sizeof x->name, "%04d-Q%d", (int)(keys[k] / 4),
                     (int)(keys[k] % 4 + 1));
        else
            snprintf(x->name, sizeof x->name, "%04d", (int)keys[k]);
        x->created_start = cohort_start(by, keys[k]);
        x->created_end = cohort_start(by, keys[k] + 1);
    }
    free(keys);
    return 0;
}

/* One row per group: its forecast with the command's options and the
 * group's scope (targets are not split: P(hit) is for the total). */
static int by_groups(mtl_market *market, const mtl_forecast_options *base,
                     const forecast_args *a, mtl_json *w, mtl_status *st)
{
    static const char *const head[] = { "group", "deals", "closed won", "expected", "sd",
                                        "P10", "P50", "P90" };
    static const int align[] = { CLI_ALIGN_LEFT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT,
                                 CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT,
                                 CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT };
    int64_t per = mtl_market_minor_per_major(market);
    double dper = (double)per;
    group_list groups = { NULL, 0, 0 };
    cli_table *t = NULL;
    size_t k;
    int status = CLI_EXIT_OK;
    char b[32];
    if (list_groups(market, a->by, &groups) != 0) {
        free(groups.items);
        fputs("mtl: forecast: out of memory\n", stderr);
        return CLI_EXIT_ERROR;
    }
    if (a->format == CLI_FORMAT_TABLE) {
        t = cli_table_new(8, head, align);
        printf("\nby %s\n\n", a->by == MTL_GROUP_SEGMENT ? "segment (with its sub-segments)"
                               : "group");
    } else if (a->format == CLI_FORMAT_CSV) {
        printf("\ngroup,deals,closed_won,expected,variance,p10,p50,p90\n");
    } else if (*st == MTL_OK) {
        *st = mtl_json_key(w, "groups");
        if (*st == MTL_OK)
            *st = mtl_json_begin_array(w);
    }
    for (k = 0; k < groups.count && status == CLI_EXIT_OK; k++) {
        const group *g = &groups.items[k];
        mtl_forecast_options o = *base;
        mtl_forecast *f = NULL;
        mtl_forecast_summary s;
        o.target = 0;
        if (a->by == MTL_GROUP_SEGMENT)
            o.segment = g->segment;
        else if (a->by == MTL_GROUP_REGION)
            o.region = g->text;
        else if (a->by == MTL_GROUP_OWNER)
            o.owner = g->text;
        else if (a->by == MTL_GROUP_SOURCE)
            o.source = g->text;
        else if (a->by == MTL_GROUP_GRADE)
            o.grade = g->grade;
        else {
            o.created_start = g->created_start;
            o.created_end = g->created_end;
        }
        if (mtl_forecast_create(&f, market, &o) != MTL_OK) {
            status = cli_library_error("forecast");
            break;
        }
        s.struct_size = sizeof s;
        mtl_forecast_summary_get(f, &s);
        mtl_forecast_unref(f);
        if (t != NULL) {
            cli_table_add(t, g->name);
            cli_table_add(t, cli_format_int(b, sizeof b, s.deal_count));
            cli_table_add(t, cli_format_major(b, sizeof b, s.closed_won_amount, per));
            cli_table_add(t, cli_format_major(b, sizeof b, llround(s.expected), per));
            cli_table_add(t, cli_format_major(b, sizeof b, llround(sqrt(s.variance)), per));
            cli_table_add(t, cli_format_major(b, sizeof b, s.p10, per));
            cli_table_add(t, cli_format_major(b, sizeof b, s.p50, per));
            cli_table_add(t, cli_format_major(b, sizeof b, s.p90, per));
        } else if (a->format == CLI_FORMAT_CSV) {
            cli_csv_field(stdout, g->name, 0);
            printf("%lld,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", (long long)s.deal_count,
                   (double)s.closed_won_amount / dper, s.expected / dper,
                   s.variance / (dper * dper), (double)s.p10 / dper, (double)s.p50 / dper,
                   (double)s.p90 / dper);
        } else if (*st == MTL_OK) {
            *st = mtl_json_begin_object(w);
            *st = cli_json_string(w, *st, "name", g->name);
            *st = cli_json_int(w, *st, "deals", s.deal_count);
            *st = cli_json_major(w, *st, "closed_won_amount", (double)s.closed_won_amount, per);
            *st = cli_json_major(w, *st, "expected", s.expected, per);
            *st = cli_json_double(w, *st, "variance", s.variance / (dper * dper));
            *st = cli_json_major(w, *st, "p10", (double)s.p10, per);
            *st = cli_json_major(w, *st, "p50", (double)s.p50, per);
            *st = cli_json_major(w, *st, "p90", (double)s.p90, per);
            if (*st == MTL_OK)
                *st = mtl_json_end_object(w);
        }
    }
    if (t != NULL) {
        if (status == CLI_EXIT_OK && cli_table_print(t, stdout) != 0) {
            fputs("mtl: forecast: out of memory while printing\n", stderr);
            status = CLI_EXIT_ERROR;
        }
        cli_table_free(t);
    } else if (a->format == CLI_FORMAT_JSON && *st == MTL_OK) {
        *st = mtl_json_end_array(w);
    }
    free(groups.items);
    return status;
}

/* ---- output ------------------------------------------------------------ */

int forecast_print_table(const mtl_market *m, const mtl_forecast_summary *s)
{
    int64_t per = mtl_market_minor_per_major(m);
    char b[3][32], d[2][16];
    mtl_date_format(d[0], sizeof d[0], s->period_start);
    mtl_date_format(d[1], sizeof d[1], s->period_end - 1);
    printf("period %s to %s, %s deals open, %s won closed in the period\n\n", d[0], d[1],
           cli_format_int(b[0], 32, s->deal_count), cli_format_int(b[1], 32, s->closed_won_count));
    printf("category       alone      cumulative\n");
    printf("closed      %12s  %12s  (closed)\n", cli_format_major(b[0], 32, s->closed, per),
           cli_format_major(b[1], 32, s->closed, per));
    printf("commit      %12s  %12s  (commit forecast)\n",
           cli_format_major(b[0], 32, s->commit, per),
           cli_format_major(b[1], 32, s->commit_forecast, per));
    printf("best case   %12s  %12s  (best-case forecast)\n",
           cli_format_major(b[0], 32, s->best_case, per),
           cli_format_major(b[1], 32, s->best_case_forecast, per));
    printf("pipeline    %12s  %12s  (open pipeline)\n",
           cli_format_major(b[0], 32, s->pipeline, per),
           cli_format_major(b[1], 32, s->open_pipeline, per));
    printf("omitted     %12s\n\n", cli_format_major(b[0], 32, s->omitted, per));
    printf("expected revenue   %s (sd %s)\n", cli_format_major(b[0], 32, llround(s->expected), per),
           cli_format_major(b[1], 32, llround(sqrt(s->variance)), per));
    printf("P10 / P50 / P90    %s / %s / %s\n", cli_format_major(b[0], 32, s->p10, per),
           cli_format_major(b[1], 32, s->p50, per), cli_format_major(b[2], 32, s->p90, per));
    if (s->target > 0)
        printf("target %s: P(reach) %.1f%%, expected shortfall %s\n",
               cli_format_major(b[0], 32, s->target, per), 100 * s->p_hit_target,
               cli_format_major(b[1], 32, llround(s->expected_shortfall), per));
    printf("deals won          %.1f expected (P10 %lld, P50 %lld, P90 %lld)\n",
           s->won_count_mean, (long long)s->won_count_p10, (long long)s->won_count_p50,
           (long long)s->won_count_p90);
    if (s->method == MTL_FORECAST_EXACT)
        printf("method             exact, grid %g, quantization sd %s, error bound %.2g\n",
               (double)s->grid / (double)per,
               cli_format_major(b[1], 32, llround(s->quantization_sd), per), s->error_bound);
    else
        printf("method             Monte Carlo, %d draws, standard error of the mean %.2f\n",
               (int)s->draws, s->error_bound / (double)per);
    return CLI_EXIT_OK;
}

static int print_csv(const mtl_market *m, const mtl_forecast_summary *s)
{
    double per = (double)mtl_market_minor_per_major(m);
    printf("expected,variance,p10,p50,p90,p_hit_target,expected_shortfall,closed_won,"
           "deals,pipeline,best_case,commit,closed,omitted,commit_forecast,"
           "best_case_forecast,open_pipeline\n");
    printf("%.17g,%.17g,%.17g,%.17g,%.17g,", s->expected / per, s->variance / (per * per),
           (double)s->p10 / per, (double)s->p50 / per, (double)s->p90 / per);
    if (s->target > 0)
        printf("%.17g,%.17g,", s->p_hit_target, s->expected_shortfall / per);
    else
        printf(",,");
    printf("%.17g,%lld,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n",
           (double)s->closed_won_amount / per, (long long)s->deal_count,
           (double)s->pipeline / per, (double)s->best_case / per, (double)s->commit / per,
           (double)s->closed / per, (double)s->omitted / per,
           (double)s->commit_forecast / per, (double)s->best_case_forecast / per,
           (double)s->open_pipeline / per);
    return CLI_EXIT_OK;
}

/* The forecast's members into an open JSON object. */
static mtl_status json_members(mtl_json *w, const mtl_market *m,
                               const mtl_forecast_summary *s)
{
    int64_t per = mtl_market_minor_per_major(m);
    mtl_status st = MTL_OK;
    char d[3][16];
    mtl_date_format(d[0], sizeof d[0], s->period_start);
    mtl_date_format(d[1], sizeof d[1], s->period_end - 1);
    mtl_date_format(d[2], sizeof d[2], s->as_of);
    st = cli_json_string(w, st, "from", d[0]);
    st = cli_json_string(w, st, "to", d[1]);
    st = cli_json_string(w, st, "as_of", d[2]);
    st = cli_json_string(w, st, "method", s->method == MTL_FORECAST_EXACT ? "exact"
                                                                           : "monte-carlo");
    st = cli_json_major(w, st, "expected", s->expected, per);
    st = cli_json_double(w, st, "variance", s->variance / ((double)per * (double)per));
    st = cli_json_major(w, st, "sd", sqrt(s->variance), per);
    st = cli_json_major(w, st, "p10", (double)s->p10, per);
    st = cli_json_major(w, st, "p50", (double)s->p50, per);
    st = cli_json_major(w, st, "p90", (double)s->p90, per);
    if (s->target > 0) {
        st = cli_json_major(w, st, "target", (double)s->target, per);
        st = cli_json_double(w, st, "p_hit_target", s->p_hit_target);
        st = cli_json_major(w, st, "expected_shortfall", s->expected_shortfall, per);
    } else {
        st = cli_json_double(w, st, "target", NAN);
        st = cli_json_double(w, st, "p_hit_target", NAN);
        st = cli_json_double(w, st, "expected_shortfall", NAN);
    }
    st = cli_json_int(w, st, "closed_won_count", s->closed_won_count);
    st = cli_json_major(w, st, "closed_won_amount", (double)s->closed_won_amount, per);
    st = cli_json_major(w, st, "won_to_date_amount", (double)s->won_to_date_amount, per);
    st = cli_json_int(w, st, "deals", s->deal_count);
    if (st == MTL_OK)
        st = mtl_json_key(w, "categories");
    if (st == MTL_OK)
        st = mtl_json_begin_object(w);
    st = cli_json_major(w, st, "pipeline", (double)s->pipeline, per);
    st = cli_json_major(w, st, "best_case", (double)s->best_case, per);
    st = cli_json_major(w, st, "commit", (double)s->commit, per);
    st = cli_json_major(w, st, "closed", (double)s->closed, per);
    st = cli_json_major(w, st, "omitted", (double)s->omitted, per);
    st = cli_json_major(w, st, "commit_forecast", (double)s->commit_forecast, per);
    st = cli_json_major(w, st, "best_case_forecast", (double)s->best_case_forecast, per);
    st = cli_json_major(w, st, "open_pipeline", (double)s->open_pipeline, per);
    if (st == MTL_OK)
        st = mtl_json_end_object(w);
    if (st == MTL_OK)
        st = mtl_json_key(w, "won_count");
    if (st == MTL_OK)
        st = mtl_json_begin_object(w);
    st = cli_json_double(w, st, "mean", s->won_count_mean);
    st = cli_json_double(w, st, "variance", s->won_count_variance);
    st = cli_json_int(w, st, "p10", s->won_count_p10);
    st = cli_json_int(w, st, "p50", s->won_count_p50);
    st = cli_json_int(w, st, "p90", s->won_count_p90);
    if (st == MTL_OK)
        st = mtl_json_end_object(w);
    st = cli_json_major(w, st, "grid", (double)s->grid, per);
    st = cli_json_major(w, st, "quantization_sd", s->quantization_sd, per);
    /* exact: a bound on the probabilities' total error (a pure number);
     * Monte Carlo: the standard error of the mean, an amount */
    if (s->method == MTL_FORECAST_EXACT)
        st = cli_json_double(w, st, "error_bound", s->error_bound);
    else
        st = cli_json_major(w, st, "error_bound", s->error_bound, per);
    st = cli_json_int(w, st, "draws", s->draws);
    return st;
}

static int draw(const char *path, const mtl_market *m, const mtl_forecast *f,
                const mtl_forecast_summary *s)
{
    svg_distribution d;
    memset(&d, 0, sizeof d);
    d.count = mtl_forecast_distribution(f, &d.first, &d.step, &d.prob);
    if (d.count == 0) {
        fputs("mtl: forecast: --svg draws the exact distribution (not with "
              "--monte-carlo)\n", stderr);
        return CLI_EXIT_USAGE;
    }
    d.p10 = s->p10;
    d.p50 = s->p50;
    d.p90 = s->p90;
    d.has_target = s->target > 0;
    d.target = s->target;
    d.minor_per_major = mtl_market_minor_per_major(m);
    return svg_histogram(path, "Period revenue: probability distribution", &d);
}

/* ---- the command ------------------------------------------------------- */

static int run(mtl_market *market, mtl_forecast_options *o, const forecast_args *a)
{
    int64_t per = mtl_market_minor_per_major(market);
    mtl_forecast *f = NULL;
    mtl_forecast_summary s;
    int status = CLI_EXIT_OK;
    if (a->target && cli_amount_to_minor(a->target, per, &o->target) != 0)
        return cli_usage_error("mtl forecast", "--target: '%s' is not an amount", a->target);
    if (a->grid && (cli_amount_to_minor(a->grid, per, &o->grid) != 0 || o->grid == 0))
        return cli_usage_error("mtl forecast", "--grid: '%s' is not a positive amount",
                               a->grid);
    if (a->segment && !(o->segment = mtl_segment_find(market, a->segment))) {
        fprintf(stderr, "mtl: forecast: no segment '%s'\n", a->segment);
        return CLI_EXIT_ERROR;
    }
    if (mtl_forecast_create(&f, market, o) != MTL_OK)
        return cli_library_error("forecast");
    s.struct_size = sizeof s;
    mtl_forecast_summary_get(f, &s);
    if (a->format == CLI_FORMAT_JSON) {
        mtl_json *w = cli_json_stdout();
        mtl_status st;
        if (w == NULL) {
            mtl_forecast_unref(f);
            return CLI_EXIT_ERROR;
        }
        st = mtl_json_begin_object(w);
        if (st == MTL_OK)
            st = json_members(w, market, &s);
        if (a->by != MTL_GROUP_NONE)
            status = by_groups(market, o, a, w, &st);
        if (st == MTL_OK)
            st = mtl_json_end_object(w);
        if (status == CLI_EXIT_OK)
            status = cli_json_done(w, st);
        else
            mtl_json_destroy(w);
    } else {
        status = a->format == CLI_FORMAT_CSV ? print_csv(market, &s)
                                             : forecast_print_table(market, &s);
        if (status == CLI_EXIT_OK && a->by != MTL_GROUP_NONE)
            status = by_groups(market, o, a, NULL, NULL);
    }
    if (status == CLI_EXIT_OK && a->svg)
        status = draw(a->svg, market, f, &s);
    mtl_forecast_unref(f);
    return cli_finish_output(status);
}

int mtl_cmd_forecast(int argc, char **argv)
{
    cli_parser parser;
    cli_import_settings settings;
    mtl_forecast_options o;
    forecast_args a;
    int opt, status;
    int32_t to = MTL_DATE_NONE;
    const char *path = NULL;
    int64_t n;
    uint64_t seed;
    mtl_market *market = NULL;

    memset(&settings, 0, sizeof settings);
    memset(&a, 0, sizeof a);
    mtl_forecast_options_init(&o, sizeof o);
    cli_parser_init(&parser, "mtl forecast", argc, argv);
    while ((opt = cli_parser_next(&parser, forecast_opts, FORECAST_OPT_COUNT)) !=
           CLI_OPT_END) {
        status = CLI_EXIT_OK;
        if (opt >= 0 && opt < CLI_INPUT_OPTION_COUNT) {
            status = cli_input_option(&parser, opt, &settings);
        } else switch (opt) {
        case OPT_FROM: status = cli_parse_day(&parser, &o.period_start); break;
        case OPT_TO: status = cli_parse_day(&parser, &to); break;
        case OPT_AS_OF: status = cli_parse_day(&parser, &o.as_of); break;
        case OPT_TARGET: a.target = parser.value; break;
        case OPT_GRID: a.grid = parser.value; break;
        case OPT_SOURCE: status = cli_parse_source(&parser, &o.probability_source); break;
        case OPT_MC: o.method = MTL_FORECAST_MONTE_CARLO; break;
        case OPT_DRAWS:
            status = cli_parser_int64(&parser, 1, 10000000, &n);
            o.draws = (int32_t)n;
            break;
        case OPT_SEED:
            status = cli_parser_uint64(&parser, UINT64_MAX, &seed);
            o.seed = seed;
            break;
        case OPT_CORRELATION:
            o.correlation = strtod(parser.value, NULL);
            if (!(o.correlation >= 0 && o.correlation < 1))
                return cli_usage_error(parser.command, "--correlation: '%s' is not in "
                                       "[0, 1)", parser.value);
            break;
        case OPT_SEGMENT: a.segment = parser.value; break;
        case OPT_REGION: o.region = parser.value; break;
        case OPT_OWNER: o.owner = parser.value; break;
        case OPT_BY:
            if (cli_parse_group(parser.value, &a.by) != 0)
                return cli_usage_error(parser.command, "--by: '%s' is not a grouping "
                                       "(see --help)", parser.value);
            break;
        case OPT_FORMAT: status = cli_parse_format(&parser, &a.format); break;
        case OPT_SVG: a.svg = parser.value; break;
        case OPT_HELP: forecast_help(stdout); return CLI_EXIT_OK;
        case CLI_OPT_POSITIONAL:
            status = cli_take_input(&parser, &path);
            break;
        default: return CLI_EXIT_USAGE;
        }
        if (status != CLI_EXIT_OK)
            return status;
    }
    if (path == NULL)
        return cli_usage_error(parser.command, "no snapshot or CSV file given");
    if ((status = cli_period(parser.command, o.period_start, to, 1, &o.period_end)))
        return status;
    status = cli_open_market(&market, path, MTL_KIND_LEADS, &settings, NULL);
    if (status != CLI_EXIT_OK)
        return status;
    status = run(market, &o, &a);
    mtl_market_unref(market);
    return status;
}
