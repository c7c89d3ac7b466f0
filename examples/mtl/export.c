/*
 * export.c: `mtl export` — one record kind of a snapshot as CSV.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <mtl.h>

#include "commands.h"
#include "input.h"
#include "util.h"

static const cli_option export_opts[] = {
    { "kind", 0, "KIND", "leads (default), customers, segments, looks, factors, appeals, "
                         "control_points, pains, contacts, relationships or answers" },
    { "output", 'o', "FILE.csv", "where to write; '-' or no -o: standard output" },
    { "sep", 0, "C", "separator: ',', ';' or 'tab' (default ',')" },
    { "help", 'h', NULL, "show this help and exit" },
};
enum { OPT_KIND, OPT_OUTPUT, OPT_SEP, OPT_HELP };
#define EXPORT_OPT_COUNT (sizeof export_opts / sizeof export_opts[0])

static void export_help(FILE *out)
{
    fputs("Usage: mtl export SNAPSHOT [--kind KIND] [-o FILE.csv] [--sep C]\n"
          "\n"
          "Write one kind of record of a snapshot as CSV with the canonical\n"
          "header names, LF line ends and quotes where needed: the leads,\n"
          "customers or segments, or a strategy input (looks, factors, appeals,\n"
          "control_points, pains, contacts, relationships, answers).  A file is\n"
          "written under a temporary name and renamed, so it is never left half\n"
          "written.  Importing the files (segments, customers, leads, then the\n"
          "strategy inputs) into an empty market gives the same market back.\n"
          "\n"
          "Options:\n", out);
    cli_print_options(out, export_opts, EXPORT_OPT_COUNT);
    fputs("\n"
          "Exit status: 0 on success, 1 on bad input or a library error, 2 on\n"
          "a usage error.\n", out);
}

/* The market of a snapshot file, or of a snapshot on standard input. */
static int load_snapshot(mtl_market **out, const char *path)
{
    int is_snapshot;

    *out = NULL;
    if (strcmp(path, "-") == 0) {
        char *data;
        size_t len;
        int status = CLI_EXIT_OK;

        if (cli_read_all(path, &data, &len) != 0)
            return CLI_EXIT_ERROR;
        if (!cli_bytes_are_snapshot(data != NULL ? data : "", len)) {
            fprintf(stderr, "mtl: <stdin>: not an mtl snapshot\n");
            status = CLI_EXIT_ERROR;
        } else if (mtl_market_read(out, data, len, NULL) != MTL_OK) {
            status = cli_file_error(path);
        }
        free(data);
        return status;
    }
    is_snapshot = cli_file_is_snapshot(path);
    if (is_snapshot < 0) {
        fprintf(stderr, "mtl: %s: %s\n", path, strerror(errno));
        return CLI_EXIT_ERROR;
    }
    if (is_snapshot == 0) {
        fprintf(stderr, "mtl: %s: not an mtl snapshot (make one with 'mtl "
                        "import')\n", path);
        return CLI_EXIT_ERROR;
    }
    if (mtl_market_load(out, path, NULL) != MTL_OK)
        return cli_file_error(path);
    return CLI_EXIT_OK;
}

static int export_run(const char *snapshot, int32_t kind, const char *output,
                      int32_t separator)
{
    mtl_market *market = NULL;
    int status = load_snapshot(&market, snapshot);

    if (status != CLI_EXIT_OK)
        return status;
    if (output == NULL || strcmp(output, "-") == 0) {
        if (mtl_csv_export(market, kind, separator, cli_write_stream, stdout) !=
            MTL_OK)
            status = cli_library_error("export");
    } else if (mtl_csv_export_file(market, kind, separator, output) != MTL_OK) {
        status = cli_file_error(output);
    }
    mtl_market_unref(market);
    return status;
}

int mtl_cmd_export(int argc, char **argv)
{
    cli_parser parser;
    const char *snapshot = NULL, *output = NULL;
    int32_t kind = MTL_KIND_LEADS, separator = 0;
    int opt;

    cli_parser_init(&parser, "mtl export", argc, argv);
    while ((opt = cli_parser_next(&parser, export_opts, EXPORT_OPT_COUNT)) != CLI_OPT_END) {
        switch (opt) {
        case OPT_KIND:
            if (cli_parse_kind(parser.value, &kind) != 0)
                return cli_usage_error(parser.command, "--kind: '%s' is not %s",
                                       parser.value, CLI_KIND_NAMES);
            break;
        case OPT_OUTPUT:
            output = parser.value;
            break;
        case OPT_SEP:
            if (cli_parse_separator(parser.value, &separator) != 0)
                return cli_usage_error(parser.command,
                                       "--sep: '%s' is not ',', ';' or 'tab'",
                                       parser.value);
            break;
        case OPT_HELP:
            export_help(stdout);
            return CLI_EXIT_OK;
        case CLI_OPT_POSITIONAL:
            if (snapshot != NULL)
                return cli_usage_error(parser.command,
                                       "unexpected argument '%s' (one snapshot "
                                       "at a time)", parser.value);
            snapshot = parser.value;
            break;
        default:
            return CLI_EXIT_USAGE;
        }
    }
    if (snapshot == NULL)
        return cli_usage_error(parser.command, "no snapshot given");
    if (output != NULL && output[0] == '\0')
        return cli_usage_error(parser.command, "-o: empty file name");
    return export_run(snapshot, kind, output, separator);
}
