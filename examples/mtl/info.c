/*
 * info.c: `mtl info` — what a snapshot (or a CSV file) holds: counts of
 * leads by outcome and by stage, customers, segments, currency units.
 * Table or JSON (through the library's mtl_json writer).
 */
#include <stdlib.h>
#include <string.h>

#include <mtl.h>

#include "commands.h"
#include "input.h"
#include "util.h"

static const cli_option info_opts[] = {
    { "format", 'f', "FORMAT", "table (default) or json" },
    { "kind", 0, "KIND", "CSV input: leads, customers or segments (default leads)" },
    { "map", 0, "MAP", "CSV input: header names to fields ('account=customer,...')" },
    { "stages", 0, "STAGES", "CSV input: stage names to stages ('Won=won,...')" },
    { "sep", 0, "C", "CSV input: separator ',', ';' or 'tab' (default: detected)" },
    { "skip-bad", 0, NULL, "CSV input: skip bad rows instead of stopping" },
    { "strict", 0, NULL, "CSV input: unknown customers and segments are errors" },
    { "help", 'h', NULL, "show this help and exit" },
};
enum {
    OPT_FORMAT, OPT_KIND, OPT_MAP, OPT_STAGES, OPT_SEP, OPT_SKIP_BAD,
    OPT_STRICT, OPT_HELP
};
#define INFO_OPT_COUNT (sizeof info_opts / sizeof info_opts[0])

enum { FORMAT_TABLE, FORMAT_JSON };

static void info_help(FILE *out)
{
    fputs("Usage: mtl info SNAPSHOT|FILE.csv [--format table|json]\n"
          "                [--kind KIND] [--map MAP] [--stages STAGES] [--sep C]\n"
          "                [--skip-bad] [--strict]\n"
          "\n"
          "Show what a market holds: leads (open, won, lost), customers,\n"
          "segments, minor currency units per major unit, and the leads at\n"
          "each stage.  The input is a snapshot (a file that starts with\n"
          "\"MTLSNAP\") or, otherwise, a CSV file imported into an empty market\n"
          "with the import options below; '-' reads standard input.\n"
          "\n"
          "Options:\n", out);
    cli_print_options(out, info_opts, INFO_OPT_COUNT);
    fputs("\n"
          "The JSON object has the integer members leads, open, won, lost,\n"
          "customers, segments, minor_per_major, open_amount and won_amount\n"
          "(minor units), the string source (\"snapshot\" or \"csv\") and the\n"
          "array stages of {index, name, phase, leads, open, won, lost}.\n"
          "\n"
          "Exit status: 0 on success, 1 on bad input or a library error, 2 on\n"
          "a usage error.\n", out);
}

/* ---- counting --------------------------------------------------------- */

typedef struct outcome_counts {
    int64_t leads, open, won, lost;
} outcome_counts;

typedef struct market_info {
    outcome_counts total;
    outcome_counts stages[MTL_STAGE_MAX];
    int32_t stage_count;
    int64_t open_amount, won_amount; /* minor units */
} market_info;

static void count(outcome_counts *c, int32_t outcome)
{
    c->leads++;
    if (outcome == MTL_OUTCOME_WON)
        c->won++;
    else if (outcome == MTL_OUTCOME_LOST)
        c->lost++;
    else
        c->open++;
}

static void gather(const mtl_market *market, market_info *info)
{
    const mtl_lead *lead = NULL;

    memset(info, 0, sizeof *info);
    info->stage_count = mtl_market_stage_count(market);
    if (info->stage_count < 0 || info->stage_count > MTL_STAGE_MAX)
        info->stage_count = 0;
    while ((lead = mtl_lead_next(market, lead)) != NULL) {
        int32_t stage = mtl_lead_stage(lead), outcome = mtl_lead_outcome(lead);

        count(&info->total, outcome);
        if (stage >= 0 && stage < info->stage_count)
            count(&info->stages[stage], outcome);
        if (outcome == MTL_OUTCOME_WON)
            info->won_amount += mtl_lead_amount(lead);
        else if (outcome == MTL_OUTCOME_OPEN)
            info->open_amount += mtl_lead_amount(lead);
    }
}

/* ---- output ----------------------------------------------------------- */

static int print_table(const mtl_market *market, const market_info *info,
                       const char *path, int is_snapshot)
{
    static const char *const head1[] = { "market", "count" };
    static const int align1[] = { CLI_ALIGN_LEFT, CLI_ALIGN_RIGHT };
    static const char *const head2[] = {
        "stage", "phase", "leads", "open", "won", "lost",
    };
    static const int align2[] = {
        CLI_ALIGN_LEFT, CLI_ALIGN_LEFT, CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT,
        CLI_ALIGN_RIGHT, CLI_ALIGN_RIGHT,
    };
    int64_t per = mtl_market_minor_per_major(market);
    cli_table *t1 = cli_table_new(2, head1, align1);
    cli_table *t2 = cli_table_new(6, head2, align2);
    char b[4][32];
    int32_t s;
    int rc = -1;

    if (t1 == NULL || t2 == NULL)
        goto done;
#define ROW(label, value)                                                  \
    do {                                                                   \
        cli_table_add(t1, label);                                          \
        cli_table_add(t1, cli_format_int(b[0], sizeof b[0], (value)));     \
    } while (0)
    ROW("leads", info->total.leads);
    ROW("  open", info->total.open);
    ROW("  won", info->total.won);
    ROW("  lost", info->total.lost);
    ROW("customers", (int64_t)mtl_market_customer_count(market));
    ROW("segments", (int64_t)mtl_market_segment_count(market));
    ROW("stages", (int64_t)info->stage_count);
    ROW("minor units per major", per);
#undef ROW
    cli_table_add(t1, "open amount");
    cli_table_add(t1, cli_format_major(b[0], sizeof b[0], info->open_amount, per));
    cli_table_add(t1, "won amount");
    cli_table_add(t1, cli_format_major(b[0], sizeof b[0], info->won_amount, per));

    for (s = 0; s < info->stage_count; s++) {
        const char *name = mtl_market_stage_name(market, s);
        const char *phase = mtl_market_stage_phase(market, s);
        const outcome_counts *c = &info->stages[s];

        cli_table_add(t2, name != NULL ? name : "?");
        cli_table_add(t2, phase != NULL ? phase : "");
        cli_table_add(t2, cli_format_int(b[0], sizeof b[0], c->leads));
        cli_table_add(t2, cli_format_int(b[1], sizeof b[1], c->open));
        cli_table_add(t2, cli_format_int(b[2], sizeof b[2], c->won));
        cli_table_add(t2, cli_format_int(b[3], sizeof b[3], c->lost));
    }

    printf("%s (%s)\n\n", cli_display_name(path), is_snapshot ? "snapshot" : "csv");
    if (cli_table_print(t1, stdout) != 0)
        goto done;
    fputc('\n', stdout);
    if (cli_table_print(t2, stdout) != 0)
        goto done;
    rc = 0;
done:
    cli_table_free(t1);
    cli_table_free(t2);
    if (rc != 0)
        fputs("mtl: info: out of memory while printing\n", stderr);
    return rc == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
}

static mtl_status json_counts(mtl_json *w, const outcome_counts *c)
{
    mtl_status st = cli_json_int(w, MTL_OK, "leads", c->leads);
    st = cli_json_int(w, st, "open", c->open);
    st = cli_json_int(w, st, "won", c->won);
    return cli_json_int(w, st, "lost", c->lost);
}

static mtl_status write_json(mtl_json *w, const mtl_market *market,
                             const market_info *info, int is_snapshot)
{
    mtl_status st;
    int32_t s;

    /* each call returns MTL_E_IO again once a write failed, so checking
     * as we go and once at the end is enough */
    st = mtl_json_begin_object(w);
    if (st == MTL_OK)
        st = mtl_json_key(w, "source");
    if (st == MTL_OK)
        st = mtl_json_string(w, is_snapshot ? "snapshot" : "csv");
    if (st == MTL_OK)
        st = json_counts(w, &info->total);
    if (st == MTL_OK)
        st = cli_json_int(w, MTL_OK, "customers",
                             (int64_t)mtl_market_customer_count(market));
    if (st == MTL_OK)
        st = cli_json_int(w, MTL_OK, "segments",
                             (int64_t)mtl_market_segment_count(market));
    if (st == MTL_OK)
        st = cli_json_int(w, MTL_OK, "minor_per_major",
                             mtl_market_minor_per_major(market));
    if (st == MTL_OK)
        st = cli_json_int(w, MTL_OK, "open_amount", info->open_amount);
    if (st == MTL_OK)
        st = cli_json_int(w, MTL_OK, "won_amount", info->won_amount);
    if (st == MTL_OK)
        st = mtl_json_key(w, "stages");
    if (st == MTL_OK)
        st = mtl_json_begin_array(w);
    for (s = 0; s < info->stage_count && st == MTL_OK; s++) {
        const char *name = mtl_market_stage_name(market, s);
        const char *phase = mtl_market_stage_phase(market, s);

        st = mtl_json_begin_object(w);
        if (st == MTL_OK)
            st = cli_json_int(w, MTL_OK, "index", s);
        if (st == MTL_OK)
            st = mtl_json_key(w, "name");
        if (st == MTL_OK)
            st = mtl_json_string(w, name != NULL ? name : "");
        if (st == MTL_OK)
            st = mtl_json_key(w, "phase");
        if (st == MTL_OK)
            st = mtl_json_string(w, phase != NULL ? phase : "");
        if (st == MTL_OK)
            st = json_counts(w, &info->stages[s]);
        if (st == MTL_OK)
            st = mtl_json_end_object(w);
    }
    if (st == MTL_OK)
        st = mtl_json_end_array(w);
    if (st == MTL_OK)
        st = mtl_json_end_object(w);
    return st;
}

static int print_json(const mtl_market *market, const market_info *info,
                      int is_snapshot)
{
    mtl_json *w = cli_json_stdout();

    if (w == NULL)
        return CLI_EXIT_ERROR;
    return cli_json_done(w, write_json(w, market, info, is_snapshot));
}

/* ---- the command ------------------------------------------------------ */

int mtl_cmd_info(int argc, char **argv)
{
    cli_parser parser;
    cli_import_settings settings;
    const char *path = NULL;
    int32_t kind = MTL_KIND_LEADS;
    int format = FORMAT_TABLE, opt, status, is_snapshot = 0;
    mtl_market *market = NULL;
    market_info *info;

    memset(&settings, 0, sizeof settings);
    cli_parser_init(&parser, "mtl info", argc, argv);
    while ((opt = cli_parser_next(&parser, info_opts, INFO_OPT_COUNT)) != CLI_OPT_END) {
        switch (opt) {
        case OPT_FORMAT:
            if (strcmp(parser.value, "table") == 0)
                format = FORMAT_TABLE;
            else if (strcmp(parser.value, "json") == 0)
                format = FORMAT_JSON;
            else
                return cli_usage_error(parser.command,
                                       "--format: '%s' is not table or json",
                                       parser.value);
            break;
        case OPT_KIND:
            /* the strategy inputs name records a CSV alone does not have */
            if (cli_parse_kind(parser.value, &kind) != 0 || kind > MTL_KIND_SEGMENTS)
                return cli_usage_error(parser.command,
                                       "--kind: '%s' is not leads, customers or "
                                       "segments", parser.value);
            break;
        case OPT_MAP:
        case OPT_STAGES:
            if (cli_check_pairs(parser.value) != 0)
                return cli_usage_error(parser.command,
                                       "--%s: '%s' is not a list of NAME=NAME "
                                       "pairs separated by commas",
                                       parser.option->name, parser.value);
            if (opt == OPT_MAP)
                settings.field_map = parser.value;
            else
                settings.stage_map = parser.value;
            break;
        case OPT_SEP:
            if (cli_parse_separator(parser.value, &settings.separator) != 0)
                return cli_usage_error(parser.command,
                                       "--sep: '%s' is not ',', ';' or 'tab'",
                                       parser.value);
            break;
        case OPT_SKIP_BAD:
            settings.skip_bad = 1;
            break;
        case OPT_STRICT:
            settings.strict = 1;
            break;
        case OPT_HELP:
            info_help(stdout);
            return CLI_EXIT_OK;
        case CLI_OPT_POSITIONAL:
            if (path != NULL)
                return cli_usage_error(parser.command,
                                       "unexpected argument '%s' (one input at "
                                       "a time)", parser.value);
            path = parser.value;
            break;
        default:
            return CLI_EXIT_USAGE;
        }
    }
    if (path == NULL)
        return cli_usage_error(parser.command, "no snapshot or CSV file given");

    status = cli_open_market(&market, path, kind, &settings, &is_snapshot);
    if (status != CLI_EXIT_OK)
        return status;
    info = malloc(sizeof *info);
    if (info == NULL) {
        mtl_market_unref(market);
        fputs("mtl: info: out of memory\n", stderr);
        return CLI_EXIT_ERROR;
    }
    gather(market, info);
    if (format == FORMAT_JSON)
        status = print_json(market, info, is_snapshot);
    else
        status = print_table(market, info, path, is_snapshot);
    free(info);
    mtl_market_unref(market);
    return status;
}
