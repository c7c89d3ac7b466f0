/* hash.h: string hashing, the string arena and the open-addressing index
 * that maps a string to its place in the arena.
 *
 * The index stores only (hash fragment, arena reference) pairs, 8 bytes
 * each; the same index serves segments, customers, leads and the string
 * pool.  Linear probing with backward-shift deletion: entries can be removed
 * in any order, and removing the most recent insertions in reverse order
 * restores the table exactly; the undo of a bulk fill (mtl__index_fill_*)
 * restores the same entries, perhaps in another layout. */
#ifndef MTL_CORE_HASH_H
#define MTL_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"

#define MTL__NONE UINT32_MAX

uint64_t mtl__hash(const void *data, size_t len);

struct mtl__arena;

/* Prefetch distance of the pipelined bulk lookups and inserts. */
#define MTL__PREFETCH_AHEAD 64

/* Maps a string to the arena reference where it is stored; the arena keeps
 * a 32-bit payload (record slot, string id) just before each string, so a
 * successful lookup costs two dependent memory reads: the index entry and
 * the string with its payload. */
typedef struct mtl__index {
    uint64_t *slots; /* (fragment << 32) | arena ref; all ones = empty */
    size_t mask;     /* capacity - 1, capacity a power of two (0 if none) */
    size_t count;
    unsigned shift;  /* 64 - log2(capacity) */
} mtl__index;

void mtl__index_free(mtl__index *ix, mtl__allocator *a);
/* Make room for n entries in total without rehashing; 0 on OOM (the index
 * is then unchanged).  The home slot derives from the stored 32-bit
 * fragment, so a rehash never touches the keys. */
int mtl__index_reserve(mtl__index *ix, mtl__allocator *a, size_t n);
/* The arena reference of key (len bytes), or MTL__NONE. */
uint32_t mtl__index_find(const mtl__index *ix, const struct mtl__arena *ar,
                         uint64_t hash, const char *k, size_t len);
/* Insert ref (whose string is k) unless k is present; needs room (reserve
 * first).  Returns MTL__NONE when inserted, else the reference already there. */
uint32_t mtl__index_insert(mtl__index *ix, const struct mtl__arena *ar,
                           uint64_t hash, const char *k, size_t len, uint32_t ref);
/* Remove the entry holding ref (whose key hashes to hash). */
void mtl__index_remove(mtl__index *ix, uint64_t hash, uint32_t ref);
/* Where hash lives: an index of capacity 2^k puts its home slot at the top
 * k bits of this word, at any capacity, so ordering hashes by it orders
 * them by home slot (the bulk inserts walk the table from low to high). */
static inline uint64_t mtl__index_place(uint64_t hash)
{
    return (hash >> 32) * 0x9e3779b97f4a7c15ULL;
}

/* Hint that the memory at p will be read soon (a no-op where the compiler
 * has no prefetch). */
static inline void mtl__prefetch(const void *p)
{
#if defined(__GNUC__)
    __builtin_prefetch(p);
#else
    (void)p;
#endif
}

/* Hint that hash will be looked up soon (bulk paths pipeline lookups). */
static inline void mtl__index_prefetch(const mtl__index *ix, uint64_t hash)
{
    if (ix->slots)
        mtl__prefetch(&ix->slots[(size_t)(mtl__index_place(hash) >> ix->shift)]);
}

/* Second stage of a pipelined lookup: once the index entry is in cache,
 * prefetch the string of the first entry whose fragment matches. */
void mtl__index_prefetch_key(const mtl__index *ix, const struct mtl__arena *ar,
                             uint64_t hash);

/* Look up n keys (NULL or "" = absent): out[j] receives the payload of
 * key j or MTL__NONE.  A three-stage software pipeline (look up key j - 64,
 * prefetch the stored string of key j - 32, hash key j and prefetch its
 * index entry) overlaps the cache misses of independent lookups instead of
 * adding them up. */
void mtl__index_find_many(const mtl__index *ix, const struct mtl__arena *ar,
                          const char *const *keys, size_t n, uint32_t *out);

/* A bulk fill of an index with many ids at once.  Inserting millions of
 * ids one by one into a table of 8 bytes per slot costs a cache and a TLB
 * miss per id (over 100 ns on a virtual machine, even prefetched); a fill
 * files the entries by the top bits of their home slot into up to 512
 * partitions, and inserts partition by partition while that slice of the
 * table sits in the cache.  Partitions get room for a quarter more than
 * their share; the rare entry that finds its partition full is inserted at
 * once (correct either way: only the speed depends on the spread of the
 * hashes).  The ids are stored in the arena before they are added. */
#define MTL__FILL_PART_BITS 9

typedef struct mtl__index_fill {
    mtl__index *ix;
    const struct mtl__arena *ar;
    mtl__allocator *a;
    uint64_t *entries;
    size_t cap; /* entries per partition */
    unsigned pbits;
    size_t fill[1u << MTL__FILL_PART_BITS];
} mtl__index_fill;

/* Start a fill of at most n ids: room for them in the index and the
 * partitions.  0 on OOM (nothing changed but perhaps the index's room). */
int mtl__index_fill_begin(mtl__index_fill *f, mtl__index *ix,
                          const struct mtl__arena *ar, mtl__allocator *a, size_t n);
/* Add the id stored at ref whose hash is hash.  MTL__NONE, or ref when
 * its id is in the index already (then it is not added; only an entry
 * inserted at once can meet that here). */
uint32_t mtl__index_fill_add(mtl__index_fill *f, uint64_t hash, uint32_t ref);
/* Insert the entries filed so far and free the partitions.  MTL__NONE when
 * every entry went in; else the reference of an entry whose id was already
 * there (in the index, or added before it), and the entries after it in
 * the fill's order are left out: the caller removes the fill's entries it
 * wants gone (mtl__index_remove of an entry not there does nothing). */
uint32_t mtl__index_fill_end(mtl__index_fill *f);
/* Free the partitions without inserting what they hold. */
void mtl__index_fill_abandon(mtl__index_fill *f);

/* Arena of immutable NUL-terminated strings named by 32-bit references
 * (block << 20 | offset): 4 bytes per reference instead of a pointer. */
#define MTL__ARENA_BLOCK_BITS 20
#define MTL__ARENA_MAX_BLOCKS 4096

typedef struct mtl__arena_block {
    char *bytes;
    size_t size;
} mtl__arena_block;

/* Released entries of 6 to 69 bytes (strings of 1 to 64 bytes) are kept on
 * one free list per size and reused by mtl__arena_store_reuse: a market
 * whose records come and go (a host keeping it in sync with its database)
 * does not grow its id arena without bound.  Longer ids are not reused. */
#define MTL__ARENA_FREE_CLASSES 64

typedef struct mtl__arena {
    mtl__arena_block *blocks;
    size_t nblocks, cap;
    size_t used; /* bytes used in the last block */
    /* free lists by entry size: the reference of the first released entry
     * (0 = none; no entry has reference 0), the next in its payload */
    uint32_t free_head[MTL__ARENA_FREE_CLASSES];
} mtl__arena;

typedef struct mtl__arena_mark {
    size_t nblocks, used;
} mtl__arena_mark;

void mtl__arena_free(mtl__arena *ar, mtl__allocator *a);
/* Store s (len bytes, len <= MTL_ID_MAX) with a 32-bit payload before
 * it; 0 on OOM or when full. */
int mtl__arena_store(mtl__arena *ar, mtl__allocator *a, const char *s,
                     size_t len, uint32_t payload, uint32_t *out_ref);
static inline const char *mtl__arena_at(const mtl__arena *ar, uint32_t ref)
{
    return ar->blocks[ref >> MTL__ARENA_BLOCK_BITS].bytes +
           (ref & ((1u << MTL__ARENA_BLOCK_BITS) - 1));
}
static inline uint32_t mtl__arena_payload(const mtl__arena *ar, uint32_t ref)
{
    uint32_t v;
    memcpy(&v, mtl__arena_at(ar, ref) - 4, 4);
    return v;
}
static inline void mtl__arena_set_payload(mtl__arena *ar, uint32_t ref,
                                          uint32_t payload)
{
    memcpy((char *)mtl__arena_at(ar, ref) - 4, &payload, 4);
}
/* mtl__arena_store, reusing a released entry of the same size if there is
 * one.  For single adds only: a mark/rollback does not undo a reuse (the
 * bulk paths use mtl__arena_store). */
int mtl__arena_store_reuse(mtl__arena *ar, mtl__allocator *a, const char *s,
                           size_t len, uint32_t payload, uint32_t *out_ref);
/* Give back the entry at ref (its string no longer referenced). */
void mtl__arena_release(mtl__arena *ar, uint32_t ref);
mtl__arena_mark mtl__arena_get_mark(const mtl__arena *ar);
void mtl__arena_rollback(mtl__arena *ar, mtl__allocator *a, mtl__arena_mark m);

#endif
