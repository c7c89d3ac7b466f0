/* bytes.h: little-endian loads of unaligned bytes, the same on every host
 * (compilers turn the shifts into one load where the host is little-endian). */
#ifndef MTL_CORE_BYTES_H
#define MTL_CORE_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t mtl__load_le32(const void *at)
{
    const unsigned char *p = at;
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
           (uint64_t)p[3] << 24;
}

static inline uint64_t mtl__load_le64(const void *at)
{
    const unsigned char *p = at;
    return mtl__load_le32(p) | mtl__load_le32(p + 4) << 32;
}

/* The len bytes at p (1 to 8) as a zero-padded little-endian word, by
 * fixed-size loads that stay inside [p, p + len) (overlapping where len is
 * not a power of two): no byte-wise copy and no memcpy call of run-time
 * length, and no read past the bytes. */
static inline uint64_t mtl__load_le_short(const void *at, size_t len)
{
    const unsigned char *p = at;
    if (len >= 8)
        return mtl__load_le64(p);
    if (len >= 4)
        return mtl__load_le32(p) | mtl__load_le32(p + len - 4) << (8 * (len - 4));
    return (uint64_t)p[0] | (uint64_t)p[len / 2] << (8 * (len / 2)) |
           (uint64_t)p[len - 1] << (8 * (len - 1));
}

/* Copy n bytes; ids and values are mostly shorter than 16 bytes, which go
 * by two overlapping fixed-size copies (or three bytes) instead of a call
 * to memcpy with a length known only at run time. */
static inline void mtl__copy_bytes(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (n > 16) {
        memcpy(d, s, n);
    } else if (n >= 8) {
        memcpy(d, s, 8);
        memcpy(d + n - 8, s + n - 8, 8);
    } else if (n >= 4) {
        memcpy(d, s, 4);
        memcpy(d + n - 4, s + n - 4, 4);
    } else if (n) {
        d[0] = s[0];
        d[n / 2] = s[n / 2];
        d[n - 1] = s[n - 1];
    }
}

#endif
