/* internal.h: the market's in-memory layout, shared by the market modules.
 *
 * Segments and customers are small records in chunks of 256 (stable
 * addresses, free list).  Leads are stored column-wise in chunks of up to
 * 65,536 slots so that scans touch only the columns they need.  A lead
 * handle is an address in its chunk's handle pages: 4 KiB-aligned pages
 * whose first 16 bytes say which chunk and which first slot the page
 * serves, followed by 2 bytes of address space per slot.  The chunk (and
 * the market) is found from a handle by masking it to its page and reading
 * that page's header -- a line shared by 2,040 leads, so usually in cache,
 * where reading a per-lead entry would be one more miss on a random lead.
 * See docs/memory.md for the per-lead byte budget. */
#ifndef MTL_MARKET_INTERNAL_H
#define MTL_MARKET_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>

#include "mtl.h"
#include "core/alloc.h"
#include "core/arith.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/strpool.h"
#include "market/rows.h"

/* ---- stage model ------------------------------------------------------ */

typedef struct mtl__stage {
    char name[MTL_STAGE_NAME_MAX + 1];
    char phase[MTL_STAGE_NAME_MAX + 1];
    double probability;
    int32_t category;
    int32_t flags;
} mtl__stage;

struct mtl_stage_model {
    mtl__allocator alloc;
    int32_t count;
    mtl__stage stages[MTL_STAGE_MAX];
};

void mtl__stage_model_fill_default(mtl_stage_model *m);

/* ---- records: segments and customers ---------------------------------- */

#define MTL__REC_CHUNK_BITS 8
#define MTL__REC_CHUNK (1u << MTL__REC_CHUNK_BITS)

typedef struct mtl__rec {
    mtl_market *market;
    uint32_t slot;
    uint32_t next_free; /* MTL__NONE while alive */
    uint32_t id_ref;    /* arena reference of the id */
    uint32_t alive;
} mtl__rec;

typedef struct mtl__recs {
    char **chunks;
    size_t nchunks, cap_chunks;
    size_t rec_size;
    uint32_t high;      /* slots handed out */
    uint32_t live;
    uint32_t free_head; /* MTL__NONE when empty */
    mtl__index index;
} mtl__recs;

/* One stage of the funnel counters (funnel_counters.c): what a segment's
 * (or the whole market's) funnel needs at that stage, kept current on
 * every lead change.  Index 0..2 = MTL_OUTCOME_*. */
typedef struct mtl__funnel_cell {
    int64_t n[3];        /* leads whose last stage is this one */
    int64_t amount[3];   /* their amounts */
    int64_t tail[3];     /* of those, leads without history ("reached" rule) */
    int64_t visit[3];    /* leads with history that visited this stage */
    int64_t ovr_amount;  /* open leads here with a probability override: Σ amount */
    uint64_t ovr_hi;     /* and Σ amount × round(p × 2^32), 128 bits */
    uint64_t ovr_lo;
} mtl__funnel_cell;

/* The strategy inputs of a segment and a customer (looks.h, pain.h,
 * customer.h), allocated when the first one is set. */
typedef struct mtl__segment_inputs {
    mtl__rows looks, appeals, control_points, pains;
    mtl_segment_factors factors;
    int has_factors;
} mtl__segment_inputs;

typedef struct mtl__customer_inputs {
    mtl__rows pains, contacts;
    double relationship[MTL_REL_COUNT];
    int has_relationship;
} mtl__customer_inputs;

/* Machine names of the inputs' enumerations, one table each, shared by
 * the checks' messages and the reports' term factors: $APPEALS criteria
 * and five forces (looks.c), relationship dimensions (customer_inputs.c). */
extern const char *const mtl__appeals_names[MTL_APPEALS_COUNT];
extern const char *const mtl__force_names[MTL_FORCE_COUNT];
extern const char *const mtl__dimension_names[MTL_REL_COUNT];

/* Row layouts of the input lists (looks.c, pains.c, customer_inputs.c). */
extern const mtl__row_layout mtl__look_layout, mtl__appeals_layout,
    mtl__control_point_layout, mtl__pain_layout, mtl__contact_layout;

struct mtl_segment {
    mtl__rec rec;
    char *name;
    mtl__segment_inputs *inputs; /* NULL until an input is set */
    uint32_t parent;    /* slot or MTL__NONE */
    uint32_t children;  /* number of child segments */
    uint32_t customers; /* customers that name it */
};

struct mtl_customer {
    mtl__rec rec;
    char *name;
    uint32_t segment; /* slot or MTL__NONE */
    uint32_t region;  /* strpool id */
    uint32_t owner;   /* strpool id */
    int32_t grade;
    int64_t revenue;
    int64_t investment;
    double participation;
    mtl__customer_inputs *inputs; /* NULL until an input is set */
};

/* A record's inputs, created on demand (NULL and MTL_E_NO_MEMORY reported
 * when that fails); freed with the record. */
mtl__segment_inputs *mtl__segment_inputs_of(mtl_segment *s);
mtl__customer_inputs *mtl__customer_inputs_of(mtl_customer *c);
void mtl__segment_inputs_free(mtl_market *m, mtl_segment *s);
void mtl__customer_inputs_free(mtl_market *m, mtl_customer *c);

/* Input checks shared by the setters and the CSV import: MTL_OK or the
 * reported error naming the field. */
mtl_status mtl__look_item_check(const mtl_look_item *item);
mtl_status mtl__factors_check(const mtl_segment_factors *f);
mtl_status mtl__appeals_check(const mtl_appeals_rating *r);
mtl_status mtl__control_point_check(const mtl_control_point *p);
mtl_status mtl__pain_check(const mtl_pain *p);
mtl_status mtl__contact_check(const mtl_contact *c);
mtl_status mtl__relationship_check(const double *ratings);
/* A verification answer (NaN score allowed: it removes the answer). */
mtl_status mtl__answer_check(int32_t criterion, double score, const char *evidence);

void mtl__recs_init(mtl__recs *r, size_t rec_size);
void mtl__recs_free(mtl__recs *r, mtl__allocator *a);
void *mtl__recs_at(const mtl__recs *r, uint32_t slot);
/* Find a live record by id (NULL if none). */
void *mtl__recs_find(const mtl__recs *r, const mtl__arena *ar, const char *id);
/* The slot of the record whose id is len bytes at id (hash h), or
 * MTL__NONE: for callers that have the length and hash already. */
uint32_t mtl__recs_slot(const mtl__recs *r, const mtl__arena *ar, const char *id,
                        size_t len, uint64_t h);
/* Add a record; MTL_OK or an error status (already reported). */
mtl_status mtl__recs_add(mtl__recs *r, mtl_market *m, const char *id,
                         const char *kind, void **out);
/* Add a record whose id (len bytes, hash h, at most MTL_ID_MAX) the caller
 * knows to be absent: mtl__recs_add without its checks and lookup. */
mtl_status mtl__recs_create(mtl__recs *r, mtl_market *m, const char *id, size_t len,
                            uint64_t h, const char *kind, void **out);
void mtl__recs_remove(mtl__recs *r, mtl_market *m, mtl__rec *rec);
void *mtl__recs_next(const mtl__recs *r, const mtl__rec *prev);
/* Replace *slot by a copy of text (NULL or "" clears). */
mtl_status mtl__set_text(mtl__allocator *a, char **slot, const char *text,
                         const char *what);

/* Remove a record that nothing refers to, without the reference scan (the
 * import's rollback of records it created itself). */
void mtl__customer_drop(mtl_customer *customer);
/* A customer without a segment, whose id (len bytes, hash h) is absent
 * from the market (the import creates the customers its rows name). */
mtl_status mtl__customer_create(mtl_market *m, const char *id, size_t len, uint64_t h,
                                mtl_customer **out);
void mtl__segment_drop(mtl_segment *segment);

/* ---- leads ------------------------------------------------------------ */

#define MTL__LEAD_CHUNK_BITS 16
#define MTL__LEAD_CHUNK_MAX (1u << MTL__LEAD_CHUNK_BITS)
#define MTL__LEAD_CHUNK_MIN 256u
#define MTL__FREE_SLOT 0xffu /* outcome value of a free slot */

typedef struct mtl__lead_chunk {
    mtl_market *market;
    uint32_t index;    /* chunk number: global slot = index << 16 | i */
    uint32_t capacity; /* slots in this chunk */
    uint32_t used;     /* slots handed out (high-water mark) */
    size_t bytes;      /* allocation size */
    uint32_t *id_ref;
    uint32_t *customer, *segment;
    uint32_t *owner, *region, *source;
    uint32_t *history; /* first event + 1; next free slot for free slots */
    int64_t *amount;
    /* The two columns that bulk data seldom has are allocated on the
     * first value of one of the chunk's leads (mtl__chunk_probability,
     * mtl__chunk_expected_close); NULL reads as MTL_PROBABILITY_NONE and
     * MTL_DATE_NONE in every slot (mtl__lead_probability ...). */
    double *probability;
    int32_t *expected_close;
    int32_t *created, *closed;
    uint8_t *stage, *outcome;
    uint8_t *misc; /* status, category + 1 and decision step: see MTL__MISC */
    char *handles; /* the handle pages (4 KiB-aligned, inside the allocation) */
} mtl__lead_chunk;

/* A lead's probability override and expected close (NONE when the
 * chunk has no such column). */
static inline double mtl__lead_probability(const mtl__lead_chunk *c, uint32_t i)
{
    return c->probability ? c->probability[i] : MTL_PROBABILITY_NONE;
}
static inline int32_t mtl__lead_expected_close(const mtl__lead_chunk *c, uint32_t i)
{
    return c->expected_close ? c->expected_close[i] : MTL_DATE_NONE;
}
/* The chunk's column, allocated with every slot NONE when it has none
 * yet; NULL when out of memory (nothing changed). */
double *mtl__chunk_probability(mtl_market *m, mtl__lead_chunk *c);
int32_t *mtl__chunk_expected_close(mtl_market *m, mtl__lead_chunk *c);

/* The handle pages (see the top of this file). */
#define MTL__HANDLE_PAGE 4096u
#define MTL__HANDLE_HEADER 16u
#define MTL__HANDLE_SLOTS ((MTL__HANDLE_PAGE - MTL__HANDLE_HEADER) / 2u) /* 2,040 */

typedef struct mtl__handle_page {
    struct mtl__lead_chunk *chunk;
    uint32_t first; /* slot of the page's first handle */
} mtl__handle_page;

/* An attribute key's values: per lead chunk, NULL (no lead of the chunk
 * has the key) or one string-pool id per slot (0 = none), 16 bits wide
 * while every id there is below 65,536 (the string pool's first 65,535
 * strings: owners, regions, sources, attribute values of a market of
 * categories), 32 bits from the first that is not (mtl__attr_reserve). */
#define MTL__ATTR_NARROW_MAX 0xffffu

typedef struct mtl__attr_column {
    uint32_t key;   /* strpool id of the key */
    void **chunk;   /* per lead chunk: values or NULL */
    uint8_t *wide;  /* per lead chunk: 1 when its values are uint32_t, else uint16_t */
    size_t nchunk;
} mtl__attr_column;

typedef struct mtl__event {
    int32_t day;
    int32_t stage;
    uint32_t next; /* index + 1 of the next event, 0 = end */
} mtl__event;

/* ---- the market ------------------------------------------------------- */

struct mtl_market {
    atomic_int refs;
    mtl__allocator alloc;
    int64_t minor_per_major;
    int32_t stage_count;
    mtl__stage stages[MTL_STAGE_MAX];

    mtl__arena ids;      /* ids of every record kind */
    mtl__strpool strings;

    mtl__recs segments;
    mtl__recs customers;

    mtl__lead_chunk **chunks;
    size_t nchunks, cap_chunks;
    size_t lead_count;
    uint32_t lead_free; /* free slot list, MTL__NONE when empty */
    mtl__index lead_index;

    mtl__attr_column *attrs;
    size_t nattrs, cap_attrs;

    mtl__event *events;
    size_t nevents, cap_events;
    uint32_t event_free; /* index + 1, 0 = none */

    /* funnel counters (funnel_counters.c): leads without a segment, every
     * lead, and stage_count cells per segment slot (grown by doubling, so
     * that adding segments allocates rarely) */
    mtl__funnel_cell funnel_none[MTL_STAGE_MAX];
    mtl__funnel_cell funnel_total[MTL_STAGE_MAX];
    mtl__funnel_cell *funnel_segments;
    size_t funnel_slots;

    /* lead verification answers (answers.c): per lead chunk, NULL or one
     * pointer per slot, NULL for a lead without answers */
    struct mtl__answers ***answers;
    size_t answer_chunks;
};

/* A lead's verification answers (verification.h). */
typedef struct mtl__answers {
    uint32_t mask; /* bit k: criterion k answered */
    double score[MTL_CRIT_COUNT];
    char *evidence[MTL_CRIT_COUNT]; /* NULL when none */
} mtl__answers;

/* The answers of lead i of chunk c, or NULL. */
static inline const mtl__answers *mtl__answers_at(const mtl_market *m, uint32_t c,
                                                  uint32_t i)
{
    return c < m->answer_chunks && m->answers[c] ? m->answers[c][i] : NULL;
}
/* Attribute columns (mtl__attr_column; lead.c): does chunk c have a
 * column of attribute k? */
static inline int mtl__attr_present(const mtl_market *m, uint32_t k, uint32_t c)
{
    const mtl__attr_column *ac = &m->attrs[k];
    return c < ac->nchunk && ac->chunk[c] != NULL;
}

/* The value (string-pool id, 0 = none) of attribute k at slot i of chunk c. */
static inline uint32_t mtl__attr_get(const mtl_market *m, uint32_t k, uint32_t c,
                                     uint32_t i)
{
    const mtl__attr_column *ac = &m->attrs[k];
    if (c >= ac->nchunk || !ac->chunk[c])
        return 0;
    return ac->wide[c] ? ((const uint32_t *)ac->chunk[c])[i]
                       : ((const uint16_t *)ac->chunk[c])[i];
}

/* Store id at slot i of a column that mtl__attr_reserve made fit for it
 * (or 0 into any present column). */
static inline void mtl__attr_put(mtl_market *m, uint32_t k, uint32_t c, uint32_t i,
                                 uint32_t id)
{
    mtl__attr_column *ac = &m->attrs[k];
    if (ac->wide[c])
        ((uint32_t *)ac->chunk[c])[i] = id;
    else
        ((uint16_t *)ac->chunk[c])[i] = (uint16_t)id;
}

/* Forget a removed lead's answers; free them all at the market's release. */
void mtl__answers_drop(mtl_market *m, uint32_t c, uint32_t i);
void mtl__answers_free(mtl_market *m);

/* The three small lead fields share one byte: status in bits 0-1,
 * forecast category + 1 (0 = none) in bits 2-4, decision step in 5-7. */
static inline uint8_t mtl__misc_pack(int32_t status, int32_t category,
                                     int32_t decision)
{
    return (uint8_t)(status | (category + 1) << 2 | decision << 5);
}
static inline int32_t mtl__misc_status(uint8_t v) { return v & 3; }
static inline int32_t mtl__misc_category(uint8_t v) { return ((v >> 2) & 7) - 1; }
static inline int32_t mtl__misc_decision(uint8_t v) { return v >> 5; }

/* Decimal places of the market's minor unit (2 for cents). */
static inline int mtl__minor_digits(const mtl_market *m);

static inline mtl_segment *mtl__segment_at(const mtl_market *m, uint32_t slot)
{
    return slot == MTL__NONE ? NULL : (mtl_segment *)mtl__recs_at(&m->segments, slot);
}

static inline mtl_customer *mtl__customer_at(const mtl_market *m, uint32_t slot)
{
    return slot == MTL__NONE ? NULL
                             : (mtl_customer *)mtl__recs_at(&m->customers, slot);
}

static inline mtl__lead_chunk *mtl__lead_chunk_of(const mtl_lead *lead,
                                                  uint32_t *out_i)
{
    uintptr_t h = (uintptr_t)(const void *)lead;
    const mtl__handle_page *pg =
        (const mtl__handle_page *)(uintptr_t)(h & ~(uintptr_t)(MTL__HANDLE_PAGE - 1));
    *out_i = pg->first +
             (uint32_t)((h & (MTL__HANDLE_PAGE - 1)) - MTL__HANDLE_HEADER) / 2u;
    return pg->chunk;
}

static inline mtl_lead *mtl__lead_handle(mtl__lead_chunk *c, uint32_t i)
{
    return (mtl_lead *)(void *)(c->handles +
                                (size_t)(i / MTL__HANDLE_SLOTS) * MTL__HANDLE_PAGE +
                                MTL__HANDLE_HEADER + 2u * (i % MTL__HANDLE_SLOTS));
}

static inline uint32_t mtl__lead_slot(const mtl__lead_chunk *c, uint32_t i)
{
    return (c->index << MTL__LEAD_CHUNK_BITS) | i;
}

/* lead storage (lead.c) */
/* Number of live leads whose customer (or segment) column holds slot:
 * removal checks scan instead of keeping per-record counters, which would
 * cost a random memory access per lead on the bulk path. */
size_t mtl__leads_referencing(const mtl_market *m, int customer, uint32_t slot);
mtl_lead *mtl__lead_at(const mtl_market *m, uint32_t slot);
/* Chunk k holds 256 << k slots, at most 65,536: small markets stay small. */
uint32_t mtl__lead_chunk_capacity(size_t k);
/* Make room for n more slots at the end; new chunks are zero-filled. */
mtl_status mtl__leads_reserve(mtl_market *m, size_t n);
/* What an importer hands mtl__lead_append besides the columns, one per
 * row, each NULL when it comes from the columns: the customers and
 * segments as slots of existing records (MTL__NONE: none), resolved once
 * per distinct value; the ids already stored in the market's id arena
 * (their payload is set to the lead's slot; on a failure they stay in the
 * arena, the importer's to release). */
typedef struct mtl__append_given {
    const uint32_t *customer_slots, *segment_slots;
    const uint32_t *id_refs;
} mtl__append_given;

/* mtl_lead_append_columns with what the importer gives (NULL: nothing).
 * Flags: */
#define MTL__APPEND_DEFER_INDEX 1u /* the ids are stored, not indexed or
                                    * checked for repeats: the caller calls
                                    * mtl__leads_index before the market is
                                    * used again (or truncates) */
#define MTL__APPEND_CHECKED 2u     /* every row holds what check_rows asks
                                    * (ids of 1 to MTL_ID_MAX bytes, a stage
                                    * and outcome that agree, values in
                                    * range, dictionary codes inside their
                                    * dictionaries): the CSV import's parsers
                                    * give nothing else */
mtl_status mtl__lead_append(mtl_market *m, const mtl_lead_columns *c,
                            const mtl__append_given *given, unsigned flags);
/* The leads as they are, to undo appends committed since
 * (mtl__leads_truncate): between the two, leads may only have been added
 * by the bulk append, and records by single adds. */
typedef struct mtl__leads_mark {
    size_t lead_count, nchunks, nattrs;
    uint32_t chunk, i; /* where the next append went */
    mtl__strpool_mark strings;
} mtl__leads_mark;
mtl__leads_mark mtl__leads_get_mark(const mtl_market *m);
void mtl__leads_truncate(mtl_market *m, mtl__leads_mark mark);
/* Put the ids of the leads appended since mark with MTL__APPEND_DEFER_INDEX
 * into the lead index, in one bulk fill (core/hash.h).  frags: the top 32
 * bits of each one's mtl__hash, in order (NULL: hashed here).  An id
 * given twice (among them, or already in the market) leaves the index as
 * it was and fails with MTL_E_DUPLICATE at error line r + 1, r the
 * position after mark of the first lead whose id is there before it. */
mtl_status mtl__leads_index(mtl_market *m, mtl__leads_mark mark, const uint32_t *frags);
/* First slot that an append would use. */
void mtl__leads_end(const mtl_market *m, uint32_t *chunk, uint32_t *i);
void mtl__leads_free(mtl_market *m);
/* Free a chunk with its columns allocated on demand. */
void mtl__chunk_free(mtl_market *m, mtl__lead_chunk *c);
/* Attribute key column for key (created if asked); index or MTL__NONE. */
uint32_t mtl__attr_find(const mtl_market *m, uint32_t key_id);
mtl_status mtl__attr_add_key(mtl_market *m, uint32_t key_id, uint32_t *out);
/* (mtl__attr_present, mtl__attr_get and mtl__attr_put: above, inline.)
 * Make chunk c's column of attribute k hold ids up to max_id: allocated
 * when missing (zeroed, or with fill for a caller that writes every slot),
 * widened to 32 bits when max_id needs it.  MTL_OK, or MTL_E_NO_MEMORY
 * (reported) with the column as it was. */
#define MTL__ATTR_FILL 1
mtl_status mtl__attr_reserve(mtl_market *m, uint32_t k, uint32_t c, uint32_t max_id,
                             int fill);
/* Zero the slots from i on of chunk c's column of attribute k, if any. */
void mtl__attr_clear_from(mtl_market *m, uint32_t k, uint32_t c, uint32_t i);
/* Free chunk c's column of attribute k, if any. */
void mtl__attr_drop(mtl_market *m, uint32_t k, uint32_t c);
mtl_status mtl__check_stage_outcome(const mtl_market *m, int32_t stage,
                                    int32_t outcome);
/* Interning with the usual error reporting. */
mtl_status mtl__intern(mtl_market *m, const char *s, const char *what,
                       uint32_t *out);

/* ---- funnel counters (funnel_counters.c) ------------------------------ */

/* The parts of mtl__funnel_cell_add off its fast path. */
void mtl__funnel_cell_override(mtl__funnel_cell *cell, int64_t amount, double p,
                               int64_t sign);
void mtl__funnel_cell_visits(const mtl_market *m, mtl__funnel_cell *cells,
                             const mtl__lead_chunk *c, uint32_t i, int64_t sign);

/* Add (sign 1) or take away (sign -1) lead i of chunk c in cells (one per
 * stage): the one accounting rule shared by the live counters and the
 * funnel report's scan.  Inline: the scan calls it for every lead. */
static inline void mtl__funnel_cell_add(const mtl_market *m, mtl__funnel_cell *cells,
                                        const mtl__lead_chunk *c, uint32_t i,
                                        int64_t sign)
{
    int32_t s = c->stage[i], o = c->outcome[i];
    int64_t amount = c->amount[i];
    mtl__funnel_cell *cell = &cells[s];
    cell->n[o] += sign;
    cell->amount[o] = sign > 0 ? mtl__wrap_add(cell->amount[o], amount)
                               : mtl__wrap_sub(cell->amount[o], amount);
    if (o == MTL_OUTCOME_OPEN && c->probability && c->probability[i] >= 0.0)
        mtl__funnel_cell_override(cell, amount, c->probability[i], sign);
    if (!c->history[i] && !(m->stages[s].flags & MTL_STAGE_FLAG_LOST))
        cell->tail[o] += sign;
    else
        mtl__funnel_cell_visits(m, cells, c, i, sign);
}
/* The live counters: account a lead in its segment's cells and the total. */
void mtl__funnel_account(mtl_market *m, const mtl__lead_chunk *c, uint32_t i,
                         int64_t sign);
/* Add the leads of slots from to to - 1 of chunk c (a bulk append's run:
 * one call instead of one per lead). */
void mtl__funnel_account_run(mtl_market *m, const mtl__lead_chunk *c, uint32_t from,
                             uint32_t to);
/* Make room for a new segment's (zeroed) cells; MTL_E_NO_MEMORY reported. */
mtl_status mtl__funnel_segment_init(mtl_market *m, const mtl_segment *s);
/* The market's funnel counters, at its release. */
void mtl__funnel_free(mtl_market *m);
/* A segment's cells (stage_count of them). */
static inline mtl__funnel_cell *mtl__funnel_of(const mtl_market *m,
                                               const mtl_segment *s)
{
    return m->funnel_segments + (size_t)s->rec.slot * (size_t)m->stage_count;
}
/* Recount every lead (after a snapshot load wrote the columns). */
void mtl__funnel_rebuild(mtl_market *m);
/* Σ amount × p of the overridden open leads in a cell, in minor units. */
double mtl__funnel_cell_override_weight(const mtl__funnel_cell *cell);
/* Visit the stages reached by lead i (its history, else the "reached"
 * rule); returns a bit set of up to MTL_STAGE_MAX stages. */
uint64_t mtl__lead_reached(const mtl_market *m, const mtl__lead_chunk *c,
                           uint32_t i);

static inline int mtl__minor_digits(const mtl_market *m)
{
    int d = 0;
    int64_t v;
    for (v = m->minor_per_major; v >= 10; v /= 10)
        d++;
    return d;
}

#endif
