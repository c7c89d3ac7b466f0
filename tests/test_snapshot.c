/*
 * test_snapshot.c: snapshots (mtl_market_write / save / read / load) and
 * their checksum.
 *
 * - CRC32C: the standard check value, the hardware and table paths against
 *   an independent bitwise implementation, chaining.
 * - Golden snapshots: the bytes of a small market are pinned (format
 *   version 1, and version 2 with strategy inputs of every kind), so the
 *   format cannot drift silently; a market whose inputs are all cleared is
 *   written as version 1 again.
 * - 1,000 seeded random markets with edge values (most with strategy
 *   inputs, NaN payloads and -0.0 among them) round-trip exactly (same
 *   fingerprint, same behaviour afterwards) and save(load(save(x))) is
 *   byte-identical.
 * - Every truncation, 10,000 byte corruptions, forged headers and values
 *   (the inputs sections too), future versions: refused with the right
 *   status, nothing leaked, and nothing allocated when the frame or a
 *   count is wrong.
 * - Saving: atomic replacement, unwritable paths, a disk that fills up
 *   mid-write, refusing callbacks.
 * - Failing-allocator sweeps over read, load and write.
 */
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "mtl.h"
#include "support/test_alloc.h"

/* internal: lib/core/crc32c.h (the tests link the static library) */
uint32_t mtl__crc32c(uint32_t crc, const void *data, size_t len);
uint32_t mtl__crc32c_portable(uint32_t crc, const void *data, size_t len);

/* ---- helpers ------------------------------------------------------------ */

static uint64_t rng_next(uint64_t *s)
{
    /* splitmix64 */
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t rng_below(uint64_t *s, uint64_t n) { return n ? rng_next(s) % n : 0; }

static int rng_chance(uint64_t *s, unsigned percent)
{
    return rng_below(s, 100) < percent;
}

/* An independent CRC32C, one bit at a time (RFC 3720, B.4). */
static uint32_t crc32c_bitwise(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint32_t c = 0xffffffffu;
    size_t i;
    int k;
    for (i = 0; i < len; i++) {
        c ^= p[i];
        for (k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
    }
    return ~c;
}

typedef struct {
    unsigned char *p;
    size_t len, cap;
    long calls, fail_at; /* fail_at > 0: the fail_at-th call refuses */
} membuf;

static int32_t membuf_write(const void *data, size_t len, void *ud)
{
    membuf *b = ud;
    b->calls++;
    if (b->fail_at && b->calls == b->fail_at)
        return 1;
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + len)
            cap *= 2;
        b->p = realloc(b->p, cap);
        assert_non_null(b->p);
        b->cap = cap;
    }
    if (len)
        memcpy(b->p + b->len, data, len);
    b->len += len;
    return 0;
}

static void membuf_free(membuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* The snapshot of m, as bytes. */
static membuf snap_of(const mtl_market *m)
{
    membuf b = {0};
    mtl_status st = mtl_market_write(m, membuf_write, &b);
    if (st != MTL_OK)
        fail_msg("mtl_market_write: %s: %s", mtl_status_string(st),
                 mtl_last_error_message());
    return b;
}

static mtl_market_options alloc_options(test_alloc *ta)
{
    mtl_market_options o;
    test_alloc_init(ta);
    assert_int_equal(mtl_market_options_init(&o, sizeof o), MTL_OK);
    o.alloc = test_alloc_fn;
    o.alloc_user_data = ta;
    return o;
}

/* Read bytes into a market on ta; the status, and *out on success. */
static mtl_status read_with(test_alloc *ta, const void *data, size_t len,
                            mtl_market **out)
{
    mtl_market_options o = alloc_options(ta);
    return mtl_market_read(out, data, len, &o);
}

static void put_le(unsigned char *p, uint64_t v, int n)
{
    int i;
    for (i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    int i;
    for (i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* Recompute the trailing CRC of a snapshot whose content was edited. */
static void fix_crc(unsigned char *p, size_t len)
{
    put_le(p + len - 4, mtl__crc32c(0, p + 24, len - 28), 4);
}

static char *temp_dir(void)
{
    char tmpl[] = "/tmp/mtl-snapshot-XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

static void path_in(char *out, size_t cap, const char *dir, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static membuf read_file(const char *path)
{
    membuf b = {0};
    FILE *f = fopen(path, "rb");
    char chunk[4096];
    size_t n;
    assert_non_null(f);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        membuf_write(chunk, n, &b);
    fclose(f);
    return b;
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* ---- random markets ----------------------------------------------------- */

#define PALETTE 10

typedef struct {
    uint64_t rng;
    size_t next_id;
    char *palette[PALETTE]; /* strings for owners, regions, attribute values */
    char *keys[5];          /* attribute keys */
} gen;

static char *gen_string(gen *g, size_t serial, const char *prefix)
{
    char *s;
    uint64_t kind = rng_below(&g->rng, 100);
    /* rare: the digest of the fingerprint reads every byte */
    switch (kind < 3 ? 0 : kind < 25 ? 1 : kind < 35 ? 2 : 3) {
    case 0: /* the longest id there can be, unique by its end */
        s = malloc(MTL_ID_MAX + 1);
        memset(s, 'x', MTL_ID_MAX);
        snprintf(s + MTL_ID_MAX - 24, 25, "%s%022zu", prefix, serial);
        s[MTL_ID_MAX] = '\0';
        s[0] = prefix[0];
        break;
    case 1: { /* Unicode */
        s = malloc(64);
        snprintf(s, 64, "%s-客户-%zu-é-😀", prefix, serial);
        break;
    }
    case 2: /* one byte (plus the serial: unique) */
        s = malloc(32);
        snprintf(s, 32, "%zu", serial);
        break;
    default:
        s = malloc(32);
        snprintf(s, 32, "%s%zu", prefix, serial);
        break;
    }
    return s;
}

static char *gen_id(gen *g, const char *prefix)
{
    return gen_string(g, g->next_id++, prefix);
}

static int32_t gen_day(gen *g)
{
    switch (rng_below(&g->rng, 8)) {
    case 0: return MTL_DATE_NONE;
    case 1: return MTL_DATE_MIN;
    case 2: return MTL_DATE_MAX;
    case 3: return 0;
    default: return (int32_t)(18000 + rng_below(&g->rng, 3000));
    }
}

static double gen_prob(gen *g, int allow_none)
{
    switch (rng_below(&g->rng, 6)) {
    case 0: return 0.0;
    case 1: return 1.0;
    case 2: return allow_none ? MTL_PROBABILITY_NONE : 0.5;
    case 3: return -0.0;
    default: return (double)rng_below(&g->rng, 1u << 30) / (double)(1u << 30);
    }
}

static int64_t gen_money(gen *g)
{
    switch (rng_below(&g->rng, 5)) {
    case 0: return 0;
    case 1: return INT64_MAX;
    case 2: return 1;
    default: return (int64_t)rng_below(&g->rng, UINT64_C(1) << 40);
    }
}

static const char *gen_palette(gen *g)
{
    /* "" clears; NULL too */
    uint64_t k = rng_below(&g->rng, PALETTE + 2);
    if (k == PALETTE)
        return "";
    if (k == PALETTE + 1)
        return NULL;
    return g->palette[k];
}

static mtl_stage_model *gen_model(gen *g)
{
    mtl_stage_model *model = NULL;
    int32_t n, i;
    if (rng_chance(&g->rng, 40))
        return NULL; /* the default P0-P7 */
    assert_int_equal(mtl_stage_model_create(&model, NULL, NULL), MTL_OK);
    n = rng_chance(&g->rng, 10) ? MTL_STAGE_MAX : (int32_t)(1 + rng_below(&g->rng, 9));
    for (i = 0; i < n; i++) {
        char name[MTL_STAGE_NAME_MAX + 1], phase[MTL_STAGE_NAME_MAX + 1];
        int32_t flags = 0;
        if (rng_chance(&g->rng, 20)) {
            memset(name, 'n', MTL_STAGE_NAME_MAX);
            snprintf(name + MTL_STAGE_NAME_MAX - 4, 5, "%04d", (int)i);
            name[MTL_STAGE_NAME_MAX] = '\0';
        } else {
            snprintf(name, sizeof name, "阶段%d", (int)i);
        }
        if (rng_chance(&g->rng, 30)) {
            memset(phase, 'p', MTL_STAGE_NAME_MAX);
            phase[MTL_STAGE_NAME_MAX] = '\0';
        } else {
            snprintf(phase, sizeof phase, "phase é %d", (int)i);
        }
        if (i > 0) {
            uint64_t f = rng_below(&g->rng, 4);
            flags = f == 1 ? MTL_STAGE_FLAG_WON : f == 2 ? MTL_STAGE_FLAG_LOST : 0;
        }
        assert_int_equal(mtl_stage_model_add(model, name,
                                             rng_chance(&g->rng, 20) ? NULL : phase,
                                             gen_prob(g, 0),
                                             (int32_t)rng_below(&g->rng, 5), flags),
                         MTL_OK);
    }
    return model;
}

static int32_t pick_outcome(gen *g, const mtl_market *m, int32_t stage)
{
    int32_t flags = mtl_market_stage_flags(m, stage);
    if (flags & MTL_STAGE_FLAG_WON)
        return MTL_OUTCOME_WON;
    if (flags & MTL_STAGE_FLAG_LOST)
        return MTL_OUTCOME_LOST;
    return (int32_t)rng_below(&g->rng, 3);
}

static mtl_segment *random_segment(gen *g, mtl_market *m)
{
    size_t n = mtl_market_segment_count(m), k;
    mtl_segment *s;
    if (n == 0 || rng_chance(&g->rng, 30))
        return NULL;
    k = rng_below(&g->rng, n);
    for (s = mtl_segment_next(m, NULL); k--; s = mtl_segment_next(m, s))
        ;
    return s;
}

static mtl_customer *random_customer(gen *g, mtl_market *m)
{
    size_t n = mtl_market_customer_count(m), k;
    mtl_customer *c;
    if (n == 0 || rng_chance(&g->rng, 20))
        return NULL;
    k = rng_below(&g->rng, n);
    for (c = mtl_customer_next(m, NULL); k--; c = mtl_customer_next(m, c))
        ;
    return c;
}

static void fill_lead(gen *g, mtl_market *m, mtl_lead *l)
{
    int32_t stage = (int32_t)rng_below(&g->rng, (uint64_t)mtl_market_stage_count(m));
    int k, events;
    if (rng_chance(&g->rng, 50))
        assert_int_equal(mtl_lead_set_segment(l, random_segment(g, m)), MTL_OK);
    assert_int_equal(mtl_lead_set_owner(l, gen_palette(g)), MTL_OK);
    if (rng_chance(&g->rng, 50))
        assert_int_equal(mtl_lead_set_region(l, gen_palette(g)), MTL_OK);
    assert_int_equal(mtl_lead_set_source(l, gen_palette(g)), MTL_OK);
    assert_int_equal(mtl_lead_set_stage_outcome(l, stage, pick_outcome(g, m, stage)),
                     MTL_OK);
    assert_int_equal(mtl_lead_set_status(l, (int32_t)rng_below(&g->rng, 4)), MTL_OK);
    assert_int_equal(mtl_lead_set_category(l, (int32_t)rng_below(&g->rng, 6) - 1),
                     MTL_OK);
    assert_int_equal(mtl_lead_set_decision_step(l, (int32_t)rng_below(&g->rng, 8)),
                     MTL_OK);
    assert_int_equal(mtl_lead_set_amount(l, gen_money(g)), MTL_OK);
    assert_int_equal(mtl_lead_set_probability(l, gen_prob(g, 1)), MTL_OK);
    assert_int_equal(mtl_lead_set_created(l, gen_day(g)), MTL_OK);
    assert_int_equal(mtl_lead_set_expected_close(l, gen_day(g)), MTL_OK);
    assert_int_equal(mtl_lead_set_closed(l, gen_day(g)), MTL_OK);
    for (k = 0; k < 5; k++)
        if (rng_chance(&g->rng, 30))
            assert_int_equal(mtl_lead_set_attribute(l, g->keys[k], gen_palette(g)),
                             MTL_OK);
    events = rng_chance(&g->rng, 60) ? 0 : (int)rng_below(&g->rng, 5);
    for (k = 0; k < events; k++) {
        int32_t day = gen_day(g);
        if (day == MTL_DATE_NONE)
            day = MTL_DATE_MAX;
        assert_int_equal(mtl_lead_add_event(
                             l, day,
                             (int32_t)rng_below(&g->rng,
                                                (uint64_t)mtl_market_stage_count(m))),
                         MTL_OK);
    }
    if (rng_chance(&g->rng, 5))
        assert_int_equal(mtl_lead_clear_events(l), MTL_OK);
}

/* A bulk append of n rows with random columns (ids always). */
static void bulk_leads(gen *g, mtl_market *m, size_t n)
{
    mtl_lead_columns c;
    char **ids = calloc(n, sizeof *ids);
    const char **cust = calloc(n, sizeof *cust);
    uint32_t *owner_codes = calloc(n, sizeof *owner_codes);
    int32_t *stages = calloc(n, sizeof *stages), *outcomes = calloc(n, sizeof *outcomes);
    int64_t *amounts = calloc(n, sizeof *amounts);
    int32_t *created = calloc(n, sizeof *created);
    const char **attr = calloc(n, sizeof *attr);
    mtl_string_column acol;
    const char *akey[1];
    size_t i;
    mtl_status st;
    assert_int_equal(mtl_lead_columns_init(&c, sizeof c), MTL_OK);
    for (i = 0; i < n; i++) {
        mtl_customer *cu = random_customer(g, m);
        ids[i] = gen_id(g, "B");
        cust[i] = cu ? mtl_customer_id(cu) : NULL;
        owner_codes[i] = rng_chance(&g->rng, 20) ? MTL_CODE_NONE
                                                  : (uint32_t)rng_below(&g->rng, PALETTE);
        stages[i] = (int32_t)rng_below(&g->rng, (uint64_t)mtl_market_stage_count(m));
        outcomes[i] = pick_outcome(g, m, stages[i]);
        amounts[i] = gen_money(g);
        created[i] = gen_day(g);
        attr[i] = rng_chance(&g->rng, 50) ? g->palette[rng_below(&g->rng, PALETTE)]
                                          : NULL;
    }
    c.count = n;
    c.ids.values = (const char *const *)ids;
    c.customers.values = cust;
    c.owners.codes = owner_codes;
    c.owners.dict = (const char *const *)g->palette;
    c.owners.dict_count = PALETTE;
    c.stages = stages;
    c.outcomes = outcomes;
    c.amounts = amounts;
    c.created = created;
    memset(&acol, 0, sizeof acol);
    acol.values = attr;
    akey[0] = g->keys[rng_below(&g->rng, 5)];
    c.attribute_count = 1;
    c.attribute_keys = akey;
    c.attributes = &acol;
    st = mtl_lead_append_columns(m, &c);
    if (st != MTL_OK)
        fail_msg("append: %s", mtl_last_error_message());
    for (i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
    free(cust);
    free(owner_codes);
    free(stages);
    free(outcomes);
    free(amounts);
    free(created);
    free(attr);
}

/* A double for an input: the ends of its range, any value inside, NaN
 * (with a payload, when nan_ok) -- the snapshot keeps the bits. */
static double gen_input(gen *g, double lo, double hi, int nan_ok)
{
    switch (rng_below(&g->rng, 6)) {
    case 0: return lo;
    case 1: return hi;
    case 2: {
        uint64_t u = UINT64_C(0x7ff8000000000000) | rng_below(&g->rng, 1000);
        double d;
        memcpy(&d, &u, sizeof d);
        return nan_ok ? d : lo;
    }
    case 3: return lo == 0 ? -0.0 : lo;
    default: return lo + (hi - lo) * ((double)rng_below(&g->rng, 1u << 30) / (1u << 30));
    }
}

static const char *gen_text(gen *g)
{
    static const char *const t[] = {"x", "with, comma", "中文", " spaced ", "", "é😀"};
    return t[rng_below(&g->rng, 6)];
}

static void gen_pain(gen *g, mtl_pain *p)
{
    static const char *const layers[] = {"B", "O", "N", "a custom layer name, 32 bytes!!"};
    mtl_pain_init(p, sizeof *p);
    p->layer = layers[rng_below(&g->rng, 4)];
    p->text = rng_chance(&g->rng, 50) ? "pain" : "痛点";
    p->severity = gen_input(g, 1, 5, 0);
    p->urgency = gen_input(g, 1, 5, 0);
    p->breadth = gen_input(g, 0, 1, 0);
    p->budget = gen_input(g, 0, 1, 0);
    p->fit = gen_input(g, 0, 1, 0);
    p->role = (int32_t)rng_below(&g->rng, MTL_ROLE_COUNT);
}

/* Strategy inputs (looks.h, pain.h, customer.h, verification.h) on some
 * segments, customers and leads of m. */
static void gen_inputs(gen *g, mtl_market *m)
{
    mtl_segment *s;
    mtl_customer *c;
    mtl_lead *l;
    int k;
    for (s = mtl_segment_next(m, NULL); s; s = mtl_segment_next(m, s)) {
        uint64_t n = rng_below(&g->rng, 4), i;
        for (i = 0; i < n; i++) {
            mtl_look_item it;
            mtl_look_item_init(&it, sizeof it);
            it.look = (int32_t)rng_below(&g->rng, MTL_LOOK_COUNT);
            it.impact = gen_input(g, -5, 5, 0);
            it.likelihood = gen_input(g, 0, 1, 0);
            it.window_months = rng_chance(&g->rng, 10) ? INT32_MAX
                                                      : (int32_t)(1 + rng_below(&g->rng, 99));
            it.text = rng_chance(&g->rng, 50) ? "look" : "看";
            it.evidence = rng_chance(&g->rng, 50) ? NULL : gen_text(g);
            assert_int_equal(mtl_segment_add_look(s, &it), MTL_OK);
        }
        if (rng_chance(&g->rng, 40)) {
            mtl_segment_factors f;
            mtl_segment_factors_init(&f, sizeof f);
            f.market_size = rng_chance(&g->rng, 30) ? -1 : gen_money(g);
            f.revenue = rng_chance(&g->rng, 30) ? -1 : gen_money(g);
            f.growth = gen_input(g, -0.5, 10, 1);
            f.profit_potential = gen_input(g, 1, 10, 1);
            for (k = 0; k < MTL_FORCE_COUNT; k++)
                f.forces[k] = gen_input(g, 1, 5, 1);
            f.strategic_value = gen_input(g, 1, 10, 1);
            f.gross_margin = gen_input(g, -1, 1, 1);
            f.share_goal = gen_input(g, 0, 1, 1);
            f.growth_goal = gen_input(g, -0.5, 2, 1);
            for (k = 0; k < MTL_APPEALS_COUNT; k++)
                f.appeals_weights[k] = gen_input(g, 0, 100, 0);
            f.appeals_weights[0] = 1;
            assert_int_equal(mtl_segment_set_factors(s, &f), MTL_OK);
        }
        n = rng_below(&g->rng, 3);
        for (i = 0; i < n; i++) {
            mtl_appeals_rating r;
            char name[8];
            mtl_appeals_rating_init(&r, sizeof r);
            snprintf(name, sizeof name, "R%u", (unsigned)i);
            r.competitor = i ? name : NULL;
            for (k = 0; k < MTL_APPEALS_COUNT; k++)
                r.ratings[k] = gen_input(g, 1, 10, 1);
            assert_int_equal(mtl_segment_add_appeals(s, &r), MTL_OK);
        }
        if (rng_chance(&g->rng, 30)) {
            mtl_control_point p;
            mtl_control_point_init(&p, sizeof p);
            p.kind = (int32_t)(1 + rng_below(&g->rng, 6));
            p.attainability = gen_input(g, 0, 1, 0);
            p.text = "control point";
            assert_int_equal(mtl_segment_add_control_point(s, &p), MTL_OK);
        }
        if (rng_chance(&g->rng, 30)) {
            mtl_pain p;
            gen_pain(g, &p);
            assert_int_equal(mtl_segment_add_pain(s, &p), MTL_OK);
        }
        if (rng_chance(&g->rng, 10)) /* cleared: written as no inputs */
            assert_int_equal(mtl_segment_clear_looks(s), MTL_OK);
    }
    for (c = mtl_customer_next(m, NULL); c; c = mtl_customer_next(m, c)) {
        if (rng_chance(&g->rng, 30)) {
            mtl_pain p;
            gen_pain(g, &p);
            assert_int_equal(mtl_customer_add_pain(c, &p), MTL_OK);
        }
        if (rng_chance(&g->rng, 40)) {
            mtl_contact ct;
            mtl_contact_init(&ct, sizeof ct);
            ct.name = "contact";
            ct.title = rng_chance(&g->rng, 50) ? NULL : gen_text(g);
            ct.role = (int32_t)(1 + rng_below(&g->rng, MTL_ROLE_COUNT - 1));
            ct.attitude = (int32_t)rng_below(&g->rng, 3);
            ct.coach = (int32_t)rng_below(&g->rng, 2);
            assert_int_equal(mtl_customer_add_contact(c, &ct), MTL_OK);
        }
        if (rng_chance(&g->rng, 30)) {
            double rel[MTL_REL_COUNT];
            for (k = 0; k < MTL_REL_COUNT; k++)
                rel[k] = gen_input(g, 1, 5, 1);
            assert_int_equal(mtl_customer_set_relationship(c, rel), MTL_OK);
        }
    }
    for (l = mtl_lead_next(m, NULL); l; l = mtl_lead_next(m, l))
        if (rng_chance(&g->rng, 20))
            for (k = 0; k < MTL_CRIT_COUNT; k++)
                if (rng_chance(&g->rng, 30))
                    assert_int_equal(mtl_lead_set_answer(l, k, gen_input(g, 0, 1, 0),
                                                         rng_chance(&g->rng, 50)
                                                             ? NULL
                                                             : gen_text(g)),
                                     MTL_OK);
}

static void gen_free(gen *g)
{
    int k;
    for (k = 0; k < PALETTE; k++)
        free(g->palette[k]);
    for (k = 0; k < 5; k++)
        free(g->keys[k]);
}

/* A random market on ta, from seed.  Seed 0 is the empty market. */
static mtl_market *random_market(uint64_t seed, test_alloc *ta)
{
    static const int64_t minors[] = {1, 10, 100, 1000, 1000000};
    gen g;
    mtl_stage_model *model;
    mtl_market *m;
    size_t nseg, ncust, nlead, i, rounds;
    int k;
    memset(&g, 0, sizeof g);
    g.rng = seed * UINT64_C(0x9e3779b97f4a7c15) + 1;
    if (seed == 0)
        return test_market_new(ta, 0, NULL);
    for (k = 0; k < PALETTE; k++)
        g.palette[k] = gen_string(&g, (size_t)k, "v");
    for (k = 0; k < 5; k++)
        g.keys[k] = gen_string(&g, (size_t)k + 100, "k");
    model = gen_model(&g);
    m = test_market_new(ta, minors[rng_below(&g.rng, 5)], model);
    mtl_stage_model_destroy(model);

    nseg = rng_below(&g.rng, 8);
    for (i = 0; i < nseg; i++) {
        mtl_segment *s;
        char *id = gen_id(&g, "S");
        assert_int_equal(mtl_segment_add(&s, m, id), MTL_OK);
        free(id);
        if (rng_chance(&g.rng, 50)) {
            char *name = gen_string(&g, i, "N");
            assert_int_equal(mtl_segment_set_name(s, name), MTL_OK);
            free(name);
        }
        /* any parent; cycles are refused (MTL_E_STATE) and that is fine */
        (void)mtl_segment_set_parent(s, random_segment(&g, m));
    }
    ncust = rng_below(&g.rng, 12);
    for (i = 0; i < ncust; i++) {
        mtl_customer *c;
        char *id = gen_id(&g, "C");
        assert_int_equal(mtl_customer_add(&c, m, id, random_segment(&g, m)), MTL_OK);
        free(id);
        if (rng_chance(&g.rng, 50)) {
            char *name = gen_string(&g, i, "N");
            assert_int_equal(mtl_customer_set_name(c, name), MTL_OK);
            free(name);
        }
        assert_int_equal(mtl_customer_set_region(c, gen_palette(&g)), MTL_OK);
        assert_int_equal(mtl_customer_set_owner(c, gen_palette(&g)), MTL_OK);
        assert_int_equal(mtl_customer_set_revenue(c, gen_money(&g)), MTL_OK);
        assert_int_equal(mtl_customer_set_investment(c, gen_money(&g)), MTL_OK);
        assert_int_equal(mtl_customer_set_participation(c, gen_prob(&g, 0)), MTL_OK);
        assert_int_equal(mtl_customer_set_grade(c, (int32_t)rng_below(&g.rng, 5)),
                         MTL_OK);
    }
    /* holes among segments and customers: remove some unused ones */
    for (i = 0; i < 3; i++) {
        mtl_customer *c = random_customer(&g, m);
        mtl_segment *s = random_segment(&g, m);
        if (c && rng_chance(&g.rng, 50))
            (void)mtl_customer_remove(c);
        if (s && rng_chance(&g.rng, 50))
            (void)mtl_segment_remove(s);
    }

    rounds = 1 + rng_below(&g.rng, 3);
    while (rounds--) {
        nlead = rng_chance(&g.rng, 5) ? 200 + rng_below(&g.rng, 700)
                                      : rng_below(&g.rng, 30);
        if (rng_chance(&g.rng, 30)) {
            bulk_leads(&g, m, nlead);
        } else {
            for (i = 0; i < nlead; i++) {
                mtl_lead *l;
                char *id = gen_id(&g, "L");
                assert_int_equal(mtl_lead_add(&l, m, id, random_customer(&g, m)),
                                 MTL_OK);
                free(id);
                if (rng_chance(&g.rng, 90))
                    fill_lead(&g, m, l);
            }
        }
        /* holes among leads (attributes and history go with them) */
        if (mtl_market_lead_count(m) && rng_chance(&g.rng, 60)) {
            mtl_lead *l = mtl_lead_next(m, NULL), *next;
            for (; l; l = next) {
                next = mtl_lead_next(m, l);
                if (rng_chance(&g.rng, 25))
                    assert_int_equal(mtl_lead_remove(l), MTL_OK);
            }
        }
    }
    /* last, so that the records above stay what they were before the
     * inputs existed */
    if (rng_chance(&g.rng, 60))
        gen_inputs(&g, m);
    gen_free(&g);
    return m;
}

/* ---- CRC32C ------------------------------------------------------------ */

static void test_crc32c_vectors(void **state)
{
    static const unsigned char zeros[32], ones[32] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    (void)state;
    assert_int_equal(mtl__crc32c(0, "123456789", 9), 0xE3069283u);
    assert_int_equal(mtl__crc32c_portable(0, "123456789", 9), 0xE3069283u);
    assert_int_equal(crc32c_bitwise("123456789", 9), 0xE3069283u);
    /* RFC 3720 B.4 */
    assert_int_equal(mtl__crc32c(0, zeros, 32), 0x8A9136AAu);
    assert_int_equal(mtl__crc32c(0, ones, 32), 0x62A8AB43u);
    assert_int_equal(mtl__crc32c(0, "", 0), 0u);
    assert_int_equal(mtl__crc32c(0x12345678u, "", 0), 0x12345678u);
}

static void test_crc32c_paths_agree(void **state)
{
    unsigned char buf[4096 + 16];
    uint64_t rng = 7;
    int round;
    (void)state;
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)rng_next(&rng);
    for (round = 0; round < 2000; round++) {
        size_t off = rng_below(&rng, 16), len = rng_below(&rng, 4096);
        size_t cut = len ? rng_below(&rng, len + 1) : 0;
        uint32_t want = crc32c_bitwise(buf + off, len);
        assert_int_equal(mtl__crc32c(0, buf + off, len), want);
        assert_int_equal(mtl__crc32c_portable(0, buf + off, len), want);
        /* chaining: a then b is the CRC of ab */
        assert_int_equal(mtl__crc32c(mtl__crc32c(0, buf + off, cut), buf + off + cut,
                                     len - cut),
                         want);
        assert_int_equal(mtl__crc32c_portable(mtl__crc32c(0, buf + off, cut),
                                              buf + off + cut, len - cut),
                         want);
    }
}

/* ---- the golden snapshot ------------------------------------------------ */

/* A small market with one of everything, built through the public API. */
static mtl_market *golden_market(test_alloc *ta)
{
    mtl_stage_model *model;
    mtl_market *m;
    mtl_segment *s1, *s2, *gone;
    mtl_customer *c, *c0, *c2;
    mtl_lead *l1, *l2, *l3, *l4;
    assert_int_equal(mtl_stage_model_create(&model, NULL, NULL), MTL_OK);
    assert_int_equal(mtl_stage_model_add(model, "new", "研究", 0.1,
                                         MTL_CATEGORY_PIPELINE, 0), MTL_OK);
    assert_int_equal(mtl_stage_model_add(model, "won", NULL, 1.0,
                                         MTL_CATEGORY_CLOSED, MTL_STAGE_FLAG_WON),
                     MTL_OK);
    assert_int_equal(mtl_stage_model_add(model, "lost", "", 0.0,
                                         MTL_CATEGORY_OMITTED, MTL_STAGE_FLAG_LOST),
                     MTL_OK);
    m = test_market_new(ta, 1000, model);
    mtl_stage_model_destroy(model);
    assert_int_equal(mtl_segment_add(&gone, m, "GONE"), MTL_OK);
    assert_int_equal(mtl_segment_add(&s1, m, "ENT"), MTL_OK);
    assert_int_equal(mtl_segment_add(&s2, m, "ENT-CN"), MTL_OK);
    assert_int_equal(mtl_customer_add(&c0, m, "C0", NULL), MTL_OK);
    assert_int_equal(mtl_segment_set_parent(s2, s1), MTL_OK);
    assert_int_equal(mtl_segment_set_name(s2, "企业 China"), MTL_OK);
    assert_int_equal(mtl_customer_add(&c, m, "C1", s2), MTL_OK);
    assert_int_equal(mtl_customer_set_name(c, "Acme"), MTL_OK);
    assert_int_equal(mtl_customer_set_region(c, "east"), MTL_OK);
    assert_int_equal(mtl_customer_set_owner(c, "ann"), MTL_OK);
    assert_int_equal(mtl_customer_set_revenue(c, 5000000), MTL_OK);
    assert_int_equal(mtl_customer_set_investment(c, 2000000), MTL_OK);
    assert_int_equal(mtl_customer_set_participation(c, 0.25), MTL_OK);
    assert_int_equal(mtl_customer_set_grade(c, MTL_GRADE_PARTNER), MTL_OK);
    assert_int_equal(mtl_customer_add(&c2, m, "C2", s1), MTL_OK);
    assert_int_equal(mtl_customer_set_participation(c2, 1.0), MTL_OK);
    /* holes: records after them are renumbered in the file */
    assert_int_equal(mtl_customer_remove(c0), MTL_OK);
    assert_int_equal(mtl_segment_remove(gone), MTL_OK);
    assert_int_equal(mtl_lead_add(&l1, m, "L1", c), MTL_OK);
    assert_int_equal(mtl_lead_add(&l2, m, "L2", NULL), MTL_OK);
    assert_int_equal(mtl_lead_add(&l3, m, "L3", c), MTL_OK);
    assert_int_equal(mtl_lead_set_amount(l1, 123456), MTL_OK);
    assert_int_equal(mtl_lead_set_stage_outcome(l1, 1, MTL_OUTCOME_WON), MTL_OK);
    assert_int_equal(mtl_lead_set_created(l1, 19000), MTL_OK);
    assert_int_equal(mtl_lead_set_closed(l1, 19100), MTL_OK);
    assert_int_equal(mtl_lead_set_probability(l1, 0.5), MTL_OK);
    assert_int_equal(mtl_lead_set_attribute(l1, "industry", "retail"), MTL_OK);
    assert_int_equal(mtl_lead_add_event(l1, 19000, 0), MTL_OK);
    assert_int_equal(mtl_lead_add_event(l1, 19100, 1), MTL_OK);
    assert_int_equal(mtl_lead_set_owner(l2, "bob"), MTL_OK);
    assert_int_equal(mtl_lead_set_source(l2, "web"), MTL_OK);
    assert_int_equal(mtl_lead_set_status(l2, MTL_LEAD_STATUS_NURTURE), MTL_OK);
    assert_int_equal(mtl_lead_set_category(l2, MTL_CATEGORY_COMMIT), MTL_OK);
    assert_int_equal(mtl_lead_set_decision_step(l2, MTL_DECISION_CRITERIA), MTL_OK);
    assert_int_equal(mtl_lead_set_stage_outcome(l2, 2, MTL_OUTCOME_LOST), MTL_OK);
    assert_int_equal(mtl_lead_add(&l4, m, "L4", c2), MTL_OK);
    assert_int_equal(mtl_lead_set_created(l4, MTL_DATE_MIN), MTL_OK);
    assert_int_equal(mtl_lead_set_expected_close(l4, MTL_DATE_MAX), MTL_OK);
    assert_int_equal(mtl_lead_set_probability(l4, 0.0), MTL_OK);
    assert_int_equal(mtl_lead_set_attribute(l4, "size", "XL"), MTL_OK);
    assert_int_equal(mtl_lead_add_event(l4, MTL_DATE_MIN, 0), MTL_OK);
    assert_int_equal(mtl_lead_remove(l3), MTL_OK); /* a hole */
    return m;
}

/* Its snapshot, byte for byte (regenerate with MTL_PRINT_GOLDEN=1 only when
 * the format version changes; docs/formats.md describes every byte). */
static const unsigned char golden[] = {
#include "test_snapshot_golden.inc"
};

static void print_golden(const membuf *b)
{
    size_t i;
    for (i = 0; i < b->len; i++)
        printf("0x%02x,%s", b->p[i], i % 12 == 11 ? "\n" : " ");
    printf("\n");
}

static void test_golden(void **state)
{
    test_alloc ta, tb;
    mtl_market *m, *r = NULL;
    membuf b;
    (void)state;
    m = golden_market(&ta);
    b = snap_of(m);
    if (getenv("MTL_PRINT_GOLDEN"))
        print_golden(&b);
    /* the frame: magic, version 1, flags 0, content length, CRC */
    assert_memory_equal(b.p, "MTLSNAP\0", 8);
    assert_int_equal(get_le(b.p + 8, 4), 1);
    assert_int_equal(get_le(b.p + 12, 4), 0);
    assert_int_equal(get_le(b.p + 16, 8), b.len - 28);
    assert_int_equal(get_le(b.p + b.len - 4, 4), crc32c_bitwise(b.p + 24, b.len - 28));
    assert_int_equal(b.len, sizeof golden);
    assert_memory_equal(b.p, golden, sizeof golden);
    assert_int_equal(read_with(&tb, golden, sizeof golden, &r), MTL_OK);
    assert_int_equal(test_market_fingerprint(r), test_market_fingerprint(m));
    assert_string_equal(mtl_lead_attribute(mtl_lead_find(r, "L1"), "industry"),
                        "retail");
    assert_int_equal(mtl_lead_find(r, "L3") == NULL, 1);
    assert_string_equal(mtl_segment_name(mtl_segment_find(r, "ENT-CN")),
                        "企业 China");
    assert_string_equal(mtl_customer_id(mtl_lead_customer(mtl_lead_find(r, "L4"))),
                        "C2");
    assert_string_equal(mtl_segment_id(mtl_customer_segment(mtl_customer_find(r, "C2"))),
                        "ENT");
    assert_null(mtl_customer_find(r, "C0"));
    test_market_free(r, &tb);
    test_market_free(m, &ta);
    membuf_free(&b);
}

/* The golden market with strategy inputs of every kind: a snapshot of
 * format version 2. */
static mtl_market *golden_inputs_market(test_alloc *ta)
{
    mtl_market *m = golden_market(ta);
    mtl_segment *ent = mtl_segment_find(m, "ENT"), *cn = mtl_segment_find(m, "ENT-CN");
    mtl_customer *c1 = mtl_customer_find(m, "C1"), *c2 = mtl_customer_find(m, "C2");
    mtl_look_item it;
    mtl_segment_factors f;
    mtl_appeals_rating r;
    mtl_control_point p;
    mtl_pain pn;
    mtl_contact ct;
    double rel[MTL_REL_COUNT] = {5, 4, NAN, 3, 2, 1};
    int k;
    mtl_look_item_init(&it, sizeof it);
    it.look = MTL_LOOK_COMPETITION;
    it.impact = -3;
    it.likelihood = 0.5;
    it.window_months = 36;
    it.text = "价格战";
    it.evidence = "report";
    assert_int_equal(mtl_segment_add_look(cn, &it), MTL_OK);
    mtl_segment_factors_init(&f, sizeof f);
    f.market_size = 123456789;
    f.growth = 0.125;
    f.forces[MTL_FORCE_BUYERS] = 4;
    f.appeals_weights[MTL_APPEALS_PRICE] = 2;
    assert_int_equal(mtl_segment_set_factors(cn, &f), MTL_OK);
    mtl_appeals_rating_init(&r, sizeof r);
    for (k = 0; k < MTL_APPEALS_COUNT; k++)
        r.ratings[k] = 1 + k;
    assert_int_equal(mtl_segment_add_appeals(cn, &r), MTL_OK);
    r.competitor = "Rival";
    r.ratings[MTL_APPEALS_SOCIAL] = NAN;
    assert_int_equal(mtl_segment_add_appeals(cn, &r), MTL_OK);
    mtl_control_point_init(&p, sizeof p);
    p.kind = MTL_CONTROL_STANDARD;
    p.attainability = 0.25;
    p.text = "standard";
    assert_int_equal(mtl_segment_add_control_point(ent, &p), MTL_OK);
    mtl_pain_init(&pn, sizeof pn);
    pn.layer = MTL_LAYER_NETWORK;
    pn.text = "capacity";
    pn.severity = 5;
    pn.role = MTL_ROLE_USER;
    assert_int_equal(mtl_segment_add_pain(ent, &pn), MTL_OK);
    pn.text = "outages";
    assert_int_equal(mtl_customer_add_pain(c2, &pn), MTL_OK);
    mtl_contact_init(&ct, sizeof ct);
    ct.name = "Li";
    ct.title = "CIO";
    ct.role = MTL_ROLE_DECIDER;
    ct.attitude = MTL_ATTITUDE_SUPPORTER;
    ct.coach = 1;
    assert_int_equal(mtl_customer_add_contact(c1, &ct), MTL_OK);
    assert_int_equal(mtl_customer_set_relationship(c1, rel), MTL_OK);
    assert_int_equal(mtl_lead_set_answer(mtl_lead_find(m, "L4"), MTL_CRIT_BUDGET, 0.75,
                                         "approved"),
                     MTL_OK);
    assert_int_equal(mtl_lead_set_answer(mtl_lead_find(m, "L4"), MTL_CRIT_COMPETITION, 0,
                                         NULL),
                     MTL_OK);
    return m;
}

static const unsigned char golden_v2[] = {
#include "test_snapshot_golden_v2.inc"
};

static void test_golden_inputs(void **state)
{
    test_alloc ta, tb;
    mtl_market *m, *r = NULL;
    membuf b, v1;
    mtl_look_item it;
    mtl_segment_factors f;
    double rel[MTL_REL_COUNT], score;
    const char *ev;
    (void)state;
    m = golden_inputs_market(&ta);
    b = snap_of(m);
    if (getenv("MTL_PRINT_GOLDEN"))
        print_golden(&b);
    assert_int_equal(get_le(b.p + 8, 4), 2);
    assert_int_equal(b.len, sizeof golden_v2);
    assert_memory_equal(b.p, golden_v2, sizeof golden_v2);
    assert_int_equal(read_with(&tb, golden_v2, sizeof golden_v2, &r), MTL_OK);
    assert_int_equal(test_market_fingerprint(r), test_market_fingerprint(m));
    mtl_look_item_init(&it, sizeof it);
    assert_int_equal(mtl_segment_look_at(mtl_segment_find(r, "ENT-CN"), 0, &it), MTL_OK);
    assert_string_equal(it.text, "价格战");
    assert_true(it.impact == -3 && it.window_months == 36);
    mtl_segment_factors_init(&f, sizeof f);
    assert_int_equal(mtl_segment_factors_get(mtl_segment_find(r, "ENT-CN"), &f), MTL_OK);
    assert_int_equal(f.market_size, 123456789);
    assert_int_equal(mtl_segment_appeals_count(mtl_segment_find(r, "ENT-CN")), 2);
    assert_int_equal(mtl_customer_relationship(mtl_customer_find(r, "C1"), rel), MTL_OK);
    assert_true(rel[0] == 5 && isnan(rel[2]));
    assert_int_equal(mtl_customer_pain_count(mtl_customer_find(r, "C2")), 1);
    assert_int_equal(mtl_lead_answer(mtl_lead_find(r, "L4"), MTL_CRIT_BUDGET, &score, &ev),
                     MTL_OK);
    assert_true(score == 0.75);
    assert_string_equal(ev, "approved");
    test_market_free(r, &tb);
    /* inputs all cleared again: written as version 1, the golden bytes of
     * the market without inputs (older readers still read it) */
    {
        test_alloc tc;
        mtl_market *plain = golden_market(&tc);
        mtl_lead *l4 = mtl_lead_find(plain, "L4");
        mtl_segment *ent = mtl_segment_find(plain, "ENT");
        mtl_look_item_init(&it, sizeof it);
        it.text = "gone";
        assert_int_equal(mtl_segment_add_look(ent, &it), MTL_OK);
        assert_int_equal(mtl_segment_clear_looks(ent), MTL_OK);
        assert_int_equal(mtl_lead_set_answer(l4, MTL_CRIT_BUDGET, 1, "x"), MTL_OK);
        assert_int_equal(mtl_lead_set_answer(l4, MTL_CRIT_BUDGET, NAN, NULL), MTL_OK);
        assert_int_equal(mtl_customer_add_contact(mtl_customer_find(plain, "C1"), &(mtl_contact){
                                                      sizeof(mtl_contact), "n", NULL,
                                                      MTL_ROLE_USER, 0, 0}),
                         MTL_OK);
        assert_int_equal(mtl_customer_clear_contacts(mtl_customer_find(plain, "C1")),
                         MTL_OK);
        v1 = snap_of(plain);
        assert_int_equal(v1.len, sizeof golden);
        assert_memory_equal(v1.p, golden, sizeof golden);
        test_market_free(plain, &tc);
        membuf_free(&v1);
    }
    test_market_free(m, &ta);
    membuf_free(&b);
}

/* ---- round trips -------------------------------------------------------- */

/* Two markets hold the same records, whatever their storage order: a
 * loaded market has no holes, so records added after the load land at the
 * end where the original reuses a freed place. */
static void same_records(const mtl_market *a, const mtl_market *b)
{
    const mtl_lead *l;
    const mtl_customer *c;
    const mtl_segment *s;
    assert_int_equal(mtl_market_lead_count(a), mtl_market_lead_count(b));
    assert_int_equal(mtl_market_customer_count(a), mtl_market_customer_count(b));
    assert_int_equal(mtl_market_segment_count(a), mtl_market_segment_count(b));
    for (l = mtl_lead_next(a, NULL); l; l = mtl_lead_next(a, l)) {
        const mtl_lead *o = mtl_lead_find(b, mtl_lead_id(l));
        assert_non_null(o);
        assert_int_equal(test_lead_fingerprint(l), test_lead_fingerprint(o));
    }
    for (c = mtl_customer_next(a, NULL); c; c = mtl_customer_next(a, c)) {
        const mtl_customer *o = mtl_customer_find(b, mtl_customer_id(c));
        assert_non_null(o);
        assert_string_equal(mtl_customer_name(c), mtl_customer_name(o));
        assert_ptr_equal(mtl_segment_find(b, mtl_segment_id(mtl_customer_segment(c))),
                         mtl_customer_segment(o));
        assert_string_equal(mtl_customer_region(c), mtl_customer_region(o));
        assert_string_equal(mtl_customer_owner(c), mtl_customer_owner(o));
        assert_int_equal(mtl_customer_revenue(c), mtl_customer_revenue(o));
        assert_int_equal(mtl_customer_investment(c), mtl_customer_investment(o));
        assert_memory_equal(&(double){mtl_customer_participation(c)},
                            &(double){mtl_customer_participation(o)}, sizeof(double));
        assert_int_equal(mtl_customer_grade(c), mtl_customer_grade(o));
    }
    for (s = mtl_segment_next(a, NULL); s; s = mtl_segment_next(a, s)) {
        const mtl_segment *o = mtl_segment_find(b, mtl_segment_id(s));
        assert_non_null(o);
        assert_string_equal(mtl_segment_name(s), mtl_segment_name(o));
        assert_ptr_equal(mtl_segment_find(b, mtl_segment_id(mtl_segment_parent(s))),
                         mtl_segment_parent(o));
    }
}

/* The same operations on two markets that should be the same; every
 * status and the final fingerprints must agree (counters, free lists and
 * indexes of a loaded market behave as the original's). */
static void same_behaviour(mtl_market *a, mtl_market *b, uint64_t seed)
{
    mtl_market *ms[2] = {a, b};
    mtl_status st[2];
    int k;
    /* every lead is found by its id; every record too */
    for (k = 0; k < 2; k++) {
        const mtl_lead *l;
        const mtl_customer *c;
        const mtl_segment *s;
        for (l = mtl_lead_next(ms[k], NULL); l; l = mtl_lead_next(ms[k], l))
            assert_ptr_equal(mtl_lead_find(ms[k], mtl_lead_id(l)), l);
        for (c = mtl_customer_next(ms[k], NULL); c; c = mtl_customer_next(ms[k], c))
            assert_ptr_equal(mtl_customer_find(ms[k], mtl_customer_id(c)), c);
        for (s = mtl_segment_next(ms[k], NULL); s; s = mtl_segment_next(ms[k], s))
            assert_ptr_equal(mtl_segment_find(ms[k], mtl_segment_id(s)), s);
    }
    /* removals see the same references (segment and customer counters) */
    for (;;) {
        mtl_segment *s[2] = {mtl_segment_next(a, NULL), mtl_segment_next(b, NULL)};
        int removed = 0;
        while (s[0] && s[1]) {
            mtl_segment *n0 = mtl_segment_next(a, s[0]), *n1 = mtl_segment_next(b, s[1]);
            st[0] = mtl_segment_remove(s[0]);
            st[1] = mtl_segment_remove(s[1]);
            assert_int_equal(st[0], st[1]);
            removed += st[0] == MTL_OK;
            s[0] = n0;
            s[1] = n1;
        }
        if (!removed)
            break;
    }
    {
        mtl_customer *c[2] = {mtl_customer_next(a, NULL), mtl_customer_next(b, NULL)};
        while (c[0] && c[1]) {
            mtl_customer *n0 = mtl_customer_next(a, c[0]), *n1 = mtl_customer_next(b, c[1]);
            st[0] = mtl_customer_remove(c[0]);
            st[1] = mtl_customer_remove(c[1]);
            assert_int_equal(st[0], st[1]);
            c[0] = n0;
            c[1] = n1;
        }
    }
    /* new records land in the same places; history keeps sorting */
    for (k = 0; k < 2; k++) {
        mtl_lead *l, *first = mtl_lead_next(ms[k], NULL);
        char id[40];
        snprintf(id, sizeof id, "new-%llu", (unsigned long long)seed);
        assert_int_equal(mtl_segment_add(NULL, ms[k], id), MTL_OK);
        assert_int_equal(mtl_customer_add(NULL, ms[k], id, NULL), MTL_OK);
        assert_int_equal(mtl_lead_add(&l, ms[k], id, NULL), MTL_OK);
        assert_int_equal(mtl_lead_set_attribute(l, "new-key", "v"), MTL_OK);
        assert_int_equal(mtl_lead_add_event(l, 100, 0), MTL_OK);
        if (first) {
            assert_int_equal(mtl_lead_add_event(first, 20000, 0), MTL_OK);
            assert_int_equal(mtl_lead_set_attribute(first, "new-key", "w"), MTL_OK);
            assert_int_equal(mtl_lead_remove(first), MTL_OK);
        }
    }
    same_records(a, b);
}

static void roundtrip_one(uint64_t seed)
{
    test_alloc ta, tb, tc;
    mtl_market *m, *r = NULL, *r2 = NULL;
    membuf b1, b2;
    mtl_status st;
    m = random_market(seed, &ta);
    b1 = snap_of(m);
    st = read_with(&tb, b1.p, b1.len, &r);
    if (st != MTL_OK)
        fail_msg("seed %llu: read: %s: %s", (unsigned long long)seed,
                 mtl_status_string(st), mtl_last_error_message());
    if (test_market_fingerprint(r) != test_market_fingerprint(m))
        fail_msg("seed %llu: the loaded market differs", (unsigned long long)seed);
    b2 = snap_of(r);
    if (b1.len != b2.len || memcmp(b1.p, b2.p, b1.len) != 0)
        fail_msg("seed %llu: save(load(save(x))) differs from save(x) (%zu vs %zu "
                 "bytes)",
                 (unsigned long long)seed, b1.len, b2.len);
    /* a third generation reads back too */
    assert_int_equal(read_with(&tc, b2.p, b2.len, &r2), MTL_OK);
    assert_int_equal(test_market_fingerprint(r2), test_market_fingerprint(m));
    test_market_free(r2, &tc);
    same_behaviour(m, r, seed);
    test_market_free(r, &tb);
    test_market_free(m, &ta);
    membuf_free(&b1);
    membuf_free(&b2);
}

static void test_roundtrip_random(void **state)
{
    uint64_t seed;
    (void)state;
    for (seed = 0; seed < 1000; seed++)
        roundtrip_one(seed);
}

static void test_roundtrip_options(void **state)
{
    /* the snapshot's stage model and minor units win over the options' */
    test_alloc ta, tb;
    mtl_market *m = random_market(3, &ta), *r = NULL;
    mtl_stage_model *model;
    mtl_market_options o;
    membuf b = snap_of(m);
    (void)state;
    o = alloc_options(&tb);
    assert_int_equal(mtl_stage_model_create_default(&model, NULL, NULL), MTL_OK);
    o.stage_model = model;
    o.minor_per_major = 10;
    assert_int_equal(mtl_market_read(&r, b.p, b.len, &o), MTL_OK);
    mtl_stage_model_destroy(model);
    assert_int_equal(test_market_fingerprint(r), test_market_fingerprint(m));
    assert_true(mtl_market_memory_used(r) == tb.live_bytes);
    test_market_free(r, &tb);
    /* NULL options: libc */
    assert_int_equal(mtl_market_read(&r, b.p, b.len, NULL), MTL_OK);
    assert_int_equal(test_market_fingerprint(r), test_market_fingerprint(m));
    mtl_market_unref(r);
    test_market_free(m, &ta);
    membuf_free(&b);
}

static void test_arguments(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL), *r = (mtl_market *)&ta;
    mtl_market_options o;
    membuf b = snap_of(m);
    (void)state;
    assert_int_equal(mtl_market_write(NULL, membuf_write, &b), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_market_write(m, NULL, &b), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_market_save(NULL, "/tmp/x"), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_market_save(m, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_market_save(m, ""), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_market_read(NULL, b.p, b.len, NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_market_read(&r, NULL, 5, NULL), MTL_E_INVALID_ARGUMENT);
    assert_null(r);
    r = (mtl_market *)&ta;
    assert_int_equal(mtl_market_read(&r, NULL, 0, NULL), MTL_E_CORRUPT);
    assert_null(r);
    assert_int_equal(mtl_market_load(NULL, "/tmp/x", NULL), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_market_load(&r, NULL, NULL), MTL_E_INVALID_ARGUMENT);
    memset(&o, 0, sizeof o);
    o.struct_size = 8;
    assert_int_equal(mtl_market_read(&r, b.p, b.len, &o), MTL_E_VERSION);
    assert_int_equal(mtl_market_load(&r, "/nonexistent/x", &o), MTL_E_VERSION);
    test_market_free(m, &ta);
    membuf_free(&b);
}

/* ---- refusing bad bytes ------------------------------------------------- */

/* A sample snapshot with a bit of everything. */
static membuf sample_snapshot(void)
{
    test_alloc ta;
    mtl_market *m = random_market(11, &ta);
    membuf b;
    if (mtl_market_lead_count(m) < 3) { /* make sure there is something */
        test_market_free(m, &ta);
        m = golden_market(&ta);
    }
    b = snap_of(m);
    test_market_free(m, &ta);
    return b;
}

/* The snapshot of the golden market with inputs (format version 2). */
static membuf inputs_snapshot(void)
{
    test_alloc ta;
    mtl_market *m = golden_inputs_market(&ta);
    membuf b = snap_of(m);
    test_market_free(m, &ta);
    return b;
}

static void truncations(membuf b)
{
    size_t n;
    for (n = 0; n < b.len; n++) {
        test_alloc ta;
        mtl_market *r = (mtl_market *)&ta;
        mtl_status st = read_with(&ta, b.p, n, &r);
        if (st != MTL_E_CORRUPT)
            fail_msg("truncated to %zu of %zu bytes: %s", n, b.len,
                     mtl_status_string(st));
        assert_null(r);
        /* the frame is checked before anything is allocated */
        assert_int_equal(ta.peak_bytes, 0);
        test_alloc_assert_clean(&ta);
    }
    /* and with a byte too many */
    {
        test_alloc ta;
        mtl_market *r;
        unsigned char *p = malloc(b.len + 1);
        memcpy(p, b.p, b.len);
        p[b.len] = 0;
        assert_int_equal(read_with(&ta, p, b.len + 1, &r), MTL_E_CORRUPT);
        free(p);
    }
    membuf_free(&b);
}

static void test_truncations(void **state)
{
    (void)state;
    truncations(sample_snapshot());
    truncations(inputs_snapshot());
}

static void byte_corruptions(membuf b)
{
    unsigned char *p = malloc(b.len);
    uint64_t rng = 2024;
    int round;
    for (round = 0; round < 10000; round++) {
        test_alloc ta;
        mtl_market *r = (mtl_market *)&ta;
        size_t pos = (size_t)rng_below(&rng, b.len);
        int flips = round % 4 == 3 ? 2 + (int)rng_below(&rng, 6) : 1, f;
        mtl_status st;
        int in_header = 0;
        memcpy(p, b.p, b.len);
        for (f = 0; f < flips; f++) {
            size_t at = f == 0 ? pos : (size_t)rng_below(&rng, b.len);
            p[at] ^= (unsigned char)(1 + rng_below(&rng, 255));
            in_header |= at >= 8 && at < 16;
        }
        if (memcmp(p, b.p, b.len) == 0)
            continue; /* two flips undid each other */
        st = read_with(&ta, p, b.len, &r);
        /* header bytes 8..15 are the version and the feature flags: a
         * larger value there reads as "newer than this library" */
        if (st != MTL_E_CORRUPT && !(st == MTL_E_VERSION && in_header))
            fail_msg("round %d: corruption at %zu: %s (%s)", round, pos,
                     mtl_status_string(st), mtl_last_error_message());
        assert_null(r);
        /* the CRC is checked before anything is allocated */
        assert_int_equal(ta.peak_bytes, 0);
        test_alloc_assert_clean(&ta);
    }
    free(p);
    membuf_free(&b);
}

static void test_byte_corruptions(void **state)
{
    (void)state;
    byte_corruptions(sample_snapshot());
    byte_corruptions(inputs_snapshot());
}

/* Corruptions whose CRC is made right again: the checks behind the CRC
 * must hold on their own.  Whatever the status, nothing crashes or leaks,
 * and a market that loads saves and loads again. */
static void structure_fuzz(membuf b)
{
    unsigned char *p = malloc(b.len);
    uint64_t rng = 99;
    int round, ok = 0;
    for (round = 0; round < 10000; round++) {
        test_alloc ta;
        mtl_market *r = NULL;
        int flips = 1 + (int)rng_below(&rng, 4), f;
        mtl_status st;
        memcpy(p, b.p, b.len);
        for (f = 0; f < flips; f++) {
            size_t at = 24 + (size_t)rng_below(&rng, b.len - 28);
            switch (rng_below(&rng, 4)) {
            case 0: p[at] ^= (unsigned char)(1u << rng_below(&rng, 8)); break;
            case 1: p[at] = 0; break;
            case 2: p[at] = 0xff; break;
            default: p[at] = (unsigned char)rng_next(&rng); break;
            }
        }
        fix_crc(p, b.len);
        st = read_with(&ta, p, b.len, &r);
        if (st == MTL_OK) {
            test_alloc tb;
            mtl_market *r2 = NULL;
            membuf again = snap_of(r);
            ok++;
            assert_int_equal(read_with(&tb, again.p, again.len, &r2), MTL_OK);
            assert_int_equal(test_market_fingerprint(r2), test_market_fingerprint(r));
            test_market_free(r2, &tb);
            membuf_free(&again);
            test_market_free(r, &ta);
        } else {
            if (st != MTL_E_CORRUPT)
                fail_msg("round %d: %s (%s)", round, mtl_status_string(st),
                         mtl_last_error_message());
            assert_null(r);
            test_alloc_assert_clean(&ta);
        }
    }
    /* some mutations are harmless (an amount, a day): not all refused */
    assert_true(ok > 0);
    free(p);
    membuf_free(&b);
}

static void test_structure_fuzz(void **state)
{
    (void)state;
    structure_fuzz(sample_snapshot());
    structure_fuzz(inputs_snapshot());
}

/* ---- forged snapshots --------------------------------------------------- */

/* A snapshot written by hand, section by section, to say what a writer
 * never would. */
typedef struct {
    membuf b;
    size_t section_at; /* where the open section's length goes */
} forge;

static void f_bytes(forge *f, const void *p, size_t n) { membuf_write(p, n, &f->b); }

static void f_uint(forge *f, uint64_t v, int n)
{
    unsigned char t[8];
    put_le(t, v, n);
    f_bytes(f, t, (size_t)n);
}

static void f_begin(forge *f)
{
    memset(f, 0, sizeof *f);
    f_bytes(f, "MTLSNAP\0", 8);
    f_uint(f, 1, 4);
    f_uint(f, 0, 4);
    f_uint(f, 0, 8); /* content length, set by f_end */
}

static void f_section(forge *f, const char *tag)
{
    f_bytes(f, tag, 4);
    f->section_at = f->b.len;
    f_uint(f, 0, 8);
}

static void f_section_end(forge *f)
{
    put_le(f->b.p + f->section_at, f->b.len - f->section_at - 8, 8);
}

/* A column of n values at width 8, base 0. */
static void f_column(forge *f, const uint64_t *v, size_t n)
{
    size_t i;
    f_uint(f, 8, 1);
    f_uint(f, 0, 8);
    for (i = 0; i < n; i++)
        f_uint(f, v[i], 8);
}

static void f_constant(forge *f, uint64_t v)
{
    f_uint(f, 0, 1);
    f_uint(f, v, 8);
}

static void f_strings(forge *f, const char *const *s, size_t n)
{
    size_t i, len = 0;
    for (i = 0; i < n; i++)
        len += strlen(s[i]) + 1;
    f_uint(f, len, 8);
    for (i = 0; i < n; i++)
        f_bytes(f, s[i], strlen(s[i]) + 1);
}

static void f_end(forge *f)
{
    f_uint(f, 0, 4); /* CRC placeholder */
    put_le(f->b.p + 16, f->b.len - 28, 8);
    fix_crc(f->b.p, f->b.len);
}

/* What a forged market holds; each test breaks one thing. */
typedef struct {
    int64_t minor;
    int nstages;
    uint32_t stage_flags[3];
    const char *stage_names[3];
    double stage_prob;
    size_t nstrings;
    const char *strings[3];
    size_t nsegs;
    const char *seg_ids[3];
    uint64_t seg_parent[3];
    size_t ncust;
    const char *cust_ids[2];
    uint64_t cust_segment[2];
    uint64_t cust_participation;
    size_t nleads;
    const char *lead_ids[3];
    uint64_t lead_customer[3], lead_stage[3], lead_outcome[3], lead_created[3];
    uint64_t lead_prob[3], lead_amount[3], lead_owner[3];
    uint64_t attr_key, attr_values[3];
    int nkeys;
    uint64_t nevents, ev_count[3], ev_day[4], ev_stage[4];
    const char *extra_section; /* inserted before LEAD */
    int skip_section;          /* 1 + index of a section left out */
    int swap;                  /* 1: SEGS and CUST swapped */
    uint32_t version;          /* 0: 1 without inputs, 2 with */
    const struct ispec *inputs; /* the sections of version 2 */
} spec;

/* The strategy inputs of a forged version 2 snapshot: SINP with two
 * entries (S1: factors, a look, two $APPEALS rows, a pain; S2: a control
 * point), CINP with one (C1: relationship, a contact), ANSW with two (L1,
 * L3). */
typedef struct ispec {
    uint64_t seg_ref[2], seg_flags;
    uint64_t market_size, weight0, weights; /* weights: the other seven */
    uint64_t look, look_impact, look_window;
    const char *look_text;
    size_t look_text_len; /* 0: strlen */
    const char *competitor2;
    uint64_t cp_kind;
    int s2_empty;          /* S2's entry holds nothing */
    const char *layer;
    uint64_t pain_role;
    uint64_t cust_ref, rel0, contact_role, contact_coach;
    uint64_t ans_pos[2], ans_mask[2], ans_score;
    int trailing;          /* a byte after SINP's content */
} ispec;

static uint64_t bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static spec good_spec(void)
{
    spec s;
    memset(&s, 0, sizeof s);
    s.minor = 100;
    s.nstages = 3;
    s.stage_names[0] = "open";
    s.stage_names[1] = "won";
    s.stage_names[2] = "lost";
    s.stage_flags[1] = MTL_STAGE_FLAG_WON;
    s.stage_flags[2] = MTL_STAGE_FLAG_LOST;
    s.stage_prob = 0.5;
    s.nstrings = 3;
    s.strings[0] = "ann";
    s.strings[1] = "industry";
    s.strings[2] = "retail";
    s.nsegs = 2;
    s.seg_ids[0] = "S1";
    s.seg_ids[1] = "S2";
    s.seg_parent[1] = 1; /* S2 under S1 */
    s.ncust = 2;
    s.cust_ids[0] = "C1";
    s.cust_ids[1] = "C2";
    s.cust_segment[0] = 2;
    s.cust_participation = bits(0.5);
    s.nleads = 3;
    s.lead_ids[0] = "L1";
    s.lead_ids[1] = "L2";
    s.lead_ids[2] = "L3";
    s.lead_customer[0] = 1;
    s.lead_stage[1] = 1;
    s.lead_outcome[1] = MTL_OUTCOME_WON;
    s.lead_stage[2] = 2;
    s.lead_outcome[2] = MTL_OUTCOME_LOST;
    s.lead_created[0] = 19000 - MTL_DATE_MIN + 1;
    s.lead_prob[0] = s.lead_prob[1] = s.lead_prob[2] = bits(MTL_PROBABILITY_NONE);
    s.lead_prob[1] = bits(1.0);
    s.lead_amount[2] = 100;
    s.lead_owner[0] = 1;
    s.nkeys = 1;
    s.attr_key = 2;
    s.attr_values[1] = 3;
    s.nevents = 3;
    s.ev_count[0] = 2;
    s.ev_count[2] = 1;
    s.ev_day[0] = 10;
    s.ev_day[1] = 11;
    s.ev_day[2] = 5;
    s.ev_stage[2] = 2;
    return s;
}

static void f_f64(forge *f, double d) { f_uint(f, bits(d), 8); }

static void f_text(forge *f, const char *t, size_t len)
{
    f_uint(f, len, 4);
    f_bytes(f, t, len);
}

static void forge_inputs(forge *f, const ispec *in, int skip)
{
    size_t len = in->look_text_len ? in->look_text_len : strlen(in->look_text);
    uint64_t q;
    int k;
    if (skip != 9) {
        f_section(f, "SINP");
        f_uint(f, 2, 8);
        f_uint(f, in->seg_ref[0], 4);
        f_uint(f, in->seg_flags, 1);
        if (in->seg_flags & 1) {
            f_uint(f, in->market_size, 8);
            f_f64(f, 0.1);       /* growth */
            for (k = 0; k < 7; k++)
                f_f64(f, NAN);   /* profit potential, the forces, strategic value */
            f_uint(f, UINT64_MAX, 8); /* revenue -1 */
            f_f64(f, NAN);
            f_f64(f, NAN);
            f_f64(f, NAN);
            f_uint(f, in->weight0, 8);
            for (k = 1; k < 8; k++)
                f_uint(f, in->weights, 8);
        }
        f_uint(f, 1, 4); /* a look */
        f_uint(f, in->look, 1);
        f_uint(f, in->look_impact, 8);
        f_f64(f, 1);
        f_uint(f, in->look_window, 4);
        f_text(f, in->look_text, len);
        f_text(f, "", 0);
        f_uint(f, 2, 4); /* $APPEALS: us and another */
        f_text(f, "", 0);
        for (k = 0; k < 8; k++)
            f_f64(f, 5);
        f_text(f, in->competitor2, strlen(in->competitor2));
        for (k = 0; k < 8; k++)
            f_f64(f, NAN);
        f_uint(f, 0, 4); /* no control point */
        f_uint(f, 1, 4); /* a pain */
        f_text(f, in->layer, strlen(in->layer));
        f_text(f, "p", 1);
        f_f64(f, 2);
        f_f64(f, 1);
        f_f64(f, 1);
        f_f64(f, 0);
        f_f64(f, 1);
        f_uint(f, in->pain_role, 1);
        f_uint(f, in->seg_ref[1], 4); /* S2 */
        f_uint(f, 0, 1);
        f_uint(f, 0, 4);
        f_uint(f, 0, 4);
        f_uint(f, in->s2_empty ? 0 : 1, 4);
        if (!in->s2_empty) {
            f_uint(f, in->cp_kind, 1);
            f_f64(f, 0.5);
            f_text(f, "cp", 2);
        }
        f_uint(f, 0, 4);
        if (in->trailing)
            f_uint(f, 0, 1);
        f_section_end(f);
    }
    if (skip != 10) {
        f_section(f, "CINP");
        f_uint(f, 1, 8);
        f_uint(f, in->cust_ref, 4);
        f_uint(f, 1, 1);
        f_uint(f, in->rel0, 8);
        for (k = 1; k < 6; k++)
            f_f64(f, NAN);
        f_uint(f, 0, 4); /* no pain */
        f_uint(f, 1, 4); /* a contact */
        f_text(f, "N", 1);
        f_text(f, "", 0);
        f_uint(f, in->contact_role, 1);
        f_uint(f, MTL_ATTITUDE_SUPPORTER, 1);
        f_uint(f, in->contact_coach, 1);
        f_section_end(f);
    }
    if (skip != 11) {
        f_section(f, "ANSW");
        f_uint(f, 2, 8);
        for (k = 0; k < 2; k++) {
            f_uint(f, in->ans_pos[k], 4);
            f_uint(f, in->ans_mask[k], 2);
            for (q = 0; q < 16; q++)
                if (in->ans_mask[k] >> q & 1) {
                    f_uint(f, in->ans_score, 8);
                    f_text(f, "e", 1);
                }
        }
        f_section_end(f);
    }
}

static membuf forge_spec(const spec *s)
{
    static const char *const names[] = {"", ""};
    forge f;
    size_t i;
    int sec;
    f_begin(&f);
    put_le(f.b.p + 8, s->version ? s->version : s->inputs ? 2 : 1, 4);
    for (sec = 0; sec < 8; sec++) {
        int which = sec;
        if (s->swap && sec == 3)
            which = 4;
        else if (s->swap && sec == 4)
            which = 3;
        if (s->skip_section == which + 1)
            continue;
        if (which == 5 && s->extra_section) {
            f_section(&f, s->extra_section);
            f_uint(&f, 42, 8);
            f_section_end(&f);
        }
        switch (which) {
        case 0:
            f_section(&f, "MRKT");
            f_uint(&f, (uint64_t)s->minor, 8);
            break;
        case 1:
            f_section(&f, "STGE");
            f_uint(&f, (uint64_t)s->nstages, 4);
            for (i = 0; i < (size_t)s->nstages; i++) {
                f_uint(&f, strlen(s->stage_names[i]), 1);
                f_bytes(&f, s->stage_names[i], strlen(s->stage_names[i]));
                f_uint(&f, 0, 1);
                f_uint(&f, bits(s->stage_prob), 8);
                f_uint(&f, 0, 4);
                f_uint(&f, s->stage_flags[i], 4);
            }
            break;
        case 2:
            f_section(&f, "STRS");
            f_uint(&f, s->nstrings, 8);
            f_strings(&f, s->strings, s->nstrings);
            break;
        case 3:
            f_section(&f, "SEGS");
            f_uint(&f, s->nsegs, 8);
            f_strings(&f, s->seg_ids, s->nsegs);
            f_strings(&f, names, s->nsegs);
            f_column(&f, s->seg_parent, s->nsegs);
            break;
        case 4:
            f_section(&f, "CUST");
            f_uint(&f, s->ncust, 8);
            f_strings(&f, s->cust_ids, s->ncust);
            f_strings(&f, names, s->ncust);
            /* a table: seven column headers, then the rows */
            for (i = 0; i < 7; i++) {
                f_uint(&f, 8, 1);
                f_uint(&f, 0, 8);
            }
            for (i = 0; i < s->ncust; i++) {
                f_uint(&f, s->cust_segment[i], 8);
                f_uint(&f, 0, 8); /* region */
                f_uint(&f, 0, 8); /* owner */
                f_uint(&f, 0, 8); /* revenue */
                f_uint(&f, 0, 8); /* investment */
                f_uint(&f, s->cust_participation, 8);
                f_uint(&f, 0, 8); /* grade */
            }
            break;
        case 5:
            f_section(&f, "LEAD");
            f_uint(&f, s->nleads, 8);
            f_strings(&f, s->lead_ids, s->nleads);
            f_column(&f, s->lead_customer, s->nleads);
            f_constant(&f, 0);                     /* segment */
            f_column(&f, s->lead_owner, s->nleads); /* owner */
            f_constant(&f, 0);                     /* region */
            f_constant(&f, 0);                     /* source */
            f_column(&f, s->lead_stage, s->nleads);
            f_column(&f, s->lead_outcome, s->nleads);
            f_constant(&f, 0); /* status */
            f_constant(&f, 0); /* category + 1 */
            f_constant(&f, 0); /* decision */
            f_column(&f, s->lead_amount, s->nleads);
            f_column(&f, s->lead_prob, s->nleads);
            f_column(&f, s->lead_created, s->nleads);
            f_constant(&f, 0);
            f_constant(&f, 0);
            break;
        case 6:
            f_section(&f, "ATTR");
            f_uint(&f, (uint64_t)s->nkeys, 4);
            for (i = 0; i < (size_t)s->nkeys; i++) {
                f_uint(&f, s->attr_key, 4);
                f_column(&f, s->attr_values, s->nleads);
            }
            break;
        default:
            f_section(&f, "HIST");
            f_uint(&f, s->nevents, 8);
            f_column(&f, s->ev_count, s->nleads);
            f_column(&f, s->ev_day, (size_t)s->nevents);
            f_column(&f, s->ev_stage, (size_t)s->nevents);
            break;
        }
        f_section_end(&f);
    }
    if (s->inputs)
        forge_inputs(&f, s->inputs, s->skip_section);
    f_end(&f);
    return f.b;
}

static ispec good_inputs(void)
{
    ispec in;
    memset(&in, 0, sizeof in);
    in.seg_ref[0] = 1;
    in.seg_ref[1] = 2;
    in.seg_flags = 1;
    in.market_size = 1000;
    in.weight0 = bits(2);
    in.weights = bits(1);
    in.look = MTL_LOOK_COMPETITION;
    in.look_impact = bits(-3);
    in.look_window = 12;
    in.look_text = "t";
    in.competitor2 = "R";
    in.cp_kind = MTL_CONTROL_RELATIONSHIP;
    in.layer = "B";
    in.pain_role = MTL_ROLE_INITIATOR;
    in.cust_ref = 1;
    in.rel0 = bits(4);
    in.contact_role = MTL_ROLE_DECIDER;
    in.contact_coach = 1;
    in.ans_pos[0] = 1;
    in.ans_pos[1] = 3;
    in.ans_mask[0] = 1u << MTL_CRIT_BUDGET;
    in.ans_mask[1] = 1u | 1u << MTL_CRIT_COMPETITION;
    in.ans_score = bits(0.5);
    return in;
}

static void expect(const spec *s, mtl_status want, const char *what)
{
    test_alloc ta;
    mtl_market *r = NULL;
    membuf b = forge_spec(s);
    mtl_status st = read_with(&ta, b.p, b.len, &r);
    if (st != want)
        fail_msg("%s: %s, expected %s (%s)", what, mtl_status_string(st),
                 mtl_status_string(want), mtl_last_error_message());
    if (st == MTL_OK) {
        membuf again = snap_of(r);
        mtl_market *r2 = NULL;
        test_alloc tb;
        assert_int_equal(read_with(&tb, again.p, again.len, &r2), MTL_OK);
        assert_int_equal(test_market_fingerprint(r2), test_market_fingerprint(r));
        test_market_free(r2, &tb);
        membuf_free(&again);
        test_market_free(r, &ta);
    } else {
        assert_null(r);
        test_alloc_assert_clean(&ta);
    }
    membuf_free(&b);
}

static void test_forged_values(void **state)
{
    spec s;
    (void)state;
    s = good_spec();
    expect(&s, MTL_OK, "the good spec");
    {
        /* and it reads as written */
        test_alloc ta;
        mtl_market *r = NULL;
        membuf b = forge_spec(&s);
        mtl_lead *l1;
        int32_t day, stage;
        assert_int_equal(read_with(&ta, b.p, b.len, &r), MTL_OK);
        l1 = mtl_lead_find(r, "L1");
        assert_non_null(l1);
        assert_string_equal(mtl_customer_id(mtl_lead_customer(l1)), "C1");
        assert_string_equal(mtl_lead_owner(l1), "ann");
        assert_int_equal(mtl_lead_created(l1), 19000);
        assert_int_equal(mtl_lead_event_count(l1), 2);
        assert_int_equal(mtl_lead_event_at(l1, 1, &day, &stage), MTL_OK);
        assert_int_equal(day, MTL_DATE_MIN + 10);
        assert_string_equal(mtl_lead_attribute(mtl_lead_find(r, "L2"), "industry"),
                            "retail");
        assert_string_equal(mtl_segment_id(mtl_segment_parent(mtl_segment_find(r, "S2"))),
                            "S1");
        /* the counters the removal checks use */
        assert_int_equal(mtl_segment_remove(mtl_segment_find(r, "S1")), MTL_E_IN_USE);
        assert_int_equal(mtl_segment_remove(mtl_segment_find(r, "S2")), MTL_E_IN_USE);
        assert_int_equal(mtl_customer_remove(mtl_customer_find(r, "C1")), MTL_E_IN_USE);
        assert_int_equal(mtl_customer_remove(mtl_customer_find(r, "C2")), MTL_OK);
        test_market_free(r, &ta);
        membuf_free(&b);
    }

#define BAD(field_change, what)                                                 \
    do {                                                                        \
        s = good_spec();                                                        \
        field_change;                                                           \
        expect(&s, MTL_E_CORRUPT, what);                                        \
    } while (0)

    BAD(s.minor = 3, "minor_per_major 3");
    BAD(s.minor = 10000000, "minor_per_major 10^7");
    BAD(s.nstages = 0, "no stages");
    BAD(s.stage_names[1] = "open", "a stage name twice");
    BAD(s.stage_names[1] = "", "an empty stage name");
    BAD(s.stage_flags[0] = MTL_STAGE_FLAG_LOST, "the first stage flagged lost");
    BAD(s.stage_flags[1] = 3, "stage flags 3");
    BAD(s.stage_prob = 1.5, "stage probability 1.5");
    BAD(s.stage_prob = -1.0, "stage probability -1");
    BAD(s.strings[2] = "ann", "a string twice in the pool");
    BAD(s.strings[0] = "", "an empty pooled string");
    BAD(s.seg_ids[1] = "S1", "a segment id twice");
    BAD(s.seg_ids[0] = "", "an empty segment id");
    BAD(s.seg_parent[1] = 3, "a parent beyond the segments");
    BAD(s.seg_parent[0] = 1, "a segment its own parent");
    BAD((s.seg_parent[0] = 2, s.seg_parent[1] = 1), "a cycle of two segments");
    BAD(s.cust_ids[1] = "C1", "a customer id twice");
    BAD(s.cust_segment[1] = 3, "a customer's segment beyond the segments");
    BAD(s.cust_participation = bits(2.0), "participation 2");
    BAD(s.cust_participation = UINT64_C(0x7ff8000000000000), "participation NaN");
    BAD(s.lead_ids[2] = "L1", "a lead id twice");
    BAD(s.lead_ids[2] = "", "an empty lead id");
    BAD(s.lead_customer[0] = 3, "a lead's customer beyond the customers");
    BAD(s.lead_stage[0] = 3, "stage 3 of 3");
    BAD(s.lead_outcome[0] = 3, "outcome 3");
    BAD(s.lead_outcome[1] = MTL_OUTCOME_OPEN, "open at a won stage");
    BAD(s.lead_outcome[2] = MTL_OUTCOME_WON, "won at a lost stage");
    BAD(s.lead_created[0] = (uint64_t)(MTL_DATE_MAX - MTL_DATE_MIN) + 2,
        "a date after 9999-12-31");
    BAD(s.lead_prob[0] = bits(1.5), "probability 1.5");
    BAD(s.lead_prob[0] = bits(-0.5), "probability -0.5");
    BAD(s.lead_prob[0] = UINT64_C(0x7ff8000000000000), "probability NaN");
    BAD(s.lead_amount[0] = UINT64_C(1) << 63, "a negative amount");
    BAD(s.lead_owner[0] = 4, "an owner beyond the pool");
    BAD(s.attr_key = 0, "attribute key 0");
    BAD(s.attr_key = 4, "attribute key beyond the pool");
    BAD(s.nkeys = 2, "an attribute key twice");
    BAD(s.attr_values[0] = 4, "an attribute value beyond the pool");
    BAD(s.ev_count[0] = 3, "more events than there are");
    BAD(s.ev_count[2] = 0, "fewer events than there are");
    BAD((s.ev_day[0] = 12), "a history out of order");
    BAD(s.ev_day[0] = 0, "event day 0");
    BAD(s.ev_stage[0] = 3, "event stage 3 of 3");
    BAD(s.extra_section = "XTRA", "an unknown section");
    BAD(s.skip_section = 7, "no ATTR section");
    BAD(s.skip_section = 8, "no HIST section");
    BAD(s.swap = 1, "sections out of order");
#undef BAD
    /* the same history day twice is sorted; a skippable section is skipped */
    s = good_spec();
    s.ev_day[1] = 10;
    expect(&s, MTL_OK, "two events on one day");
    s = good_spec();
    s.extra_section = "xtra";
    expect(&s, MTL_OK, "an optional unknown section");
    /* the empty market */
    s = good_spec();
    s.nstrings = s.nsegs = s.ncust = s.nleads = 0;
    s.nkeys = 0;
    s.nevents = 0;
    expect(&s, MTL_OK, "nothing at all");
}

static void test_forged_inputs(void **state)
{
    static char long_text[MTL_TEXT_MAX + 2];
    spec s;
    ispec in;
    (void)state;
    memset(long_text, 'x', MTL_TEXT_MAX + 1);
    s = good_spec();
    in = good_inputs();
    s.inputs = &in;
    expect(&s, MTL_OK, "the good inputs");
    {
        /* and they read as written */
        test_alloc ta;
        mtl_market *r = NULL;
        membuf b = forge_spec(&s);
        mtl_look_item it;
        mtl_control_point p;
        mtl_contact ct;
        mtl_segment_factors f;
        double rel[MTL_REL_COUNT], score;
        const char *ev;
        assert_int_equal(get_le(b.p + 8, 4), 2);
        assert_int_equal(read_with(&ta, b.p, b.len, &r), MTL_OK);
        mtl_look_item_init(&it, sizeof it);
        assert_int_equal(mtl_segment_look_at(mtl_segment_find(r, "S1"), 0, &it), MTL_OK);
        assert_int_equal(it.look, MTL_LOOK_COMPETITION);
        assert_true(it.impact == -3 && it.window_months == 12);
        assert_string_equal(it.text, "t");
        mtl_segment_factors_init(&f, sizeof f);
        assert_int_equal(mtl_segment_factors_get(mtl_segment_find(r, "S1"), &f), MTL_OK);
        assert_int_equal(f.market_size, 1000);
        assert_int_equal(f.revenue, -1);
        assert_true(f.appeals_weights[0] == 2 && f.growth == 0.1);
        assert_int_equal(mtl_segment_appeals_count(mtl_segment_find(r, "S1")), 2);
        assert_int_equal(mtl_segment_pain_count(mtl_segment_find(r, "S1")), 1);
        mtl_control_point_init(&p, sizeof p);
        assert_int_equal(mtl_segment_control_point_at(mtl_segment_find(r, "S2"), 0, &p),
                         MTL_OK);
        assert_int_equal(p.kind, MTL_CONTROL_RELATIONSHIP);
        mtl_contact_init(&ct, sizeof ct);
        assert_int_equal(mtl_customer_contact_at(mtl_customer_find(r, "C1"), 0, &ct),
                         MTL_OK);
        assert_int_equal(ct.role, MTL_ROLE_DECIDER);
        assert_int_equal(ct.coach, 1);
        assert_int_equal(mtl_customer_relationship(mtl_customer_find(r, "C1"), rel),
                         MTL_OK);
        assert_true(rel[0] == 4 && isnan(rel[1]));
        assert_int_equal(mtl_customer_relationship(mtl_customer_find(r, "C2"), rel),
                         MTL_E_NOT_FOUND);
        assert_int_equal(mtl_lead_answer(mtl_lead_find(r, "L1"), MTL_CRIT_BUDGET, &score,
                                         &ev),
                         MTL_OK);
        assert_true(score == 0.5);
        assert_string_equal(ev, "e");
        assert_int_equal(mtl_lead_answer_count(mtl_lead_find(r, "L3")), 2);
        assert_int_equal(mtl_lead_answer_count(mtl_lead_find(r, "L2")), 0);
        test_market_free(r, &ta);
        membuf_free(&b);
    }

#define BAD(field_change, what)                                                 \
    do {                                                                        \
        s = good_spec();                                                        \
        in = good_inputs();                                                     \
        s.inputs = &in;                                                         \
        field_change;                                                           \
        expect(&s, MTL_E_CORRUPT, what);                                        \
    } while (0)

    BAD(in.seg_ref[0] = 0, "segment reference 0");
    BAD(in.seg_ref[0] = 3, "a segment beyond the segments");
    BAD(in.seg_ref[1] = 1, "a segment's inputs twice");
    BAD(in.seg_flags = 2, "segment flags 2");
    BAD(in.look = MTL_LOOK_COUNT, "look 6");
    BAD(in.look_impact = bits(7), "impact 7");
    BAD(in.look_impact = bits(NAN), "impact NaN");
    BAD(in.look_window = 0, "a window of 0 months");
    BAD(in.look_window = UINT32_MAX, "a window of -1 months");
    BAD(in.look_text = "", "an empty look text");
    BAD((in.look_text = "a\0b", in.look_text_len = 3), "a NUL in a text");
    BAD(in.look_text = long_text, "a text of 4097 bytes");
    BAD((in.weight0 = bits(0), in.weights = bits(0)), "weights that sum to 0");
    BAD(in.weight0 = bits(-1), "a negative weight");
    BAD(in.market_size = (uint64_t)-5, "market size -5");
    BAD(in.competitor2 = "", "us rated twice");
    BAD(in.cp_kind = 0, "control point kind 0");
    BAD(in.s2_empty = 1, "an entry without inputs");
    BAD(in.layer = "a layer name longer than 32 bytes", "a layer of 33 bytes");
    BAD(in.layer = "", "an empty layer");
    BAD(in.pain_role = MTL_ROLE_COUNT, "pain role 8");
    BAD(in.trailing = 1, "a byte after SINP's content");
    BAD(in.cust_ref = 3, "a customer beyond the customers");
    BAD(in.cust_ref = 0, "customer reference 0");
    BAD(in.rel0 = bits(6), "relationship 6");
    BAD(in.contact_role = MTL_ROLE_NONE, "a contact without a role");
    BAD(in.contact_coach = 2, "coach 2");
    BAD(in.ans_pos[0] = 0, "lead position 0");
    BAD(in.ans_pos[1] = 4, "a lead beyond the leads");
    BAD(in.ans_pos[1] = 1, "a lead's answers twice");
    BAD(in.ans_mask[0] = 0, "no criterion answered");
    BAD(in.ans_mask[0] = 1u << MTL_CRIT_COUNT, "criterion 12");
    BAD(in.ans_score = bits(NAN), "a NaN score");
    BAD(in.ans_score = bits(1.5), "score 1.5");
    BAD(in.ans_score = bits(-0.5), "score -0.5");
    BAD(s.skip_section = 9, "no SINP section");
    BAD(s.skip_section = 10, "no CINP section");
    BAD(s.skip_section = 11, "no ANSW section");
    BAD(s.version = 1, "version 1 with the input sections");
#undef BAD
    /* version 2 without inputs is refused too: the sections are missing */
    s = good_spec();
    s.version = 2;
    expect(&s, MTL_E_CORRUPT, "version 2 without the input sections");
    /* a NaN rating, a NaN relationship dimension: "not known", loaded */
    s = good_spec();
    in = good_inputs();
    in.rel0 = bits(NAN);
    s.inputs = &in;
    expect(&s, MTL_OK, "a relationship with nothing rated");
}

static void test_versions(void **state)
{
    membuf b = sample_snapshot();
    unsigned char *p = malloc(b.len);
    test_alloc ta;
    mtl_market *r = NULL;
    (void)state;
    memcpy(p, b.p, b.len);
    put_le(p + 8, 3, 4);
    assert_int_equal(read_with(&ta, p, b.len, &r), MTL_E_VERSION);
    assert_null(r);
    assert_int_equal(ta.peak_bytes, 0);
    assert_non_null(strstr(mtl_last_error_message(), "version 3"));
    put_le(p + 8, 0xffffffffu, 4);
    assert_int_equal(read_with(&ta, p, b.len, &r), MTL_E_VERSION);
    put_le(p + 8, 0, 4);
    assert_int_equal(read_with(&ta, p, b.len, &r), MTL_E_CORRUPT);
    /* the version says which sections there are: version 2 needs the
     * sections of the strategy inputs, version 1 must not have them */
    put_le(p + 8, get_le(b.p + 8, 4) == 1 ? 2 : 1, 4);
    assert_int_equal(read_with(&ta, p, b.len, &r), MTL_E_CORRUPT);
    assert_int_equal(ta.peak_bytes, 0);
    put_le(p + 8, get_le(b.p + 8, 4), 4);
    put_le(p + 12, 1, 4); /* a feature flag */
    assert_int_equal(read_with(&ta, p, b.len, &r), MTL_E_VERSION);
    put_le(p + 12, 0, 4);
    p[0] = 'N';
    assert_int_equal(read_with(&ta, p, b.len, &r), MTL_E_CORRUPT);
    assert_non_null(strstr(mtl_last_error_message(), "not a libmtl snapshot"));
    free(p);
    membuf_free(&b);
}

/* Offset of the payload of section tag in snapshot p (0 if none). */
static size_t section_payload(const unsigned char *p, size_t len, const char *tag)
{
    size_t at = 24;
    while (at + 12 <= len - 4) {
        uint64_t n = get_le(p + at + 4, 8);
        if (memcmp(p + at, tag, 4) == 0)
            return at + 12;
        at += 12 + (size_t)n;
    }
    return 0;
}

static void forged_refused_without_allocating(const unsigned char *p, size_t len,
                                              const char *what)
{
    test_alloc ta;
    mtl_market *r = (mtl_market *)&ta;
    mtl_status st = read_with(&ta, p, len, &r);
    if (st != MTL_E_CORRUPT)
        fail_msg("%s: %s", what, mtl_status_string(st));
    assert_null(r);
    if (ta.peak_bytes != 0)
        fail_msg("%s: %zu bytes allocated before the refusal", what, ta.peak_bytes);
    test_alloc_assert_clean(&ta);
}

/* The leading u64 count of each of the sections made huge (or just
 * wrong): refused before anything is allocated. */
static void refuse_huge_counts(const membuf *b, const char *const *sections, size_t n)
{
    static const uint64_t huge[] = {UINT64_C(1) << 40, UINT64_MAX, UINT32_MAX / 2,
                                    1000, 4};
    unsigned char *p = malloc(b->len);
    size_t k, h;
    assert_non_null(p);
    for (k = 0; k < n; k++)
        for (h = 0; h < sizeof huge / sizeof huge[0]; h++) {
            char what[64];
            size_t at;
            memcpy(p, b->p, b->len);
            at = section_payload(p, b->len, sections[k]);
            assert_true(at > 0);
            put_le(p + at, huge[h], 8);
            fix_crc(p, b->len);
            snprintf(what, sizeof what, "%s count %llu", sections[k],
                     (unsigned long long)huge[h]);
            forged_refused_without_allocating(p, b->len, what);
        }
    free(p);
}

static void test_forged_counts(void **state)
{
    spec s = good_spec();
    membuf b = forge_spec(&s);
    unsigned char *p = malloc(b.len);
    static const char *const counted[] = {"STRS", "SEGS", "CUST", "LEAD", "HIST"};
    size_t at;
    (void)state;
    refuse_huge_counts(&b, counted, sizeof counted / sizeof counted[0]);
    /* the counts of the strategy inputs (a version 2 file) */
    {
        ispec in = good_inputs();
        membuf v2;
        unsigned char *q;
        static const char *const sections[] = {"SINP", "CINP", "ANSW"};
        s.inputs = &in;
        v2 = forge_spec(&s);
        s.inputs = NULL;
        refuse_huge_counts(&v2, sections, 3);
        q = malloc(v2.len);
        /* the look count of the first segment: after its reference, flags
         * and 21 factor values */
        memcpy(q, v2.p, v2.len);
        at = section_payload(q, v2.len, "SINP") + 8 + 4 + 1 + 21 * 8;
        assert_int_equal(get_le(q + at, 4), 1);
        put_le(q + at, UINT32_MAX, 4);
        fix_crc(q, v2.len);
        forged_refused_without_allocating(q, v2.len, "2^32 - 1 look items");
        /* a text length beyond the section */
        memcpy(q, v2.p, v2.len);
        put_le(q + at + 4 + 1 + 8 + 8 + 4, UINT32_MAX, 4);
        fix_crc(q, v2.len);
        forged_refused_without_allocating(q, v2.len, "a text of 2^32 - 1 bytes");
        free(q);
        membuf_free(&v2);
    }
    /* attribute keys, stage count */
    memcpy(p, b.p, b.len);
    put_le(p + section_payload(p, b.len, "ATTR"), 0xffffffffu, 4);
    fix_crc(p, b.len);
    forged_refused_without_allocating(p, b.len, "ATTR keys");
    memcpy(p, b.p, b.len);
    put_le(p + section_payload(p, b.len, "ATTR"), 1024, 4);
    fix_crc(p, b.len);
    forged_refused_without_allocating(p, b.len, "1024 ATTR keys");
    memcpy(p, b.p, b.len);
    put_le(p + section_payload(p, b.len, "STGE"), 65, 4);
    fix_crc(p, b.len);
    forged_refused_without_allocating(p, b.len, "65 stages");
    /* a constant attribute value for every lead, in 9 bytes */
    memcpy(p, b.p, b.len);
    at = section_payload(p, b.len, "ATTR") + 8; /* count, key: the column */
    assert_int_equal(p[at], 8);
    {
        /* rewrite the column as width 0, base 3: shift the rest down */
        size_t old_len = 9 + 3 * 8, cut = old_len - 9;
        unsigned char *q = malloc(b.len - cut);
        size_t sec = section_payload(p, b.len, "ATTR") - 8;
        p[at] = 0;
        put_le(p + at + 1, 3, 8);
        memcpy(q, p, at + 9);
        memcpy(q + at + 9, p + at + old_len, b.len - at - old_len);
        put_le(q + sec, get_le(q + sec, 8) - cut, 8);
        put_le(q + 16, b.len - cut - 28, 8);
        fix_crc(q, b.len - cut);
        forged_refused_without_allocating(q, b.len - cut,
                                          "a constant attribute column");
        assert_non_null(strstr(mtl_last_error_message(), "constant column"));
        free(q);
    }
    /* a section longer than the content */
    memcpy(p, b.p, b.len);
    put_le(p + section_payload(p, b.len, "LEAD") - 8, UINT64_MAX, 8);
    fix_crc(p, b.len);
    forged_refused_without_allocating(p, b.len, "LEAD section length");
    /* the id block of the leads claims more than there is */
    memcpy(p, b.p, b.len);
    put_le(p + section_payload(p, b.len, "LEAD") + 8, UINT64_C(1) << 50, 8);
    fix_crc(p, b.len);
    forged_refused_without_allocating(p, b.len, "LEAD id block length");
    /* column width 9 (the customer column of the leads, after the ids) */
    memcpy(p, b.p, b.len);
    at = section_payload(p, b.len, "LEAD");
    at += 16 + (size_t)get_le(p + at + 8, 8);
    assert_int_equal(p[at], 8);
    p[at] = 9;
    fix_crc(p, b.len);
    forged_refused_without_allocating(p, b.len, "column width 9");
    /* events that cost no bytes: a constant day column is refused */
    {
        forge f;
        uint64_t counts[1] = {UINT64_C(1) << 31};
        const char *id[1] = {"L"};
        const char *none[1] = {NULL};
        int c;
        (void)none;
        f_begin(&f);
        f_section(&f, "MRKT");
        f_uint(&f, 100, 8);
        f_section_end(&f);
        f_section(&f, "STGE");
        f_uint(&f, 1, 4);
        f_uint(&f, 1, 1);
        f_bytes(&f, "A", 1);
        f_uint(&f, 0, 1);
        f_uint(&f, 0, 8);
        f_uint(&f, 0, 4);
        f_uint(&f, 0, 4);
        f_section_end(&f);
        f_section(&f, "STRS");
        f_uint(&f, 0, 8);
        f_uint(&f, 0, 8);
        f_section_end(&f);
        f_section(&f, "SEGS");
        f_uint(&f, 0, 8);
        f_uint(&f, 0, 8);
        f_uint(&f, 0, 8);
        f_constant(&f, 0);
        f_section_end(&f);
        f_section(&f, "CUST");
        f_uint(&f, 0, 8);
        f_uint(&f, 0, 8);
        f_uint(&f, 0, 8);
        for (c = 0; c < 7; c++)
            f_constant(&f, 0);
        f_section_end(&f);
        f_section(&f, "LEAD");
        f_uint(&f, 1, 8);
        f_strings(&f, id, 1);
        for (c = 0; c < 15; c++)
            f_constant(&f, c == 11 ? bits(MTL_PROBABILITY_NONE) : 0);
        f_section_end(&f);
        f_section(&f, "ATTR");
        f_uint(&f, 0, 4);
        f_section_end(&f);
        f_section(&f, "HIST");
        f_uint(&f, counts[0], 8);
        f_column(&f, counts, 1);
        f_constant(&f, 1);
        f_constant(&f, 0);
        f_section_end(&f);
        f_end(&f);
        forged_refused_without_allocating(f.b.p, f.b.len, "2^31 free events");
        membuf_free(&f.b);
    }
    free(p);
    membuf_free(&b);
}

/* ---- files ------------------------------------------------------------- */

static void test_save_load(void **state)
{
    test_alloc ta, tb;
    mtl_market *m = random_market(5, &ta), *r = NULL;
    char *dir = temp_dir(), path[512], tmp[600];
    membuf mem = snap_of(m), file;
    (void)state;
    path_in(path, sizeof path, dir, "market.mtl");
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    assert_int_equal(mtl_market_save(m, path), MTL_OK);
    assert_false(file_exists(tmp));
    file = read_file(path);
    assert_int_equal(file.len, mem.len);
    assert_memory_equal(file.p, mem.p, mem.len);
    {
        mtl_market_options o = alloc_options(&tb);
        assert_int_equal(mtl_market_load(&r, path, &o), MTL_OK);
    }
    assert_int_equal(test_market_fingerprint(r), test_market_fingerprint(m));
    /* saving over an existing file replaces it */
    assert_int_equal(mtl_market_save(r, path), MTL_OK);
    test_market_free(r, &tb);
    membuf_free(&file);
    file = read_file(path);
    assert_memory_equal(file.p, mem.p, mem.len);
    membuf_free(&file);
    /* missing files, directories, empty and short files */
    {
        char other[512];
        FILE *f;
        path_in(other, sizeof other, dir, "missing.mtl");
        assert_int_equal(mtl_market_load(&r, other, NULL), MTL_E_IO);
        assert_null(r);
        assert_int_equal(mtl_market_load(&r, dir, NULL), MTL_E_IO);
        path_in(other, sizeof other, dir, "empty.mtl");
        f = fopen(other, "wb");
        fclose(f);
        assert_int_equal(mtl_market_load(&r, other, NULL), MTL_E_CORRUPT);
        f = fopen(other, "wb");
        fwrite(mem.p, 1, mem.len / 2, f);
        fclose(f);
        assert_int_equal(mtl_market_load(&r, other, NULL), MTL_E_CORRUPT);
        remove(other);
    }
    remove(path);
    rmdir(dir);
    free(dir);
    membuf_free(&mem);
    test_market_free(m, &ta);
}

/* The previous file stays whole and no temporary file stays behind. */
static void assert_unchanged(const char *path, const membuf *before)
{
    membuf now = read_file(path);
    char tmp[600];
    assert_int_equal(now.len, before->len);
    assert_memory_equal(now.p, before->p, before->len);
    membuf_free(&now);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    assert_false(file_exists(tmp));
}

static void test_save_failures(void **state)
{
    test_alloc ta, tb;
    mtl_market *old = golden_market(&ta), *m = random_market(17, &tb);
    char *dir = temp_dir(), path[512], tmp[600], sub[512];
    membuf before;
    (void)state;
    path_in(path, sizeof path, dir, "market.mtl");
    assert_int_equal(mtl_market_save(old, path), MTL_OK);
    before = read_file(path);

    /* no such directory */
    path_in(sub, sizeof sub, dir, "no/such/dir.mtl");
    assert_int_equal(mtl_market_save(m, sub), MTL_E_IO);
    assert_non_null(strstr(mtl_last_error_message(), "cannot create"));

    /* the temporary name is taken by a directory */
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    assert_int_equal(mkdir(tmp, 0700), 0);
    assert_int_equal(mtl_market_save(m, path), MTL_E_IO);
    rmdir(tmp);
    assert_unchanged(path, &before);

    /* the rename fails: the target is a non-empty directory */
    path_in(sub, sizeof sub, dir, "taken");
    assert_int_equal(mkdir(sub, 0700), 0);
    {
        char inner[600];
        FILE *f;
        snprintf(inner, sizeof inner, "%s/x", sub);
        f = fopen(inner, "wb");
        fclose(f);
        assert_int_equal(mtl_market_save(m, sub), MTL_E_IO);
        snprintf(tmp, sizeof tmp, "%s.tmp", sub);
        assert_false(file_exists(tmp));
        remove(inner);
        rmdir(sub);
    }

    /* the disk fills up in the middle of the write */
    {
        struct rlimit old_limit, small;
        void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
        membuf want = snap_of(m);
        assert_int_equal(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
        small = old_limit;
        small.rlim_cur = want.len / 2;
        assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
        assert_int_equal(mtl_market_save(m, path), MTL_E_IO);
        assert_int_equal(setrlimit(RLIMIT_FSIZE, &old_limit), 0);
        signal(SIGXFSZ, old_handler);
        assert_unchanged(path, &before);
        membuf_free(&want);
    }

    /* the callback refuses: at each of its calls in turn */
    {
        membuf probe = {0};
        long calls, k;
        assert_int_equal(mtl_market_write(m, membuf_write, &probe), MTL_OK);
        calls = probe.calls;
        membuf_free(&probe);
        assert_true(calls >= 3);
        for (k = 1; k <= calls; k++) {
            membuf b = {0};
            b.fail_at = k;
            assert_int_equal(mtl_market_write(m, membuf_write, &b), MTL_E_IO);
            assert_int_equal(b.calls, k); /* stops at the first refusal */
            membuf_free(&b);
        }
    }
    assert_unchanged(path, &before);
    remove(path);
    rmdir(dir);
    free(dir);
    membuf_free(&before);
    test_market_free(m, &tb);
    test_market_free(old, &ta);
}

/* ---- failing allocators ------------------------------------------------- */

static void read_alloc_sweep(membuf b)
{
    uint64_t n;
    int sticky;
    for (sticky = 0; sticky <= 1; sticky++) {
        for (n = 1;; n++) {
            test_alloc ta;
            mtl_market_options o = alloc_options(&ta);
            mtl_market *r = (mtl_market *)&ta;
            mtl_status st;
            test_alloc_fail_nth(&ta, n, sticky);
            st = mtl_market_read(&r, b.p, b.len, &o);
            if (st == MTL_OK) {
                assert_int_equal(ta.failures, 0);
                test_market_free(r, &ta);
                break;
            }
            if (st != MTL_E_NO_MEMORY)
                fail_msg("allocation %llu failing: %s (%s)", (unsigned long long)n,
                         mtl_status_string(st), mtl_last_error_message());
            assert_null(r);
            test_alloc_assert_clean(&ta);
            assert_true(n < 100000);
        }
        assert_true(n > 10);
    }
    membuf_free(&b);
}

static void test_read_alloc_sweep(void **state)
{
    (void)state;
    read_alloc_sweep(sample_snapshot());
    read_alloc_sweep(inputs_snapshot());
}

static void test_load_alloc_sweep(void **state)
{
    test_alloc ta;
    mtl_market *m = golden_market(&ta);
    char *dir = temp_dir(), path[512];
    uint64_t n;
    (void)state;
    path_in(path, sizeof path, dir, "m.mtl");
    assert_int_equal(mtl_market_save(m, path), MTL_OK);
    for (n = 1;; n++) {
        test_alloc tb;
        mtl_market_options o = alloc_options(&tb);
        mtl_market *r = NULL;
        mtl_status st;
        test_alloc_fail_nth(&tb, n, 0);
        st = mtl_market_load(&r, path, &o);
        if (st == MTL_OK) {
            assert_int_equal(test_market_fingerprint(r), test_market_fingerprint(m));
            test_market_free(r, &tb);
            break;
        }
        assert_int_equal(st, MTL_E_NO_MEMORY);
        test_alloc_assert_clean(&tb);
    }
    remove(path);
    rmdir(dir);
    free(dir);
    test_market_free(m, &ta);
}

static void test_write_alloc_sweep(void **state)
{
    /* writing allocates only the slot maps of records with holes */
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_customer *c1, *c2;
    mtl_segment *s1;
    membuf b = {0}, clean = {0};
    uint64_t n;
    (void)state;
    assert_int_equal(mtl_segment_add(&s1, m, "S1"), MTL_OK);
    assert_int_equal(mtl_segment_add(NULL, m, "S2"), MTL_OK);
    assert_int_equal(mtl_customer_add(&c1, m, "C1", NULL), MTL_OK);
    assert_int_equal(mtl_customer_add(&c2, m, "C2", NULL), MTL_OK);
    assert_int_equal(mtl_lead_add(NULL, m, "L", c2), MTL_OK);
    /* no holes: nothing allocated; saving works without its file buffer */
    test_alloc_fail_nth(&ta, 1, 1);
    assert_int_equal(mtl_market_write(m, membuf_write, &clean), MTL_OK);
    {
        char *dir = temp_dir(), path[512];
        membuf file;
        path_in(path, sizeof path, dir, "m.mtl");
        assert_int_equal(mtl_market_save(m, path), MTL_OK);
        assert_true(ta.failures > 0);
        file = read_file(path);
        assert_int_equal(file.len, clean.len);
        assert_memory_equal(file.p, clean.p, clean.len);
        membuf_free(&file);
        remove(path);
        rmdir(dir);
        free(dir);
    }
    test_alloc_disarm(&ta);
    membuf_free(&clean);
    assert_int_equal(mtl_segment_remove(s1), MTL_OK);
    assert_int_equal(mtl_customer_remove(c1), MTL_OK);
    for (n = 1;; n++) {
        size_t used = mtl_market_memory_used(m);
        mtl_status st;
        test_alloc_fail_nth(&ta, n, 0);
        st = mtl_market_write(m, membuf_write, &b);
        test_alloc_disarm(&ta);
        assert_int_equal(mtl_market_memory_used(m), used);
        if (st == MTL_OK)
            break;
        assert_int_equal(st, MTL_E_NO_MEMORY);
        membuf_free(&b);
    }
    assert_int_equal(n, 3); /* two maps */
    {
        test_alloc tb;
        mtl_market *r = NULL;
        assert_int_equal(read_with(&tb, b.p, b.len, &r), MTL_OK);
        assert_int_equal(test_market_fingerprint(r), test_market_fingerprint(m));
        assert_string_equal(mtl_customer_id(mtl_lead_customer(mtl_lead_find(r, "L"))),
                            "C2");
        test_market_free(r, &tb);
    }
    membuf_free(&b);
    test_market_free(m, &ta);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        test_case(test_crc32c_vectors),
        test_case(test_crc32c_paths_agree),
        test_case(test_golden),
        test_case(test_golden_inputs),
        test_case(test_roundtrip_random),
        test_case(test_roundtrip_options),
        test_case(test_arguments),
        test_case(test_truncations),
        test_case(test_byte_corruptions),
        test_case(test_structure_fuzz),
        test_case(test_forged_values),
        test_case(test_forged_inputs),
        test_case(test_versions),
        test_case(test_forged_counts),
        test_case(test_save_load),
        test_case(test_save_failures),
        test_case(test_read_alloc_sweep),
        test_case(test_load_alloc_sweep),
        test_case(test_write_alloc_sweep),
    };
    return cmocka_run_group_tests_name("snapshot", tests, NULL, NULL);
}
