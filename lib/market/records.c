/* Chunked record storage with stable addresses, a free list and an id
 * index: the storage of segments and customers. */
#include <string.h>

#include "market/internal.h"

void mtl__recs_init(mtl__recs *r, size_t rec_size)
{
    memset(r, 0, sizeof *r);
    r->rec_size = rec_size;
    r->free_head = MTL__NONE;
}

void mtl__recs_free(mtl__recs *r, mtl__allocator *a)
{
    size_t i;
    for (i = 0; i < r->nchunks; i++)
        mtl__free(a, r->chunks[i], r->rec_size * MTL__REC_CHUNK);
    mtl__free(a, r->chunks, r->cap_chunks * sizeof *r->chunks);
    mtl__index_free(&r->index, a);
    mtl__recs_init(r, r->rec_size);
}

void *mtl__recs_at(const mtl__recs *r, uint32_t slot)
{
    return r->chunks[slot >> MTL__REC_CHUNK_BITS] +
           (slot & (MTL__REC_CHUNK - 1)) * r->rec_size;
}

uint32_t mtl__recs_slot(const mtl__recs *r, const mtl__arena *ar, const char *id,
                        size_t len, uint64_t h)
{
    uint32_t ref = mtl__index_find(&r->index, ar, h, id, len);
    return ref == MTL__NONE ? MTL__NONE : mtl__arena_payload(ar, ref);
}

void *mtl__recs_find(const mtl__recs *r, const mtl__arena *ar, const char *id)
{
    size_t len;
    uint32_t slot;
    if (!id)
        return NULL;
    len = strlen(id);
    slot = mtl__recs_slot(r, ar, id, len, mtl__hash(id, len));
    return slot == MTL__NONE ? NULL : mtl__recs_at(r, slot);
}

mtl_status mtl__recs_add(mtl__recs *r, mtl_market *m, const char *id,
                         const char *kind, void **out)
{
    size_t len;
    uint64_t h;
    if (!id || !*id)
        return mtl__error(MTL_E_INVALID_ARGUMENT, "%s id is NULL or empty", kind);
    len = strlen(id);
    if (len > MTL_ID_MAX)
        return mtl__error(MTL_E_LIMIT, "%s id longer than %d bytes", kind,
                          MTL_ID_MAX);
    h = mtl__hash(id, len);
    if (mtl__index_find(&r->index, &m->ids, h, id, len) != MTL__NONE)
        return mtl__error(MTL_E_DUPLICATE, "%s '%.64s' exists already", kind, id);
    return mtl__recs_create(r, m, id, len, h, kind, out);
}

mtl_status mtl__recs_create(mtl__recs *r, mtl_market *m, const char *id, size_t len,
                            uint64_t h, const char *kind, void **out)
{
    mtl__allocator *a = &m->alloc;
    mtl__arena_mark mark;
    uint32_t slot, ref;
    mtl__rec *rec;
    if (r->free_head == MTL__NONE) {
        if (r->high >= MTL__NONE - 1)
            return mtl__error(MTL_E_LIMIT, "too many %ss", kind);
        if ((r->high & (MTL__REC_CHUNK - 1)) == 0 &&
            (r->high >> MTL__REC_CHUNK_BITS) == r->nchunks) {
            char *c;
            if (!mtl__grow(a, (void **)&r->chunks, &r->cap_chunks, r->nchunks + 1,
                           sizeof *r->chunks))
                return mtl__error_oom();
            c = mtl__alloc_zero(a, r->rec_size * MTL__REC_CHUNK);
            if (!c)
                return mtl__error_oom();
            r->chunks[r->nchunks++] = c;
        }
    }
    if (!mtl__index_reserve(&r->index, a, r->index.count + 1))
        return mtl__error_oom();
    slot = r->free_head != MTL__NONE ? r->free_head : r->high;
    mark = mtl__arena_get_mark(&m->ids);
    if (!mtl__arena_store_reuse(&m->ids, a, id, len, slot, &ref)) {
        mtl__arena_rollback(&m->ids, a, mark);
        return mtl__error_oom();
    }
    rec = mtl__recs_at(r, slot);
    if (slot == r->free_head) {
        r->free_head = rec->next_free;
        memset(rec, 0, r->rec_size); /* a fresh slot is zero: its chunk was */
    } else {
        r->high++;
    }
    rec->market = m;
    rec->slot = slot;
    rec->next_free = MTL__NONE;
    rec->id_ref = ref;
    rec->alive = 1;
    mtl__index_insert(&r->index, &m->ids, h, id, len, ref);
    r->live++;
    *out = rec;
    return MTL_OK;
}

void mtl__recs_remove(mtl__recs *r, mtl_market *m, mtl__rec *rec)
{
    const char *id = mtl__arena_at(&m->ids, rec->id_ref);
    mtl__index_remove(&r->index, mtl__hash(id, strlen(id)), rec->id_ref);
    mtl__arena_release(&m->ids, rec->id_ref);
    rec->alive = 0;
    rec->next_free = r->free_head;
    r->free_head = rec->slot;
    r->live--;
}

void *mtl__recs_next(const mtl__recs *r, const mtl__rec *prev)
{
    uint32_t s = prev ? prev->slot + 1 : 0;
    for (; s < r->high; s++) {
        mtl__rec *rec = mtl__recs_at(r, s);
        if (rec->alive)
            return rec;
    }
    return NULL;
}

mtl_status mtl__set_text(mtl__allocator *a, char **slot, const char *text,
                         const char *what)
{
    char *copy = NULL;
    size_t len = text ? strlen(text) : 0;
    if (len > MTL_ID_MAX)
        return mtl__error(MTL_E_LIMIT, "%s longer than %d bytes", what, MTL_ID_MAX);
    if (len) {
        copy = mtl__strndup(a, text, len);
        if (!copy)
            return mtl__error_oom();
    }
    mtl__strfree(a, *slot);
    *slot = copy;
    return MTL_OK;
}
