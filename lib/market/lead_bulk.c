/* Column-wise bulk append of leads, all or nothing.
 *
 * Phase 1 checks every scalar of every row without touching the market.
 * Phase 2 reserves room (index and chunks: growth is invisible), then
 * resolves references, interns strings and inserts ids straight into the
 * new slots, which stay invisible until the commit raises the counts.  Any
 * failure in phase 2 rolls back with operations that never allocate:
 * index entries are removed newest first (an exact undo under linear
 * probing), arenas and the string pool are truncated to their marks, new
 * chunks and attribute columns are freed. */
#include <stdio.h>
#include <string.h>

#include "market/internal.h"

MTL_API mtl_status mtl_lead_columns_init(mtl_lead_columns *columns,
                                         size_t struct_size)
{
    if (!columns)
        return mtl__error_null("columns");
    if (struct_size < sizeof(mtl_lead_columns))
        return mtl__error(MTL_E_VERSION,
                          "mtl_lead_columns: struct_size %zu, expected %zu",
                          struct_size, sizeof(mtl_lead_columns));
    memset(columns, 0, sizeof *columns);
    columns->struct_size = sizeof *columns;
    return MTL_OK;
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

/* Phase 1: everything that can be checked without the market's records. */
static mtl_status check_rows(const mtl_market *m, const mtl_lead_columns *c)
{
    size_t r, n = c->count, a;
    mtl_status st;
    if (!column_present(&c->ids))
        return mtl__error(MTL_E_INVALID_ARGUMENT, "the ids column is required");
    if ((st = check_column(&c->ids, n, "ids")) ||
        (st = check_column(&c->customers, n, "customers")) ||
        (st = check_column(&c->segments, n, "segments")) ||
        (st = check_column(&c->owners, n, "owners")) ||
        (st = check_column(&c->regions, n, "regions")) ||
        (st = check_column(&c->sources, n, "sources")))
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
        if ((st = check_column(&c->attributes[a], n, key)))
            return st;
    }
    for (r = 0; r < n; r++) {
        const char *id = column_get(&c->ids, r);
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
        if ((c->created && !valid_day(c->created[r])) ||
            (c->expected_close && !valid_day(c->expected_close[r])) ||
            (c->closed && !valid_day(c->closed[r])))
            return ROW_ERROR(MTL_E_RANGE, r, "row %zu: a date is out of range", r);
    }
    return MTL_OK;
}

/* Where row r goes: rows fill the end of the last chunk, then new ones. */
typedef struct {
    size_t chunk0, i0;   /* first destination */
    size_t nchunks0;     /* chunks before the append */
    size_t nattrs0;
    size_t inserted;     /* ids inserted in the index so far */
    int reserved;        /* chunks reserved: slots from chunk0/i0 exist */
    mtl__arena_mark ids;
    mtl__strpool_mark strings;
    uint32_t *tmp;       /* scratch for dictionary translations */
    size_t tmp_cap;
} bulk_state;

typedef struct {
    mtl__lead_chunk *c;
    uint32_t i;
    size_t k;
} cursor;

static void cursor_start(const mtl_market *m, const bulk_state *b, cursor *cu)
{
    cu->k = b->chunk0;
    cu->i = (uint32_t)b->i0;
    cu->c = m->chunks[cu->k];
}

static inline void cursor_next(const mtl_market *m, cursor *cu)
{
    if (++cu->i == cu->c->capacity) {
        cu->i = 0;
        if (++cu->k < m->nchunks)
            cu->c = m->chunks[cu->k];
    }
}

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
                                  uint32_t *(*column_of)(mtl__lead_chunk *))
{
    const mtl__recs *recs = customers ? &m->customers : &m->segments;
    const char *kind = customers ? "customer" : "segment";
    uint32_t *map = NULL;
    cursor cu;
    size_t r;
    if (col->codes && !col->values) {
        size_t d;
        size_t nd = col->dict_count;
        uint64_t ring[MTL__PREFETCH_AHEAD];
        map = scratch(m, b, nd ? nd : 1);
        if (!map)
            return mtl__error_oom();
        /* a three-stage pipeline: look up key d - 16, prefetch the stored
         * string of key d - 8, hash key d and prefetch its index entry */
        for (d = 0; d < nd + MTL__PREFETCH_AHEAD; d++) {
            if (d >= MTL__PREFETCH_AHEAD / 2 && d - MTL__PREFETCH_AHEAD / 2 < nd)
                mtl__index_prefetch_key(
                    &recs->index, &m->ids,
                    ring[(d - MTL__PREFETCH_AHEAD / 2) % MTL__PREFETCH_AHEAD]);
            if (d >= MTL__PREFETCH_AHEAD) {
                size_t e = d - MTL__PREFETCH_AHEAD;
                const char *k = col->dict[e];
                uint32_t ref = MTL__NONE;
                if (k && *k)
                    ref = mtl__index_find(&recs->index, &m->ids,
                                          ring[e % MTL__PREFETCH_AHEAD], k,
                                          strlen(k));
                map[e] = ref == MTL__NONE ? MTL__NONE
                                          : mtl__arena_payload(&m->ids, ref);
            }
            if (d < nd) {
                const char *k = col->dict[d] ? col->dict[d] : "";
                ring[d % MTL__PREFETCH_AHEAD] = mtl__hash(k, strlen(k));
                mtl__index_prefetch(&recs->index, ring[d % MTL__PREFETCH_AHEAD]);
            }
        }
    }
    cursor_start(m, b, &cu);
    for (r = 0; r < c->count; r++, cursor_next(m, &cu)) {
        uint32_t slot = MTL__NONE;
        const char *id;
        if (!column_present(col))
            goto store;
        if (map) {
            uint32_t code = col->codes[r];
            if (code == MTL_CODE_NONE || !col->dict[code] || !*col->dict[code])
                goto store;
            slot = map[code];
            id = col->dict[code];
        } else {
            const mtl__rec *rec;
            id = col->values[r];
            if (!id || !*id)
                goto store;
            rec = mtl__recs_find(recs, &m->ids, id);
            slot = rec ? rec->slot : MTL__NONE;
        }
        if (slot == MTL__NONE)
            return ROW_ERROR(MTL_E_NOT_FOUND, r, "row %zu: no %s '%.64s'", r, kind,
                             id);
    store:
        column_of(cu.c)[cu.i] = slot;
    }
    return MTL_OK;
}

static uint32_t *customer_col(mtl__lead_chunk *c) { return c->customer; }
static uint32_t *segment_col(mtl__lead_chunk *c) { return c->segment; }
static uint32_t *owner_col(mtl__lead_chunk *c) { return c->owner; }
static uint32_t *region_col(mtl__lead_chunk *c) { return c->region; }
static uint32_t *source_col(mtl__lead_chunk *c) { return c->source; }

/* Intern a string column into a strpool-id column (or attribute k). */
static mtl_status intern_column(mtl_market *m, bulk_state *b,
                                const mtl_lead_columns *c,
                                const mtl_string_column *col, const char *name,
                                uint32_t *(*column_of)(mtl__lead_chunk *),
                                uint32_t attr)
{
    uint32_t *map = NULL;
    cursor cu;
    size_t r;
    if (col->codes && !col->values) {
        size_t d;
        map = scratch(m, b, col->dict_count ? col->dict_count : 1);
        if (!map)
            return mtl__error_oom();
        for (d = 0; d < col->dict_count; d++) {
            mtl_status st = mtl__intern(m, col->dict[d], name, &map[d]);
            if (st)
                return st;
        }
    }
    cursor_start(m, b, &cu);
    for (r = 0; r < c->count; r++, cursor_next(m, &cu)) {
        uint32_t id = 0, *dst;
        if (map) {
            if (col->codes[r] != MTL_CODE_NONE)
                id = map[col->codes[r]];
        } else if (col->values) {
            mtl_status st = mtl__intern(m, col->values[r], name, &id);
            if (st)
                return row_error_wrap(st, r, NULL);
        }
        if (column_of) {
            column_of(cu.c)[cu.i] = id;
            continue;
        }
        dst = mtl__attr_values(m, attr, cu.c->index, id != 0);
        if (dst)
            dst[cu.i] = id;
        else if (id)
            return mtl__error_oom();
    }
    return MTL_OK;
}

/* Default segment and region from the customer in the rows that have none
 * (a missing column or an absent cell), as mtl_lead_add does. */
static void inherit_from_customer(mtl_market *m, bulk_state *b,
                                  const mtl_lead_columns *c)
{
    cursor cu;
    size_t r;
    cursor_start(m, b, &cu);
    for (r = 0; r < c->count; r++, cursor_next(m, &cu)) {
        const mtl_customer *cust;
        uint32_t i = cu.i;
        if (cu.c->segment[i] != MTL__NONE && cu.c->region[i] != 0)
            continue;
        cust = mtl__customer_at(m, cu.c->customer[i]);
        if (!cust)
            continue;
        if (cu.c->segment[i] == MTL__NONE)
            cu.c->segment[i] = cust->segment;
        if (cu.c->region[i] == 0)
            cu.c->region[i] = cust->region;
    }
}

/* Ids go into the arena and the index in row order; the index slot of a
 * row a few rows ahead is prefetched so that the cache misses of the
 * random inserts overlap. */
#define PREFETCH_AHEAD MTL__PREFETCH_AHEAD

static mtl_status insert_ids(mtl_market *m, bulk_state *b,
                             const mtl_lead_columns *c)
{
    uint64_t ring[PREFETCH_AHEAD];
    cursor cu;
    size_t r, n = c->count;
    for (r = 0; r < n && r < PREFETCH_AHEAD; r++) {
        const char *id = column_get(&c->ids, r);
        ring[r] = mtl__hash(id, strlen(id));
        mtl__index_prefetch(&m->lead_index, ring[r]);
    }
    cursor_start(m, b, &cu);
    for (r = 0; r < n; r++, cursor_next(m, &cu)) {
        const char *id = column_get(&c->ids, r);
        size_t len = strlen(id);
        uint64_t h = ring[r % PREFETCH_AHEAD];
        uint32_t ref, other;
        if (r + PREFETCH_AHEAD < n) {
            const char *ahead = column_get(&c->ids, r + PREFETCH_AHEAD);
            uint64_t ha = mtl__hash(ahead, strlen(ahead));
            ring[r % PREFETCH_AHEAD] = ha;
            mtl__index_prefetch(&m->lead_index, ha);
        }
        if (!mtl__arena_store(&m->ids, &m->alloc, id, len,
                              mtl__lead_slot(cu.c, cu.i), &ref))
            return mtl__error_oom();
        cu.c->id_ref[cu.i] = ref;
        other = mtl__index_insert(&m->lead_index, &m->ids, h, id, len, ref);
        if (other != MTL__NONE)
            return ROW_ERROR(MTL_E_DUPLICATE, r, "row %zu: lead '%.64s' exists already",
                             r, id);
        b->inserted++;
    }
    return MTL_OK;
}

static void write_scalars(mtl_market *m, bulk_state *b, const mtl_lead_columns *c)
{
    cursor cu;
    size_t r;
    cursor_start(m, b, &cu);
    for (r = 0; r < c->count; r++, cursor_next(m, &cu)) {
        mtl__lead_chunk *k = cu.c;
        uint32_t i = cu.i;
        k->history[i] = 0;
        k->amount[i] = c->amounts ? c->amounts[r] : 0;
        k->probability[i] = c->probabilities ? c->probabilities[r]
                                             : MTL_PROBABILITY_NONE;
        k->created[i] = c->created ? c->created[r] : MTL_DATE_NONE;
        k->expected_close[i] = c->expected_close ? c->expected_close[r]
                                                 : MTL_DATE_NONE;
        k->closed[i] = c->closed ? c->closed[r] : MTL_DATE_NONE;
        k->stage[i] = (uint8_t)(c->stages ? c->stages[r] : 0);
        k->outcome[i] = (uint8_t)(c->outcomes ? c->outcomes[r] : MTL_OUTCOME_OPEN);
        k->misc[i] = mtl__misc_pack(
            c->statuses ? c->statuses[r] : MTL_LEAD_STATUS_NEW,
            c->categories ? c->categories[r] : MTL_CATEGORY_NONE, MTL_DECISION_NONE);
    }
}

/* Attribute values of existing keys that the append does not set must read
 * as absent in the new slots of the first (partly used) chunk. */
static void clear_attr_tail(mtl_market *m, size_t chunk, size_t from)
{
    size_t k;
    if (chunk >= m->nchunks)
        return;
    for (k = 0; k < m->nattrs; k++) {
        uint32_t *v = mtl__attr_values(m, (uint32_t)k, (uint32_t)chunk, 0);
        if (v)
            memset(v + from, 0,
                   (m->chunks[chunk]->capacity - from) * sizeof *v);
    }
}

static void rollback(mtl_market *m, bulk_state *b, const mtl_lead_columns *c)
{
    size_t r, k, ch;
    if (!b->reserved) {
        /* failed while reserving: only whole new chunks to give back */
        while (m->nchunks > b->nchunks0) {
            mtl__lead_chunk *last = m->chunks[--m->nchunks];
            mtl__free(&m->alloc, last, last->bytes);
        }
        return;
    }
    /* index entries, newest first: an exact undo */
    for (r = b->inserted; r-- > 0;) {
        const char *id = column_get(&c->ids, r);
        size_t len = strlen(id);
        size_t pos = b->i0 + r, chunk = b->chunk0;
        /* locate row r's slot */
        while (pos >= m->chunks[chunk]->capacity) {
            pos -= m->chunks[chunk]->capacity;
            chunk++;
        }
        mtl__index_remove(&m->lead_index, mtl__hash(id, len),
                          m->chunks[chunk]->id_ref[pos]);
    }
    mtl__arena_rollback(&m->ids, &m->alloc, b->ids);
    clear_attr_tail(m, b->chunk0, b->i0);
    /* attribute columns of new chunks, then keys added by this append */
    for (k = 0; k < m->nattrs; k++) {
        mtl__attr_column *ac = &m->attrs[k];
        for (ch = b->nchunks0; ch < ac->nchunk; ch++)
            if (ac->chunk[ch]) {
                mtl__free(&m->alloc, ac->chunk[ch],
                          (size_t)mtl__lead_chunk_capacity(ch) * sizeof(uint32_t));
                ac->chunk[ch] = NULL;
            }
        if (k >= b->nattrs0) {
            for (ch = 0; ch < ac->nchunk; ch++)
                if (ac->chunk[ch])
                    mtl__free(&m->alloc, ac->chunk[ch],
                              (size_t)mtl__lead_chunk_capacity(ch) * sizeof(uint32_t));
            mtl__free(&m->alloc, ac->chunk, ac->nchunk * sizeof *ac->chunk);
        }
    }
    m->nattrs = b->nattrs0;
    mtl__strpool_rollback(&m->strings, &m->alloc, b->strings);
    while (m->nchunks > b->nchunks0) {
        mtl__lead_chunk *ch_ = m->chunks[--m->nchunks];
        mtl__free(&m->alloc, ch_, ch_->bytes);
    }
}

static mtl_status append(mtl_market *m, bulk_state *b, const mtl_lead_columns *c)
{
    mtl_status st;
    size_t a;
    uint32_t ci, i;

    if (!mtl__index_reserve(&m->lead_index, &m->alloc, m->lead_index.count + c->count))
        return mtl__error_oom();
    mtl__leads_end(m, &ci, &i);
    if ((st = mtl__leads_reserve(m, c->count)) != MTL_OK)
        return st;
    b->chunk0 = ci;
    b->i0 = i;
    b->reserved = 1;
    clear_attr_tail(m, ci, i);

    if ((st = resolve_records(m, b, c, &c->customers, 1, customer_col)) ||
        (st = resolve_records(m, b, c, &c->segments, 0, segment_col)) ||
        (st = intern_column(m, b, c, &c->owners, "owner", owner_col, 0)) ||
        (st = intern_column(m, b, c, &c->regions, "region", region_col, 0)) ||
        (st = intern_column(m, b, c, &c->sources, "source", source_col, 0)))
        return st;
    if (column_present(&c->customers))
        inherit_from_customer(m, b, c);
    for (a = 0; a < c->attribute_count; a++) {
        uint32_t key_id, k;
        if ((st = mtl__intern(m, c->attribute_keys[a], "attribute key", &key_id)) ||
            (st = mtl__attr_add_key(m, key_id, &k)) ||
            (st = intern_column(m, b, c, &c->attributes[a], "attribute value",
                                NULL, k)))
            return st;
    }
    if ((st = insert_ids(m, b, c)))
        return st;
    write_scalars(m, b, c);
    return MTL_OK;
}

MTL_API mtl_status mtl_lead_append_columns(mtl_market *market,
                                           const mtl_lead_columns *columns)
{
    mtl_market *m = market;
    const mtl_lead_columns *c = columns;
    bulk_state b;
    mtl_status st;
    size_t left;
    cursor cu;

    if (!m)
        return mtl__error_null("market");
    if (!c)
        return mtl__error_null("columns");
    if (c->struct_size < sizeof *c)
        return mtl__error(MTL_E_VERSION,
                          "mtl_lead_columns: struct_size %zu unknown "
                          "(call mtl_lead_columns_init)",
                          c->struct_size);
    if (c->count == 0)
        return MTL_OK;
    if (c->count > (size_t)UINT32_MAX / 2 - m->lead_count)
        return mtl__error(MTL_E_LIMIT, "%zu leads are more than a market holds",
                          c->count);
    if ((st = check_rows(m, c)) != MTL_OK)
        return st;

    memset(&b, 0, sizeof b);
    b.nchunks0 = m->nchunks;
    b.nattrs0 = m->nattrs;
    b.ids = mtl__arena_get_mark(&m->ids);
    b.strings = mtl__strpool_get_mark(&m->strings);
    st = append(m, &b, c);
    mtl__free(&m->alloc, b.tmp, b.tmp_cap * sizeof *b.tmp);
    if (st != MTL_OK) {
        rollback(m, &b, c);
        return st;
    }
    /* commit: the new slots become visible */
    cursor_start(m, &b, &cu);
    left = c->count;
    while (left) {
        size_t take = cu.c->capacity - cu.i;
        if (take > left)
            take = left;
        cu.c->used = cu.i + (uint32_t)take;
        left -= take;
        if (left) {
            cu.k++;
            cu.c = m->chunks[cu.k];
            cu.i = 0;
        }
    }
    m->lead_count += c->count;
    return MTL_OK;
}
