/* Column-wise bulk append of leads, all or nothing.
 *
 * Phase 1 checks every scalar of every row without touching the market.
 * Phase 2 reserves room (chunks: growth is invisible), then resolves
 * references, interns strings and stores ids straight into the new
 * slots, which stay invisible until the commit raises the counts; last,
 * the ids go into the index by one bulk fill, which puts in all of them
 * or none.  Any failure in phase 2 rolls back with operations that never
 * allocate: arenas and the string pool are truncated to their marks, new
 * chunks and attribute columns are freed. */
#include <stdio.h>
#include <string.h>

#include "core/versioned.h"
#include "market/internal.h"

MTL_API mtl_status mtl_lead_columns_init(mtl_lead_columns *columns,
                                         size_t struct_size)
{
    return mtl__struct_init(columns, struct_size, sizeof *columns, "mtl_lead_columns");
}

#define ROW_ERROR(st, r, ...) mtl__error_at((st), (int64_t)(r) + 1, 0, __VA_ARGS__)

/* Prefix the message of a failed check with the row (the message lives in
 * the thread-local buffer the new one is formatted into: copy it first). */
static mtl_status row_error_wrap(mtl_status st, size_t r, const char *id)
{
    char detail[256];
    snprintf(detail, sizeof detail, "%s", mtl_last_error_message());
    if (id)
        return ROW_ERROR(st, r, "row %zu (lead '%.64s'): %s", r, id, detail);
    return ROW_ERROR(st, r, "row %zu: %s", r, detail);
}

static int column_present(const mtl_string_column *col)
{
    return col->values || col->codes;
}

/* The string of row r, NULL when absent. */
static const char *column_get(const mtl_string_column *col, size_t r)
{
    if (col->values)
        return col->values[r];
    if (col->codes && col->codes[r] != MTL_CODE_NONE)
        return col->dict[col->codes[r]];
    return NULL;
}

static mtl_status check_column(const mtl_string_column *col, size_t n,
                               const char *name)
{
    size_t r;
    if (col->values || !col->codes)
        return MTL_OK;
    if (!col->dict && col->dict_count)
        return mtl__error(MTL_E_INVALID_ARGUMENT, "column %s: dict is NULL", name);
    for (r = 0; r < n; r++)
        if (col->codes[r] != MTL_CODE_NONE && col->codes[r] >= col->dict_count)
            return ROW_ERROR(MTL_E_RANGE, r,
                             "row %zu: %s code %u outside the dictionary (%zu)",
                             r, name, col->codes[r], col->dict_count);
    return MTL_OK;
}

static int valid_day(int32_t d)
{
    return d == MTL_DATE_NONE || (d >= MTL_DATE_MIN && d <= MTL_DATE_MAX);
}

/* The id of row r: the ids column's, or the integer id written in decimal
 * into buf (MTL__ID_NUMBER_MAX bytes). */
#define MTL__ID_NUMBER_MAX 24
static const char *id_of(const mtl_lead_columns *c, size_t r, char *buf)
{
    if (c->id_numbers) {
        int64_t v = c->id_numbers[r];
        uint64_t mag = v < 0 ? 0u - (uint64_t)v : (uint64_t)v;
        char tmp[MTL__ID_NUMBER_MAX];
        size_t n = 0, k = 0;
        do {
            tmp[n++] = (char)('0' + mag % 10);
            mag /= 10;
        } while (mag);
        if (v < 0)
            buf[k++] = '-';
        while (n)
            buf[k++] = tmp[--n];
        buf[k] = '\0';
        return buf;
    }
    return column_get(&c->ids, r);
}

/* Phase 1: everything that can be checked without the market's records
 * (the columns only, when the caller checked the rows: flags). */
static mtl_status check_rows(const mtl_market *m, const mtl_lead_columns *c,
                             const uint32_t *id_refs, unsigned flags)
{
    size_t r, n = c->count, a;
    /* the rows whose dictionary codes are checked: none when the caller
     * checked them */
    size_t nc = flags & MTL__APPEND_CHECKED ? 0 : n;
    mtl_status st;
    if (!column_present(&c->ids) && !c->id_numbers && !id_refs)
        return mtl__error(MTL_E_INVALID_ARGUMENT, "the ids column is required");
    if (column_present(&c->ids) && c->id_numbers)
        return mtl__error(MTL_E_INVALID_ARGUMENT, "give either ids or id_numbers");
    if ((!c->id_numbers && (st = check_column(&c->ids, nc, "ids"))) ||
        (st = check_column(&c->customers, nc, "customers")) ||
        (st = check_column(&c->segments, nc, "segments")) ||
        (st = check_column(&c->owners, nc, "owners")) ||
        (st = check_column(&c->regions, nc, "regions")) ||
        (st = check_column(&c->sources, nc, "sources")))
        return st;
    if (c->attribute_count && (!c->attribute_keys || !c->attributes))
        return mtl__error(MTL_E_INVALID_ARGUMENT,
                          "attribute_count %zu without keys or columns",
                          c->attribute_count);
    for (a = 0; a < c->attribute_count; a++) {
        const char *key = c->attribute_keys[a];
        if (!key || !*key || strlen(key) > MTL_ID_MAX)
            return mtl__error(MTL_E_INVALID_ARGUMENT,
                              "attribute key %zu is NULL, empty or too long", a);
        for (size_t b = 0; b < a; b++)
            if (strcmp(c->attribute_keys[b], key) == 0)
                return mtl__error(MTL_E_DUPLICATE,
                                  "attribute key '%.64s' given twice", key);
        if ((st = check_column(&c->attributes[a], nc, key)))
            return st;
    }
    if (flags & MTL__APPEND_CHECKED)
        return MTL_OK;
    for (r = 0; r < n; r++) {
        char num[MTL__ID_NUMBER_MAX];
        const char *id = id_of(c, r, num);
        int32_t stage = c->stages ? c->stages[r] : 0;
        int32_t outcome = c->outcomes ? c->outcomes[r] : MTL_OUTCOME_OPEN;
        size_t len;
        if (!id || !*id)
            return ROW_ERROR(MTL_E_INVALID_ARGUMENT, r, "row %zu: id is missing", r);
        len = strlen(id);
        if (len > MTL_ID_MAX)
            return ROW_ERROR(MTL_E_LIMIT, r, "row %zu: id longer than %d bytes", r,
                             MTL_ID_MAX);
        if ((st = mtl__check_stage_outcome(m, stage, outcome)) != MTL_OK)
            return row_error_wrap(st, r, id);
        if (c->statuses &&
            (c->statuses[r] < MTL_LEAD_STATUS_NEW ||
             c->statuses[r] > MTL_LEAD_STATUS_CLOSED))
            return ROW_ERROR(MTL_E_RANGE, r, "row %zu: status %d: 0..3", r,
                             (int)c->statuses[r]);
        if (c->amounts && c->amounts[r] < 0)
            return ROW_ERROR(MTL_E_RANGE, r, "row %zu: amount %lld is negative", r,
                             (long long)c->amounts[r]);
        if (c->probabilities && c->probabilities[r] != MTL_PROBABILITY_NONE &&
            !(c->probabilities[r] >= 0.0 && c->probabilities[r] <= 1.0))
            return ROW_ERROR(MTL_E_RANGE, r, "row %zu: probability %g outside [0, 1]",
                             r, c->probabilities[r]);
        if (c->categories && (c->categories[r] < MTL_CATEGORY_NONE ||
                              c->categories[r] > MTL_CATEGORY_OMITTED))
            return ROW_ERROR(MTL_E_RANGE, r, "row %zu: category %d: -1..4", r,
                             (int)c->categories[r]);
        if (c->decision_steps && (c->decision_steps[r] < MTL_DECISION_NONE ||
                                  c->decision_steps[r] > MTL_DECISION_REEVALUATION))
            return ROW_ERROR(MTL_E_RANGE, r, "row %zu: decision step %d: 0..7", r,
                             (int)c->decision_steps[r]);
        if ((c->created && !valid_day(c->created[r])) ||
            (c->expected_close && !valid_day(c->expected_close[r])) ||
            (c->closed && !valid_day(c->closed[r])))
            return ROW_ERROR(MTL_E_RANGE, r, "row %zu: a date is out of range", r);
    }
    return MTL_OK;
}

/* Where the rows go: they fill the end of the last chunk, then new ones. */
typedef struct {
    size_t chunk0, i0;   /* first destination */
    size_t nchunks0;     /* chunks before the append */
    size_t nattrs0;
    int reserved;        /* chunks reserved: slots from chunk0/i0 exist */
    mtl__arena_mark ids;
    mtl__strpool_mark strings;
    uint32_t *tmp;       /* scratch: dictionary translations, lookups */
    size_t tmp_cap;
} bulk_state;

/* A run of consecutive rows that land in one chunk: every pass works run
 * by run, so its inner loop is a plain array loop. */
typedef struct {
    mtl__lead_chunk *c;
    size_t k;   /* chunk number */
    uint32_t i; /* first slot in the chunk */
    size_t row; /* first row */
    size_t len; /* rows in the run (0 = done) */
} run;

static int run_first(const mtl_market *m, const bulk_state *b, size_t n, run *r)
{
    r->k = b->chunk0;
    r->i = (uint32_t)b->i0;
    r->row = 0;
    r->c = m->chunks[r->k];
    r->len = r->c->capacity - r->i;
    if (r->len > n)
        r->len = n;
    return r->len != 0;
}

static int run_next(const mtl_market *m, size_t n, run *r)
{
    r->row += r->len;
    if (r->row >= n)
        return 0;
    r->c = m->chunks[++r->k];
    r->i = 0;
    r->len = r->c->capacity;
    if (r->len > n - r->row)
        r->len = n - r->row;
    return 1;
}

#define FOR_RUNS(m, b, n, r) for (int ok_ = run_first(m, b, n, &r); ok_; ok_ = run_next(m, n, &r))

static uint32_t *scratch(mtl_market *m, bulk_state *b, size_t n)
{
    if (n > b->tmp_cap) {
        uint32_t *t = mtl__realloc(&m->alloc, b->tmp, b->tmp_cap * sizeof *t,
                                   n * sizeof *t);
        if (!t)
            return NULL;
        b->tmp = t;
        b->tmp_cap = n;
    }
    return b->tmp;
}

/* Resolve a column of record ids (customers or segments) into slots. */
static mtl_status resolve_records(mtl_market *m, bulk_state *b,
                                  const mtl_lead_columns *c,
                                  const mtl_string_column *col, int customers,
                                  const uint32_t *given)
{
    const mtl__recs *recs = customers ? &m->customers : &m->segments;
    const char *kind = customers ? "customer" : "segment";
    int dict = col->codes && !col->values;
    uint32_t *found;
    size_t n = c->count, j;
    run r;
    if (given) {
        /* the caller's own slots (mtl__lead_append) */
        FOR_RUNS(m, b, n, r)
            memcpy((customers ? r.c->customer : r.c->segment) + r.i, given + r.row,
                   r.len * sizeof *given);
        return MTL_OK;
    }
    if (!column_present(col)) {
        FOR_RUNS(m, b, n, r) {
            uint32_t *dst = (customers ? r.c->customer : r.c->segment) + r.i;
            for (j = 0; j < r.len; j++)
                dst[j] = MTL__NONE;
        }
        return MTL_OK;
    }
    found = scratch(m, b, dict ? (col->dict_count ? col->dict_count : 1) : n);
    if (!found)
        return mtl__error_oom();
    if (dict)
        mtl__index_find_many(&recs->index, &m->ids, col->dict, col->dict_count, found);
    else
        mtl__index_find_many(&recs->index, &m->ids, col->values, n, found);
    FOR_RUNS(m, b, n, r) {
        uint32_t *dst = (customers ? r.c->customer : r.c->segment) + r.i;
        for (j = 0; j < r.len; j++) {
            size_t row = r.row + j;
            const char *id;
            uint32_t slot;
            if (dict) {
                uint32_t code = col->codes[row];
                id = code == MTL_CODE_NONE ? NULL : col->dict[code];
                slot = code == MTL_CODE_NONE ? MTL__NONE : found[code];
            } else {
                id = col->values[row];
                slot = found[row];
            }
            if (slot == MTL__NONE && id && *id)
                return ROW_ERROR(MTL_E_NOT_FOUND, row, "row %zu: no %s '%.64s'", row,
                                 kind, id);
            dst[j] = slot;
        }
    }
    return MTL_OK;
}

/* The string-pool id of each dictionary entry of a dictionary-encoded
 * column (*map NULL for a column of strings), and the largest. */
static mtl_status dict_map(mtl_market *m, bulk_state *b, const mtl_string_column *col,
                           const char *name, uint32_t **map, uint32_t *max)
{
    size_t j;
    *map = NULL;
    *max = 0;
    if (!col->codes || col->values)
        return MTL_OK;
    *map = scratch(m, b, col->dict_count ? col->dict_count : 1);
    if (!*map)
        return mtl__error_oom();
    for (j = 0; j < col->dict_count; j++) {
        mtl_status st = mtl__intern(m, col->dict[j], name, &(*map)[j]);
        if (st)
            return st;
        *max = (*map)[j] > *max ? (*map)[j] : *max;
    }
    return MTL_OK;
}

/* Intern a string column into attribute column attr: 16-bit values in a
 * chunk while its ids allow (mtl__attr_reserve). */
static mtl_status intern_attribute(mtl_market *m, bulk_state *b,
                                   const mtl_lead_columns *c,
                                   const mtl_string_column *col, uint32_t attr)
{
    uint32_t *map, max;
    size_t j;
    run r;
    mtl_status st;
    if (!column_present(col))
        return MTL_OK; /* absent attribute values need no column */
    if ((st = dict_map(m, b, col, "attribute value", &map, &max)))
        return st;
    FOR_RUNS(m, b, c->count, r) {
        uint32_t ci = r.c->index;
        /* a run over a whole chunk writes every slot: no zeroing first */
        if ((st = mtl__attr_reserve(m, attr, ci, max,
                                    r.i == 0 && r.len == r.c->capacity ? MTL__ATTR_FILL
                                                                       : 0)))
            return st;
        if (map) {
            const uint32_t *codes = col->codes + r.row;
            if (m->attrs[attr].wide[ci]) {
                uint32_t *dst = (uint32_t *)m->attrs[attr].chunk[ci] + r.i;
                for (j = 0; j < r.len; j++)
                    dst[j] = codes[j] == MTL_CODE_NONE ? 0 : map[codes[j]];
            } else {
                uint16_t *dst = (uint16_t *)m->attrs[attr].chunk[ci] + r.i;
                for (j = 0; j < r.len; j++)
                    dst[j] = (uint16_t)(codes[j] == MTL_CODE_NONE ? 0 : map[codes[j]]);
            }
            continue;
        }
        for (j = 0; j < r.len; j++) {
            uint32_t id;
            if ((st = mtl__intern(m, col->values[r.row + j], "attribute value", &id)) ||
                (id > MTL__ATTR_NARROW_MAX && (st = mtl__attr_reserve(m, attr, ci, id, 0))))
                return row_error_wrap(st, r.row + j, NULL);
            mtl__attr_put(m, attr, ci, r.i + (uint32_t)j, id);
        }
    }
    return MTL_OK;
}

/* Intern a string column into dst_of(chunk): owner, region, source. */
static mtl_status intern_column(mtl_market *m, bulk_state *b,
                                const mtl_lead_columns *c,
                                const mtl_string_column *col, const char *name,
                                uint32_t *(*dst_of)(mtl__lead_chunk *))
{
    uint32_t *map, max;
    size_t n = c->count, j;
    run r;
    mtl_status st;
    if ((st = dict_map(m, b, col, name, &map, &max)))
        return st;
    FOR_RUNS(m, b, n, r) {
        uint32_t *dst = dst_of(r.c) + r.i;
        if (map) {
            const uint32_t *codes = col->codes + r.row;
            for (j = 0; j < r.len; j++)
                dst[j] = codes[j] == MTL_CODE_NONE ? 0 : map[codes[j]];
        } else if (col->values) {
            for (j = 0; j < r.len; j++)
                if ((st = mtl__intern(m, col->values[r.row + j], name, &dst[j])))
                    return row_error_wrap(st, r.row + j, NULL);
        } else {
            memset(dst, 0, r.len * sizeof *dst);
        }
    }
    return MTL_OK;
}

static uint32_t *owner_col(mtl__lead_chunk *c) { return c->owner; }
static uint32_t *region_col(mtl__lead_chunk *c) { return c->region; }
static uint32_t *source_col(mtl__lead_chunk *c) { return c->source; }

/* Default segment and region from the customer in the rows that have none
 * (a missing column or an absent cell), as mtl_lead_add does. */
static void inherit_from_customer(mtl_market *m, bulk_state *b,
                                  const mtl_lead_columns *c)
{
    int seg_ok = !(c->keep_absent & MTL_KEEP_SEGMENT);
    int reg_ok = !(c->keep_absent & MTL_KEEP_REGION);
    size_t j;
    run r;
    if (!seg_ok && !reg_ok)
        return;
    FOR_RUNS(m, b, c->count, r) {
        uint32_t *seg = r.c->segment + r.i, *reg = r.c->region + r.i;
        const uint32_t *cus = r.c->customer + r.i;
        for (j = 0; j < r.len; j++) {
            const mtl_customer *cust;
            if ((seg[j] != MTL__NONE || !seg_ok) && (reg[j] != 0 || !reg_ok))
                continue;
            cust = mtl__customer_at(m, cus[j]);
            if (!cust)
                continue;
            if (seg[j] == MTL__NONE && seg_ok)
                seg[j] = cust->segment;
            if (reg[j] == 0 && reg_ok)
                reg[j] = cust->region;
        }
    }
}

/* Store the ids in the arena, in row order (each lead's id_ref), or take
 * those the importer stored (refs). */
static mtl_status store_ids(mtl_market *m, bulk_state *b, const mtl_lead_columns *c,
                            const uint32_t *refs)
{
    size_t j;
    run r;
    char num[MTL__ID_NUMBER_MAX];
    if (refs) {
        FOR_RUNS(m, b, c->count, r)
            for (j = 0; j < r.len; j++) {
                r.c->id_ref[r.i + j] = refs[r.row + j];
                mtl__arena_set_payload(&m->ids, refs[r.row + j],
                                       mtl__lead_slot(r.c, r.i + (uint32_t)j));
            }
        return MTL_OK;
    }
    FOR_RUNS(m, b, c->count, r) {
        for (j = 0; j < r.len; j++) {
            const char *id = id_of(c, r.row + j, num);
            uint32_t ref;
            if (!mtl__arena_store(&m->ids, &m->alloc, id, strlen(id),
                                  mtl__lead_slot(r.c, r.i + (uint32_t)j), &ref))
                return mtl__error_oom();
            r.c->id_ref[r.i + j] = ref;
        }
    }
    return MTL_OK;
}

/* The index entries of the n leads from slot i0 of chunk0 on: each
 * removed (one that is not there is left as it is). */
static void remove_ids(mtl_market *m, const bulk_state *from, size_t n)
{
    size_t j;
    run r;
    FOR_RUNS(m, from, n, r)
        for (j = 0; j < r.len; j++) {
            uint32_t ref = r.c->id_ref[r.i + j];
            const char *id = mtl__arena_at(&m->ids, ref);
            mtl__index_remove(&m->lead_index, mtl__hash(id, strlen(id)), ref);
        }
}

/* Put the ids of the n leads from slot i0 of chunk0 on into the lead
 * index, by one bulk fill (core/hash.h: partitioned by home slot; ten
 * million random inserts into a 128 MB table would each cost a cache and
 * a TLB miss).  An id given twice leaves the index as it was: the fill's
 * entries come out again, and the ids go in one by one in the order of
 * the leads, up to the first that is there already, which the error
 * names (the row a row-by-row insert would have stopped at); those come
 * out too. */
static mtl_status index_ids(mtl_market *m, const bulk_state *from, size_t n,
                            const uint32_t *frags)
{
    size_t j, row, k = 0;
    uint32_t dup = MTL__NONE;
    mtl__index_fill fill;
    run r;
    if (n == 0)
        return MTL_OK;
    if (!mtl__index_fill_begin(&fill, &m->lead_index, &m->ids, &m->alloc, n))
        return mtl__error_oom();
    FOR_RUNS(m, from, n, r) {
        for (j = 0; j < r.len && dup == MTL__NONE; j++, k++) {
            uint32_t ref = r.c->id_ref[r.i + j];
            const char *id;
            if (frags) {
                dup = mtl__index_fill_add(&fill, (uint64_t)frags[k] << 32, ref);
                continue;
            }
            id = mtl__arena_at(&m->ids, ref);
            dup = mtl__index_fill_add(&fill, mtl__hash(id, strlen(id)), ref);
        }
        if (dup != MTL__NONE)
            break;
    }
    if (dup == MTL__NONE)
        dup = mtl__index_fill_end(&fill);
    else
        mtl__index_fill_abandon(&fill);
    if (dup == MTL__NONE)
        return MTL_OK;
    remove_ids(m, from, n);
    row = 0;
    FOR_RUNS(m, from, n, r) {
        for (j = 0; j < r.len; j++, row++) {
            uint32_t ref = r.c->id_ref[r.i + j];
            const char *id = mtl__arena_at(&m->ids, ref);
            size_t len = strlen(id);
            if (mtl__index_insert(&m->lead_index, &m->ids, mtl__hash(id, len), id, len,
                                  ref) != MTL__NONE) {
                remove_ids(m, from, row);
                return ROW_ERROR(MTL_E_DUPLICATE, row,
                                 "row %zu: lead '%.64s' exists already", row, id);
            }
        }
    }
    return MTL_OK; /* not reached: an id repeats */
}

mtl_status mtl__leads_index(mtl_market *m, mtl__leads_mark mark, const uint32_t *frags)
{
    bulk_state from;
    memset(&from, 0, sizeof from);
    from.chunk0 = mark.chunk;
    from.i0 = mark.i;
    return index_ids(m, &from, m->lead_count - mark.lead_count, frags);
}

#define COPY_OR(dst, src, dflt)                                                 \
    do {                                                                        \
        if (src)                                                                \
            memcpy((dst), (src) + r.row, r.len * sizeof *(dst));                \
        else                                                                    \
            for (j = 0; j < r.len; j++)                                         \
                (dst)[j] = (dflt);                                              \
    } while (0)

static void write_scalars(mtl_market *m, bulk_state *b, const mtl_lead_columns *c)
{
    size_t j;
    run r;
    FOR_RUNS(m, b, c->count, r) {
        mtl__lead_chunk *k = r.c;
        uint32_t i = r.i;
        memset(k->history + i, 0, r.len * sizeof *k->history);
        COPY_OR(k->amount + i, c->amounts, 0);
        /* the chunk has these two when a value needs them (sparse_columns) */
        if (k->probability)
            COPY_OR(k->probability + i, c->probabilities, MTL_PROBABILITY_NONE);
        COPY_OR(k->created + i, c->created, MTL_DATE_NONE);
        if (k->expected_close)
            COPY_OR(k->expected_close + i, c->expected_close, MTL_DATE_NONE);
        COPY_OR(k->closed + i, c->closed, MTL_DATE_NONE);
        for (j = 0; j < r.len; j++) {
            size_t row = r.row + j;
            k->stage[i + j] = (uint8_t)(c->stages ? c->stages[row] : 0);
            k->outcome[i + j] =
                (uint8_t)(c->outcomes ? c->outcomes[row] : MTL_OUTCOME_OPEN);
            k->misc[i + j] = mtl__misc_pack(
                c->statuses ? c->statuses[row] : MTL_LEAD_STATUS_NEW,
                c->categories ? c->categories[row] : MTL_CATEGORY_NONE,
                c->decision_steps ? c->decision_steps[row] : MTL_DECISION_NONE);
        }
    }
}

/* The probability and expected-close columns of the chunks that a run of
 * rows with a value other than NONE lands in (the others keep none). */
static mtl_status sparse_columns(mtl_market *m, bulk_state *b, const mtl_lead_columns *c)
{
    size_t j;
    run r;
    if (!c->probabilities && !c->expected_close)
        return MTL_OK;
    FOR_RUNS(m, b, c->count, r) {
        int prob = 0, close = 0;
        for (j = 0; c->probabilities && !r.c->probability && !prob && j < r.len; j++)
            prob = c->probabilities[r.row + j] != MTL_PROBABILITY_NONE;
        for (j = 0; c->expected_close && !r.c->expected_close && !close && j < r.len; j++)
            close = c->expected_close[r.row + j] != MTL_DATE_NONE;
        if ((prob && !mtl__chunk_probability(m, r.c)) ||
            (close && !mtl__chunk_expected_close(m, r.c)))
            return mtl__error_oom();
    }
    return MTL_OK;
}

/* Attribute values of existing keys must read as absent in the new slots
 * of the first (partly used) chunk. */
static void clear_attr_tail(mtl_market *m, size_t chunk, size_t from)
{
    size_t k;
    if (chunk >= m->nchunks)
        return;
    for (k = 0; k < m->nattrs; k++)
        mtl__attr_clear_from(m, (uint32_t)k, (uint32_t)chunk, (uint32_t)from);
}

static void free_attr_column(mtl_market *m, uint32_t k, size_t from)
{
    size_t ch;
    for (ch = from; ch < m->attrs[k].nchunk; ch++)
        mtl__attr_drop(m, k, (uint32_t)ch);
}

/* Attribute values from slot i0 of chunk0 on, and the keys from nattrs0
 * on, as they were before an append. */
static void drop_attributes(mtl_market *m, size_t chunk0, size_t i0, size_t nchunks0,
                            size_t nattrs0)
{
    size_t k;
    clear_attr_tail(m, chunk0, i0);
    for (k = 0; k < m->nattrs; k++) {
        mtl__attr_column *ac = &m->attrs[k];
        free_attr_column(m, (uint32_t)k, k >= nattrs0 ? 0 : nchunks0);
        if (k >= nattrs0) {
            mtl__free(&m->alloc, ac->chunk, ac->nchunk * sizeof *ac->chunk);
            mtl__free(&m->alloc, ac->wide, ac->nchunk * sizeof *ac->wide);
        }
    }
    m->nattrs = nattrs0;
}

static void drop_chunks(mtl_market *m, size_t nchunks0)
{
    while (m->nchunks > nchunks0) {
        mtl__chunk_free(m, m->chunks[--m->nchunks]);
    }
}

static void rollback(mtl_market *m, bulk_state *b)
{
    /* the index holds none of the new ids: index_ids, the last step, puts
     * in all or none */
    if (b->reserved) {
        mtl__arena_rollback(&m->ids, &m->alloc, b->ids);
        drop_attributes(m, b->chunk0, b->i0, b->nchunks0, b->nattrs0);
    }
    mtl__strpool_rollback(&m->strings, &m->alloc, b->strings);
    drop_chunks(m, b->nchunks0);
}

static mtl_status append(mtl_market *m, bulk_state *b, const mtl_lead_columns *c,
                         const mtl__append_given *given, unsigned flags)
{
    static const mtl__append_given nothing = {NULL, NULL, NULL};
    const uint32_t *customer_slots, *segment_slots;
    mtl_status st;
    size_t a;
    uint32_t ci, i;

    mtl__leads_end(m, &ci, &i);
    if ((st = mtl__leads_reserve(m, c->count)) != MTL_OK)
        return st;
    if (!given)
        given = &nothing;
    customer_slots = given->customer_slots;
    segment_slots = given->segment_slots;
    b->chunk0 = ci;
    b->i0 = i;
    b->reserved = 1;
    clear_attr_tail(m, ci, i);

    if ((st = resolve_records(m, b, c, &c->customers, 1, customer_slots)) ||
        (st = resolve_records(m, b, c, &c->segments, 0, segment_slots)) ||
        (st = intern_column(m, b, c, &c->owners, "owner", owner_col)) ||
        (st = intern_column(m, b, c, &c->regions, "region", region_col)) ||
        (st = intern_column(m, b, c, &c->sources, "source", source_col)))
        return st;
    if (column_present(&c->customers) || customer_slots)
        inherit_from_customer(m, b, c);
    for (a = 0; a < c->attribute_count; a++) {
        uint32_t key_id, k;
        if ((st = mtl__intern(m, c->attribute_keys[a], "attribute key", &key_id)) ||
            (st = mtl__attr_add_key(m, key_id, &k)) ||
            (st = intern_attribute(m, b, c, &c->attributes[a], k)))
            return st;
    }
    if ((st = sparse_columns(m, b, c)) || (st = store_ids(m, b, c, given->id_refs)))
        return st;
    write_scalars(m, b, c);
    /* last: nothing fails after it, so the undo never takes ids out */
    return flags & MTL__APPEND_DEFER_INDEX ? MTL_OK : index_ids(m, b, c->count, NULL);
}

MTL_API mtl_status mtl_lead_append_columns(mtl_market *market,
                                           const mtl_lead_columns *columns)
{
    return mtl__lead_append(market, columns, NULL, 0);
}

mtl_status mtl__lead_append(mtl_market *market, const mtl_lead_columns *columns,
                            const mtl__append_given *given, unsigned flags)
{
    mtl_market *m = market;
    const mtl_lead_columns *c = columns;
    bulk_state b;
    mtl_status st;
    run r;

    if (!m)
        return mtl__error_null("market");
    if (!c)
        return mtl__error_null("columns");
    if ((st = mtl__struct_check(c->struct_size, sizeof *c, "mtl_lead_columns")))
        return st;
    if (c->count == 0)
        return MTL_OK;
    if (c->count > (size_t)UINT32_MAX / 2 - m->lead_count)
        return mtl__error(MTL_E_LIMIT, "%zu leads are more than a market holds",
                          c->count);
    if (c->keep_absent & ~(MTL_KEEP_SEGMENT | MTL_KEEP_REGION))
        return mtl__error(MTL_E_RANGE, "keep_absent %d: MTL_KEEP_* bits only",
                          (int)c->keep_absent);
    if ((st = check_rows(m, c, given ? given->id_refs : NULL, flags)) != MTL_OK)
        return st;

    memset(&b, 0, sizeof b);
    b.nchunks0 = m->nchunks;
    b.nattrs0 = m->nattrs;
    b.ids = mtl__arena_get_mark(&m->ids);
    b.strings = mtl__strpool_get_mark(&m->strings);
    st = append(m, &b, c, given, flags);
    mtl__free(&m->alloc, b.tmp, b.tmp_cap * sizeof *b.tmp);
    if (st != MTL_OK) {
        rollback(m, &b);
        return st;
    }
    /* commit: the new slots become visible */
    FOR_RUNS(m, &b, c->count, r) {
        r.c->used = r.i + (uint32_t)r.len;
        mtl__funnel_account_run(m, r.c, r.i, r.c->used);
    }
    m->lead_count += c->count;
    return MTL_OK;
}

/* ---- undoing appends that were committed ---------------------------------- */

mtl__leads_mark mtl__leads_get_mark(const mtl_market *m)
{
    mtl__leads_mark k;
    uint32_t chunk, i;
    mtl__leads_end(m, &chunk, &i);
    k.lead_count = m->lead_count;
    k.nchunks = m->nchunks;
    k.nattrs = m->nattrs;
    k.chunk = chunk;
    k.i = i;
    k.strings = mtl__strpool_get_mark(&m->strings);
    return k;
}

void mtl__leads_truncate(mtl_market *m, mtl__leads_mark mark)
{
    size_t k;
    if (m->lead_count == mark.lead_count)
        return;
    /* newest first, as the appends went: counters, index entries, ids */
    for (k = m->nchunks; k-- > mark.chunk;) {
        mtl__lead_chunk *c = m->chunks[k];
        uint32_t from = k == mark.chunk ? mark.i : 0, j;
        for (j = c->used; j-- > from;) {
            uint32_t ref = c->id_ref[j];
            const char *id = mtl__arena_at(&m->ids, ref);
            mtl__funnel_account(m, c, j, -1);
            mtl__index_remove(&m->lead_index, mtl__hash(id, strlen(id)), ref);
            mtl__arena_release(&m->ids, ref);
        }
        if (c->used > from)
            c->used = from;
    }
    drop_attributes(m, mark.chunk, mark.i, mark.nchunks, mark.nattrs);
    mtl__strpool_rollback(&m->strings, &m->alloc, mark.strings);
    drop_chunks(m, mark.nchunks);
    m->lead_count = mark.lead_count;
}
