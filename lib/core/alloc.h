/* alloc.h: every byte libmtl owns goes through a market's allocator. */
#ifndef MTL_CORE_ALLOC_H
#define MTL_CORE_ALLOC_H

#include <stdatomic.h>
#include "mtl/common.h"

typedef struct mtl__allocator {
    mtl_alloc_fn fn;
    void *user_data;
    atomic_size_t used; /* bytes currently held: mtl_market_memory_used */
} mtl__allocator;

void mtl__allocator_init(mtl__allocator *a, mtl_alloc_fn fn, void *user_data);
mtl_alloc_fn mtl__default_alloc(void);

/* NULL on failure (or n == 0).  The zeroing variant clears the block. */
void *mtl__alloc(mtl__allocator *a, size_t n);
void *mtl__alloc_zero(mtl__allocator *a, size_t n);
/* count * size with overflow check; NULL on overflow or failure */
void *mtl__alloc_array(mtl__allocator *a, size_t count, size_t size);
/* NULL on failure, and then p is still valid with osize bytes */
void *mtl__realloc(mtl__allocator *a, void *p, size_t osize, size_t nsize);
void mtl__free(mtl__allocator *a, void *p, size_t n);

/* Grow *arr (of *cap elements of size) to hold at least need; doubling. */
int mtl__grow(mtl__allocator *a, void **arr, size_t *cap, size_t need,
              size_t size);

/* A copy of s (len bytes) plus a NUL; NULL on failure. */
char *mtl__strndup(mtl__allocator *a, const char *s, size_t len);
void mtl__strfree(mtl__allocator *a, char *s);

#endif
