/* The bump arena of self-explaining reports (explain.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "analysis/explain.h"
#include "core/error.h"
#include "core/number.h"
#include "core/versioned.h"
#include "market/internal.h"

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

/* Merge sort of n pointers (stable), tmp has room for n. */
static void sort_pointers(const void **p, const void **tmp, size_t n,
                          int (*cmp)(const void *, const void *))
{
    size_t h = n / 2, i = 0, j = h, k = 0;
    if (n < 2)
        return;
    sort_pointers(p, tmp, h, cmp);
    sort_pointers(p + h, tmp, n - h, cmp);
    while (i < h && j < n)
        tmp[k++] = cmp(p[j], p[i]) < 0 ? p[j++] : p[i++];
    while (i < h)
        tmp[k++] = p[i++];
    while (j < n)
        tmp[k++] = p[j++];
    memcpy(p, tmp, n * sizeof *p);
}

mtl_status mtl__sort_rows(mtl__allocator *a, void *rows, size_t n, size_t size,
                          int (*cmp)(const void *, const void *))
{
    const void **p, **tmp;
    char *base = rows, *hold;
    size_t i, bytes;
    if (n < 2)
        return MTL_OK;
    if (n > SIZE_MAX / (2 * sizeof *p))
        return mtl__error_oom();
    bytes = 2 * n * sizeof *p + size;
    if (!(p = mtl__alloc(a, bytes)))
        return mtl__error_oom();
    tmp = p + n;
    hold = (char *)(tmp + n);
    for (i = 0; i < n; i++)
        p[i] = base + i * size;
    sort_pointers(p, tmp, n, cmp);
    /* p[i] is the row that goes to place i: follow each cycle once, with
     * one row held aside; a placed row's pointer is set to its place */
    for (i = 0; i < n; i++) {
        size_t j = i;
        if (p[i] == base + i * size)
            continue;
        memcpy(hold, base + i * size, size);
        for (;;) {
            size_t from = (size_t)((const char *)p[j] - base) / size;
            p[j] = base + j * size;
            if (from == i) {
                memcpy(base + j * size, hold, size);
                break;
            }
            memcpy(base + j * size, base + from * size, size);
            j = from;
        }
    }
    mtl__free(a, p, bytes);
    return MTL_OK;
}

/* ---- reports ---------------------------------------------------------- */

mtl_status mtl__report_create(mtl__report **out, const mtl_market *market,
                              size_t size)
{
    mtl__report *r = market->alloc.fn(market->alloc.user_data, NULL, 0, size);
    *out = NULL;
    if (!r)
        return mtl__error_oom();
    memset(r, 0, size);
    mtl__allocator_init(&r->alloc, market->alloc.fn, market->alloc.user_data);
    mtl__explain_init(&r->e, &r->alloc);
    *out = r;
    return MTL_OK;
}

void mtl__report_destroy(mtl__report *r, size_t size)
{
    mtl_alloc_fn fn;
    void *user_data;
    if (!r)
        return;
    mtl__explain_free(&r->e);
    /* the allocator lives in the block it frees */
    fn = r->alloc.fn;
    user_data = r->alloc.user_data;
    fn(user_data, r, size, 0);
}

mtl_status mtl__report_range(size_t index, size_t count, const char *item)
{
    if (index >= count)
        return mtl__error(MTL_E_RANGE, "%s %zu of %zu", item, index, count);
    return MTL_OK;
}

mtl_status mtl__report_read(const void *report, const char *report_name,
                            const void *out, size_t size, const char *struct_name,
                            size_t index, size_t count, const char *item)
{
    size_t given;
    mtl_status st;
    if (!report)
        return mtl__error_null(report_name);
    if (!out)
        return mtl__error_null("out");
    memcpy(&given, out, sizeof given); /* struct_size, the first field */
    if ((st = mtl__struct_check(given, size, struct_name)) != MTL_OK)
        return st;
    return mtl__report_range(index, count, item);
}

/* ---- option checks ------------------------------------------------------ */

/* The option's value in messages: "%g" would follow LC_NUMERIC ("0,5") */
typedef struct num_text {
    char s[32];
} num_text;

static num_text num(double v)
{
    num_text t;
    if (!mtl__format_double(t.s, sizeof t.s, v))
        t.s[0] = '\0';
    return t;
}

mtl_status mtl__check_unit(double v, const char *field, int k)
{
    if (v >= 0 && v <= 1)
        return MTL_OK;
    if (k < 0)
        return mtl__error(MTL_E_RANGE, "%s %s outside [0, 1]", field, num(v).s);
    return mtl__error(MTL_E_RANGE, "%s[%d] %s outside [0, 1]", field, k, num(v).s);
}

mtl_status mtl__check_weight(double w, const char *field, int k, const char *name)
{
    if (w >= 0 && isfinite(w))
        return MTL_OK;
    if (name)
        return mtl__error(MTL_E_RANGE, "%s[%d] (%s) %s: finite and >= 0", field, k,
                          name, num(w).s);
    return mtl__error(MTL_E_RANGE, "%s[%d] %s: finite and >= 0", field, k, num(w).s);
}

mtl_status mtl__check_weights(const double *w, int n, const char *field,
                              const char *const *names)
{
    double sum = 0;
    int k;
    mtl_status st;
    for (k = 0; k < n; k++) {
        if ((st = mtl__check_weight(w[k], field, k, names ? names[k] : NULL)) != MTL_OK)
            return st;
        sum += w[k];
    }
    if (!(sum > 0) || !isfinite(sum))
        return mtl__error(MTL_E_RANGE, "%s sum to %s: must be > 0", field, num(sum).s);
    return MTL_OK;
}
