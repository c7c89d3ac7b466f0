/* Leads: column-wise chunked storage, one-at-a-time add/find/remove,
 * fields, attributes and stage history.  The bulk path is lead_bulk.c. */
#include <math.h>
#include <string.h>

#include "market/internal.h"

/* ---- chunk storage ---------------------------------------------------- */

static size_t align8(size_t n) { return (n + 7) & ~(size_t)7; }

/* Bytes of the handle pages of cap slots, and of their alignment slack. */
static size_t handle_bytes(uint32_t cap)
{
    size_t pages = (cap + MTL__HANDLE_SLOTS - 1) / MTL__HANDLE_SLOTS;
    return pages * MTL__HANDLE_PAGE + (MTL__HANDLE_PAGE - 1);
}

/* The chunk: header, the columns (8-byte columns first), then the handle
 * pages, aligned up to a page inside the allocation. */
static size_t chunk_bytes(uint32_t cap)
{
    size_t n = align8(sizeof(mtl__lead_chunk));
    n += (size_t)cap * 8;                  /* amount */
    n += (size_t)cap * 4 * 7;              /* id_ref .. history */
    n += (size_t)cap * 4 * 2;              /* created, closed */
    n += (size_t)cap * 3;                  /* stage, outcome, misc */
    return align8(n) + handle_bytes(cap);
}

static mtl__lead_chunk *chunk_new(mtl_market *m, uint32_t index, uint32_t cap)
{
    size_t bytes = chunk_bytes(cap), pages, k;
    mtl__lead_chunk *c = mtl__alloc(&m->alloc, bytes);
    char *p;
    uintptr_t hp;
    if (!c)
        return NULL;
    memset(c, 0, sizeof *c);
    c->market = m;
    c->index = index;
    c->capacity = cap;
    c->bytes = bytes;
    p = (char *)c + align8(sizeof(mtl__lead_chunk));
#define TAKE(field, size)                                                       \
    do {                                                                        \
        c->field = (void *)p;                                                   \
        p += (size_t)cap * (size);                                              \
    } while (0)
    TAKE(amount, 8);
    TAKE(id_ref, 4);
    TAKE(customer, 4);
    TAKE(segment, 4);
    TAKE(owner, 4);
    TAKE(region, 4);
    TAKE(source, 4);
    TAKE(history, 4);
    TAKE(created, 4);
    TAKE(closed, 4);
    TAKE(stage, 1);
    TAKE(outcome, 1);
    TAKE(misc, 1);
#undef TAKE
    /* the handle pages: only their headers are ever written */
    hp = ((uintptr_t)p + MTL__HANDLE_PAGE - 1) & ~(uintptr_t)(MTL__HANDLE_PAGE - 1);
    c->handles = (char *)c + (hp - (uintptr_t)c);
    pages = (cap + MTL__HANDLE_SLOTS - 1) / MTL__HANDLE_SLOTS;
    for (k = 0; k < pages; k++) {
        mtl__handle_page *pg = (mtl__handle_page *)(void *)(c->handles + k * MTL__HANDLE_PAGE);
        pg->chunk = c;
        pg->first = (uint32_t)(k * MTL__HANDLE_SLOTS);
    }
    return c;
}

/* A column of cap slots of size bytes, each a copy of none; NULL when out
 * of memory.  (Once per chunk at most: the copies need not be fast.) */
static void *column_new(mtl_market *m, uint32_t cap, size_t size, const void *none)
{
    char *v = mtl__alloc_array(&m->alloc, cap, size);
    uint32_t i;
    if (v)
        for (i = 0; i < cap; i++)
            memcpy(v + (size_t)i * size, none, size);
    return v;
}

double *mtl__chunk_probability(mtl_market *m, mtl__lead_chunk *c)
{
    static const double none = MTL_PROBABILITY_NONE;
    if (!c->probability)
        c->probability = column_new(m, c->capacity, sizeof none, &none);
    return c->probability;
}

int32_t *mtl__chunk_expected_close(mtl_market *m, mtl__lead_chunk *c)
{
    static const int32_t none = MTL_DATE_NONE;
    if (!c->expected_close)
        c->expected_close = column_new(m, c->capacity, sizeof none, &none);
    return c->expected_close;
}

void mtl__chunk_free(mtl_market *m, mtl__lead_chunk *c)
{
    mtl__free(&m->alloc, c->probability, (size_t)c->capacity * sizeof *c->probability);
    mtl__free(&m->alloc, c->expected_close,
              (size_t)c->capacity * sizeof *c->expected_close);
    mtl__free(&m->alloc, c, c->bytes);
}

uint32_t mtl__lead_chunk_capacity(size_t index)
{
    return index >= 8 ? MTL__LEAD_CHUNK_MAX : MTL__LEAD_CHUNK_MIN << index;
}

mtl_status mtl__leads_reserve(mtl_market *m, size_t n)
{
    size_t room = 0, nchunks = m->nchunks;
    if (nchunks)
        room = m->chunks[nchunks - 1]->capacity - m->chunks[nchunks - 1]->used;
    while (room < n) {
        mtl__lead_chunk *c;
        if (nchunks >= ((size_t)1 << (32 - MTL__LEAD_CHUNK_BITS)) - 1)
            return mtl__error(MTL_E_LIMIT, "more leads than a market can hold");
        if (!mtl__grow(&m->alloc, (void **)&m->chunks, &m->cap_chunks,
                       nchunks + 1, sizeof *m->chunks))
            return mtl__error_oom();
        c = chunk_new(m, (uint32_t)nchunks, mtl__lead_chunk_capacity(nchunks));
        if (!c)
            return mtl__error_oom();
        m->chunks[nchunks++] = c;
        m->nchunks = nchunks;
        room += c->capacity;
    }
    return MTL_OK;
}

void mtl__leads_end(const mtl_market *m, uint32_t *chunk, uint32_t *i)
{
    size_t k;
    /* the first chunk (from the last non-empty one) with room */
    for (k = m->nchunks; k > 0 && m->chunks[k - 1]->used == 0; k--)
        ;
    if (k == 0) {
        *chunk = 0;
        *i = 0;
    } else if (m->chunks[k - 1]->used < m->chunks[k - 1]->capacity) {
        *chunk = (uint32_t)(k - 1);
        *i = m->chunks[k - 1]->used;
    } else {
        *chunk = (uint32_t)k;
        *i = 0;
    }
}

static void events_free_list(mtl_market *m, uint32_t head);

void mtl__leads_free(mtl_market *m)
{
    size_t k, c;
    for (k = 0; k < m->nchunks; k++)
        mtl__chunk_free(m, m->chunks[k]);
    mtl__free(&m->alloc, m->chunks, m->cap_chunks * sizeof *m->chunks);
    for (k = 0; k < m->nattrs; k++) {
        mtl__attr_column *ac = &m->attrs[k];
        for (c = 0; c < ac->nchunk; c++)
            mtl__attr_drop(m, (uint32_t)k, (uint32_t)c);
        mtl__free(&m->alloc, ac->chunk, ac->nchunk * sizeof *ac->chunk);
        mtl__free(&m->alloc, ac->wide, ac->nchunk * sizeof *ac->wide);
    }
    mtl__free(&m->alloc, m->attrs, m->cap_attrs * sizeof *m->attrs);
    mtl__free(&m->alloc, m->events, m->cap_events * sizeof *m->events);
    mtl__index_free(&m->lead_index, &m->alloc);
    mtl__answers_free(m);
}

mtl_lead *mtl__lead_at(const mtl_market *m, uint32_t slot)
{
    return mtl__lead_handle(m->chunks[slot >> MTL__LEAD_CHUNK_BITS],
                            slot & (MTL__LEAD_CHUNK_MAX - 1));
}


/* ---- attributes ------------------------------------------------------- */

uint32_t mtl__attr_find(const mtl_market *m, uint32_t key_id)
{
    size_t k;
    for (k = 0; k < m->nattrs; k++)
        if (m->attrs[k].key == key_id)
            return (uint32_t)k;
    return MTL__NONE;
}

mtl_status mtl__attr_add_key(mtl_market *m, uint32_t key_id, uint32_t *out)
{
    uint32_t k = mtl__attr_find(m, key_id);
    if (k == MTL__NONE) {
        if (m->nattrs >= MTL_ATTRIBUTE_KEYS_MAX)
            return mtl__error(MTL_E_LIMIT, "more than %d attribute keys",
                              MTL_ATTRIBUTE_KEYS_MAX);
        if (!mtl__grow(&m->alloc, (void **)&m->attrs, &m->cap_attrs,
                       m->nattrs + 1, sizeof *m->attrs))
            return mtl__error_oom();
        k = (uint32_t)m->nattrs++;
        memset(&m->attrs[k], 0, sizeof m->attrs[k]);
        m->attrs[k].key = key_id;
    }
    *out = k;
    return MTL_OK;
}

/* Bytes of chunk c's column of attribute k at its width. */
static size_t attr_bytes(const mtl__attr_column *ac, uint32_t c)
{
    return (size_t)mtl__lead_chunk_capacity(c) * (ac->wide[c] ? 4u : 2u);
}

void mtl__attr_drop(mtl_market *m, uint32_t k, uint32_t c)
{
    mtl__attr_column *ac = &m->attrs[k];
    if (c < ac->nchunk && ac->chunk[c]) {
        mtl__free(&m->alloc, ac->chunk[c], attr_bytes(ac, c));
        ac->chunk[c] = NULL;
        ac->wide[c] = 0;
    }
}

mtl_status mtl__attr_reserve(mtl_market *m, uint32_t k, uint32_t c, uint32_t max_id,
                             int fill)
{
    mtl__attr_column *ac = &m->attrs[k];
    uint32_t cap = mtl__lead_chunk_capacity(c), i;
    int wide = max_id > MTL__ATTR_NARROW_MAX;
    if (c >= ac->nchunk) {
        size_t n = m->cap_chunks > c ? m->cap_chunks : (size_t)c + 1;
        void **nc;
        uint8_t *nw = mtl__alloc_zero(&m->alloc, n * sizeof *nw);
        if (!nw)
            return mtl__error_oom();
        nc = mtl__realloc(&m->alloc, ac->chunk, ac->nchunk * sizeof *nc, n * sizeof *nc);
        if (!nc) {
            mtl__free(&m->alloc, nw, n * sizeof *nw);
            return mtl__error_oom();
        }
        memset(nc + ac->nchunk, 0, (n - ac->nchunk) * sizeof *nc);
        if (ac->nchunk)
            memcpy(nw, ac->wide, ac->nchunk * sizeof *nw);
        mtl__free(&m->alloc, ac->wide, ac->nchunk * sizeof *ac->wide);
        ac->chunk = nc;
        ac->wide = nw;
        ac->nchunk = n;
    }
    if (!ac->chunk[c]) {
        size_t bytes = (size_t)cap * (wide ? 4u : 2u);
        void *v = fill == MTL__ATTR_FILL ? mtl__alloc(&m->alloc, bytes)
                                         : mtl__alloc_zero(&m->alloc, bytes);
        if (!v)
            return mtl__error_oom();
        ac->chunk[c] = v;
        ac->wide[c] = (uint8_t)wide;
    } else if (wide && !ac->wide[c]) {
        /* the first id past 16 bits in this chunk: the column widens */
        const uint16_t *old = ac->chunk[c];
        uint32_t *v = mtl__alloc_array(&m->alloc, cap, sizeof *v);
        if (!v)
            return mtl__error_oom();
        for (i = 0; i < cap; i++)
            v[i] = old[i];
        mtl__free(&m->alloc, ac->chunk[c], (size_t)cap * 2u);
        ac->chunk[c] = v;
        ac->wide[c] = 1;
    }
    return MTL_OK;
}

void mtl__attr_clear_from(mtl_market *m, uint32_t k, uint32_t c, uint32_t i)
{
    mtl__attr_column *ac = &m->attrs[k];
    uint32_t cap = mtl__lead_chunk_capacity(c);
    size_t w;
    if (!mtl__attr_present(m, k, c) || i >= cap)
        return;
    w = ac->wide[c] ? 4u : 2u;
    memset((char *)ac->chunk[c] + (size_t)i * w, 0, (size_t)(cap - i) * w);
}

static void attrs_clear_slot(mtl_market *m, uint32_t c, uint32_t i)
{
    size_t k;
    for (k = 0; k < m->nattrs; k++)
        if (mtl__attr_present(m, (uint32_t)k, c))
            mtl__attr_put(m, (uint32_t)k, c, i, 0);
}

/* ---- stage history ---------------------------------------------------- */

static void events_free_list(mtl_market *m, uint32_t head)
{
    while (head) {
        mtl__event *e = &m->events[head - 1];
        uint32_t next = e->next;
        e->next = m->event_free;
        m->event_free = head;
        head = next;
    }
}

/* ---- handles ---------------------------------------------------------- */

#define LEAD_VARS(lead)                                                         \
    uint32_t i;                                                                 \
    mtl__lead_chunk *c = mtl__lead_chunk_of(lead, &i);                          \
    mtl_market *m = c->market

static void init_slot(mtl__lead_chunk *c, uint32_t i, uint32_t id_ref)
{
    c->id_ref[i] = id_ref;
    c->customer[i] = MTL__NONE;
    c->segment[i] = MTL__NONE;
    c->owner[i] = c->region[i] = c->source[i] = 0;
    c->history[i] = 0;
    c->amount[i] = 0;
    if (c->probability)
        c->probability[i] = MTL_PROBABILITY_NONE;
    if (c->expected_close)
        c->expected_close[i] = MTL_DATE_NONE;
    c->created[i] = c->closed[i] = MTL_DATE_NONE;
    c->stage[i] = 0;
    c->outcome[i] = MTL_OUTCOME_OPEN;
    c->misc[i] = mtl__misc_pack(MTL_LEAD_STATUS_NEW, MTL_CATEGORY_NONE,
                                MTL_DECISION_NONE);
}

static void link_customer(mtl_market *m, mtl__lead_chunk *c, uint32_t i,
                          mtl_customer *cu);

MTL_API mtl_status mtl_lead_add(mtl_lead **out, mtl_market *market,
                                const char *id, mtl_customer *customer)
{
    mtl_market *m = market;
    mtl__arena_mark mark;
    mtl__lead_chunk *c;
    size_t len;
    uint64_t h;
    uint32_t ref, slot, ci, i;
    mtl_status st;
    if (out)
        *out = NULL;
    if (!m)
        return mtl__error_null("market");
    if (!id || !*id)
        return mtl__error(MTL_E_INVALID_ARGUMENT, "lead id is NULL or empty");
    if (customer && customer->rec.market != m)
        return mtl__error(MTL_E_INVALID_ARGUMENT,
                          "customer belongs to another market");
    len = strlen(id);
    if (len > MTL_ID_MAX)
        return mtl__error(MTL_E_LIMIT, "lead id longer than %d bytes", MTL_ID_MAX);
    h = mtl__hash(id, len);
    if (mtl__index_find(&m->lead_index, &m->ids, h, id, len) != MTL__NONE)
        return mtl__error(MTL_E_DUPLICATE, "lead '%.64s' exists already", id);
    if (m->lead_free == MTL__NONE) {
        st = mtl__leads_reserve(m, 1);
        if (st)
            return st;
    }
    if (!mtl__index_reserve(&m->lead_index, &m->alloc, m->lead_index.count + 1))
        return mtl__error_oom();
    if (m->lead_free != MTL__NONE) {
        slot = m->lead_free;
        ci = slot >> MTL__LEAD_CHUNK_BITS;
        i = slot & (MTL__LEAD_CHUNK_MAX - 1);
    } else {
        mtl__leads_end(m, &ci, &i);
        slot = mtl__lead_slot(m->chunks[ci], i);
    }
    c = m->chunks[ci];
    mark = mtl__arena_get_mark(&m->ids);
    if (!mtl__arena_store_reuse(&m->ids, &m->alloc, id, len, slot, &ref)) {
        mtl__arena_rollback(&m->ids, &m->alloc, mark);
        return mtl__error_oom();
    }
    if (slot == m->lead_free)
        m->lead_free = c->history[i];
    else
        c->used = i + 1;
    init_slot(c, i, ref);
    attrs_clear_slot(m, ci, i);
    mtl__index_insert(&m->lead_index, &m->ids, h, id, len, ref);
    m->lead_count++;
    if (customer)
        link_customer(m, c, i, customer);
    mtl__funnel_account(m, c, i, 1);
    if (out)
        *out = mtl__lead_handle(c, i);
    return MTL_OK;
}

MTL_API mtl_lead *mtl_lead_find(const mtl_market *market, const char *id)
{
    size_t len;
    uint32_t ref;
    if (!market || !id)
        return NULL;
    len = strlen(id);
    ref = mtl__index_find(&market->lead_index, &market->ids, mtl__hash(id, len),
                          id, len);
    return ref == MTL__NONE ? NULL
                            : mtl__lead_at(market, mtl__arena_payload(&market->ids, ref));
}

MTL_API mtl_status mtl_lead_find_many(mtl_lead **out, const mtl_market *market,
                                      const char *const *ids, size_t count)
{
    /* resolve in blocks so the slot buffer stays on the stack */
    enum { BLOCK = 1024 };
    uint32_t slots[BLOCK];
    size_t done, j;
    if (count == 0)
        return MTL_OK;
    if (!out)
        return mtl__error_null("out");
    if (!market)
        return mtl__error_null("market");
    if (!ids)
        return mtl__error_null("ids");
    for (done = 0; done < count; done += BLOCK) {
        size_t n = count - done < BLOCK ? count - done : BLOCK;
        mtl__index_find_many(&market->lead_index, &market->ids, ids + done, n,
                             slots);
        for (j = 0; j < n; j++)
            out[done + j] =
                slots[j] == MTL__NONE ? NULL : mtl__lead_at(market, slots[j]);
    }
    return MTL_OK;
}

MTL_API mtl_lead *mtl_lead_next(const mtl_market *market, const mtl_lead *prev)
{
    size_t k;
    uint32_t i = 0;
    if (!market)
        return NULL;
    k = 0;
    if (prev) {
        mtl__lead_chunk *pc = mtl__lead_chunk_of(prev, &i);
        k = pc->index;
        i++;
    }
    for (; k < market->nchunks; k++, i = 0) {
        mtl__lead_chunk *c = market->chunks[k];
        for (; i < c->used; i++)
            if (c->outcome[i] != MTL__FREE_SLOT)
                return mtl__lead_handle(c, i);
    }
    return NULL;
}

size_t mtl__leads_referencing(const mtl_market *m, int customer, uint32_t slot)
{
    size_t k, n = 0;
    uint32_t i;
    for (k = 0; k < m->nchunks; k++) {
        const mtl__lead_chunk *c = m->chunks[k];
        const uint32_t *col = customer ? c->customer : c->segment;
        for (i = 0; i < c->used; i++)
            n += col[i] == slot && c->outcome[i] != MTL__FREE_SLOT;
    }
    return n;
}

static void link_customer(mtl_market *m, mtl__lead_chunk *c, uint32_t i,
                          mtl_customer *cu)
{
    (void)m;
    c->customer[i] = cu ? cu->rec.slot : MTL__NONE;
    if (!cu)
        return;
    if (cu->segment != MTL__NONE)
        c->segment[i] = cu->segment;
    if (cu->region)
        c->region[i] = cu->region;
}

MTL_API mtl_status mtl_lead_remove(mtl_lead *lead)
{
    const char *id;
    if (!lead)
        return mtl__error_null("lead");
    {
        LEAD_VARS(lead);
        id = mtl__arena_at(&m->ids, c->id_ref[i]);
        mtl__index_remove(&m->lead_index, mtl__hash(id, strlen(id)), c->id_ref[i]);
        mtl__arena_release(&m->ids, c->id_ref[i]);
        mtl__funnel_account(m, c, i, -1);
        c->customer[i] = c->segment[i] = MTL__NONE;
        events_free_list(m, c->history[i]);
        attrs_clear_slot(m, c->index, i);
        mtl__answers_drop(m, c->index, i);
        c->outcome[i] = MTL__FREE_SLOT;
        c->history[i] = m->lead_free;
        m->lead_free = mtl__lead_slot(c, i);
        m->lead_count--;
    }
    return MTL_OK;
}

/* ---- reading ---------------------------------------------------------- */

#define GETTER(type, name, none, expr)                                          \
    MTL_API type mtl_lead_##name(const mtl_lead *lead)                          \
    {                                                                           \
        if (!lead)                                                              \
            return none;                                                        \
        {                                                                       \
            LEAD_VARS(lead);                                                    \
            (void)m;                                                            \
            return expr;                                                        \
        }                                                                       \
    }

GETTER(mtl_market *, market, NULL, m)
GETTER(const char *, id, NULL, mtl__arena_at(&m->ids, c->id_ref[i]))
GETTER(mtl_customer *, customer, NULL, mtl__customer_at(m, c->customer[i]))
GETTER(mtl_segment *, segment, NULL, mtl__segment_at(m, c->segment[i]))
GETTER(const char *, owner, NULL, mtl__strpool_get(&m->strings, c->owner[i]))
GETTER(const char *, region, NULL, mtl__strpool_get(&m->strings, c->region[i]))
GETTER(const char *, source, NULL, mtl__strpool_get(&m->strings, c->source[i]))
GETTER(int32_t, status, -1, mtl__misc_status(c->misc[i]))
GETTER(int32_t, stage, -1, c->stage[i])
GETTER(int32_t, outcome, -1, c->outcome[i])
GETTER(int64_t, amount, 0, c->amount[i])
GETTER(double, probability, MTL_PROBABILITY_NONE, mtl__lead_probability(c, i))
GETTER(int32_t, category, MTL_CATEGORY_NONE, mtl__misc_category(c->misc[i]))
GETTER(int32_t, decision_step, MTL_DECISION_NONE, mtl__misc_decision(c->misc[i]))
GETTER(int32_t, created, MTL_DATE_NONE, c->created[i])
GETTER(int32_t, expected_close, MTL_DATE_NONE, mtl__lead_expected_close(c, i))
GETTER(int32_t, closed, MTL_DATE_NONE, c->closed[i])

/* ---- changing --------------------------------------------------------- */

MTL_API mtl_status mtl_lead_set_customer(mtl_lead *lead, mtl_customer *customer)
{
    if (!lead)
        return mtl__error_null("lead");
    {
        LEAD_VARS(lead);
        if (customer && customer->rec.market != m)
            return mtl__error(MTL_E_INVALID_ARGUMENT,
                              "customer belongs to another market");
        mtl__funnel_account(m, c, i, -1);
        link_customer(m, c, i, customer);
        mtl__funnel_account(m, c, i, 1);
    }
    return MTL_OK;
}

MTL_API mtl_status mtl_lead_set_segment(mtl_lead *lead, mtl_segment *segment)
{
    if (!lead)
        return mtl__error_null("lead");
    {
        LEAD_VARS(lead);
        if (segment && segment->rec.market != m)
            return mtl__error(MTL_E_INVALID_ARGUMENT,
                              "segment belongs to another market");
        mtl__funnel_account(m, c, i, -1);
        c->segment[i] = segment ? segment->rec.slot : MTL__NONE;
        mtl__funnel_account(m, c, i, 1);
    }
    return MTL_OK;
}

#define STRING_SETTER(field, what)                                              \
    MTL_API mtl_status mtl_lead_set_##field(mtl_lead *lead, const char *value)  \
    {                                                                           \
        if (!lead)                                                              \
            return mtl__error_null("lead");                                     \
        {                                                                       \
            LEAD_VARS(lead);                                                    \
            return mtl__intern(m, value, what, &c->field[i]);                   \
        }                                                                       \
    }

STRING_SETTER(owner, "owner")
STRING_SETTER(region, "region")
STRING_SETTER(source, "source")

MTL_API mtl_status mtl_lead_set_status(mtl_lead *lead, int32_t status)
{
    if (!lead)
        return mtl__error_null("lead");
    if (status < MTL_LEAD_STATUS_NEW || status > MTL_LEAD_STATUS_CLOSED)
        return mtl__error(MTL_E_RANGE, "lead status %d: 0..3", (int)status);
    {
        LEAD_VARS(lead);
        (void)m;
        c->misc[i] = mtl__misc_pack(status, mtl__misc_category(c->misc[i]),
                                    mtl__misc_decision(c->misc[i]));
    }
    return MTL_OK;
}

MTL_API mtl_status mtl_lead_set_stage_outcome(mtl_lead *lead, int32_t stage,
                                              int32_t outcome)
{
    mtl_status st;
    if (!lead)
        return mtl__error_null("lead");
    {
        LEAD_VARS(lead);
        st = mtl__check_stage_outcome(m, stage, outcome);
        if (st)
            return st;
        mtl__funnel_account(m, c, i, -1);
        c->stage[i] = (uint8_t)stage;
        c->outcome[i] = (uint8_t)outcome;
        mtl__funnel_account(m, c, i, 1);
    }
    return MTL_OK;
}

MTL_API mtl_status mtl_lead_set_stage(mtl_lead *lead, int32_t stage)
{
    return mtl_lead_set_stage_outcome(lead, stage, mtl_lead_outcome(lead));
}

MTL_API mtl_status mtl_lead_set_outcome(mtl_lead *lead, int32_t outcome)
{
    return mtl_lead_set_stage_outcome(lead, mtl_lead_stage(lead), outcome);
}

MTL_API mtl_status mtl_lead_set_amount(mtl_lead *lead, int64_t amount)
{
    if (!lead)
        return mtl__error_null("lead");
    if (amount < 0)
        return mtl__error(MTL_E_RANGE, "amount %lld is negative",
                          (long long)amount);
    {
        LEAD_VARS(lead);
        mtl__funnel_account(m, c, i, -1);
        c->amount[i] = amount;
        mtl__funnel_account(m, c, i, 1);
    }
    return MTL_OK;
}

MTL_API mtl_status mtl_lead_set_probability(mtl_lead *lead, double probability)
{
    if (!lead)
        return mtl__error_null("lead");
    if (probability != MTL_PROBABILITY_NONE &&
        !(probability >= 0.0 && probability <= 1.0))
        return mtl__error(MTL_E_RANGE, "probability %g outside [0, 1]",
                          probability);
    {
        LEAD_VARS(lead);
        if (!c->probability && probability == MTL_PROBABILITY_NONE)
            return MTL_OK; /* none already */
        if (!mtl__chunk_probability(m, c))
            return mtl__error_oom();
        mtl__funnel_account(m, c, i, -1);
        c->probability[i] = probability;
        mtl__funnel_account(m, c, i, 1);
    }
    return MTL_OK;
}

MTL_API mtl_status mtl_lead_set_category(mtl_lead *lead, int32_t category)
{
    if (!lead)
        return mtl__error_null("lead");
    if (category < MTL_CATEGORY_NONE || category > MTL_CATEGORY_OMITTED)
        return mtl__error(MTL_E_RANGE, "category %d: -1..4", (int)category);
    {
        LEAD_VARS(lead);
        (void)m;
        c->misc[i] = mtl__misc_pack(mtl__misc_status(c->misc[i]), category,
                                    mtl__misc_decision(c->misc[i]));
    }
    return MTL_OK;
}

MTL_API mtl_status mtl_lead_set_decision_step(mtl_lead *lead, int32_t step)
{
    if (!lead)
        return mtl__error_null("lead");
    if (step < MTL_DECISION_NONE || step > MTL_DECISION_REEVALUATION)
        return mtl__error(MTL_E_RANGE, "decision step %d: 0..7", (int)step);
    {
        LEAD_VARS(lead);
        (void)m;
        c->misc[i] = mtl__misc_pack(mtl__misc_status(c->misc[i]),
                                    mtl__misc_category(c->misc[i]), step);
    }
    return MTL_OK;
}

static int valid_day(int32_t day)
{
    return day == MTL_DATE_NONE || (day >= MTL_DATE_MIN && day <= MTL_DATE_MAX);
}

#define DATE_SETTER(field)                                                      \
    MTL_API mtl_status mtl_lead_set_##field(mtl_lead *lead, int32_t day)        \
    {                                                                           \
        if (!lead)                                                              \
            return mtl__error_null("lead");                                     \
        if (!valid_day(day))                                                    \
            return mtl__error(MTL_E_RANGE, #field " day %ld is not a date",     \
                              (long)day);                                       \
        {                                                                       \
            LEAD_VARS(lead);                                                    \
            (void)m;                                                            \
            c->field[i] = day;                                                  \
        }                                                                       \
        return MTL_OK;                                                          \
    }

DATE_SETTER(created)
DATE_SETTER(closed)

MTL_API mtl_status mtl_lead_set_expected_close(mtl_lead *lead, int32_t day)
{
    if (!lead)
        return mtl__error_null("lead");
    if (!valid_day(day))
        return mtl__error(MTL_E_RANGE, "expected_close day %ld is not a date", (long)day);
    {
        LEAD_VARS(lead);
        if (!c->expected_close && day == MTL_DATE_NONE)
            return MTL_OK; /* none already */
        if (!mtl__chunk_expected_close(m, c))
            return mtl__error_oom();
        c->expected_close[i] = day;
    }
    return MTL_OK;
}

/* ---- attributes ------------------------------------------------------- */

MTL_API mtl_status mtl_lead_set_attribute(mtl_lead *lead, const char *key,
                                          const char *value)
{
    uint32_t key_id, value_id, k;
    mtl_status st;
    if (!lead)
        return mtl__error_null("lead");
    if (!key || !*key)
        return mtl__error(MTL_E_INVALID_ARGUMENT, "attribute key is NULL or empty");
    {
        LEAD_VARS(lead);
        if (!value || !*value) {
            key_id = mtl__strpool_find(&m->strings, key, strlen(key));
            if (key_id == MTL__NONE || (k = mtl__attr_find(m, key_id)) == MTL__NONE)
                return MTL_OK;
            if (mtl__attr_present(m, k, c->index))
                mtl__attr_put(m, k, c->index, i, 0);
            return MTL_OK;
        }
        if ((st = mtl__intern(m, key, "attribute key", &key_id)) != MTL_OK ||
            (st = mtl__intern(m, value, "attribute value", &value_id)) != MTL_OK ||
            (st = mtl__attr_add_key(m, key_id, &k)) != MTL_OK ||
            (st = mtl__attr_reserve(m, k, c->index, value_id, 0)) != MTL_OK)
            return st;
        mtl__attr_put(m, k, c->index, i, value_id);
    }
    return MTL_OK;
}

MTL_API const char *mtl_lead_attribute(const mtl_lead *lead, const char *key)
{
    uint32_t key_id, k, v;
    if (!lead || !key)
        return NULL;
    {
        LEAD_VARS(lead);
        key_id = mtl__strpool_find(&m->strings, key, strlen(key));
        if (key_id == MTL__NONE || key_id == 0 ||
            (k = mtl__attr_find(m, key_id)) == MTL__NONE)
            return NULL;
        v = mtl__attr_get(m, k, c->index, i);
        return v ? mtl__strpool_get(&m->strings, v) : NULL;
    }
}

/* The index-th attribute present on the lead, or MTL__NONE. */
static uint32_t nth_attribute(const mtl_lead *lead, size_t index, size_t *count)
{
    size_t k, n = 0;
    LEAD_VARS(lead);
    for (k = 0; k < m->nattrs; k++) {
        if (mtl__attr_get(m, (uint32_t)k, c->index, i)) {
            if (n == index)
                return (uint32_t)k;
            n++;
        }
    }
    if (count)
        *count = n;
    return MTL__NONE;
}

MTL_API size_t mtl_lead_attribute_count(const mtl_lead *lead)
{
    size_t n = 0;
    if (!lead)
        return 0;
    nth_attribute(lead, SIZE_MAX, &n);
    return n;
}

MTL_API mtl_status mtl_lead_attribute_at(const mtl_lead *lead, size_t index,
                                         const char **out_key,
                                         const char **out_value)
{
    uint32_t k;
    if (!lead)
        return mtl__error_null("lead");
    k = nth_attribute(lead, index, NULL);
    if (k == MTL__NONE)
        return mtl__error(MTL_E_RANGE, "the lead has no attribute %zu", index);
    {
        LEAD_VARS(lead);
        if (out_key)
            *out_key = mtl__strpool_get(&m->strings, m->attrs[k].key);
        if (out_value)
            *out_value = mtl__strpool_get(&m->strings, mtl__attr_get(m, k, c->index, i));
    }
    return MTL_OK;
}

/* ---- stage history ---------------------------------------------------- */

MTL_API mtl_status mtl_lead_add_event(mtl_lead *lead, int32_t day, int32_t stage)
{
    uint32_t e, *link;
    if (!lead)
        return mtl__error_null("lead");
    if (day < MTL_DATE_MIN || day > MTL_DATE_MAX)
        return mtl__error(MTL_E_RANGE, "event day %ld is not a date", (long)day);
    {
        LEAD_VARS(lead);
        if (stage < 0 || stage >= m->stage_count)
            return mtl__error(MTL_E_RANGE,
                              "stage %d outside the stage model (%d stages)",
                              (int)stage, (int)m->stage_count);
        if (m->event_free) {
            e = m->event_free;
            m->event_free = m->events[e - 1].next;
        } else {
            if (m->nevents >= MTL__NONE - 1)
                return mtl__error(MTL_E_LIMIT, "too many history events");
            if (!mtl__grow(&m->alloc, (void **)&m->events, &m->cap_events,
                           m->nevents + 1, sizeof *m->events))
                return mtl__error_oom();
            e = (uint32_t)++m->nevents;
        }
        m->events[e - 1].day = day;
        m->events[e - 1].stage = stage;
        mtl__funnel_account(m, c, i, -1);
        /* keep the list sorted by day; ties in call order */
        link = &c->history[i];
        while (*link && m->events[*link - 1].day <= day)
            link = &m->events[*link - 1].next;
        m->events[e - 1].next = *link;
        *link = e;
        mtl__funnel_account(m, c, i, 1);
    }
    return MTL_OK;
}

MTL_API size_t mtl_lead_event_count(const mtl_lead *lead)
{
    size_t n = 0;
    uint32_t e;
    if (!lead)
        return 0;
    {
        LEAD_VARS(lead);
        for (e = c->history[i]; e; e = m->events[e - 1].next)
            n++;
    }
    return n;
}

MTL_API mtl_status mtl_lead_event_at(const mtl_lead *lead, size_t index,
                                     int32_t *out_day, int32_t *out_stage)
{
    uint32_t e;
    if (!lead)
        return mtl__error_null("lead");
    {
        LEAD_VARS(lead);
        for (e = c->history[i]; e && index; e = m->events[e - 1].next)
            index--;
        if (!e)
            return mtl__error(MTL_E_RANGE, "no such history event");
        if (out_day)
            *out_day = m->events[e - 1].day;
        if (out_stage)
            *out_stage = m->events[e - 1].stage;
    }
    return MTL_OK;
}

MTL_API mtl_status mtl_lead_clear_events(mtl_lead *lead)
{
    if (!lead)
        return mtl__error_null("lead");
    {
        LEAD_VARS(lead);
        mtl__funnel_account(m, c, i, -1);
        events_free_list(m, c->history[i]);
        c->history[i] = 0;
        mtl__funnel_account(m, c, i, 1);
    }
    return MTL_OK;
}
