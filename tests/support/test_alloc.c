/*
 * test_alloc.c: see test_alloc.h.
 *
 * Block layout (cmocka's test_malloc only aligns to sizeof(size_t), and
 * mtl_alloc_fn promises max_align_t alignment, so the block is aligned
 * here):
 *
 *   raw (from test_malloc) ... [header][payload of nsize bytes][canary] ...
 *                                      ^ returned pointer, aligned
 *
 * The header, just before the payload, records the raw pointer, the size
 * the library asked for and a magic number.  The canary right after the
 * payload catches writes past the end that cmocka's own guard (behind the
 * alignment slack) could miss; it is checked on every free and resize, and
 * a touched canary (like a wrong osize) is reported at once and fails the
 * test in test_alloc_assert_clean.
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
#include <unistd.h>

#include <cmocka.h>

#include "test_alloc.h"

#define ALIGN_ (_Alignof(max_align_t))
#define MAGIC_LIVE UINT64_C(0x6d746c2d616c6c63) /* "mtl-allc" */
#define MAGIC_DEAD UINT64_C(0x6465616462656566) /* "deadbeef" */

typedef struct block_header {
    char *raw;
    size_t size;
    uint64_t magic;
} block_header;

/* header size rounded up to the alignment */
#define HEADER_SIZE ((sizeof(block_header) + ALIGN_ - 1) / ALIGN_ * ALIGN_)

static char *align_up(char *p)
{
    uintptr_t u = (uintptr_t)p;
    u = (u + ALIGN_ - 1) & ~(uintptr_t)(ALIGN_ - 1);
    return (char *)u;
}

static block_header *header_of(void *user)
{
    return (block_header *)(void *)((char *)user - HEADER_SIZE);
}

#define CANARY_SIZE 16
#define CANARY_BYTE 0xfd

static size_t raw_size(size_t nsize)
{
    return HEADER_SIZE + nsize + CANARY_SIZE + ALIGN_ - 1;
}

static void canary_set(char *user, size_t nsize)
{
    memset(user + nsize, CANARY_BYTE, CANARY_SIZE);
}

void test_alloc_init(test_alloc *ta) { memset(ta, 0, sizeof *ta); }

void test_alloc_fail_nth(test_alloc *ta, uint64_t n, int sticky)
{
    ta->requests = 0;
    ta->fail_at = n;
    ta->fail_sticky = sticky;
}

void test_alloc_disarm(test_alloc *ta)
{
    ta->fail_at = 0;
    ta->fail_sticky = 0;
}

static int should_fail(test_alloc *ta)
{
    ta->requests++;
    if (ta->fail_at == 0)
        return 0;
    if (ta->requests == ta->fail_at)
        return 1;
    return ta->fail_sticky && ta->requests > ta->fail_at;
}

/* Check that user is a live block of ours holding osize bytes.  A foreign
 * pointer fails the test at once (going on would corrupt the heap); a wrong
 * osize or a touched canary is reported now, counted, and fails the test at
 * test_alloc_assert_clean, after the market has been released cleanly. */
static block_header *check_block(test_alloc *ta, void *user, size_t osize,
                                 const char *op)
{
    block_header *h = header_of(user);
    if (h->magic != MAGIC_LIVE) {
        ta->mismatches++;
        fail_msg("test_alloc: %s of %p, which is not a live block of this "
                 "allocator (magic %llx)",
                 op, user, (unsigned long long)h->magic);
    }
    if (h->size != osize) {
        ta->mismatches++;
        print_error("test_alloc: %s of %p with osize %zu, but the block was "
                    "allocated with %zu bytes\n",
                    op, user, osize, h->size);
    }
    {
        const unsigned char *t = (const unsigned char *)user + h->size;
        size_t i;
        for (i = 0; i < CANARY_SIZE; i++)
            if (t[i] != CANARY_BYTE) {
                ta->mismatches++;
                print_error("test_alloc: %s of %p: byte %zu past the end of the "
                            "%zu-byte block was overwritten (0x%02x)\n",
                            op, user, i, h->size, t[i]);
                break;
            }
    }
    return h;
}

void *test_alloc_fn(void *user_data, void *ptr, size_t osize, size_t nsize)
{
    test_alloc *ta = user_data;
    block_header *h;
    char *raw, *user;

    if (nsize == 0) {
        if (!ptr)
            return NULL;
        h = check_block(ta, ptr, osize, "free");
        h->magic = MAGIC_DEAD;
        ta->live_bytes -= h->size;
        ta->live_blocks--;
        ta->frees++;
        test_free(h->raw);
        return NULL;
    }

    if (ptr == NULL) {
        if (osize != 0) {
            ta->mismatches++;
            fail_msg("test_alloc: allocation of %zu bytes with osize %zu; "
                     "mtl_alloc_fn says osize is 0 when ptr is NULL",
                     nsize, osize);
        }
        if (should_fail(ta)) {
            ta->failures++;
            return NULL;
        }
        raw = test_malloc(raw_size(nsize));
        if (!raw)
            return NULL;
        user = align_up(raw + HEADER_SIZE);
        h = header_of(user);
        h->raw = raw;
        h->size = nsize;
        h->magic = MAGIC_LIVE;
        canary_set(user, nsize);
        ta->live_bytes += nsize;
        ta->live_blocks++;
        if (ta->live_bytes > ta->peak_bytes)
            ta->peak_bytes = ta->live_bytes;
        return user;
    }

    /* resize */
    h = check_block(ta, ptr, osize, "realloc");
    if (should_fail(ta)) {
        ta->failures++;
        return NULL; /* ptr stays valid with osize bytes */
    }
    osize = h->size; /* after a reported mismatch, keep the books right */
    {
        size_t old_off = (size_t)((char *)ptr - h->raw);
        size_t new_off, keep = osize < nsize ? osize : nsize;
        raw = test_realloc(h->raw, raw_size(nsize));
        if (!raw)
            return NULL;
        user = align_up(raw + HEADER_SIZE);
        new_off = (size_t)(user - raw);
        if (new_off != old_off)
            memmove(user - HEADER_SIZE, raw + old_off - HEADER_SIZE,
                    HEADER_SIZE + keep);
        h = header_of(user);
        h->raw = raw;
        h->size = nsize;
        h->magic = MAGIC_LIVE;
        canary_set(user, nsize);
        ta->live_bytes = ta->live_bytes - osize + nsize;
        if (ta->live_bytes > ta->peak_bytes)
            ta->peak_bytes = ta->live_bytes;
        return user;
    }
}

void test_alloc_assert_clean(const test_alloc *ta)
{
    if (ta->live_blocks != 0 || ta->live_bytes != 0)
        fail_msg("test_alloc: %zu blocks (%zu bytes) still live", ta->live_blocks,
                 ta->live_bytes);
    if (ta->mismatches)
        fail_msg("test_alloc: %llu bad frees/resizes or overwritten block ends "
                 "(see above)",
                 (unsigned long long)ta->mismatches);
}

/* ---- markets on a test allocator -------------------------------------- */

mtl_market *test_market_new(test_alloc *ta, int64_t minor_per_major,
                            const mtl_stage_model *model)
{
    mtl_market_options o;
    mtl_market *m = NULL;
    mtl_status st;
    test_alloc_init(ta);
    assert_int_equal(mtl_market_options_init(&o, sizeof o), MTL_OK);
    o.alloc = test_alloc_fn;
    o.alloc_user_data = ta;
    o.minor_per_major = minor_per_major;
    o.stage_model = model;
    st = mtl_market_create(&m, &o);
    if (st != MTL_OK)
        fail_msg("mtl_market_create: %s: %s", mtl_status_string(st),
                 mtl_last_error_message());
    assert_non_null(m);
    return m;
}

void test_market_free(mtl_market *market, test_alloc *ta)
{
    mtl_market_unref(market);
    test_alloc_assert_clean(ta);
}

/* ---- market fingerprint ---------------------------------------------- */

typedef struct {
    uint64_t h;
} digest;

static void d_bytes(digest *d, const void *p, size_t n)
{
    const unsigned char *b = p;
    size_t i;
    for (i = 0; i < n; i++) {
        d->h ^= b[i];
        d->h *= UINT64_C(0x100000001b3);
    }
}

static void d_str(digest *d, const char *s)
{
    /* NULL and "" must differ; the length keeps "ab","c" from "a","bc" */
    uint64_t len = s ? (uint64_t)strlen(s) : UINT64_MAX;
    d_bytes(d, &len, sizeof len);
    if (s)
        d_bytes(d, s, (size_t)len);
}

static void d_i64(digest *d, int64_t v) { d_bytes(d, &v, sizeof v); }

static void d_f64(digest *d, double v) { d_bytes(d, &v, sizeof v); }

/* A strategy input's double: every NaN ("not known") is the same value
 * (CSV writes it as an empty cell and reads it back as NAN). */
static void d_val(digest *d, double v) { d_f64(d, isnan(v) ? NAN : v); }

static void d_fail(const char *what, size_t k, size_t n)
{
    fail_msg("fingerprint: %s(%zu) of %zu failed: %s", what, k, n,
             mtl_last_error_message());
}

static void digest_pain(digest *d, const mtl_pain *p)
{
    d_str(d, p->layer);
    d_str(d, p->text);
    d_val(d, p->severity);
    d_val(d, p->urgency);
    d_val(d, p->breadth);
    d_val(d, p->budget);
    d_val(d, p->fit);
    d_i64(d, p->role);
}

/* Look items, factors, $APPEALS ratings, control points and pains. */
static void digest_segment_inputs(digest *d, const mtl_segment *s)
{
    mtl_segment_factors f;
    size_t k, n;
    int q;
    n = mtl_segment_look_count(s);
    d_i64(d, (int64_t)n);
    for (k = 0; k < n; k++) {
        mtl_look_item it;
        mtl_look_item_init(&it, sizeof it);
        if (mtl_segment_look_at(s, k, &it) != MTL_OK)
            d_fail("look_at", k, n);
        d_i64(d, it.look);
        d_val(d, it.impact);
        d_val(d, it.likelihood);
        d_i64(d, it.window_months);
        d_str(d, it.text);
        d_str(d, it.evidence);
    }
    mtl_segment_factors_init(&f, sizeof f);
    if (mtl_segment_factors_get(s, &f) != MTL_OK)
        d_fail("factors_get", 0, 1);
    d_i64(d, f.market_size);
    d_val(d, f.growth);
    d_val(d, f.profit_potential);
    for (q = 0; q < MTL_FORCE_COUNT; q++)
        d_val(d, f.forces[q]);
    d_val(d, f.strategic_value);
    d_i64(d, f.revenue);
    d_val(d, f.gross_margin);
    d_val(d, f.share_goal);
    d_val(d, f.growth_goal);
    for (q = 0; q < MTL_APPEALS_COUNT; q++)
        d_val(d, f.appeals_weights[q]);
    n = mtl_segment_appeals_count(s);
    d_i64(d, (int64_t)n);
    for (k = 0; k < n; k++) {
        mtl_appeals_rating r;
        mtl_appeals_rating_init(&r, sizeof r);
        if (mtl_segment_appeals_at(s, k, &r) != MTL_OK)
            d_fail("appeals_at", k, n);
        d_str(d, r.competitor);
        for (q = 0; q < MTL_APPEALS_COUNT; q++)
            d_val(d, r.ratings[q]);
    }
    n = mtl_segment_control_point_count(s);
    d_i64(d, (int64_t)n);
    for (k = 0; k < n; k++) {
        mtl_control_point p;
        mtl_control_point_init(&p, sizeof p);
        if (mtl_segment_control_point_at(s, k, &p) != MTL_OK)
            d_fail("control_point_at", k, n);
        d_i64(d, p.kind);
        d_val(d, p.attainability);
        d_str(d, p.text);
    }
    n = mtl_segment_pain_count(s);
    d_i64(d, (int64_t)n);
    for (k = 0; k < n; k++) {
        mtl_pain p;
        mtl_pain_init(&p, sizeof p);
        if (mtl_segment_pain_at(s, k, &p) != MTL_OK)
            d_fail("segment pain_at", k, n);
        digest_pain(d, &p);
    }
}

/* Pains, contacts and the relationship assessment. */
static void digest_customer_inputs(digest *d, const mtl_customer *c)
{
    double rel[MTL_REL_COUNT];
    size_t k, n;
    int q;
    n = mtl_customer_pain_count(c);
    d_i64(d, (int64_t)n);
    for (k = 0; k < n; k++) {
        mtl_pain p;
        mtl_pain_init(&p, sizeof p);
        if (mtl_customer_pain_at(c, k, &p) != MTL_OK)
            d_fail("customer pain_at", k, n);
        digest_pain(d, &p);
    }
    n = mtl_customer_contact_count(c);
    d_i64(d, (int64_t)n);
    for (k = 0; k < n; k++) {
        mtl_contact ct;
        mtl_contact_init(&ct, sizeof ct);
        if (mtl_customer_contact_at(c, k, &ct) != MTL_OK)
            d_fail("contact_at", k, n);
        d_str(d, ct.name);
        d_str(d, ct.title);
        d_i64(d, ct.role);
        d_i64(d, ct.attitude);
        d_i64(d, ct.coach);
    }
    d_i64(d, mtl_customer_relationship(c, rel));
    for (q = 0; q < MTL_REL_COUNT; q++)
        d_val(d, rel[q]);
}

static void digest_lead(digest *d, const mtl_lead *l)
{
    size_t k, n;
    d_str(d, mtl_lead_id(l));
    d_str(d, mtl_customer_id(mtl_lead_customer(l)));
    d_str(d, mtl_segment_id(mtl_lead_segment(l)));
    d_str(d, mtl_lead_owner(l));
    d_str(d, mtl_lead_region(l));
    d_str(d, mtl_lead_source(l));
    d_i64(d, mtl_lead_status(l));
    d_i64(d, mtl_lead_stage(l));
    d_i64(d, mtl_lead_outcome(l));
    d_i64(d, mtl_lead_amount(l));
    d_f64(d, mtl_lead_probability(l));
    d_i64(d, mtl_lead_category(l));
    d_i64(d, mtl_lead_decision_step(l));
    d_i64(d, mtl_lead_created(l));
    d_i64(d, mtl_lead_expected_close(l));
    d_i64(d, mtl_lead_closed(l));
    n = mtl_lead_attribute_count(l);
    d_i64(d, (int64_t)n);
    for (k = 0; k < n; k++) {
        const char *key = NULL, *value = NULL;
        if (mtl_lead_attribute_at(l, k, &key, &value) != MTL_OK)
            fail_msg("fingerprint: attribute_at(%zu) of %zu failed", k, n);
        d_str(d, key);
        d_str(d, value);
    }
    n = mtl_lead_event_count(l);
    d_i64(d, (int64_t)n);
    for (k = 0; k < n; k++) {
        int32_t day = 0, stage = 0;
        if (mtl_lead_event_at(l, k, &day, &stage) != MTL_OK)
            fail_msg("fingerprint: event_at(%zu) of %zu failed", k, n);
        d_i64(d, day);
        d_i64(d, stage);
    }
    /* verification answers: a lead without any costs one count */
    n = mtl_lead_answer_count(l);
    d_i64(d, (int64_t)n);
    for (k = 0; n && k < MTL_CRIT_COUNT; k++) {
        double score = 0;
        const char *evidence = NULL;
        d_i64(d, mtl_lead_answer(l, (int32_t)k, &score, &evidence));
        d_val(d, score);
        d_str(d, evidence);
    }
}

uint64_t test_lead_fingerprint(const mtl_lead *lead)
{
    digest d = {UINT64_C(0xcbf29ce484222325)};
    digest_lead(&d, lead);
    return d.h;
}

uint64_t test_market_fingerprint(const mtl_market *m)
{
    digest d = {UINT64_C(0xcbf29ce484222325)};
    const mtl_segment *s;
    const mtl_customer *c;
    const mtl_lead *l;
    int32_t st;
    size_t n;

    d_i64(&d, mtl_market_minor_per_major(m));
    d_i64(&d, mtl_market_stage_count(m));
    for (st = 0; st < mtl_market_stage_count(m); st++) {
        d_str(&d, mtl_market_stage_name(m, st));
        d_str(&d, mtl_market_stage_phase(m, st));
        d_f64(&d, mtl_market_stage_probability(m, st));
        d_i64(&d, mtl_market_stage_category(m, st));
        d_i64(&d, mtl_market_stage_flags(m, st));
    }
    d_i64(&d, (int64_t)mtl_market_segment_count(m));
    d_i64(&d, (int64_t)mtl_market_customer_count(m));
    d_i64(&d, (int64_t)mtl_market_lead_count(m));

    n = 0;
    for (s = mtl_segment_next(m, NULL); s; s = mtl_segment_next(m, s), n++) {
        d_str(&d, mtl_segment_id(s));
        d_str(&d, mtl_segment_name(s));
        d_str(&d, mtl_segment_id(mtl_segment_parent(s)));
        digest_segment_inputs(&d, s);
    }
    if (n != mtl_market_segment_count(m))
        fail_msg("fingerprint: iterated %zu segments, count says %zu", n,
                 mtl_market_segment_count(m));
    n = 0;
    for (c = mtl_customer_next(m, NULL); c; c = mtl_customer_next(m, c), n++) {
        d_str(&d, mtl_customer_id(c));
        d_str(&d, mtl_customer_name(c));
        d_str(&d, mtl_segment_id(mtl_customer_segment(c)));
        d_str(&d, mtl_customer_region(c));
        d_str(&d, mtl_customer_owner(c));
        d_i64(&d, mtl_customer_revenue(c));
        d_i64(&d, mtl_customer_investment(c));
        d_f64(&d, mtl_customer_participation(c));
        d_i64(&d, mtl_customer_grade(c));
        digest_customer_inputs(&d, c);
    }
    if (n != mtl_market_customer_count(m))
        fail_msg("fingerprint: iterated %zu customers, count says %zu", n,
                 mtl_market_customer_count(m));
    n = 0;
    for (l = mtl_lead_next(m, NULL); l; l = mtl_lead_next(m, l), n++)
        digest_lead(&d, l);
    if (n != mtl_market_lead_count(m))
        fail_msg("fingerprint: iterated %zu leads, count says %zu", n,
                 mtl_market_lead_count(m));
    return d.h;
}

/* ---- an output sink ------------------------------------------------- */

int32_t test_sink_write(const void *data, size_t len, void *user_data)
{
    test_sink *s = user_data;
    s->calls++;
    if (s->refuse_after >= 0 && s->n + len > (size_t)s->refuse_after)
        return 1;
    if (s->n + len + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 1024;
        while (cap < s->n + len + 1)
            cap *= 2;
        s->p = realloc(s->p, cap);
        assert_non_null(s->p);
        s->cap = cap;
    }
    memcpy(s->p + s->n, data, len);
    s->n += len;
    s->p[s->n] = '\0';
    return 0;
}

/* ---- soft checks ----------------------------------------------------- */

static char notes[8192];
static size_t notes_len;
static int notes_n;

void test_note(const char *fmt, ...)
{
    va_list ap;
    int w;
    notes_n++;
    if (notes_len + 2 >= sizeof notes)
        return;
    notes[notes_len++] = '\n';
    va_start(ap, fmt);
    w = vsnprintf(notes + notes_len, sizeof notes - notes_len, fmt, ap);
    va_end(ap);
    if (w > 0)
        notes_len += (size_t)w < sizeof notes - notes_len ? (size_t)w
                                                          : sizeof notes - notes_len - 1;
}

int test_notes_count(void) { return notes_n; }

void test_notes_assert_none(void)
{
    if (notes_n) {
        int n = notes_n;
        notes_n = 0;
        notes_len = 0;
        fail_msg("%d problem(s):%s", n, notes);
    }
    notes_len = 0;
}

/* ---- watchdog -------------------------------------------------------- */

static unsigned watchdog_armed;

static void on_alarm(int sig)
{
    (void)sig;
    /* cmocka's own signal handling does the same: fail and longjmp back to
     * the runner (the interrupted code is library code, not stdio). */
    fail_msg("watchdog: the test ran longer than %u s (a hang in the library?)",
             watchdog_armed);
}

static unsigned watchdog_seconds(void)
{
    const char *env = getenv("MTL_TEST_WATCHDOG");
    const char *preload = getenv("LD_PRELOAD");
    if (env && *env)
        return (unsigned)strtoul(env, NULL, 10);
    if (preload && strstr(preload, "vgpreload"))
        return 0; /* valgrind: meson's (multiplied) timeout applies */
    return 30;
}

int test_watchdog_setup(void **state)
{
    struct sigaction sa;
    (void)state;
    watchdog_armed = watchdog_seconds();
    if (!watchdog_armed)
        return 0;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_NODEFER; /* the longjmp leaves no signal blocked */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    alarm(watchdog_armed);
    return 0;
}

int test_watchdog_teardown(void **state)
{
    (void)state;
    alarm(0);
    return 0;
}
