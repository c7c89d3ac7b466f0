/* rows.h: the input lists a segment, customer or lead owns (look items,
 * $APPEALS ratings, control points, pains, contacts).
 *
 * A row is one allocation: a copy of the public struct in its current
 * layout (struct_size = sizeof) followed by the bytes of its strings, which
 * the copy's string fields point at.  Reading a row back copies the struct
 * out, so the strings stay valid until the list changes. */
#ifndef MTL_MARKET_ROWS_H
#define MTL_MARKET_ROWS_H

#include <stddef.h>

#include "mtl.h"
#include "core/alloc.h"

typedef struct mtl__rows {
    void **rows;
    size_t count, cap;
} mtl__rows;

/* A row struct's layout: its size and the offsets of its const char *
 * fields. */
typedef struct mtl__row_layout {
    const char *name; /* for messages: "look item", "pain" ... */
    size_t size;
    const size_t *strings;
    size_t nstrings;
} mtl__row_layout;

/* Append (at == count) or replace row at with a copy of row.  The row
 * must be validated already.  MTL_OK; MTL_E_LIMIT; MTL_E_NO_MEMORY
 * (reported). */
mtl_status mtl__rows_put(mtl__rows *r, mtl__allocator *a, const mtl__row_layout *l,
                         size_t at, const void *row);
/* The same, but a replaced row is handed to *kept instead of being freed
 * (NULL after an append), so that a caller that may have to undo the
 * change can put it back with mtl__rows_restore, or free it with
 * mtl__rows_release once the change stands (the CSV import). */
mtl_status mtl__rows_put_keep(mtl__rows *r, mtl__allocator *a,
                              const mtl__row_layout *l, size_t at, const void *row,
                              void **kept);
/* Free row at and put kept (from mtl__rows_put_keep) back in its place. */
void mtl__rows_restore(mtl__rows *r, mtl__allocator *a, size_t at, void *kept);
/* Free a row kept by mtl__rows_put_keep (NULL is a no-op). */
void mtl__rows_release(mtl__allocator *a, void *kept);
/* Drop the rows from n on: the list as it was when it had n rows (an
 * empty list releases its array too, as mtl__rows_clear). */
void mtl__rows_truncate(mtl__rows *r, mtl__allocator *a, const mtl__row_layout *l,
                        size_t n);
static inline const void *mtl__rows_at(const mtl__rows *r, size_t i)
{
    return r->rows[i];
}
/* Copy row i to out after checking the caller's struct_size (the first
 * field of out).  MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION; MTL_E_RANGE. */
mtl_status mtl__rows_read(const mtl__rows *r, const mtl__row_layout *l, size_t i,
                          void *out);
void mtl__rows_clear(mtl__rows *r, mtl__allocator *a, const mtl__row_layout *l);

/* Text checks shared by the input setters: NULL or "" refused when
 * required, longer than max bytes refused (MTL_E_LIMIT). */
mtl_status mtl__check_text(const char *text, size_t max, int required,
                           const char *row, const char *field);
/* A double in [low, high] (NaN refused unless nan_ok). */
mtl_status mtl__check_range(double v, double low, double high, int nan_ok,
                            const char *row, const char *field);

#endif
