/* RFC 4180 record reader (see csv_reader.h). */
#include "io/csv_reader.h"

#include <string.h>

#include "core/error.h"
#include "io/csv_scan.h"

enum { C_PLAIN, C_SEP, C_EOL, C_QUOTE, C_NUL, C_HIGH };

/* The class of every byte for the reader's separator, in a table: the
 * loop over an unquoted field is one load and compare per byte. */
static void init_classes(mtl__csv_reader *r)
{
    int c;
    for (c = 0; c < 256; c++)
        r->cls[c] = c >= 0x80                          ? C_HIGH
                    : c == (unsigned char)r->sep       ? C_SEP
                    : c == '\n' || c == '\r'           ? C_EOL
                    : c == '"'                         ? C_QUOTE
                    : c == 0                           ? C_NUL
                                                       : C_PLAIN;
}

/* Length of the valid UTF-8 sequence at p (p[0] >= 0x80), 0 if invalid:
 * no overlongs, no surrogates, nothing above U+10FFFF (RFC 3629). */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t n = (size_t)(end - p);
    if (c >= 0xC2 && c <= 0xDF)
        return n >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && p[1] < 0xA0)
            return 0; /* overlong */
        if (c == 0xED && p[1] >= 0xA0)
            return 0; /* surrogate */
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
            (p[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && p[1] < 0x90)
            return 0; /* overlong */
        if (c == 0xF4 && p[1] >= 0x90)
            return 0; /* above U+10FFFF */
        return 4;
    }
    return 0;
}

/* The end of the first line (a line end outside quotes), or NULL when the
 * input ends first: what detect_separator reads. */
static const char *first_line_end(const char *p, const char *end)
{
    int quoted = 0;
    for (; p < end; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (!quoted && (*p == '\n' || *p == '\r'))
            return p;
    }
    return NULL;
}

static char detect_separator(const char *p, const char *end)
{
    size_t comma = 0, semi = 0, tab = 0;
    int quoted = 0;
    for (; p < end; p++) {
        char c = *p;
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && (c == '\n' || c == '\r'))
            break;
        else if (!quoted)
            comma += c == ',', semi += c == ';', tab += c == '\t';
    }
    if (tab > comma && tab > semi)
        return '\t';
    if (semi > comma)
        return ';';
    return ',';
}

void mtl__csv_reader_init(mtl__csv_reader *r, mtl__allocator *a,
                          const char *data, size_t len, char sep)
{
    memset(r, 0, sizeof *r);
    r->alloc = a;
    r->data = data;
    r->end = data + len;
    r->size = len;
    r->eof = 1;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        data += 3;
    r->pos = data;
    r->line = 1;
    r->line_start = data;
    r->sep = sep ? sep : detect_separator(data, r->end);
    init_classes(r);
}

void mtl__csv_reader_free(mtl__csv_reader *r)
{
    mtl__free(r->alloc, r->fields, r->cap_fields * sizeof *r->fields);
    mtl__free(r->alloc, r->scratch, r->scratch_cap);
    mtl__free(r->alloc, r->window, r->window_cap);
    r->fields = NULL;
    r->scratch = NULL;
    r->window = NULL;
}

/* ---- the window of a file ------------------------------------------------ */

/* Move the unread part of the window (from the start of the current line,
 * for columns) to its front, or double the window when that part fills
 * it, and read on.  1, or 0 with the error reported. */
static int refill(mtl__csv_reader *r, mtl_status *st)
{
    const char *keep = r->line_start < r->pos ? r->line_start : r->pos;
    size_t off = (size_t)(keep - r->data), n = (size_t)(r->end - keep), got;
    if (r->eof)
        return 1;
    if (off == 0 && n == r->window_cap) {
        size_t ncap = r->window_cap * 2;
        char *w = mtl__realloc(r->alloc, r->window, r->window_cap, ncap);
        if (!w) {
            *st = mtl__error_oom();
            return 0;
        }
        r->window = w;
        r->window_cap = ncap;
    } else if (off) {
        memmove(r->window, keep, n);
    }
    /* the window may have moved: pointers as offsets from keep */
    r->pos = r->window + (r->pos - keep);
    r->line_start = r->window + (r->line_start - keep);
    r->base += off;
    r->data = r->window;
    got = fread(r->window + n, 1, r->window_cap - n, r->file);
    r->end = r->window + n + got;
    if (got < r->window_cap - n) {
        if (ferror(r->file)) {
            *st = mtl__error(MTL_E_IO, "cannot read the input after byte %llu",
                             (unsigned long long)(r->base + n + got));
            return 0;
        }
        r->eof = 1;
    }
    return 1;
}

mtl_status mtl__csv_reader_init_file(mtl__csv_reader *r, mtl__allocator *a,
                                     FILE *file, uint64_t size, size_t window,
                                     char sep)
{
    mtl_status st = MTL_OK;
    memset(r, 0, sizeof *r);
    r->alloc = a;
    r->file = file;
    r->size = size;
    r->window_cap = window < 4 ? 4 : window;
    if (!(r->window = mtl__alloc(a, r->window_cap)))
        return mtl__error_oom();
    r->data = r->pos = r->line_start = r->end = r->window;
    if (!refill(r, &st))
        return st;
    /* the separator is detected on the whole first line (its quoted line
     * ends included), as from memory */
    while (!first_line_end(r->pos, r->end) && !r->eof)
        if (!refill(r, &st))
            return st;
    if (r->end - r->pos >= 3 && memcmp(r->pos, "\xEF\xBB\xBF", 3) == 0)
        r->pos += 3;
    r->line = 1;
    r->line_start = r->pos;
    r->sep = sep ? sep : detect_separator(r->pos, r->end);
    init_classes(r);
    return MTL_OK;
}

static mtl_status error_at(mtl__csv_reader *r, const char *at, int64_t line,
                           const char *line_start, mtl_status st, const char *what)
{
    (void)r;
    return mtl__error_at(st, line, (int64_t)(at - line_start) + 1,
                         "line %lld, column %lld: %s", (long long)line,
                         (long long)(at - line_start) + 1, what);
}

mtl_status mtl__csv_field_error(const mtl__csv_field *f, mtl_status st,
                                const char *what)
{
    return mtl__csv_named_error(f, st, NULL, what);
}

mtl_status mtl__csv_named_error(const mtl__csv_field *f, mtl_status st,
                                const char *name, const char *what)
{
    size_t n = f->len < 64 ? f->len : 64;
    /* do not cut a UTF-8 character in the quote */
    while (n < f->len && n > 0 && ((unsigned char)f->p[n] & 0xC0) == 0x80)
        n--;
    return mtl__error_at(st, f->line, f->column,
                         "line %lld, column %lld: %s%s%s: '%.*s'%s",
                         (long long)f->line, (long long)f->column,
                         name ? name : "", name ? ": " : "", what, (int)n, f->p,
                         n < f->len ? "..." : "");
}

static inline void set_field(mtl__csv_field *f, const char *p, size_t len,
                             int64_t line, int64_t column)
{
    f->p = p;
    f->len = len;
    f->line = line;
    f->column = column;
    f->scratch_off = 0;
    f->quoted = 0;
}

static inline int push_field(mtl__csv_reader *r, const char *p, size_t len,
                             int64_t line, int64_t column)
{
    if (r->nfields == r->cap_fields &&
        !mtl__grow(r->alloc, (void **)&r->fields, &r->cap_fields, r->nfields + 1,
                   sizeof *r->fields))
        return 0;
    set_field(&r->fields[r->nfields++], p, len, line, column);
    return 1;
}

static int scratch_append(mtl__csv_reader *r, const char *p, size_t len)
{
    if (!mtl__grow(r->alloc, (void **)&r->scratch, &r->scratch_cap,
                   r->scratch_len + len + 1, 1))
        return 0;
    memcpy(r->scratch + r->scratch_len, p, len);
    r->scratch_len += len;
    return 1;
}

/* A quoted field starting at r->pos (the opening quote). */
static int read_quoted(mtl__csv_reader *r, mtl_status *st)
{
    const char *open = r->pos, *p = r->pos + 1, *seg = p;
    const char *open_line_start = r->line_start;
    int64_t line = r->line, column = (int64_t)(open - r->line_start) + 1;
    size_t off = r->scratch_len;
    int escaped = 0;
    for (;;) {
        unsigned char c;
        if (p >= r->end) {
            *st = error_at(r, open, line, open_line_start, MTL_E_PARSE,
                           "quoted field is not closed");
            r->pos = r->end;
            return 0;
        }
        c = (unsigned char)*p;
        if (c == '"') {
            if (p + 1 < r->end && p[1] == '"') {
                if (!scratch_append(r, seg, (size_t)(p + 1 - seg)))
                    goto oom;
                escaped = 1;
                p += 2;
                seg = p;
                continue;
            }
            break;
        }
        if (c == '\n' || (c == '\r' && !(p + 1 < r->end && p[1] == '\n'))) {
            r->line++;
            r->line_start = p + 1;
        } else if (c == 0) {
            *st = error_at(r, p, r->line, r->line_start, MTL_E_PARSE,
                           "NUL byte in the input");
            r->pos = p; /* resume (skip-bad-rows) from the error's line */
            return 0;
        } else if (c >= 0x80) {
            size_t n = utf8_len((const unsigned char *)p,
                                (const unsigned char *)r->end);
            if (!n) {
                *st = error_at(r, p, r->line, r->line_start, MTL_E_PARSE,
                               "invalid UTF-8");
                r->pos = p;
                return 0;
            }
            p += n;
            continue;
        }
        p++;
    }
    /* p is the closing quote */
    if (escaped) {
        if (!scratch_append(r, seg, (size_t)(p - seg)))
            goto oom;
        /* the pointer is fixed up once the record is complete */
        if (!push_field(r, NULL, r->scratch_len - off, line, column))
            goto oom;
        r->fields[r->nfields - 1].scratch_off = off + 1;
    } else if (!push_field(r, open + 1, (size_t)(p - open - 1), line, column))
        goto oom;
    r->fields[r->nfields - 1].quoted = 1;
    r->pos = p + 1;
    if (r->pos < r->end && *r->pos != r->sep && *r->pos != '\n' && *r->pos != '\r') {
        *st = error_at(r, r->pos, r->line, r->line_start, MTL_E_PARSE,
                       "text after a closing quote");
        return 0;
    }
    return 1;
oom:
    *st = mtl__error_oom();
    return 0;
}

/* The first byte in [p, end) that is not plain for separator sep, eight
 * bytes at a time while eight remain; end if none.  Fields are short: most
 * end within the first eight. */
static const char *skip_plain(const char *p, const char *end, char sep)
{
    while (end - p >= 8) {
        mtl__csv_masks k;
        mtl__csv_scan_word(p, sep, &k);
        if (k.sep | k.eol | k.other)
            return p + (mtl__ctz64(k.sep | k.eol | k.other) >> 3);
        p += 8;
    }
    return p;
}

/* An unquoted field starting at r->pos. */
static int read_plain(mtl__csv_reader *r, mtl_status *st)
{
    const char *start = r->pos, *p = start, *end = r->end;
    const unsigned char *cls = r->cls;
    for (p = skip_plain(p, end, r->sep); p < end; p++) {
        int k = cls[(unsigned char)*p];
        if (k == C_PLAIN)
            continue;
        if (k == C_SEP || k == C_EOL)
            break;
        if (k == C_QUOTE) {
            *st = error_at(r, p, r->line, r->line_start, MTL_E_PARSE,
                           "quote inside an unquoted field");
            r->pos = p;
            return 0;
        }
        if (k == C_NUL) {
            *st = error_at(r, p, r->line, r->line_start, MTL_E_PARSE,
                           "NUL byte in the input");
            r->pos = p;
            return 0;
        }
        {
            size_t n = utf8_len((const unsigned char *)p, (const unsigned char *)end);
            if (!n) {
                *st = error_at(r, p, r->line, r->line_start, MTL_E_PARSE,
                               "invalid UTF-8");
                r->pos = p;
                return 0;
            }
            p += n - 1;
        }
    }
    if (!push_field(r, start, (size_t)(p - start), r->line,
                    (int64_t)(start - r->line_start) + 1)) {
        *st = mtl__error_oom();
        return 0;
    }
    r->pos = p;
    return 1;
}

/* The fields of the record at r->pos, up to its end (a line end or the end
 * of the data): 1, or 0 on an error (*st set). */
static int read_fields(mtl__csv_reader *r, mtl_status *st)
{
    for (;;) {
        if (!(*r->pos == '"' ? read_quoted(r, st) : read_plain(r, st)))
            return 0;
        if (r->pos < r->end && *r->pos == r->sep) {
            r->pos++;
            if (r->pos >= r->end || *r->pos == '\n' || *r->pos == '\r') {
                /* a separator at the end of the record: one more empty field */
                if (!push_field(r, r->pos, 0, r->line,
                                (int64_t)(r->pos - r->line_start) + 1)) {
                    *st = mtl__error_oom();
                    return 0;
                }
                return 1;
            }
            continue;
        }
        return 1;
    }
}

/* The record at r->pos when it is the common kind: no quote, no byte
 * outside ASCII, no NUL.  Its bytes are classified a block at a time
 * (csv_scan.h: 64 bytes with SSE2, else 8); every separator before the block's first line end ends a
 * field, read off the mask bit by bit, without a look at the bytes one by
 * one.  The last block of the data is read from a zero-padded copy: NUL
 * bytes, which send a record without a line end before the data's end to
 * read_fields at once.  1 when read (r->pos at the line end), 0
 * when the record is of the other kind (nothing kept: read_fields reads
 * it, and reports what is wrong with it), -1 out of memory.  (The
 * separator is ',', ';' or a tab: never a line end.) */
static int read_simple_record(mtl__csv_reader *r)
{
    const char *first = r->pos, *p = first, *start = p, *end = r->end;
    int64_t line = r->line, column0 = (int64_t)(first - r->line_start) + 1;
    /* the field array in locals: a store into a field could otherwise be
     * taken to change r->nfields, to be read again after every store */
    mtl__csv_field *fs = r->fields;
    size_t n = 0;
    uint64_t blanks = 0;
    char last[MTL__CSV_BLOCK];
    for (;; p += MTL__CSV_BLOCK) {
        mtl__csv_masks k;
        uint64_t before, m;
        if (end - p >= MTL__CSV_BLOCK) {
            mtl__csv_scan(p, r->sep, &k);
        } else {
            if (p >= end)
                return 0;
            memset(last, 0, sizeof last);
            memcpy(last, p, (size_t)(end - p));
            mtl__csv_scan(last, r->sep, &k);
        }
        before = k.eol ? (k.eol & (0 - k.eol)) - 1 : ~(uint64_t)0; /* bytes before it */
        if (k.other & before)
            return 0;
        blanks |= k.blank & ~k.sep & before; /* a tab may be the separator */
        m = k.sep & before;
        if (r->cap_fields - n < MTL__CSV_BLOCK + 1) {
            /* room for the block's fields: one per byte and the last */
            if (!mtl__grow(r->alloc, (void **)&r->fields, &r->cap_fields,
                           n + MTL__CSV_BLOCK + 1, sizeof *r->fields))
                return -1;
            fs = r->fields;
        }
        for (; m; m &= m - 1) {
            const char *at = p + (mtl__ctz64(m) >> MTL__CSV_BIT_SHIFT);
            set_field(&fs[n++], start, (size_t)(at - start), line,
                      column0 + (start - first));
            start = at + 1;
        }
        if (k.eol) {
            const char *at = p + (mtl__ctz64(k.eol) >> MTL__CSV_BIT_SHIFT);
            set_field(&fs[n++], start, (size_t)(at - start), line,
                      column0 + (start - first));
            r->nfields = n;
            r->pos = at;
            r->blank_free = blanks == 0;
            r->slack = end - at >= 16;
            return 1;
        }
    }
}

/* Fewer than this many bytes left after a record: it may go on past the
 * window (a closing quote, a CR before an LF, a UTF-8 sequence of up to 4
 * bytes), so it is read again after a refill. */
#define WINDOW_MARGIN 4

int mtl__csv_next(mtl__csv_reader *r, mtl_status *out_status)
{
    size_t i, pos_off, line_off;
    int64_t line;
    int ok;
    mtl_status st = MTL_OK;
again:
    /* skip empty lines */
    for (;;) {
        if (!r->eof && r->end - r->pos < 2 && !refill(r, out_status))
            return -1;
        if (!(r->pos < r->end && (*r->pos == '\n' || *r->pos == '\r')))
            break;
        if (*r->pos == '\r' && r->pos + 1 < r->end && r->pos[1] == '\n')
            r->pos++;
        r->pos++;
        r->line++;
        r->line_start = r->pos;
    }
    if (r->pos >= r->end)
        return 0;
    r->nfields = 0;
    r->scratch_len = 0;
    r->blank_free = r->slack = 0;
    r->record_line = r->line;
    pos_off = (size_t)(r->pos - r->data);
    line_off = (size_t)(r->line_start - r->data);
    line = r->line;
    ok = read_simple_record(r);
    if (ok < 0) {
        *out_status = mtl__error_oom();
        return -1;
    }
    if (!ok)
        ok = read_fields(r, &st);
    if (!r->eof && r->end - r->pos < WINDOW_MARGIN && st != MTL_E_NO_MEMORY) {
        /* the record may go on past the window: read it again with more */
        r->pos = r->data + pos_off;
        r->line_start = r->data + line_off;
        r->line = line;
        if (!refill(r, out_status))
            return -1;
        goto again;
    }
    if (!ok) {
        *out_status = st;
        return -1;
    }
    r->record_end = r->pos;
    r->end_line = r->line;
    r->end_column = (int64_t)(r->pos - r->line_start) + 1;
    if (r->pos < r->end) {
        if (*r->pos == '\r' && r->pos + 1 < r->end && r->pos[1] == '\n')
            r->pos++;
        r->pos++;
        r->line++;
        r->line_start = r->pos;
    }
    /* fields unescaped into scratch: their offsets become pointers now that
     * the scratch buffer no longer moves (none in most records) */
    if (r->scratch_len)
        for (i = 0; i < r->nfields; i++)
            if (r->fields[i].scratch_off)
                r->fields[i].p = r->scratch + (r->fields[i].scratch_off - 1);
    return 1;
}

int mtl__csv_skip_line(mtl__csv_reader *r, mtl_status *out_status)
{
    for (;;) {
        const char *p = r->pos;
        while (p < r->end && *p != '\n' && *p != '\r')
            p++;
        r->pos = p;
        if (!r->eof && r->end - p < 2) {
            /* the line end may be further on, or be a CR LF cut in two */
            r->line_start = p;
            if (!refill(r, out_status))
                return -1;
            continue;
        }
        if (p < r->end) {
            if (*p == '\r' && p + 1 < r->end && p[1] == '\n')
                p++;
            p++;
            r->line++;
            r->line_start = p;
        }
        r->pos = p;
        return p < r->end || !r->eof; /* a window's end is not the input's */
    }
}
