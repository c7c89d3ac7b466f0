/* The bump arena of self-explaining reports (explain.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "analysis/explain.h"

struct mtl__explain_block {
    mtl__explain_block *next;
    size_t size; /* bytes of data[] */
    max_align_t data[];
};

#define MTL__EXPLAIN_BLOCK 16384u

void mtl__explain_init(mtl__explain *e, mtl__allocator *alloc)
{
    e->alloc = alloc;
    e->blocks = NULL;
    e->used = e->size = 0;
}

void mtl__explain_free(mtl__explain *e)
{
    mtl__explain_block *b = e->blocks, *next;
    for (; b; b = next) {
        next = b->next;
        mtl__free(e->alloc, b, sizeof *b + b->size);
    }
    e->blocks = NULL;
    e->used = e->size = 0;
}

void *mtl__explain_alloc(mtl__explain *e, size_t n)
{
    const size_t align = sizeof(max_align_t);
    size_t need = (n + align - 1) / align * align;
    char *p;
    if (need < n)
        return NULL;
    if (!e->blocks || e->size - e->used < need) {
        size_t size = need > MTL__EXPLAIN_BLOCK ? need : MTL__EXPLAIN_BLOCK;
        mtl__explain_block *b;
        if (size > SIZE_MAX - sizeof *b)
            return NULL;
        b = mtl__alloc(e->alloc, sizeof *b + size);
        if (!b)
            return NULL;
        b->next = e->blocks;
        b->size = size;
        e->blocks = b;
        e->used = 0;
        e->size = size;
    }
    p = (char *)e->blocks->data + e->used;
    e->used += need;
    memset(p, 0, n);
    return p;
}

const char *mtl__explain_strdup(mtl__explain *e, const char *s)
{
    size_t n;
    char *p;
    if (!s)
        s = "";
    n = strlen(s);
    p = mtl__explain_alloc(e, n + 1);
    if (p)
        memcpy(p, s, n + 1);
    return p;
}

const char *mtl__explain_printf(mtl__explain *e, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    p = mtl__explain_alloc(e, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

mtl_term *mtl__explain_terms(mtl__explain *e, size_t n)
{
    if (n > SIZE_MAX / sizeof(mtl_term))
        return NULL;
    return mtl__explain_alloc(e, n * sizeof(mtl_term));
}

void mtl__score_set(mtl_score *s, const mtl_term *terms, size_t n)
{
    double v = 0.0;
    size_t i;
    for (i = 0; i < n; i++)
        v += terms[i].contribution;
    s->value = n ? v : NAN;
    s->terms = n ? terms : NULL;
    s->term_count = n;
}
