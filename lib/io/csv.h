/* csv.h: what the CSV import and export of every record kind share.
 *
 * csv_import.c holds the driver of an import (the header, the loop over
 * the records, skip-bad-rows, error reporting, the result, the undo on
 * failure) and the leads, customers and segments; csv_inputs.c plugs the
 * strategy inputs (looks, factors, $APPEALS, control points, pains,
 * contacts, relationships, answers) into the same driver.  csv_export.c
 * holds the writer both exports use. */
#ifndef MTL_IO_CSV_H
#define MTL_IO_CSV_H

#include "io/csv_reader.h"
#include "market/internal.h"

/* ---- import ------------------------------------------------------------ */

/* Most fields of one kind. */
#define MTL__CSV_FIELDS_MAX 32

/* The columns of the header: the field of each column (-1: none of the
 * kind's fields) and the column of each field (-1: not in the file). */
typedef struct mtl__csv_header {
    size_t ncols;
    int *col_field;
    int field_col[MTL__CSV_FIELDS_MAX];
} mtl__csv_header;

/* One import: what every kind shares. */
typedef struct mtl__csv_job {
    mtl_market *m;
    mtl__allocator *a;
    const mtl_csv_options *o;
    mtl_csv_result *res; /* NULL: the caller wants no result */
    int kind;
    int digits;       /* decimal places of the minor unit */
    mtl__csv_header h;
    uint64_t records; /* data records read, bad ones included */
} mtl__csv_job;

/* The field a header name means for a kind: name is normalised (ASCII
 * lower case, ' ' and '-' as '_'); header is 1 for a name in the header
 * and 0 for the right side of a field-map entry.  -1 when it names none of
 * the kind's fields. */
typedef int (*mtl__csv_field_fn)(const char *name, int kind, int header);

/* Called for a header column that names no field (column c of rd's
 * current record); MTL_OK or a reported error. */
typedef mtl_status (*mtl__csv_column_fn)(void *ctx, const mtl__csv_reader *rd,
                                         size_t c);

/* Read the header into j->h: the field map first, then canonical names and
 * aliases as field_of says; a column of no field goes to other (NULL:
 * ignored).  Errors (reported, with their position): an empty input, a
 * malformed field map or one naming no field of the kind, a name too
 * long, an empty name, two columns for one field. */
mtl_status mtl__csv_read_header(mtl__csv_job *j, mtl__csv_reader *rd,
                                mtl__csv_field_fn field_of,
                                mtl__csv_column_fn other, void *ctx);

/* What a kind does with the records; ctx is the kind's import state. */
typedef struct mtl__csv_ops {
    /* read the header (mtl__csv_read_header) and get ready for the rows */
    mtl_status (*begin)(void *ctx, mtl__csv_reader *rd);
    /* one data record, its field count checked; MTL_OK, or an error
     * (reported, with its position) after which the market holds nothing
     * of the row */
    mtl_status (*row)(void *ctx, mtl__csv_reader *rd);
    /* after the last record: finish and keep what was imported (setting
     * res->imported), or fail */
    mtl_status (*finish)(void *ctx, mtl__csv_reader *rd);
    /* after a failure anywhere (stop-at-first-error, out of memory): put
     * the market back as it was */
    void (*undo)(void *ctx);
} mtl__csv_ops;

/* What an import reads: a buffer in memory, or a file read through a
 * window (mtl_csv_import_file), so that a file of any size costs the
 * window, not its size, in memory. */
typedef struct mtl__csv_input {
    const char *data; /* memory input: len bytes */
    size_t len;
    FILE *file;    /* file input (when not NULL), at its byte 0 */
    uint64_t size; /* its size in bytes */
    size_t window; /* its window (MTL__CSV_WINDOW) */
    size_t batch;  /* leads per batch; 0: the default (tests use tiny ones) */
} mtl__csv_input;

/* Run an import of in: progress, the loop over the records, result
 * counts, the kept errors, skip-bad-rows, and on failure undo with the
 * error detail kept. */
mtl_status mtl__csv_run(mtl__csv_job *j, const mtl__csv_input *in,
                        const mtl__csv_ops *ops, void *ctx);

/* mtl_csv_import of an input (memory or file). */
mtl_status mtl__csv_import_input(mtl_market *market, const mtl__csv_input *in,
                                 const mtl_csv_options *options,
                                 mtl_csv_result *result);

/* Keep the thread's last error in the result (the first
 * MTL_CSV_ERRORS_MAX). */
void mtl__csv_record_error(mtl_csv_result *res, mtl_status st);

/* The strategy inputs (csv_inputs.c): j is set up for kind
 * MTL_KIND_LOOKS ... MTL_KIND_ANSWERS. */
mtl_status mtl__csv_import_inputs(mtl__csv_job *j, const mtl__csv_input *in);

/* ---- field values ---- */

/* Header text (or a word) normalised for matching: ASCII lower case, ' '
 * and '-' as '_', surrounding spaces dropped, NUL-terminated.  0 if it
 * does not fit in cap bytes. */
int mtl__csv_normalise(const char *p, size_t len, char *out, size_t cap);
/* Drop the spaces and tabs around an unquoted field (inline: called on
 * every field, which mostly has none). */
void mtl__csv_trim_blanks(mtl__csv_field *f);
static inline void mtl__csv_trim(mtl__csv_field *f)
{
    if (!f->quoted && f->len &&
        (f->p[0] == ' ' || f->p[0] == '\t' || f->p[f->len - 1] == ' ' ||
         f->p[f->len - 1] == '\t'))
        mtl__csv_trim_blanks(f);
}
/* The field is word, ignoring ASCII case. */
int mtl__csv_ieq(const mtl__csv_field *f, const char *word);
/* 1 for yes (1 true yes y 是), 0 for no or empty (0 false no n 否), -1
 * for anything else. */
int mtl__csv_yes_no(const mtl__csv_field *f);

/* Flags of mtl__csv_decimal. */
#define MTL__CSV_SIGN 1u    /* a leading '+' or '-' */
#define MTL__CSV_PERCENT 2u /* a trailing '%': divided by 100 */
/* A plain decimal (core/number.h), read the same in every locale; 0, or
 * -1 when the field is no such number (nothing reported). */
int mtl__csv_decimal(const mtl__csv_field *f, unsigned flags, double *out);
/* Decimal money to minor units, exactly (digits = log10 minor_per_major).
 * name, when not NULL, prefixes the messages ("market_size: negative
 * amount"). */
mtl_status mtl__csv_amount(const mtl__csv_field *f, int digits, const char *name,
                           int64_t *out);

/* ---- export ------------------------------------------------------------ */

typedef struct mtl__csv_out {
    mtl_write_fn write;
    void *user_data;
    char sep;
    char buf[8192];
    size_t len;
    int failed;
} mtl__csv_out;

/* One field (first: the line's first), quoted when it needs it. */
void mtl__csv_put(mtl__csv_out *o, const char *s, int first);
void mtl__csv_end_line(mtl__csv_out *o);
/* Minor units as decimal major units ("12.50"). */
void mtl__csv_amount_text(char *buf, size_t cap, int64_t v, const mtl_market *m);

/* The strategy inputs of kind (csv_inputs.c). */
void mtl__csv_export_inputs(const mtl_market *m, int kind, mtl__csv_out *o);

#endif
