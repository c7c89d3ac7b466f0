#include "core/hash.h"

#include <string.h>

#include "core/bytes.h"

/* A 64-bit multiply-mix hash over 8-byte words (the shape of wyhash and
 * rapidhash, simplified): fast on the short ids CRMs use. */
static inline uint64_t mix(uint64_t a, uint64_t b)
{
#if defined(__SIZEOF_INT128__)
    __uint128_t r = (__uint128_t)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
    uint64_t x = (a ^ (b >> 29)) * 0xbf58476d1ce4e5b9ULL;
    return x ^ (x >> 31) ^ b;
#endif
}

static inline uint64_t load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* The last 1 to 7 bytes as memcpy would put them into a zeroed word: on
 * a little-endian host by fixed-size loads (mtl__load_le_short) instead
 * of a copy of variable length, which costs a call (most ids are shorter
 * than a word). */
static inline uint64_t tail(const unsigned char *p, size_t len)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return mtl__load_le_short(p, len);
#else
    uint64_t t = 0;
    memcpy(&t, p, len);
    return t;
#endif
}

uint64_t mtl__hash(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (len * 0xa0761d6478bd642fULL);
    while (len >= 8) {
        h = mix(h ^ load64(p), 0xe7037ed1a0b428dbULL);
        p += 8;
        len -= 8;
    }
    if (len)
        h = mix(h ^ tail(p, len), 0x8ebc6af09c88c6e3ULL);
    return mix(h, 0x589965cc75374cc3ULL);
}

#define FRAG(h) ((uint32_t)((h) >> 32))
#define SLOT(frag, v) (((uint64_t)(frag) << 32) | (v))
#define VALUE(e) ((uint32_t)(e))
#define EMPTY UINT64_MAX

/* Fibonacci hashing of the fragment gives the home slot. */
static inline size_t home_of(uint32_t frag, unsigned shift)
{
    return (size_t)(mtl__index_place((uint64_t)frag << 32) >> shift);
}

void mtl__index_free(mtl__index *ix, mtl__allocator *a)
{
    if (ix->slots)
        mtl__free(a, ix->slots, (ix->mask + 1) * sizeof *ix->slots);
    ix->slots = NULL;
    ix->mask = 0;
    ix->count = 0;
    ix->shift = 0;
}

int mtl__index_reserve(mtl__index *ix, mtl__allocator *a, size_t n)
{
    size_t cap = ix->slots ? ix->mask + 1 : 0, ncap, i;
    unsigned nshift = 64 - 4;
    uint64_t *ns;
    /* load factor at most 3/4 */
    if (cap && n <= cap / 4 * 3)
        return 1;
    ncap = 16;
    while (n > ncap / 4 * 3) {
        if (ncap > ((size_t)1 << 40))
            return 0;
        ncap *= 2;
        nshift--;
    }
    ns = mtl__alloc_array(a, ncap, sizeof *ns);
    if (!ns)
        return 0;
    memset(ns, 0xff, ncap * sizeof *ns);
    for (i = 0; i < cap; i++) {
        uint64_t e = ix->slots[i];
        if (e != EMPTY) {
            size_t j = home_of((uint32_t)(e >> 32), nshift);
            while (ns[j] != EMPTY)
                j = (j + 1) & (ncap - 1);
            ns[j] = e;
        }
    }
    if (ix->slots)
        mtl__free(a, ix->slots, cap * sizeof *ix->slots);
    ix->slots = ns;
    ix->mask = ncap - 1;
    ix->shift = nshift;
    return 1;
}

static inline int key_equal(const char *stored, const char *k, size_t len)
{
    return memcmp(stored, k, len) == 0 && stored[len] == '\0';
}

uint32_t mtl__index_find(const mtl__index *ix, const mtl__arena *ar,
                         uint64_t hash, const char *k, size_t len)
{
    size_t j;
    uint32_t frag = FRAG(hash);
    if (!ix->slots)
        return MTL__NONE;
    for (j = home_of(frag, ix->shift);; j = (j + 1) & ix->mask) {
        uint64_t e = ix->slots[j];
        if (e == EMPTY)
            return MTL__NONE;
        if ((uint32_t)(e >> 32) == frag && key_equal(mtl__arena_at(ar, VALUE(e)), k, len))
            return VALUE(e);
    }
}

/* Insert entry e unless its key is there: MTL__NONE, or the reference of
 * the key there.  The key is len bytes at k, or (k NULL) e's own string in
 * the arena, read only when a fragment matches (a bulk fill has no key at
 * hand, and reading each one would cost a miss). */
static inline uint32_t insert_entry(mtl__index *ix, const mtl__arena *ar, uint64_t e,
                                    const char *k, size_t len)
{
    size_t j;
    for (j = home_of(FRAG(e), ix->shift);; j = (j + 1) & ix->mask) {
        uint64_t t = ix->slots[j];
        if (t == EMPTY) {
            ix->slots[j] = e;
            ix->count++;
            return MTL__NONE;
        }
        if (t >> 32 == e >> 32 &&
            (k ? key_equal(mtl__arena_at(ar, VALUE(t)), k, len)
               : strcmp(mtl__arena_at(ar, VALUE(t)), mtl__arena_at(ar, VALUE(e))) == 0))
            return VALUE(t);
    }
}

uint32_t mtl__index_insert(mtl__index *ix, const mtl__arena *ar, uint64_t hash,
                           const char *k, size_t len, uint32_t ref)
{
    return insert_entry(ix, ar, SLOT(FRAG(hash), ref), k, len);
}

void mtl__index_prefetch_key(const mtl__index *ix, const mtl__arena *ar,
                             uint64_t hash)
{
#if defined(__GNUC__)
    size_t j;
    uint32_t frag = FRAG(hash);
    if (!ix->slots)
        return;
    for (j = home_of(frag, ix->shift);; j = (j + 1) & ix->mask) {
        uint64_t e = ix->slots[j];
        if (e == EMPTY)
            return;
        if ((uint32_t)(e >> 32) == frag) {
            __builtin_prefetch(mtl__arena_at(ar, VALUE(e)) - 4);
            return;
        }
    }
#else
    (void)ix;
    (void)ar;
    (void)hash;
#endif
}

void mtl__index_find_many(const mtl__index *ix, const mtl__arena *ar,
                          const char *const *keys, size_t n, uint32_t *out)
{
    enum { AHEAD = MTL__PREFETCH_AHEAD, HALF = MTL__PREFETCH_AHEAD / 2 };
    uint64_t ring[AHEAD];
    size_t j;
    for (j = 0; j < n + AHEAD; j++) {
        if (j >= HALF && j - HALF < n)
            mtl__index_prefetch_key(ix, ar, ring[(j - HALF) % AHEAD]);
        if (j >= AHEAD) {
            size_t e = j - AHEAD;
            const char *k = keys[e];
            uint32_t ref = MTL__NONE;
            if (k && *k)
                ref = mtl__index_find(ix, ar, ring[e % AHEAD], k, strlen(k));
            out[e] = ref == MTL__NONE ? MTL__NONE : mtl__arena_payload(ar, ref);
        }
        if (j < n) {
            const char *k = keys[j] ? keys[j] : "";
            ring[j % AHEAD] = mtl__hash(k, strlen(k));
            mtl__index_prefetch(ix, ring[j % AHEAD]);
        }
    }
}

int mtl__index_fill_begin(mtl__index_fill *f, mtl__index *ix, const mtl__arena *ar,
                          mtl__allocator *a, size_t n)
{
    unsigned cap_bits;
    memset(f->fill, 0, sizeof f->fill);
    f->ix = ix;
    f->ar = ar;
    f->a = a;
    f->entries = NULL;
    f->cap = 0;
    f->pbits = 0;
    if (n == 0)
        return 1;
    if (!mtl__index_reserve(ix, a, ix->count + n))
        return 0;
    cap_bits = 64 - ix->shift;
    f->pbits = cap_bits < MTL__FILL_PART_BITS ? cap_bits : MTL__FILL_PART_BITS;
    f->cap = (n >> f->pbits) + (n >> f->pbits) / 4 + 64;
    if (f->cap > n)
        f->cap = n;
    f->entries = mtl__alloc_array(a, f->cap << f->pbits, sizeof *f->entries);
    return f->entries != NULL;
}

uint32_t mtl__index_fill_add(mtl__index_fill *f, uint64_t hash, uint32_t ref)
{
    uint64_t e = SLOT(FRAG(hash), ref);
    size_t p = f->pbits ? (size_t)(mtl__index_place(e) >> (64 - f->pbits)) : 0;
    if (f->fill[p] < f->cap) {
        f->entries[p * f->cap + f->fill[p]++] = e;
        return MTL__NONE;
    }
    return insert_entry(f->ix, f->ar, e, NULL, 0) == MTL__NONE ? MTL__NONE : ref;
}

uint32_t mtl__index_fill_end(mtl__index_fill *f)
{
    mtl__index *ix = f->ix;
    uint32_t dup = MTL__NONE;
    size_t p, e;
    for (p = 0; p < ((size_t)1 << f->pbits) && f->entries && dup == MTL__NONE; p++) {
        const uint64_t *part = f->entries + p * f->cap;
        for (e = 0; e < f->fill[p]; e++) {
            if (e + 16 < f->fill[p])
                mtl__prefetch(&ix->slots[mtl__index_place(part[e + 16]) >> ix->shift]);
            if (insert_entry(ix, f->ar, part[e], NULL, 0) != MTL__NONE) {
                dup = VALUE(part[e]);
                break;
            }
        }
    }
    mtl__index_fill_abandon(f);
    return dup;
}

void mtl__index_fill_abandon(mtl__index_fill *f)
{
    mtl__free(f->a, f->entries, (f->cap << f->pbits) * sizeof *f->entries);
    f->entries = NULL;
}

void mtl__index_remove(mtl__index *ix, uint64_t hash, uint32_t value)
{
    size_t hole, j, mask = ix->mask;
    uint32_t frag = FRAG(hash);
    if (!ix->slots)
        return;
    for (j = home_of(frag, ix->shift);; j = (j + 1) & mask) {
        uint64_t e = ix->slots[j];
        if (e == EMPTY)
            return; /* not present */
        if (e == SLOT(frag, value))
            break;
    }
    /* backward-shift deletion (Knuth 6.4, algorithm R): move later members
     * of the cluster into the hole when their home does not lie cyclically
     * in (hole, j]. */
    hole = j;
    for (;;) {
        size_t home;
        uint64_t e;
        j = (j + 1) & mask;
        e = ix->slots[j];
        if (e == EMPTY)
            break;
        home = home_of((uint32_t)(e >> 32), ix->shift);
        if (((j - home) & mask) >= ((j - hole) & mask)) {
            ix->slots[hole] = e;
            hole = j;
        }
    }
    ix->slots[hole] = EMPTY;
    ix->count--;
}

/* ---- arena ------------------------------------------------------------ */

#define BLOCK_MAX ((size_t)1 << MTL__ARENA_BLOCK_BITS)

void mtl__arena_free(mtl__arena *ar, mtl__allocator *a)
{
    size_t i;
    for (i = 0; i < ar->nblocks; i++)
        mtl__free(a, ar->blocks[i].bytes, ar->blocks[i].size);
    mtl__free(a, ar->blocks, ar->cap * sizeof *ar->blocks);
    memset(ar, 0, sizeof *ar);
}

int mtl__arena_store(mtl__arena *ar, mtl__allocator *a, const char *s,
                     size_t len, uint32_t payload, uint32_t *out_ref)
{
    size_t need = 4 + len + 1;
    mtl__arena_block *last;
    if (need > BLOCK_MAX)
        return 0;
    if (ar->nblocks == 0 || ar->used + need > ar->blocks[ar->nblocks - 1].size) {
        /* blocks grow 4 KiB, 8 KiB ... up to 1 MiB: small markets stay small */
        size_t size = ar->nblocks ? ar->blocks[ar->nblocks - 1].size * 2 : 4096;
        char *b;
        if (size < need)
            size = need; /* the first block must hold the longest string */
        if (size > BLOCK_MAX)
            size = BLOCK_MAX;
        if (ar->nblocks >= MTL__ARENA_MAX_BLOCKS)
            return 0;
        if (!mtl__grow(a, (void **)&ar->blocks, &ar->cap, ar->nblocks + 1,
                       sizeof *ar->blocks))
            return 0;
        b = mtl__alloc(a, size);
        if (!b)
            return 0;
        ar->blocks[ar->nblocks].bytes = b;
        ar->blocks[ar->nblocks].size = size;
        ar->nblocks++;
        ar->used = 0;
    }
    last = &ar->blocks[ar->nblocks - 1];
    memcpy(last->bytes + ar->used, &payload, 4);
    mtl__copy_bytes(last->bytes + ar->used + 4, s, len);
    last->bytes[ar->used + 4 + len] = '\0';
    *out_ref = (uint32_t)((ar->nblocks - 1) << MTL__ARENA_BLOCK_BITS) |
               (uint32_t)(ar->used + 4);
    ar->used += need;
    return 1;
}

/* entry bytes (payload, string, NUL) -> free list, or -1 when not kept */
static int free_class(size_t len)
{
    return len >= 1 && len <= MTL__ARENA_FREE_CLASSES ? (int)len - 1 : -1;
}

int mtl__arena_store_reuse(mtl__arena *ar, mtl__allocator *a, const char *s,
                           size_t len, uint32_t payload, uint32_t *out_ref)
{
    int c = free_class(len);
    uint32_t ref;
    char *p;
    if (c < 0 || ar->free_head[c] == 0)
        return mtl__arena_store(ar, a, s, len, payload, out_ref);
    ref = ar->free_head[c];
    p = (char *)(uintptr_t)mtl__arena_at(ar, ref);
    memcpy(&ar->free_head[c], p - 4, 4); /* the next released entry */
    memcpy(p - 4, &payload, 4);
    memcpy(p, s, len);
    p[len] = '\0';
    *out_ref = ref;
    return 1;
}

void mtl__arena_release(mtl__arena *ar, uint32_t ref)
{
    char *p = (char *)(uintptr_t)mtl__arena_at(ar, ref);
    int c = free_class(strlen(p));
    if (c < 0)
        return;
    memcpy(p - 4, &ar->free_head[c], 4);
    ar->free_head[c] = ref;
}

mtl__arena_mark mtl__arena_get_mark(const mtl__arena *ar)
{
    mtl__arena_mark m;
    m.nblocks = ar->nblocks;
    m.used = ar->used;
    return m;
}

void mtl__arena_rollback(mtl__arena *ar, mtl__allocator *a, mtl__arena_mark m)
{
    while (ar->nblocks > m.nblocks) {
        ar->nblocks--;
        mtl__free(a, ar->blocks[ar->nblocks].bytes, ar->blocks[ar->nblocks].size);
    }
    ar->used = m.used;
}
