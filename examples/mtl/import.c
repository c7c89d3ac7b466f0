/*
 * import.c: `mtl import` — CSV files into a snapshot.
 *
 * The inputs are imported in the order given into one market (added to
 * the snapshot -o names when it exists), which is saved only when every
 * input was imported: a bad row in the third file leaves the output file
 * as it was.  --kind applies to the files after it; --map to the files of
 * the kind in effect where it stands (accounts and opportunities name
 * their columns differently); every other option to all files.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <mtl.h>

#include "commands.h"
#include "input.h"
#include "util.h"

static const cli_option import_opts[] = {
    { "output", 'o', "OUT.mtl", "the snapshot to write; an existing one is loaded and added to" },
    { "kind", 0, "KIND", "leads, customers or segments: the kind of the files after it (default leads)" },
    { "map", 0, "MAP", "header names to fields, for the files of the current --kind: 'opportunity_id=id,...'" },
    { "stages", 0, "STAGES", "stage names to stages: 'Prospecting=P1,Won=won,Lost=lost,...'" },
    { "sep", 0, "C", "separator: ',', ';' or 'tab' (default: detected from the header)" },
    { "skip-bad", 0, NULL, "skip bad rows (each reported on stderr) instead of stopping" },
    { "strict", 0, NULL, "a lead naming an unknown customer or segment is an error" },
    { "quiet", 'q', NULL, "print no summary lines on stdout" },
    { "help", 'h', NULL, "show this help and exit" },
};
enum {
    OPT_OUTPUT, OPT_KIND, OPT_MAP, OPT_STAGES, OPT_SEP, OPT_SKIP_BAD,
    OPT_STRICT, OPT_QUIET, OPT_HELP
};
#define IMPORT_OPT_COUNT (sizeof import_opts / sizeof import_opts[0])

static void import_help(FILE *out)
{
    fputs("Usage: mtl import [--kind KIND] FILE.csv [[--kind KIND] FILE.csv ...]\n"
          "                  -o OUT.mtl [--map MAP] [--stages STAGES] [--sep C]\n"
          "                  [--skip-bad] [--strict] [--quiet]\n"
          "\n"
          "Import CSV files of leads, customers or segments into a market and\n"
          "save it as a snapshot.  The files are imported in the order given\n"
          "(for example the accounts before the opportunities that name them);\n"
          "'-' reads standard input.  When OUT.mtl exists it is loaded first and\n"
          "the files are added to it.  Nothing is written unless every file was\n"
          "imported.\n"
          "\n"
          "--kind applies to the files that follow it (default leads).  --map\n"
          "applies to every file of the kind in effect where it stands, so each\n"
          "kind can have its own; the other options apply to every file:\n"
          "  mtl import --kind customers accounts.csv --map account=id \\\n"
          "             --kind leads pipeline.csv --map account=customer -o out.mtl\n"
          "\n"
          "Options:\n", out);
    cli_print_options(out, import_opts, IMPORT_OPT_COUNT);
    fputs("\n"
          "Errors are reported as FILE:LINE:COLUMN: message on stderr.  One line\n"
          "per file goes to stdout: rows read, imported, skipped, customers and\n"
          "segments created.\n"
          "\n"
          "Exit status: 0 on success (also when --skip-bad skipped rows), 1 on\n"
          "bad input or a library error, 2 on a usage error.\n", out);
}

typedef struct import_input {
    const char *path;
    int32_t kind;
} import_input;

/* Kinds are 0..2 (MTL_KIND_LEADS..MTL_KIND_SEGMENTS). */
#define KIND_COUNT 3

static void print_summary(const import_input *input,
                          const mtl_csv_result *result)
{
    printf("%s: %s: %llu rows, %llu imported, %llu skipped, "
           "%llu customers created, %llu segments created\n",
           cli_display_name(input->path), cli_kind_name(input->kind),
           (unsigned long long)result->rows,
           (unsigned long long)result->imported,
           (unsigned long long)result->skipped,
           (unsigned long long)result->customers_created,
           (unsigned long long)result->segments_created);
}

static int import_run(const import_input *inputs, size_t count,
                      const char *output, const cli_import_settings *settings,
                      const char *const *maps, int quiet)
{
    mtl_market *market = NULL;
    mtl_csv_result *results;
    size_t i;
    int status = CLI_EXIT_OK, existing;

    existing = cli_file_is_snapshot(output);
    if (existing < 0 && errno != ENOENT) {
        fprintf(stderr, "mtl: %s: %s\n", output, strerror(errno));
        return CLI_EXIT_ERROR;
    }
    if (existing == 0) {
        fprintf(stderr, "mtl: %s exists and is not an mtl snapshot; not "
                        "overwriting it\n", output);
        return CLI_EXIT_ERROR;
    }
    /* the summaries are printed once the snapshot is saved */
    results = malloc(count * sizeof *results);
    if (results == NULL) {
        fputs("mtl: import: out of memory\n", stderr);
        return CLI_EXIT_ERROR;
    }
    if (existing > 0) {
        if (mtl_market_load(&market, output, NULL) != MTL_OK)
            status = cli_file_error(output);
    } else if (mtl_market_create(&market, NULL) != MTL_OK) {
        status = cli_library_error("creating a market");
    }

    for (i = 0; i < count && status == CLI_EXIT_OK; i++) {
        cli_import_settings file_settings = *settings;

        file_settings.field_map = maps[inputs[i].kind];
        status = cli_import_csv(market, inputs[i].path, inputs[i].kind,
                                &file_settings, &results[i]);
    }
    if (status == CLI_EXIT_OK) {
        if (mtl_market_save(market, output) != MTL_OK) {
            status = cli_file_error(output);
        } else if (!quiet) {
            for (i = 0; i < count; i++)
                print_summary(&inputs[i], &results[i]);
            printf("%s: %zu segments, %zu customers, %zu leads\n", output,
                   mtl_market_segment_count(market),
                   mtl_market_customer_count(market),
                   mtl_market_lead_count(market));
        }
    }
    mtl_market_unref(market);
    free(results);
    return status;
}

int mtl_cmd_import(int argc, char **argv)
{
    cli_parser parser;
    cli_import_settings settings;
    import_input *inputs;
    const char *output = NULL;
    const char *maps[KIND_COUNT] = { NULL, NULL, NULL };
    size_t counts[KIND_COUNT] = { 0, 0, 0 };
    size_t count = 0;
    int32_t kind = MTL_KIND_LEADS;
    int kind_pending = 0, quiet = 0, opt, status;

    memset(&settings, 0, sizeof settings);
    /* at most one input per argument */
    inputs = malloc((size_t)(argc > 0 ? argc : 1) * sizeof *inputs);
    if (inputs == NULL) {
        fputs("mtl: import: out of memory\n", stderr);
        return CLI_EXIT_ERROR;
    }
    cli_parser_init(&parser, "mtl import", argc, argv);
    while ((opt = cli_parser_next(&parser, import_opts, IMPORT_OPT_COUNT)) != CLI_OPT_END) {
        switch (opt) {
        case OPT_OUTPUT:
            output = parser.value;
            break;
        case OPT_KIND:
            if (cli_parse_kind(parser.value, &kind) != 0) {
                status = cli_usage_error(parser.command,
                                         "--kind: '%s' is not leads, customers "
                                         "or segments", parser.value);
                goto done;
            }
            kind_pending = 1;
            break;
        case OPT_MAP:
        case OPT_STAGES:
            if (cli_check_pairs(parser.value) != 0) {
                status = cli_usage_error(parser.command,
                                         "--%s: '%s' is not a list of NAME=NAME "
                                         "pairs separated by commas",
                                         parser.option->name, parser.value);
                goto done;
            }
            if (opt == OPT_MAP && maps[kind] != NULL) {
                status = cli_usage_error(parser.command,
                                         "--map given twice for %s files",
                                         cli_kind_name(kind));
                goto done;
            }
            if (opt == OPT_MAP)
                maps[kind] = parser.value;
            else
                settings.stage_map = parser.value;
            break;
        case OPT_SEP:
            if (cli_parse_separator(parser.value, &settings.separator) != 0) {
                status = cli_usage_error(parser.command,
                                         "--sep: '%s' is not ',', ';' or 'tab'",
                                         parser.value);
                goto done;
            }
            break;
        case OPT_SKIP_BAD:
            settings.skip_bad = 1;
            break;
        case OPT_STRICT:
            settings.strict = 1;
            break;
        case OPT_QUIET:
            quiet = 1;
            break;
        case OPT_HELP:
            import_help(stdout);
            status = CLI_EXIT_OK;
            goto done;
        case CLI_OPT_POSITIONAL:
            inputs[count].path = parser.value;
            inputs[count].kind = kind;
            counts[kind]++;
            count++;
            kind_pending = 0;
            break;
        default: /* CLI_OPT_ERROR, already reported */
            status = CLI_EXIT_USAGE;
            goto done;
        }
    }
    if (count == 0) {
        status = cli_usage_error(parser.command, "no input file");
        goto done;
    }
    if (kind_pending) {
        status = cli_usage_error(parser.command,
                                 "the last --kind applies to no file: put it "
                                 "before the files it is for");
        goto done;
    }
    for (opt = 0; opt < KIND_COUNT; opt++)
        if (maps[opt] != NULL && counts[opt] == 0) {
            status = cli_usage_error(parser.command,
                                     "--map '%s' is for %s files and there are "
                                     "none: put it after the --kind it is for",
                                     maps[opt], cli_kind_name(opt));
            goto done;
        }
    if (output == NULL || output[0] == '\0') {
        status = cli_usage_error(parser.command,
                                 "no output snapshot: give -o OUT.mtl");
        goto done;
    }
    if (strcmp(output, "-") == 0) {
        status = cli_usage_error(parser.command,
                                 "-o: a snapshot is written to a file, not to "
                                 "standard output");
        goto done;
    }
    status = import_run(inputs, count, output, &settings, maps, quiet);
done:
    free(inputs);
    return status;
}
