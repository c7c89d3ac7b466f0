/*
 * segments.c: `mtl segments` — five looks, three decisions and SPAN per
 * segment, in priority order (library: strategy.h; methods:
 * docs/methods/five-looks.md, span.md).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <mtl.h>

#include "commands.h"
#include "report.h"
#include "reports.h"
#include "svg.h"
#include "svg_span.h"
#include "util.h"

static const cli_option segments_opts[] = {
    CLI_REPORT_OPTIONS,
    { "svg", 0, "FILE", "also draw the SPAN bubble matrix as SVG" },
    { "cut", 0, "C[,P]", "SPAN cuts of attractiveness and position, 1-10 (default 5.5)" },
    { "min-margin", 0, "RATE", "gross-margin gate on grow/invest: 0.2 or 20% (default), none" },
    { "min-revenue", 0, "AMOUNT", "revenue gate on grow/invest, major units (default none)" },
    { "normalise", 0, "HOW", "market size and growth: relative (default) or bands" },
    { "size-band", 0, "LOW,HIGH", "market-size band for --normalise bands, major units" },
    { "growth-band", 0, "LOW,HIGH", "growth band for --normalise bands: 0,0.2 or 0%,20%" },
    { "top-items", 0, "N", "top opportunities and threats per segment (default 3)" },
    { "help", 'h', NULL, "show this help and exit" },
};
enum {
    OPT_SVG = CLI_REPORT_OPTION_COUNT, OPT_CUT, OPT_MIN_MARGIN, OPT_MIN_REVENUE,
    OPT_NORMALISE, OPT_SIZE_BAND, OPT_GROWTH_BAND, OPT_TOP_ITEMS, OPT_HELP
};
#define SEGMENTS_OPT_COUNT (sizeof segments_opts / sizeof segments_opts[0])

static void segments_help(FILE *out)
{
    fputs("Usage: mtl segments SNAPSHOT [[--kind KIND] FILE.csv ...]\n"
          "                    [--format table|csv|json] [--svg FILE] [--cut C[,P]]\n"
          "                    [--min-margin RATE|none] [--min-revenue AMOUNT]\n"
          "                    [--normalise relative|bands --size-band LOW,HIGH\n"
          "                     --growth-band LOW,HIGH] [--top-items N]\n"
          "       mtl segments --kind segments segments.csv --kind factors factors.csv\n"
          "                    --kind looks looks.csv --kind appeals appeals.csv ...\n"
          "\n"
          "Five looks, three decisions (五看三定) and SPAN for every segment, in\n"
          "priority order: the priority and its factors (attractiveness,\n"
          "competitive position, pain index / 10, look balance), the SPAN quadrant\n"
          "and the strategy it gives, the financial gates that vetoed grow/invest,\n"
          "the revenue target and its basis, the top opportunities and threats of\n"
          "the five looks and the ranked control points.  The input is a snapshot\n"
          "and/or CSV files, each of the --kind before it (as for mtl import).\n"
          "Methods: docs/methods/five-looks.md and docs/methods/span.md.\n"
          "\n"
          "Options:\n", out);
    cli_print_options(out, segments_opts, SEGMENTS_OPT_COUNT);
    fputs("\n"
          "CSV: one row per segment: rank,id,name,priority,attractiveness,position,\n"
          "pain_index,look_balance,quadrant,strategy,gates,competitor,market_size,\n"
          "revenue,target,target_basis,profit_potential (amounts in major units,\n"
          "empty where unknown).  JSON: {\"segments\": [{rank, id, name, priority,\n"
          "attractiveness, position, look_balance, pain_index, quadrant, strategy,\n"
          "gates, ..., looks: [...], control_points: [...]}]} where every score is\n"
          "{\"value\": v, \"terms\": [{factor, weight, value, contribution}]}.\n"
          "\n"
          "Exit status: 0 on success, 1 on bad input or a library error, 2 on\n"
          "a usage error.\n", out);
}

/* ---- names ------------------------------------------------------------ */

static const char *const quadrant_names[] = {
    "unrated", "grow / invest", "acquire skills", "harvest", "avoid / exit",
};
static const char *const quadrant_keys[] = {
    "unrated", "grow", "acquire_skills", "harvest", "avoid",
};
static const char *const strategy_names[] = {
    "unrated", "invest", "build", "harvest", "exit", "fix economics",
};
static const char *const strategy_keys[] = {
    "unrated", "invest", "build", "harvest", "exit", "fix_economics",
};
static const char *const basis_names[] = { "none", "share", "growth", "market" };
static const char *const look_names[] = {
    "trend", "industry", "customer", "competition", "self", "opportunity",
};
static const char *const control_names[] = {
    "?", "cost", "product", "relationship", "brand", "standard", "value_chain",
};
#define NAME(names, v) cli_name_of(names, sizeof names / sizeof names[0], v)

/* "revenue+margin", "" when no gate fired. */
static const char *gates_text(char *buf, size_t cap, int32_t veto)
{
    snprintf(buf, cap, "%s%s%s", veto & MTL_GATE_REVENUE ? "revenue" : "",
             (veto & MTL_GATE_REVENUE) && (veto & MTL_GATE_MARGIN) ? "+" : "",
             veto & MTL_GATE_MARGIN ? "margin" : "");
    return buf;
}

/* What the printers show. */
typedef struct segments_view {
    const mtl_market *market;
    const mtl_strategy *strategy;
    const mtl_strategy_options *options;
} segments_view;

static mtl_strategy_segment segment_at(const mtl_strategy *s, size_t i)
{
    mtl_strategy_segment r;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    mtl_strategy_segment_at(s, i, &r);
    return r;
}

static const char *amount_or_dash(char *buf, size_t cap, int64_t minor, int64_t per)
{
    return minor < 0 ? "-" : cli_format_major(buf, cap, minor, per);
}

/* ---- table -------------------------------------------------------------- */

int segments_print_span(const mtl_market *market, const mtl_strategy *s)
{
    static const char *const head[] = {
        "rank", "segment", "name", "priority", "attract.", "position", "pain",
        "balance", "quadrant", "strategy", "gates", "market size", "target",
    };
    static const int align[] = {
        CLI_ALIGN_RIGHT, CLI_ALIGN_LEFT, CLI_ALIGN_LEFT, CLI_ALIGN_RIGHT,
        CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT,
        CLI_ALIGN_LEFT, CLI_ALIGN_LEFT, CLI_ALIGN_LEFT, CLI_ALIGN_RIGHT,
        CLI_ALIGN_RIGHT,
    };
    int64_t per = mtl_market_minor_per_major(market);
    cli_table *t = cli_table_new(13, head, align);
    size_t i, n = mtl_strategy_segment_count(s);
    char b[32];
    int rc;

    for (i = 0; i < n; i++) {
        mtl_strategy_segment r = segment_at(s, i);
        cli_table_addf(t, "%zu", r.rank);
        cli_table_add(t, r.id);
        cli_table_add(t, r.name);
        cli_table_add(t, cli_format_number(b, sizeof b, r.priority.value, 2));
        cli_table_add(t, cli_format_number(b, sizeof b, r.attractiveness.value, 2));
        cli_table_add(t, cli_format_number(b, sizeof b, r.position.value, 2));
        cli_table_add(t, cli_format_number(b, sizeof b, r.pain_index.value, 1));
        cli_table_add(t, cli_format_number(b, sizeof b, r.look_balance.value, 2));
        cli_table_add(t, NAME(quadrant_names, r.quadrant));
        cli_table_add(t, NAME(strategy_names, r.strategy));
        cli_table_add(t, r.gate_veto ? gates_text(b, sizeof b, r.gate_veto) : "");
        cli_table_add(t, amount_or_dash(b, sizeof b, r.market_size, per));
        cli_table_add(t, cli_format_major(b, sizeof b, r.target, per));
    }
    rc = cli_table_print(t, stdout);
    cli_table_free(t);
    return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
}

/* "share: 2,800,000,000 x 1.2%" */
static void target_basis_text(char *buf, size_t cap, const mtl_segment *seg,
                              const mtl_strategy_segment *r, int64_t per)
{
    mtl_segment_factors f;
    char a[32];

    memset(&f, 0, sizeof f);
    mtl_segment_factors_init(&f, sizeof f);
    if (seg != NULL)
        mtl_segment_factors_get(seg, &f);
    switch (r->target_basis) {
    case MTL_TARGET_BASIS_SHARE:
        snprintf(buf, cap, "market size %s x share goal %g%%",
                 cli_format_major(a, sizeof a, r->market_size, per), 100 * f.share_goal);
        break;
    case MTL_TARGET_BASIS_GROWTH:
        snprintf(buf, cap, "revenue %s x (1 + growth goal %g%%)",
                 cli_format_major(a, sizeof a, r->revenue, per), 100 * f.growth_goal);
        break;
    case MTL_TARGET_BASIS_MARKET:
        snprintf(buf, cap, "revenue %s x (1 + market growth %g%%)",
                 cli_format_major(a, sizeof a, r->revenue, per), 100 * f.growth);
        break;
    default:
        snprintf(buf, cap, "no basis: neither market size x share goal nor revenue known");
    }
}

/* Why a segment has no quadrant. */
static const char *unrated_why(const mtl_strategy_segment *r)
{
    if (isnan(r->position.value) && isnan(r->attractiveness.value))
        return "no competitive position and no market attractiveness";
    return isnan(r->position.value) ? "no competitive position: no $APPEALS ratings"
                                    : "no market attractiveness: no factors";
}

/* The decisions behind each segment: strategy and the items behind it,
 * the target, the control points. */
static int print_details(const mtl_market *market, const mtl_strategy *s)
{
    int64_t per = mtl_market_minor_per_major(market);
    size_t i, k, n = mtl_strategy_segment_count(s), unrated = 0;
    char b[2][32], basis[160];

    for (i = 0; i < n; i++) {
        mtl_strategy_segment r = segment_at(s, i);
        const mtl_segment *seg = mtl_segment_find(market, r.id);

        if (r.quadrant == MTL_SPAN_UNRATED)
            printf("\n%zu. %s %s: unrated (%s", r.rank, r.id, r.name, unrated_why(&r));
        else
            printf("\n%zu. %s %s: %s (%s", r.rank, r.id, r.name,
                   NAME(strategy_names, r.strategy), NAME(quadrant_names, r.quadrant));
        if (r.gate_veto)
            printf(", vetoed by the %s gate", gates_text(b[0], sizeof b[0], r.gate_veto));
        if (r.competitor[0] != '\0')
            printf("; strongest competitor %s", r.competitor);
        printf(")\n");
        target_basis_text(basis, sizeof basis, seg, &r, per);
        printf("   target %s: %s\n", cli_format_major(b[0], sizeof b[0], r.target, per),
               basis);
        for (k = 0; k < r.look_count; k++) {
            mtl_strategy_look l;
            memset(&l, 0, sizeof l);
            l.struct_size = sizeof l;
            mtl_strategy_look_at(s, i, k, &l);
            if (l.top == 0)
                continue;
            printf("   %s %s (%s, impact %+g, likelihood %g, score %.2f)\n",
                   l.top > 0 ? "+" : "-", l.text, NAME(look_names, l.look), l.impact,
                   l.likelihood, l.rank_score.value);
        }
        for (k = 0; k < r.control_point_count; k++) {
            mtl_strategy_control_point c;
            memset(&c, 0, sizeof c);
            c.struct_size = sizeof c;
            mtl_strategy_control_point_at(s, i, k, &c);
            printf("   %s %zu. %s (%s, attainability %g, score %.2f)\n",
                   k == 0 ? "control points:" : "               ", k + 1, c.text,
                   NAME(control_names, c.kind), c.attainability, c.score.value);
        }
        if (r.quadrant == MTL_SPAN_UNRATED)
            unrated++;
    }
    if (unrated > 0) {
        printf("\nNot on the SPAN matrix:");
        for (i = 0; i < n; i++) {
            mtl_strategy_segment r = segment_at(s, i);
            if (r.quadrant == MTL_SPAN_UNRATED)
                printf(" %s %s (%s)", r.id, r.name, unrated_why(&r));
        }
        printf("\n");
    }
    return CLI_EXIT_OK;
}

static int print_table(const void *view)
{
    const segments_view *v = view;
    const mtl_market *market = v->market;
    const mtl_strategy *s = v->strategy;
    const mtl_strategy_options *o = v->options;

    printf("Segments by priority: %zu segments, SPAN cuts %g (attractiveness) and "
           "%g (position)\n\n", mtl_strategy_segment_count(s), o->cut_attractiveness,
           o->cut_position);
    if (segments_print_span(market, s) != CLI_EXIT_OK)
        return CLI_EXIT_ERROR;
    return print_details(market, s);
}

/* ---- CSV ---------------------------------------------------------------- */

static void csv_amount(int64_t minor, int64_t per)
{
    cli_csv_number(stdout, minor < 0 ? NAN : (double)minor / (double)per, 0);
}

static int print_csv(const void *view)
{
    const mtl_market *market = ((const segments_view *)view)->market;
    const mtl_strategy *s = ((const segments_view *)view)->strategy;
    int64_t per = mtl_market_minor_per_major(market);
    size_t i, n = mtl_strategy_segment_count(s);
    char b[32];

    fputs("rank,id,name,priority,attractiveness,position,pain_index,look_balance,"
          "quadrant,strategy,gates,competitor,market_size,revenue,target,target_basis,"
          "profit_potential\n", stdout);
    for (i = 0; i < n; i++) {
        mtl_strategy_segment r = segment_at(s, i);
        printf("%zu,", r.rank);
        cli_csv_field(stdout, r.id, 0);
        cli_csv_field(stdout, r.name, 0);
        cli_csv_number(stdout, r.priority.value, 0);
        cli_csv_number(stdout, r.attractiveness.value, 0);
        cli_csv_number(stdout, r.position.value, 0);
        cli_csv_number(stdout, r.pain_index.value, 0);
        cli_csv_number(stdout, r.look_balance.value, 0);
        cli_csv_field(stdout, NAME(quadrant_keys, r.quadrant), 0);
        cli_csv_field(stdout, NAME(strategy_keys, r.strategy), 0);
        cli_csv_field(stdout, gates_text(b, sizeof b, r.gate_veto), 0);
        cli_csv_field(stdout, r.competitor, 0);
        csv_amount(r.market_size, per);
        csv_amount(r.revenue, per);
        csv_amount(r.target, per);
        cli_csv_field(stdout, NAME(basis_names, r.target_basis), 0);
        cli_csv_number(stdout, r.profit_potential, 1);
    }
    return CLI_EXIT_OK;
}

/* ---- JSON --------------------------------------------------------------- */

static mtl_status json_amount(mtl_json *w, mtl_status st, const char *key,
                              int64_t minor, int64_t per)
{
    return minor < 0 ? cli_json_double(w, st, key, NAN)
                     : cli_json_major(w, st, key, (double)minor, per);
}

static mtl_status json_segment(mtl_json *w, const void *view, size_t i)
{
    const segments_view *v = view;
    const mtl_strategy *s = v->strategy;
    int64_t per = mtl_market_minor_per_major(v->market);
    mtl_strategy_segment r = segment_at(s, i);
    mtl_status st = mtl_json_begin_object(w);
    char b[32];
    size_t k;

    st = cli_json_int(w, st, "rank", (int64_t)r.rank);
    st = cli_json_string(w, st, "id", r.id);
    st = cli_json_string(w, st, "name", r.name);
    st = cli_json_score(w, st, "priority", &r.priority, 1);
    st = cli_json_score(w, st, "attractiveness", &r.attractiveness, 1);
    st = cli_json_score(w, st, "position", &r.position, 1);
    st = cli_json_score(w, st, "look_balance", &r.look_balance, 1);
    st = cli_json_score(w, st, "pain_index", &r.pain_index, 1);
    st = cli_json_double(w, st, "profit_potential", r.profit_potential);
    st = cli_json_int(w, st, "profit_from_forces", r.profit_from_forces);
    st = cli_json_string(w, st, "competitor", r.competitor);
    st = cli_json_string(w, st, "quadrant", NAME(quadrant_keys, r.quadrant));
    st = cli_json_string(w, st, "strategy", NAME(strategy_keys, r.strategy));
    st = cli_json_string(w, st, "gates", gates_text(b, sizeof b, r.gate_veto));
    st = json_amount(w, st, "market_size", r.market_size, per);
    st = json_amount(w, st, "revenue", r.revenue, per);
    st = json_amount(w, st, "target", r.target, per);
    st = cli_json_string(w, st, "target_basis", NAME(basis_names, r.target_basis));
    st = cli_json_open_array(w, st, "looks");
    for (k = 0; k < r.look_count && st == MTL_OK; k++) {
        mtl_strategy_look l;
        memset(&l, 0, sizeof l);
        l.struct_size = sizeof l;
        mtl_strategy_look_at(s, i, k, &l);
        st = mtl_json_begin_object(w);
        st = cli_json_int(w, st, "rank", (int64_t)k + 1);
        st = cli_json_string(w, st, "look", NAME(look_names, l.look));
        st = cli_json_string(w, st, "text", l.text);
        st = cli_json_string(w, st, "evidence", l.evidence);
        st = cli_json_double(w, st, "impact", l.impact);
        st = cli_json_double(w, st, "likelihood", l.likelihood);
        st = cli_json_int(w, st, "window_months", l.window_months);
        st = cli_json_double(w, st, "window_weight", l.window_weight);
        st = cli_json_score(w, st, "rank_score", &l.rank_score, 1);
        st = cli_json_int(w, st, "top", l.top);
        st = cli_json_close_object(w, st);
    }
    st = cli_json_close_array(w, st);
    st = cli_json_open_array(w, st, "control_points");
    for (k = 0; k < r.control_point_count && st == MTL_OK; k++) {
        mtl_strategy_control_point c;
        memset(&c, 0, sizeof c);
        c.struct_size = sizeof c;
        mtl_strategy_control_point_at(s, i, k, &c);
        st = mtl_json_begin_object(w);
        st = cli_json_int(w, st, "rank", (int64_t)k + 1);
        st = cli_json_string(w, st, "kind", NAME(control_names, c.kind));
        st = cli_json_string(w, st, "text", c.text);
        st = cli_json_double(w, st, "attainability", c.attainability);
        st = cli_json_score(w, st, "score", &c.score, 1);
        st = cli_json_close_object(w, st);
    }
    st = cli_json_close_array(w, st);
    return cli_json_close_object(w, st);
}

static mtl_status json_head(mtl_json *w, const void *view, size_t i)
{
    const mtl_strategy_options *o = ((const segments_view *)view)->options;
    mtl_status st = cli_json_double(w, MTL_OK, "cut_attractiveness", o->cut_attractiveness);
    (void)i;
    return cli_json_double(w, st, "cut_position", o->cut_position);
}

static int print_json(const void *view)
{
    return cli_json_list("segments",
                         mtl_strategy_segment_count(((const segments_view *)view)->strategy),
                         json_head, json_segment, view);
}

/* ---- SVG ---------------------------------------------------------------- */

static int draw(const char *path, const mtl_market *market, const mtl_strategy *s,
                const mtl_strategy_options *o)
{
    static const char *const legend[] = {
        "invest", "build", "harvest", "exit", "fix economics",
    };
    size_t i, n = mtl_strategy_segment_count(s), drawn = 0, notes = 0;
    svg_span_point *points = malloc((n ? n : 1) * sizeof *points);
    char (*labels)[96] = malloc((n ? n : 1) * sizeof *labels);
    char *note = malloc(64 + 160 * n);
    const char *note_lines[1];
    double largest = 0;
    char size_label[32];
    svg_span_chart chart;
    int rc;

    if (points == NULL || labels == NULL || note == NULL) {
        free(points);
        free(labels);
        free(note);
        fprintf(stderr, "mtl: %s: out of memory\n", path);
        return CLI_EXIT_ERROR;
    }
    strcpy(note, "Not drawn (unrated):");
    for (i = 0; i < n; i++) {
        mtl_strategy_segment r = segment_at(s, i);
        if (isnan(r.position.value) || isnan(r.attractiveness.value)) {
            size_t len = strlen(note);
            snprintf(note + len, 160, "%s %s %s (no %s)", notes ? "," : "", r.id, r.name,
                     isnan(r.position.value) ? "competitive position"
                                             : "market attractiveness");
            notes++;
            continue;
        }
        snprintf(labels[drawn], sizeof labels[drawn], "%s %s", r.id, r.name);
        points[drawn].label = labels[drawn];
        points[drawn].x = r.position.value;
        points[drawn].y = r.attractiveness.value;
        points[drawn].size = r.market_size >= 0 ? (double)r.market_size : NAN;
        /* colours follow the legend: invest, build, harvest, exit, fix */
        points[drawn].colour = r.strategy >= MTL_STRATEGY_INVEST &&
                                       r.strategy <= MTL_STRATEGY_FIX_ECONOMICS
                                   ? r.strategy - 1 : 5;
        if (points[drawn].size > largest)
            largest = points[drawn].size;
        drawn++;
    }
    svg_compact(size_label, sizeof size_label,
                largest / (double)mtl_market_minor_per_major(market));
    memset(&chart, 0, sizeof chart);
    chart.title = "SPAN: segments by market attractiveness and competitive position";
    chart.cut_x = o->cut_position;
    chart.cut_y = o->cut_attractiveness;
    chart.points = points;
    chart.count = drawn;
    chart.legend = legend;
    chart.legend_count = sizeof legend / sizeof legend[0];
    chart.size_label = size_label;
    note_lines[0] = note;
    chart.notes = note_lines;
    chart.note_count = notes > 0 ? 1 : 0;
    rc = svg_span(path, &chart);
    free(points);
    free(labels);
    free(note);
    return rc;
}

/* ---- the command -------------------------------------------------------- */

/* "LOW,HIGH" rates ("0,0.2" or "0%,20%"); CLI_EXIT_OK or CLI_EXIT_USAGE. */
static int parse_rates(const cli_parser *parser, double out[2])
{
    const char *comma = strchr(parser->value, ',');
    char first[64];

    if (comma != NULL && (size_t)(comma - parser->value) < sizeof first) {
        memcpy(first, parser->value, (size_t)(comma - parser->value));
        first[comma - parser->value] = '\0';
        if (cli_parse_rate(first, &out[0]) == 0 && cli_parse_rate(comma + 1, &out[1]) == 0)
            return CLI_EXIT_OK;
    }
    return cli_usage_error(parser->command, "--%s: '%s' is not two rates LOW,HIGH",
                           parser->option->name, parser->value);
}

int mtl_cmd_segments(int argc, char **argv)
{
    static const char *const normalise_names[] = { "relative", "bands" };
    static const int32_t normalise_values[] = { MTL_NORMALISE_RELATIVE,
                                                MTL_NORMALISE_BANDS };
    cli_parser parser;
    cli_report report;
    mtl_strategy_options o;
    const char *svg = NULL, *min_revenue = NULL;
    double size_band[2] = { NAN, NAN }, growth_band[2] = { NAN, NAN }, cut[2];
    mtl_market *market = NULL;
    mtl_strategy *s = NULL;
    segments_view view;
    int64_t n;
    int opt, status;

    mtl_strategy_options_init(&o, sizeof o);
    if (cli_report_init(&report, argc) != CLI_EXIT_OK)
        return CLI_EXIT_ERROR;
    cli_parser_init(&parser, "mtl segments", argc, argv);
    while ((opt = cli_parser_next(&parser, segments_opts, SEGMENTS_OPT_COUNT)) != CLI_OPT_END) {
        status = cli_report_option(&report, &parser, opt);
        if (status == CLI_REPORT_NOT_MINE) {
            status = CLI_EXIT_OK;
            switch (opt) {
            case OPT_SVG: svg = parser.value; break;
            case OPT_CUT:
                if (strchr(parser.value, ',') != NULL)
                    status = cli_parse_numbers(&parser, cut, 2);
                else if ((status = cli_parse_numbers(&parser, cut, 1)) == CLI_EXIT_OK)
                    cut[1] = cut[0];
                if (status == CLI_EXIT_OK && !(cut[0] >= 1 && cut[0] <= 10 &&
                                               cut[1] >= 1 && cut[1] <= 10))
                    status = cli_usage_error(parser.command, "--cut: '%s' is not in "
                                             "1 ... 10", parser.value);
                o.cut_attractiveness = cut[0];
                o.cut_position = cut[1];
                break;
            case OPT_MIN_MARGIN:
                if (strcmp(parser.value, "none") == 0)
                    o.min_gross_margin = NAN;
                else if (cli_parse_rate(parser.value, &o.min_gross_margin) != 0 ||
                         !(o.min_gross_margin >= -1 && o.min_gross_margin <= 1))
                    status = cli_usage_error(parser.command, "--min-margin: '%s' is not "
                                             "a rate from -100%% to 100%% or none",
                                             parser.value);
                break;
            case OPT_MIN_REVENUE: min_revenue = parser.value; break;
            case OPT_NORMALISE:
                status = cli_parse_choice(&parser, "relative or bands", normalise_names,
                                          normalise_values, 2, &o.normalise);
                break;
            case OPT_SIZE_BAND: status = cli_parse_numbers(&parser, size_band, 2); break;
            case OPT_GROWTH_BAND: status = parse_rates(&parser, growth_band); break;
            case OPT_TOP_ITEMS:
                status = cli_parser_int64(&parser, 0, 1000, &n);
                o.top_items = (int32_t)n;
                break;
            case OPT_HELP:
                segments_help(stdout);
                cli_report_free(&report);
                return CLI_EXIT_OK;
            default: status = CLI_EXIT_USAGE;
            }
        }
        if (status != CLI_EXIT_OK)
            goto done;
    }
    if (o.normalise == MTL_NORMALISE_BANDS &&
        (isnan(size_band[0]) || isnan(growth_band[0]) || !(size_band[1] > size_band[0]) ||
         !(growth_band[1] > growth_band[0]))) {
        status = cli_usage_error(parser.command, "--normalise bands needs --size-band "
                                 "LOW,HIGH and --growth-band LOW,HIGH, each LOW < HIGH");
        goto done;
    }
    if ((status = cli_report_open(&report, parser.command, &market)) != CLI_EXIT_OK)
        goto done;
    {
        int64_t per = mtl_market_minor_per_major(market);
        if (min_revenue != NULL &&
            cli_amount_to_minor(min_revenue, per, &o.min_revenue) != 0) {
            status = cli_usage_error(parser.command, "--min-revenue: '%s' is not an "
                                     "amount", min_revenue);
            goto done;
        }
        if (o.normalise == MTL_NORMALISE_BANDS) {
            o.size_low = llround(size_band[0] * (double)per);
            o.size_high = llround(size_band[1] * (double)per);
            o.growth_low = growth_band[0];
            o.growth_high = growth_band[1];
        }
    }
    if (mtl_strategy_compute(&s, market, &o) != MTL_OK) {
        status = cli_library_error("segments");
        goto done;
    }
    view.market = market;
    view.strategy = s;
    view.options = &o;
    status = cli_report_print(&report, &view, print_table, print_csv, print_json);
    if (status == CLI_EXIT_OK && svg != NULL)
        status = draw(svg, market, s, &o);
done:
    mtl_strategy_destroy(s);
    mtl_market_unref(market);
    cli_report_free(&report);
    return status;
}
