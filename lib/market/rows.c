/* The input lists of segments, customers and leads (rows.h). */
#include <math.h>
#include <string.h>

#include "core/error.h"
#include "core/number.h"
#include "market/rows.h"

#define MTL__ROW_HEADER sizeof(max_align_t) /* the block's byte count */

static size_t row_bytes(const void *row)
{
    size_t n;
    memcpy(&n, (const char *)row - MTL__ROW_HEADER, sizeof n);
    return n;
}

static void row_free(mtl__allocator *a, void *row)
{
    mtl__free(a, (char *)row - MTL__ROW_HEADER, row_bytes(row));
}

mtl_status mtl__rows_put(mtl__rows *r, mtl__allocator *a, const mtl__row_layout *l,
                         size_t at, const void *row)
{
    void *kept = NULL;
    mtl_status st = mtl__rows_put_keep(r, a, l, at, row, &kept);
    mtl__rows_release(a, kept);
    return st;
}

mtl_status mtl__rows_put_keep(mtl__rows *r, mtl__allocator *a,
                              const mtl__row_layout *l, size_t at, const void *row,
                              void **kept)
{
    size_t bytes = MTL__ROW_HEADER + l->size, k, lens[8];
    char *block, *copy, *text;
    *kept = NULL;
    if (at == r->count && r->count >= MTL_ROWS_MAX)
        return mtl__error(MTL_E_LIMIT, "more than %d %ss on one record",
                          MTL_ROWS_MAX, l->name);
    for (k = 0; k < l->nstrings; k++) {
        const char *s;
        memcpy(&s, (const char *)row + l->strings[k], sizeof s);
        lens[k] = s ? strlen(s) : 0;
        bytes += lens[k] + 1;
    }
    if (at == r->count &&
        !mtl__grow(a, (void **)&r->rows, &r->cap, r->count + 1, sizeof *r->rows))
        return mtl__error_oom();
    block = mtl__alloc(a, bytes);
    if (!block)
        return mtl__error_oom();
    memcpy(block, &bytes, sizeof bytes);
    copy = block + MTL__ROW_HEADER;
    memcpy(copy, row, l->size);
    memcpy(copy, &l->size, sizeof l->size); /* struct_size: the current layout */
    text = copy + l->size;
    for (k = 0; k < l->nstrings; k++) {
        const char *s;
        memcpy(&s, (const char *)row + l->strings[k], sizeof s);
        if (lens[k])
            memcpy(text, s, lens[k]);
        text[lens[k]] = '\0';
        memcpy(copy + l->strings[k], &text, sizeof text);
        text += lens[k] + 1;
    }
    if (at == r->count)
        r->rows[r->count++] = copy;
    else {
        *kept = r->rows[at];
        r->rows[at] = copy;
    }
    return MTL_OK;
}

void mtl__rows_restore(mtl__rows *r, mtl__allocator *a, size_t at, void *kept)
{
    row_free(a, r->rows[at]);
    r->rows[at] = kept;
}

void mtl__rows_release(mtl__allocator *a, void *kept)
{
    if (kept)
        row_free(a, kept);
}

void mtl__rows_truncate(mtl__rows *r, mtl__allocator *a, const mtl__row_layout *l,
                        size_t n)
{
    if (n == 0) {
        mtl__rows_clear(r, a, l);
        return;
    }
    while (r->count > n)
        row_free(a, r->rows[--r->count]);
}

mtl_status mtl__rows_read(const mtl__rows *r, const mtl__row_layout *l, size_t i,
                          void *out)
{
    size_t given;
    if (!out)
        return mtl__error_null("out");
    memcpy(&given, out, sizeof given);
    if (given < l->size)
        return mtl__error(MTL_E_VERSION, "%s: struct_size %zu unknown (call its _init)",
                          l->name, given);
    if (i >= r->count)
        return mtl__error(MTL_E_RANGE, "%s %zu of %zu", l->name, i, r->count);
    memcpy(out, r->rows[i], l->size);
    memcpy(out, &given, sizeof given);
    return MTL_OK;
}

void mtl__rows_clear(mtl__rows *r, mtl__allocator *a, const mtl__row_layout *l)
{
    size_t i;
    (void)l;
    for (i = 0; i < r->count; i++)
        row_free(a, r->rows[i]);
    mtl__free(a, r->rows, r->cap * sizeof *r->rows);
    memset(r, 0, sizeof *r);
}

mtl_status mtl__check_text(const char *text, size_t max, int required,
                           const char *row, const char *field)
{
    if (!text || !*text) {
        if (required)
            return mtl__error(MTL_E_INVALID_ARGUMENT, "%s: %s is empty", row, field);
        return MTL_OK;
    }
    if (strlen(text) > max)
        return mtl__error(MTL_E_LIMIT, "%s: %s is longer than %zu bytes", row, field,
                          max);
    return MTL_OK;
}

mtl_status mtl__check_range(double v, double low, double high, int nan_ok,
                            const char *row, const char *field)
{
    char a[32], b[32], c[32];
    if (isnan(v) && nan_ok)
        return MTL_OK;
    if (v >= low && v <= high)
        return MTL_OK;
    mtl__format_double(a, sizeof a, v);
    mtl__format_double(b, sizeof b, low);
    mtl__format_double(c, sizeof c, high);
    return mtl__error(MTL_E_RANGE, "%s: %s %s outside %s ... %s", row, field, a, b, c);
}
