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

/* "leads", "customers", "segments" -> MTL_KIND_*; 0, or -1 for anything else. */
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
 * Import one CSV file ("-" = standard input) of kind into market, with a
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

#endif /* MTL_CLI_INPUT_H */
