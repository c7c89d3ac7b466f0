/*
 * json.c: the streaming JSON writer of include/mtl/json.h.
 *
 * The writer keeps a stack of open containers (one byte each) and whether
 * a key waits for its value; each call checks that it fits before writing
 * anything, so a refused call (MTL_E_STATE) leaves the document as it was.
 * Output goes to a fixed 4 KiB buffer inside the handle, handed to the
 * callback when full and at finish; a refused write sticks (MTL_E_IO).
 */
#include "mtl/json.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/number.h"

#define JSON_BUFFER 4096

/* One byte per open container. */
enum {
    LEVEL_OBJECT = 1,
    LEVEL_ARRAY = 2,
    LEVEL_KIND = 3,
    LEVEL_HAS_ITEMS = 4 /* a member or element was written: ',' before the next */
};

struct mtl_json {
    mtl__allocator alloc;
    mtl_write_fn write;
    void *user_data;
    int32_t pretty;
    int32_t key_pending; /* a key was written; its value comes next */
    int32_t root_done;   /* the top-level value is complete */
    int32_t finished;
    mtl_status io_error; /* MTL_OK, or MTL_E_IO once the callback refused */
    unsigned char *stack;
    size_t depth, capacity;
    size_t used;
    char buffer[JSON_BUFFER];
};

/* ---- output ----------------------------------------------------------- */

static mtl_status flush(mtl_json *w)
{
    if (w->used > 0) {
        if (w->write(w->buffer, w->used, w->user_data) != 0) {
            w->used = 0;
            w->io_error = MTL_E_IO;
            return mtl__error(MTL_E_IO, "json: the write callback failed");
        }
        w->used = 0;
    }
    return MTL_OK;
}

/* Append bytes; large runs go through the buffer in pieces. */
static mtl_status put(mtl_json *w, const char *data, size_t len)
{
    while (len > 0) {
        size_t room = JSON_BUFFER - w->used;
        size_t n = len < room ? len : room;

        memcpy(w->buffer + w->used, data, n);
        w->used += n;
        data += n;
        len -= n;
        if (w->used == JSON_BUFFER && flush(w) != MTL_OK)
            return MTL_E_IO;
    }
    return MTL_OK;
}

static mtl_status put_char(mtl_json *w, char c)
{
    w->buffer[w->used++] = c;
    if (w->used == JSON_BUFFER)
        return flush(w);
    return MTL_OK;
}

static mtl_status put_indent(mtl_json *w, size_t depth)
{
    static const char spaces[] = "                                ";
    mtl_status st = put_char(w, '\n');

    depth *= 2;
    while (st == MTL_OK && depth > 0) {
        size_t n = depth < sizeof spaces - 1 ? depth : sizeof spaces - 1;
        st = put(w, spaces, n);
        depth -= n;
    }
    return st;
}

/* ---- structure checks --------------------------------------------------- */

static mtl_status check_writer(const mtl_json *w)
{
    if (w == NULL)
        return mtl__error_null("json writer");
    if (w->io_error != MTL_OK)
        return mtl__error(MTL_E_IO, "json: an earlier write failed");
    if (w->finished)
        return mtl__error(MTL_E_STATE, "json: the document is finished");
    return MTL_OK;
}

/* May a value (scalar or container) be written now? */
static mtl_status check_value(const mtl_json *w)
{
    mtl_status st = check_writer(w);

    if (st != MTL_OK)
        return st;
    if (w->depth == 0) {
        if (w->root_done)
            return mtl__error(MTL_E_STATE,
                              "json: a second value at the top level");
        return MTL_OK;
    }
    if ((w->stack[w->depth - 1] & LEVEL_KIND) == LEVEL_OBJECT &&
        !w->key_pending)
        return mtl__error(MTL_E_STATE,
                          "json: a value where an object needs a key");
    return MTL_OK;
}

/* Write what goes before a value: ',' and the indentation in an array
 * (after a key the separator is already out).  Call after check_value. */
static mtl_status before_value(mtl_json *w)
{
    unsigned char *top;
    mtl_status st = MTL_OK;

    if (w->depth == 0)
        return MTL_OK;
    top = &w->stack[w->depth - 1];
    if ((*top & LEVEL_KIND) == LEVEL_OBJECT) {
        w->key_pending = 0;
        return MTL_OK;
    }
    if (*top & LEVEL_HAS_ITEMS)
        st = put_char(w, ',');
    if (st == MTL_OK && w->pretty)
        st = put_indent(w, w->depth);
    *top |= LEVEL_HAS_ITEMS;
    return st;
}

/* A scalar or a container was completed. */
static void after_value(mtl_json *w)
{
    if (w->depth == 0)
        w->root_done = 1;
}

/* ---- strings ---------------------------------------------------------- */

static const char hex_digits[] = "0123456789abcdef";

/*
 * Length of the well-formed UTF-8 sequence at s (Unicode Table 3-7), or,
 * negated, the length of its maximal ill-formed subpart (at least 1): the
 * longest prefix that could start a well-formed sequence.  Replacing each
 * such subpart with one U+FFFD is the practice Unicode recommends (§3.9,
 * "U+FFFD Substitution of Maximal Subparts"), and what Python, ICU and the
 * WHATWG decoder do.
 */
static long utf8_sequence(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t need, i;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0; /* no overlongs */
        else if (c == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90; /* no overlongs */
        else if (c == 0xF4)
            hi = 0x8F; /* nothing above U+10FFFF */
    } else {
        return -1; /* a continuation byte, C0, C1, F5..FF */
    }
    for (i = 1; i < need; i++) {
        unsigned char b;

        if (i >= len)
            return -(long)i;
        b = s[i];
        if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF))
            return -(long)i;
    }
    return (long)need;
}

static mtl_status put_string(mtl_json *w, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, run = 0; /* s[run..i) is plain text not yet written */
    mtl_status st = put_char(w, '"');

    while (st == MTL_OK && i < len) {
        unsigned char c = s[i];
        char esc[6];
        size_t esc_len = 0, skip = 1;

        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0x80) {
            long n = utf8_sequence(s + i, len - i);
            if (n > 0) {
                i += (size_t)n;
                continue;
            }
            skip = (size_t)-n;
            memcpy(esc, "\xEF\xBF\xBD", 3); /* U+FFFD */
            esc_len = 3;
        } else {
            esc[0] = '\\';
            esc_len = 2;
            switch (c) {
            case '"': esc[1] = '"'; break;
            case '\\': esc[1] = '\\'; break;
            case '\b': esc[1] = 'b'; break;
            case '\f': esc[1] = 'f'; break;
            case '\n': esc[1] = 'n'; break;
            case '\r': esc[1] = 'r'; break;
            case '\t': esc[1] = 't'; break;
            default:
                esc[1] = 'u';
                esc[2] = '0';
                esc[3] = '0';
                esc[4] = hex_digits[c >> 4];
                esc[5] = hex_digits[c & 15];
                esc_len = 6;
                break;
            }
        }
        st = put(w, text + run, i - run);
        if (st == MTL_OK)
            st = put(w, esc, esc_len);
        i += skip;
        run = i;
    }
    if (st == MTL_OK)
        st = put(w, text + run, i - run);
    if (st == MTL_OK)
        st = put_char(w, '"');
    return st;
}

/* ---- numbers ---------------------------------------------------------- */

/* Decimal digits of v, INT64_MIN included; returns the length. */
static size_t format_int64(char *buf, int64_t v)
{
    char tmp[24];
    uint64_t mag = v < 0 ? 0u - (uint64_t)v : (uint64_t)v;
    size_t n = 0, len = 0;

    do {
        tmp[n++] = (char)('0' + mag % 10u);
        mag /= 10u;
    } while (mag != 0);
    if (v < 0)
        buf[len++] = '-';
    while (n > 0)
        buf[len++] = tmp[--n];
    return len;
}

/* ---- the API ---------------------------------------------------------- */

MTL_API mtl_status mtl_json_create(mtl_json **out, mtl_write_fn write,
                                   void *user_data, int32_t flags,
                                   mtl_alloc_fn alloc, void *alloc_user_data)
{
    mtl__allocator a;
    mtl_json *w;

    if (out == NULL)
        return mtl__error_null("out");
    *out = NULL;
    if (write == NULL)
        return mtl__error_null("write callback");
    if ((flags & ~(int32_t)MTL_JSON_PRETTY) != 0)
        return mtl__error(MTL_E_RANGE, "json: unknown flags 0x%lx",
                          (unsigned long)(uint32_t)flags);
    mtl__allocator_init(&a, alloc, alloc_user_data);
    w = mtl__alloc_zero(&a, sizeof *w);
    if (w == NULL)
        return mtl__error_oom();
    mtl__allocator_init(&w->alloc, alloc, alloc_user_data);
    w->write = write;
    w->user_data = user_data;
    w->pretty = (flags & MTL_JSON_PRETTY) != 0;
    *out = w;
    return MTL_OK;
}

MTL_API void mtl_json_destroy(mtl_json *w)
{
    mtl__allocator a;

    if (w == NULL)
        return;
    /* the handle goes last, through a copy of its allocator */
    mtl__allocator_init(&a, w->alloc.fn, w->alloc.user_data);
    mtl__free(&w->alloc, w->stack, w->capacity);
    mtl__free(&a, w, sizeof *w);
}

static mtl_status begin(mtl_json *w, unsigned char kind, char open)
{
    mtl_status st = check_value(w);

    if (st != MTL_OK)
        return st;
    if (!mtl__grow(&w->alloc, (void **)&w->stack, &w->capacity, w->depth + 1,
                   1))
        return mtl__error_oom();
    st = before_value(w);
    if (st == MTL_OK)
        st = put_char(w, open);
    w->stack[w->depth++] = kind;
    return st;
}

static mtl_status end(mtl_json *w, unsigned char kind, char close)
{
    mtl_status st = check_writer(w);
    unsigned char top;

    if (st != MTL_OK)
        return st;
    if (w->depth == 0 || (w->stack[w->depth - 1] & LEVEL_KIND) != kind)
        return mtl__error(MTL_E_STATE, "json: no open %s to end",
                          kind == LEVEL_OBJECT ? "object" : "array");
    if (w->key_pending)
        return mtl__error(MTL_E_STATE,
                          "json: the object ends after a key without a value");
    top = w->stack[--w->depth];
    if (w->pretty && (top & LEVEL_HAS_ITEMS))
        st = put_indent(w, w->depth);
    if (st == MTL_OK)
        st = put_char(w, close);
    after_value(w);
    return st;
}

MTL_API mtl_status mtl_json_begin_object(mtl_json *w)
{
    return begin(w, LEVEL_OBJECT, '{');
}

MTL_API mtl_status mtl_json_end_object(mtl_json *w)
{
    return end(w, LEVEL_OBJECT, '}');
}

MTL_API mtl_status mtl_json_begin_array(mtl_json *w)
{
    return begin(w, LEVEL_ARRAY, '[');
}

MTL_API mtl_status mtl_json_end_array(mtl_json *w)
{
    return end(w, LEVEL_ARRAY, ']');
}

MTL_API mtl_status mtl_json_key_len(mtl_json *w, const char *key, size_t len)
{
    mtl_status st = check_writer(w);
    unsigned char *top;

    if (st != MTL_OK)
        return st;
    if (key == NULL && len > 0)
        return mtl__error_null("key");
    if (w->depth == 0 ||
        (w->stack[w->depth - 1] & LEVEL_KIND) != LEVEL_OBJECT)
        return mtl__error(MTL_E_STATE, "json: a key outside an object");
    if (w->key_pending)
        return mtl__error(MTL_E_STATE, "json: a key where a value is required");
    top = &w->stack[w->depth - 1];
    if (*top & LEVEL_HAS_ITEMS)
        st = put_char(w, ',');
    if (st == MTL_OK && w->pretty)
        st = put_indent(w, w->depth);
    *top |= LEVEL_HAS_ITEMS;
    w->key_pending = 1;
    if (st == MTL_OK)
        st = put_string(w, key != NULL ? key : "", len);
    if (st == MTL_OK)
        st = w->pretty ? put(w, ": ", 2) : put_char(w, ':');
    return st;
}

MTL_API mtl_status mtl_json_key(mtl_json *w, const char *key)
{
    if (key == NULL) /* before the writer check: NULL is its own error */
        return w == NULL ? mtl__error_null("json writer")
                         : mtl__error_null("key");
    return mtl_json_key_len(w, key, strlen(key));
}

/* Write one scalar token (already formatted). */
static mtl_status scalar(mtl_json *w, const char *text, size_t len)
{
    mtl_status st = check_value(w);

    if (st != MTL_OK)
        return st;
    st = before_value(w);
    if (st == MTL_OK)
        st = put(w, text, len);
    after_value(w);
    return st;
}

MTL_API mtl_status mtl_json_string_len(mtl_json *w, const char *s, size_t len)
{
    mtl_status st = check_value(w);

    if (st != MTL_OK)
        return st;
    if (s == NULL && len > 0)
        return mtl__error_null("string");
    st = before_value(w);
    if (st == MTL_OK)
        st = put_string(w, s != NULL ? s : "", len);
    after_value(w);
    return st;
}

MTL_API mtl_status mtl_json_string(mtl_json *w, const char *s)
{
    if (s == NULL)
        return w == NULL ? mtl__error_null("json writer")
                         : mtl__error_null("string");
    return mtl_json_string_len(w, s, strlen(s));
}

MTL_API mtl_status mtl_json_int(mtl_json *w, int64_t value)
{
    char buf[24];
    return scalar(w, buf, format_int64(buf, value));
}

MTL_API mtl_status mtl_json_double(mtl_json *w, double value)
{
    char buf[64];
    size_t len;

    /* NaN compares unequal to itself; the infinities exceed DBL_MAX. */
    if (value != value || value > DBL_MAX || value < -DBL_MAX)
        return scalar(w, "null", 4);
    len = mtl__format_double(buf, sizeof buf, value);
    if (len == 0) /* cannot happen: %.17g of a finite double fits */
        return scalar(w, "null", 4);
    return scalar(w, buf, len);
}

MTL_API mtl_status mtl_json_bool(mtl_json *w, int32_t value)
{
    return value != 0 ? scalar(w, "true", 4) : scalar(w, "false", 5);
}

MTL_API mtl_status mtl_json_null(mtl_json *w)
{
    return scalar(w, "null", 4);
}

MTL_API mtl_status mtl_json_finish(mtl_json *w)
{
    mtl_status st = check_writer(w);

    if (st != MTL_OK)
        return st;
    if (w->depth > 0)
        return mtl__error(MTL_E_STATE, "json: %lu object(s) or array(s) still open",
                          (unsigned long)w->depth);
    if (!w->root_done)
        return mtl__error(MTL_E_STATE, "json: nothing was written");
    w->finished = 1;
    st = put_char(w, '\n');
    if (st == MTL_OK)
        st = flush(w);
    return st;
}
