/* bytes.h: little-endian loads of unaligned bytes, the same on every host
 * (compilers turn the shifts into one load where the host is little-endian). */
#ifndef MTL_CORE_BYTES_H
#define MTL_CORE_BYTES_H

#include <stdint.h>

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

#endif
