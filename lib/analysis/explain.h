/* explain.h: the memory of a report that explains itself (score.h).
 *
 * A report's terms, copied strings and rows live in one bump arena that
 * the report frees at once.  mtl__score_set() is the one place that turns
 * terms into a score: the value is the sum of the contributions left to
 * right, which is what score.h promises the caller. */
#ifndef MTL_ANALYSIS_EXPLAIN_H
#define MTL_ANALYSIS_EXPLAIN_H

#include <stddef.h>

#include "mtl.h"
#include "core/alloc.h"

typedef struct mtl__explain_block mtl__explain_block;

typedef struct mtl__explain {
    mtl__allocator *alloc;       /* the report's allocator (outlives the arena) */
    mtl__explain_block *blocks;  /* newest first */
    size_t used, size;           /* in the newest block */
} mtl__explain;

void mtl__explain_init(mtl__explain *e, mtl__allocator *alloc);
void mtl__explain_free(mtl__explain *e);
/* n bytes aligned for any scalar, zeroed; NULL on failure (no error set). */
void *mtl__explain_alloc(mtl__explain *e, size_t n);
/* A copy of s ("" for NULL); NULL on failure. */
const char *mtl__explain_strdup(mtl__explain *e, const char *s);
/* A printf-formatted string; NULL on failure. */
const char *mtl__explain_printf(mtl__explain *e, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Room for n terms (zeroed); NULL on failure. */
mtl_term *mtl__explain_terms(mtl__explain *e, size_t n);

/* Set a term: contribution = weight x value. */
static inline void mtl__term_set(mtl_term *t, const char *factor, double weight,
                                 double value)
{
    t->factor = factor;
    t->weight = weight;
    t->value = value;
    t->contribution = weight * value;
}

/* score := terms[0..n) and value = Σ contributions left to right (NaN when
 * n == 0). */
void mtl__score_set(mtl_score *s, const mtl_term *terms, size_t n);

/* Sort n rows of size bytes in place by cmp (stable), moving each row
 * once: report rows are large structs, which qsort would copy at every
 * merge step.  MTL_OK or MTL_E_NO_MEMORY (reported). */
mtl_status mtl__sort_rows(mtl__allocator *a, void *rows, size_t n, size_t size,
                          int (*cmp)(const void *, const void *));

#endif
