/*
 * test_json.c: the JSON writer (json.h).
 *
 * Public functions exercised here (json.h):
 *   [x] mtl_json_create        [x] mtl_json_destroy
 *   [x] mtl_json_begin_object  [x] mtl_json_end_object
 *   [x] mtl_json_begin_array   [x] mtl_json_end_array
 *   [x] mtl_json_key           [x] mtl_json_key_len
 *   [x] mtl_json_string        [x] mtl_json_string_len
 *   [x] mtl_json_int           [x] mtl_json_double
 *   [x] mtl_json_bool          [x] mtl_json_null
 *   [x] mtl_json_finish
 *
 * Exact expected texts for the layout and the escapes; a small strict JSON
 * validator (RFC 8259 grammar, UTF-8 checked) over everything the writer
 * produces, including random byte strings and random doubles.
 */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mtl.h"
#include "support/test_alloc.h"

#define OK(expr) assert_int_equal((expr), MTL_OK)
#define STATE(expr) assert_int_equal((expr), MTL_E_STATE)

/* ---- an in-memory sink ------------------------------------------------ */

typedef struct sink {
    char *data;
    size_t len, capacity;
    size_t calls;       /* write callbacks so far */
    size_t fail_at;     /* 0: never; else the call number that fails */
    size_t max_chunk;   /* largest len handed to one call */
} sink;

static int32_t sink_write(const void *data, size_t len, void *user_data)
{
    sink *s = user_data;

    s->calls++;
    if (s->fail_at != 0 && s->calls >= s->fail_at)
        return -1;
    if (len > s->max_chunk)
        s->max_chunk = len;
    if (s->len + len + 1 > s->capacity) {
        size_t cap = s->capacity ? s->capacity : 256;
        char *p;
        while (cap < s->len + len + 1)
            cap *= 2;
        p = test_realloc(s->data, cap);
        assert_non_null(p);
        s->data = p;
        s->capacity = cap;
    }
    memcpy(s->data + s->len, data, len);
    s->len += len;
    s->data[s->len] = '\0';
    return 0;
}

static void sink_free(sink *s)
{
    test_free(s->data);
    memset(s, 0, sizeof *s);
}

static const char *sink_text(const sink *s)
{
    return s->data != NULL ? s->data : "";
}

static mtl_json *writer(sink *s, int32_t flags)
{
    mtl_json *w = NULL;
    memset(s, 0, sizeof *s);
    OK(mtl_json_create(&w, sink_write, s, flags, NULL, NULL));
    assert_non_null(w);
    return w;
}

/* ---- a strict validator ----------------------------------------------- */

typedef struct vstate {
    const unsigned char *p, *end;
    int depth;
} vstate;

static int v_value(vstate *v);

static void v_ws(vstate *v)
{
    while (v->p < v->end &&
           (*v->p == ' ' || *v->p == '\n' || *v->p == '\r' || *v->p == '\t'))
        v->p++;
}

static int v_lit(vstate *v, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(v->end - v->p) < n || memcmp(v->p, lit, n) != 0)
        return 0;
    v->p += n;
    return 1;
}

/* One well-formed UTF-8 sequence (Unicode Table 3-7). */
static int v_utf8(vstate *v)
{
    const unsigned char *s = v->p;
    size_t left = (size_t)(v->end - s), need, i;
    unsigned char lo = 0x80, hi = 0xBF;

    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        need = 2;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        need = 3;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        need = 4;
    else
        return 0;
    if (s[0] == 0xE0) lo = 0xA0;
    if (s[0] == 0xED) hi = 0x9F;
    if (s[0] == 0xF0) lo = 0x90;
    if (s[0] == 0xF4) hi = 0x8F;
    if (left < need)
        return 0;
    for (i = 1; i < need; i++) {
        unsigned char l = i == 1 ? lo : 0x80, h = i == 1 ? hi : 0xBF;
        if (s[i] < l || s[i] > h)
            return 0;
    }
    v->p += need;
    return 1;
}

static int v_string(vstate *v)
{
    if (v->p >= v->end || *v->p != '"')
        return 0;
    v->p++;
    while (v->p < v->end) {
        unsigned char c = *v->p;
        if (c == '"') {
            v->p++;
            return 1;
        }
        if (c < 0x20)
            return 0;
        if (c == '\\') {
            v->p++;
            if (v->p >= v->end)
                return 0;
            if (*v->p == 'u') {
                int i;
                for (i = 1; i <= 4; i++)
                    if (v->p + i >= v->end ||
                        !strchr("0123456789abcdefABCDEF", v->p[i]) ||
                        v->p[i] == '\0')
                        return 0;
                v->p += 5;
            } else if (strchr("\"\\/bfnrt", *v->p) && *v->p != '\0') {
                v->p++;
            } else {
                return 0;
            }
        } else if (c >= 0x80) {
            if (!v_utf8(v))
                return 0;
        } else {
            v->p++;
        }
    }
    return 0;
}

static int v_digits(vstate *v)
{
    const unsigned char *start = v->p;
    while (v->p < v->end && *v->p >= '0' && *v->p <= '9')
        v->p++;
    return v->p > start;
}

static int v_number(vstate *v)
{
    if (v->p < v->end && *v->p == '-')
        v->p++;
    if (v->p < v->end && *v->p == '0')
        v->p++;
    else if (!(v->p < v->end && *v->p >= '1' && *v->p <= '9' && v_digits(v)))
        return 0;
    if (v->p < v->end && *v->p == '.') {
        v->p++;
        if (!v_digits(v))
            return 0;
    }
    if (v->p < v->end && (*v->p == 'e' || *v->p == 'E')) {
        v->p++;
        if (v->p < v->end && (*v->p == '+' || *v->p == '-'))
            v->p++;
        if (!v_digits(v))
            return 0;
    }
    return 1;
}

static int v_container(vstate *v, char close, int object)
{
    v->p++;
    if (++v->depth > 100000)
        return 0;
    v_ws(v);
    if (v->p < v->end && *v->p == close) {
        v->p++;
        v->depth--;
        return 1;
    }
    for (;;) {
        v_ws(v);
        if (object) {
            if (!v_string(v))
                return 0;
            v_ws(v);
            if (v->p >= v->end || *v->p != ':')
                return 0;
            v->p++;
            v_ws(v);
        }
        if (!v_value(v))
            return 0;
        v_ws(v);
        if (v->p >= v->end)
            return 0;
        if (*v->p == ',') {
            v->p++;
            continue;
        }
        if (*v->p == close) {
            v->p++;
            v->depth--;
            return 1;
        }
        return 0;
    }
}

static int v_value(vstate *v)
{
    if (v->p >= v->end)
        return 0;
    switch (*v->p) {
    case '{': return v_container(v, '}', 1);
    case '[': return v_container(v, ']', 0);
    case '"': return v_string(v);
    case 't': return v_lit(v, "true");
    case 'f': return v_lit(v, "false");
    case 'n': return v_lit(v, "null");
    default: return v_number(v);
    }
}

/* The whole text is one JSON value followed by exactly one "\n". */
static int json_valid(const char *text, size_t len)
{
    vstate v;

    if (len == 0 || text[len - 1] != '\n')
        return 0;
    v.p = (const unsigned char *)text;
    v.end = v.p + len - 1;
    v.depth = 0;
    if (!v_value(&v))
        return 0;
    return v.p == v.end;
}

/* ---- helpers ---------------------------------------------------------- */

/* The document of one string value (compact), without quotes and "\n". */
static void want_string(const char *in, size_t len, const char *expected)
{
    sink s;
    mtl_json *w = writer(&s, 0);
    size_t n;

    OK(mtl_json_string_len(w, in, len));
    OK(mtl_json_finish(w));
    mtl_json_destroy(w);
    assert_true(json_valid(s.data, s.len));
    n = strlen(expected);
    assert_int_equal(s.len, n + 3);
    assert_int_equal(s.data[0], '"');
    if (memcmp(s.data + 1, expected, n) != 0)
        fail_msg("string %s: got %s", expected, s.data);
    assert_memory_equal(s.data + n + 1, "\"\n", 2);
    sink_free(&s);
}

/* The text of one double (compact), without the "\n". */
static void double_text(double d, char *out, size_t capacity)
{
    sink s;
    mtl_json *w = writer(&s, 0);

    OK(mtl_json_double(w, d));
    OK(mtl_json_finish(w));
    mtl_json_destroy(w);
    assert_true(json_valid(s.data, s.len));
    assert_true(s.len < capacity);
    memcpy(out, s.data, s.len - 1);
    out[s.len - 1] = '\0';
    sink_free(&s);
}

static void want_double_roundtrip(double d)
{
    char text[64];
    double back;

    double_text(d, text, sizeof text);
    back = strtod(text, NULL);
    if (memcmp(&back, &d, sizeof d) != 0)
        fail_msg("%.17g written as %s reads back as %.17g", d, text, back);
    /* the shortest of %.15g/%.16g/%.17g: at most 17 significant digits */
    assert_true(strlen(text) <= 24);
}

/* ---- tests ------------------------------------------------------------ */

static void test_compact_and_pretty(void **state)
{
    static const char compact[] =
        "{\"name\":\"mtl\",\"leads\":8800,\"ratio\":0.5,\"ok\":true,"
        "\"bad\":false,\"none\":null,\"stages\":[\"P1\",\"P2\",[],{}],"
        "\"nested\":{\"a\":[1,{\"b\":-2}]}}\n";
    static const char pretty[] =
        "{\n"
        "  \"name\": \"mtl\",\n"
        "  \"leads\": 8800,\n"
        "  \"ratio\": 0.5,\n"
        "  \"ok\": true,\n"
        "  \"bad\": false,\n"
        "  \"none\": null,\n"
        "  \"stages\": [\n"
        "    \"P1\",\n"
        "    \"P2\",\n"
        "    [],\n"
        "    {}\n"
        "  ],\n"
        "  \"nested\": {\n"
        "    \"a\": [\n"
        "      1,\n"
        "      {\n"
        "        \"b\": -2\n"
        "      }\n"
        "    ]\n"
        "  }\n"
        "}\n";
    int pass;
    (void)state;

    for (pass = 0; pass < 2; pass++) {
        sink s;
        mtl_json *w = writer(&s, pass ? MTL_JSON_PRETTY : 0);

        OK(mtl_json_begin_object(w));
        OK(mtl_json_key(w, "name"));
        OK(mtl_json_string(w, "mtl"));
        OK(mtl_json_key(w, "leads"));
        OK(mtl_json_int(w, 8800));
        OK(mtl_json_key(w, "ratio"));
        OK(mtl_json_double(w, 0.5));
        OK(mtl_json_key(w, "ok"));
        OK(mtl_json_bool(w, 7));
        OK(mtl_json_key(w, "bad"));
        OK(mtl_json_bool(w, 0));
        OK(mtl_json_key(w, "none"));
        OK(mtl_json_null(w));
        OK(mtl_json_key(w, "stages"));
        OK(mtl_json_begin_array(w));
        OK(mtl_json_string(w, "P1"));
        OK(mtl_json_string_len(w, "P2xx", 2));
        OK(mtl_json_begin_array(w));
        OK(mtl_json_end_array(w));
        OK(mtl_json_begin_object(w));
        OK(mtl_json_end_object(w));
        OK(mtl_json_end_array(w));
        OK(mtl_json_key_len(w, "nested!", 6));
        OK(mtl_json_begin_object(w));
        OK(mtl_json_key(w, "a"));
        OK(mtl_json_begin_array(w));
        OK(mtl_json_int(w, 1));
        OK(mtl_json_begin_object(w));
        OK(mtl_json_key(w, "b"));
        OK(mtl_json_int(w, -2));
        OK(mtl_json_end_object(w));
        OK(mtl_json_end_array(w));
        OK(mtl_json_end_object(w));
        OK(mtl_json_end_object(w));
        /* nothing reaches the callback before finish (small document) */
        assert_int_equal(s.calls, 0);
        OK(mtl_json_finish(w));
        assert_int_equal(s.calls, 1);
        assert_string_equal(sink_text(&s), pass ? pretty : compact);
        assert_true(json_valid(s.data, s.len));
        mtl_json_destroy(w);
        sink_free(&s);
    }
}

static void test_scalar_documents(void **state)
{
    static const struct { int kind; const char *expected; } cases[] = {
        { 0, "null\n" }, { 1, "true\n" }, { 2, "42\n" }, { 3, "\"x\"\n" },
        { 4, "[]\n" }, { 5, "{}\n" },
    };
    size_t i;
    int pretty;
    (void)state;

    for (pretty = 0; pretty < 2; pretty++)
        for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            sink s;
            mtl_json *w = writer(&s, pretty ? MTL_JSON_PRETTY : 0);
            switch (cases[i].kind) {
            case 0: OK(mtl_json_null(w)); break;
            case 1: OK(mtl_json_bool(w, 1)); break;
            case 2: OK(mtl_json_int(w, 42)); break;
            case 3: OK(mtl_json_string(w, "x")); break;
            case 4: OK(mtl_json_begin_array(w)); OK(mtl_json_end_array(w)); break;
            default: OK(mtl_json_begin_object(w)); OK(mtl_json_end_object(w)); break;
            }
            OK(mtl_json_finish(w));
            assert_string_equal(sink_text(&s), cases[i].expected);
            mtl_json_destroy(w);
            sink_free(&s);
        }
}

static void test_escapes(void **state)
{
    static const char *const short_forms[32] = {
        [8] = "\\b", [9] = "\\t", [10] = "\\n", [12] = "\\f", [13] = "\\r",
    };
    char in[32], expected[32 * 6 + 1];
    size_t n = 0;
    int c;
    (void)state;

    /* every control character, one at a time and all together */
    for (c = 0; c < 32; c++) {
        char one[1] = { (char)c }, exp[8];
        if (short_forms[c] != NULL)
            snprintf(exp, sizeof exp, "%s", short_forms[c]);
        else
            snprintf(exp, sizeof exp, "\\u%04x", c);
        want_string(one, 1, exp);
        in[c] = (char)c;
        memcpy(expected + n, exp, strlen(exp));
        n += strlen(exp);
    }
    expected[n] = '\0';
    want_string(in, 32, expected);
    assert_string_equal(expected,
        "\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007"
        "\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f"
        "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017"
        "\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f");

    want_string("\"", 1, "\\\"");
    want_string("\\", 1, "\\\\");
    want_string("a\"b\\c/d", 7, "a\\\"b\\\\c/d");
    want_string("\x7f", 1, "\x7f"); /* DEL needs no escape */
    want_string(" ~", 2, " ~");
    want_string("", 0, "");
    /* NUL inside a length-given string */
    want_string("a\0b", 3, "a\\u0000b");
    /* mtl_json_string stops at the NUL */
    {
        sink s;
        mtl_json *w = writer(&s, 0);
        OK(mtl_json_string(w, "tab\there"));
        OK(mtl_json_finish(w));
        assert_string_equal(sink_text(&s), "\"tab\\there\"\n");
        mtl_json_destroy(w);
        sink_free(&s);
    }
    /* keys are escaped the same way */
    {
        sink s;
        mtl_json *w = writer(&s, 0);
        OK(mtl_json_begin_object(w));
        OK(mtl_json_key(w, "k\"\n\xff"));
        OK(mtl_json_int(w, 1));
        OK(mtl_json_key_len(w, "\0", 1));
        OK(mtl_json_int(w, 2));
        OK(mtl_json_key_len(w, NULL, 0));
        OK(mtl_json_int(w, 3));
        OK(mtl_json_end_object(w));
        OK(mtl_json_finish(w));
        assert_string_equal(sink_text(&s),
            "{\"k\\\"\\n\xEF\xBF\xBD\":1,\"\\u0000\":2,\"\":3}\n");
        mtl_json_destroy(w);
        sink_free(&s);
    }
}

static void test_utf8_valid(void **state)
{
    static const char *const valid[] = {
        "中文客户",                  /* 3-byte CJK */
        "线索 → 机会点",             /* mixed with ASCII and an arrow */
        "\xC2\x80\xDF\xBF",          /* U+0080, U+07FF */
        "\xE0\xA0\x80\xEF\xBF\xBF",  /* U+0800, U+FFFF */
        "\xED\x9F\xBF\xEE\x80\x80",  /* U+D7FF, U+E000 around the surrogates */
        "\xF0\x90\x80\x80",          /* U+10000 */
        "\xF0\x9F\x98\x80",          /* U+1F600 */
        "\xF4\x8F\xBF\xBF",          /* U+10FFFF */
        ("\xEF\xBB\xBF" "BOM"),      /* U+FEFF is an ordinary character */
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof valid / sizeof valid[0]; i++)
        want_string(valid[i], strlen(valid[i]), valid[i]);
}

#define FFFD "\xEF\xBF\xBD"

static void test_utf8_invalid(void **state)
{
    /* expected outputs as Python's bytes.decode('utf-8', 'replace') gives */
    static const struct { const char *in; const char *out; } cases[] = {
        { "\x80", FFFD },                        /* lone continuation */
        { "\xBF", FFFD },
        { "a\x80\x80z", "a" FFFD FFFD "z" },     /* two stray continuations */
        { "\xC0\x80", FFFD FFFD },               /* overlong NUL */
        { "\xC1\xBF", FFFD FFFD },               /* overlong 2-byte */
        { "\xE0\x80\x80", FFFD FFFD FFFD },      /* overlong 3-byte */
        { "\xE0\x9F\xBF", FFFD FFFD FFFD },
        { "\xF0\x80\x80\x80", FFFD FFFD FFFD FFFD }, /* overlong 4-byte */
        { "\xF0\x8F\xBF\xBF", FFFD FFFD FFFD FFFD },
        { "\xED\xA0\x80", FFFD FFFD FFFD },      /* surrogate U+D800 */
        { "\xED\xBF\xBF", FFFD FFFD FFFD },      /* surrogate U+DFFF */
        { "\xED\xA0\xBD\xED\xB8\x80", FFFD FFFD FFFD FFFD FFFD FFFD }, /* CESU pair */
        { "\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD }, /* U+110000 */
        { "\xF5\x80\x80\x80", FFFD FFFD FFFD FFFD },
        { "\xF7\xBF\xBF\xBF", FFFD FFFD FFFD FFFD },
        { "\xF8\x88\x80\x80\x80", FFFD FFFD FFFD FFFD FFFD }, /* old 5-byte */
        { "\xFC\x84\x80\x80\x80\x80", FFFD FFFD FFFD FFFD FFFD FFFD },
        { "\xFE", FFFD }, { "\xFF", FFFD },
        { "\xC3", FFFD },                        /* truncated at the end */
        { "\xE4\xB8", FFFD },                    /* maximal subpart: one U+FFFD */
        { "\xF0\x9F\x98", FFFD },
        { "\xE4\xB8" "A", FFFD "A" },            /* truncated before ASCII */
        { "\xF0\x9F\x98" "A", FFFD "A" },
        { "\xC3" "\xE4\xB8\xAD", FFFD "中" },     /* truncated before a valid char */
        { "\xE4\xB8\xAD\xE4", "中" FFFD },
        { "\xE0\xA0", FFFD },
        { "\xC2\"", FFFD "\\\"" },               /* the quote after it is escaped */
        { "\xC2\n", FFFD "\\n" },
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        want_string(cases[i].in, strlen(cases[i].in), cases[i].out);
}

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static void test_random_strings_valid(void **state)
{
    uint64_t seed = 0x9E3779B97F4A7C15u;
    int round;
    (void)state;

    /* random bytes, biased to the interesting ranges: always valid JSON */
    for (round = 0; round < 3000; round++) {
        unsigned char buf[64];
        size_t len = (size_t)(xorshift(&seed) % sizeof buf), i;
        sink s;
        mtl_json *w = writer(&s, round % 2 ? MTL_JSON_PRETTY : 0);

        for (i = 0; i < len; i++) {
            uint64_t r = xorshift(&seed);
            switch (r % 4) {
            case 0: buf[i] = (unsigned char)(r >> 8); break;           /* any */
            case 1: buf[i] = (unsigned char)(0x80 | ((r >> 8) & 0x3F)); break;
            case 2: buf[i] = (unsigned char)(0xC0 + ((r >> 8) % 0x40)); break;
            default: buf[i] = (unsigned char)((r >> 8) % 0x80); break; /* ASCII */
            }
        }
        OK(mtl_json_begin_array(w));
        OK(mtl_json_string_len(w, (const char *)buf, len));
        OK(mtl_json_begin_object(w));
        OK(mtl_json_key_len(w, (const char *)buf, len));
        OK(mtl_json_null(w));
        OK(mtl_json_end_object(w));
        OK(mtl_json_end_array(w));
        OK(mtl_json_finish(w));
        if (!json_valid(s.data, s.len))
            fail_msg("round %d: invalid JSON: %s", round, s.data);
        mtl_json_destroy(w);
        sink_free(&s);
    }
}

static void test_integers(void **state)
{
    static const struct { int64_t v; const char *text; } cases[] = {
        { 0, "0" }, { 1, "1" }, { -1, "-1" }, { 10, "10" },
        { 1234567890123, "1234567890123" },
        { INT64_MAX, "9223372036854775807" },
        { INT64_MIN, "-9223372036854775808" },
        { INT64_MIN + 1, "-9223372036854775807" },
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sink s;
        char expected[32];
        mtl_json *w = writer(&s, 0);
        OK(mtl_json_int(w, cases[i].v));
        OK(mtl_json_finish(w));
        snprintf(expected, sizeof expected, "%s\n", cases[i].text);
        assert_string_equal(sink_text(&s), expected);
        mtl_json_destroy(w);
        sink_free(&s);
    }
}

static void test_doubles(void **state)
{
    static const struct { double v; const char *text; } exact[] = {
        { 0.0, "0" }, { -0.0, "-0" }, { 0.1, "0.1" }, { 0.5, "0.5" },
        { 1.0, "1" }, { 2.0, "2" }, { -2.5, "-2.5" }, { 100.0, "100" },
        { 1e-300, "1e-300" }, { 1e21, "1e+21" }, { 123456.789, "123456.789" },
        { 0.30000000000000004, "0.30000000000000004" },
        { 1.7976931348623157e308, "1.7976931348623157e+308" },
        { 2.2250738585072014e-308, "2.2250738585072014e-308" },
        { 9007199254740993.0, "9007199254740992" },
        { 1.0 / 3.0, "0.3333333333333333" },
    };
    static const double values[] = {
        0.1, 0.2, 0.3, 1e-300, 5e-324, -5e-324, 1e-323,
        1.7976931348623157e308, -1.7976931348623157e308,
        2.2250738585072014e-308, 2.225073858507201e-308, -0.0, 0.0,
        3.141592653589793, 2.718281828459045, 1e15, 1e16, 1e17, 1e22, 1e23,
        123456789012345678.0, 0.1 + 0.2, 1.0 / 3.0, 2.0 / 3.0, 100.0 / 7.0,
        4.35, 0.07, 9.999999999999999e22, 5e-310, 4.9406564584124654e-324,
        1.00000000000000011, 0.999999999999999889,
    };
    size_t i;
    char text[64];
    uint64_t seed = 20261123u;
    int n;
    (void)state;

    for (i = 0; i < sizeof exact / sizeof exact[0]; i++) {
        double_text(exact[i].v, text, sizeof text);
        assert_string_equal(text, exact[i].text);
    }
    for (i = 0; i < sizeof values / sizeof values[0]; i++)
        want_double_roundtrip(values[i]);
    /* random bit patterns, every exponent */
    for (n = 0; n < 20000; n++) {
        uint64_t bits = xorshift(&seed);
        double d;
        memcpy(&d, &bits, sizeof d);
        if (isnan(d) || isinf(d))
            continue;
        want_double_roundtrip(d);
    }
    /* random values in everyday ranges (money, probabilities) */
    for (n = 0; n < 20000; n++) {
        double d = (double)(xorshift(&seed) % 100000000u) / 100.0;
        want_double_roundtrip(d);
        want_double_roundtrip((double)(xorshift(&seed) >> 11) * 0x1p-53);
    }
}

static void test_non_finite(void **state)
{
    sink s;
    mtl_json *w = writer(&s, 0);
    (void)state;

    OK(mtl_json_begin_array(w));
    OK(mtl_json_double(w, NAN));
    OK(mtl_json_double(w, -NAN));
    OK(mtl_json_double(w, INFINITY));
    OK(mtl_json_double(w, -INFINITY));
    OK(mtl_json_double(w, 1.5));
    OK(mtl_json_end_array(w));
    OK(mtl_json_finish(w));
    assert_string_equal(sink_text(&s), "[null,null,null,null,1.5]\n");
    mtl_json_destroy(w);
    sink_free(&s);
}

static void test_locale_decimal_point(void **state)
{
    static const char *const names[] = {
        "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8", "ru_RU.UTF-8",
    };
    const char *old = setlocale(LC_NUMERIC, NULL);
    char saved[64], text[64];
    size_t i;
    int found = 0;
    (void)state;

    snprintf(saved, sizeof saved, "%s", old != NULL ? old : "C");
    for (i = 0; i < sizeof names / sizeof names[0] && !found; i++)
        found = setlocale(LC_NUMERIC, names[i]) != NULL;
    if (!found)
        skip(); /* no locale with a decimal comma installed */
    double_text(0.25, text, sizeof text);
    setlocale(LC_NUMERIC, saved);
    assert_string_equal(text, "0.25");
}

static void test_structure_errors(void **state)
{
    sink s;
    mtl_json *w;
    (void)state;

    /* at the top level */
    w = writer(&s, 0);
    STATE(mtl_json_key(w, "k"));
    STATE(mtl_json_end_object(w));
    STATE(mtl_json_end_array(w));
    STATE(mtl_json_finish(w));            /* nothing written */
    assert_int_equal(mtl_last_error_status(), MTL_E_STATE);
    assert_true(strlen(mtl_last_error_message()) > 0);

    OK(mtl_json_begin_object(w));
    STATE(mtl_json_int(w, 1));            /* a value where a key is required */
    STATE(mtl_json_string(w, "v"));
    STATE(mtl_json_null(w));
    STATE(mtl_json_begin_array(w));
    STATE(mtl_json_begin_object(w));
    STATE(mtl_json_end_array(w));         /* wrong kind */
    OK(mtl_json_key(w, "a"));
    STATE(mtl_json_key(w, "b"));          /* a key where a value is required */
    STATE(mtl_json_end_object(w));        /* key without value */
    STATE(mtl_json_finish(w));
    OK(mtl_json_begin_array(w));
    STATE(mtl_json_key(w, "c"));          /* a key in an array */
    STATE(mtl_json_end_object(w));
    STATE(mtl_json_finish(w));            /* still open */
    OK(mtl_json_double(w, 0.25));
    OK(mtl_json_end_array(w));
    STATE(mtl_json_end_array(w));
    OK(mtl_json_end_object(w));
    STATE(mtl_json_end_object(w));        /* unbalanced */
    STATE(mtl_json_int(w, 2));            /* a second top-level value */
    STATE(mtl_json_begin_array(w));
    STATE(mtl_json_key(w, "d"));
    OK(mtl_json_finish(w));
    STATE(mtl_json_finish(w));            /* twice */
    STATE(mtl_json_null(w));              /* after finish */
    /* refused calls wrote nothing */
    assert_string_equal(sink_text(&s), "{\"a\":[0.25]}\n");
    mtl_json_destroy(w);
    sink_free(&s);

    /* a second scalar at the top level */
    w = writer(&s, MTL_JSON_PRETTY);
    OK(mtl_json_int(w, 1));
    STATE(mtl_json_int(w, 2));
    STATE(mtl_json_begin_object(w));
    OK(mtl_json_finish(w));
    assert_string_equal(sink_text(&s), "1\n");
    mtl_json_destroy(w);
    sink_free(&s);
}

static void test_arguments(void **state)
{
    sink s;
    mtl_json *w = (mtl_json *)&s;
    (void)state;

    memset(&s, 0, sizeof s);
    assert_int_equal(mtl_json_create(NULL, sink_write, &s, 0, NULL, NULL),
                     MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_json_create(&w, NULL, &s, 0, NULL, NULL),
                     MTL_E_INVALID_ARGUMENT);
    assert_null(w);
    w = (mtl_json *)&s;
    assert_int_equal(mtl_json_create(&w, sink_write, &s, 2, NULL, NULL),
                     MTL_E_RANGE);
    assert_null(w);
    assert_int_equal(mtl_json_create(&w, sink_write, &s, -1, NULL, NULL),
                     MTL_E_RANGE);

    w = writer(&s, 0);
    OK(mtl_json_begin_object(w));
    assert_int_equal(mtl_json_key(w, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_json_key_len(w, NULL, 1), MTL_E_INVALID_ARGUMENT);
    OK(mtl_json_key(w, "s"));
    assert_int_equal(mtl_json_string(w, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_json_string_len(w, NULL, 3), MTL_E_INVALID_ARGUMENT);
    OK(mtl_json_string_len(w, NULL, 0));
    OK(mtl_json_end_object(w));
    OK(mtl_json_finish(w));
    assert_string_equal(sink_text(&s), "{\"s\":\"\"}\n");
    mtl_json_destroy(w);
    sink_free(&s);

    /* NULL writer */
    mtl_json_destroy(NULL);
    assert_int_equal(mtl_json_begin_object(NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_json_end_object(NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_json_begin_array(NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_json_end_array(NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_json_key(NULL, "k"), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_json_key(NULL, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_json_key_len(NULL, "k", 1), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_json_string(NULL, "s"), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_json_string(NULL, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_json_string_len(NULL, "s", 1), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_json_int(NULL, 1), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_json_double(NULL, 1.0), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_json_double(NULL, NAN), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_json_bool(NULL, 1), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_json_null(NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_json_finish(NULL), MTL_E_INVALID_ARGUMENT);
}

static void test_buffering(void **state)
{
    /* far more than the 4 KiB buffer: chunks of at most 4 KiB, same text */
    sink s;
    mtl_json *w = writer(&s, MTL_JSON_PRETTY);
    char *big = test_malloc(20000);
    int i;
    (void)state;

    for (i = 0; i < 20000; i++)
        big[i] = (char)('a' + i % 26);
    OK(mtl_json_begin_array(w));
    OK(mtl_json_string_len(w, big, 20000));
    for (i = 0; i < 3000; i++)
        OK(mtl_json_int(w, i));
    OK(mtl_json_end_array(w));
    assert_true(s.calls >= 5);
    OK(mtl_json_finish(w));
    assert_true(s.max_chunk <= 4096);
    assert_true(json_valid(s.data, s.len));
    assert_memory_equal(s.data, "[\n  \"", 5);
    assert_memory_equal(s.data + 5, big, 20000);
    assert_memory_equal(s.data + 5 + 20000, "\",\n  0,\n  1,\n", 13);
    assert_memory_equal(s.data + s.len - 9, "  2999\n]\n", 9);
    mtl_json_destroy(w);
    sink_free(&s);
    test_free(big);
}

static void test_write_failure(void **state)
{
    sink s;
    mtl_json *w;
    char big[5000];
    (void)state;

    memset(big, 'x', sizeof big);

    /* the callback refuses the first write, during a long string */
    w = writer(&s, 0);
    s.fail_at = 1;
    OK(mtl_json_begin_array(w));
    assert_int_equal(mtl_json_string_len(w, big, sizeof big), MTL_E_IO);
    assert_int_equal(mtl_last_error_status(), MTL_E_IO);
    /* it sticks: every later call, valid or not */
    assert_int_equal(mtl_json_int(w, 1), MTL_E_IO);
    assert_int_equal(mtl_json_end_array(w), MTL_E_IO);
    assert_int_equal(mtl_json_key(w, "k"), MTL_E_IO);
    assert_int_equal(mtl_json_finish(w), MTL_E_IO);
    assert_int_equal(s.calls, 1);
    mtl_json_destroy(w);
    sink_free(&s);

    /* a small document: the failure shows at finish */
    w = writer(&s, 0);
    s.fail_at = 1;
    OK(mtl_json_begin_object(w));
    OK(mtl_json_end_object(w));
    assert_int_equal(mtl_json_finish(w), MTL_E_IO);
    assert_int_equal(mtl_json_finish(w), MTL_E_IO);
    assert_int_equal(mtl_json_null(w), MTL_E_IO);
    mtl_json_destroy(w);
    sink_free(&s);

    /* the second write fails: the first 4 KiB arrived */
    w = writer(&s, 0);
    s.fail_at = 2;
    OK(mtl_json_begin_array(w));
    OK(mtl_json_string_len(w, big, sizeof big));
    assert_int_equal(s.len, 4096);
    OK(mtl_json_end_array(w));
    assert_int_equal(mtl_json_finish(w), MTL_E_IO);
    mtl_json_destroy(w);
    sink_free(&s);
}

static void test_allocator(void **state)
{
    test_alloc ta;
    sink s;
    mtl_json *w = (mtl_json *)&ta;
    int i;
    (void)state;

    /* creation fails cleanly */
    test_alloc_init(&ta);
    memset(&s, 0, sizeof s);
    test_alloc_fail_nth(&ta, 1, 0);
    assert_int_equal(mtl_json_create(&w, sink_write, &s, 0, test_alloc_fn, &ta),
                     MTL_E_NO_MEMORY);
    assert_null(w);
    test_alloc_assert_clean(&ta);

    /* the nesting stack cannot grow: refused, the document goes on */
    test_alloc_init(&ta);
    OK(mtl_json_create(&w, sink_write, &s, 0, test_alloc_fn, &ta));
    assert_true(ta.live_blocks == 1);
    test_alloc_fail_nth(&ta, 1, 1);
    assert_int_equal(mtl_json_begin_array(w), MTL_E_NO_MEMORY);
    test_alloc_disarm(&ta);
    OK(mtl_json_begin_array(w));
    /* deep nesting */
    for (i = 0; i < 5000; i++)
        OK(mtl_json_begin_array(w));
    test_alloc_fail_nth(&ta, 1, 1);
    for (i = 0; i < 5000; i++)
        OK(mtl_json_end_array(w)); /* closing never allocates */
    OK(mtl_json_end_array(w));
    OK(mtl_json_finish(w));
    test_alloc_disarm(&ta);
    assert_true(json_valid(s.data, s.len));
    assert_int_equal(s.len, 2 * 5001 + 1);
    mtl_json_destroy(w);
    test_alloc_assert_clean(&ta);
    sink_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        test_case(test_compact_and_pretty),
        test_case(test_scalar_documents),
        test_case(test_escapes),
        test_case(test_utf8_valid),
        test_case(test_utf8_invalid),
        test_case(test_random_strings_valid),
        test_case(test_integers),
        test_case(test_doubles),
        test_case(test_non_finite),
        test_case(test_locale_decimal_point),
        test_case(test_structure_errors),
        test_case(test_arguments),
        test_case(test_buffering),
        test_case(test_write_failure),
        test_case(test_allocator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
