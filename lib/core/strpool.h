/* strpool.h: interned strings (owners, regions, sources, attribute keys
 * and values).  Id 0 is the empty string, meaning "unset". */
#ifndef MTL_CORE_STRPOOL_H
#define MTL_CORE_STRPOOL_H

#include "core/hash.h"

typedef struct mtl__strpool {
    mtl__arena arena;
    uint32_t *refs; /* id -> arena reference */
    size_t count, cap;
    mtl__index index;
} mtl__strpool;

typedef struct mtl__strpool_mark {
    size_t count;
    mtl__arena_mark arena;
} mtl__strpool_mark;

void mtl__strpool_free(mtl__strpool *sp, mtl__allocator *a);
/* Intern s (len bytes); *out receives its id.  0 on OOM or limit. */
int mtl__strpool_intern(mtl__strpool *sp, mtl__allocator *a, const char *s,
                        size_t len, uint32_t *out);
/* The same with the hash of s already computed (mtl__hash(s, len)), for
 * pipelined callers that prefetch with it first. */
int mtl__strpool_intern_hashed(mtl__strpool *sp, mtl__allocator *a, const char *s,
                               size_t len, uint64_t hash, uint32_t *out);
/* The id of s if interned, else MTL__NONE (never allocates). */
uint32_t mtl__strpool_find(const mtl__strpool *sp, const char *s, size_t len);
const char *mtl__strpool_get(const mtl__strpool *sp, uint32_t id);

mtl__strpool_mark mtl__strpool_get_mark(const mtl__strpool *sp);
/* Forget every string interned after the mark (never allocates). */
void mtl__strpool_rollback(mtl__strpool *sp, mtl__allocator *a,
                           mtl__strpool_mark m);

#endif
