/*
 * funnel.c: `mtl funnel` — the funnel of a snapshot or CSV file by stage,
 * optionally grouped, with the seed indicators and the funnel-mouth plan
 * (library: funnel.h; method: docs/methods/funnel.md).
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

static const cli_option funnel_opts[] = {
    CLI_INPUT_OPTIONS,
    { "by", 0, "KEY", "group by segment, region, owner, grade, source, "
                      "cohort:month, cohort:quarter or cohort:year" },
    { "format", 'f', "FORMAT", "table (default), csv or json" },
    { "svg", 0, "FILE", "also draw the funnel (total) as SVG" },
    { "from", 0, "DATE", "period start (for coverage V, BPI and the plan)" },
    { "to", 0, "DATE", "period end, inclusive" },
    { "as-of", 0, "DATE", "as-of day for won to date (default: the period end)" },
    { "target", 0, "AMOUNT", "period target in major units (coverage, plan)" },
    { "weeks", 0, "N", "weeks for the new leads of the plan (default: to period end)" },
    { "confidence", 0, "C", "win-rate interval confidence (default 0.90)" },
    { "help", 'h', NULL, "show this help and exit" },
};
enum {
    OPT_BY = CLI_INPUT_OPTION_COUNT, OPT_FORMAT, OPT_SVG, OPT_FROM, OPT_TO,
    OPT_AS_OF, OPT_TARGET, OPT_WEEKS, OPT_CONFIDENCE, OPT_HELP
};
#define FUNNEL_OPT_COUNT (sizeof funnel_opts / sizeof funnel_opts[0])

static void funnel_help(FILE *out)
{
    fputs("Usage: mtl funnel SNAPSHOT|FILE.csv [--by KEY] [--format table|csv|json]\n"
          "                  [--svg FILE] [--from DATE --to DATE] [--as-of DATE]\n"
          "                  [--target AMOUNT] [--weeks N] [--confidence C]\n"
          "                  [--map MAP] [--stages STAGES] [--sep C] ...\n"
          "\n"
          "The sales funnel: per stage the open leads, open and weighted amount,\n"
          "leads that reached the stage, stage-to-next conversion and the win\n"
          "rate from the stage with its Wilson interval (a stage probability\n"
          "outside it is flagged); then the indicators L (lead conversion),\n"
          "T (win rate by count and amount), V (coverage) and BPI (won in the\n"
          "period), the sales cycle and velocity, and with --target the\n"
          "\"widen the funnel mouth\" plan.  --by groups everything (the total\n"
          "comes first).  Method: docs/methods/funnel.md.\n"
          "\n"
          "Options:\n", out);
    cli_print_options(out, funnel_opts, FUNNEL_OPT_COUNT);
    fputs("\n"
          "JSON: {\"totals\": {leads, open, won, lost, won_amount, win_rate, ...},\n"
          "\"stages\": [{stage, open_count, open_amount, weighted_amount, win_rate,\n"
          "win_rate_low, win_rate_high, ...}], \"groups\": [{name, totals, stages}]}\n"
          "with amounts in major units and null where a rate has no data.\n"
          "\n"
          "Exit status: 0 on success, 1 on bad input or a library error, 2 on\n"
          "a usage error.\n", out);
}


static const char *calibration_name(int32_t c)
{
    switch (c) {
    case MTL_CALIBRATION_BELOW: return "below";
    case MTL_CALIBRATION_ABOVE: return "above";
    case MTL_CALIBRATION_INSIDE: return "ok";
    default: return "";
    }
}

static const char *percent(char *buf, size_t cap, double v)
{
    if (isnan(v))
        return "-";
    snprintf(buf, cap, "%.1f%%", 100 * v);
    return buf;
}

/* ---- table ------------------------------------------------------------- */

static int print_stages(const mtl_market *m, const mtl_funnel *f, size_t g,
                        double confidence)
{
    char interval[32];
    const char *head[] = { "stage", "open", "open amount", "weighted",
                           "won", "lost", "reached", "conversion",
                           "win rate", interval, "model p", "calib." };
    static const int align[] = { CLI_ALIGN_LEFT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT,
                                 CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT,
                                 CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT,
                                 CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT, CLI_ALIGN_LEFT };
    int64_t per = mtl_market_minor_per_major(m);
    cli_table *t;
    char b[4][32];
    int32_t s;
    int rc;
    snprintf(interval, sizeof interval, "%g%% interval",
             100 * (confidence > 0 ? confidence : 0.90));
    t = cli_table_new(12, head, align);
    for (s = 0; s < mtl_funnel_stage_count(f); s++) {
        mtl_funnel_stage r;
        r.struct_size = sizeof r;
        mtl_funnel_stage_at(f, g, s, &r);
        cli_table_add(t, mtl_market_stage_name(m, s));
        cli_table_add(t, cli_format_int(b[0], sizeof b[0], r.open_count));
        cli_table_add(t, cli_format_major(b[0], sizeof b[0], r.open_amount, per));
        cli_table_add(t, cli_format_major(b[0], sizeof b[0], llround(r.weighted_amount), per));
        cli_table_add(t, cli_format_int(b[0], sizeof b[0], r.won_count));
        cli_table_add(t, cli_format_int(b[0], sizeof b[0], r.lost_count));
        cli_table_add(t, cli_format_int(b[0], sizeof b[0], r.reached));
        cli_table_add(t, percent(b[0], sizeof b[0], r.conversion));
        cli_table_add(t, percent(b[0], sizeof b[0], r.win_rate));
        if (isnan(r.win_rate))
            cli_table_add(t, "-");
        else
            cli_table_addf(t, "%s-%s", percent(b[1], sizeof b[1], r.win_rate_low),
                           percent(b[2], sizeof b[2], r.win_rate_high));
        cli_table_add(t, percent(b[3], sizeof b[3], r.model_probability));
        cli_table_add(t, calibration_name(r.calibration));
    }
    rc = cli_table_print(t, stdout);
    cli_table_free(t);
    return rc;
}

static void print_summary(const mtl_market *m, const mtl_funnel_summary *s,
                          const mtl_funnel_options *o)
{
    int64_t per = mtl_market_minor_per_major(m);
    char b[5][32]; /* one buffer per formatted argument of a printf */
    printf("leads %s: open %s, won %s, lost %s\n", cli_format_int(b[0], 32, s->leads),
           cli_format_int(b[1], 32, s->open), cli_format_int(b[2], 32, s->won),
           cli_format_int(b[3], 32, s->lost));
    printf("open amount %s, weighted %s, won amount %s\n",
           cli_format_major(b[0], 32, s->open_amount, per),
           cli_format_major(b[1], 32, llround(s->weighted_amount), per),
           cli_format_major(b[2], 32, s->won_amount, per));
    printf("T win rate %s by count, %s by amount; L lead conversion %s (%s of %s verified)\n",
           percent(b[0], 32, s->win_rate), percent(b[1], 32, s->win_rate_amount),
           percent(b[2], 32, s->lead_conversion), cli_format_int(b[3], 32, s->converted),
           cli_format_int(b[4], 32, s->verified));
    if (s->cycle_count > 0)
        printf("cycle (created to won) %.1f days mean, %.1f median, %.1f p90; "
               "velocity %s per day\n",
               s->cycle_mean, s->cycle_median, s->cycle_p90,
               cli_format_major(b[0], 32, llround(s->velocity), per));
    if (o->period_start != MTL_DATE_NONE) {
        printf("BPI won in period %s for %s; won to date %s; open expected in period %s "
               "(weighted %s)\n",
               cli_format_int(b[0], 32, s->period_won),
               cli_format_major(b[1], 32, s->period_won_amount, per),
               cli_format_major(b[2], 32, s->won_to_date_amount, per),
               cli_format_major(b[3], 32, s->period_open_amount, per),
               cli_format_major(b[4], 32, llround(s->period_weighted_amount), per));
        if (o->target > 0)
            printf("V coverage %.2f (weighted %.2f)\n", s->coverage, s->coverage_weighted);
    }
    if (o->target > 0 && isfinite(s->plan_new_leads_per_week))
        printf("plan: gap %s needs %.0f wins, %.0f new leads (%.1f per week)\n",
               cli_format_major(b[0], 32, llround(s->plan_gap), per), s->plan_wins,
               s->plan_new_leads, s->plan_new_leads_per_week);
    else if (o->target > 0)
        printf("plan: gap %s needs %.0f wins, %.0f new leads (give --weeks or a period "
               "for a weekly figure)\n",
               cli_format_major(b[0], 32, llround(s->plan_gap), per), s->plan_wins,
               s->plan_new_leads);
}

int funnel_print_table(const mtl_market *m, const mtl_funnel *f,
                       const mtl_funnel_options *o)
{
    mtl_funnel_summary s;
    size_t g, n = mtl_funnel_group_count(f);
    int64_t per = mtl_market_minor_per_major(m);
    s.struct_size = sizeof s;
    if (print_stages(m, f, 0, o->confidence) != 0)
        return CLI_EXIT_ERROR;
    putchar('\n');
    mtl_funnel_summary_at(f, 0, &s);
    print_summary(m, &s, o);
    if (n > 1) {
        static const char *const head[] = { "group", "leads", "open", "won", "lost",
                                            "win rate", "open amount", "weighted",
                                            "won amount", "cycle days" };
        static const int align[] = { CLI_ALIGN_LEFT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT,
                                     CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT,
                                     CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT,
                                     CLI_ALIGN_RIGHT };
        cli_table *t = cli_table_new(10, head, align);
        char b[32];
        int rc;
        for (g = 0; g < n; g++) {
            mtl_funnel_summary_at(f, g, &s);
            if (g == 1)
                cli_table_rule(t);
            cli_table_add(t, mtl_funnel_group_name(f, g));
            cli_table_add(t, cli_format_int(b, sizeof b, s.leads));
            cli_table_add(t, cli_format_int(b, sizeof b, s.open));
            cli_table_add(t, cli_format_int(b, sizeof b, s.won));
            cli_table_add(t, cli_format_int(b, sizeof b, s.lost));
            cli_table_add(t, percent(b, sizeof b, s.win_rate));
            cli_table_add(t, cli_format_major(b, sizeof b, s.open_amount, per));
            cli_table_add(t, cli_format_major(b, sizeof b, llround(s.weighted_amount), per));
            cli_table_add(t, cli_format_major(b, sizeof b, s.won_amount, per));
            if (s.cycle_count)
                cli_table_addf(t, "%.1f", s.cycle_mean);
            else
                cli_table_add(t, "-");
        }
        putchar('\n');
        rc = cli_table_print(t, stdout);
        cli_table_free(t);
        if (rc != 0)
            return CLI_EXIT_ERROR;
    }
    return CLI_EXIT_OK;
}

/* ---- CSV --------------------------------------------------------------- */

static void print_csv(const mtl_market *m, const mtl_funnel *f)
{
    size_t g;
    int32_t s;
    double per = (double)mtl_market_minor_per_major(m);
    fputs("group,stage,open_count,open_amount,weighted_amount,won_count,lost_count,"
          "won_amount,lost_amount,reached,won_reached,lost_reached,conversion,win_rate,"
          "win_rate_low,win_rate_high,model_probability,calibration,days_mean,"
          "days_median,days_p90\n",
          stdout);
    for (g = 0; g < mtl_funnel_group_count(f); g++)
        for (s = 0; s < mtl_funnel_stage_count(f); s++) {
            mtl_funnel_stage r;
            r.struct_size = sizeof r;
            mtl_funnel_stage_at(f, g, s, &r);
            cli_csv_field(stdout, mtl_funnel_group_name(f, g), 0);
            cli_csv_field(stdout, mtl_market_stage_name(m, s), 0);
            printf("%lld,%.17g,%.17g,%lld,%lld,%.17g,%.17g,%lld,%lld,%lld,", (long long)r.open_count,
                   (double)r.open_amount / per, r.weighted_amount / per,
                   (long long)r.won_count, (long long)r.lost_count,
                   (double)r.won_amount / per, (double)r.lost_amount / per,
                   (long long)r.reached, (long long)r.won_reached, (long long)r.lost_reached);
            /* empty cells where a rate has no data */
#define CELL(v, last) (isnan(v) ? printf("%s", (last) ? "\n" : ",") \
                                : printf("%.17g%s", (v), (last) ? "\n" : ","))
            CELL(r.conversion, 0);
            CELL(r.win_rate, 0);
            CELL(r.win_rate_low, 0);
            CELL(r.win_rate_high, 0);
            CELL(r.model_probability, 0);
            printf("%s,", calibration_name(r.calibration));
            CELL(r.days_mean, 0);
            CELL(r.days_median, 0);
            CELL(r.days_p90, 1);
#undef CELL
        }
}

/* ---- JSON -------------------------------------------------------------- */

static mtl_status json_group(mtl_json *w, const mtl_market *m, const mtl_funnel *f,
                             size_t g)
{
    int64_t per = mtl_market_minor_per_major(m);
    mtl_funnel_summary s;
    mtl_status st;
    int32_t k;
    s.struct_size = sizeof s;
    mtl_funnel_summary_at(f, g, &s);
    st = mtl_json_key(w, "totals");
    if (st == MTL_OK)
        st = mtl_json_begin_object(w);
    st = cli_json_int(w, st, "leads", s.leads);
    st = cli_json_int(w, st, "open", s.open);
    st = cli_json_int(w, st, "won", s.won);
    st = cli_json_int(w, st, "lost", s.lost);
    st = cli_json_major(w, st, "won_amount", (double)s.won_amount, per);
    st = cli_json_major(w, st, "lost_amount", (double)s.lost_amount, per);
    st = cli_json_major(w, st, "open_amount", (double)s.open_amount, per);
    st = cli_json_major(w, st, "weighted_amount", s.weighted_amount, per);
    st = cli_json_double(w, st, "win_rate", s.win_rate);
    st = cli_json_double(w, st, "win_rate_amount", s.win_rate_amount);
    st = cli_json_int(w, st, "verified", s.verified);
    st = cli_json_int(w, st, "converted", s.converted);
    st = cli_json_double(w, st, "lead_conversion", s.lead_conversion);
    st = cli_json_int(w, st, "period_won", s.period_won);
    st = cli_json_major(w, st, "period_won_amount", (double)s.period_won_amount, per);
    st = cli_json_major(w, st, "won_to_date_amount", (double)s.won_to_date_amount, per);
    st = cli_json_major(w, st, "period_open_amount", (double)s.period_open_amount, per);
    st = cli_json_major(w, st, "period_weighted_amount", s.period_weighted_amount, per);
    st = cli_json_double(w, st, "coverage", s.coverage);
    st = cli_json_double(w, st, "coverage_weighted", s.coverage_weighted);
    st = cli_json_int(w, st, "cycle_count", s.cycle_count);
    st = cli_json_double(w, st, "cycle_mean", s.cycle_mean);
    st = cli_json_double(w, st, "cycle_median", s.cycle_median);
    st = cli_json_double(w, st, "cycle_p90", s.cycle_p90);
    st = cli_json_major(w, st, "average_won_amount", s.average_won_amount, per);
    st = cli_json_major(w, st, "velocity", s.velocity, per);
    st = cli_json_major(w, st, "plan_gap", s.plan_gap, per);
    st = cli_json_double(w, st, "plan_wins", s.plan_wins);
    st = cli_json_double(w, st, "plan_new_leads", s.plan_new_leads);
    st = cli_json_double(w, st, "plan_new_leads_per_week", s.plan_new_leads_per_week);
    if (st == MTL_OK)
        st = mtl_json_end_object(w);
    if (st == MTL_OK)
        st = mtl_json_key(w, "stages");
    if (st == MTL_OK)
        st = mtl_json_begin_array(w);
    for (k = 0; k < mtl_funnel_stage_count(f) && st == MTL_OK; k++) {
        mtl_funnel_stage r;
        double leads, pipeline;
        r.struct_size = sizeof r;
        mtl_funnel_stage_at(f, g, k, &r);
        mtl_funnel_plan_at(f, g, k, &leads, &pipeline);
        st = mtl_json_begin_object(w);
        st = cli_json_string(w, st, "stage", mtl_market_stage_name(m, k));
        st = cli_json_int(w, st, "open_count", r.open_count);
        st = cli_json_major(w, st, "open_amount", (double)r.open_amount, per);
        st = cli_json_major(w, st, "weighted_amount", r.weighted_amount, per);
        st = cli_json_int(w, st, "won_count", r.won_count);
        st = cli_json_int(w, st, "lost_count", r.lost_count);
        st = cli_json_major(w, st, "won_amount", (double)r.won_amount, per);
        st = cli_json_major(w, st, "lost_amount", (double)r.lost_amount, per);
        st = cli_json_int(w, st, "reached", r.reached);
        st = cli_json_int(w, st, "won_reached", r.won_reached);
        st = cli_json_int(w, st, "lost_reached", r.lost_reached);
        st = cli_json_double(w, st, "conversion", r.conversion);
        st = cli_json_double(w, st, "win_rate", r.win_rate);
        st = cli_json_double(w, st, "win_rate_low", r.win_rate_low);
        st = cli_json_double(w, st, "win_rate_high", r.win_rate_high);
        st = cli_json_double(w, st, "model_probability", r.model_probability);
        st = cli_json_string(w, st, "calibration", calibration_name(r.calibration));
        st = cli_json_int(w, st, "days_count", r.days_count);
        st = cli_json_double(w, st, "days_mean", r.days_mean);
        st = cli_json_double(w, st, "days_median", r.days_median);
        st = cli_json_double(w, st, "days_p90", r.days_p90);
        st = cli_json_double(w, st, "plan_leads", leads);
        st = cli_json_major(w, st, "plan_pipeline", pipeline, per);
        if (st == MTL_OK)
            st = mtl_json_end_object(w);
    }
    if (st == MTL_OK)
        st = mtl_json_end_array(w);
    return st;
}

static int print_json(const mtl_market *m, const mtl_funnel *f)
{
    mtl_json *w = cli_json_stdout();
    mtl_status st;
    size_t g;
    if (w == NULL)
        return CLI_EXIT_ERROR;
    st = mtl_json_begin_object(w);
    if (st == MTL_OK)
        st = json_group(w, m, f, 0);
    if (st == MTL_OK)
        st = mtl_json_key(w, "groups");
    if (st == MTL_OK)
        st = mtl_json_begin_array(w);
    for (g = 1; g < mtl_funnel_group_count(f) && st == MTL_OK; g++) {
        st = mtl_json_begin_object(w);
        st = cli_json_string(w, st, "name", mtl_funnel_group_name(f, g));
        if (st == MTL_OK)
            st = json_group(w, m, f, g);
        if (st == MTL_OK)
            st = mtl_json_end_object(w);
    }
    if (st == MTL_OK)
        st = mtl_json_end_array(w);
    if (st == MTL_OK)
        st = mtl_json_end_object(w);
    return cli_json_done(w, st);
}

/* ---- SVG --------------------------------------------------------------- */

static int draw(const char *path, const mtl_market *m, const mtl_funnel *f)
{
    svg_funnel_bar bars[MTL_STAGE_MAX];
    char notes[MTL_STAGE_MAX][64], b[2][32];
    int32_t s, n = mtl_funnel_stage_count(f);
    for (s = 0; s < n; s++) {
        mtl_funnel_stage r;
        r.struct_size = sizeof r;
        mtl_funnel_stage_at(f, 0, s, &r);
        bars[s].label = mtl_market_stage_name(m, s);
        bars[s].value = (double)r.reached;
        if (isnan(r.conversion))
            snprintf(notes[s], sizeof notes[s], "%s reached",
                     cli_format_int(b[0], sizeof b[0], r.reached));
        else
            snprintf(notes[s], sizeof notes[s], "%s reached, %s moved on",
                     cli_format_int(b[0], sizeof b[0], r.reached),
                     percent(b[1], sizeof b[1], r.conversion));
        bars[s].note = notes[s];
    }
    return svg_funnel(path, "Funnel: leads that reached each stage", bars, (size_t)n);
}

/* ---- the command ------------------------------------------------------- */

int mtl_cmd_funnel(int argc, char **argv)
{
    cli_parser parser;
    cli_import_settings settings;
    mtl_funnel_options o;
    const char *path = NULL, *svg = NULL, *target = NULL;
    int format = CLI_FORMAT_TABLE, opt, status;
    int32_t to = MTL_DATE_NONE;
    int64_t n;
    mtl_market *market = NULL;
    mtl_funnel *f = NULL;

    memset(&settings, 0, sizeof settings);
    mtl_funnel_options_init(&o, sizeof o);
    cli_parser_init(&parser, "mtl funnel", argc, argv);
    while ((opt = cli_parser_next(&parser, funnel_opts, FUNNEL_OPT_COUNT)) != CLI_OPT_END) {
        status = CLI_EXIT_OK;
        if (opt >= 0 && opt < CLI_INPUT_OPTION_COUNT) {
            status = cli_input_option(&parser, opt, &settings);
        } else switch (opt) {
        case OPT_BY:
            if (cli_parse_group(parser.value, &o.group_by) != 0)
                return cli_usage_error(parser.command, "--by: '%s' is not a grouping "
                                       "(see --help)", parser.value);
            break;
        case OPT_FORMAT: status = cli_parse_format(&parser, &format); break;
        case OPT_SVG: svg = parser.value; break;
        case OPT_FROM: status = cli_parse_day(&parser, &o.period_start); break;
        case OPT_TO: status = cli_parse_day(&parser, &to); break;
        case OPT_AS_OF: status = cli_parse_day(&parser, &o.as_of); break;
        case OPT_TARGET: target = parser.value; break;
        case OPT_WEEKS:
            status = cli_parser_int64(&parser, 1, 10000, &n);
            o.weeks = (int32_t)n;
            break;
        case OPT_CONFIDENCE:
            o.confidence = strtod(parser.value, NULL);
            if (!(o.confidence > 0 && o.confidence < 1))
                return cli_usage_error(parser.command, "--confidence: '%s' is not in "
                                       "(0, 1)", parser.value);
            break;
        case OPT_HELP: funnel_help(stdout); return CLI_EXIT_OK;
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
    if ((status = cli_period(parser.command, o.period_start, to, 0, &o.period_end)))
        return status;
    status = cli_open_market(&market, path, MTL_KIND_LEADS, &settings, NULL);
    if (status != CLI_EXIT_OK)
        return status;
    if (target && cli_amount_to_minor(target, mtl_market_minor_per_major(market),
                                      &o.target) != 0) {
        mtl_market_unref(market);
        return cli_usage_error(parser.command, "--target: '%s' is not an amount", target);
    }
    if (mtl_funnel_compute(&f, market, &o) != MTL_OK) {
        status = cli_library_error("funnel");
    } else {
        if (format == CLI_FORMAT_JSON)
            status = print_json(market, f);
        else if (format == CLI_FORMAT_CSV)
            print_csv(market, f);
        else
            status = funnel_print_table(market, f, &o);
        if (status == CLI_EXIT_OK && svg)
            status = draw(svg, market, f);
        status = cli_finish_output(status);
    }
    mtl_funnel_destroy(f);
    mtl_market_unref(market);
    return status;
}
