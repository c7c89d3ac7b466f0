/* csv_reader.h: an RFC 4180 record reader over a memory buffer.
 *
 * UTF-8 with or without BOM, CRLF / LF / CR line ends, quoted fields with
 * embedded separators, quotes ("") and newlines.  Positions are 1-based
 * physical lines and byte columns (the BOM is not counted).  Malformed
 * input (unterminated or stray quotes, text after a closing quote, NUL
 * bytes, invalid UTF-8) is reported with the position of the offending
 * byte. */
#ifndef MTL_IO_CSV_READER_H
#define MTL_IO_CSV_READER_H

#include <stddef.h>
#include <stdint.h>

#include "core/alloc.h"
#include "mtl/status.h"

typedef struct mtl__csv_field {
    const char *p; /* bytes (into the input, or the reader's scratch) */
    size_t len;
    int64_t line, column; /* where the field starts */
    size_t scratch_off;   /* offset + 1 in the scratch buffer while the
                           * record is read (0 = p is set) */
    int quoted;           /* the field was quoted: its spaces are data */
} mtl__csv_field;

typedef struct mtl__csv_reader {
    const char *data, *end, *pos;
    char sep;
    int64_t line;           /* line of pos */
    const char *line_start; /* first byte of that line */
    mtl__allocator *alloc;
    mtl__csv_field *fields;
    size_t nfields, cap_fields;
    char *scratch; /* unescaped quoted fields of the current record */
    size_t scratch_len, scratch_cap;
    int64_t record_line; /* line where the current record starts */
    const char *record_end; /* just past the record's last byte, before its line end */
    int64_t end_line, end_column; /* position of record_end */
} mtl__csv_reader;

/* Start reading data; skips a UTF-8 BOM.  sep 0 = detect from the first
 * line (the most frequent of ',' ';' '\t' outside quotes; ',' if none). */
void mtl__csv_reader_init(mtl__csv_reader *r, mtl__allocator *a,
                          const char *data, size_t len, char sep);
void mtl__csv_reader_free(mtl__csv_reader *r);

/* Read the next record into r->fields.  Returns 1 for a record, 0 at the
 * end of the input, or -1 on an error (status, line, column and message in
 * the thread's error detail; *out_status too).  Empty lines are skipped. */
int mtl__csv_next(mtl__csv_reader *r, mtl_status *out_status);

/* Skip to the start of the next line after an error (skip-bad-rows mode);
 * 0 at the end of the input. */
int mtl__csv_skip_line(mtl__csv_reader *r);

/* Report an error about field f with a message that quotes at most 64
 * bytes of the field. */
mtl_status mtl__csv_field_error(const mtl__csv_field *f, mtl_status st,
                                const char *what);
/* The same with the field's name first when name is not NULL:
 * "line 3, column 5: impact: not a number: 'x'". */
mtl_status mtl__csv_named_error(const mtl__csv_field *f, mtl_status st,
                                const char *name, const char *what);

/* Bytes consumed so far. */
static inline size_t mtl__csv_offset(const mtl__csv_reader *r)
{
    return (size_t)(r->pos - r->data);
}

#endif
