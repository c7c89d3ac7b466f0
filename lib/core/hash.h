/* hash.h: string hashing and the open-addressing index that maps a string
 * key to a 32-bit value (a record slot or an interned-string id).
 *
 * The index stores only (hash fragment, value) pairs, 8 bytes each; the key
 * itself lives with the record and is fetched through a callback, so the
 * same index serves segments, customers, leads and the string pool.
 * Linear probing with backward-shift deletion: removing the most recent
 * insertions in reverse order restores the table exactly, which is what
 * all-or-nothing bulk paths rely on. */
#ifndef MTL_CORE_HASH_H
#define MTL_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>
#include "core/alloc.h"

#define MTL__NONE UINT32_MAX

uint64_t mtl__hash(const void *data, size_t len);

/* The NUL-terminated key of value. */
typedef const char *(*mtl__key_fn)(const void *ctx, uint32_t value);

typedef struct mtl__index {
    uint64_t *slots; /* (fragment << 32) | value; value MTL__NONE = empty */
    size_t mask;     /* capacity - 1, capacity a power of two (0 if none) */
    size_t count;
    unsigned shift;  /* 64 - log2(capacity) */
} mtl__index;

void mtl__index_free(mtl__index *ix, mtl__allocator *a);
/* Make room for n entries in total without rehashing; 0 on OOM (the index
 * is then unchanged).  The home slot derives from the stored 32-bit
 * fragment, so a rehash never touches the keys. */
int mtl__index_reserve(mtl__index *ix, mtl__allocator *a, size_t n);
/* Find key (len bytes); returns its value or MTL__NONE. */
uint32_t mtl__index_find(const mtl__index *ix, uint64_t hash, const char *k,
                         size_t len, mtl__key_fn key, const void *ctx);
/* Insert value for key unless present; needs room (reserve first).
 * Returns MTL__NONE when inserted, else the value already there. */
uint32_t mtl__index_insert(mtl__index *ix, uint64_t hash, const char *k,
                           size_t len, uint32_t value, mtl__key_fn key,
                           const void *ctx);
/* Remove the entry holding value (whose key hashes to hash). */
void mtl__index_remove(mtl__index *ix, uint64_t hash, uint32_t value);

/* Arena of immutable NUL-terminated strings named by 32-bit references
 * (block << 20 | offset): 4 bytes per reference instead of a pointer. */
#define MTL__ARENA_BLOCK_BITS 20
#define MTL__ARENA_MAX_BLOCKS 4096

typedef struct mtl__arena_block {
    char *bytes;
    size_t size;
} mtl__arena_block;

typedef struct mtl__arena {
    mtl__arena_block *blocks;
    size_t nblocks, cap;
    size_t used; /* bytes used in the last block */
} mtl__arena;

typedef struct mtl__arena_mark {
    size_t nblocks, used;
} mtl__arena_mark;

void mtl__arena_free(mtl__arena *ar, mtl__allocator *a);
/* Store s (len bytes, len <= MTL_ID_MAX); 0 on OOM or when full. */
int mtl__arena_store(mtl__arena *ar, mtl__allocator *a, const char *s,
                     size_t len, uint32_t *out_ref);
static inline const char *mtl__arena_at(const mtl__arena *ar, uint32_t ref)
{
    return ar->blocks[ref >> MTL__ARENA_BLOCK_BITS].bytes +
           (ref & ((1u << MTL__ARENA_BLOCK_BITS) - 1));
}
mtl__arena_mark mtl__arena_get_mark(const mtl__arena *ar);
void mtl__arena_rollback(mtl__arena *ar, mtl__allocator *a, mtl__arena_mark m);

#endif
