/*
 * test_lifecycle.c: every handle type's life (create / ref / unref /
 * destroy, add / remove), and NULL handles given to every public function:
 * a status (MTL_E_INVALID_ARGUMENT) or the documented "none" value, never a
 * crash.
 *
 * Public functions exercised here: all MTL_API functions of
 * include/mtl/ headers are called with a NULL handle (or NULL out-pointer) in
 * test_null_handles; the checklist is the list of calls there, grouped by
 * header.  tests/tools/api_coverage.py checks that every MTL_API name
 * appears in this file and in at least one other test.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mtl.h"
#include "support/test_alloc.h"

#define INVALID(expr) assert_int_equal((expr), MTL_E_INVALID_ARGUMENT)

static void test_null_handles(void **state)
{
    int32_t i32 = 7;
    const char *k = "unchanged", *v = "unchanged";
    mtl_segment *sout = (mtl_segment *)&i32;
    mtl_customer *cout = (mtl_customer *)&i32;
    mtl_lead *lout = (mtl_lead *)&i32;
    mtl_lead_columns cols;
    mtl_market_options opts;
    int32_t status_of_null;
    (void)state;

    /* common.h, status.h: no handles; a NULL-free call each */
    assert_non_null(mtl_version_string());
    assert_int_equal(mtl_version_number(), MTL_VERSION_NUMBER);
    assert_non_null(mtl_status_string(MTL_OK));

    /* date.h */
    INVALID(mtl_date_from_ymd(NULL, 2000, 1, 1));
    assert_int_equal(mtl_date_to_ymd(0, NULL, NULL, NULL), MTL_OK);
    INVALID(mtl_date_parse(NULL, "2000-01-01", 10));
    INVALID(mtl_date_parse(&i32, NULL, 10));
    INVALID(mtl_date_format(NULL, 11, 0));
    assert_int_equal(i32, 7);

    /* stage.h */
    INVALID(mtl_stage_model_create(NULL, NULL, NULL));
    INVALID(mtl_stage_model_create_default(NULL, NULL, NULL));
    mtl_stage_model_destroy(NULL);
    INVALID(mtl_stage_model_add(NULL, "P0", NULL, 0.5, 0, 0));
    assert_int_equal(mtl_stage_model_count(NULL), 0);

    /* market.h */
    INVALID(mtl_market_options_init(NULL, sizeof opts));
    INVALID(mtl_market_create(NULL, NULL));
    assert_null(mtl_market_ref(NULL));
    mtl_market_unref(NULL);
    assert_int_equal(mtl_market_minor_per_major(NULL), 0);
    assert_int_equal(mtl_market_memory_used(NULL), 0);
    assert_int_equal(mtl_market_stage_count(NULL), 0);
    assert_null(mtl_market_stage_name(NULL, 0));
    assert_null(mtl_market_stage_phase(NULL, 0));
    assert_true(mtl_market_stage_probability(NULL, 0) == -1.0);
    assert_int_equal(mtl_market_stage_category(NULL, 0), MTL_CATEGORY_NONE);
    assert_int_equal(mtl_market_stage_flags(NULL, 0), 0);
    INVALID(mtl_market_stage_find(&i32, NULL, "P0"));
    assert_int_equal(i32, 7);
    assert_int_equal(mtl_market_segment_count(NULL), 0);
    assert_int_equal(mtl_market_customer_count(NULL), 0);
    assert_int_equal(mtl_market_lead_count(NULL), 0);

    /* segment.h */
    INVALID(mtl_segment_add(&sout, NULL, "s"));
    assert_null(sout);
    assert_null(mtl_segment_find(NULL, "s"));
    assert_null(mtl_segment_next(NULL, NULL));
    INVALID(mtl_segment_remove(NULL));
    assert_null(mtl_segment_market(NULL));
    assert_null(mtl_segment_id(NULL));
    assert_null(mtl_segment_name(NULL));
    assert_null(mtl_segment_parent(NULL));
    INVALID(mtl_segment_set_name(NULL, "n"));
    INVALID(mtl_segment_set_parent(NULL, NULL));

    /* customer.h */
    INVALID(mtl_customer_add(&cout, NULL, "c", NULL));
    assert_null(cout);
    assert_null(mtl_customer_find(NULL, "c"));
    assert_null(mtl_customer_next(NULL, NULL));
    INVALID(mtl_customer_remove(NULL));
    assert_null(mtl_customer_market(NULL));
    assert_null(mtl_customer_id(NULL));
    assert_null(mtl_customer_name(NULL));
    assert_null(mtl_customer_segment(NULL));
    assert_null(mtl_customer_region(NULL));
    assert_null(mtl_customer_owner(NULL));
    assert_int_equal(mtl_customer_revenue(NULL), 0);
    assert_int_equal(mtl_customer_investment(NULL), 0);
    assert_true(mtl_customer_participation(NULL) == 0.0);
    assert_int_equal(mtl_customer_grade(NULL), MTL_GRADE_NONE);
    INVALID(mtl_customer_set_name(NULL, "n"));
    INVALID(mtl_customer_set_segment(NULL, NULL));
    INVALID(mtl_customer_set_region(NULL, "r"));
    INVALID(mtl_customer_set_owner(NULL, "o"));
    INVALID(mtl_customer_set_revenue(NULL, 1));
    INVALID(mtl_customer_set_investment(NULL, 1));
    INVALID(mtl_customer_set_participation(NULL, 0.5));
    INVALID(mtl_customer_set_grade(NULL, 1));

    /* lead.h */
    INVALID(mtl_lead_add(&lout, NULL, "l", NULL));
    assert_null(lout);
    assert_null(mtl_lead_find(NULL, "l"));
    {
        const char *ids[1] = {"l"};
        mtl_lead *found[1] = {(mtl_lead *)&i32};
        INVALID(mtl_lead_find_many(found, NULL, ids, 1));
        INVALID(mtl_lead_find_many(NULL, NULL, ids, 1));
    }
    assert_null(mtl_lead_next(NULL, NULL));
    INVALID(mtl_lead_remove(NULL));
    assert_null(mtl_lead_market(NULL));
    assert_null(mtl_lead_id(NULL));
    assert_null(mtl_lead_customer(NULL));
    assert_null(mtl_lead_segment(NULL));
    assert_null(mtl_lead_owner(NULL));
    assert_null(mtl_lead_region(NULL));
    assert_null(mtl_lead_source(NULL));
    /* status has no "none" value: the header allows 0, -1 is what stage
     * and outcome give; anything else would be a real status */
    status_of_null = mtl_lead_status(NULL);
    assert_true(status_of_null == 0 || status_of_null == -1);
    assert_int_equal(mtl_lead_stage(NULL), -1);
    assert_int_equal(mtl_lead_outcome(NULL), -1);
    assert_int_equal(mtl_lead_amount(NULL), 0);
    assert_true(mtl_lead_probability(NULL) == MTL_PROBABILITY_NONE);
    assert_int_equal(mtl_lead_category(NULL), MTL_CATEGORY_NONE);
    assert_int_equal(mtl_lead_decision_step(NULL), MTL_DECISION_NONE);
    assert_int_equal(mtl_lead_created(NULL), MTL_DATE_NONE);
    assert_int_equal(mtl_lead_expected_close(NULL), MTL_DATE_NONE);
    assert_int_equal(mtl_lead_closed(NULL), MTL_DATE_NONE);
    INVALID(mtl_lead_set_customer(NULL, NULL));
    INVALID(mtl_lead_set_segment(NULL, NULL));
    INVALID(mtl_lead_set_owner(NULL, "o"));
    INVALID(mtl_lead_set_region(NULL, "r"));
    INVALID(mtl_lead_set_source(NULL, "s"));
    INVALID(mtl_lead_set_status(NULL, 1));
    INVALID(mtl_lead_set_stage(NULL, 1));
    INVALID(mtl_lead_set_outcome(NULL, 0));
    INVALID(mtl_lead_set_stage_outcome(NULL, 1, 0));
    INVALID(mtl_lead_set_amount(NULL, 1));
    INVALID(mtl_lead_set_probability(NULL, 0.5));
    INVALID(mtl_lead_set_category(NULL, 1));
    INVALID(mtl_lead_set_decision_step(NULL, 1));
    INVALID(mtl_lead_set_created(NULL, 0));
    INVALID(mtl_lead_set_expected_close(NULL, 0));
    INVALID(mtl_lead_set_closed(NULL, 0));
    INVALID(mtl_lead_set_attribute(NULL, "k", "v"));
    assert_null(mtl_lead_attribute(NULL, "k"));
    assert_int_equal(mtl_lead_attribute_count(NULL), 0);
    INVALID(mtl_lead_attribute_at(NULL, 0, &k, &v));
    assert_string_equal(k, "unchanged");
    INVALID(mtl_lead_add_event(NULL, 0, 0));
    assert_int_equal(mtl_lead_event_count(NULL), 0);
    INVALID(mtl_lead_event_at(NULL, 0, &i32, &i32));
    assert_int_equal(i32, 7);
    INVALID(mtl_lead_clear_events(NULL));
    INVALID(mtl_lead_columns_init(NULL, sizeof cols));
    assert_int_equal(mtl_lead_columns_init(&cols, sizeof cols), MTL_OK);
    INVALID(mtl_lead_append_columns(NULL, &cols));

    /* json.h (more in test_json.c) */
    INVALID(mtl_json_create(NULL, NULL, NULL, 0, NULL, NULL));
    mtl_json_destroy(NULL);
    INVALID(mtl_json_begin_object(NULL));
    INVALID(mtl_json_end_object(NULL));
    INVALID(mtl_json_begin_array(NULL));
    INVALID(mtl_json_end_array(NULL));
    INVALID(mtl_json_key(NULL, "k"));
    INVALID(mtl_json_key_len(NULL, "k", 1));
    INVALID(mtl_json_string(NULL, "s"));
    INVALID(mtl_json_string_len(NULL, "s", 1));
    INVALID(mtl_json_int(NULL, 1));
    INVALID(mtl_json_double(NULL, 1.0));
    INVALID(mtl_json_bool(NULL, 1));
    INVALID(mtl_json_null(NULL));
    INVALID(mtl_json_finish(NULL));
    /* io.h (more in test_csv.c and test_snapshot.c) */
    INVALID(mtl_csv_options_init(NULL, 64));
    INVALID(mtl_csv_result_init(NULL, 64));
    INVALID(mtl_csv_import(NULL, "id\n", 3, NULL, NULL));
    INVALID(mtl_csv_import_file(NULL, "leads.csv", NULL, NULL));
    INVALID(mtl_csv_export(NULL, MTL_KIND_LEADS, ',', NULL, NULL));
    INVALID(mtl_csv_export_file(NULL, MTL_KIND_LEADS, ',', "leads.csv"));
    INVALID(mtl_market_write(NULL, NULL, NULL));
    INVALID(mtl_market_save(NULL, "x.mtl"));
    INVALID(mtl_market_read(NULL, "", 0, NULL));
    INVALID(mtl_market_load(NULL, "x.mtl", NULL));

    /* funnel.h (more in test_funnel.c) */
    INVALID(mtl_funnel_stages(NULL, NULL, NULL, 8));
    INVALID(mtl_funnel_options_init(NULL, 64));
    INVALID(mtl_funnel_compute(NULL, NULL, NULL));
    mtl_funnel_destroy(NULL);
    assert_int_equal(mtl_funnel_group_count(NULL), 0);
    assert_null(mtl_funnel_group_name(NULL, 0));
    assert_int_equal(mtl_funnel_stage_count(NULL), 0);
    INVALID(mtl_funnel_stage_at(NULL, 0, 0, NULL));
    INVALID(mtl_funnel_summary_at(NULL, 0, NULL));
    INVALID(mtl_funnel_plan_at(NULL, 0, 0, NULL, NULL));

    /* forecast.h (more in test_forecast.c) */
    INVALID(mtl_forecast_options_init(NULL, 64));
    INVALID(mtl_forecast_create(NULL, NULL, NULL));
    assert_null(mtl_forecast_ref(NULL));
    mtl_forecast_unref(NULL);
    INVALID(mtl_forecast_summary_get(NULL, NULL));
    assert_true(mtl_forecast_quantile(NULL, 0.5) == INT64_MIN);
    assert_true(isnan(mtl_forecast_probability_at_least(NULL, 0)));
    assert_true(isnan(mtl_forecast_expected_shortfall(NULL, 0)));
    assert_int_equal(mtl_forecast_distribution(NULL, NULL, NULL, NULL), 0);
    assert_int_equal(mtl_forecast_won_count_distribution(NULL, NULL, NULL), 0);
    assert_int_equal(mtl_forecast_deal_count(NULL), 0);
    INVALID(mtl_forecast_deal_at(NULL, 0, NULL, NULL, NULL, NULL));
    INVALID(mtl_forecast_without(NULL, NULL, "L1"));
    INVALID(mtl_forecast_with_probability(NULL, NULL, "L1", 0.5));

    /* targets.h (more in test_targets.c) */
    INVALID(mtl_target_options_init(NULL, 64));
    INVALID(mtl_target_inputs_init(NULL, 64));
    INVALID(mtl_target_reconcile_options_init(NULL, 64));
    INVALID(mtl_target_evaluate_options_init(NULL, 64));
    INVALID(mtl_target_history_options_init(NULL, 64));
    INVALID(mtl_target_tree_create(NULL, NULL, NULL));
    mtl_target_tree_destroy(NULL);
    INVALID(mtl_target_tree_add(NULL, NULL, 0, "East", NULL));
    INVALID(mtl_target_tree_set_inputs(NULL, 0, NULL));
    INVALID(mtl_target_tree_set_commitment(NULL, 0, 1));
    INVALID(mtl_target_tree_reconcile(NULL, NULL));
    INVALID(mtl_target_tree_evaluate(NULL, NULL, NULL));
    INVALID(mtl_target_tree_from_history(NULL, NULL, NULL, NULL));
    assert_int_equal(mtl_target_tree_node_count(NULL), 0);
    assert_int_equal(mtl_target_tree_minor_per_major(NULL), 0);
    INVALID(mtl_target_tree_find(NULL, NULL, 0, "East"));
    INVALID(mtl_target_tree_node(NULL, 0, NULL));

    /* looks.h (values: test_inputs.c) */
    {
        mtl_look_item item;
        mtl_segment_factors f;
        mtl_appeals_rating r;
        mtl_control_point cp;
        INVALID(mtl_look_item_init(NULL, sizeof item));
        INVALID(mtl_segment_factors_init(NULL, sizeof f));
        INVALID(mtl_appeals_rating_init(NULL, sizeof r));
        INVALID(mtl_control_point_init(NULL, sizeof cp));
        mtl_look_item_init(&item, sizeof item);
        mtl_segment_factors_init(&f, sizeof f);
        mtl_appeals_rating_init(&r, sizeof r);
        mtl_control_point_init(&cp, sizeof cp);
        INVALID(mtl_segment_add_look(NULL, &item));
        assert_int_equal(mtl_segment_look_count(NULL), 0);
        INVALID(mtl_segment_look_at(NULL, 0, &item));
        INVALID(mtl_segment_clear_looks(NULL));
        INVALID(mtl_segment_set_factors(NULL, &f));
        INVALID(mtl_segment_factors_get(NULL, &f));
        INVALID(mtl_segment_add_appeals(NULL, &r));
        assert_int_equal(mtl_segment_appeals_count(NULL), 0);
        INVALID(mtl_segment_appeals_at(NULL, 0, &r));
        INVALID(mtl_segment_clear_appeals(NULL));
        INVALID(mtl_segment_add_control_point(NULL, &cp));
        assert_int_equal(mtl_segment_control_point_count(NULL), 0);
        INVALID(mtl_segment_control_point_at(NULL, 0, &cp));
        INVALID(mtl_segment_clear_control_points(NULL));
    }

    /* pain.h, the inputs of customer.h */
    {
        mtl_pain pain;
        mtl_contact contact;
        mtl_bon_options bo;
        mtl_bon_group g;
        mtl_bon_layer l;
        mtl_bon_pain bp;
        mtl_bon *bon = (mtl_bon *)&i32;
        double ratings[MTL_REL_COUNT];
        INVALID(mtl_pain_init(NULL, sizeof pain));
        INVALID(mtl_contact_init(NULL, sizeof contact));
        mtl_pain_init(&pain, sizeof pain);
        mtl_contact_init(&contact, sizeof contact);
        INVALID(mtl_segment_add_pain(NULL, &pain));
        assert_int_equal(mtl_segment_pain_count(NULL), 0);
        INVALID(mtl_segment_pain_at(NULL, 0, &pain));
        INVALID(mtl_segment_clear_pains(NULL));
        INVALID(mtl_customer_add_pain(NULL, &pain));
        assert_int_equal(mtl_customer_pain_count(NULL), 0);
        INVALID(mtl_customer_pain_at(NULL, 0, &pain));
        INVALID(mtl_customer_clear_pains(NULL));
        INVALID(mtl_customer_set_relationship(NULL, NULL));
        INVALID(mtl_customer_relationship(NULL, ratings));
        INVALID(mtl_customer_add_contact(NULL, &contact));
        assert_int_equal(mtl_customer_contact_count(NULL), 0);
        INVALID(mtl_customer_contact_at(NULL, 0, &contact));
        INVALID(mtl_customer_clear_contacts(NULL));
        INVALID(mtl_bon_options_init(NULL, sizeof bo));
        INVALID(mtl_bon_compute(&bon, NULL, NULL));
        assert_null(bon);
        INVALID(mtl_bon_compute(NULL, NULL, NULL));
        mtl_bon_destroy(NULL);
        assert_int_equal(mtl_bon_group_count(NULL), 0);
        g.struct_size = sizeof g;
        l.struct_size = sizeof l;
        bp.struct_size = sizeof bp;
        INVALID(mtl_bon_group_at(NULL, 0, &g));
        INVALID(mtl_bon_layer_at(NULL, 0, 0, &l));
        INVALID(mtl_bon_pain_at(NULL, 0, 0, &bp));
    }

    /* strategy.h */
    {
        mtl_strategy_options so;
        mtl_strategy *st = (mtl_strategy *)&i32;
        mtl_strategy_segment seg;
        mtl_strategy_look look;
        mtl_strategy_control_point cp;
        INVALID(mtl_strategy_options_init(NULL, sizeof so));
        INVALID(mtl_strategy_compute(&st, NULL, NULL));
        assert_null(st);
        INVALID(mtl_strategy_compute(NULL, NULL, NULL));
        mtl_strategy_destroy(NULL);
        assert_int_equal(mtl_strategy_segment_count(NULL), 0);
        seg.struct_size = sizeof seg;
        look.struct_size = sizeof look;
        cp.struct_size = sizeof cp;
        INVALID(mtl_strategy_segment_at(NULL, 0, &seg));
        INVALID(mtl_strategy_look_at(NULL, 0, 0, &look));
        INVALID(mtl_strategy_control_point_at(NULL, 0, 0, &cp));
    }

    /* grading.h */
    {
        mtl_grading_options go;
        mtl_grading *gr = (mtl_grading *)&i32;
        mtl_customer_grading row;
        INVALID(mtl_grading_options_init(NULL, sizeof go));
        INVALID(mtl_grading_compute(&gr, NULL, NULL));
        assert_null(gr);
        INVALID(mtl_grading_compute(NULL, NULL, NULL));
        mtl_grading_destroy(NULL);
        assert_int_equal(mtl_grading_count(NULL), 0);
        row.struct_size = sizeof row;
        INVALID(mtl_grading_at(NULL, 0, &row));
        assert_null(mtl_role_name(MTL_ROLE_NONE));
        assert_null(mtl_role_name(MTL_ROLE_COUNT));
    }

    /* verification.h */
    {
        mtl_verification_options vo;
        mtl_verification *vr = (mtl_verification *)&i32;
        mtl_lead_verdict row;
        double score = 0;
        const char *evidence = NULL;
        assert_null(mtl_criterion_name(-1));
        assert_null(mtl_criterion_name(MTL_CRIT_COUNT));
        assert_int_equal(mtl_criterion_question(MTL_CRIT_COUNT), 0);
        INVALID(mtl_lead_set_answer(NULL, 0, 0.5, NULL));
        INVALID(mtl_lead_answer(NULL, 0, &score, &evidence));
        assert_true(isnan(score));
        assert_string_equal(evidence, "");
        assert_int_equal(mtl_lead_answer_count(NULL), 0);
        INVALID(mtl_lead_clear_answers(NULL));
        INVALID(mtl_verification_options_init(NULL, sizeof vo));
        INVALID(mtl_verification_compute(&vr, NULL, NULL));
        assert_null(vr);
        INVALID(mtl_verification_compute(NULL, NULL, NULL));
        mtl_verification_destroy(NULL);
        assert_int_equal(mtl_verification_count(NULL), 0);
        row.struct_size = sizeof row;
        INVALID(mtl_verification_at(NULL, 0, &row));
    }

    /* every failure above recorded its status, without a position */
    assert_int_equal(mtl_last_error_status(), MTL_E_INVALID_ARGUMENT);
    assert_int_equal(mtl_last_error_line(), 0);
    assert_int_equal(mtl_last_error_column(), 0);
    assert_non_null(mtl_last_error_message());
    assert_true(strlen(mtl_last_error_message()) > 0);
}

/* NULL in the non-handle arguments of a live market's functions. */
static void test_null_arguments(void **state)
{
    test_alloc ta;
    mtl_market *m = test_market_new(&ta, 0, NULL);
    mtl_segment *s = NULL;
    mtl_customer *c = NULL;
    mtl_lead *l = NULL;
    int32_t i32 = 3;
    (void)state;
    assert_int_equal(mtl_segment_add(&s, m, "s"), MTL_OK);
    assert_int_equal(mtl_customer_add(&c, m, "c", NULL), MTL_OK);
    assert_int_equal(mtl_lead_add(&l, m, "l", NULL), MTL_OK);
    INVALID(mtl_market_stage_find(NULL, m, "P0"));
    INVALID(mtl_market_stage_find(&i32, m, NULL));
    assert_int_equal(i32, 3);
    INVALID(mtl_segment_add(NULL, m, NULL));
    INVALID(mtl_customer_add(NULL, m, NULL, NULL));
    INVALID(mtl_lead_add(NULL, m, NULL, NULL));
    INVALID(mtl_lead_append_columns(m, NULL));
    INVALID(mtl_lead_set_attribute(l, NULL, "v"));
    assert_null(mtl_segment_find(m, NULL));
    assert_null(mtl_customer_find(m, NULL));
    assert_null(mtl_lead_find(m, NULL));
    assert_null(mtl_lead_attribute(l, NULL));
    /* NULL values are "clear" where documented */
    assert_int_equal(mtl_segment_set_name(s, NULL), MTL_OK);
    assert_int_equal(mtl_segment_set_parent(s, NULL), MTL_OK);
    assert_int_equal(mtl_customer_set_name(c, NULL), MTL_OK);
    assert_int_equal(mtl_customer_set_segment(c, NULL), MTL_OK);
    assert_int_equal(mtl_customer_set_region(c, NULL), MTL_OK);
    assert_int_equal(mtl_customer_set_owner(c, NULL), MTL_OK);
    assert_int_equal(mtl_lead_set_customer(l, NULL), MTL_OK);
    assert_int_equal(mtl_lead_set_segment(l, NULL), MTL_OK);
    assert_int_equal(mtl_lead_set_owner(l, NULL), MTL_OK);
    assert_int_equal(mtl_lead_set_region(l, NULL), MTL_OK);
    assert_int_equal(mtl_lead_set_source(l, NULL), MTL_OK);
    assert_int_equal(mtl_lead_set_attribute(l, "k", NULL), MTL_OK);
    /* out-pointers that may be NULL */
    assert_int_equal(mtl_lead_add_event(l, 1, 1), MTL_OK);
    assert_int_equal(mtl_lead_event_at(l, 0, NULL, NULL), MTL_OK);
    assert_int_equal(mtl_lead_set_attribute(l, "k", "v"), MTL_OK);
    assert_int_equal(mtl_lead_attribute_at(l, 0, NULL, NULL), MTL_OK);
    test_market_free(m, &ta);
}

/* Every handle type through its life, on one allocator: nothing is left. */
static void test_handle_lifecycle(void **state)
{
    test_alloc ta, tmodel;
    mtl_stage_model *model = NULL;
    mtl_market *m = NULL, *again;
    mtl_market_options o;
    mtl_segment *s = NULL;
    mtl_customer *c = NULL;
    mtl_lead *l = NULL;
    (void)state;

    /* stage model: create, fill, destroy (a value, not reference-counted) */
    test_alloc_init(&tmodel);
    assert_int_equal(mtl_stage_model_create_default(&model, test_alloc_fn, &tmodel),
                     MTL_OK);
    assert_non_null(model);
    assert_int_equal(mtl_stage_model_add(model, "P8", NULL, 1.0, 4, 0), MTL_OK);

    /* market: create with the model, which may go at once */
    test_alloc_init(&ta);
    assert_int_equal(mtl_market_options_init(&o, sizeof o), MTL_OK);
    o.alloc = test_alloc_fn;
    o.alloc_user_data = &ta;
    o.stage_model = model;
    assert_int_equal(mtl_market_create(&m, &o), MTL_OK);
    mtl_stage_model_destroy(model);
    test_alloc_assert_clean(&tmodel);
    assert_int_equal(mtl_market_stage_count(m), 9);

    /* records: add, use, remove, add again */
    assert_int_equal(mtl_segment_add(&s, m, "s"), MTL_OK);
    assert_int_equal(mtl_customer_add(&c, m, "c", s), MTL_OK);
    assert_int_equal(mtl_lead_add(&l, m, "l", c), MTL_OK);
    assert_int_equal(mtl_lead_set_attribute(l, "k", "v"), MTL_OK);
    assert_int_equal(mtl_lead_add_event(l, 1, 8), MTL_OK);
    assert_ptr_equal(mtl_segment_market(s), m);
    assert_ptr_equal(mtl_customer_market(c), m);
    assert_ptr_equal(mtl_lead_market(l), m);
    assert_int_equal(mtl_lead_remove(l), MTL_OK);
    assert_int_equal(mtl_customer_remove(c), MTL_OK);
    assert_int_equal(mtl_segment_remove(s), MTL_OK);
    assert_int_equal(mtl_segment_add(&s, m, "s"), MTL_OK);
    assert_int_equal(mtl_customer_add(&c, m, "c", s), MTL_OK);
    assert_int_equal(mtl_lead_add(&l, m, "l", c), MTL_OK);

    /* a second reference keeps the market and its handles alive */
    again = mtl_market_ref(m);
    assert_ptr_equal(again, m);
    mtl_market_unref(m);
    assert_string_equal(mtl_segment_id(s), "s");
    assert_string_equal(mtl_customer_id(c), "c");
    assert_string_equal(mtl_lead_id(l), "l");
    assert_ptr_equal(mtl_lead_customer(l), c);
    assert_ptr_equal(mtl_lead_segment(l), s);
    assert_int_equal(mtl_market_memory_used(again), ta.live_bytes);
    /* the last reference releases records with the market */
    mtl_market_unref(again);
    test_alloc_assert_clean(&ta);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        test_case(test_null_handles),
        test_case(test_null_arguments),
        test_case(test_handle_lifecycle),
    };
    return cmocka_run_group_tests_name("lifecycle", tests, NULL, NULL);
}
