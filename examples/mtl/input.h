/*
 * input.h: what `mtl import`, `mtl export` and `mtl info` share: the CSV
 * import options, running an import with progress and FILE:LINE:COLUMN
 * error reports, telling a snapshot from a CSV file, and a write callback
 * onto a stdio stream.  Public API (<mtl.h>) only.
 */
#ifndef MTL_CLI_INPUT_H
#define MTL_CLI_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <mtl.h>

#include "util.h"

/* The first bytes of every snapshot (docs/formats.md). */
#define CLI_SNAPSHOT_MAGIC "MTLSNAP"
#define CLI_SNAPSHOT_MAGIC_LEN 7

/* Import options that apply to every input file of one command. */
typedef struct cli_import_settings {
    int32_t separator;     /* 0 = detect */
    const char *field_map; /* --map, or NULL */
    const char *stage_map; /* --stages, or NULL */
    int skip_bad;          /* --skip-bad */
    int strict;            /* --strict */
} cli_import_settings;

/* The kinds of CSV file: MTL_KIND_LEADS (0) ... MTL_KIND_ANSWERS. */
#define CLI_KIND_COUNT (MTL_KIND_ANSWERS + 1)
/* The --kind values, for messages: "leads, customers, segments, ...". */
#define CLI_KIND_NAMES                                                        \
    "leads, customers, segments, looks, factors, appeals, control_points, "  \
    "pains, contacts, relationships or answers"

/* "leads", "customers", "segments", "looks", "factors", "appeals",
 * "control_points", "pains", "contacts", "relationships", "answers" (or
 * the singular, or '-' for '_') -> MTL_KIND_*; 0, or -1 for anything else. */
int cli_parse_kind(const char *text, int32_t *out);
/* The name of a MTL_KIND_* value. */
const char *cli_kind_name(int32_t kind);

/* "," ";" "tab" "\t" (a real tab or the two characters) -> the byte; 0 or -1. */
int cli_parse_separator(const char *text, int32_t *out);

/* Shape check of a --map / --stages value: "a=b[,c=d...]", both sides of
 * every pair non-empty.  0 or -1 (the library checks the names). */
int cli_check_pairs(const char *text);

/* How a file name is shown in messages ("-" is "<stdin>"). */
const char *cli_display_name(const char *path);

/*
 * Read a whole file ("-" = standard input) into a malloc'd buffer.
 * 0, or -1 after printing "mtl: PATH: <reason>" on stderr.
 */
int cli_read_all(const char *path, char **out, size_t *out_len);

/*
 * Whether a file starts with the snapshot magic: 1 yes, 0 no (also for a
 * file shorter than the magic), -1 when it cannot be opened or read
 * (errno is set; nothing printed).
 */
int cli_file_is_snapshot(const char *path);

/* The same for bytes in memory. */
int cli_bytes_are_snapshot(const char *data, size_t len);

/*
 * Import one CSV file ("-" = standard input) of kind into market (callers
 * refuse snapshots first: cli_inputs_import), with a
 * progress line on stderr when stderr is a terminal.  On success fills
 * result and returns CLI_EXIT_OK after printing the kept row errors
 * ("FILE:LINE:COLUMN: message") and the number of skipped rows when rows
 * were skipped.  On failure prints the error in the same form and
 * returns CLI_EXIT_ERROR.
 */
int cli_import_csv(mtl_market *market, const char *path, int32_t kind,
                   const cli_import_settings *settings,
                   mtl_csv_result *result);

/*
 * Load a market from a snapshot, or import a CSV file of kind into a new
 * market when the file does not start with the snapshot magic ("-" =
 * standard input, read whole).  *out_is_snapshot (may be NULL) tells which.
 * Errors are printed; returns CLI_EXIT_OK or CLI_EXIT_ERROR.
 */
int cli_open_market(mtl_market **out, const char *path, int32_t kind,
                    const cli_import_settings *settings, int *out_is_snapshot);

/* Print "mtl: <path>: <library message>" for the last failure; CLI_EXIT_ERROR. */
int cli_file_error(const char *path);

/* mtl_write_fn onto a FILE * (user_data): 0, or -1 when fwrite falls short. */
int32_t cli_write_stream(const void *data, size_t len, void *user_data);

/* ---- options shared by the analysis commands ------------------------- */

/* The CSV-input options of every command that reads a market: put
 * CLI_INPUT_OPTIONS first in the command's option table, so that option
 * indexes 0..CLI_INPUT_OPTION_COUNT-1 are these (in this order). */
#define CLI_INPUT_OPTIONS                                                     \
    { "map", 0, "MAP", "CSV input: header names to fields ('account=customer,...')" }, \
    { "stages", 0, "STAGES", "CSV input: stage names to stages ('Won=won,...')" }, \
    { "sep", 0, "C", "CSV input: separator ',', ';' or 'tab' (default: detected)" }, \
    { "skip-bad", 0, NULL, "CSV input: skip bad rows instead of stopping" },     \
    { "strict", 0, NULL, "CSV input: unknown customers and segments are errors" }
enum { CLI_INPUT_OPTION_COUNT = 5 };

/* Apply input option index (< CLI_INPUT_OPTION_COUNT) with parser->value.
 * CLI_EXIT_OK, or CLI_EXIT_USAGE after printing the usage error. */
int cli_input_option(const cli_parser *parser, int index,
                     cli_import_settings *settings);

/* ---- several input files, each of a kind ---------------------------- */

/*
 * The inputs of `mtl import` and of the strategy commands (segments,
 * pains, customers, leads): files in the order given, each of the kind in
 * effect where it stands.  --kind applies to the files after it (default
 * leads); --map to every file of the kind in effect where it stands (each
 * kind its own); --stages, --sep, --skip-bad and --strict to every file.
 */
typedef struct cli_input_file {
    const char *path;
    int32_t kind;
} cli_input_file;

typedef struct cli_inputs {
    cli_input_file *files;
    size_t count;
    int32_t kind;                     /* the kind in effect */
    int kind_pending;                 /* a --kind no file followed yet */
    const char *maps[CLI_KIND_COUNT]; /* --map per kind */
    size_t counts[CLI_KIND_COUNT];    /* files per kind */
    cli_import_settings settings;     /* field_map unused: see maps */
} cli_inputs;

/* The options cli_inputs_option reads: put CLI_FILES_OPTIONS first in the
 * command's option table (indexes 0..CLI_FILES_OPTION_COUNT-1). */
#define CLI_FILES_OPTIONS                                                     \
    { "kind", 0, "KIND", "the kind of the CSV files after it: leads (default), " \
                         "customers, segments, looks, factors, appeals, "       \
                         "control_points, pains, contacts, relationships, answers" }, \
    { "map", 0, "MAP", "header names to fields, for the CSV files of the current " \
                       "--kind: 'opportunity_id=id,...'" },                  \
    { "stages", 0, "STAGES", "stage names to stages: 'Prospecting=P1,Won=won,...'" }, \
    { "sep", 0, "C", "CSV separator: ',', ';' or 'tab' (default: detected)" },  \
    { "skip-bad", 0, NULL, "skip bad CSV rows (each reported on stderr) instead of stopping" }, \
    { "strict", 0, NULL, "a row naming an unknown customer or segment is an error" }
enum { CLI_FILES_OPTION_COUNT = 6 };

/* Room for one file per argument; CLI_EXIT_OK, or CLI_EXIT_ERROR after
 * reporting that memory ran out. */
int cli_inputs_init(cli_inputs *inputs, int argc);
void cli_inputs_free(cli_inputs *inputs);
/* Apply option index (< CLI_FILES_OPTION_COUNT) with parser->value:
 * CLI_EXIT_OK, or CLI_EXIT_USAGE after printing the usage error. */
int cli_inputs_option(cli_inputs *inputs, const cli_parser *parser, int index);
/* A file (a positional argument), of the kind in effect. */
void cli_inputs_add(cli_inputs *inputs, const char *path);
/* After the options: at least one file, no --kind after the last file,
 * no --map for a kind without files.  CLI_EXIT_OK or CLI_EXIT_USAGE. */
int cli_inputs_check(const cli_inputs *inputs, const char *command);
/* Import files first..count-1 into market, in order, results[i] for file
 * i (NULL: not kept).  A snapshot among them is refused with hint (for
 * example "give it as -o to add to it").  CLI_EXIT_OK or CLI_EXIT_ERROR
 * (reported, stopping at the first file that fails). */
int cli_inputs_import(mtl_market *market, const cli_inputs *inputs, size_t first,
                      const char *hint, mtl_csv_result *results);
/* The market of the inputs: the first file may be a snapshot (loaded),
 * every other file is CSV imported into it, in order.  CLI_EXIT_OK or
 * CLI_EXIT_ERROR (reported; *out NULL). */
int cli_inputs_open(mtl_market **out, const cli_inputs *inputs);

/* "a,b,c": exactly count numbers separated by commas (each strtod, finite)
 * -> out[]; CLI_EXIT_OK, or CLI_EXIT_USAGE after "--OPTION: 'x' is not
 * N numbers separated by commas". */
int cli_parse_numbers(const cli_parser *parser, double *out, size_t count);

/* --by KEY: "segment", "region", "owner", "grade", "source",
 * "cohort:month" (or "cohort"), "cohort:quarter", "cohort:year" ->
 * MTL_GROUP_*; 0, or -1 for anything else. */
int cli_parse_group(const char *text, int32_t *out);

/* The one input (snapshot or CSV) of an analysis command: stores
 * parser->value in *path; CLI_EXIT_OK, or CLI_EXIT_USAGE after the usage
 * error when an input was given already. */
int cli_take_input(const cli_parser *parser, const char **path);

/* parser->value among names (count of them) -> the matching value;
 * CLI_EXIT_OK, or CLI_EXIT_USAGE after "--OPTION: 'x' is not CHOICES". */
int cli_parse_choice(const cli_parser *parser, const char *choices,
                     const char *const *names, const int32_t *values, size_t count,
                     int32_t *out);

/* --source: "stage" or "calibrated" -> MTL_PROBABILITY_SOURCE_*. */
int cli_parse_source(const cli_parser *parser, int32_t *out);

/* --from DAY --to DAY (inclusive): both or neither (both when required),
 * --to not before --from; sets *out_end = to + 1.  CLI_EXIT_OK or
 * CLI_EXIT_USAGE after the usage error. */
int cli_period(const char *command, int32_t from, int32_t to, int required,
               int32_t *out_end);

/* Output formats (--format). */
enum { CLI_FORMAT_TABLE = 0, CLI_FORMAT_CSV = 1, CLI_FORMAT_JSON = 2 };
/* "table", "csv" or "json" -> CLI_FORMAT_*; CLI_EXIT_OK, or CLI_EXIT_USAGE
 * after printing the usage error. */
int cli_parse_format(const cli_parser *parser, int *out);

/* --option YYYY-MM-DD -> day number; CLI_EXIT_OK or CLI_EXIT_USAGE. */
int cli_parse_day(const cli_parser *parser, int32_t *out);

/* A rate: "0.08", "8%", "-2.5%" -> a fraction; 0, or -1 when it is not
 * such a number. */
int cli_parse_rate(const char *text, double *out);

/* A decimal amount in major units ("1250000", "99.5") -> minor units of
 * the market's currency, exactly (at most as many decimals as the minor
 * unit has); 0, or -1 when it is not such a number or overflows. */
int cli_amount_to_minor(const char *text, int64_t minor_per_major, int64_t *out);

/* ---- output helpers --------------------------------------------------- */

/* A JSON writer onto stdout (pretty); NULL after reporting the error. */
mtl_json *cli_json_stdout(void);
/* Write key: value members (each checks the previous status). */
mtl_status cli_json_int(mtl_json *w, mtl_status st, const char *key, int64_t v);
mtl_status cli_json_double(mtl_json *w, mtl_status st, const char *key, double v);
mtl_status cli_json_string(mtl_json *w, mtl_status st, const char *key,
                           const char *v);
/* An amount in minor units as major units (a JSON number). */
mtl_status cli_json_major(mtl_json *w, mtl_status st, const char *key,
                          double minor, int64_t minor_per_major);
/* Finish the document and report a write error: CLI_EXIT_OK/ERROR. */
int cli_json_done(mtl_json *w, mtl_status st);

/* One CSV field onto out, quoted when it needs to be (RFC 4180). */
void cli_csv_field(FILE *out, const char *text, int last);
/* A number as a CSV field in the shortest form that reads back to the same
 * double; empty for NaN. */
void cli_csv_number(FILE *out, double v, int last);

#endif /* MTL_CLI_INPUT_H */
