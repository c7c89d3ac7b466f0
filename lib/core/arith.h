/* arith.h: sums of amounts.  Amounts are int64 minor units with no upper
 * bound of their own, so a sum over many leads could pass 2^63: the sums
 * wrap (defined, through uint64) instead of overflowing (undefined).  A
 * market's totals are exact while they stay below 2^63 minor units
 * (docs/memory.md). */
#ifndef MTL_CORE_ARITH_H
#define MTL_CORE_ARITH_H

#include <stdint.h>

static inline int64_t mtl__wrap_add(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a + (uint64_t)b);
}

static inline int64_t mtl__wrap_sub(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a - (uint64_t)b);
}

#endif
