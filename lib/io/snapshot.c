/* Snapshots: a whole market as one versioned, little-endian, CRC32C-checked
 * byte string, and back (format: docs/formats.md, "Snapshot").
 *
 * Writing makes two passes over the market with the same code: the first
 * only counts bytes and measures columns (the header carries the content
 * length, and every section its own), the second encodes them through a
 * fixed buffer on the stack into the caller's callback.  Values are
 * frame-of-reference coded: a base (the column's minimum) and a byte width
 * (just enough for the largest value minus the base), so a column of 10
 * million stages costs 10 MB and a column where every value is the same
 * costs 9 bytes.  Leads are written column by column, as they are stored;
 * segments and customers row by row, as they are stored.
 *
 * Reading checks the frame and the CRC, then walks every section and checks
 * every count against the bytes that hold it before anything is allocated;
 * only then is the market built, straight into its internal storage (lead
 * columns decoded into the chunks, the id indexes filled partition by
 * partition), checking every value on the way.  Any failure releases the
 * half-built market: nothing half-loaded is ever returned.
 *
 * Writing allocates only when segments or customers were removed (a map
 * from slots to file positions, 4 bytes per slot) and, for a file, a 1 MiB
 * stdio buffer; both come from the market's allocator. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#if defined(__unix__) || (defined(__APPLE__) && defined(__MACH__))
#include <unistd.h> /* fsync, fileno; defines _POSIX_VERSION */
#endif

#include "core/crc32c.h"
#include "market/internal.h"

/* ---- the format ------------------------------------------------------- */

#define SNAP_MAGIC "MTLSNAP" /* and its NUL: 8 bytes */
/* Version 2 added the strategy inputs (three sections after HIST).  A
 * market without any is written as version 1, which libmtl 0.1 before the
 * inputs reads too; both versions are read. */
#define SNAP_VERSION 2u
#define SNAP_HEADER 24u  /* magic, version, flags, content length */
#define SNAP_TRAILER 4u  /* CRC32C of the content */

#define TAG(a, b, c, d)                                                         \
    ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)

/* The sections, in the order they must appear: version 1 has the first
 * S_V1_COUNT, version 2 all of them. */
enum { S_MARKET, S_STAGES, S_STRINGS, S_SEGMENTS, S_CUSTOMERS, S_LEADS,
       S_ATTRS, S_HISTORY, S_V1_COUNT,
       S_SEGMENT_INPUTS = S_V1_COUNT, S_CUSTOMER_INPUTS, S_ANSWERS, S_COUNT };

static const uint32_t section_tag[S_COUNT] = {
    TAG('M', 'R', 'K', 'T'), TAG('S', 'T', 'G', 'E'), TAG('S', 'T', 'R', 'S'),
    TAG('S', 'E', 'G', 'S'), TAG('C', 'U', 'S', 'T'), TAG('L', 'E', 'A', 'D'),
    TAG('A', 'T', 'T', 'R'), TAG('H', 'I', 'S', 'T'), TAG('S', 'I', 'N', 'P'),
    TAG('C', 'I', 'N', 'P'), TAG('A', 'N', 'S', 'W'),
};

static const char *const section_name[S_COUNT] = {
    "MRKT", "STGE", "STRS", "SEGS", "CUST", "LEAD", "ATTR", "HIST",
    "SINP", "CINP", "ANSW",
};

static int sections_of(uint32_t version)
{
    return version >= 2 ? S_COUNT : S_V1_COUNT;
}

/* A section whose tag starts with a lowercase letter may be skipped by a
 * reader that does not know it (PNG's ancillary chunks). */
static int tag_optional(uint32_t tag)
{
    unsigned c = tag & 0xffu;
    return c >= 'a' && c <= 'z';
}

/* Column fields.  Dates (0 = none, else day - MTL_DATE_MIN + 1), record
 * references (0 = none, else index + 1) and categories (+ 1) are mapped
 * to small unsigned numbers; doubles travel as their IEEE-754 bits. */
enum {
    L_CUSTOMER, L_SEGMENT, L_OWNER, L_REGION, L_SOURCE, L_STAGE, L_OUTCOME,
    L_STATUS, L_CATEGORY, L_DECISION, L_AMOUNT, L_PROBABILITY, L_CREATED,
    L_EXPECTED, L_CLOSED,
    L_NCOLS, /* the LEAD section's columns, in this order */
    L_EVENTS = L_NCOLS, L_ATTR, E_DAY, E_STAGE
};

/* The columns of the customers' table, in this order (the segments' table
 * has one: the parent). */
enum { C_SEGMENT, C_REGION, C_OWNER, C_REVENUE, C_INVESTMENT, C_PARTICIPATION,
       C_GRADE, C_NCOLS };

static const char *const lead_column_name[L_NCOLS] = {
    "customer", "segment", "owner", "region", "source", "stage", "outcome",
    "status", "category", "decision step", "amount", "probability", "created",
    "expected close", "closed",
};

static const char *const segment_column_name[1] = {"parent"};

static const char *const customer_column_name[C_NCOLS] = {
    "segment", "region", "owner", "revenue", "investment", "participation",
    "grade",
};

#define DATE_CODE_MAX ((uint64_t)(MTL_DATE_MAX - MTL_DATE_MIN) + 1)

static uint64_t date_code(int32_t day)
{
    return day == MTL_DATE_NONE ? 0 : (uint64_t)((int64_t)day - MTL_DATE_MIN) + 1;
}

static uint64_t double_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static double bits_double(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static void put_le(unsigned char *p, uint64_t v, unsigned n)
{
    unsigned i;
    for (i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, unsigned n)
{
    uint64_t v = 0;
    unsigned i;
    for (i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* Bytes needed for values 0..range. */
static unsigned width_of(uint64_t range)
{
    unsigned w = 0;
    while (range) {
        w++;
        range >>= 8;
    }
    return w;
}

#define BATCH 512 /* values gathered or decoded at a time (4 KiB) */

/* ---- writing ---------------------------------------------------------- */

#define WBUF 16384
#define STATS_CACHE 64
#define BLOB_CACHE 8

typedef struct {
    size_t k;   /* lead chunk, or record slot */
    uint32_t i; /* slot in the lead chunk */
    uint32_t e; /* current history event + 1 (0 = between leads) */
} cursor;

typedef struct {
    const mtl_market *m;
    mtl_write_fn fn;
    void *ud;
    uint32_t version; /* 1 without strategy inputs, else 2 */
    int counting;     /* first pass: count bytes, write nothing */
    mtl_status st;
    uint64_t bytes;   /* content bytes so far */
    uint32_t crc;
    size_t pos;       /* bytes in buf */
    const uint32_t *seg_map, *cust_map; /* slot -> index + 1; NULL: slot + 1 */
    uint64_t nevents; /* events of live leads (counted in the first pass) */
    size_t ncol, nblob;
    uint64_t col_base[STATS_CACHE];
    unsigned char col_width[STATS_CACHE];
    uint64_t blob_len[BLOB_CACHE];
    uint64_t section_len[S_COUNT];
    unsigned char buf[WBUF];
} writer;

static void w_flush(writer *w)
{
    if (w->pos && w->st == MTL_OK) {
        w->crc = mtl__crc32c(w->crc, w->buf, w->pos);
        if (w->fn(w->buf, w->pos, w->ud) != 0)
            w->st = mtl__error(MTL_E_IO, "snapshot: the write callback refused "
                                         "%zu bytes",
                               w->pos);
    }
    w->pos = 0;
}

static void w_bytes(writer *w, const void *data, size_t n)
{
    const unsigned char *p = data;
    w->bytes += n;
    if (w->counting)
        return;
    while (n && w->st == MTL_OK) {
        size_t k = WBUF - w->pos;
        if (k == 0) {
            w_flush(w);
            continue;
        }
        if (k > n)
            k = n;
        memcpy(w->buf + w->pos, p, k);
        w->pos += k;
        p += k;
        n -= k;
    }
}

static void w_uint(writer *w, uint64_t v, unsigned n)
{
    unsigned char b[8];
    put_le(b, v, n);
    w_bytes(w, b, n);
}

static uint32_t ref_of(const uint32_t *map, uint32_t slot)
{
    if (slot == MTL__NONE)
        return 0;
    return map ? map[slot] : slot + 1;
}

static uint32_t event_count(const mtl_market *m, uint32_t head)
{
    uint32_t n = 0;
    for (; head; head = m->events[head - 1].next)
        n++;
    return n;
}

/* Up to max values of a lead column (live leads in storage order) from cur
 * on; 0 at the end. */
static size_t gather_leads(const writer *w, int field, uint32_t attr,
                           cursor *cur, uint64_t *out, size_t max, size_t kend)
{
    const mtl_market *m = w->m;
    size_t n = 0;
    while (n < max && cur->k < kend) {
        const mtl__lead_chunk *c = m->chunks[cur->k];
        const uint8_t *live = c->outcome;
        uint32_t i = cur->i, end = c->used;
        int dense;
        if ((size_t)(end - i) > max - n)
            end = i + (uint32_t)(max - n);
        /* runs without removed leads (the usual case) copy without a test
         * per slot */
        dense = end == i || !memchr(live + i, MTL__FREE_SLOT, end - i);
#define LOOP(expr)                                                              \
    if (dense) {                                                                \
        size_t d_ = n - i;                                                      \
        for (; i < end; i++)                                                    \
            out[d_ + i] = (expr);                                               \
        n = d_ + i;                                                             \
    } else {                                                                    \
        for (; i < end; i++)                                                    \
            if (live[i] != MTL__FREE_SLOT)                                      \
                out[n++] = (expr);                                              \
    }                                                                           \
    break
        switch (field) {
        case L_CUSTOMER: LOOP(ref_of(w->cust_map, c->customer[i]));
        case L_SEGMENT: LOOP(ref_of(w->seg_map, c->segment[i]));
        case L_OWNER: LOOP(c->owner[i]);
        case L_REGION: LOOP(c->region[i]);
        case L_SOURCE: LOOP(c->source[i]);
        case L_STAGE: LOOP(c->stage[i]);
        case L_OUTCOME: LOOP(c->outcome[i]);
        case L_STATUS: LOOP((uint64_t)mtl__misc_status(c->misc[i]));
        case L_CATEGORY: LOOP((uint64_t)(mtl__misc_category(c->misc[i]) + 1));
        case L_DECISION: LOOP((uint64_t)mtl__misc_decision(c->misc[i]));
        case L_AMOUNT: LOOP((uint64_t)c->amount[i]);
        case L_PROBABILITY: LOOP(double_bits(mtl__lead_probability(c, (uint32_t)i)));
        case L_CREATED: LOOP(date_code(c->created[i]));
        case L_EXPECTED: LOOP(date_code(mtl__lead_expected_close(c, (uint32_t)i)));
        case L_CLOSED: LOOP(date_code(c->closed[i]));
        case L_EVENTS:
            if (!w->nevents) {
                LOOP(0);
            }
            LOOP(event_count(m, c->history[i]));
        default: { /* L_ATTR */
            if (mtl__attr_present(m, attr, (uint32_t)cur->k)) {
                LOOP(mtl__attr_get(m, attr, (uint32_t)cur->k, (uint32_t)i));
            }
            LOOP(0);
        }
        }
#undef LOOP
        cur->i = i;
        if (i >= c->used) {
            cur->k++;
            cur->i = 0;
        }
    }
    return n;
}

/* History events of live leads, lead by lead, oldest first. */
static size_t gather_events(const writer *w, int field, cursor *cur,
                            uint64_t *out, size_t max)
{
    const mtl_market *m = w->m;
    size_t n = 0;
    if (!w->nevents)
        return 0;
    for (;;) {
        const mtl__event *ev;
        while (cur->e == 0) {
            const mtl__lead_chunk *c;
            if (cur->k >= m->nchunks)
                return n;
            c = m->chunks[cur->k];
            if (cur->i >= c->used) {
                cur->k++;
                cur->i = 0;
                continue;
            }
            /* a free slot's history column links the free list */
            if (c->outcome[cur->i] != MTL__FREE_SLOT)
                cur->e = c->history[cur->i];
            cur->i++;
        }
        if (n == max)
            return n;
        ev = &m->events[cur->e - 1];
        out[n++] = field == E_DAY ? date_code(ev->day) : (uint64_t)ev->stage;
        cur->e = ev->next;
    }
}

static const mtl__rec *rec_at(const mtl__recs *r, size_t slot)
{
    return (const mtl__rec *)(const void *)(r->chunks[slot >> MTL__REC_CHUNK_BITS] +
                                            (slot & (MTL__REC_CHUNK - 1)) *
                                                r->rec_size);
}

/* The table values of a segment (its parent) or a customer (C_*). */
static void record_values(const writer *w, const mtl__rec *rec, int segments,
                          uint64_t *v)
{
    const mtl_customer *cu = (const mtl_customer *)rec;
    if (segments) {
        v[0] = ref_of(w->seg_map, ((const mtl_segment *)rec)->parent);
        return;
    }
    v[C_SEGMENT] = ref_of(w->seg_map, cu->segment);
    v[C_REGION] = cu->region;
    v[C_OWNER] = cu->owner;
    v[C_REVENUE] = (uint64_t)cu->revenue;
    v[C_INVESTMENT] = (uint64_t)cu->investment;
    v[C_PARTICIPATION] = double_bits(cu->participation);
    v[C_GRADE] = (uint64_t)cu->grade;
}

static size_t gather(const writer *w, int field, uint32_t attr, cursor *cur,
                     uint64_t *out, size_t max)
{
    if (field <= L_ATTR)
        return gather_leads(w, field, attr, cur, out, max, w->m->nchunks);
    return gather_events(w, field, cur, out, max);
}

static void encode(writer *w, const uint64_t *v, size_t n, uint64_t base,
                   unsigned width)
{
    size_t j = 0, q;
    while (j < n && w->st == MTL_OK) {
        size_t room = (WBUF - w->pos) / width, t = n - j;
        unsigned char *p = w->buf + w->pos;
        if (room == 0) {
            w_flush(w);
            continue;
        }
        if (t > room)
            t = room;
        /* byte stores of shifted values: the compiler merges them into one
         * store on little-endian machines, and the format stays the same
         * on big-endian ones */
        switch (width) {
        case 1:
            for (q = 0; q < t; q++)
                p[q] = (unsigned char)(v[j + q] - base);
            break;
        case 2:
            for (q = 0; q < t; q++) {
                uint64_t x = v[j + q] - base;
                p[2 * q] = (unsigned char)x;
                p[2 * q + 1] = (unsigned char)(x >> 8);
            }
            break;
        case 4:
            for (q = 0; q < t; q++) {
                uint64_t x = v[j + q] - base;
                p[4 * q] = (unsigned char)x;
                p[4 * q + 1] = (unsigned char)(x >> 8);
                p[4 * q + 2] = (unsigned char)(x >> 16);
                p[4 * q + 3] = (unsigned char)(x >> 24);
            }
            break;
        case 8:
            for (q = 0; q < t; q++)
                put_le(p + 8 * q, v[j + q] - base, 8);
            break;
        default:
            for (q = 0; q < t; q++)
                put_le(p + (size_t)width * q, v[j + q] - base, width);
            break;
        }
        w->pos += t * width;
        w->bytes += (uint64_t)t * width;
        j += t;
    }
}

/* Four independent chains: one compare-and-move chain would wait on its
 * own results. */
static void min_max(const uint64_t *v, size_t n, uint64_t *lo, uint64_t *hi)
{
    uint64_t l0 = *lo, l1 = *lo, l2 = *lo, l3 = *lo;
    uint64_t h0 = *hi, h1 = *hi, h2 = *hi, h3 = *hi;
    size_t q;
    for (q = 0; q + 4 <= n; q += 4) {
        l0 = v[q] < l0 ? v[q] : l0;
        h0 = v[q] > h0 ? v[q] : h0;
        l1 = v[q + 1] < l1 ? v[q + 1] : l1;
        h1 = v[q + 1] > h1 ? v[q + 1] : h1;
        l2 = v[q + 2] < l2 ? v[q + 2] : l2;
        h2 = v[q + 2] > h2 ? v[q + 2] : h2;
        l3 = v[q + 3] < l3 ? v[q + 3] : l3;
        h3 = v[q + 3] > h3 ? v[q + 3] : h3;
    }
    for (; q < n; q++) {
        l0 = v[q] < l0 ? v[q] : l0;
        h0 = v[q] > h0 ? v[q] : h0;
    }
    l0 = l1 < l0 ? l1 : l0;
    l2 = l3 < l2 ? l3 : l2;
    h0 = h1 > h0 ? h1 : h0;
    h2 = h3 > h2 ? h3 : h2;
    *lo = l2 < l0 ? l2 : l0;
    *hi = h2 > h0 ? h2 : h0;
}

/* A column of count values: u8 width, u64 base, count values of width
 * bytes.  min_width 1 keeps a column from shrinking to its 9-byte header
 * (history events: see read_column). */
/* ---- lead columns straight from the chunks ---- */

/* Most lead columns are an array per chunk: on a run of live slots (no
 * removed lead in the chunk) and without a slot map, their values are
 * read, measured and encoded in place, with no staging copy. */
enum { K_U32, K_U16, K_REF, K_U8, K_U64, K_F64, K_DATE };

typedef struct {
    int kind;
    const void *a;
    unsigned shift, mask; /* K_U8: (byte >> shift) & mask */
} direct;

static int direct_of(const writer *w, int field, uint32_t attr,
                     const mtl__lead_chunk *c, size_t k, direct *d)
{
    const mtl__attr_column *ac;
    d->shift = 0;
    d->mask = 0xff;
    switch (field) {
    case L_CUSTOMER:
        d->kind = K_REF;
        d->a = c->customer;
        return w->cust_map == NULL;
    case L_SEGMENT:
        d->kind = K_REF;
        d->a = c->segment;
        return w->seg_map == NULL;
    case L_OWNER: d->kind = K_U32; d->a = c->owner; return 1;
    case L_REGION: d->kind = K_U32; d->a = c->region; return 1;
    case L_SOURCE: d->kind = K_U32; d->a = c->source; return 1;
    case L_STAGE: d->kind = K_U8; d->a = c->stage; return 1;
    case L_OUTCOME: d->kind = K_U8; d->a = c->outcome; return 1;
    /* the packed byte holds status, category + 1 and the decision step:
     * the format's values exactly (MTL__MISC in market/internal.h) */
    case L_STATUS: d->kind = K_U8; d->a = c->misc; d->mask = 3; return 1;
    case L_CATEGORY:
        d->kind = K_U8;
        d->a = c->misc;
        d->shift = 2;
        d->mask = 7;
        return 1;
    case L_DECISION:
        d->kind = K_U8;
        d->a = c->misc;
        d->shift = 5;
        d->mask = 7;
        return 1;
    case L_AMOUNT: d->kind = K_U64; d->a = c->amount; return 1;
    /* the two columns a chunk may lack: gathered slot by slot then */
    case L_PROBABILITY: d->kind = K_F64; d->a = c->probability; return d->a != NULL;
    case L_CREATED: d->kind = K_DATE; d->a = c->created; return 1;
    case L_EXPECTED: d->kind = K_DATE; d->a = c->expected_close; return d->a != NULL;
    case L_CLOSED: d->kind = K_DATE; d->a = c->closed; return 1;
    case L_ATTR:
        ac = &w->m->attrs[attr];
        if (k >= ac->nchunk || !ac->chunk[k])
            return 0;
        d->kind = ac->wide[k] ? K_U32 : K_U16;
        d->a = ac->chunk[k];
        return 1;
    default:
        return 0; /* L_EVENTS */
    }
}

static inline uint64_t f64_at(const double *a, size_t j)
{
    uint64_t u;
    memcpy(&u, &a[j], sizeof u);
    return u;
}

/* The value of slot j of a direct column, as in gather_leads. */
#define D_U32(j) ((uint64_t)a32[j])
#define D_U16(j) ((uint64_t)a16[j])
#define D_REF(j) ((uint64_t)(uint32_t)(a32[j] + 1u)) /* MTL__NONE + 1 wraps to 0 */
#define D_U8(j) ((uint64_t)((a8[j] >> sh) & mk))
#define D_U64(j) ((uint64_t)a64[j])
#define D_F64(j) f64_at(af, j)
#define D_DATE(j) (ad[j] == MTL_DATE_NONE ? 0 : (uint64_t)((int64_t)ad[j] - MTL_DATE_MIN) + 1)

#define DIRECT_VARS(d)                                                          \
    const uint32_t *a32 = (const uint32_t *)(d)->a;                             \
    const uint16_t *a16 = (const uint16_t *)(d)->a;                             \
    const uint8_t *a8 = (const uint8_t *)(d)->a;                                \
    const int64_t *a64 = (const int64_t *)(d)->a;                               \
    const double *af = (const double *)(d)->a;                                  \
    const int32_t *ad = (const int32_t *)(d)->a;                                \
    unsigned sh = (d)->shift, mk = (d)->mask;                                   \
    (void)a32, (void)a16, (void)a8, (void)a64, (void)af, (void)ad, (void)sh, (void)mk

#define DIRECT_SWITCH(d, BODY)                                                  \
    switch ((d)->kind) {                                                        \
    case K_U32: BODY(D_U32); break;                                             \
    case K_U16: BODY(D_U16); break;                                             \
    case K_REF: BODY(D_REF); break;                                             \
    case K_U8: BODY(D_U8); break;                                               \
    case K_U64: BODY(D_U64); break;                                             \
    case K_F64: BODY(D_F64); break;                                             \
    default: BODY(D_DATE); break;                                               \
    }

/* Two independent compare-and-move chains. */
#define MINMAX_BODY(GET)                                                        \
    do {                                                                        \
        size_t q = i0;                                                          \
        for (; q + 2 <= i0 + t; q += 2) {                                       \
            uint64_t x0 = GET(q), x1 = GET(q + 1);                              \
            l0 = x0 < l0 ? x0 : l0;                                             \
            h0 = x0 > h0 ? x0 : h0;                                             \
            l1 = x1 < l1 ? x1 : l1;                                             \
            h1 = x1 > h1 ? x1 : h1;                                             \
        }                                                                       \
        if (q < i0 + t) {                                                       \
            uint64_t x0 = GET(q);                                               \
            l0 = x0 < l0 ? x0 : l0;                                             \
            h0 = x0 > h0 ? x0 : h0;                                             \
        }                                                                       \
    } while (0)

static void direct_min_max(const direct *d, size_t i0, size_t t, uint64_t *lo,
                           uint64_t *hi)
{
    uint64_t l0 = *lo, l1 = *lo, h0 = *hi, h1 = *hi;
    DIRECT_VARS(d);
    DIRECT_SWITCH(d, MINMAX_BODY)
    *lo = l1 < l0 ? l1 : l0;
    *hi = h1 > h0 ? h1 : h0;
}

#define ENCODE_BODY(GET)                                                        \
    do {                                                                        \
        size_t q;                                                               \
        switch (width) {                                                        \
        case 1:                                                                 \
            for (q = 0; q < k; q++)                                             \
                p[q] = (unsigned char)(GET(i0 + q) - base);                     \
            break;                                                              \
        case 2:                                                                 \
            for (q = 0; q < k; q++) {                                           \
                uint64_t x = GET(i0 + q) - base;                                \
                p[2 * q] = (unsigned char)x;                                    \
                p[2 * q + 1] = (unsigned char)(x >> 8);                         \
            }                                                                   \
            break;                                                              \
        case 4:                                                                 \
            for (q = 0; q < k; q++) {                                           \
                uint64_t x = GET(i0 + q) - base;                                \
                p[4 * q] = (unsigned char)x;                                    \
                p[4 * q + 1] = (unsigned char)(x >> 8);                         \
                p[4 * q + 2] = (unsigned char)(x >> 16);                        \
                p[4 * q + 3] = (unsigned char)(x >> 24);                        \
            }                                                                   \
            break;                                                              \
        default:                                                                \
            for (q = 0; q < k; q++)                                             \
                put_le(p + (size_t)width * q, GET(i0 + q) - base, width);       \
            break;                                                              \
        }                                                                       \
    } while (0)

static void direct_encode(writer *w, const direct *d, size_t i0, size_t t,
                          uint64_t base, unsigned width)
{
    DIRECT_VARS(d);
    while (t && w->st == MTL_OK) {
        size_t room = (WBUF - w->pos) / width, k = t;
        unsigned char *p = w->buf + w->pos;
        if (room == 0) {
            w_flush(w);
            continue;
        }
        if (k > room)
            k = room;
        DIRECT_SWITCH(d, ENCODE_BODY)
        w->pos += k * width;
        w->bytes += (uint64_t)k * width;
        i0 += k;
        t -= k;
    }
}

/* Measure (base, width: encode == 0) or encode a lead column, chunk by
 * chunk; the number of values seen. */
static uint64_t lead_column_pass(writer *w, int field, uint32_t attr, int enc,
                                 uint64_t *lo, uint64_t *hi, uint64_t base,
                                 unsigned width)
{
    const mtl_market *m = w->m;
    uint64_t tmp[BATCH], total = 0;
    size_t k, n;
    for (k = 0; k < m->nchunks && w->st == MTL_OK; k++) {
        const mtl__lead_chunk *c = m->chunks[k];
        direct d;
        if (c->used == 0)
            continue;
        if (!memchr(c->outcome, MTL__FREE_SLOT, c->used) &&
            direct_of(w, field, attr, c, k, &d)) {
            if (!enc)
                direct_min_max(&d, 0, c->used, lo, hi);
            else if (width)
                direct_encode(w, &d, 0, c->used, base, width);
            total += c->used;
        } else {
            cursor cur = {k, 0, 0};
            while ((n = gather_leads(w, field, attr, &cur, tmp, BATCH, k + 1)) > 0) {
                if (!enc)
                    min_max(tmp, n, lo, hi);
                else if (width)
                    encode(w, tmp, n, base, width);
                total += n;
            }
        }
    }
    return total;
}

static void w_column(writer *w, int field, uint32_t attr, uint64_t count,
                     unsigned min_width)
{
    uint64_t tmp[BATCH], base = 0, total = 0;
    unsigned width;
    size_t idx = w->ncol++, n;
    cursor cur = {0, 0, 0};
    if (w->st)
        return;
    if (!w->counting && idx < STATS_CACHE) {
        base = w->col_base[idx];
        width = w->col_width[idx];
    } else {
        uint64_t lo = UINT64_MAX, hi = 0;
        if (field <= L_ATTR)
            lead_column_pass(w, field, attr, 0, &lo, &hi, 0, 0);
        else
            while ((n = gather(w, field, attr, &cur, tmp, BATCH)) > 0)
                min_max(tmp, n, &lo, &hi);
        base = lo <= hi ? lo : 0;
        width = lo <= hi ? width_of(hi - lo) : 0;
        if (count && width < min_width)
            width = min_width;
        /* a constant attribute column is written with width 1 unless no
         * lead has the attribute (see parse_records) */
        if (field == L_ATTR && count && width == 0 && base != 0)
            width = 1;
        if (idx < STATS_CACHE) {
            w->col_base[idx] = base;
            w->col_width[idx] = (unsigned char)width;
        }
    }
    w_uint(w, width, 1);
    w_uint(w, base, 8);
    if (w->counting) {
        w->bytes += count * width;
        return;
    }
    if (field <= L_ATTR) {
        total = lead_column_pass(w, field, attr, 1, NULL, NULL, base, width);
    } else {
        memset(&cur, 0, sizeof cur);
        while ((n = gather(w, field, attr, &cur, tmp, BATCH)) > 0 &&
               w->st == MTL_OK) {
            total += n;
            if (width)
                encode(w, tmp, n, base, width);
        }
    }
    if (w->st == MTL_OK && total != count)
        w->st = mtl__error(MTL_E_STATE, "snapshot: a column has %llu values, "
                                        "the count says %llu (was the market "
                                        "changed while it was written?)",
                           (unsigned long long)total, (unsigned long long)count);
}

/* The records of a kind as a table, row by row (they are stored as rows,
 * so one pass reads them): for each column u8 width and u64 base, then
 * each live record's values, column after column. */
static void w_table(writer *w, int segments)
{
    const mtl__recs *r = segments ? &w->m->segments : &w->m->customers;
    unsigned ncols = segments ? 1 : C_NCOLS, c, width[C_NCOLS], row = 0;
    uint64_t base[C_NCOLS], v[C_NCOLS];
    size_t idx = w->ncol, slot;
    w->ncol += ncols;
    if (w->st)
        return;
    if (!w->counting && idx + ncols <= STATS_CACHE) {
        for (c = 0; c < ncols; c++) {
            base[c] = w->col_base[idx + c];
            width[c] = w->col_width[idx + c];
        }
    } else {
        uint64_t lo[C_NCOLS], hi[C_NCOLS];
        for (c = 0; c < ncols; c++) {
            lo[c] = UINT64_MAX;
            hi[c] = 0;
        }
        for (slot = 0; slot < r->high; slot++) {
            const mtl__rec *rec = rec_at(r, slot);
            if (!rec->alive)
                continue;
            record_values(w, rec, segments, v);
            for (c = 0; c < ncols; c++) {
                lo[c] = v[c] < lo[c] ? v[c] : lo[c];
                hi[c] = v[c] > hi[c] ? v[c] : hi[c];
            }
        }
        for (c = 0; c < ncols; c++) {
            base[c] = lo[c] <= hi[c] ? lo[c] : 0;
            width[c] = lo[c] <= hi[c] ? width_of(hi[c] - lo[c]) : 0;
            if (idx + ncols <= STATS_CACHE) {
                w->col_base[idx + c] = base[c];
                w->col_width[idx + c] = (unsigned char)width[c];
            }
        }
    }
    for (c = 0; c < ncols; c++) {
        w_uint(w, width[c], 1);
        w_uint(w, base[c], 8);
        row += width[c];
    }
    if (w->counting) {
        w->bytes += (uint64_t)r->live * row;
        return;
    }
    for (slot = 0; row && slot < r->high && w->st == MTL_OK; slot++) {
        const mtl__rec *rec = rec_at(r, slot);
        unsigned char *p;
        if (!rec->alive)
            continue;
        record_values(w, rec, segments, v);
        if (WBUF - w->pos < row)
            w_flush(w);
        p = w->buf + w->pos;
        for (c = 0; c < ncols; c++) {
            put_le(p, v[c] - base[c], width[c]);
            p += width[c];
        }
        w->pos += row;
        w->bytes += row;
    }
}

/* A block of strings, each followed by a NUL: u64 byte length, bytes.  The
 * length is measured in the first pass and kept for the second. */
typedef const char *(*string_at_fn)(const writer *w, cursor *cur);

static const char *pool_string_at(const writer *w, cursor *cur)
{
    const mtl__strpool *sp = &w->m->strings;
    if (cur->k == 0)
        cur->k = 1; /* id 0 is "" and is not written */
    if (cur->k >= sp->count)
        return NULL;
    return mtl__arena_at(&sp->arena, sp->refs[cur->k++]);
}

static const char *record_string_at(const writer *w, cursor *cur,
                                    const mtl__recs *r, int names)
{
    while (cur->k < r->high) {
        const mtl__rec *rec = mtl__recs_at(r, (uint32_t)cur->k++);
        if (!rec->alive)
            continue;
        if (!names)
            return mtl__arena_at(&w->m->ids, rec->id_ref);
        if (r == &w->m->segments) {
            const char *s = ((const mtl_segment *)rec)->name;
            return s ? s : "";
        } else {
            const char *s = ((const mtl_customer *)rec)->name;
            return s ? s : "";
        }
    }
    return NULL;
}

static const char *seg_id_at(const writer *w, cursor *c)
{
    return record_string_at(w, c, &w->m->segments, 0);
}
static const char *seg_name_at(const writer *w, cursor *c)
{
    return record_string_at(w, c, &w->m->segments, 1);
}
static const char *cust_id_at(const writer *w, cursor *c)
{
    return record_string_at(w, c, &w->m->customers, 0);
}
static const char *cust_name_at(const writer *w, cursor *c)
{
    return record_string_at(w, c, &w->m->customers, 1);
}

static const char *lead_id_at(const writer *w, cursor *cur)
{
    const mtl_market *m = w->m;
    while (cur->k < m->nchunks) {
        const mtl__lead_chunk *c = m->chunks[cur->k];
        while (cur->i < c->used) {
            uint32_t i = cur->i++;
            if (c->outcome[i] != MTL__FREE_SLOT)
                return mtl__arena_at(&m->ids, c->id_ref[i]);
        }
        cur->k++;
        cur->i = 0;
    }
    return NULL;
}

/* The ids of the leads, ten million of them: copied straight into the
 * buffer, not one call each. */
static void w_lead_ids(writer *w)
{
    const mtl_market *m = w->m;
    size_t k;
    for (k = 0; k < m->nchunks && w->st == MTL_OK; k++) {
        const mtl__lead_chunk *c = m->chunks[k];
        uint32_t i;
        for (i = 0; i < c->used && w->st == MTL_OK; i++) {
            const char *id;
            unsigned char *p;
            size_t len;
            if (c->outcome[i] == MTL__FREE_SLOT)
                continue;
            if (WBUF - w->pos < MTL_ID_MAX + 1)
                w_flush(w);
            id = mtl__arena_at(&m->ids, c->id_ref[i]);
            p = w->buf + w->pos;
            for (len = 0; (p[len] = (unsigned char)id[len]) != 0; len++)
                ;
            w->pos += len + 1;
            w->bytes += len + 1;
        }
    }
}

static void w_strings(writer *w, string_at_fn at)
{
    cursor cur = {0, 0, 0};
    size_t idx = w->nblob++;
    const char *s;
    uint64_t len = 0;
    if (w->st)
        return;
    if (!w->counting && idx < BLOB_CACHE) {
        len = w->blob_len[idx];
    } else {
        while ((s = at(w, &cur)) != NULL)
            len += strlen(s) + 1;
        if (idx < BLOB_CACHE)
            w->blob_len[idx] = len;
    }
    w_uint(w, len, 8);
    if (w->counting) {
        w->bytes += len;
        return;
    }
    memset(&cur, 0, sizeof cur);
    if (at == lead_id_at) {
        w_lead_ids(w);
        return;
    }
    while (w->st == MTL_OK && (s = at(w, &cur)) != NULL)
        w_bytes(w, s, strlen(s) + 1);
}

/* ---- the strategy inputs (version 2) ---- */

static void w_f64(writer *w, double d) { w_uint(w, double_bits(d), 8); }

/* A text: u32 byte length, the bytes (no NUL). */
static void w_text(writer *w, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    w_uint(w, n, 4);
    w_bytes(w, s, n);
}

static int segment_has_inputs(const mtl_segment *g)
{
    const mtl__segment_inputs *in = g->inputs;
    return in && (in->has_factors || in->looks.count || in->appeals.count ||
                  in->control_points.count || in->pains.count);
}

static int customer_has_inputs(const mtl_customer *c)
{
    const mtl__customer_inputs *in = c->inputs;
    return in && (in->has_relationship || in->pains.count || in->contacts.count);
}

/* The answers of live lead i of chunk k, or NULL. */
static const mtl__answers *answers_of(const mtl_market *m, size_t k, uint32_t i)
{
    const mtl__answers *a = mtl__answers_at(m, (uint32_t)k, i);
    return a && a->mask && m->chunks[k]->outcome[i] != MTL__FREE_SLOT ? a : NULL;
}

static uint64_t answered_leads(const mtl_market *m)
{
    uint64_t n = 0;
    size_t k;
    uint32_t i;
    for (k = 0; k < m->answer_chunks && k < m->nchunks; k++)
        for (i = 0; m->answers[k] && i < m->chunks[k]->used; i++)
            n += answers_of(m, k, i) != NULL;
    return n;
}

/* Does the market need version 2? */
static int has_inputs(const mtl_market *m)
{
    size_t slot;
    for (slot = 0; slot < m->segments.high; slot++) {
        const mtl__rec *rec = rec_at(&m->segments, slot);
        if (rec->alive && segment_has_inputs((const mtl_segment *)rec))
            return 1;
    }
    for (slot = 0; slot < m->customers.high; slot++) {
        const mtl__rec *rec = rec_at(&m->customers, slot);
        if (rec->alive && customer_has_inputs((const mtl_customer *)rec))
            return 1;
    }
    return answered_leads(m) != 0;
}

static void w_pain(writer *w, const mtl_pain *p)
{
    w_text(w, p->layer);
    w_text(w, p->text);
    w_f64(w, p->severity);
    w_f64(w, p->urgency);
    w_f64(w, p->breadth);
    w_f64(w, p->budget);
    w_f64(w, p->fit);
    w_uint(w, (uint32_t)p->role, 1);
}

static void w_pains(writer *w, const mtl__rows *r)
{
    size_t i;
    w_uint(w, r->count, 4);
    for (i = 0; i < r->count; i++)
        w_pain(w, mtl__rows_at(r, i));
}

static void w_segment_inputs(const mtl__segment_inputs *in, writer *w)
{
    const mtl_segment_factors *f = &in->factors;
    size_t i;
    int k;
    w_uint(w, (uint64_t)in->has_factors, 1);
    if (in->has_factors) {
        w_uint(w, (uint64_t)f->market_size, 8);
        w_f64(w, f->growth);
        w_f64(w, f->profit_potential);
        for (k = 0; k < MTL_FORCE_COUNT; k++)
            w_f64(w, f->forces[k]);
        w_f64(w, f->strategic_value);
        w_uint(w, (uint64_t)f->revenue, 8);
        w_f64(w, f->gross_margin);
        w_f64(w, f->share_goal);
        w_f64(w, f->growth_goal);
        for (k = 0; k < MTL_APPEALS_COUNT; k++)
            w_f64(w, f->appeals_weights[k]);
    }
    w_uint(w, in->looks.count, 4);
    for (i = 0; i < in->looks.count; i++) {
        const mtl_look_item *it = mtl__rows_at(&in->looks, i);
        w_uint(w, (uint32_t)it->look, 1);
        w_f64(w, it->impact);
        w_f64(w, it->likelihood);
        w_uint(w, (uint32_t)it->window_months, 4);
        w_text(w, it->text);
        w_text(w, it->evidence);
    }
    w_uint(w, in->appeals.count, 4);
    for (i = 0; i < in->appeals.count; i++) {
        const mtl_appeals_rating *r = mtl__rows_at(&in->appeals, i);
        w_text(w, r->competitor);
        for (k = 0; k < MTL_APPEALS_COUNT; k++)
            w_f64(w, r->ratings[k]);
    }
    w_uint(w, in->control_points.count, 4);
    for (i = 0; i < in->control_points.count; i++) {
        const mtl_control_point *p = mtl__rows_at(&in->control_points, i);
        w_uint(w, (uint32_t)p->kind, 1);
        w_f64(w, p->attainability);
        w_text(w, p->text);
    }
    w_pains(w, &in->pains);
}

static void w_customer_inputs(const mtl__customer_inputs *in, writer *w)
{
    size_t i;
    int k;
    w_uint(w, (uint64_t)in->has_relationship, 1);
    if (in->has_relationship)
        for (k = 0; k < MTL_REL_COUNT; k++)
            w_f64(w, in->relationship[k]);
    w_pains(w, &in->pains);
    w_uint(w, in->contacts.count, 4);
    for (i = 0; i < in->contacts.count; i++) {
        const mtl_contact *c = mtl__rows_at(&in->contacts, i);
        w_text(w, c->name);
        w_text(w, c->title);
        w_uint(w, (uint32_t)c->role, 1);
        w_uint(w, (uint32_t)c->attitude, 1);
        w_uint(w, (uint32_t)c->coach, 1);
    }
}

/* SINP or CINP: u64 n, then per record with inputs its reference and its
 * inputs. */
static void w_record_inputs(writer *w, int segments)
{
    const mtl__recs *r = segments ? &w->m->segments : &w->m->customers;
    uint64_t n = 0;
    size_t slot;
    for (slot = 0; slot < r->high; slot++) {
        const mtl__rec *rec = rec_at(r, slot);
        n += rec->alive && (segments ? segment_has_inputs((const mtl_segment *)rec)
                                     : customer_has_inputs((const mtl_customer *)rec));
    }
    w_uint(w, n, 8);
    for (slot = 0; slot < r->high && w->st == MTL_OK; slot++) {
        const mtl__rec *rec = rec_at(r, slot);
        if (!rec->alive)
            continue;
        if (segments && segment_has_inputs((const mtl_segment *)rec)) {
            w_uint(w, ref_of(w->seg_map, (uint32_t)slot), 4);
            w_segment_inputs(((const mtl_segment *)rec)->inputs, w);
        } else if (!segments && customer_has_inputs((const mtl_customer *)rec)) {
            w_uint(w, ref_of(w->cust_map, (uint32_t)slot), 4);
            w_customer_inputs(((const mtl_customer *)rec)->inputs, w);
        }
    }
}

/* ANSW: u64 n, then per lead with answers its position, the mask of the
 * criteria answered and each answer. */
static void w_answers(writer *w)
{
    const mtl_market *m = w->m;
    uint64_t pos = 0;
    size_t k;
    uint32_t i;
    int q;
    w_uint(w, answered_leads(m), 8);
    for (k = 0; k < m->nchunks && w->st == MTL_OK; k++)
        for (i = 0; i < m->chunks[k]->used; i++) {
            const mtl__answers *a;
            if (m->chunks[k]->outcome[i] == MTL__FREE_SLOT)
                continue;
            pos++;
            if (!(a = answers_of(m, k, i)))
                continue;
            w_uint(w, pos, 4);
            w_uint(w, a->mask, 2);
            for (q = 0; q < MTL_CRIT_COUNT; q++)
                if (a->mask >> q & 1u) {
                    w_f64(w, a->score[q]);
                    w_text(w, a->evidence[q]);
                }
        }
}

static void w_section_body(writer *w, int s)
{
    const mtl_market *m = w->m;
    int32_t st;
    size_t k;
    switch (s) {
    case S_MARKET:
        w_uint(w, (uint64_t)m->minor_per_major, 8);
        break;
    case S_STAGES:
        w_uint(w, (uint64_t)m->stage_count, 4);
        for (st = 0; st < m->stage_count; st++) {
            const mtl__stage *g = &m->stages[st];
            size_t nl = strlen(g->name), pl = strlen(g->phase);
            w_uint(w, nl, 1);
            w_bytes(w, g->name, nl);
            w_uint(w, pl, 1);
            w_bytes(w, g->phase, pl);
            w_uint(w, double_bits(g->probability), 8);
            w_uint(w, (uint32_t)g->category, 4);
            w_uint(w, (uint32_t)g->flags, 4);
        }
        break;
    case S_STRINGS:
        w_uint(w, m->strings.count ? m->strings.count - 1 : 0, 8);
        w_strings(w, pool_string_at);
        break;
    case S_SEGMENTS:
        w_uint(w, m->segments.live, 8);
        w_strings(w, seg_id_at);
        w_strings(w, seg_name_at);
        w_table(w, 1);
        break;
    case S_CUSTOMERS:
        w_uint(w, m->customers.live, 8);
        w_strings(w, cust_id_at);
        w_strings(w, cust_name_at);
        w_table(w, 0);
        break;
    case S_LEADS:
        w_uint(w, m->lead_count, 8);
        w_strings(w, lead_id_at);
        for (k = 0; k < L_NCOLS; k++)
            w_column(w, (int)k, 0, m->lead_count, 0);
        break;
    case S_ATTRS:
        w_uint(w, m->nattrs, 4);
        for (k = 0; k < m->nattrs; k++) {
            w_uint(w, m->attrs[k].key, 4);
            w_column(w, L_ATTR, (uint32_t)k, m->lead_count, 0);
        }
        break;
    case S_HISTORY:
        w_uint(w, w->nevents, 8);
        w_column(w, L_EVENTS, 0, m->lead_count, 0);
        w_column(w, E_DAY, 0, w->nevents, 1);
        w_column(w, E_STAGE, 0, w->nevents, 1);
        break;
    case S_SEGMENT_INPUTS: w_record_inputs(w, 1); break;
    case S_CUSTOMER_INPUTS: w_record_inputs(w, 0); break;
    default: w_answers(w); break; /* S_ANSWERS */
    }
}

static void w_content(writer *w)
{
    int s;
    w->bytes = 0;
    w->ncol = 0;
    w->nblob = 0;
    for (s = 0; s < sections_of(w->version) && w->st == MTL_OK; s++) {
        uint64_t start;
        w_uint(w, section_tag[s], 4);
        w_uint(w, w->counting ? 0 : w->section_len[s], 8);
        start = w->bytes;
        w_section_body(w, s);
        if (w->counting)
            w->section_len[s] = w->bytes - start;
        else if (w->st == MTL_OK && w->bytes - start != w->section_len[s])
            w->st = mtl__error(MTL_E_STATE, "snapshot: section %s changed size "
                                            "while it was written",
                               section_name[s]);
    }
}

/* slot -> index + 1 of live records, for record kinds with holes; NULL
 * (identity) when there are none. */
static mtl_status record_map(const mtl__recs *r, mtl__allocator *a, uint32_t **out)
{
    uint32_t s, n = 0, *map;
    *out = NULL;
    if (r->live == r->high)
        return MTL_OK;
    map = mtl__alloc_array(a, r->high, sizeof *map);
    if (!map)
        return mtl__error_oom();
    for (s = 0; s < r->high; s++)
        map[s] = ((const mtl__rec *)mtl__recs_at(r, s))->alive ? ++n : 0;
    *out = map;
    return MTL_OK;
}

MTL_API mtl_status mtl_market_write(const mtl_market *market, mtl_write_fn write,
                                    void *user_data)
{
    /* the market's allocator serves the two small slot maps; its byte
     * counter is atomic */
    mtl__allocator *a;
    uint32_t *seg_map = NULL, *cust_map = NULL;
    unsigned char head[SNAP_HEADER], tail[SNAP_TRAILER];
    writer w;
    mtl_status st;
    size_t k;
    if (!market)
        return mtl__error_null("market");
    if (!write)
        return mtl__error_null("write");
    a = (mtl__allocator *)(uintptr_t)&market->alloc;
    if ((st = record_map(&market->segments, a, &seg_map)) ||
        (st = record_map(&market->customers, a, &cust_map))) {
        mtl__free(a, seg_map, market->segments.high * sizeof *seg_map);
        return st;
    }
    memset(&w, 0, offsetof(writer, buf));
    w.m = market;
    w.fn = write;
    w.ud = user_data;
    w.seg_map = seg_map;
    w.cust_map = cust_map;
    w.version = has_inputs(market) ? SNAP_VERSION : 1u;
    for (k = 0; k < market->nchunks; k++) {
        const mtl__lead_chunk *c = market->chunks[k];
        uint32_t i;
        for (i = 0; i < c->used; i++)
            if (c->outcome[i] != MTL__FREE_SLOT && c->history[i])
                w.nevents += event_count(market, c->history[i]);
    }

    w.counting = 1;
    w_content(&w);
    if (w.st == MTL_OK) {
        memcpy(head, SNAP_MAGIC, 8);
        put_le(head + 8, w.version, 4);
        put_le(head + 12, 0, 4);
        put_le(head + 16, w.bytes, 8);
        if (write(head, sizeof head, user_data) != 0)
            w.st = mtl__error(MTL_E_IO, "snapshot: the write callback refused "
                                        "the header");
    }
    if (w.st == MTL_OK) {
        w.counting = 0;
        w_content(&w);
        w_flush(&w);
    }
    if (w.st == MTL_OK) {
        put_le(tail, w.crc, 4);
        if (write(tail, sizeof tail, user_data) != 0)
            w.st = mtl__error(MTL_E_IO, "snapshot: the write callback refused "
                                        "the checksum");
    }
    if (seg_map)
        mtl__free(a, seg_map, market->segments.high * sizeof *seg_map);
    if (cust_map)
        mtl__free(a, cust_map, market->customers.high * sizeof *cust_map);
    return w.st;
}

/* ---- saving to a file ------------------------------------------------- */

/* Longest temporary path: the name is built on the stack (the market is
 * const and saving allocates nothing); PATH_MAX is 4096 on Linux. */
#define TMP_PATH_MAX 4096

/* The stdio buffer of the file being saved (from the market's allocator;
 * without it stdio's own small buffer is used). */
#define FILE_BUFFER ((size_t)1 << 20)

static int32_t file_write(const void *data, size_t len, void *user_data)
{
    return fwrite(data, 1, len, (FILE *)user_data) == len ? 0 : 1;
}

MTL_API mtl_status mtl_market_save(const mtl_market *market, const char *path)
{
    char tmp[TMP_PATH_MAX];
    mtl__allocator *a;
    char *fbuf;
    size_t len;
    FILE *f;
    mtl_status st;
    int err = 0;
    if (!market)
        return mtl__error_null("market");
    if (!path)
        return mtl__error_null("path");
    len = strlen(path);
    if (len == 0)
        return mtl__error(MTL_E_INVALID_ARGUMENT, "snapshot: the path is empty");
    if (len + sizeof ".tmp" > sizeof tmp)
        return mtl__error(MTL_E_IO, "snapshot: path longer than %zu bytes",
                          sizeof tmp - sizeof ".tmp");
    memcpy(tmp, path, len);
    memcpy(tmp + len, ".tmp", sizeof ".tmp");

    f = fopen(tmp, "wb");
    if (!f)
        return mtl__error(MTL_E_IO, "snapshot: cannot create '%.200s': %s", tmp,
                          strerror(errno));
    /* large writes: fewer system calls, and the disk takes them faster
     * (without the buffer stdio writes each 16 KiB piece on its own) */
    a = (mtl__allocator *)(uintptr_t)&market->alloc;
    fbuf = mtl__alloc(a, FILE_BUFFER);
    if (fbuf && setvbuf(f, fbuf, _IOFBF, FILE_BUFFER) != 0) {
        mtl__free(a, fbuf, FILE_BUFFER);
        fbuf = NULL;
    }
    st = mtl_market_write(market, file_write, f);
    if (st == MTL_OK || st == MTL_E_IO) {
        /* a refused write is the file's error: say which */
        if (st == MTL_E_IO || fflush(f) != 0 || ferror(f))
            err = errno ? errno : EIO;
#if defined(_POSIX_VERSION)
        else if (fsync(fileno(f)) != 0)
            err = errno;
#endif
    }
    if (fclose(f) != 0 && st == MTL_OK && !err)
        err = errno;
    mtl__free(a, fbuf, FILE_BUFFER);
    if (st == MTL_OK && !err && rename(tmp, path) != 0)
        err = errno;
    if (st == MTL_OK && !err)
        return MTL_OK;
    remove(tmp);
    if (st == MTL_OK || st == MTL_E_IO)
        return mtl__error(MTL_E_IO, "snapshot: cannot write '%.200s': %s", path,
                          strerror(err ? err : EIO));
    return st;
}

/* ---- reading: the frame and the sections ------------------------------ */

#define CORRUPT(...) mtl__error(MTL_E_CORRUPT, "snapshot: " __VA_ARGS__)

typedef struct {
    const unsigned char *p, *end;
} rd;

static size_t rd_left(const rd *r) { return (size_t)(r->end - r->p); }

static int rd_uint(rd *r, unsigned n, uint64_t *v)
{
    if (rd_left(r) < n)
        return 0;
    *v = get_le(r->p, n);
    r->p += n;
    return 1;
}

/* A column as stored: value i is base + the width bytes at p + i * width. */
typedef struct {
    const unsigned char *p;
    uint64_t base;
    unsigned width;
    size_t n;
} column;

/* A table of records: row j holds the values of its ncols columns, value
 * c being base[c] + width[c] bytes. */
typedef struct {
    const unsigned char *p;
    size_t n, row;
    unsigned ncols;
    unsigned width[C_NCOLS];
    uint64_t base[C_NCOLS];
} table;

/* A block of n strings, each ended by a NUL. */
typedef struct {
    const char *p;
    size_t len, n;
} strings;

static mtl_status read_column(rd *r, size_t n, unsigned min_width,
                              const char *section, const char *what, column *c)
{
    uint64_t width, base;
    if (!rd_uint(r, 1, &width) || !rd_uint(r, 8, &base))
        return CORRUPT("section %s: the %s column is cut short", section, what);
    if (width > 8)
        return CORRUPT("section %s: the %s column has width %u (0 to 8)", section,
                       what, (unsigned)width);
    /* history events are the only records whose count is not bounded by
     * an id string: their columns may not be constant, so each event
     * costs file bytes and a forged count cannot make the reader allocate
     * more than the file justifies */
    if (n && width < min_width)
        return CORRUPT("section %s: the %s column has width %u, at least %u "
                       "needed",
                       section, what, (unsigned)width, min_width);
    if (width && n > rd_left(r) / width)
        return CORRUPT("section %s: the %s column needs %zu values of %u "
                       "bytes, %zu bytes are left",
                       section, what, n, (unsigned)width, rd_left(r));
    c->p = r->p;
    c->base = base;
    c->width = (unsigned)width;
    c->n = n;
    r->p += n * width;
    return MTL_OK;
}

static mtl_status read_table(rd *r, size_t n, unsigned ncols, const char *section,
                             const char *const *names, table *t)
{
    unsigned c;
    t->row = 0;
    t->ncols = ncols;
    for (c = 0; c < ncols; c++) {
        uint64_t width, base;
        if (!rd_uint(r, 1, &width) || !rd_uint(r, 8, &base))
            return CORRUPT("section %s: the %s column is cut short", section,
                           names[c]);
        if (width > 8)
            return CORRUPT("section %s: the %s column has width %u (0 to 8)",
                           section, names[c], (unsigned)width);
        t->width[c] = (unsigned)width;
        t->base[c] = base;
        t->row += (size_t)width;
    }
    if (t->row && n > rd_left(r) / t->row)
        return CORRUPT("section %s: %zu rows of %zu bytes, %zu bytes are left",
                       section, n, t->row, rd_left(r));
    t->p = r->p;
    t->n = n;
    r->p += n * t->row;
    return MTL_OK;
}

static void table_row(const table *t, size_t j, uint64_t *v)
{
    const unsigned char *p = t->p + j * t->row;
    unsigned c;
    for (c = 0; c < t->ncols; c++) {
        v[c] = t->base[c] + get_le(p, t->width[c]);
        p += t->width[c];
    }
}

/* Count the NULs without a branch per byte (the compiler vectorises it). */
static size_t count_nuls(const unsigned char *p, size_t n)
{
    size_t i, z = 0;
    for (i = 0; i < n; i++)
        z += p[i] == 0;
    return z;
}

static mtl_status read_strings(rd *r, uint64_t n, const char *section,
                               const char *what, strings *s)
{
    uint64_t len;
    if (!rd_uint(r, 8, &len))
        return CORRUPT("section %s: the %s block is cut short", section, what);
    if (len > rd_left(r))
        return CORRUPT("section %s: the %s block claims %llu bytes, %zu are left",
                       section, what, (unsigned long long)len, rd_left(r));
    /* n strings take at least n bytes: this bounds every record count by
     * the bytes that hold it before anything is allocated */
    if ((len == 0) != (n == 0) || (len && r->p[len - 1] != 0) ||
        count_nuls(r->p, (size_t)len) != n)
        return CORRUPT("section %s: the %s block (%llu bytes) does not hold "
                       "exactly %llu NUL-terminated strings",
                       section, what, (unsigned long long)len,
                       (unsigned long long)n);
    s->p = (const char *)r->p;
    s->len = (size_t)len;
    s->n = (size_t)n;
    r->p += len;
    return MTL_OK;
}

/* Everything located and length-checked before the market is built. */
typedef struct {
    uint32_t version;
    rd section[S_COUNT];
    int64_t minor;
    uint32_t nstages;
    rd stages;
    strings pool;
    size_t nsegs;
    strings seg_ids, seg_names;
    table seg_table;
    size_t ncust;
    strings cust_ids, cust_names;
    table cust_table;
    size_t nleads;
    strings lead_ids;
    column lead[L_NCOLS];
    uint32_t nkeys;
    rd attrs; /* the keys and their columns (walked twice) */
    size_t nevents;
    column ev_count, ev_day, ev_stage;
} snapshot;

static mtl_status end_of(const rd *r, int s)
{
    if (rd_left(r))
        return CORRUPT("section %s: %zu bytes after its content", section_name[s],
                       rd_left(r));
    return MTL_OK;
}

static mtl_status parse_frame(const unsigned char *data, size_t len, snapshot *s,
                              rd *content)
{
    uint64_t version, flags, clen;
    uint32_t crc, stored;
    if (len < 8)
        return CORRUPT("%zu bytes: too short for a snapshot (truncated?)", len);
    if (memcmp(data, SNAP_MAGIC, 8) != 0)
        return CORRUPT("not a libmtl snapshot (no MTLSNAP magic)");
    if (len < 16)
        return CORRUPT("%zu bytes: the header is cut short", len);
    version = get_le(data + 8, 4);
    if (version == 0)
        return CORRUPT("format version 0");
    if (version > SNAP_VERSION)
        return mtl__error(MTL_E_VERSION,
                          "snapshot: format version %u is newer than this "
                          "libmtl reads (%u)",
                          (unsigned)version, SNAP_VERSION);
    if (len < SNAP_HEADER + SNAP_TRAILER)
        return CORRUPT("%zu bytes: the header is cut short", len);
    flags = get_le(data + 12, 4);
    if (flags != 0)
        return mtl__error(MTL_E_VERSION,
                          "snapshot: feature flags 0x%x unknown to this libmtl",
                          (unsigned)flags);
    clen = get_le(data + 16, 8);
    if (clen != len - SNAP_HEADER - SNAP_TRAILER)
        return CORRUPT("the header gives %llu content bytes, the data has %zu "
                       "(%s)",
                       (unsigned long long)clen, len - SNAP_HEADER - SNAP_TRAILER,
                       clen > len - SNAP_HEADER - SNAP_TRAILER ? "truncated"
                                                               : "trailing bytes");
    stored = (uint32_t)get_le(data + len - SNAP_TRAILER, 4);
    crc = mtl__crc32c(0, data + SNAP_HEADER, (size_t)clen);
    if (crc != stored)
        return CORRUPT("checksum mismatch (CRC32C 0x%08x, stored 0x%08x)",
                       (unsigned)crc, (unsigned)stored);
    s->version = (uint32_t)version;
    content->p = data + SNAP_HEADER;
    content->end = content->p + clen;
    return MTL_OK;
}

static mtl_status parse_sections(snapshot *s, rd *content)
{
    int next = 0, k;
    while (rd_left(content)) {
        uint64_t tag, len;
        if (!rd_uint(content, 4, &tag) || !rd_uint(content, 8, &len))
            return CORRUPT("a section header is cut short");
        if (len > rd_left(content))
            return CORRUPT("section 0x%08x claims %llu bytes, %zu are left",
                           (unsigned)tag, (unsigned long long)len,
                           rd_left(content));
        for (k = 0; k < sections_of(s->version) && section_tag[k] != tag; k++)
            ;
        if (k < sections_of(s->version)) {
            if (k != next)
                return CORRUPT("section %s %s", section_name[k],
                               k < next ? "repeated" : "out of order");
            s->section[k].p = content->p;
            s->section[k].end = content->p + len;
            next++;
        } else if (!tag_optional((uint32_t)tag)) {
            return mtl__error(s->version > SNAP_VERSION ? MTL_E_VERSION
                                                        : MTL_E_CORRUPT,
                              "snapshot: unknown section 0x%08x", (unsigned)tag);
        }
        content->p += len;
    }
    if (next < sections_of(s->version))
        return CORRUPT("section %s is missing", section_name[next]);
    return MTL_OK;
}

static mtl_status parse_market_and_stages(snapshot *s)
{
    rd r = s->section[S_MARKET];
    uint64_t v, i;
    if (!rd_uint(&r, 8, &v))
        return CORRUPT("section MRKT is cut short");
    s->minor = (int64_t)v;
    if (rd_left(&r))
        return end_of(&r, S_MARKET);
    r = s->section[S_STAGES];
    if (!rd_uint(&r, 4, &v))
        return CORRUPT("section STGE is cut short");
    if (v < 1 || v > MTL_STAGE_MAX)
        return CORRUPT("section STGE: %llu stages (1 to %d)", (unsigned long long)v,
                       MTL_STAGE_MAX);
    s->nstages = (uint32_t)v;
    s->stages = r;
    for (i = 0; i < s->nstages; i++) {
        uint64_t nl, pl, x;
        if (!rd_uint(&r, 1, &nl) || nl > MTL_STAGE_NAME_MAX || rd_left(&r) < nl)
            return CORRUPT("section STGE: stage %u: bad name", (unsigned)i);
        r.p += nl;
        if (!rd_uint(&r, 1, &pl) || pl > MTL_STAGE_NAME_MAX || rd_left(&r) < pl)
            return CORRUPT("section STGE: stage %u: bad phase", (unsigned)i);
        r.p += pl;
        if (!rd_uint(&r, 8, &x) || !rd_uint(&r, 4, &x) || !rd_uint(&r, 4, &x))
            return CORRUPT("section STGE: stage %u is cut short", (unsigned)i);
    }
    return end_of(&r, S_STAGES);
}

static mtl_status parse_records(snapshot *s)
{
    rd r;
    uint64_t n;
    mtl_status st;
    size_t k;

    r = s->section[S_STRINGS];
    if (!rd_uint(&r, 8, &n))
        return CORRUPT("section STRS is cut short");
    if (n >= (uint64_t)MTL__NONE - 2)
        return CORRUPT("section STRS: %llu strings", (unsigned long long)n);
    if ((st = read_strings(&r, n, "STRS", "string", &s->pool)) ||
        (st = end_of(&r, S_STRINGS)))
        return st;

    r = s->section[S_SEGMENTS];
    if (!rd_uint(&r, 8, &n))
        return CORRUPT("section SEGS is cut short");
    if (n >= (uint64_t)MTL__NONE - 1)
        return CORRUPT("section SEGS: %llu segments", (unsigned long long)n);
    if ((st = read_strings(&r, n, "SEGS", "id", &s->seg_ids)) ||
        (st = read_strings(&r, n, "SEGS", "name", &s->seg_names)) ||
        (st = read_table(&r, (size_t)n, 1, "SEGS", segment_column_name,
                         &s->seg_table)) ||
        (st = end_of(&r, S_SEGMENTS)))
        return st;
    s->nsegs = (size_t)n;

    r = s->section[S_CUSTOMERS];
    if (!rd_uint(&r, 8, &n))
        return CORRUPT("section CUST is cut short");
    if (n >= (uint64_t)MTL__NONE - 1)
        return CORRUPT("section CUST: %llu customers", (unsigned long long)n);
    if ((st = read_strings(&r, n, "CUST", "id", &s->cust_ids)) ||
        (st = read_strings(&r, n, "CUST", "name", &s->cust_names)))
        return st;
    if ((st = read_table(&r, (size_t)n, C_NCOLS, "CUST", customer_column_name,
                         &s->cust_table)) ||
        (st = end_of(&r, S_CUSTOMERS)))
        return st;
    s->ncust = (size_t)n;

    r = s->section[S_LEADS];
    if (!rd_uint(&r, 8, &n))
        return CORRUPT("section LEAD is cut short");
    if (n > (uint64_t)UINT32_MAX / 2)
        return CORRUPT("section LEAD: %llu leads", (unsigned long long)n);
    if ((st = read_strings(&r, n, "LEAD", "id", &s->lead_ids)))
        return st;
    for (k = 0; k < L_NCOLS; k++)
        if ((st = read_column(&r, (size_t)n, 0, "LEAD", lead_column_name[k],
                              &s->lead[k])))
            return st;
    if ((st = end_of(&r, S_LEADS)))
        return st;
    s->nleads = (size_t)n;

    r = s->section[S_ATTRS];
    if (!rd_uint(&r, 4, &n))
        return CORRUPT("section ATTR is cut short");
    if (n > MTL_ATTRIBUTE_KEYS_MAX)
        return CORRUPT("section ATTR: %llu keys (at most %d)", (unsigned long long)n,
                       MTL_ATTRIBUTE_KEYS_MAX);
    s->nkeys = (uint32_t)n;
    s->attrs = r;
    for (k = 0; k < s->nkeys; k++) {
        uint64_t key;
        column c;
        if (!rd_uint(&r, 4, &key))
            return CORRUPT("section ATTR: key %zu is cut short", k);
        if ((st = read_column(&r, s->nleads, 0, "ATTR", "value", &c)))
            return st;
        /* every lead holding a value costs a byte of the file: 9 bytes
         * cannot ask for a value column of 4 bytes per lead, 1,024 times */
        if (s->nleads && c.width == 0 && c.base != 0)
            return CORRUPT("section ATTR: key %zu: a constant column of "
                           "values must have width 1",
                           k);
    }
    if ((st = end_of(&r, S_ATTRS)))
        return st;

    r = s->section[S_HISTORY];
    if (!rd_uint(&r, 8, &n))
        return CORRUPT("section HIST is cut short");
    if (n >= (uint64_t)MTL__NONE - 1 || n > rd_left(&r))
        return CORRUPT("section HIST: %llu events in %zu bytes",
                       (unsigned long long)n, rd_left(&r));
    s->nevents = (size_t)n;
    if ((st = read_column(&r, s->nleads, 0, "HIST", "event count", &s->ev_count)) ||
        (st = read_column(&r, s->nevents, 1, "HIST", "day", &s->ev_day)) ||
        (st = read_column(&r, s->nevents, 1, "HIST", "stage", &s->ev_stage)))
        return st;
    return end_of(&r, S_HISTORY);
}

/* ---- reading: building the market ------------------------------------- */

static int valid_share(double d) { return d >= 0.0 && d <= 1.0; }

/* Values start .. start + k - 1 of a column (k <= BATCH). */
static void column_get(const column *c, size_t start, size_t k, uint64_t *out)
{
    const unsigned char *p = c->p + start * c->width;
    uint64_t base = c->base;
    size_t q;
    switch (c->width) {
    case 0:
        for (q = 0; q < k; q++)
            out[q] = base;
        break;
    case 1:
        for (q = 0; q < k; q++)
            out[q] = base + p[q];
        break;
    case 2:
        for (q = 0; q < k; q++)
            out[q] = base + (uint64_t)(p[2 * q] | (unsigned)p[2 * q + 1] << 8);
        break;
    case 4:
        for (q = 0; q < k; q++)
            out[q] = base + ((uint64_t)p[4 * q] | (uint64_t)p[4 * q + 1] << 8 |
                             (uint64_t)p[4 * q + 2] << 16 |
                             (uint64_t)p[4 * q + 3] << 24);
        break;
    default:
        for (q = 0; q < k; q++)
            out[q] = base + get_le(p + (size_t)c->width * q, c->width);
        break;
    }
}

/* A failed check of a library call, as the snapshot's fault. */
static mtl_status as_corrupt(mtl_status st, const char *what)
{
    char detail[256];
    if (st == MTL_OK || st == MTL_E_NO_MEMORY)
        return st;
    snprintf(detail, sizeof detail, "%s", mtl_last_error_message());
    return CORRUPT("%s: %s", what, detail);
}

static int power_of_ten(int64_t v)
{
    int64_t p = 1;
    int i;
    for (i = 0; i <= 6; i++, p *= 10)
        if (v == p)
            return 1;
    return 0;
}

static mtl_status build_market(const snapshot *s, const mtl_market_options *options,
                               mtl_market **out)
{
    mtl_market_options o;
    mtl_stage_model *model = NULL;
    rd r = s->stages;
    mtl_status st;
    uint32_t i;

    if (!power_of_ten(s->minor))
        return CORRUPT("section MRKT: minor_per_major %lld is not a power of ten "
                       "from 1 to 10^6",
                       (long long)s->minor);
    mtl_market_options_init(&o, sizeof o);
    if (options) {
        o.alloc = options->alloc;
        o.alloc_user_data = options->alloc_user_data;
    }
    st = mtl_stage_model_create(&model, o.alloc, o.alloc_user_data);
    if (st)
        return st;
    for (i = 0; i < s->nstages && st == MTL_OK; i++) {
        char name[MTL_STAGE_NAME_MAX + 1], phase[MTL_STAGE_NAME_MAX + 1];
        uint64_t nl = 0, pl = 0, prob = 0, cat = 0, flags = 0;
        char what[32];
        rd_uint(&r, 1, &nl);
        memcpy(name, r.p, (size_t)nl);
        name[nl] = '\0';
        r.p += nl;
        rd_uint(&r, 1, &pl);
        memcpy(phase, r.p, (size_t)pl);
        phase[pl] = '\0';
        r.p += pl;
        rd_uint(&r, 8, &prob);
        rd_uint(&r, 4, &cat);
        rd_uint(&r, 4, &flags);
        snprintf(what, sizeof what, "section STGE: stage %u", (unsigned)i);
        if (strlen(name) != nl || strlen(phase) != pl)
            st = CORRUPT("%s: a NUL inside the name or phase", what);
        else if (i == 0 && flags != 0)
            st = CORRUPT("%s: the first stage is flagged won or lost", what);
        else
            st = as_corrupt(mtl_stage_model_add(model, name, phase,
                                                bits_double(prob),
                                                (int32_t)(uint32_t)cat,
                                                (int32_t)(uint32_t)flags),
                            what);
    }
    if (st == MTL_OK) {
        o.minor_per_major = s->minor;
        o.stage_model = model;
        st = as_corrupt(mtl_market_create(out, &o), "section STGE");
    }
    mtl_stage_model_destroy(model);
    return st;
}

static mtl_status load_strings(mtl_market *m, const snapshot *s)
{
    mtl__strpool *sp = &m->strings;
    const char *p = s->pool.p;
    size_t j;
    if (s->pool.n == 0)
        return MTL_OK;
    if (!mtl__grow(&m->alloc, (void **)&sp->refs, &sp->cap, s->pool.n + 1,
                   sizeof *sp->refs) ||
        !mtl__index_reserve(&sp->index, &m->alloc, s->pool.n))
        return mtl__error_oom();
    for (j = 1; j <= s->pool.n; j++) {
        size_t len = strlen(p);
        uint32_t id;
        if (len == 0 || len > MTL_ID_MAX)
            return CORRUPT("section STRS: string %zu is %s", j,
                           len ? "too long" : "empty");
        if (!mtl__strpool_intern(sp, &m->alloc, p, len, &id))
            return mtl__error_oom();
        if (id != j)
            return CORRUPT("section STRS: string %zu ('%.64s') repeats string %u",
                           j, p, (unsigned)id);
        p += len + 1;
    }
    return MTL_OK;
}

/* Room for n records of a fresh market: chunks of 256, zeroed (dead). */
static mtl_status records_reserve(mtl_market *m, mtl__recs *r, size_t n)
{
    size_t nchunks = (n + MTL__REC_CHUNK - 1) / MTL__REC_CHUNK;
    if (!nchunks)
        return MTL_OK;
    if (!mtl__grow(&m->alloc, (void **)&r->chunks, &r->cap_chunks, nchunks,
                   sizeof *r->chunks))
        return mtl__error_oom();
    while (r->nchunks < nchunks) {
        char *c = mtl__alloc_zero(&m->alloc, r->rec_size * MTL__REC_CHUNK);
        if (!c)
            return mtl__error_oom();
        r->chunks[r->nchunks++] = c;
    }
    r->high = (uint32_t)n; /* every slot exists; none is alive yet */
    return MTL_OK;
}

/* Where the id of item j goes: records take slots 0..n-1, leads the first
 * n slots of the chunks (walked in order with *k, *i). */
static uint32_t *id_ref_slot(mtl_market *m, int kind, size_t j, size_t *k,
                             uint32_t *i, uint32_t *slot)
{
    if (kind == 2) {
        if (*i == m->chunks[*k]->capacity) {
            ++*k;
            *i = 0;
        }
        *slot = mtl__lead_slot(m->chunks[*k], *i);
        return &m->chunks[*k]->id_ref[(*i)++];
    }
    *slot = (uint32_t)j;
    return &((mtl__rec *)mtl__recs_at(kind == 0 ? &m->segments : &m->customers,
                                      (uint32_t)j))
                ->id_ref;
}

/* Insert the n ids of a block into the arena and into the index of their
 * kind, in order, by one bulk fill (core/hash.h: partitioned by home
 * slot). */
static mtl_status insert_ids(mtl_market *m, const strings *ids, int kind)
{
    static const char *const kind_name[3] = {"segment", "customer", "lead"};
    static const char *const section[3] = {"SEGS", "CUST", "LEAD"};
    mtl__recs *recs = kind == 0 ? &m->segments : &m->customers;
    mtl__index *ix = kind == 2 ? &m->lead_index : &recs->index;
    mtl__index_fill fill;
    size_t n = ids->n, j, k;
    const char *id;
    uint32_t i, slot, dup = MTL__NONE;
    mtl_status st = MTL_OK;
    if (n == 0)
        return MTL_OK;
    if (!mtl__index_fill_begin(&fill, ix, &m->ids, &m->alloc, n))
        return mtl__error_oom();
    for (j = 0, k = 0, i = 0, id = ids->p; j < n && dup == MTL__NONE; j++) {
        size_t len = strlen(id);
        uint32_t *ref;
        if (len == 0 || len > MTL_ID_MAX) {
            st = CORRUPT("section %s: %s %zu: the id is %s", section[kind],
                         kind_name[kind], j, len ? "longer than MTL_ID_MAX" : "empty");
            break;
        }
        ref = id_ref_slot(m, kind, j, &k, &i, &slot);
        if (!mtl__arena_store(&m->ids, &m->alloc, id, len, slot, ref)) {
            st = mtl__error_oom();
            break;
        }
        dup = mtl__index_fill_add(&fill, mtl__hash(id, len), *ref);
        if (kind != 2) {
            mtl__rec *rec = mtl__recs_at(recs, slot);
            rec->market = m;
            rec->slot = slot;
            rec->next_free = MTL__NONE;
            rec->alive = 1;
            recs->live++;
        }
        id += len + 1;
    }
    if (st == MTL_OK && dup == MTL__NONE)
        dup = mtl__index_fill_end(&fill);
    else
        mtl__index_fill_abandon(&fill);
    if (st == MTL_OK && dup != MTL__NONE)
        st = CORRUPT("section %s: %s id '%.64s' appears twice", section[kind],
                     kind_name[kind], mtl__arena_at(&m->ids, dup));
    return st;
}

static mtl_status load_names(mtl_market *m, mtl__recs *r, const strings *names,
                             int segments)
{
    const char *p = names->p;
    size_t j;
    for (j = 0; j < names->n; j++) {
        size_t len = strlen(p);
        char **slot;
        if (len > MTL_ID_MAX)
            return CORRUPT("section %s: the name of record %zu is longer than %d "
                           "bytes",
                           segments ? "SEGS" : "CUST", j, MTL_ID_MAX);
        slot = segments ? &((mtl_segment *)mtl__recs_at(r, (uint32_t)j))->name
                        : &((mtl_customer *)mtl__recs_at(r, (uint32_t)j))->name;
        if (len && !(*slot = mtl__strndup(&m->alloc, p, len)))
            return mtl__error_oom();
        p += len + 1;
    }
    return MTL_OK;
}

static mtl_status load_segments(mtl_market *m, const snapshot *s)
{
    mtl__recs *r = &m->segments;
    uint64_t v[1];
    uint32_t *mark;
    size_t n = s->nsegs, j;
    mtl_status st;
    if ((st = records_reserve(m, r, n)) || (st = insert_ids(m, &s->seg_ids, 0)) ||
        (st = load_names(m, r, &s->seg_names, 1)))
        return st;
    for (j = 0; j < n; j++) {
        mtl_segment *g = mtl__recs_at(r, (uint32_t)j);
        table_row(&s->seg_table, j, v);
        if (v[0] > n)
            return CORRUPT("section SEGS: segment %zu: parent %llu of %zu", j,
                           (unsigned long long)v[0], n);
        g->parent = v[0] ? (uint32_t)(v[0] - 1) : MTL__NONE;
        if (v[0])
            ((mtl_segment *)mtl__recs_at(r, g->parent))->children++;
        if ((st = mtl__funnel_segment_init(m, g)) != MTL_OK)
            return st;
    }
    /* no segment may be its own ancestor: walk up from each one, stamping
     * the walk; meeting the walk's own stamp is a cycle, meeting an older
     * stamp joins a chain already known to end (each segment is walked
     * once, so this is linear) */
    if (n == 0)
        return MTL_OK;
    mark = mtl__alloc_zero(&m->alloc, n * sizeof *mark);
    if (!mark)
        return mtl__error_oom();
    st = MTL_OK;
    for (j = 0; j < n && st == MTL_OK; j++) {
        uint32_t g = (uint32_t)j;
        while (g != MTL__NONE && mark[g] == 0) {
            mark[g] = (uint32_t)j + 1;
            g = ((mtl_segment *)mtl__recs_at(r, g))->parent;
        }
        if (g != MTL__NONE && mark[g] == (uint32_t)j + 1)
            st = CORRUPT("section SEGS: segment %u is its own ancestor",
                         (unsigned)g);
    }
    mtl__free(&m->alloc, mark, n * sizeof *mark);
    return st;
}

static mtl_status load_customers(mtl_market *m, const snapshot *s)
{
    mtl__recs *r = &m->customers;
    uint64_t v[C_NCOLS], pool = m->strings.count ? m->strings.count : 1;
    size_t n = s->ncust, j;
    mtl_status st;
    if ((st = records_reserve(m, r, n)) || (st = insert_ids(m, &s->cust_ids, 1)) ||
        (st = load_names(m, r, &s->cust_names, 0)))
        return st;
    for (j = 0; j < n; j++) {
        mtl_customer *cu = mtl__recs_at(r, (uint32_t)j);
        int bad = -1;
        table_row(&s->cust_table, j, v);
        if (v[C_SEGMENT] > s->nsegs)
            bad = C_SEGMENT;
        cu->segment = v[C_SEGMENT] ? (uint32_t)(v[C_SEGMENT] - 1) : MTL__NONE;
        if (bad < 0 && cu->segment != MTL__NONE)
            ((mtl_segment *)mtl__recs_at(&m->segments, cu->segment))->customers++;
        cu->region = (uint32_t)v[C_REGION];
        cu->owner = (uint32_t)v[C_OWNER];
        cu->revenue = (int64_t)v[C_REVENUE];
        cu->investment = (int64_t)v[C_INVESTMENT];
        cu->participation = bits_double(v[C_PARTICIPATION]);
        cu->grade = (int32_t)v[C_GRADE];
        if (v[C_REGION] >= pool)
            bad = C_REGION;
        else if (v[C_OWNER] >= pool)
            bad = C_OWNER;
        else if (v[C_REVENUE] > INT64_MAX)
            bad = C_REVENUE;
        else if (v[C_INVESTMENT] > INT64_MAX)
            bad = C_INVESTMENT;
        else if (!valid_share(cu->participation))
            bad = C_PARTICIPATION;
        else if (v[C_GRADE] > MTL_GRADE_GENERAL)
            bad = C_GRADE;
        if (bad >= 0)
            return CORRUPT("section CUST: customer %zu: %s 0x%llx out of range", j,
                           customer_column_name[bad], (unsigned long long)v[bad]);
    }
    return MTL_OK;
}

/* What a lead's values may be. */
typedef struct {
    uint64_t ncust, nsegs, pool, nstages;
    unsigned char allowed[MTL_STAGE_MAX]; /* bit o: outcome o allowed there */
} lead_limits;

static inline int lead_value_ok(const lead_limits *lim, int f, uint64_t x,
                                unsigned stage)
{
    switch (f) {
    case L_CUSTOMER: return x <= lim->ncust;
    case L_SEGMENT: return x <= lim->nsegs;
    case L_OWNER: case L_REGION: case L_SOURCE: return x < lim->pool;
    case L_STAGE: return x < lim->nstages;
    case L_OUTCOME: return x <= MTL_OUTCOME_LOST && (lim->allowed[stage] >> x & 1);
    case L_STATUS: return x <= MTL_LEAD_STATUS_CLOSED;
    case L_CATEGORY: return x <= MTL_CATEGORY_OMITTED + 1; /* category + 1 */
    case L_DECISION: return x <= MTL_DECISION_REEVALUATION;
    case L_AMOUNT: return x <= INT64_MAX;
    case L_PROBABILITY: {
        double p = bits_double(x);
        return p == MTL_PROBABILITY_NONE || valid_share(p);
    }
    default: return x <= DATE_CODE_MAX; /* dates */
    }
}

/* (A value out of range is stored before it is refused: computed modulo
 * 2^32, with no signed overflow.) */
static int32_t day_of(uint64_t x)
{
    return x ? (int32_t)(uint32_t)(x - 1 + (uint64_t)(int64_t)MTL_DATE_MIN)
             : MTL_DATE_NONE;
}

/* Decode column f of the leads straight into the chunks.  One loop per
 * field (the switch is outside it), checks folded into one flag per batch:
 * the first bad value is looked for only when there is one. */
static mtl_status load_lead_column(mtl_market *m, const snapshot *s,
                                   const lead_limits *lim, int f)
{
    const column *col = &s->lead[f];
    uint64_t v[BATCH];
    size_t n = s->nleads, row, len, k, d, q, t;
    for (row = 0, k = 0; row < n; row += len, k++) {
        mtl__lead_chunk *c = m->chunks[k];
        len = n - row < c->capacity ? n - row : c->capacity;
        if (f == L_PROBABILITY || f == L_EXPECTED) {
            /* columns a chunk has only when some lead has a value: none
             * for a column of NONE alone (a constant one; the others are
             * allocated whole, their NONE slots read back as such) */
            if (col->width == 0 && col->base == (f == L_PROBABILITY
                                                     ? double_bits(MTL_PROBABILITY_NONE)
                                                     : date_code(MTL_DATE_NONE)))
                continue;
            if (f == L_PROBABILITY ? !mtl__chunk_probability(m, c)
                                   : !mtl__chunk_expected_close(m, c))
                return mtl__error_oom();
        }
        for (d = 0; d < len; d += t) {
            unsigned bad = 0;
            t = len - d < BATCH ? len - d : BATCH;
            if (col->width == 0 && f != L_OUTCOME) {
                /* a constant column (a field nobody set): one check */
                if (!lead_value_ok(lim, f, col->base, 0)) {
                    v[0] = col->base;
                    q = 0;
                    goto refuse;
                }
                t = len - d; /* the rest of the chunk at once */
            } else {
                column_get(col, row + d, t, v);
            }
#define FILL(store)                                                             \
    for (q = 0; q < t; q++) {                                                   \
        uint64_t x = col->width ? v[q] : col->base;                             \
        size_t i = d + q;                                                       \
        bad |= !lead_value_ok(lim, f, x, f == L_OUTCOME ? c->stage[i] : 0);     \
        store;                                                                  \
    }                                                                           \
    break
            switch (f) {
            case L_CUSTOMER:
                FILL(c->customer[i] = x ? (uint32_t)(x - 1) : MTL__NONE);
            case L_SEGMENT:
                FILL(c->segment[i] = x ? (uint32_t)(x - 1) : MTL__NONE);
            case L_OWNER: FILL(c->owner[i] = (uint32_t)x);
            case L_REGION: FILL(c->region[i] = (uint32_t)x);
            case L_SOURCE: FILL(c->source[i] = (uint32_t)x);
            case L_STAGE: FILL(c->stage[i] = (uint8_t)x);
            case L_OUTCOME: FILL(c->outcome[i] = (uint8_t)x);
            case L_STATUS: FILL(c->misc[i] = (uint8_t)x);
            case L_CATEGORY: FILL(c->misc[i] |= (uint8_t)(x << 2));
            case L_DECISION: FILL(c->misc[i] |= (uint8_t)(x << 5));
            case L_AMOUNT: FILL(c->amount[i] = (int64_t)x);
            case L_PROBABILITY: FILL(c->probability[i] = bits_double(x));
            case L_CREATED: FILL(c->created[i] = day_of(x));
            case L_EXPECTED: FILL(c->expected_close[i] = day_of(x));
            default: FILL(c->closed[i] = day_of(x));
            }
#undef FILL
            if (bad) {
                for (q = 0; lead_value_ok(lim, f, v[q],
                                          f == L_OUTCOME ? c->stage[d + q] : 0);
                     q++)
                    ;
            refuse:
                return CORRUPT("section LEAD: lead %zu: %s 0x%llx %s", row + d + q,
                               lead_column_name[f], (unsigned long long)v[q],
                               f == L_OUTCOME && v[q] <= MTL_OUTCOME_LOST
                                   ? "contradicts its stage"
                                   : "out of range");
            }
        }
        if (f == L_CUSTOMER)
            memset(c->history, 0, len * sizeof *c->history);
    }
    return MTL_OK;
}

static mtl_status load_leads(mtl_market *m, const snapshot *s)
{
    lead_limits lim;
    int32_t g;
    int f;
    mtl_status st;
    if (s->nleads == 0)
        return MTL_OK;
    lim.ncust = s->ncust;
    lim.nsegs = s->nsegs;
    lim.pool = m->strings.count ? m->strings.count : 1;
    lim.nstages = (uint64_t)m->stage_count;
    memset(lim.allowed, 0, sizeof lim.allowed);
    for (g = 0; g < m->stage_count; g++) {
        int32_t o;
        for (o = MTL_OUTCOME_OPEN; o <= MTL_OUTCOME_LOST; o++)
            if (mtl__check_stage_outcome(m, g, o) == MTL_OK)
                lim.allowed[g] |= (unsigned char)(1u << o);
    }
    if ((st = mtl__leads_reserve(m, s->nleads)) ||
        (st = insert_ids(m, &s->lead_ids, 2)))
        return st;
    /* the stage column comes before the outcome column that needs it; the
     * stage read for the other columns is any byte of the chunk */
    for (f = 0; f < L_NCOLS; f++)
        if ((st = load_lead_column(m, s, &lim, f)))
            return st;
    return MTL_OK;
}

static mtl_status load_attributes(mtl_market *m, const snapshot *s)
{
    rd r = s->attrs;
    uint64_t v[BATCH], pool = m->strings.count ? m->strings.count : 1;
    size_t n = s->nleads, a;
    mtl_status st;
    for (a = 0; a < s->nkeys; a++) {
        uint64_t key = 0;
        uint32_t idx;
        column col;
        size_t row, len, k, d;
        rd_uint(&r, 4, &key);
        read_column(&r, n, 0, "ATTR", "value", &col); /* checked by the parse */
        if (key == 0 || key >= pool)
            return CORRUPT("section ATTR: key %zu: string %llu of %llu", a,
                           (unsigned long long)key, (unsigned long long)pool);
        if (mtl__attr_find(m, (uint32_t)key) != MTL__NONE)
            return CORRUPT("section ATTR: key '%.64s' appears twice",
                           mtl__strpool_get(&m->strings, (uint32_t)key));
        if ((st = mtl__attr_add_key(m, (uint32_t)key, &idx)))
            return st;
        if (col.width == 0 && col.base == 0)
            continue; /* no lead has this attribute */
        for (row = 0, k = 0; row < n; row += len, k++) {
            uint32_t *wide = NULL;
            uint16_t *narrow = NULL;
            len = n - row < m->chunks[k]->capacity ? n - row : m->chunks[k]->capacity;
            for (d = 0; d < len; d += BATCH) {
                size_t t = len - d < BATCH ? len - d : BATCH, q;
                column_get(&col, row + d, t, v);
                for (q = 0; q < t; q++) {
                    if (v[q] == 0)
                        continue;
                    if (v[q] >= pool)
                        return CORRUPT("section ATTR: lead %zu: value %llu of %llu",
                                       row + d + q, (unsigned long long)v[q],
                                       (unsigned long long)pool);
                    /* the chunk's column on its first value, 16 bits wide
                     * until a value needs more (mtl__attr_reserve) */
                    if ((!wide && !narrow) || (narrow && v[q] > MTL__ATTR_NARROW_MAX)) {
                        if ((st = mtl__attr_reserve(m, idx, (uint32_t)k, (uint32_t)v[q], 0)))
                            return st;
                        wide = m->attrs[idx].wide[k] ? m->attrs[idx].chunk[k] : NULL;
                        narrow = wide ? NULL : m->attrs[idx].chunk[k];
                    }
                    if (wide)
                        wide[d + q] = (uint32_t)v[q];
                    else
                        narrow[d + q] = (uint16_t)v[q];
                }
            }
        }
    }
    return MTL_OK;
}

static mtl_status load_history(mtl_market *m, const snapshot *s)
{
    uint64_t v[BATCH], used = 0;
    size_t n = s->nleads, E = s->nevents, row, len, k, d, q, e;
    if (E) {
        m->events = mtl__alloc_array(&m->alloc, E, sizeof *m->events);
        if (!m->events)
            return mtl__error_oom();
        m->cap_events = m->nevents = E;
    }
    for (row = 0, k = 0; row < n; row += len, k++) {
        mtl__lead_chunk *c = m->chunks[k];
        len = n - row < c->capacity ? n - row : c->capacity;
        for (d = 0; d < len; d += BATCH) {
            size_t t = len - d < BATCH ? len - d : BATCH;
            column_get(&s->ev_count, row + d, t, v);
            for (q = 0; q < t; q++) {
                uint64_t cnt = v[q], x;
                if (cnt > E - used)
                    return CORRUPT("section HIST: lead %zu: %llu events, only "
                                   "%llu left of %zu",
                                   row + d + q, (unsigned long long)cnt,
                                   (unsigned long long)(E - used), E);
                c->history[d + q] = cnt ? (uint32_t)used + 1 : 0;
                for (x = 0; x < cnt; x++)
                    m->events[used + x].next =
                        x + 1 < cnt ? (uint32_t)(used + x + 2) : 0;
                used += cnt;
            }
        }
    }
    if (used != E)
        return CORRUPT("section HIST: %zu events, the leads have %llu", E,
                       (unsigned long long)used);
    for (e = 0; e < E; e += q) {
        size_t t = E - e < BATCH ? E - e : BATCH;
        column_get(&s->ev_day, e, t, v);
        for (q = 0; q < t; q++) {
            mtl__event *ev = &m->events[e + q];
            if (v[q] == 0 || v[q] > DATE_CODE_MAX)
                return CORRUPT("section HIST: event %zu: day 0x%llx out of range",
                               e + q, (unsigned long long)v[q]);
            ev->day = (int32_t)((int64_t)v[q] - 1 + MTL_DATE_MIN);
            /* the previous event links here: same lead, sorted by day */
            if (e + q > 0 && ev[-1].next == e + q + 1 && ev[-1].day > ev->day)
                return CORRUPT("section HIST: event %zu: the history of its lead "
                               "is not sorted by day",
                               e + q);
        }
    }
    for (e = 0; e < E; e += q) {
        size_t t = E - e < BATCH ? E - e : BATCH;
        column_get(&s->ev_stage, e, t, v);
        for (q = 0; q < t; q++) {
            if (v[q] >= (uint64_t)m->stage_count)
                return CORRUPT("section HIST: event %zu: stage %llu of %d", e + q,
                               (unsigned long long)v[q], (int)m->stage_count);
            m->events[e + q].stage = (int32_t)v[q];
        }
    }
    return MTL_OK;
}

/* ---- reading: the strategy inputs (version 2) ------------------------- */

/* Each of the three sections is walked twice by the same code: before
 * anything is allocated with m NULL (the layout: every count, reference
 * and text against the bytes that hold it), then with m to set the inputs
 * through the public setters, which check every value. */

/* A text: u32 length (at most max), its bytes, no NUL among them; copied
 * NUL-terminated to buf (max + 1 bytes). */
static int rd_text(rd *r, size_t max, char *buf)
{
    uint64_t n;
    if (!rd_uint(r, 4, &n) || n > max || n > rd_left(r) || memchr(r->p, 0, (size_t)n))
        return 0;
    memcpy(buf, r->p, (size_t)n);
    buf[n] = '\0';
    r->p += n;
    return 1;
}

static int rd_f64(rd *r, double *d)
{
    uint64_t v;
    if (!rd_uint(r, 8, &v))
        return 0;
    *d = bits_double(v);
    return 1;
}

static int rd_i32(rd *r, unsigned n, int32_t *v)
{
    uint64_t x;
    if (!rd_uint(r, n, &x))
        return 0;
    *v = (int32_t)(uint32_t)x;
    return 1;
}

static int rd_factors(rd *r, mtl_segment_factors *f)
{
    uint64_t size, revenue;
    int k, ok;
    mtl_segment_factors_init(f, sizeof *f);
    ok = rd_uint(r, 8, &size) && rd_f64(r, &f->growth) && rd_f64(r, &f->profit_potential);
    for (k = 0; ok && k < MTL_FORCE_COUNT; k++)
        ok = rd_f64(r, &f->forces[k]);
    ok = ok && rd_f64(r, &f->strategic_value) && rd_uint(r, 8, &revenue) &&
         rd_f64(r, &f->gross_margin) && rd_f64(r, &f->share_goal) &&
         rd_f64(r, &f->growth_goal);
    for (k = 0; ok && k < MTL_APPEALS_COUNT; k++)
        ok = rd_f64(r, &f->appeals_weights[k]);
    if (ok) {
        f->market_size = (int64_t)size;
        f->revenue = (int64_t)revenue;
    }
    return ok;
}

static int rd_look(rd *r, mtl_look_item *it, char *text, char *evidence)
{
    mtl_look_item_init(it, sizeof *it);
    it->text = text;
    it->evidence = evidence;
    return rd_i32(r, 1, &it->look) && rd_f64(r, &it->impact) &&
           rd_f64(r, &it->likelihood) && rd_i32(r, 4, &it->window_months) &&
           rd_text(r, MTL_TEXT_MAX, text) && rd_text(r, MTL_TEXT_MAX, evidence);
}

static int rd_appeals(rd *r, mtl_appeals_rating *a, char *competitor)
{
    int k, ok;
    mtl_appeals_rating_init(a, sizeof *a);
    a->competitor = competitor;
    ok = rd_text(r, MTL_TEXT_MAX, competitor);
    for (k = 0; ok && k < MTL_APPEALS_COUNT; k++)
        ok = rd_f64(r, &a->ratings[k]);
    return ok;
}

static int rd_point(rd *r, mtl_control_point *p, char *text)
{
    mtl_control_point_init(p, sizeof *p);
    p->text = text;
    return rd_i32(r, 1, &p->kind) && rd_f64(r, &p->attainability) &&
           rd_text(r, MTL_TEXT_MAX, text);
}

static int rd_pain(rd *r, mtl_pain *p, char *layer, char *text)
{
    mtl_pain_init(p, sizeof *p);
    p->layer = layer;
    p->text = text;
    return rd_text(r, MTL_LAYER_MAX, layer) && rd_text(r, MTL_TEXT_MAX, text) &&
           rd_f64(r, &p->severity) && rd_f64(r, &p->urgency) && rd_f64(r, &p->breadth) &&
           rd_f64(r, &p->budget) && rd_f64(r, &p->fit) && rd_i32(r, 1, &p->role);
}

static int rd_contact(rd *r, mtl_contact *c, char *name, char *title)
{
    mtl_contact_init(c, sizeof *c);
    c->name = name;
    c->title = title;
    return rd_text(r, MTL_TEXT_MAX, name) && rd_text(r, MTL_TEXT_MAX, title) &&
           rd_i32(r, 1, &c->role) && rd_i32(r, 1, &c->attitude) &&
           rd_i32(r, 1, &c->coach);
}

/* One of the three sections, walked entry by entry. */
typedef struct {
    rd r;
    int s;         /* S_SEGMENT_INPUTS, S_CUSTOMER_INPUTS or S_ANSWERS */
    uint64_t e;    /* the entry */
    uint64_t rows; /* rows (answers) the entry holds */
    char t1[MTL_TEXT_MAX + 1], t2[MTL_TEXT_MAX + 1];
} walk;

/* The entry is cut short, or a text in it is bad. */
static mtl_status cut(const walk *w)
{
    return CORRUPT("section %s: entry %llu is cut short, or a text in it is too "
                   "long or holds a NUL",
                   section_name[w->s], (unsigned long long)w->e);
}

/* A setter refused a value of the entry (the snapshot's fault). */
static mtl_status refused(const walk *w, mtl_status st)
{
    char what[64];
    snprintf(what, sizeof what, "section %s: entry %llu", section_name[w->s],
             (unsigned long long)w->e);
    return as_corrupt(st, what);
}

/* A list's u32 count. */
static int rd_count(walk *w, uint64_t *n)
{
    if (!rd_uint(&w->r, 4, n))
        return 0;
    w->rows += *n;
    return 1;
}

/* The pains of a segment or customer (g or c; neither: the layout only). */
static mtl_status rd_pains(walk *w, mtl_segment *g, mtl_customer *c)
{
    uint64_t n, j;
    mtl_status st = MTL_OK;
    if (!rd_count(w, &n))
        return cut(w);
    for (j = 0; j < n && st == MTL_OK; j++) {
        mtl_pain p;
        if (!rd_pain(&w->r, &p, w->t1, w->t2))
            return cut(w);
        st = g ? mtl_segment_add_pain(g, &p) : c ? mtl_customer_add_pain(c, &p) : MTL_OK;
    }
    return st ? refused(w, st) : MTL_OK;
}

/* A SINP entry after its head (g NULL: the layout only). */
static mtl_status segment_entry(walk *w, mtl_segment *g, uint64_t flags)
{
    uint64_t n, j;
    mtl_status st = MTL_OK;
    if (flags) {
        mtl_segment_factors f;
        if (!rd_factors(&w->r, &f))
            return cut(w);
        if (g && (st = mtl_segment_set_factors(g, &f)))
            return refused(w, st);
    }
    if (!rd_count(w, &n))
        return cut(w);
    for (j = 0; j < n; j++) {
        mtl_look_item it;
        if (!rd_look(&w->r, &it, w->t1, w->t2))
            return cut(w);
        if (g && (st = mtl_segment_add_look(g, &it)))
            return refused(w, st);
    }
    if (!rd_count(w, &n))
        return cut(w);
    for (j = 0; j < n; j++) {
        mtl_appeals_rating a;
        if (!rd_appeals(&w->r, &a, w->t1))
            return cut(w);
        if (g && (st = mtl_segment_add_appeals(g, &a)))
            return refused(w, st);
        if (g && mtl_segment_appeals_count(g) != j + 1) /* replaced a row */
            return CORRUPT("section SINP: entry %llu: competitor '%.64s' is rated "
                           "twice",
                           (unsigned long long)w->e, w->t1);
    }
    if (!rd_count(w, &n))
        return cut(w);
    for (j = 0; j < n; j++) {
        mtl_control_point p;
        if (!rd_point(&w->r, &p, w->t1))
            return cut(w);
        if (g && (st = mtl_segment_add_control_point(g, &p)))
            return refused(w, st);
    }
    return rd_pains(w, g, NULL);
}

/* A CINP entry after its head (c NULL: the layout only). */
static mtl_status customer_entry(walk *w, mtl_customer *c, uint64_t flags)
{
    uint64_t n, j;
    mtl_status st = MTL_OK;
    if (flags) {
        double rel[MTL_REL_COUNT];
        int k;
        for (k = 0; k < MTL_REL_COUNT; k++)
            if (!rd_f64(&w->r, &rel[k]))
                return cut(w);
        if (c && (st = mtl_customer_set_relationship(c, rel)))
            return refused(w, st);
    }
    if ((st = rd_pains(w, NULL, c)))
        return st;
    if (!rd_count(w, &n))
        return cut(w);
    for (j = 0; j < n; j++) {
        mtl_contact ct;
        if (!rd_contact(&w->r, &ct, w->t1, w->t2))
            return cut(w);
        if (c && (st = mtl_customer_add_contact(c, &ct)))
            return refused(w, st);
    }
    return MTL_OK;
}

/* An ANSW entry after its reference: the mask of the criteria answered,
 * each answer (l NULL: the layout only). */
static mtl_status answers_entry(walk *w, mtl_lead *l)
{
    uint64_t mask;
    int32_t q;
    if (!rd_uint(&w->r, 2, &mask))
        return cut(w);
    if (mask == 0 || mask >> MTL_CRIT_COUNT)
        return CORRUPT("section ANSW: entry %llu: criteria mask 0x%x",
                       (unsigned long long)w->e, (unsigned)mask);
    w->rows = 1;
    for (q = 0; q < MTL_CRIT_COUNT; q++) {
        double score;
        mtl_status st;
        if (!(mask >> q & 1u))
            continue;
        if (!rd_f64(&w->r, &score) || !rd_text(&w->r, MTL_TEXT_MAX, w->t1))
            return cut(w);
        if (isnan(score)) /* the setter would take it for "remove" */
            return CORRUPT("section ANSW: entry %llu: %s scored NaN",
                           (unsigned long long)w->e, mtl_criterion_name(q));
        if (l && (st = mtl_lead_set_answer(l, q, score, w->t1)))
            return refused(w, st);
    }
    return MTL_OK;
}

/* The lead at 0-based position pos of a market just read (its leads fill
 * the chunks in order). */
static mtl_lead *lead_at(mtl_market *m, uint64_t pos)
{
    size_t k = 0;
    while (pos >= m->chunks[k]->capacity)
        pos -= m->chunks[k++]->capacity;
    return mtl__lead_handle(m->chunks[k], (uint32_t)pos);
}

/* Section s: u64 n, then n entries, each headed by the reference of its
 * record (1 ... records, rising: one entry per record, in file order) and,
 * but in ANSW, a flags byte (0 or 1); an entry holds at least one input.
 * m NULL: the layout only. */
static mtl_status read_entries(const snapshot *s, int sec, mtl_market *m)
{
    walk w;
    uint64_t n, prev = 0, ref, flags = 0;
    uint64_t records = sec == S_SEGMENT_INPUTS    ? s->nsegs
                       : sec == S_CUSTOMER_INPUTS ? s->ncust
                                                  : s->nleads;
    mtl_status st;
    w.r = s->section[sec];
    w.s = sec;
    if (!rd_uint(&w.r, 8, &n))
        return CORRUPT("section %s is cut short", section_name[sec]);
    for (w.e = 0; w.e < n; w.e++) {
        w.rows = 0;
        if (!rd_uint(&w.r, 4, &ref) ||
            (sec != S_ANSWERS && !rd_uint(&w.r, 1, &flags)))
            return cut(&w);
        if (ref <= prev || ref > records)
            return CORRUPT("section %s: entry %llu: reference %llu after %llu (1 to "
                           "%llu, rising)",
                           section_name[sec], (unsigned long long)w.e,
                           (unsigned long long)ref, (unsigned long long)prev,
                           (unsigned long long)records);
        if (flags > 1)
            return CORRUPT("section %s: entry %llu: flags 0x%x (0 or 1)",
                           section_name[sec], (unsigned long long)w.e, (unsigned)flags);
        prev = ref;
        if (sec == S_SEGMENT_INPUTS)
            st = segment_entry(&w, m ? mtl__recs_at(&m->segments, (uint32_t)ref - 1)
                                     : NULL,
                               flags);
        else if (sec == S_CUSTOMER_INPUTS)
            st = customer_entry(&w, m ? mtl__recs_at(&m->customers, (uint32_t)ref - 1)
                                      : NULL,
                                flags);
        else
            st = answers_entry(&w, m ? lead_at(m, ref - 1) : NULL);
        if (st)
            return st;
        if (!flags && !w.rows)
            return CORRUPT("section %s: entry %llu holds no input", section_name[sec],
                           (unsigned long long)w.e);
    }
    return end_of(&w.r, sec);
}

static mtl_status read_inputs(const snapshot *s, mtl_market *m)
{
    int sec;
    mtl_status st = MTL_OK;
    for (sec = S_SEGMENT_INPUTS; s->version >= 2 && sec < S_COUNT && !st; sec++)
        st = read_entries(s, sec, m);
    return st;
}

MTL_API mtl_status mtl_market_read(mtl_market **out, const void *data, size_t len,
                                   const mtl_market_options *options)
{
    snapshot s;
    rd content = {NULL, NULL};
    mtl_market *m = NULL;
    mtl_status st;
    size_t row, k;
    if (!out)
        return mtl__error_null("out");
    *out = NULL;
    if (!data && len)
        return mtl__error_null("data");
    if (options && options->struct_size < sizeof *options)
        return mtl__error(MTL_E_VERSION,
                          "mtl_market_options: struct_size %zu unknown (call "
                          "mtl_market_options_init)",
                          options->struct_size);
    memset(&s, 0, sizeof s);
    /* everything that can be checked without allocating, first */
    if ((st = parse_frame(data, len, &s, &content)) ||
        (st = parse_sections(&s, &content)) ||
        (st = parse_market_and_stages(&s)) || (st = parse_records(&s)) ||
        (st = read_inputs(&s, NULL)))
        return st;
    if ((st = build_market(&s, options, &m)))
        return st;
    if ((st = load_strings(m, &s)) || (st = load_segments(m, &s)) ||
        (st = load_customers(m, &s)) || (st = load_leads(m, &s)) ||
        (st = load_attributes(m, &s)) || (st = load_history(m, &s))) {
        mtl_market_unref(m);
        return st;
    }
    /* the leads become visible */
    for (row = 0, k = 0; row < s.nleads; k++) {
        mtl__lead_chunk *c = m->chunks[k];
        c->used = s.nleads - row < c->capacity ? (uint32_t)(s.nleads - row)
                                               : c->capacity;
        row += c->used;
    }
    m->lead_count = s.nleads;
    if ((st = read_inputs(&s, m))) {
        mtl_market_unref(m);
        return st;
    }
    mtl__funnel_rebuild(m);
    *out = m;
    return MTL_OK;
}

MTL_API mtl_status mtl_market_load(mtl_market **out, const char *path,
                                   const mtl_market_options *options)
{
    mtl__allocator a;
    unsigned char *buf;
    size_t size;
    long end;
    FILE *f;
    mtl_status st;
    if (!out)
        return mtl__error_null("out");
    *out = NULL;
    if (!path)
        return mtl__error_null("path");
    if (options && options->struct_size < sizeof *options)
        return mtl__error(MTL_E_VERSION,
                          "mtl_market_options: struct_size %zu unknown (call "
                          "mtl_market_options_init)",
                          options->struct_size);
    f = fopen(path, "rb");
    if (!f)
        return mtl__error(MTL_E_IO, "snapshot: cannot open '%.200s': %s", path,
                          strerror(errno));
    if (fseek(f, 0, SEEK_END) != 0 || (end = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        st = mtl__error(MTL_E_IO, "snapshot: cannot size '%.200s': %s", path,
                        strerror(errno));
        fclose(f);
        return st;
    }
    /* a directory opens on some systems and reads as an error */
    if (getc(f) == EOF && ferror(f)) {
        st = mtl__error(MTL_E_IO, "snapshot: cannot read '%.200s': %s", path,
                        strerror(errno));
        fclose(f);
        return st;
    }
    if ((unsigned long)end > (size_t)-1 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return mtl__error(MTL_E_IO, "snapshot: '%.200s' is too large to read",
                          path);
    }
    size = (size_t)end;
    /* the buffer comes from the allocator the market will use */
    mtl__allocator_init(&a, options ? options->alloc : NULL,
                        options ? options->alloc_user_data : NULL);
    buf = mtl__alloc(&a, size ? size : 1);
    if (!buf) {
        fclose(f);
        return mtl__error_oom();
    }
    if (fread(buf, 1, size, f) != size) {
        st = mtl__error(MTL_E_IO, "snapshot: cannot read '%.200s'%s%s", path,
                        ferror(f) ? ": " : " (it changed size while read)",
                        ferror(f) ? strerror(errno) : "");
        fclose(f);
        mtl__free(&a, buf, size ? size : 1);
        return st;
    }
    fclose(f);
    st = mtl_market_read(out, buf, size, options);
    mtl__free(&a, buf, size ? size : 1);
    return st;
}
