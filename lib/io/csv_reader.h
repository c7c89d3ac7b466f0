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
#include <stdio.h>

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
    int blank_free; /* the current record has no space or tab outside its
                     * separators: none of its fields needs a trim */
    int slack;      /* its fields point into [data, end) with at least 16
                     * bytes readable from each one's start: a word load
                     * there reads no byte outside the data */
    const char *record_end; /* just past the record's last byte, before its line end */
    int64_t end_line, end_column; /* position of record_end */
    /* Streaming from a file: [data, end) is a window of the input starting
     * at input offset base, refilled at record boundaries; a record is
     * parsed again from its start when it reached the window's end before
     * the end of the input (it may continue there).  Nothing may keep a
     * pointer into the window past the record it read. */
    FILE *file;        /* NULL: the whole input is in memory */
    char *window;      /* owned window buffer (file input) */
    size_t window_cap;
    uint64_t base;     /* input offset of data[0] */
    uint64_t size;     /* bytes of the whole input */
    int eof;           /* the window reaches the end of the input */
    unsigned char cls[256]; /* byte classes for sep (csv_reader.c) */
} mtl__csv_reader;

/* The window of a file import: big enough that refills are rare, small
 * enough to stay in the core's cache while it is parsed.  It grows for a
 * record longer than itself. */
#define MTL__CSV_WINDOW ((size_t)1 << 20)

/* Start reading data; skips a UTF-8 BOM.  sep 0 = detect from the first
 * line (the most frequent of ',' ';' '\t' outside quotes; ',' if none). */
void mtl__csv_reader_init(mtl__csv_reader *r, mtl__allocator *a,
                          const char *data, size_t len, char sep);
void mtl__csv_reader_free(mtl__csv_reader *r);

/* Start reading a file of size bytes (its current position is byte 0) in
 * a window of window bytes (MTL__CSV_WINDOW; tests use tiny ones).  The
 * reader owns the window, not the file.  MTL_OK, MTL_E_IO or
 * MTL_E_NO_MEMORY (reported). */
mtl_status mtl__csv_reader_init_file(mtl__csv_reader *r, mtl__allocator *a,
                                     FILE *file, uint64_t size, size_t window,
                                     char sep);

/* Read the next record into r->fields.  Returns 1 for a record, 0 at the
 * end of the input, or -1 on an error (status, line, column and message in
 * the thread's error detail; *out_status too).  Empty lines are skipped.
 * Streaming, the fields point into the window until the next call. */
int mtl__csv_next(mtl__csv_reader *r, mtl_status *out_status);

/* Skip to the start of the next line after an error (skip-bad-rows mode);
 * 1, 0 at the end of the input, -1 when the file cannot be read further
 * (reported; *out_status too). */
int mtl__csv_skip_line(mtl__csv_reader *r, mtl_status *out_status);

/* Report an error about field f with a message that quotes at most 64
 * bytes of the field. */
mtl_status mtl__csv_field_error(const mtl__csv_field *f, mtl_status st,
                                const char *what);
/* The same with the field's name first when name is not NULL:
 * "line 3, column 5: impact: not a number: 'x'". */
mtl_status mtl__csv_named_error(const mtl__csv_field *f, mtl_status st,
                                const char *name, const char *what);

/* Bytes consumed so far. */
static inline uint64_t mtl__csv_offset(const mtl__csv_reader *r)
{
    return r->base + (uint64_t)(r->pos - r->data);
}

#endif
