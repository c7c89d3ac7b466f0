/*
 * pains.c: `mtl pains` — the BON pain index of every segment and customer,
 * with the layer breakdown and the ranked pains (library: pain.h; method:
 * docs/methods/bon.md).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <mtl.h>

#include "commands.h"
#include "report.h"
#include "svg_span.h"
#include "util.h"

static const cli_option pains_opts[] = {
    CLI_REPORT_OPTIONS,
    { "svg", 0, "FILE", "also draw the index of each segment and customer by layer as SVG" },
    { "include-empty", 0, NULL, "also list segments and customers without pains" },
    { "summary", 0, NULL, "table: the index per segment and customer only, not the pains" },
    { "help", 'h', NULL, "show this help and exit" },
};
enum { OPT_SVG = CLI_REPORT_OPTION_COUNT, OPT_INCLUDE_EMPTY, OPT_SUMMARY, OPT_HELP };
#define PAINS_OPT_COUNT (sizeof pains_opts / sizeof pains_opts[0])

static void pains_help(FILE *out)
{
    fputs("Usage: mtl pains SNAPSHOT [[--kind KIND] FILE.csv ...]\n"
          "                 [--format table|csv|json] [--svg FILE] [--include-empty]\n"
          "                 [--summary]\n"
          "\n"
          "The BON pain report: for every segment, then every customer, with\n"
          "pains, the pain index (0-100: 100 x the sum of addressable pain over\n"
          "25 x the number of pains), its split over the layers B (business),\n"
          "O (operation), N (network) and any others, and the pains ranked by\n"
          "addressable pain = severity x urgency x breadth x (0.5 + 0.5 x budget)\n"
          "x fit.  The input is a snapshot and/or CSV files, each of the --kind\n"
          "before it (pains: --kind pains).  Method: docs/methods/bon.md.\n"
          "\n"
          "Options:\n", out);
    cli_print_options(out, pains_opts, PAINS_OPT_COUNT);
    fputs("\n"
          "CSV: one row per segment or customer: owner,id,name,segment,pain_index,\n"
          "pains,B,O,N,other,top_pain (the layer columns are index points; empty\n"
          "index without pains).  JSON: {\"groups\": [{owner, id, name, segment,\n"
          "index, layers: [{layer, pains, addressable, index_points}], pains:\n"
          "[{rank, layer, text, severity, urgency, breadth, budget, fit, role,\n"
          "score, addressable}]}]} where every score is {\"value\": v, \"terms\":\n"
          "[{factor, weight, value, contribution}]}.\n"
          "\n"
          "Exit status: 0 on success, 1 on bad input or a library error, 2 on\n"
          "a usage error.\n", out);
}

static const char *owner_name(int32_t owner)
{
    return owner == MTL_PAIN_OWNER_SEGMENT ? "segment" : "customer";
}

static const char *role_text(int32_t role)
{
    const char *name = role == MTL_ROLE_NONE ? NULL : mtl_role_name(role);
    return name != NULL ? name : "";
}

/* What the printers show. */
typedef struct pains_view {
    const mtl_bon *bon;
    int summary; /* table: the groups only */
} pains_view;

static mtl_bon_group group_at(const mtl_bon *bon, size_t g)
{
    mtl_bon_group r;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    mtl_bon_group_at(bon, g, &r);
    return r;
}

static mtl_bon_pain pain_at(const mtl_bon *bon, size_t g, size_t k)
{
    mtl_bon_pain p;
    memset(&p, 0, sizeof p);
    p.struct_size = sizeof p;
    mtl_bon_pain_at(bon, g, k, &p);
    return p;
}

/* The index points of a group on B, O, N and on all other layers. */
static void layer_points(const mtl_bon *bon, size_t g, size_t layers, double out[4])
{
    size_t l;
    out[0] = out[1] = out[2] = out[3] = 0;
    for (l = 0; l < layers; l++) {
        mtl_bon_layer y;
        memset(&y, 0, sizeof y);
        y.struct_size = sizeof y;
        mtl_bon_layer_at(bon, g, l, &y);
        out[strcmp(y.layer, MTL_LAYER_BUSINESS) == 0    ? 0
            : strcmp(y.layer, MTL_LAYER_OPERATION) == 0 ? 1
            : strcmp(y.layer, MTL_LAYER_NETWORK) == 0   ? 2
                                                        : 3] += y.index_points;
    }
}

/* ---- table -------------------------------------------------------------- */

static int print_summary(const mtl_bon *bon)
{
    static const char *const head[] = {
        "owner", "id", "name", "segment", "index", "pains", "B", "O", "N", "other",
    };
    static const int align[] = {
        CLI_ALIGN_LEFT, CLI_ALIGN_LEFT, CLI_ALIGN_LEFT, CLI_ALIGN_LEFT, CLI_ALIGN_RIGHT,
        CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT,
    };
    cli_table *t = cli_table_new(10, head, align);
    size_t g, n = mtl_bon_group_count(bon);
    char b[32];
    int rc, k;

    for (g = 0; g < n; g++) {
        mtl_bon_group r = group_at(bon, g);
        double pts[4];
        layer_points(bon, g, r.layer_count, pts);
        if (g > 0 && r.owner != group_at(bon, g - 1).owner)
            cli_table_rule(t);
        cli_table_add(t, owner_name(r.owner));
        cli_table_add(t, r.id);
        cli_table_add(t, r.name);
        cli_table_add(t, r.segment_id);
        cli_table_add(t, cli_format_number(b, sizeof b, r.index.value, 1));
        cli_table_addf(t, "%zu", r.pain_count);
        for (k = 0; k < 4; k++)
            cli_table_add(t, r.pain_count ? cli_format_number(b, sizeof b, pts[k], 1) : "-");
    }
    rc = cli_table_print(t, stdout);
    cli_table_free(t);
    return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
}

static int print_pains(const mtl_bon *bon, size_t g)
{
    static const char *const head[] = {
        "rank", "layer", "pain", "sev.", "urg.", "breadth", "budget", "fit", "score",
        "addressable", "felt by",
    };
    static const int align[] = {
        CLI_ALIGN_RIGHT, CLI_ALIGN_LEFT, CLI_ALIGN_LEFT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT,
        CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT,
        CLI_ALIGN_LEFT,
    };
    mtl_bon_group r = group_at(bon, g);
    cli_table *t;
    size_t k;
    int rc;

    printf("\n%s %s (%s): pain index %.1f\n", r.id, r.name, owner_name(r.owner),
           r.index.value);
    if (r.pain_count == 0)
        return CLI_EXIT_OK;
    t = cli_table_new(11, head, align);
    for (k = 0; k < r.pain_count; k++) {
        mtl_bon_pain p = pain_at(bon, g, k);
        cli_table_addf(t, "%zu", p.rank);
        cli_table_add(t, p.layer);
        cli_table_add(t, p.text);
        cli_table_addf(t, "%g", p.severity);
        cli_table_addf(t, "%g", p.urgency);
        cli_table_addf(t, "%g", p.breadth);
        cli_table_addf(t, "%g", p.budget);
        cli_table_addf(t, "%g", p.fit);
        cli_table_addf(t, "%.2f", p.score.value);
        cli_table_addf(t, "%.2f", p.addressable.value);
        cli_table_add(t, role_text(p.role));
    }
    rc = cli_table_print(t, stdout);
    cli_table_free(t);
    return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
}

static int print_table(const void *view)
{
    const mtl_bon *bon = ((const pains_view *)view)->bon;
    int summary = ((const pains_view *)view)->summary;
    size_t g, n = mtl_bon_group_count(bon), segments = 0;

    for (g = 0; g < n; g++)
        if (group_at(bon, g).owner == MTL_PAIN_OWNER_SEGMENT)
            segments++;
    printf("BON pain index: %zu segments, %zu customers (index points by layer: "
           "B business, O operation, N network)\n\n", segments, n - segments);
    if (print_summary(bon) != CLI_EXIT_OK)
        return CLI_EXIT_ERROR;
    for (g = 0; g < n && !summary; g++)
        if (print_pains(bon, g) != CLI_EXIT_OK)
            return CLI_EXIT_ERROR;
    return CLI_EXIT_OK;
}

/* ---- CSV ---------------------------------------------------------------- */

static int print_csv(const void *view)
{
    const mtl_bon *bon = ((const pains_view *)view)->bon;
    size_t g, n = mtl_bon_group_count(bon);
    int k;

    fputs("owner,id,name,segment,pain_index,pains,B,O,N,other,top_pain\n", stdout);
    for (g = 0; g < n; g++) {
        mtl_bon_group r = group_at(bon, g);
        double pts[4];
        layer_points(bon, g, r.layer_count, pts);
        cli_csv_field(stdout, owner_name(r.owner), 0);
        cli_csv_field(stdout, r.id, 0);
        cli_csv_field(stdout, r.name, 0);
        cli_csv_field(stdout, r.segment_id, 0);
        cli_csv_number(stdout, r.index.value, 0);
        printf("%zu,", r.pain_count);
        for (k = 0; k < 4; k++)
            cli_csv_number(stdout, r.pain_count ? pts[k] : NAN, 0);
        cli_csv_field(stdout, r.pain_count ? pain_at(bon, g, 0).text : "", 1);
    }
    return CLI_EXIT_OK;
}

/* ---- JSON --------------------------------------------------------------- */

static mtl_status json_group(mtl_json *w, const void *view, size_t g)
{
    const mtl_bon *bon = ((const pains_view *)view)->bon;
    mtl_bon_group r = group_at(bon, g);
    mtl_status st = mtl_json_begin_object(w);
    size_t k;

    st = cli_json_string(w, st, "owner", owner_name(r.owner));
    st = cli_json_string(w, st, "id", r.id);
    st = cli_json_string(w, st, "name", r.name);
    st = cli_json_string(w, st, "segment", r.segment_id);
    st = cli_json_score(w, st, "index", &r.index, 1);
    st = cli_json_open_array(w, st, "layers");
    for (k = 0; k < r.layer_count && st == MTL_OK; k++) {
        mtl_bon_layer y;
        memset(&y, 0, sizeof y);
        y.struct_size = sizeof y;
        mtl_bon_layer_at(bon, g, k, &y);
        st = mtl_json_begin_object(w);
        st = cli_json_string(w, st, "layer", y.layer);
        st = cli_json_int(w, st, "pains", (int64_t)y.pain_count);
        st = cli_json_double(w, st, "addressable", y.addressable);
        st = cli_json_double(w, st, "index_points", y.index_points);
        st = cli_json_close_object(w, st);
    }
    st = cli_json_close_array(w, st);
    st = cli_json_open_array(w, st, "pains");
    for (k = 0; k < r.pain_count && st == MTL_OK; k++) {
        mtl_bon_pain p = pain_at(bon, g, k);
        st = mtl_json_begin_object(w);
        st = cli_json_int(w, st, "rank", (int64_t)p.rank);
        st = cli_json_string(w, st, "layer", p.layer);
        st = cli_json_string(w, st, "text", p.text);
        st = cli_json_double(w, st, "severity", p.severity);
        st = cli_json_double(w, st, "urgency", p.urgency);
        st = cli_json_double(w, st, "breadth", p.breadth);
        st = cli_json_double(w, st, "budget", p.budget);
        st = cli_json_double(w, st, "fit", p.fit);
        st = cli_json_string(w, st, "role", role_text(p.role));
        st = cli_json_score(w, st, "score", &p.score, 1);
        st = cli_json_score(w, st, "addressable", &p.addressable, 1);
        st = cli_json_close_object(w, st);
    }
    st = cli_json_close_array(w, st);
    return cli_json_close_object(w, st);
}

static int print_json(const void *view)
{
    return cli_json_list("groups", mtl_bon_group_count(((const pains_view *)view)->bon),
                         NULL, json_group, view);
}

/* ---- SVG ---------------------------------------------------------------- */

/* One bar per segment, then per customer, each section by index
 * (highest first), split by layer. */
static int draw(const char *path, const mtl_bon *bon)
{
    static const char *const parts[] = { "B business", "O operation", "N network",
                                         "other layers" };
    static const char *const sections[] = { "", "Segments", "Customers" };
    size_t g, n = mtl_bon_group_count(bon), i, j;
    svg_stack_bar *bars = malloc((n ? n : 1) * sizeof *bars);
    double (*values)[4] = malloc((n ? n : 1) * sizeof *values);
    double *index = malloc((n ? n : 1) * sizeof *index);
    char (*labels)[128] = malloc((n ? n : 1) * sizeof *labels);
    char (*notes)[16] = malloc((n ? n : 1) * sizeof *notes);
    svg_stack_chart chart;
    int rc = CLI_EXIT_ERROR;

    if (bars == NULL || values == NULL || index == NULL || labels == NULL ||
        notes == NULL) {
        fprintf(stderr, "mtl: %s: out of memory\n", path);
        goto done;
    }
    for (g = 0; g < n; g++) {
        mtl_bon_group r = group_at(bon, g);
        layer_points(bon, g, r.layer_count, values[g]);
        snprintf(labels[g], sizeof labels[g], "%s %s", r.id, r.name);
        cli_format_number(notes[g], sizeof notes[g], r.index.value, 1);
        bars[g].label = labels[g];
        bars[g].parts = values[g];
        bars[g].note = notes[g];
        bars[g].section = r.owner;
        index[g] = isnan(r.index.value) ? -1 : r.index.value;
    }
    /* by section (segments first, as the report), then index descending */
    for (i = 1; i < n; i++) {
        svg_stack_bar b = bars[i];
        double x = index[i];
        for (j = i; j > 0 && (bars[j - 1].section > b.section ||
                              (bars[j - 1].section == b.section && index[j - 1] < x));
             j--) {
            bars[j] = bars[j - 1];
            index[j] = index[j - 1];
        }
        bars[j] = b;
        index[j] = x;
    }
    memset(&chart, 0, sizeof chart);
    chart.title = "BON pain index by segment and customer";
    chart.axis = "pain index (0-100), split by layer";
    chart.max = 10; /* the axis ends at a round value above the largest index */
    for (g = 0; g < n; g++)
        if (index[g] > chart.max)
            chart.max = fmin(100, index[g]);
    chart.parts = parts;
    chart.part_count = 3; /* "other layers" only when a group has one */
    for (g = 0; g < n; g++)
        if (values[g][3] > 0)
            chart.part_count = 4;
    chart.bars = bars;
    chart.count = n;
    chart.sections = sections;
    rc = svg_stacked_bars(path, &chart);
done:
    free(bars);
    free(values);
    free(index);
    free(labels);
    free(notes);
    return rc;
}

/* ---- the command -------------------------------------------------------- */

int mtl_cmd_pains(int argc, char **argv)
{
    cli_parser parser;
    cli_report report;
    mtl_bon_options o;
    const char *svg = NULL;
    mtl_market *market = NULL;
    mtl_bon *bon = NULL;
    pains_view view;
    int opt, status;

    mtl_bon_options_init(&o, sizeof o);
    view.summary = 0;
    if (cli_report_init(&report, argc) != CLI_EXIT_OK)
        return CLI_EXIT_ERROR;
    cli_parser_init(&parser, "mtl pains", argc, argv);
    while ((opt = cli_parser_next(&parser, pains_opts, PAINS_OPT_COUNT)) != CLI_OPT_END) {
        status = cli_report_option(&report, &parser, opt);
        if (status == CLI_REPORT_NOT_MINE) {
            status = CLI_EXIT_OK;
            switch (opt) {
            case OPT_SVG: svg = parser.value; break;
            case OPT_INCLUDE_EMPTY: o.include_empty = 1; break;
            case OPT_SUMMARY: view.summary = 1; break;
            case OPT_HELP:
                pains_help(stdout);
                cli_report_free(&report);
                return CLI_EXIT_OK;
            default: status = CLI_EXIT_USAGE;
            }
        }
        if (status != CLI_EXIT_OK)
            goto done;
    }
    if ((status = cli_report_open(&report, parser.command, &market)) != CLI_EXIT_OK)
        goto done;
    if (mtl_bon_compute(&bon, market, &o) != MTL_OK) {
        status = cli_library_error("pains");
        goto done;
    }
    view.bon = bon;
    status = cli_report_print(&report, &view, print_table, print_csv, print_json);
    if (status == CLI_EXIT_OK && svg != NULL)
        status = draw(svg, bon);
done:
    mtl_bon_destroy(bon);
    mtl_market_unref(market);
    cli_report_free(&report);
    return status;
}
