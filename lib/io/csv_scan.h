/* csv_scan.h: the bytes of a block of CSV that matter to the record
 * reader, as three bit masks.
 *
 * The reader's common record (no quote, no NUL, no byte outside ASCII)
 * needs only where its separators and its line end are, and whether it
 * has a space or tab anywhere (if not, no field has blanks to trim): a
 * block's masks
 * give every field that ends in it, so a record is a loop over set bits
 * instead of a look at each byte.  SSE2 (every x86-64) classifies 64
 * bytes in four steps of sixteen; elsewhere a block is one eight-byte word
 * with exact zero-byte masks.  Both are compiled wherever SSE2 is, and the
 * unit test checks that they agree on every kind of byte at every place. */
#ifndef MTL_IO_CSV_SCAN_H
#define MTL_IO_CSV_SCAN_H

#include <stdint.h>

#include "core/bytes.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

typedef struct mtl__csv_masks {
    uint64_t sep;   /* the separator */
    uint64_t eol;   /* LF and CR */
    uint64_t other; /* what the common record lacks: quote, NUL, >= 0x80 */
    uint64_t blank; /* space and tab (a field's blanks are trimmed) */
} mtl__csv_masks;

/* Bytes of x that are zero, each marked by its high bit, exactly (no
 * carry from one byte into the next). */
static inline uint64_t mtl__zero_bytes(uint64_t x)
{
    const uint64_t low7 = 0x7F7F7F7F7F7F7F7FULL;
    return ~(((x & low7) + low7) | x | low7);
}

#define MTL__BYTES(c) (0x0101010101010101ULL * (unsigned char)(c))
#define MTL__HIGH_BITS 0x8080808080808080ULL

/* The number of zero bits below the lowest set bit of x (x != 0). */
static inline unsigned mtl__ctz64(uint64_t x)
{
#if defined(__GNUC__)
    return (unsigned)__builtin_ctzll(x);
#else
    unsigned n = 0;
    while (!(x & 1)) {
        x >>= 1;
        n++;
    }
    return n;
#endif
}

/* The masks of the eight bytes at p: byte i is bit 8 i + 7. */
static inline void mtl__csv_scan_word(const char *p, char sep, mtl__csv_masks *k)
{
    uint64_t x = mtl__load_le64(p);
    k->sep = mtl__zero_bytes(x ^ MTL__BYTES(sep));
    k->eol = mtl__zero_bytes(x ^ MTL__BYTES('\n')) | mtl__zero_bytes(x ^ MTL__BYTES('\r'));
    k->other = mtl__zero_bytes(x ^ MTL__BYTES('"')) | mtl__zero_bytes(x) |
               (x & MTL__HIGH_BITS);
    k->blank = mtl__zero_bytes(x ^ MTL__BYTES(' ')) | mtl__zero_bytes(x ^ MTL__BYTES('\t'));
}

#if defined(__SSE2__)
/* The masks of the 64 bytes at p: byte i is bit i.  Five compares and
 * three movemasks per sixteen bytes. */
static inline void mtl__csv_scan_sse2(const char *p, char sep, mtl__csv_masks *k)
{
    const __m128i s = _mm_set1_epi8(sep), lf = _mm_set1_epi8('\n'),
                  cr = _mm_set1_epi8('\r'), q = _mm_set1_epi8('"'),
                  sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t'),
                  zero = _mm_setzero_si128();
    int w;
    k->sep = k->eol = k->other = k->blank = 0;
    for (w = 0; w < 4; w++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * w));
        __m128i e = _mm_or_si128(_mm_cmpeq_epi8(x, lf), _mm_cmpeq_epi8(x, cr));
        __m128i o = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, q),
                                              _mm_cmpeq_epi8(x, zero)),
                                 x);
        k->sep |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, s)) << (16 * w);
        k->eol |= (uint64_t)(unsigned)_mm_movemask_epi8(e) << (16 * w);
        __m128i b = _mm_or_si128(_mm_cmpeq_epi8(x, sp), _mm_cmpeq_epi8(x, tab));
        k->other |= (uint64_t)(unsigned)_mm_movemask_epi8(o) << (16 * w);
        k->blank |= (uint64_t)(unsigned)_mm_movemask_epi8(b) << (16 * w);
    }
}

/* The reader's block: MTL__CSV_BLOCK bytes, byte i at bit
 * i << MTL__CSV_BIT_SHIFT of the masks. */
#define MTL__CSV_BLOCK 64
#define MTL__CSV_BIT_SHIFT 0
#define mtl__csv_scan mtl__csv_scan_sse2
#else
#define MTL__CSV_BLOCK 8
#define MTL__CSV_BIT_SHIFT 3
#define mtl__csv_scan mtl__csv_scan_word
#endif

#endif
