/* The CSV reader's block scan (lib/io/csv_scan.h) and the record path
 * built on it (lib/io/csv_reader.c).
 *
 * The masks are checked against a byte-by-byte classification written
 * here: every byte that matters (the three separators, LF, CR, quote,
 * NUL, bytes from 0x80) at every place of a block, for the eight-byte
 * word scan that every host has and for the SSE2 scan where the compiler
 * has it.  The reader is checked on records whose fields and line ends
 * fall at every offset around a block's edges, on records of more fields
 * than a block has bytes, and on the last record of the data, whose block
 * is read from a padded copy.  Internal headers: its own executable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "io/csv_reader.h"
#include "io/csv_scan.h"

static const unsigned char kinds[] = {',', ';', '\t', '\n', '\r', '"', 0,
                                      0x80, 0xC3, 0xFF, 0x7F, 'a', '0', ' '};

/* The reference: byte i of p (n bytes) sets bit i of a mask. */
static void classify(const unsigned char *p, size_t n, char sep, mtl__csv_masks *k)
{
    size_t i;
    k->sep = k->eol = k->other = k->blank = 0;
    for (i = 0; i < n; i++) {
        uint64_t bit = (uint64_t)1 << i;
        if (p[i] == (unsigned char)sep)
            k->sep |= bit;
        if (p[i] == '\n' || p[i] == '\r')
            k->eol |= bit;
        if (p[i] == '"' || p[i] == 0 || p[i] >= 0x80)
            k->other |= bit;
        if (p[i] == ' ' || p[i] == '\t')
            k->blank |= bit;
    }
}

/* A word scan's mask (byte i at bit 8 i + 7) as byte i at bit i. */
static uint64_t packed(uint64_t m)
{
    uint64_t out = 0;
    int i;
    for (i = 0; i < 8; i++)
        if (m >> (8 * i + 7) & 1)
            out |= (uint64_t)1 << i;
    assert_int_equal(m & ~0x8080808080808080ULL, 0); /* nothing but high bits */
    return out;
}

static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return rnd_state >> 16;
}

/* A reader over the n bytes at text, on the default allocator. */
static void open_reader(mtl__csv_reader *r, const char *text, size_t n, char sep)
{
    static mtl__allocator a;
    mtl__allocator_init(&a, NULL, NULL);
    mtl__csv_reader_init(r, &a, text, n, sep);
}

static void check_block(const unsigned char *b, char sep)
{
    mtl__csv_masks want, w;
    uint64_t sepm = 0, eolm = 0, othm = 0, blankm = 0;
    int k;
    classify(b, 64, sep, &want);
    for (k = 0; k < 8; k++) {
        mtl__csv_scan_word((const char *)b + 8 * k, sep, &w);
        sepm |= packed(w.sep) << (8 * k);
        eolm |= packed(w.eol) << (8 * k);
        othm |= packed(w.other) << (8 * k);
        blankm |= packed(w.blank) << (8 * k);
    }
    assert_int_equal(sepm, want.sep);
    assert_int_equal(eolm, want.eol);
    assert_int_equal(othm, want.other);
    assert_int_equal(blankm, want.blank);
#if defined(__SSE2__)
    mtl__csv_scan_sse2((const char *)b, sep, &w);
    assert_int_equal(w.sep, want.sep);
    assert_int_equal(w.eol, want.eol);
    assert_int_equal(w.other, want.other);
    assert_int_equal(w.blank, want.blank);
#endif
}

/* Every kind of byte alone at every place of a plain block, then random
 * blocks of all kinds, for each separator. */
static void test_scan_masks(void **state)
{
    static const char seps[] = {',', ';', '\t'};
    unsigned char b[64];
    size_t s, k, i, t;
    (void)state;
    for (s = 0; s < 3; s++) {
        for (k = 0; k < sizeof kinds; k++)
            for (i = 0; i < 64; i++) {
                memset(b, 'x', sizeof b);
                b[i] = kinds[k];
                check_block(b, seps[s]);
            }
        for (t = 0; t < 20000; t++) {
            for (i = 0; i < 64; i++)
                b[i] = kinds[rnd() % sizeof kinds];
            check_block(b, seps[s]);
        }
    }
    /* a separator's bytes with neighbours one apart (a carry across a
     * byte would flag them) */
    for (i = 0; i < 64; i++)
        b[i] = (unsigned char)(i % 2 ? ',' + 1 : ',' - 1);
    check_block(b, ',');
}

/* The records of text read one by one; the fields joined by '|' and the
 * records by '/' must be want. */
static void read_all(const char *text, size_t len, const char *want)
{
    mtl__csv_reader r;
    mtl_status st = MTL_OK;
    char got[8192];
    size_t n = 0, f;
    int k;
    open_reader(&r, text, len, ',');
    while ((k = mtl__csv_next(&r, &st)) == 1) {
        for (f = 0; f < r.nfields; f++) {
            assert_true(n + r.fields[f].len + 2 < sizeof got);
            memcpy(got + n, r.fields[f].p, r.fields[f].len);
            n += r.fields[f].len;
            got[n++] = f + 1 < r.nfields ? '|' : '/';
        }
    }
    assert_int_equal(k, 0);
    got[n] = '\0';
    assert_string_equal(got, want);
    mtl__csv_reader_free(&r);
}

/* A record of fields of lengths len[0..n) with its line end: the text,
 * and the expected reading. */
static size_t make_record(char *text, char *want, const size_t *len, size_t n,
                          const char *eol)
{
    size_t f, i, t = 0, w = 0;
    for (f = 0; f < n; f++) {
        for (i = 0; i < len[f]; i++) {
            char c = (char)('a' + (f + i) % 26);
            text[t++] = c;
            want[w++] = c;
        }
        if (f + 1 < n)
            text[t++] = ',';
        want[w++] = f + 1 < n ? '|' : '/';
    }
    memcpy(text + t, eol, strlen(eol));
    t += strlen(eol);
    text[t] = want[w] = '\0';
    return t;
}

/* Two fields whose separator and line end fall at every offset from 0 to
 * 140 (block edges at 64 and 128), for each line end, followed by a
 * second record; and the same record alone, as the data's last (its
 * block read from a padded copy, with or without a line end). */
static void test_record_edges(void **state)
{
    static const char *const eols[] = {"\n", "\r\n", "\r"};
    char text[512], want[512];
    size_t e, a, b;
    (void)state;
    for (e = 0; e < 3; e++)
        for (a = 0; a < 70; a += 3)
            for (b = 0; b < 140; b++) {
                size_t len[2] = {a, b}, t;
                char both[1100], want2[1100];
                t = make_record(text, want, len, 2, eols[e]);
                read_all(text, t, want);
                read_all(text, t - strlen(eols[e]), want); /* no line end */
                memcpy(both, text, t);
                memcpy(both + t, "x,y\n", 4);
                snprintf(want2, sizeof want2, "%sx|y/", want);
                read_all(both, t + 4, want2);
            }
}

/* A record of more fields than a block has bytes: 300 empty fields, then
 * 200 fields of one byte. */
static void test_many_fields(void **state)
{
    static char text[2048], want[2048];
    size_t len[300], t, f;
    (void)state;
    memset(len, 0, sizeof len);
    t = make_record(text, want, len, 300, "\n");
    read_all(text, t, want);
    for (f = 0; f < 200; f++)
        len[f] = 1;
    t = make_record(text, want, len, 200, "\n");
    read_all(text, t, want);
}

/* A quote, a NUL or a byte outside ASCII anywhere in a record sends it to
 * the field-by-field reader, which reads it the same or reports it; one
 * after the line end does not change the record. */
static void test_other_bytes_after_line_end(void **state)
{
    char text[256];
    size_t i;
    (void)state;
    for (i = 0; i < 100; i++) {
        mtl__csv_reader r;
        mtl_status st = MTL_OK;
        memset(text, 'q', sizeof text);
        memcpy(text, "ab,cd\n", 6);
        text[6 + i] = '"'; /* a stray quote in the second record */
        open_reader(&r, text, 6 + 120, ',');
        assert_int_equal(mtl__csv_next(&r, &st), 1);
        assert_int_equal(r.nfields, 2);
        assert_int_equal(r.fields[1].len, 2);
        assert_memory_equal(r.fields[1].p, "cd", 2);
        assert_int_equal(r.fields[1].column, 4);
        assert_int_equal(mtl__csv_next(&r, &st), -1);
        assert_int_equal(st, MTL_E_PARSE);
        assert_int_equal(mtl_last_error_line(), 2);
        assert_int_equal(mtl_last_error_column(), (int64_t)i + 1);
        mtl__csv_reader_free(&r);
    }
}

/* blank_free says that no field of the record has a space or tab to
 * trim: false for a blank anywhere in a field (first block, second
 * block, at an edge or inside), true without, and true for a tab
 * separator; false for a record the field-by-field reader read. */
static void blank_flag(const char *text, char sep, int want)
{
    mtl__csv_reader r;
    mtl_status st = MTL_OK;
    open_reader(&r, text, strlen(text), sep);
    assert_int_equal(mtl__csv_next(&r, &st), 1);
    if (r.blank_free != want)
        fail_msg("blank_free %d, expected %d: '%s'", r.blank_free, want, text);
    mtl__csv_reader_free(&r);
}

static void test_blank_free(void **state)
{
    char text[256];
    size_t i;
    (void)state;
    blank_flag("a,b,c\nnext\n", ',', 1);
    blank_flag("a\tb\tc\nnext\n", '\t', 1);
    blank_flag("a, b,c\nnext\n", ',', 0);
    blank_flag("a,b\t,c\nnext\n", ',', 0);
    blank_flag("a,b c,d\nnext\n", ',', 0);
    blank_flag("\"a\",b\nnext\n", ',', 0); /* quoted: read field by field */
    for (i = 0; i < 150; i++) {
        memset(text, 'x', sizeof text);
        memcpy(text + 150, "\nnext\n", 6);
        text[156] = '\0';
        text[20] = text[70] = text[130] = ',';
        blank_flag(text, ',', 1);
        text[i] = ' ';
        blank_flag(text, ',', 0);
        /* a line end before the blank: the blank is the next record's */
        text[i] = '\n';
        text[i + 1] = ' ';
        if (i > 0)
            blank_flag(text, ',', 1);
    }
}

/* slack says that 16 bytes may be read from every field's start: true
 * for a record whose line end is 16 or more bytes before the data's end,
 * false closer to it (the last records of a buffer). */
static void test_slack(void **state)
{
    char text[64];
    size_t tail;
    (void)state;
    for (tail = 0; tail < 24; tail++) {
        mtl__csv_reader r;
        mtl_status st = MTL_OK;
        size_t n;
        memcpy(text, "ab,cd\n", 6);
        memset(text + 6, 'x', tail); /* the next record, without a line end */
        n = 6 + tail;
        open_reader(&r, text, n, ',');
        assert_int_equal(mtl__csv_next(&r, &st), 1);
        /* the line end is at byte 5: n - 5 bytes from it to the end */
        if (r.slack != (n - 5 >= 16))
            fail_msg("%zu bytes after the record: slack %d", tail, r.slack);
        if (tail) {
            assert_int_equal(mtl__csv_next(&r, &st), 1);
            assert_int_equal(r.slack, 0); /* the last record */
            assert_int_equal(r.fields[0].len, tail);
        }
        mtl__csv_reader_free(&r);
    }
}

/* A quoted record (fields quoted, one unescaped into the scratch buffer)
 * followed by plain ones, on the two paths of the reader: the plain
 * records' fields are neither quoted nor in the scratch buffer, also after
 * the field array grew (a reader that reused the field entries without
 * resetting those two would trim nothing and point into old scratch). */
static void test_flags_of_plain_after_quoted(void **state)
{
    static const char text[] = "\"a\"\"b\",\" c \",\"d\"\nxy,  z  ,w\n"
                               "\"q\",\"r\"\"\",\"s\",\"t\",\"u\"\n"
                               "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18\n"
                               "k,l,m,n,o,p\n";
    mtl__csv_reader r;
    mtl_status st = MTL_OK;
    size_t i;
    (void)state;
    open_reader(&r, text, sizeof text - 1, ',');
    assert_int_equal(mtl__csv_next(&r, &st), 1);
    assert_int_equal(r.nfields, 3);
    assert_int_equal(r.fields[0].quoted, 1);
    assert_int_equal(r.fields[0].len, 3);
    assert_memory_equal(r.fields[0].p, "a\"b", 3);
    assert_int_equal(mtl__csv_next(&r, &st), 1);
    assert_int_equal(r.nfields, 3);
    for (i = 0; i < 3; i++) {
        assert_int_equal(r.fields[i].quoted, 0);
        assert_int_equal(r.fields[i].scratch_off, 0);
    }
    /* "  z  " is unquoted: a trim drops its blanks */
    assert_int_equal(r.fields[1].len, 5);
    assert_ptr_equal(r.fields[1].p, text + 20);
    assert_int_equal(mtl__csv_next(&r, &st), 1);
    assert_int_equal(r.nfields, 5);
    assert_int_equal(r.fields[4].quoted, 1);
    assert_memory_equal(r.fields[1].p, "r\"", 2);
    assert_int_equal(mtl__csv_next(&r, &st), 1); /* 18 fields: the array grows */
    assert_int_equal(r.nfields, 18);
    for (i = 0; i < 18; i++) {
        assert_int_equal(r.fields[i].quoted, 0);
        assert_int_equal(r.fields[i].scratch_off, 0);
    }
    assert_int_equal(mtl__csv_next(&r, &st), 1);
    assert_int_equal(r.nfields, 6);
    assert_int_equal(r.fields[1].quoted, 0);
    assert_int_equal(r.fields[1].p[0], 'l');
    assert_int_equal(mtl__csv_next(&r, &st), 0);
    mtl__csv_reader_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_masks),
        cmocka_unit_test(test_record_edges),
        cmocka_unit_test(test_many_fields),
        cmocka_unit_test(test_other_bytes_after_line_end),
        cmocka_unit_test(test_blank_free),
        cmocka_unit_test(test_slack),
        cmocka_unit_test(test_flags_of_plain_after_quoted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
