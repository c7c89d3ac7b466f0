#include "core/strpool.h"

#include <string.h>

void mtl__strpool_free(mtl__strpool *sp, mtl__allocator *a)
{
    mtl__arena_free(&sp->arena, a);
    mtl__free(a, sp->refs, sp->cap * sizeof *sp->refs);
    mtl__index_free(&sp->index, a);
    memset(sp, 0, sizeof *sp);
}

const char *mtl__strpool_get(const mtl__strpool *sp, uint32_t id)
{
    if (id == 0 || id >= sp->count)
        return "";
    return mtl__arena_at(&sp->arena, sp->refs[id]);
}

uint32_t mtl__strpool_find(const mtl__strpool *sp, const char *s, size_t len)
{
    uint32_t ref;
    if (len == 0)
        return 0;
    ref = mtl__index_find(&sp->index, &sp->arena, mtl__hash(s, len), s, len);
    return ref == MTL__NONE ? MTL__NONE : mtl__arena_payload(&sp->arena, ref);
}

int mtl__strpool_intern(mtl__strpool *sp, mtl__allocator *a, const char *s,
                        size_t len, uint32_t *out)
{
    if (len == 0) {
        *out = 0;
        return 1;
    }
    return mtl__strpool_intern_hashed(sp, a, s, len, mtl__hash(s, len), out);
}

int mtl__strpool_intern_hashed(mtl__strpool *sp, mtl__allocator *a, const char *s,
                               size_t len, uint64_t h, uint32_t *out)
{
    uint32_t id, ref;
    if (len == 0) {
        *out = 0;
        return 1;
    }
    ref = mtl__index_find(&sp->index, &sp->arena, h, s, len);
    if (ref != MTL__NONE) {
        *out = mtl__arena_payload(&sp->arena, ref);
        return 1;
    }
    if (sp->count == 0)
        sp->count = 1; /* id 0 is the empty string */
    if (sp->count >= MTL__NONE - 1)
        return 0;
    if (!mtl__grow(a, (void **)&sp->refs, &sp->cap, sp->count + 1,
                   sizeof *sp->refs) ||
        !mtl__index_reserve(&sp->index, a, sp->index.count + 1) ||
        !mtl__arena_store(&sp->arena, a, s, len, (uint32_t)sp->count, &ref))
        return 0;
    id = (uint32_t)sp->count;
    sp->refs[id] = ref;
    sp->count++;
    mtl__index_insert(&sp->index, &sp->arena, h, s, len, ref);
    *out = id;
    return 1;
}

mtl__strpool_mark mtl__strpool_get_mark(const mtl__strpool *sp)
{
    mtl__strpool_mark m;
    m.count = sp->count;
    m.arena = mtl__arena_get_mark(&sp->arena);
    return m;
}

void mtl__strpool_rollback(mtl__strpool *sp, mtl__allocator *a,
                           mtl__strpool_mark m)
{
    size_t mark = m.count ? m.count : 1;
    while (sp->count > mark) {
        const char *s;
        sp->count--;
        s = mtl__arena_at(&sp->arena, sp->refs[sp->count]);
        mtl__index_remove(&sp->index, mtl__hash(s, strlen(s)),
                          sp->refs[sp->count]);
    }
    if (m.count == 0)
        sp->count = 0;
    mtl__arena_rollback(&sp->arena, a, m.arena);
}
