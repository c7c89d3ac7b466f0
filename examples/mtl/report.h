/*
 * report.h: what the strategy commands (`mtl segments`, `mtl pains`,
 * `mtl customers`, `mtl leads`) share: their inputs (a snapshot and/or CSV
 * files of each kind, see input.h), --format, and how an mtl_score is
 * shown.  Public API (<mtl.h>) only.
 */
#ifndef MTL_CLI_REPORT_H
#define MTL_CLI_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include <mtl.h>

#include "input.h"
#include "util.h"

/* The options cli_report_option reads: put CLI_REPORT_OPTIONS first in
 * the command's option table (indexes 0..CLI_REPORT_OPTION_COUNT-1). */
#define CLI_REPORT_OPTIONS                                                    \
    CLI_FILES_OPTIONS,                                                        \
    { "format", 'f', "FORMAT", "table (default), csv or json" }
enum { CLI_REPORT_OPTION_COUNT = CLI_FILES_OPTION_COUNT + 1 };

/* cli_report_option's answer for an option that is not one of the shared
 * ones: the command handles it. */
enum { CLI_REPORT_NOT_MINE = -1 };

typedef struct cli_report {
    cli_inputs inputs;
    int format; /* CLI_FORMAT_* */
} cli_report;

/* CLI_EXIT_OK, or CLI_EXIT_ERROR after reporting that memory ran out. */
int cli_report_init(cli_report *report, int argc);
void cli_report_free(cli_report *report);

/* Handle opt (an index, or CLI_OPT_POSITIONAL: an input file):
 * CLI_EXIT_OK, CLI_EXIT_USAGE (reported), or CLI_REPORT_NOT_MINE. */
int cli_report_option(cli_report *report, const cli_parser *parser, int opt);

/* After the options: check the inputs (usage errors) and open the market
 * (bad input).  CLI_EXIT_* (reported). */
int cli_report_open(cli_report *report, const char *command, mtl_market **out);

/* A command's printer of its report in one format, given what it shows. */
typedef int (*cli_report_fn)(const void *view);

/* Print view with table, csv or json as report->format says, then flush
 * standard output.  CLI_EXIT_OK or CLI_EXIT_ERROR (reported). */
int cli_report_print(const cli_report *report, const void *view, cli_report_fn table,
                     cli_report_fn csv, cli_report_fn json);

/* --top N: *limit = N.  CLI_EXIT_OK or CLI_EXIT_USAGE (reported). */
int cli_report_limit(const cli_parser *parser, size_t *limit);

/* One JSON member or array item of a command's document. */
typedef mtl_status (*cli_json_item_fn)(mtl_json *w, const void *view, size_t i);

/* On stdout: {head's members, key: [item 0, ..., item count - 1]}; head
 * (called once with i 0) may be NULL.  CLI_EXIT_OK or CLI_EXIT_ERROR. */
int cli_json_list(const char *key, size_t count, cli_json_item_fn head,
                  cli_json_item_fn item, const void *view);

/* "key": [ and { when st is MTL_OK (returns st otherwise). */
mtl_status cli_json_open_array(mtl_json *w, mtl_status st, const char *key);
mtl_status cli_json_open_object(mtl_json *w, mtl_status st);
/* ] and } when st is MTL_OK. */
mtl_status cli_json_close_array(mtl_json *w, mtl_status st);
mtl_status cli_json_close_object(mtl_json *w, mtl_status st);

/*
 * A score as the JSON member key: {"value": v, "terms": [{"factor": f,
 * "weight": w, "value": x, "contribution": c}, ...]}, NaN as null.
 * scale multiplies the values and contributions (not the weights): 1, or
 * 1 / minor units per major unit for a score in minor units; the value is
 * then the sum of the scaled contributions, left to right, so that the
 * terms add up to it exactly as they do unscaled.
 */
mtl_status cli_json_score(mtl_json *w, mtl_status st, const char *key,
                          const mtl_score *score, double scale);

/* v with decimals ("6.42"), halves rounded away from zero as the
 * library's reasons round them (0.725 is "0.73"); "-" for NaN.  Returns
 * buf. */
const char *cli_format_number(char *buf, size_t capacity, double v, int decimals);

/* The name of value among names[0..count-1], "?" out of range. */
const char *cli_name_of(const char *const *names, size_t count, int32_t value);

#endif /* MTL_CLI_REPORT_H */
