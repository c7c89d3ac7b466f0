/* explain.h: the memory of a report that explains itself (score.h).
 *
 * A report's terms, copied strings and rows live in one bump arena that
 * the report frees at once.  mtl__score_set() is the one place that turns
 * terms into a score: the value is the sum of the contributions left to
 * right, which is what score.h promises the caller.
 *
 * mtl__report is the common first member of the reports (BON, strategy,
 * grading, verification): their creation, destruction and the checks of
 * their public row readers live here, and so do the option checks they
 * share. */
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

/* ---- reports ---------------------------------------------------------- */

/* The first member of every report struct. */
typedef struct mtl__report {
    mtl__allocator alloc; /* a copy of the market's: the report outlives it */
    mtl__explain e;       /* every row, term and string of the report */
} mtl__report;

/* A zeroed report of size bytes (>= sizeof(mtl__report), its struct
 * starting with an mtl__report) from the market's allocator, its arena
 * ready.  MTL_OK or MTL_E_NO_MEMORY (reported, *out NULL). */
mtl_status mtl__report_create(mtl__report **out, const mtl_market *market,
                              size_t size);
/* Free the arena and the report of size bytes (NULL: nothing). */
void mtl__report_destroy(mtl__report *r, size_t size);

/* MTL_E_RANGE "<item> <index> of <count>" when index >= count, else MTL_OK. */
mtl_status mtl__report_range(size_t index, size_t count, const char *item);

/* The checks of a public reader of a report's rows, in this order: report
 * NULL (named report_name), out NULL, out's struct_size (its first field)
 * below size (struct_name), then mtl__report_range(index, count, item)
 * (the caller passes a count of 0 for a NULL report: it is not used). */
mtl_status mtl__report_read(const void *report, const char *report_name,
                            const void *out, size_t size, const char *struct_name,
                            size_t index, size_t count, const char *item);

/* ---- option checks ------------------------------------------------------ */

/* MTL_E_RANGE "<field> <v> outside [0, 1]" ("<field>[<k>] ..." when k >= 0)
 * unless 0 <= v <= 1. */
mtl_status mtl__check_unit(double v, const char *field, int k);
/* MTL_E_RANGE "<field>[<k>] (<name>) <w>: finite and >= 0" (without
 * " (<name>)" when name is NULL) unless w is finite and >= 0. */
mtl_status mtl__check_weight(double w, const char *field, int k, const char *name);
/* w[0..n) each as mtl__check_weight (names[k], or no names when NULL), then
 * MTL_E_RANGE "<field> sum to <sum>: must be > 0" unless their sum is
 * finite and > 0. */
mtl_status mtl__check_weights(const double *w, int n, const char *field,
                              const char *const *names);

#endif
