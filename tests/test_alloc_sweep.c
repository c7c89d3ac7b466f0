/*
 * test_alloc_sweep.c: out-of-memory at every allocation site.
 *
 * For each path, allocation request N = 1, 2, 3, ... fails (once, and in a
 * second pass from N on: "sticky") until the path runs through.  For every
 * N: the failing call returns MTL_E_NO_MEMORY, the market is unchanged (its
 * counts and the fingerprint of every field, attribute and event of every
 * record, tests/support/test_alloc.c), memory_used equals what the
 * allocator holds, the market still works afterwards, and after unref no
 * byte is live (the test allocator and cmocka's leak checker both check).
 *
 *   (a) market creation, with a custom stage model
 *   (b) adding segments, customers and leads (chunk, index and arena growth)
 *   (c) updates: set_name, set_owner / region / source, set_attribute,
 *       add_event
 *   (d) a bulk append of 5,000 rows with attributes into a market with data
 *
 * Public functions exercised here (beyond what they need to build markets):
 *   [x] mtl_stage_model_create  [x] mtl_stage_model_add
 *   [x] mtl_market_create       [x] mtl_segment_add   [x] mtl_customer_add
 *   [x] mtl_lead_add            [x] mtl_segment_set_name
 *   [x] mtl_customer_set_name   [x] mtl_customer_set_region
 *   [x] mtl_customer_set_owner  [x] mtl_lead_set_owner
 *   [x] mtl_lead_set_region     [x] mtl_lead_set_source
 *   [x] mtl_lead_set_attribute  [x] mtl_lead_add_event
 *   [x] mtl_lead_append_columns
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mtl.h"
#include "support/test_alloc.h"

/* ---- (a) market creation --------------------------------------------- */

static void test_sweep_market_create(void **state)
{
    int sticky;
    (void)state;
    for (sticky = 0; sticky < 2; sticky++) {
        uint64_t n;
        for (n = 1;; n++) {
            test_alloc ta;
            mtl_stage_model *model = (mtl_stage_model *)&ta;
            mtl_market_options o;
            mtl_market *m = (mtl_market *)&ta;
            mtl_status st;
            test_alloc_init(&ta);
            test_alloc_fail_nth(&ta, n, sticky);
            st = mtl_stage_model_create(&model, test_alloc_fn, &ta);
            if (st != MTL_OK) {
                assert_int_equal(st, MTL_E_NO_MEMORY);
                assert_int_equal(mtl_last_error_status(), MTL_E_NO_MEMORY);
                assert_null(model);
                test_alloc_assert_clean(&ta);
                continue;
            }
            assert_int_equal(mtl_stage_model_add(model, "Prospect", NULL, 0.1, 0, 0),
                             MTL_OK);
            assert_int_equal(mtl_stage_model_add(model, "Won", NULL, 1.0, 3,
                                                 MTL_STAGE_FLAG_WON),
                             MTL_OK);
            assert_int_equal(mtl_stage_model_add(model, "Lost", NULL, 0.0, 4,
                                                 MTL_STAGE_FLAG_LOST),
                             MTL_OK);
            assert_int_equal(mtl_market_options_init(&o, sizeof o), MTL_OK);
            o.alloc = test_alloc_fn;
            o.alloc_user_data = &ta;
            o.stage_model = model;
            o.minor_per_major = 1000;
            st = mtl_market_create(&m, &o);
            mtl_stage_model_destroy(model);
            if (st != MTL_OK) {
                assert_int_equal(st, MTL_E_NO_MEMORY);
                assert_null(m);
                test_alloc_assert_clean(&ta);
                continue;
            }
            /* it ran through */
            assert_int_equal(ta.failures, 0);
            test_alloc_disarm(&ta);
            assert_int_equal(mtl_market_stage_count(m), 3);
            assert_string_equal(mtl_market_stage_name(m, 2), "Lost");
            assert_int_equal(mtl_market_minor_per_major(m), 1000);
            assert_int_equal(mtl_lead_add(NULL, m, "works", NULL), MTL_OK);
            test_market_free(m, &ta);
            if (!sticky)
                print_message("(a) market create + custom stage model: %llu "
                              "allocation sites\n",
                              (unsigned long long)(n - 1));
            assert_true(n - 1 >= 2); /* the model and the market */
            break;
        }
    }
}

/* ---- a sequence of operations, swept by replay ------------------------ */

typedef struct sweep_path {
    const char *name;
    size_t ops;
    /* build the starting market (allocator unarmed) */
    mtl_market *(*start)(test_alloc *ta);
    /* operation i; its status */
    mtl_status (*op)(mtl_market *m, size_t i);
} sweep_path;

/*
 * Dry run: count the allocation requests of every operation.  Then for
 * every request N: replay the operations before the one that makes request
 * N, fail request N (once, or from then on), check the failed operation
 * left the market as it was, and check the market still works.
 */
static void sweep(const sweep_path *p)
{
    uint64_t *before = calloc(p->ops + 1, sizeof *before);
    uint64_t total, n;
    test_alloc ta;
    mtl_market *m;
    size_t i;
    int sticky;
    assert_non_null(before);

    m = p->start(&ta);
    test_alloc_fail_nth(&ta, 0, 0); /* resets the request counter */
    for (i = 0; i < p->ops; i++) {
        before[i] = ta.requests;
        if (p->op(m, i) != MTL_OK)
            fail_msg("%s: op %zu failed without a failing allocator: %s", p->name, i,
                     mtl_last_error_message());
    }
    before[p->ops] = total = ta.requests;
    test_market_free(m, &ta);
    print_message("%s: %llu allocation sites over %zu operations\n", p->name,
                  (unsigned long long)total, p->ops);
    assert_true(total > 0);

    for (sticky = 0; sticky < 2; sticky++) {
        size_t j = 0;
        for (n = 1; n <= total; n++) {
            uint64_t fp;
            size_t mem, counts[3];
            mtl_status st;
            while (before[j + 1] < n)
                j++;
            /* op j makes request n */
            m = p->start(&ta);
            for (i = 0; i < j; i++)
                assert_int_equal(p->op(m, i), MTL_OK);
            fp = test_market_fingerprint(m);
            mem = mtl_market_memory_used(m);
            counts[0] = mtl_market_segment_count(m);
            counts[1] = mtl_market_customer_count(m);
            counts[2] = mtl_market_lead_count(m);
            test_alloc_fail_nth(&ta, n - before[j], sticky);
            st = p->op(m, j);
            if (st != MTL_E_NO_MEMORY || mtl_last_error_status() != MTL_E_NO_MEMORY)
                fail_msg("%s: op %zu with allocation %llu failing%s: %s (%s)", p->name,
                         j, (unsigned long long)(n - before[j]),
                         sticky ? " and after" : "", mtl_status_string(st),
                         mtl_last_error_message());
            if (ta.failures == 0)
                fail_msg("%s: op %zu did not reach allocation %llu", p->name, j,
                         (unsigned long long)(n - before[j]));
            test_alloc_disarm(&ta);
            if (test_market_fingerprint(m) != fp ||
                mtl_market_segment_count(m) != counts[0] ||
                mtl_market_customer_count(m) != counts[1] ||
                mtl_market_lead_count(m) != counts[2])
                fail_msg("%s: op %zu changed the market when allocation %llu "
                         "failed%s",
                         p->name, j, (unsigned long long)(n - before[j]),
                         sticky ? " (sticky)" : "");
            assert_int_equal(mtl_market_memory_used(m), ta.live_bytes);
            assert_true(mtl_market_memory_used(m) >= mem / 2);
            /* the market works: the operation goes through now, and so do
             * the rest */
            for (i = j; i < p->ops; i++)
                if (p->op(m, i) != MTL_OK)
                    fail_msg("%s: op %zu after a failure at allocation %llu: %s",
                             p->name, i, (unsigned long long)n,
                             mtl_last_error_message());
            test_market_free(m, &ta);
        }
    }
    free(before);
}

/* ---- (b) adding records ----------------------------------------------- */

#define ADDS 1500

static mtl_market *start_empty(test_alloc *ta) { return test_market_new(ta, 0, NULL); }

static mtl_status op_add(mtl_market *m, size_t i)
{
    char id[48], ref[48];
    size_t k = i / 3;
    switch (i % 3) {
    case 0:
        snprintf(id, sizeof id, "segment-%zu", k);
        return mtl_segment_add(NULL, m, id);
    case 1:
        snprintf(id, sizeof id, "customer-%zu", k);
        snprintf(ref, sizeof ref, "segment-%zu", k / 2);
        return mtl_customer_add(NULL, m, id, mtl_segment_find(m, ref));
    default:
        snprintf(id, sizeof id, "lead-with-a-longer-id-%zu", k);
        snprintf(ref, sizeof ref, "customer-%zu", k / 3);
        return mtl_lead_add(NULL, m, id, mtl_customer_find(m, ref));
    }
}

static void test_sweep_add_records(void **state)
{
    static const sweep_path p = {"(b) add segments, customers, leads", 3 * ADDS,
                                 start_empty, op_add};
    (void)state;
    sweep(&p);
}

/* ---- (c) updates ------------------------------------------------------ */

#define U_SEG 40
#define U_CUST 40
#define U_LEADS 600

static mtl_market *start_populated(test_alloc *ta)
{
    mtl_market *m = test_market_new(ta, 0, NULL);
    char id[32];
    size_t i;
    for (i = 0; i < U_SEG; i++) {
        snprintf(id, sizeof id, "s%zu", i);
        assert_int_equal(mtl_segment_add(NULL, m, id), MTL_OK);
    }
    for (i = 0; i < U_CUST; i++) {
        snprintf(id, sizeof id, "c%zu", i);
        assert_int_equal(mtl_customer_add(NULL, m, id, NULL), MTL_OK);
    }
    for (i = 0; i < U_LEADS; i++) {
        snprintf(id, sizeof id, "l%zu", i);
        assert_int_equal(mtl_lead_add(NULL, m, id, NULL), MTL_OK);
    }
    return m;
}

static mtl_status op_update(mtl_market *m, size_t i)
{
    char id[32], text[64], key[16];
    size_t k = i / 9;
    switch (i % 9) {
    case 0:
        snprintf(id, sizeof id, "s%zu", k % U_SEG);
        snprintf(text, sizeof text, "segment name number %zu", k);
        return mtl_segment_set_name(mtl_segment_find(m, id), text);
    case 1:
        snprintf(id, sizeof id, "c%zu", k % U_CUST);
        snprintf(text, sizeof text, "customer name number %zu", k);
        return mtl_customer_set_name(mtl_customer_find(m, id), text);
    case 2:
        snprintf(id, sizeof id, "c%zu", k % U_CUST);
        snprintf(text, sizeof text, "customer region %zu", k);
        return mtl_customer_set_region(mtl_customer_find(m, id), text);
    case 3:
        snprintf(id, sizeof id, "c%zu", k % U_CUST);
        snprintf(text, sizeof text, "customer owner %zu", k);
        return mtl_customer_set_owner(mtl_customer_find(m, id), text);
    case 4:
        snprintf(id, sizeof id, "l%zu", k * 7 % U_LEADS);
        snprintf(text, sizeof text, "lead owner %zu", k);
        return mtl_lead_set_owner(mtl_lead_find(m, id), text);
    case 5:
        snprintf(id, sizeof id, "l%zu", k * 11 % U_LEADS);
        snprintf(text, sizeof text, "lead region %zu", k);
        return mtl_lead_set_region(mtl_lead_find(m, id), text);
    case 6:
        snprintf(id, sizeof id, "l%zu", k * 13 % U_LEADS);
        snprintf(text, sizeof text, "lead source %zu", k);
        return mtl_lead_set_source(mtl_lead_find(m, id), text);
    case 7:
        /* new keys (up to 30) on leads of every chunk, new values */
        snprintf(id, sizeof id, "l%zu", k * 17 % U_LEADS);
        snprintf(key, sizeof key, "key%zu", k % 30);
        snprintf(text, sizeof text, "attribute value %zu", k);
        return mtl_lead_set_attribute(mtl_lead_find(m, id), key, text);
    default:
        snprintf(id, sizeof id, "l%zu", k * 3 % U_LEADS);
        return mtl_lead_add_event(mtl_lead_find(m, id), (int32_t)(20000 - k % 97),
                                  (int32_t)(k % 8));
    }
}

static void test_sweep_updates(void **state)
{
    static const sweep_path p = {"(c) set_name, set_owner/region/source, "
                                 "set_attribute, add_event",
                                 9 * 300, start_populated, op_update};
    (void)state;
    sweep(&p);
}

/* ---- (d) bulk append -------------------------------------------------- */

#define BULK_ROWS 5000

typedef struct {
    char (*ids)[24];
    char (*note_text)[32];
    const char **id_ptrs, **customers, **owners, **notes, **industries;
    uint32_t *size_codes;
    int32_t *stages;
    int64_t *amounts;
    mtl_string_column attrs[3];
    const char *keys[3];
} bulk_rows;

static const char *const size_dict[3] = {"S", "M", "L"};
static const char *const industry_dict[4] = {"retail", "bank", "gov", "energy"};

static void bulk_make(bulk_rows *b)
{
    size_t r;
    char (*notes)[32];
    memset(b, 0, sizeof *b);
    b->ids = calloc(BULK_ROWS, sizeof *b->ids);
    notes = b->note_text = calloc(BULK_ROWS, sizeof *notes);
    b->id_ptrs = calloc(BULK_ROWS, sizeof *b->id_ptrs);
    b->customers = calloc(BULK_ROWS, sizeof *b->customers);
    b->owners = calloc(BULK_ROWS, sizeof *b->owners);
    b->notes = calloc(BULK_ROWS, sizeof *b->notes);
    b->industries = calloc(BULK_ROWS, sizeof *b->industries);
    b->size_codes = calloc(BULK_ROWS, sizeof *b->size_codes);
    b->stages = calloc(BULK_ROWS, sizeof *b->stages);
    b->amounts = calloc(BULK_ROWS, sizeof *b->amounts);
    assert_true(b->ids && notes && b->id_ptrs && b->customers && b->owners &&
                b->notes && b->industries && b->size_codes && b->stages && b->amounts);
    for (r = 0; r < BULK_ROWS; r++) {
        snprintf(b->ids[r], sizeof b->ids[r], "bulk-%zu", r);
        snprintf(notes[r], sizeof notes[r], "note %zu", r); /* unique strings */
        b->id_ptrs[r] = b->ids[r];
        b->customers[r] = r % 5 ? (r % 2 ? "c1" : "c2") : NULL;
        b->owners[r] = r % 3 ? "owner-a" : notes[r];
        b->notes[r] = r % 4 ? notes[r] : NULL;
        b->industries[r] = r % 6 ? industry_dict[r % 4] : NULL;
        b->size_codes[r] = r % 7 ? (uint32_t)(r % 3) : MTL_CODE_NONE;
        b->stages[r] = (int32_t)(r % 7);
        b->amounts[r] = (int64_t)r * 3;
    }
    /* "note" is a new key; "industry" and "size" exist in the market */
    b->keys[0] = "industry";
    b->keys[1] = "note";
    b->keys[2] = "size";
    b->attrs[0].values = b->industries;
    b->attrs[1].values = b->notes;
    b->attrs[2].codes = b->size_codes;
    b->attrs[2].dict = size_dict;
    b->attrs[2].dict_count = 3;
}

static void bulk_free(bulk_rows *b)
{
    free(b->ids);
    free(b->note_text);
    free(b->id_ptrs);
    free(b->customers);
    free(b->owners);
    free(b->notes);
    free(b->industries);
    free(b->size_codes);
    free(b->stages);
    free(b->amounts);
}

static mtl_market *start_bulk_base(test_alloc *ta)
{
    mtl_market *m = test_market_new(ta, 0, NULL);
    mtl_segment *s;
    mtl_customer *c;
    char id[32];
    size_t i;
    assert_int_equal(mtl_segment_add(&s, m, "s"), MTL_OK);
    assert_int_equal(mtl_customer_add(&c, m, "c1", s), MTL_OK);
    assert_int_equal(mtl_customer_set_region(c, "north"), MTL_OK);
    assert_int_equal(mtl_customer_add(NULL, m, "c2", NULL), MTL_OK);
    for (i = 0; i < 300; i++) {
        mtl_lead *l = NULL;
        snprintf(id, sizeof id, "old-%zu", i);
        assert_int_equal(mtl_lead_add(&l, m, id, i % 2 ? c : NULL), MTL_OK);
        assert_int_equal(mtl_lead_set_attribute(l, "industry", industry_dict[i % 4]),
                         MTL_OK);
        if (i % 3 == 0)
            assert_int_equal(mtl_lead_set_attribute(l, "size", "M"), MTL_OK);
        if (i % 5 == 0)
            assert_int_equal(mtl_lead_add_event(l, (int32_t)i, 1), MTL_OK);
    }
    return m;
}

static void test_sweep_bulk_append(void **state)
{
    bulk_rows b;
    mtl_lead_columns c;
    int sticky, dict_ids;
    (void)state;
    bulk_make(&b);
    for (dict_ids = 0; dict_ids < 2; dict_ids++)
        for (sticky = 0; sticky < 2; sticky++) {
            uint64_t n;
            uint32_t *id_codes = NULL;
            assert_int_equal(mtl_lead_columns_init(&c, sizeof c), MTL_OK);
            c.count = BULK_ROWS;
            if (dict_ids) {
                /* the ids as a dictionary column (a permutation) */
                size_t r;
                id_codes = calloc(BULK_ROWS, sizeof *id_codes);
                assert_non_null(id_codes);
                for (r = 0; r < BULK_ROWS; r++)
                    id_codes[r] = (uint32_t)(BULK_ROWS - 1 - r);
                c.ids.codes = id_codes;
                c.ids.dict = b.id_ptrs;
                c.ids.dict_count = BULK_ROWS;
            } else {
                c.ids.values = b.id_ptrs;
            }
            c.customers.values = b.customers;
            c.owners.values = b.owners;
            c.stages = b.stages;
            c.amounts = b.amounts;
            c.attribute_count = 3;
            c.attribute_keys = b.keys;
            c.attributes = b.attrs;
            for (n = 1;; n++) {
                test_alloc ta;
                mtl_market *m = start_bulk_base(&ta);
                uint64_t fp = test_market_fingerprint(m);
                mtl_status st;
                test_alloc_fail_nth(&ta, n, sticky);
                st = mtl_lead_append_columns(m, &c);
                test_alloc_disarm(&ta);
                if (st == MTL_OK) {
                    size_t x;
                    assert_int_equal(ta.failures, 0);
                    assert_int_equal(mtl_market_lead_count(m), 300 + BULK_ROWS);
                    /* every appended lead, by id */
                    for (x = 0; x < BULK_ROWS; x++) {
                        size_t r = dict_ids ? BULK_ROWS - 1 - x : x;
                        const mtl_lead *l = mtl_lead_find(m, b.ids[x]);
                        const char *note = mtl_lead_attribute(l, "note");
                        const char *size = mtl_lead_attribute(l, "size");
                        char want[32];
                        snprintf(want, sizeof want, "note %zu", r);
                        assert_non_null(l);
                        assert_int_equal(mtl_lead_amount(l), (int64_t)r * 3);
                        assert_int_equal(mtl_lead_stage(l), (int32_t)(r % 7));
                        if (r % 4 ? !note || strcmp(note, want) : note != NULL)
                            fail_msg("lead %s: note %s", b.ids[x], note ? note : "-");
                        if (r % 7 ? !size || strcmp(size, size_dict[r % 3])
                                  : size != NULL)
                            fail_msg("lead %s: size %s", b.ids[x], size ? size : "-");
                    }
                    test_market_free(m, &ta);
                    if (!sticky)
                        print_message("(d) bulk append of %d rows with attributes "
                                      "(ids as %s): %llu allocation sites\n",
                                      BULK_ROWS, dict_ids ? "codes" : "values",
                                      (unsigned long long)(n - 1));
                    assert_true(n - 1 >= 5);
                    break;
                }
                if (st != MTL_E_NO_MEMORY)
                    fail_msg("bulk append, allocation %llu failing: %s (%s)",
                             (unsigned long long)n, mtl_status_string(st),
                             mtl_last_error_message());
                assert_int_equal(mtl_last_error_status(), MTL_E_NO_MEMORY);
                assert_true(ta.failures > 0);
                if (test_market_fingerprint(m) != fp ||
                    mtl_market_lead_count(m) != 300)
                    fail_msg("bulk append changed the market when allocation %llu "
                             "failed%s",
                             (unsigned long long)n, sticky ? " (sticky)" : "");
                assert_null(mtl_lead_find(m, "bulk-0"));
                assert_null(mtl_lead_find(m, "bulk-4999"));
                assert_int_equal(mtl_market_memory_used(m), ta.live_bytes);
                /* still usable: a small append and a single add */
                {
                    const char *ids[2] = {"after-1", "after-2"};
                    mtl_lead_columns small;
                    mtl_lead *l = NULL;
                    assert_int_equal(mtl_lead_columns_init(&small, sizeof small), MTL_OK);
                    small.count = 2;
                    small.ids.values = ids;
                    assert_int_equal(mtl_lead_append_columns(m, &small), MTL_OK);
                    assert_int_equal(mtl_lead_attribute_count(mtl_lead_find(m, "after-2")),
                                     0);
                    assert_int_equal(mtl_lead_add(&l, m, "after-3", NULL), MTL_OK);
                    assert_int_equal(mtl_lead_attribute_count(l), 0);
                    assert_int_equal(mtl_market_lead_count(m), 303);
                }
                test_market_free(m, &ta);
            }
            free(id_codes);
        }
    bulk_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        test_case(test_sweep_market_create),
        test_case(test_sweep_add_records),
        test_case(test_sweep_updates),
        test_case(test_sweep_bulk_append),
    };
    return cmocka_run_group_tests_name("alloc_sweep", tests, NULL, NULL);
}
