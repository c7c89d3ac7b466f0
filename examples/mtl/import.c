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
    CLI_FILES_OPTIONS,
    { "output", 'o', "OUT.mtl", "the snapshot to write; an existing one is loaded and added to" },
    { "quiet", 'q', NULL, "print no summary lines on stdout" },
    { "help", 'h', NULL, "show this help and exit" },
};
enum { OPT_OUTPUT = CLI_FILES_OPTION_COUNT, OPT_QUIET, OPT_HELP };
#define IMPORT_OPT_COUNT (sizeof import_opts / sizeof import_opts[0])

static void import_help(FILE *out)
{
    fputs("Usage: mtl import [--kind KIND] FILE.csv [[--kind KIND] FILE.csv ...]\n"
          "                  -o OUT.mtl [--map MAP] [--stages STAGES] [--sep C]\n"
          "                  [--skip-bad] [--strict] [--quiet]\n"
          "\n"
          "Import CSV files of leads, customers or segments, and of the strategy\n"
          "inputs that name them, into a market and save it as a snapshot.  The\n"
          "files are imported in the order given (the accounts before the\n"
          "opportunities that name them, the segments before their look items);\n"
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
          "Kinds: leads, customers, segments; the strategy inputs (docs/formats.md)\n"
          "looks, factors, appeals and control_points of segments, pains of\n"
          "segments or customers, contacts and relationships of customers, and\n"
          "answers (lead verification) of leads.\n"
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

static void print_summary(const cli_input_file *input,
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

static int import_run(const cli_inputs *inputs, const char *output, int quiet)
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
    results = malloc(inputs->count * sizeof *results);
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
    if (status == CLI_EXIT_OK)
        status = cli_inputs_import(market, inputs, 0, "give it as -o to add to it",
                                   results);
    if (status == CLI_EXIT_OK) {
        if (mtl_market_save(market, output) != MTL_OK) {
            status = cli_file_error(output);
        } else if (!quiet) {
            for (i = 0; i < inputs->count; i++)
                print_summary(&inputs->files[i], &results[i]);
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
    cli_inputs inputs;
    const char *output = NULL;
    int quiet = 0, opt, status;

    if (cli_inputs_init(&inputs, argc) != CLI_EXIT_OK)
        return CLI_EXIT_ERROR;
    cli_parser_init(&parser, "mtl import", argc, argv);
    while ((opt = cli_parser_next(&parser, import_opts, IMPORT_OPT_COUNT)) != CLI_OPT_END) {
        status = CLI_EXIT_OK;
        if (opt >= 0 && opt < CLI_FILES_OPTION_COUNT)
            status = cli_inputs_option(&inputs, &parser, opt);
        else if (opt == OPT_OUTPUT)
            output = parser.value;
        else if (opt == OPT_QUIET)
            quiet = 1;
        else if (opt == OPT_HELP) {
            import_help(stdout);
            goto done;
        } else if (opt == CLI_OPT_POSITIONAL)
            cli_inputs_add(&inputs, parser.value);
        else /* CLI_OPT_ERROR, already reported */
            status = CLI_EXIT_USAGE;
        if (status != CLI_EXIT_OK)
            goto done;
    }
    if ((status = cli_inputs_check(&inputs, parser.command)) != CLI_EXIT_OK)
        goto done;
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
    status = import_run(&inputs, output, quiet);
done:
    cli_inputs_free(&inputs);
    return status;
}
