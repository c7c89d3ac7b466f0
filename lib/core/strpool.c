#include "core/strpool.h"

#include <string.h>

static const char *key_of(const void *ctx, uint32_t id)
{
    return mtl__strpool_get(ctx, id);
}

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
    if (len == 0)
        return 0;
    return mtl__index_find(&sp->index, mtl__hash(s, len), s, len, key_of, sp);
}

int mtl__strpool_intern(mtl__strpool *sp, mtl__allocator *a, const char *s,
                        size_t len, uint32_t *out)
{
    uint64_t h;
    uint32_t id, ref;
    if (len == 0) {
        *out = 0;
        return 1;
    }
    h = mtl__hash(s, len);
    id = mtl__index_find(&sp->index, h, s, len, key_of, sp);
    if (id != MTL__NONE) {
        *out = id;
        return 1;
    }
    if (sp->count == 0)
        sp->count = 1; /* id 0 is the empty string */
    if (sp->count >= MTL__NONE - 1)
        return 0;
    if (!mtl__grow(a, (void **)&sp->refs, &sp->cap, sp->count + 1,
                   sizeof *sp->refs) ||
        !mtl__index_reserve(&sp->index, a, sp->index.count + 1) ||
        !mtl__arena_store(&sp->arena, a, s, len, &ref))
        return 0;
    id = (uint32_t)sp->count;
    sp->refs[id] = ref;
    sp->count++;
    mtl__index_insert(&sp->index, h, s, len, id, key_of, sp);
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
                          (uint32_t)sp->count);
    }
    if (m.count == 0)
        sp->count = 0;
    mtl__arena_rollback(&sp->arena, a, m.arena);
}
