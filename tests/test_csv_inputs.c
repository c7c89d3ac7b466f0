/*
 * test_csv_inputs.c: CSV import and export of the strategy inputs
 * (io.h, MTL_KIND_LOOKS ... MTL_KIND_ANSWERS; docs/formats.md, "Strategy
 * inputs").
 *
 * Groups:
 *   1. each kind: import, the values read back through the public
 *      getters, words and aliases (English and Chinese), empty cells
 *   2. export: the exact text of each kind; export -> import round trips
 *      (fingerprint equal, the re-export byte-identical) with every
 *      separator, on a hand-made market and on random ones
 *   3. errors: status, line, column, a message that names the field (and
 *      quotes at most 64 bytes); the market unchanged after each
 *   4. atomicity: appended rows go, replaced factors, assessments,
 *      $APPEALS rows and answers come back; failing-allocator sweeps over
 *      every kind in both modes
 *   5. skip-bad-rows: counts, kept errors and the rows kept
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mtl.h"
#include "support/test_alloc.h"
#include "support/test_report.h"

/* ---- helpers ----------------------------------------------------------- */

/* One kind as CSV text (malloc'd, NUL-terminated). */
static char *export_text(const mtl_market *m, int32_t kind, int32_t sep)
{
    test_sink s = {NULL, 0, 0, -1, 0};
    mtl_status st = mtl_csv_export(m, kind, sep, test_sink_write, &s);
    if (st != MTL_OK)
        fail_msg("export kind %d: %s %s", (int)kind, mtl_status_string(st),
                 mtl_last_error_message());
    return s.p;
}

static mtl_status import_opts(mtl_market *m, int32_t kind, const char *text, int skip,
                              const char *field_map, mtl_csv_result *r)
{
    mtl_csv_options o;
    mtl_csv_options_init(&o, sizeof o);
    if (r)
        mtl_csv_result_init(r, sizeof *r);
    o.kind = kind;
    o.skip_bad_rows = skip;
    o.field_map = field_map;
    return mtl_csv_import(m, text, strlen(text), &o, r);
}

static void import_ok(mtl_market *m, int32_t kind, const char *text)
{
    mtl_csv_result r;
    mtl_status st = import_opts(m, kind, text, 0, NULL, &r);
    if (st != MTL_OK)
        fail_msg("import kind %d: %s: %s\n%s", (int)kind, mtl_status_string(st),
                 mtl_last_error_message(), text);
}

static mtl_segment *seg(const mtl_market *m, const char *id)
{
    mtl_segment *s = mtl_segment_find(m, id);
    if (!s)
        fail_msg("no segment %s", id);
    return s;
}

static mtl_customer *cust(const mtl_market *m, const char *id)
{
    mtl_customer *c = mtl_customer_find(m, id);
    if (!c)
        fail_msg("no customer %s", id);
    return c;
}

static mtl_lead *lead(const mtl_market *m, const char *id)
{
    mtl_lead *l = mtl_lead_find(m, id);
    if (!l)
        fail_msg("no lead %s", id);
    return l;
}

/* Row i of a list, read through its public getter. */
TEST_GETTER(look_at, mtl_look_item, (const mtl_segment *o, size_t i),
            mtl_segment_look_at(o, i, &out))
TEST_GETTER(appeals_at, mtl_appeals_rating, (const mtl_segment *o, size_t i),
            mtl_segment_appeals_at(o, i, &out))
TEST_GETTER(point_at, mtl_control_point, (const mtl_segment *o, size_t i),
            mtl_segment_control_point_at(o, i, &out))
TEST_GETTER(seg_pain_at, mtl_pain, (const mtl_segment *o, size_t i),
            mtl_segment_pain_at(o, i, &out))
TEST_GETTER(cust_pain_at, mtl_pain, (const mtl_customer *o, size_t i),
            mtl_customer_pain_at(o, i, &out))
TEST_GETTER(contact_at, mtl_contact, (const mtl_customer *o, size_t i),
            mtl_customer_contact_at(o, i, &out))

static mtl_segment_factors factors_of(const mtl_segment *s)
{
    mtl_segment_factors f;
    mtl_segment_factors_init(&f, sizeof f);
    OK(mtl_segment_factors_get(s, &f));
    return f;
}

/* Segments S1, S2; customers C1 (in S1), C2; leads L1 (of C1), L2; minor
 * unit 1/100. */
static mtl_market *base_market(test_alloc *ta)
{
    mtl_market *m = test_market_new(ta, 100, NULL);
    mtl_segment *s1;
    mtl_customer *c1;
    OK(mtl_segment_add(&s1, m, "S1"));
    OK(mtl_segment_add(NULL, m, "S2"));
    OK(mtl_customer_add(&c1, m, "C1", s1));
    OK(mtl_customer_add(NULL, m, "C2", NULL));
    OK(mtl_lead_add(NULL, m, "L1", c1));
    OK(mtl_lead_add(NULL, m, "L2", NULL));
    return m;
}

/* Inputs of every kind on S1, C1 and L1 (S2, C2 and L2 have none), set
 * through the API: what a failed import must leave as it was. */
static void add_inputs(mtl_market *m)
{
    mtl_segment *s = seg(m, "S1");
    mtl_customer *c = cust(m, "C1");
    mtl_look_item it;
    mtl_segment_factors f;
    mtl_appeals_rating r;
    mtl_control_point p;
    mtl_pain pn;
    mtl_contact ct;
    double rel[MTL_REL_COUNT] = {4, 3, NAN, 5, 2, 1};
    int k;
    mtl_look_item_init(&it, sizeof it);
    it.look = MTL_LOOK_INDUSTRY;
    it.impact = -2.5;
    it.text = "consolidation";
    it.evidence = "analyst report";
    OK(mtl_segment_add_look(s, &it));
    it.look = MTL_LOOK_OPPORTUNITY;
    it.impact = 4;
    it.likelihood = 0.5;
    it.window_months = 36;
    it.text = "cloud migration";
    it.evidence = NULL;
    OK(mtl_segment_add_look(s, &it));
    mtl_segment_factors_init(&f, sizeof f);
    f.market_size = 500000000;
    f.growth = 0.08;
    f.forces[MTL_FORCE_RIVALRY] = 4;
    f.strategic_value = 7;
    f.appeals_weights[MTL_APPEALS_PRICE] = 3;
    OK(mtl_segment_set_factors(s, &f));
    mtl_appeals_rating_init(&r, sizeof r);
    for (k = 0; k < MTL_APPEALS_COUNT; k++)
        r.ratings[k] = 5 + k % 3;
    OK(mtl_segment_add_appeals(s, &r));
    r.competitor = "Rival";
    r.ratings[MTL_APPEALS_PRICE] = 9;
    OK(mtl_segment_add_appeals(s, &r));
    mtl_control_point_init(&p, sizeof p);
    p.kind = MTL_CONTROL_BRAND;
    p.attainability = 0.4;
    p.text = "brand in the north";
    OK(mtl_segment_add_control_point(s, &p));
    mtl_pain_init(&pn, sizeof pn);
    pn.layer = MTL_LAYER_OPERATION;
    pn.text = "manual billing";
    pn.severity = 4;
    pn.urgency = 3;
    pn.breadth = 0.6;
    pn.budget = 0.5;
    pn.fit = 0.9;
    pn.role = MTL_ROLE_USER;
    OK(mtl_segment_add_pain(s, &pn));
    pn.text = "outages";
    OK(mtl_customer_add_pain(c, &pn));
    mtl_contact_init(&ct, sizeof ct);
    ct.name = "Wang Wei";
    ct.title = "CIO";
    ct.role = MTL_ROLE_DECIDER;
    ct.attitude = MTL_ATTITUDE_SUPPORTER;
    ct.coach = 1;
    OK(mtl_customer_add_contact(c, &ct));
    OK(mtl_customer_set_relationship(c, rel));
    OK(mtl_lead_set_answer(lead(m, "L1"), MTL_CRIT_BUDGET, 0.7, "approved"));
    OK(mtl_lead_set_answer(lead(m, "L1"), MTL_CRIT_REAL_NEED, 1, NULL));
}

static const int32_t input_kinds[] = {
    MTL_KIND_LOOKS,    MTL_KIND_FACTORS,  MTL_KIND_APPEALS,       MTL_KIND_CONTROL_POINTS,
    MTL_KIND_PAINS,    MTL_KIND_CONTACTS, MTL_KIND_RELATIONSHIPS, MTL_KIND_ANSWERS};
#define NKINDS (sizeof input_kinds / sizeof input_kinds[0])

/* Every kind, records first: the order an import must follow. */
static const int32_t all_kinds[] = {
    MTL_KIND_SEGMENTS, MTL_KIND_CUSTOMERS, MTL_KIND_LEADS,
    MTL_KIND_LOOKS,    MTL_KIND_FACTORS,   MTL_KIND_APPEALS,
    MTL_KIND_CONTROL_POINTS, MTL_KIND_PAINS, MTL_KIND_CONTACTS,
    MTL_KIND_RELATIONSHIPS,  MTL_KIND_ANSWERS};
#define NALL (sizeof all_kinds / sizeof all_kinds[0])

/* ---- 1. each kind --------------------------------------------------------- */

static void test_looks(void **state)
{
    test_alloc ta;
    mtl_market *m = base_market(&ta);
    mtl_segment *s1, *s2;
    mtl_look_item it;
    (void)state;
    import_ok(m, MTL_KIND_LOOKS,
              "segment,look,text,impact,likelihood,window,evidence\n"
              "S1,trend,\"AI, everywhere\",3.5,0.8,near,Gartner\n"
              "S1,Competition,price war,-4,80%,mid,\n"
              "S2,opportunity,edge,+2,,long,\n"
              "S2,,defaults,,,,\n"
              "S2,self,in months,1,1,18,\n"
              "S2,3,by number,-0,0,7,\n");
    s1 = seg(m, "S1");
    s2 = seg(m, "S2");
    assert_int_equal(mtl_segment_look_count(s1), 2);
    assert_int_equal(mtl_segment_look_count(s2), 4);
    it = look_at(s1, 0);
    assert_int_equal(it.look, MTL_LOOK_TREND);
    assert_string_equal(it.text, "AI, everywhere");
    assert_true(it.impact == 3.5 && it.likelihood == 0.8);
    assert_int_equal(it.window_months, MTL_WINDOW_NEAR_MONTHS);
    assert_string_equal(it.evidence, "Gartner");
    it = look_at(s1, 1);
    assert_int_equal(it.look, MTL_LOOK_COMPETITION);
    assert_true(it.impact == -4 && it.likelihood == 0.8);
    assert_int_equal(it.window_months, MTL_WINDOW_MID_MONTHS);
    assert_string_equal(it.evidence, "");
    it = look_at(s2, 0);
    assert_int_equal(it.look, MTL_LOOK_OPPORTUNITY);
    assert_true(it.impact == 2 && it.likelihood == 1.0);
    assert_int_equal(it.window_months, MTL_WINDOW_LONG_MONTHS);
    it = look_at(s2, 1); /* every default */
    assert_int_equal(it.look, MTL_LOOK_TREND);
    assert_true(it.impact == 0 && it.likelihood == 1.0);
    assert_int_equal(it.window_months, MTL_WINDOW_NEAR_MONTHS);
    it = look_at(s2, 2);
    assert_int_equal(it.look, MTL_LOOK_SELF);
    assert_int_equal(it.window_months, 18);
    it = look_at(s2, 3);
    assert_int_equal(it.look, MTL_LOOK_COMPETITION);
    assert_true(it.impact == 0 && signbit(it.impact));
    assert_int_equal(it.window_months, 7);
    test_market_free(m, &ta);
}

static void test_looks_chinese(void **state)
{
    test_alloc ta;
    mtl_market *m = base_market(&ta);
    mtl_segment *s;
    mtl_look_item it;
    (void)state;
    /* BOM, CRLF, ';', Chinese headers and words */
    import_ok(m, MTL_KIND_LOOKS,
              "\xEF\xBB\xBF细分市场;五看;内容;影响;可能性;时间窗;依据\r\n"
              "S1;宏观;政策支持;2;0.5;中期;白皮书\r\n"
              "S1;行业;集中度上升;-1;0.9;近期;\r\n"
              "S1;客户;上云;3;1;长期;\r\n"
              "S1;竞争;价格战;-3;0.7;远期;\r\n"
              "S1;自身;交付能力;1;1;短期;\r\n"
              "S1;机会;边缘计算;4;0.6;长期;\r\n"
              "S1;趋势;趋势;0;1;12;\r\n");
    s = seg(m, "S1");
    assert_int_equal(mtl_segment_look_count(s), 7);
    it = look_at(s, 0);
    assert_int_equal(it.look, MTL_LOOK_TREND);
    assert_string_equal(it.text, "政策支持");
    assert_int_equal(it.window_months, MTL_WINDOW_MID_MONTHS);
    assert_string_equal(it.evidence, "白皮书");
    assert_int_equal(look_at(s, 1).look, MTL_LOOK_INDUSTRY);
    assert_int_equal(look_at(s, 1).window_months, 12);
    assert_int_equal(look_at(s, 2).look, MTL_LOOK_CUSTOMER);
    assert_int_equal(look_at(s, 3).look, MTL_LOOK_COMPETITION);
    assert_int_equal(look_at(s, 3).window_months, 60);
    assert_int_equal(look_at(s, 4).look, MTL_LOOK_SELF);
    assert_int_equal(look_at(s, 5).look, MTL_LOOK_OPPORTUNITY);
    assert_int_equal(look_at(s, 6).look, MTL_LOOK_TREND);
    /* English aliases, a field map, columns of no field ignored */
    import_ok(m, MTL_KIND_LOOKS,
              "Segment ID,Look Type,Description,Impact,Probability,Time Window,"
              "Notes\n"
              "S2,Industry,x,1,0.5,near,ignored\n");
    assert_int_equal(mtl_segment_look_count(seg(m, "S2")), 1);
    OK(import_opts(m, MTL_KIND_LOOKS, "seg,what\nS2,y\n", 0,
                   "seg=segment,what=text", NULL));
    assert_string_equal(look_at(seg(m, "S2"), 1).text, "y");
    test_market_free(m, &ta);
}

static void test_factors(void **state)
{
    test_alloc ta;
    mtl_market *m = base_market(&ta);
    mtl_segment_factors f;
    int k;
    (void)state;
    import_ok(m, MTL_KIND_FACTORS,
              "segment,market_size,growth,profit_potential,rivalry,entrants,"
              "substitutes,buyers,suppliers,strategic_value,revenue,gross_margin,"
              "share_goal,growth_goal,w_price,w_availability,w_packaging,"
              "w_performance,w_ease_of_use,w_assurances,w_life_cycle_cost,"
              "w_social_acceptance\n"
              "S1,1234.5,12%,7,5,1,2,3,4,8.5,0.07,-0.1,0.25,-0.5,3,0,1,2,1,1,1,0.5\n"
              "S2,,,,,,,,,,,,,,,,,,,,,\n");
    f = factors_of(seg(m, "S1"));
    assert_int_equal(f.market_size, 123450);
    assert_true(fabs(f.growth - 0.12) < 1e-15);
    assert_true(f.profit_potential == 7);
    assert_true(f.forces[MTL_FORCE_RIVALRY] == 5 && f.forces[MTL_FORCE_ENTRANTS] == 1 &&
                f.forces[MTL_FORCE_SUBSTITUTES] == 2 && f.forces[MTL_FORCE_BUYERS] == 3 &&
                f.forces[MTL_FORCE_SUPPLIERS] == 4);
    assert_true(f.strategic_value == 8.5);
    assert_int_equal(f.revenue, 7);
    assert_true(f.gross_margin == -0.1 && f.share_goal == 0.25 && f.growth_goal == -0.5);
    assert_true(f.appeals_weights[MTL_APPEALS_PRICE] == 3 &&
                f.appeals_weights[MTL_APPEALS_AVAILABILITY] == 0 &&
                f.appeals_weights[MTL_APPEALS_SOCIAL] == 0.5);
    /* a row of empty cells: everything unknown, equal weights */
    f = factors_of(seg(m, "S2"));
    assert_int_equal(f.market_size, -1);
    assert_int_equal(f.revenue, -1);
    assert_true(isnan(f.growth) && isnan(f.profit_potential) && isnan(f.share_goal));
    for (k = 0; k < MTL_FORCE_COUNT; k++)
        assert_true(isnan(f.forces[k]));
    for (k = 0; k < MTL_APPEALS_COUNT; k++)
        assert_true(f.appeals_weights[k] == 1);
    /* a second row replaces the whole set (columns left out: the defaults);
     * weight_X and Chinese names are aliases */
    import_ok(m, MTL_KIND_FACTORS, "细分市场,市场规模,weight_price,性能权重\nS1,10,2,4\n");
    f = factors_of(seg(m, "S1"));
    assert_int_equal(f.market_size, 1000);
    assert_true(isnan(f.growth) && isnan(f.forces[MTL_FORCE_RIVALRY]));
    assert_true(f.appeals_weights[MTL_APPEALS_PRICE] == 2 &&
                f.appeals_weights[MTL_APPEALS_PERFORMANCE] == 4 &&
                f.appeals_weights[MTL_APPEALS_PACKAGING] == 1);
    test_market_free(m, &ta);
}

static void test_appeals(void **state)
{
    test_alloc ta;
    mtl_market *m = base_market(&ta);
    mtl_segment *s;
    mtl_appeals_rating r;
    (void)state;
    import_ok(m, MTL_KIND_APPEALS,
              "segment,competitor,price,availability,packaging,performance,"
              "ease_of_use,assurances,life_cycle_cost,social_acceptance\n"
              "S1,,7,6,5,8,9,7,6,5\n"
              "S1,Huawei,8,8,7,9,7,8,7,9\n"
              "S1,\" spaced \",1,,,,,,,10\n");
    s = seg(m, "S1");
    assert_int_equal(mtl_segment_appeals_count(s), 3);
    r = appeals_at(s, 0);
    assert_string_equal(r.competitor, "");
    assert_true(r.ratings[MTL_APPEALS_PRICE] == 7 && r.ratings[MTL_APPEALS_SOCIAL] == 5);
    r = appeals_at(s, 1);
    assert_string_equal(r.competitor, "Huawei");
    assert_true(r.ratings[MTL_APPEALS_PERFORMANCE] == 9);
    r = appeals_at(s, 2);
    assert_string_equal(r.competitor, " spaced ");
    assert_true(isnan(r.ratings[MTL_APPEALS_AVAILABILITY]));
    /* a competitor rated again replaces its row, in place */
    import_ok(m, MTL_KIND_APPEALS, "细分市场,竞争对手,价格\nS1,Huawei,2\nS1,,3\n");
    assert_int_equal(mtl_segment_appeals_count(s), 3);
    r = appeals_at(s, 1);
    assert_string_equal(r.competitor, "Huawei");
    assert_true(r.ratings[MTL_APPEALS_PRICE] == 2);
    assert_true(isnan(r.ratings[MTL_APPEALS_PERFORMANCE]));
    assert_true(appeals_at(s, 0).ratings[MTL_APPEALS_PRICE] == 3);
    test_market_free(m, &ta);
}

static void test_control_points(void **state)
{
    static const char *const kinds[] = {"cost", "Product", "relationship", "brand",
                                        "standard", "Value Chain", "成本", "产品",
                                        "客户关系", "品牌", "标准", "价值链", "6"};
    static const int32_t want[] = {1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6, 6};
    test_alloc ta;
    mtl_market *m = base_market(&ta);
    mtl_segment *s;
    char text[2048] = "segment,kind,text,attainability\n";
    size_t k;
    (void)state;
    for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        char row[128];
        snprintf(row, sizeof row, "S1,%s,point %zu,%s\n", kinds[k], k,
                 k % 2 ? "0.5" : "");
        strcat(text, row);
    }
    import_ok(m, MTL_KIND_CONTROL_POINTS, text);
    s = seg(m, "S1");
    assert_int_equal(mtl_segment_control_point_count(s), sizeof kinds / sizeof kinds[0]);
    for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        mtl_control_point p = point_at(s, k);
        assert_int_equal(p.kind, want[k]);
        assert_true(p.attainability == (k % 2 ? 0.5 : 1.0));
    }
    assert_string_equal(point_at(s, 3).text, "point 3");
    /* an empty kind is cost */
    import_ok(m, MTL_KIND_CONTROL_POINTS, "segment,kind,text\nS2,,x\n");
    assert_int_equal(point_at(seg(m, "S2"), 0).kind, MTL_CONTROL_COST);
    test_market_free(m, &ta);
}

static void test_pains(void **state)
{
    test_alloc ta;
    mtl_market *m = base_market(&ta);
    mtl_pain p;
    (void)state;
    import_ok(m, MTL_KIND_PAINS,
              "segment,customer,layer,text,severity,urgency,breadth,budget,fit,role\n"
              "S1,,O,billing,4,3,0.5,0.2,0.9,user\n"
              ",C1,N,capacity,5,5,1,1,1,decider\n"
              "S1,,,defaults,,,,,,\n"
              ",C2,Custom layer,x,1,1,0,0,0,把关者\n"
              ",C2,B,y,2,2,0.1,0.1,0.1,7\n");
    assert_int_equal(mtl_segment_pain_count(seg(m, "S1")), 2);
    assert_int_equal(mtl_customer_pain_count(cust(m, "C1")), 1);
    assert_int_equal(mtl_customer_pain_count(cust(m, "C2")), 2);
    p = seg_pain_at(seg(m, "S1"), 0);
    assert_string_equal(p.layer, "O");
    assert_string_equal(p.text, "billing");
    assert_true(p.severity == 4 && p.urgency == 3 && p.breadth == 0.5 && p.budget == 0.2 &&
                p.fit == 0.9);
    assert_int_equal(p.role, MTL_ROLE_USER);
    p = seg_pain_at(seg(m, "S1"), 1);
    assert_string_equal(p.layer, MTL_LAYER_BUSINESS);
    assert_true(p.severity == 1 && p.urgency == 1 && p.breadth == 1 && p.budget == 0 &&
                p.fit == 1);
    assert_int_equal(p.role, MTL_ROLE_NONE);
    p = cust_pain_at(cust(m, "C1"), 0);
    assert_string_equal(p.layer, "N");
    assert_int_equal(p.role, MTL_ROLE_DECIDER);
    p = cust_pain_at(cust(m, "C2"), 0);
    assert_string_equal(p.layer, "Custom layer");
    assert_int_equal(p.role, MTL_ROLE_GATEKEEPER);
    assert_int_equal(cust_pain_at(cust(m, "C2"), 1).role, MTL_ROLE_GATEKEEPER);
    /* a file with only one of the two record columns */
    import_ok(m, MTL_KIND_PAINS, "客户,痛点,严重程度\nC1,排队,2\n");
    p = cust_pain_at(cust(m, "C1"), 1);
    assert_string_equal(p.text, "排队");
    assert_true(p.severity == 2);
    /* a customer's id and name: the name column is no second customer */
    import_ok(m, MTL_KIND_PAINS, "customer_id,customer_name,text\nC2,Acme,z\n");
    assert_int_equal(mtl_customer_pain_count(cust(m, "C2")), 3);
    test_market_free(m, &ta);
}

static void test_contacts(void **state)
{
    static const char *const coach[] = {"yes", "no", "1", "0", "TRUE", "false", ""};
    static const int32_t want[] = {1, 0, 1, 0, 1, 0, 0};
    test_alloc ta;
    mtl_market *m = base_market(&ta);
    mtl_customer *c;
    mtl_contact ct;
    char text[1024] = "customer,name,title,role,attitude,coach\n";
    size_t k;
    (void)state;
    for (k = 0; k < sizeof coach / sizeof coach[0]; k++) {
        char row[128];
        snprintf(row, sizeof row, "C1,P%zu,,%s,%s,%s\n", k,
                 k % 2 ? "initiator" : "buyer", k % 3 == 0 ? "supporter" : "",
                 coach[k]);
        strcat(text, row);
    }
    strcat(text, "C2,Li Na,VP Ops,Influencer,Opponent,no\n");
    import_ok(m, MTL_KIND_CONTACTS, text);
    c = cust(m, "C1");
    assert_int_equal(mtl_customer_contact_count(c), sizeof coach / sizeof coach[0]);
    for (k = 0; k < sizeof coach / sizeof coach[0]; k++) {
        ct = contact_at(c, k);
        assert_int_equal(ct.coach, want[k]);
        assert_int_equal(ct.role, k % 2 ? MTL_ROLE_INITIATOR : MTL_ROLE_BUYER);
        assert_int_equal(ct.attitude,
                         k % 3 == 0 ? MTL_ATTITUDE_SUPPORTER : MTL_ATTITUDE_NEUTRAL);
        assert_string_equal(ct.title, "");
    }
    ct = contact_at(cust(m, "C2"), 0);
    assert_string_equal(ct.name, "Li Na");
    assert_string_equal(ct.title, "VP Ops");
    assert_int_equal(ct.role, MTL_ROLE_INFLUENCER);
    assert_int_equal(ct.attitude, MTL_ATTITUDE_OPPONENT);
    /* Chinese */
    import_ok(m, MTL_KIND_CONTACTS,
              "客户,姓名,职位,角色,态度,教练\nC2,张伟,总经理,决策者,支持者,是\n"
              "C2,王芳,,使用者,反对,否\nC2,赵,,批准者,中立,\n");
    ct = contact_at(cust(m, "C2"), 1);
    assert_string_equal(ct.name, "张伟");
    assert_int_equal(ct.role, MTL_ROLE_DECIDER);
    assert_int_equal(ct.attitude, MTL_ATTITUDE_SUPPORTER);
    assert_int_equal(ct.coach, 1);
    ct = contact_at(cust(m, "C2"), 2);
    assert_int_equal(ct.role, MTL_ROLE_USER);
    assert_int_equal(ct.attitude, MTL_ATTITUDE_OPPONENT);
    assert_int_equal(contact_at(cust(m, "C2"), 3).role, MTL_ROLE_APPROVER);
    test_market_free(m, &ta);
}

static void test_relationships(void **state)
{
    test_alloc ta;
    mtl_market *m = base_market(&ta);
    double r[MTL_REL_COUNT];
    (void)state;
    import_ok(m, MTL_KIND_RELATIONSHIPS,
              "customer,acceptance,events,information,guidance,support,competition\n"
              "C1,4,3,5,2,1,4.5\n"
              "C2,,,,,,\n");
    OK(mtl_customer_relationship(cust(m, "C1"), r));
    assert_true(r[MTL_REL_ACCEPTANCE] == 4 && r[MTL_REL_EVENTS] == 3 &&
                r[MTL_REL_INFORMATION] == 5 && r[MTL_REL_GUIDANCE] == 2 &&
                r[MTL_REL_SUPPORT] == 1 && r[MTL_REL_COMPETITION] == 4.5);
    /* assessed, nothing rated */
    OK(mtl_customer_relationship(cust(m, "C2"), r));
    assert_true(isnan(r[0]) && isnan(r[5]));
    /* replaced as a whole */
    import_ok(m, MTL_KIND_RELATIONSHIPS, "客户,接受认可度,竞争态度\nC1,1,2\n");
    OK(mtl_customer_relationship(cust(m, "C1"), r));
    assert_true(r[MTL_REL_ACCEPTANCE] == 1 && r[MTL_REL_COMPETITION] == 2 &&
                isnan(r[MTL_REL_EVENTS]));
    test_market_free(m, &ta);
}

static void test_answers(void **state)
{
    test_alloc ta;
    mtl_market *m = base_market(&ta);
    mtl_lead *l1, *l2;
    double score;
    const char *ev;
    int32_t k;
    (void)state;
    add_inputs(m);
    l1 = lead(m, "L1");
    l2 = lead(m, "L2");
    import_ok(m, MTL_KIND_ANSWERS,
              "lead,criterion,score,evidence\n"
              "L1,strategic_fit,0.9,fits the plan\n"
              "L1,Key Team,50%,\n"
              "L1,budget,,\n" /* an empty score removes the answer */
              "L2,11,0.25,\"said \"\"maybe\"\"\"\n");
    assert_int_equal(mtl_lead_answer_count(l1), 3);
    OK(mtl_lead_answer(l1, MTL_CRIT_STRATEGIC_FIT, &score, &ev));
    assert_true(score == 0.9);
    assert_string_equal(ev, "fits the plan");
    OK(mtl_lead_answer(l1, MTL_CRIT_KEY_TEAM, &score, &ev));
    assert_true(score == 0.5);
    FAILS(mtl_lead_answer(l1, MTL_CRIT_BUDGET, &score, &ev), MTL_E_NOT_FOUND);
    OK(mtl_lead_answer(l1, MTL_CRIT_REAL_NEED, &score, &ev));
    OK(mtl_lead_answer(l2, MTL_CRIT_COMPETITION, &score, &ev));
    assert_true(score == 0.25);
    assert_string_equal(ev, "said \"maybe\"");
    /* every criterion by its name; Chinese headers */
    {
        char text[2048] = "线索编号,标准,评分,依据\n";
        for (k = 0; k < MTL_CRIT_COUNT; k++) {
            char row[128];
            snprintf(row, sizeof row, "L2,%s,%d%%,e%d\n", mtl_criterion_name(k),
                     (int)k * 5, (int)k);
            strcat(text, row);
        }
        import_ok(m, MTL_KIND_ANSWERS, text);
        assert_int_equal(mtl_lead_answer_count(l2), MTL_CRIT_COUNT);
        for (k = 0; k < MTL_CRIT_COUNT; k++) {
            OK(mtl_lead_answer(l2, k, &score, &ev));
            assert_true(fabs(score - k * 0.05) < 1e-15);
        }
    }
    /* removing every answer of a lead leaves it without answers */
    import_ok(m, MTL_KIND_ANSWERS,
              "lead,criterion,score\nL1,strategic_fit,\nL1,key_team,\nL1,real_need,\n"
              "L1,budget,\n");
    assert_int_equal(mtl_lead_answer_count(l1), 0);
    test_market_free(m, &ta);
}

static void test_import_file(void **state)
{
    char path[] = "/tmp/mtl-inputs-XXXXXX";
    int fd = mkstemp(path);
    test_alloc ta;
    mtl_market *m = base_market(&ta);
    mtl_csv_options o;
    mtl_csv_result r;
    static const char text[] = "segment,text\nS1,from a file\n";
    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    mtl_csv_options_init(&o, sizeof o);
    mtl_csv_result_init(&r, sizeof r);
    o.kind = MTL_KIND_CONTROL_POINTS;
    OK(mtl_csv_import_file(m, path, &o, &r));
    assert_int_equal(r.rows, 1);
    assert_int_equal(r.imported, 1);
    assert_int_equal(r.separator, ',');
    assert_string_equal(point_at(seg(m, "S1"), 0).text, "from a file");
    remove(path);
    test_market_free(m, &ta);
}

/* ---- 2. export ------------------------------------------------------------ */

static void expect_export(const mtl_market *m, int32_t kind, const char *want)
{
    char *got = export_text(m, kind, 0);
    if (strcmp(got, want) != 0)
        fail_msg("kind %d exports\n%s\nexpected\n%s", (int)kind, got, want);
    free(got);
}

static void test_export_exact(void **state)
{
    test_alloc ta;
    mtl_market *m = base_market(&ta);
    (void)state;
    add_inputs(m);
    expect_export(m, MTL_KIND_LOOKS,
                  "segment,look,text,impact,likelihood,window,evidence\n"
                  "S1,industry,consolidation,-2.5,1,12,analyst report\n"
                  "S1,opportunity,cloud migration,4,0.5,36,\n");
    expect_export(m, MTL_KIND_FACTORS,
                  "segment,market_size,growth,profit_potential,rivalry,entrants,"
                  "substitutes,buyers,suppliers,strategic_value,revenue,gross_margin,"
                  "share_goal,growth_goal,w_price,w_availability,w_packaging,"
                  "w_performance,w_ease_of_use,w_assurances,w_life_cycle_cost,"
                  "w_social_acceptance\n"
                  "S1,5000000.00,0.08,,4,,,,,7,,,,,3,1,1,1,1,1,1,1\n");
    expect_export(m, MTL_KIND_APPEALS,
                  "segment,competitor,price,availability,packaging,performance,"
                  "ease_of_use,assurances,life_cycle_cost,social_acceptance\n"
                  "S1,,5,6,7,5,6,7,5,6\n"
                  "S1,Rival,9,6,7,5,6,7,5,6\n");
    expect_export(m, MTL_KIND_CONTROL_POINTS,
                  "segment,kind,text,attainability\n"
                  "S1,brand,brand in the north,0.4\n");
    expect_export(m, MTL_KIND_PAINS,
                  "segment,customer,layer,text,severity,urgency,breadth,budget,fit,role\n"
                  "S1,,O,manual billing,4,3,0.6,0.5,0.9,user\n"
                  ",C1,O,outages,4,3,0.6,0.5,0.9,user\n");
    expect_export(m, MTL_KIND_CONTACTS,
                  "customer,name,title,role,attitude,coach\n"
                  "C1,Wang Wei,CIO,decider,supporter,yes\n");
    expect_export(m, MTL_KIND_RELATIONSHIPS,
                  "customer,acceptance,events,information,guidance,support,competition\n"
                  "C1,4,3,,5,2,1\n");
    expect_export(m, MTL_KIND_ANSWERS,
                  "lead,criterion,score,evidence\n"
                  "L1,real_need,1,\n"
                  "L1,budget,0.7,approved\n");
    /* lists cleared: nothing to write but the header */
    OK(mtl_segment_clear_control_points(seg(m, "S1")));
    expect_export(m, MTL_KIND_CONTROL_POINTS, "segment,kind,text,attainability\n");
    OK(mtl_segment_clear_pains(seg(m, "S1")));
    OK(mtl_customer_clear_pains(cust(m, "C1")));
    expect_export(m, MTL_KIND_PAINS,
                  "segment,customer,layer,text,severity,urgency,breadth,budget,fit,role\n");
    /* a pain of no role, a separator and quoting */
    {
        mtl_pain p;
        char *got;
        mtl_pain_init(&p, sizeof p);
        p.text = "a;b \"c\"";
        OK(mtl_segment_add_pain(seg(m, "S2"), &p));
        got = export_text(m, MTL_KIND_PAINS, ';');
        assert_non_null(strstr(got, "\nS2;;B;\"a;b \"\"c\"\"\";1;1;1;0;1;\n"));
        free(got);
    }
    test_market_free(m, &ta);
}

/* Export every kind of m (records first) with separator sep, import the
 * texts into an empty market (separator detected), and compare. */
static void round_trip(const mtl_market *m, int32_t sep, const char *what)
{
    test_alloc tb;
    mtl_market *n = test_market_new(&tb, mtl_market_minor_per_major(m), NULL);
    char *texts[NALL];
    size_t k;
    for (k = 0; k < NALL; k++) {
        mtl_csv_result r;
        mtl_status st;
        texts[k] = export_text(m, all_kinds[k], sep);
        st = import_opts(n, all_kinds[k], texts[k], 0, NULL, &r);
        if (st != MTL_OK)
            fail_msg("%s: kind %d does not import back: %s\n%s", what,
                     (int)all_kinds[k], mtl_last_error_message(), texts[k]);
    }
    if (test_market_fingerprint(n) != test_market_fingerprint(m))
        fail_msg("%s: the imported market differs", what);
    for (k = 0; k < NALL; k++) {
        char *again = export_text(n, all_kinds[k], sep);
        if (strcmp(again, texts[k]) != 0)
            fail_msg("%s: kind %d exports differently after the round trip\n%s\n"
                     "----\n%s",
                     what, (int)all_kinds[k], texts[k], again);
        free(again);
        free(texts[k]);
    }
    test_market_free(n, &tb);
}

static void test_round_trip(void **state)
{
    static const int32_t seps[] = {',', ';', '\t'};
    test_alloc ta;
    mtl_market *m = base_market(&ta);
    mtl_look_item it;
    mtl_appeals_rating r;
    mtl_segment_factors f;
    size_t k;
    char longest[MTL_TEXT_MAX + 1];
    (void)state;
    add_inputs(m);
    /* values that test the quoting and the numbers */
    memset(longest, 'x', MTL_TEXT_MAX);
    longest[MTL_TEXT_MAX] = '\0';
    mtl_look_item_init(&it, sizeof it);
    it.text = " leading, \"quoted\"\nnew line\r\n\ttab ";
    it.evidence = longest;
    it.impact = -1.0 / 3.0;
    it.likelihood = -0.0;
    it.window_months = INT32_MAX;
    OK(mtl_segment_add_look(seg(m, "S2"), &it));
    it.text = "中文;分号\t";
    it.evidence = "";
    it.impact = 5e-300;
    it.likelihood = 1;
    it.window_months = 1;
    OK(mtl_segment_add_look(seg(m, "S2"), &it));
    mtl_segment_factors_init(&f, sizeof f);
    f.market_size = INT64_MAX;
    f.revenue = 0;
    f.growth = -0.999999999;
    f.gross_margin = -1;
    f.appeals_weights[MTL_APPEALS_PRICE] = 1e12;
    f.appeals_weights[MTL_APPEALS_SOCIAL] = 0;
    OK(mtl_segment_set_factors(seg(m, "S2"), &f));
    mtl_appeals_rating_init(&r, sizeof r);
    r.competitor = "  ";
    r.ratings[MTL_APPEALS_SOCIAL] = 10;
    OK(mtl_segment_add_appeals(seg(m, "S2"), &r));
    /* assessed, nothing rated */
    {
        double none[MTL_REL_COUNT] = {NAN, NAN, NAN, NAN, NAN, NAN};
        OK(mtl_customer_set_relationship(cust(m, "C2"), none));
    }
    for (k = 0; k < 3; k++) {
        char what[32];
        snprintf(what, sizeof what, "separator %d", (int)seps[k]);
        round_trip(m, seps[k], what);
    }
    test_market_free(m, &ta);
}

/* ---- random markets ---- */

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t below(uint64_t *s, uint64_t n) { return rng_next(s) % n; }

static double unit(uint64_t *s) { return (double)(rng_next(s) >> 11) / 9007199254740992.0; }

/* A value in [lo, hi]: the ends, whole numbers, any double; NaN when
 * nan_ok (sometimes). */
static double value(uint64_t *s, double lo, double hi, int nan_ok)
{
    switch (below(s, 7)) {
    case 0: return lo;
    case 1: return hi;
    case 2: return nan_ok ? NAN : lo;
    case 3: return lo + floor((hi - lo) * unit(s));
    default: return lo + (hi - lo) * unit(s);
    }
}

static const char *texts[] = {
    "plain", "with, comma", "with \"quotes\"", "multi\nline", " padded ", "\ttab\t",
    "中文文本", "semi;colon", "cr\rin", "x", "'single'", "end space "};
#define NTEXTS (sizeof texts / sizeof texts[0])

static const char *text(uint64_t *s) { return texts[below(s, NTEXTS)]; }

static void random_inputs(mtl_market *m, uint64_t seed)
{
    uint64_t s = seed * UINT64_C(0x9e3779b97f4a7c15) + 7;
    mtl_segment *sg;
    mtl_customer *cu;
    mtl_lead *l;
    int k;
    for (sg = mtl_segment_next(m, NULL); sg; sg = mtl_segment_next(m, sg)) {
        size_t n = below(&s, 4), i;
        for (i = 0; i < n; i++) {
            mtl_look_item it;
            mtl_look_item_init(&it, sizeof it);
            it.look = (int32_t)below(&s, MTL_LOOK_COUNT);
            it.impact = value(&s, -5, 5, 0);
            it.likelihood = value(&s, 0, 1, 0);
            it.window_months = (int32_t)(1 + below(&s, 120));
            it.text = text(&s);
            it.evidence = below(&s, 2) ? text(&s) : NULL;
            OK(mtl_segment_add_look(sg, &it));
        }
        if (below(&s, 2)) {
            mtl_segment_factors f;
            mtl_segment_factors_init(&f, sizeof f);
            f.market_size = below(&s, 3) ? (int64_t)below(&s, UINT64_C(1) << 50) : -1;
            f.revenue = below(&s, 3) ? (int64_t)below(&s, UINT64_C(1) << 40) : -1;
            f.growth = value(&s, -0.99, 3, 1);
            f.profit_potential = value(&s, 1, 10, 1);
            for (k = 0; k < MTL_FORCE_COUNT; k++)
                f.forces[k] = value(&s, 1, 5, 1);
            f.strategic_value = value(&s, 1, 10, 1);
            f.gross_margin = value(&s, -1, 1, 1);
            f.share_goal = value(&s, 0, 1, 1);
            f.growth_goal = value(&s, -0.5, 2, 1);
            for (k = 0; k < MTL_APPEALS_COUNT; k++)
                f.appeals_weights[k] = value(&s, 0, 10, 0);
            f.appeals_weights[below(&s, MTL_APPEALS_COUNT)] = 1 + unit(&s);
            OK(mtl_segment_set_factors(sg, &f));
        }
        n = below(&s, 4);
        for (i = 0; i < n; i++) {
            mtl_appeals_rating r;
            char name[16];
            mtl_appeals_rating_init(&r, sizeof r);
            snprintf(name, sizeof name, "R%d", (int)below(&s, 3));
            r.competitor = i == 0 ? NULL : name; /* a repeated name replaces */
            for (k = 0; k < MTL_APPEALS_COUNT; k++)
                r.ratings[k] = value(&s, 1, 10, 1);
            OK(mtl_segment_add_appeals(sg, &r));
        }
        n = below(&s, 3);
        for (i = 0; i < n; i++) {
            mtl_control_point p;
            mtl_control_point_init(&p, sizeof p);
            p.kind = (int32_t)(1 + below(&s, 6));
            p.attainability = value(&s, 0, 1, 0);
            p.text = text(&s);
            OK(mtl_segment_add_control_point(sg, &p));
        }
        n = below(&s, 3);
        for (i = 0; i < n; i++) {
            static const char *const layers[] = {"B", "O", "N", "Cloud, custom"};
            mtl_pain p;
            mtl_pain_init(&p, sizeof p);
            p.layer = layers[below(&s, 4)];
            p.text = text(&s);
            p.severity = value(&s, 1, 5, 0);
            p.urgency = value(&s, 1, 5, 0);
            p.breadth = value(&s, 0, 1, 0);
            p.budget = value(&s, 0, 1, 0);
            p.fit = value(&s, 0, 1, 0);
            p.role = (int32_t)below(&s, MTL_ROLE_COUNT);
            OK(mtl_segment_add_pain(sg, &p));
        }
    }
    for (cu = mtl_customer_next(m, NULL); cu; cu = mtl_customer_next(m, cu)) {
        size_t n = below(&s, 3), i;
        for (i = 0; i < n; i++) {
            mtl_pain p;
            mtl_pain_init(&p, sizeof p);
            p.text = text(&s);
            p.severity = value(&s, 1, 5, 0);
            p.role = (int32_t)below(&s, MTL_ROLE_COUNT);
            OK(mtl_customer_add_pain(cu, &p));
        }
        n = below(&s, 4);
        for (i = 0; i < n; i++) {
            mtl_contact c;
            mtl_contact_init(&c, sizeof c);
            c.name = text(&s);
            c.title = below(&s, 2) ? text(&s) : NULL;
            c.role = (int32_t)(1 + below(&s, MTL_ROLE_COUNT - 1));
            c.attitude = (int32_t)below(&s, 3);
            c.coach = (int32_t)below(&s, 2);
            OK(mtl_customer_add_contact(cu, &c));
        }
        if (below(&s, 2)) {
            double rel[MTL_REL_COUNT];
            for (k = 0; k < MTL_REL_COUNT; k++)
                rel[k] = value(&s, 1, 5, 1);
            OK(mtl_customer_set_relationship(cu, rel));
        }
    }
    for (l = mtl_lead_next(m, NULL); l; l = mtl_lead_next(m, l))
        for (k = 0; k < MTL_CRIT_COUNT; k++)
            if (below(&s, 4) == 0)
                OK(mtl_lead_set_answer(l, k, value(&s, 0, 1, 0),
                                       below(&s, 2) ? text(&s) : NULL));
}

static void test_round_trip_random(void **state)
{
    uint64_t seed;
    (void)state;
    for (seed = 1; seed <= 150; seed++) {
        test_alloc ta;
        mtl_market *m = test_market_new(&ta, seed % 3 ? 100 : 1000, NULL);
        char id[32];
        char what[32];
        int k;
        for (k = 0; k < (int)(seed % 5); k++) {
            snprintf(id, sizeof id, "S%d", k);
            OK(mtl_segment_add(NULL, m, id));
            snprintf(id, sizeof id, "C%d", k);
            OK(mtl_customer_add(NULL, m, id, NULL));
            snprintf(id, sizeof id, "L%d", k);
            OK(mtl_lead_add(NULL, m, id, NULL));
        }
        random_inputs(m, seed);
        snprintf(what, sizeof what, "seed %llu", (unsigned long long)seed);
        round_trip(m, seed % 3 == 0 ? ';' : seed % 3 == 1 ? ',' : '\t', what);
        test_market_free(m, &ta);
    }
}

/* ---- 3. errors ------------------------------------------------------------ */

/* Import text (stop at the first error) into base_market + add_inputs:
 * status, position, a message that starts "line L, column C: ", names
 * the field (needle) and quotes at most 64 bytes; the error in the
 * result; nothing imported; the market as it was. */
static void expect_error_at(int src_line, int32_t kind, const char *text,
                            mtl_status want, int64_t line, int64_t column,
                            const char *needle)
{
    test_alloc ta;
    mtl_market *m = base_market(&ta);
    mtl_csv_result r;
    uint64_t fp;
    mtl_status st;
    const char *msg;
    add_inputs(m);
    fp = test_market_fingerprint(m);
    st = import_opts(m, kind, text, 0, NULL, &r);
    msg = mtl_last_error_message();
    if (st != want || mtl_last_error_status() != want || mtl_last_error_line() != line ||
        mtl_last_error_column() != column)
        test_note("line %d: %s at %lld:%lld (%s), expected %s at %lld:%lld", src_line,
                  mtl_status_string(st), (long long)mtl_last_error_line(),
                  (long long)mtl_last_error_column(), msg, mtl_status_string(want),
                  (long long)line, (long long)column);
    if (needle && !strstr(msg, needle))
        test_note("line %d: message '%s' does not name '%s'", src_line, msg, needle);
    if (line > 0) {
        char prefix[64];
        const char *q1 = strchr(msg, '\''), *q2 = q1 ? strrchr(msg, '\'') : NULL;
        snprintf(prefix, sizeof prefix, "line %lld, column %lld: ", (long long)line,
                 (long long)column);
        if (strncmp(msg, prefix, strlen(prefix)) != 0)
            test_note("line %d: message '%s' does not start '%s'", src_line, msg, prefix);
        if (q1 && q2 > q1 && (size_t)(q2 - q1 - 1) > 64 + 3)
            test_note("line %d: the message quotes more than 64 bytes", src_line);
    }
    if (r.error_count < 1 || r.errors[0].status != want || r.errors[0].line != line ||
        r.errors[0].column != column || strcmp(r.errors[0].message, msg) != 0)
        test_note("line %d: result->errors[0] is not the error", src_line);
    if (r.imported != 0)
        test_note("line %d: %llu imported", src_line, (unsigned long long)r.imported);
    if (test_market_fingerprint(m) != fp)
        test_note("line %d: the market changed", src_line);
    test_market_free(m, &ta);
}

#define EXPECT_ERROR(kind, text, st, line, column, needle)                      \
    expect_error_at(__LINE__, kind, text, st, line, column, needle)

static void test_errors_looks(void **state)
{
    static const char head[] = "segment,look,text,impact,likelihood,window,evidence\n"
                               "S1,trend,good row,1,1,near,\n"
                               "S2,trend,good row,1,1,near,\n";
    char t[512];
    (void)state;
#define ROW(row) (snprintf(t, sizeof t, "%s%s", head, row), t)
    /* the record the row names */
    EXPECT_ERROR(MTL_KIND_LOOKS, ROW("S9,trend,x,1,1,near,\n"), MTL_E_NOT_FOUND, 4, 1,
                 "no such segment");
    EXPECT_ERROR(MTL_KIND_LOOKS, ROW(",trend,x,1,1,near,\n"), MTL_E_PARSE, 4, 1,
                 "empty segment");
    /* out of range: the market check's status and message, at the cell */
    EXPECT_ERROR(MTL_KIND_LOOKS, ROW("S1,trend,x,7,1,near,\n"), MTL_E_RANGE, 4, 12,
                 "impact 7 outside -5 ... 5");
    EXPECT_ERROR(MTL_KIND_LOOKS, ROW("S1,trend,x,-5.5,1,near,\n"), MTL_E_RANGE, 4, 12,
                 "impact");
    EXPECT_ERROR(MTL_KIND_LOOKS, ROW("S1,trend,x,1,1.2,near,\n"), MTL_E_RANGE, 4, 14,
                 "likelihood 1.2");
    EXPECT_ERROR(MTL_KIND_LOOKS, ROW("S1,trend,x,1,120%,near,\n"), MTL_E_RANGE, 4, 14,
                 "likelihood");
    EXPECT_ERROR(MTL_KIND_LOOKS, ROW("S1,trend,x,1,1,0,\n"), MTL_E_RANGE, 4, 16,
                 "window_months 0");
    EXPECT_ERROR(MTL_KIND_LOOKS, ROW("S1,trend,x,1,1,-3,\n"), MTL_E_RANGE, 4, 16,
                 "window_months");
    EXPECT_ERROR(MTL_KIND_LOOKS, ROW("S1,9,x,1,1,near,\n"), MTL_E_RANGE, 4, 4,
                 "look 9 outside");
    EXPECT_ERROR(MTL_KIND_LOOKS, ROW("S1,trend,,1,1,near,\n"), MTL_E_INVALID_ARGUMENT, 4,
                 10, "text is empty");
    /* what does not read */
    EXPECT_ERROR(MTL_KIND_LOOKS, ROW("S1,sideways,x,1,1,near,\n"), MTL_E_PARSE, 4, 4,
                 "look: unknown value: 'sideways'");
    EXPECT_ERROR(MTL_KIND_LOOKS, ROW("S1,trend,x,high,1,near,\n"), MTL_E_PARSE, 4, 12,
                 "impact: not a number");
    EXPECT_ERROR(MTL_KIND_LOOKS, ROW("S1,trend,x,1,1,soon,\n"), MTL_E_PARSE, 4, 16,
                 "window: expected near, mid, long");
    EXPECT_ERROR(MTL_KIND_LOOKS, ROW("S1,trend,x,1,1,99999999999,\n"), MTL_E_RANGE, 4, 16,
                 "window: number too large");
    EXPECT_ERROR(MTL_KIND_LOOKS, ROW("S1,trend,x,1,1,1.5,\n"), MTL_E_PARSE, 4, 16,
                 "window");
    EXPECT_ERROR(MTL_KIND_LOOKS, ROW("S1,trend,x,1,1\n"), MTL_E_PARSE, 4, 15, "fields");
    /* the quote of a long cell stops at 64 bytes */
    {
        char row[400];
        memset(row, 'z', sizeof row);
        memcpy(row + 300, ",trend,x,1,1,near,\n", 20);
        EXPECT_ERROR(MTL_KIND_LOOKS, ROW(row), MTL_E_NOT_FOUND, 4, 1, "no such segment");
    }
    {
        char row[MTL_TEXT_MAX + 64];
        memcpy(row, "S1,trend,", 9);
        memset(row + 9, 'y', MTL_TEXT_MAX + 1);
        strcpy(row + 9 + MTL_TEXT_MAX + 1, ",1,1,near,\n");
        snprintf(t, sizeof t, "%s", "");
        {
            char *big = malloc(sizeof head + sizeof row);
            assert_non_null(big);
            strcpy(big, head);
            strcat(big, row);
            EXPECT_ERROR(MTL_KIND_LOOKS, big, MTL_E_LIMIT, 4, 10,
                         "text is longer than 4096 bytes");
            free(big);
        }
    }
#undef ROW
    test_notes_assert_none();
}

static void test_errors_segment_kinds(void **state)
{
    (void)state;
    /* factors */
    EXPECT_ERROR(MTL_KIND_FACTORS,
                 "segment,market_size,growth,rivalry\nS2,10,0.1,3\nS1,-5,,\n",
                 MTL_E_RANGE, 3, 4, "market_size: negative amount");
    EXPECT_ERROR(MTL_KIND_FACTORS, "segment,market_size\nS1,1.234\n", MTL_E_RANGE, 2, 4,
                 "market_size: more decimal places");
    EXPECT_ERROR(MTL_KIND_FACTORS, "segment,revenue\nS1,lots\n", MTL_E_PARSE, 2, 4,
                 "revenue: amount is not a number");
    EXPECT_ERROR(MTL_KIND_FACTORS, "segment,growth\nS2,0.5\nS1,-1\n", MTL_E_RANGE, 3, 4,
                 "growth");
    EXPECT_ERROR(MTL_KIND_FACTORS, "segment,x,rivalry\nS1,,6\n", MTL_E_RANGE, 2, 5,
                 "rivalry 6 outside 1 ... 5");
    EXPECT_ERROR(MTL_KIND_FACTORS, "segment,gross_margin\nS1,1.5\n", MTL_E_RANGE, 2, 4,
                 "gross_margin");
    EXPECT_ERROR(MTL_KIND_FACTORS, "segment,share_goal\nS1,101%\n", MTL_E_RANGE, 2, 4,
                 "share_goal");
    EXPECT_ERROR(MTL_KIND_FACTORS, "segment,w_ease_of_use\nS1,-1\n", MTL_E_RANGE, 2, 4,
                 "weight ease_of_use");
    /* a weight set that sums to 0: at its first column */
    EXPECT_ERROR(MTL_KIND_FACTORS,
                 "segment,w_price,w_availability,w_packaging,w_performance,"
                 "w_ease_of_use,w_assurances,w_life_cycle_cost,w_social_acceptance\n"
                 "S2,1,1,1,1,1,1,1,1\n"
                 "S1,0,0,0,0,0,0,0,0\n",
                 MTL_E_RANGE, 3, 4, "weights sum to 0");
    EXPECT_ERROR(MTL_KIND_FACTORS,
                 "segment,growth,w_social_acceptance,w_life_cycle_cost,w_assurances,"
                 "w_ease_of_use,w_performance,w_packaging,w_availability,w_price\n"
                 "S1,0.1,0,0,0,0,0,0,0,0\n",
                 MTL_E_RANGE, 2, 8, "weights sum to 0");
    EXPECT_ERROR(MTL_KIND_FACTORS, "segment\nS2\nS3\n", MTL_E_NOT_FOUND, 3, 1,
                 "no such segment");
    /* $APPEALS */
    EXPECT_ERROR(MTL_KIND_APPEALS, "segment,competitor,price\nS1,Rival,3\nS1,X,11\n",
                 MTL_E_RANGE, 3, 6, "price 11 outside 1 ... 10");
    EXPECT_ERROR(MTL_KIND_APPEALS, "segment,competitor,social_acceptance\nS1,,0.5\n",
                 MTL_E_RANGE, 2, 5, "social_acceptance");
    EXPECT_ERROR(MTL_KIND_APPEALS, "segment,price\nS2,3\nS1,cheap\n", MTL_E_PARSE, 3, 4,
                 "price: not a number");
    /* control points */
    EXPECT_ERROR(MTL_KIND_CONTROL_POINTS, "segment,kind,text\nS1,cost,a\nS1,moat,b\n",
                 MTL_E_PARSE, 3, 4, "kind: unknown value");
    EXPECT_ERROR(MTL_KIND_CONTROL_POINTS, "segment,kind,text\nS1,7,b\n", MTL_E_RANGE, 2,
                 4, "kind 7 outside 1 ... 6");
    EXPECT_ERROR(MTL_KIND_CONTROL_POINTS, "segment,kind,text\nS1,0,b\n", MTL_E_RANGE, 2,
                 4, "kind 0");
    EXPECT_ERROR(MTL_KIND_CONTROL_POINTS, "segment,text,attainability\nS1,a,1.5\n",
                 MTL_E_RANGE, 2, 6, "attainability 1.5");
    test_notes_assert_none();
}

static void test_errors_customer_kinds(void **state)
{
    static const char pains[] =
        "segment,customer,layer,text,severity,urgency,breadth,budget,fit,role\n"
        "S2,,B,ok,1,1,1,1,1,\n";
    char t[512];
    (void)state;
#define PAIN(row) (snprintf(t, sizeof t, "%s%s", pains, row), t)
    EXPECT_ERROR(MTL_KIND_PAINS, PAIN("S1,C1,B,x,1,1,1,1,1,\n"), MTL_E_PARSE, 3, 4,
                 "not to both");
    EXPECT_ERROR(MTL_KIND_PAINS, PAIN(",,B,x,1,1,1,1,1,\n"), MTL_E_PARSE, 3, 1,
                 "empty segment and customer");
    EXPECT_ERROR(MTL_KIND_PAINS, PAIN(",C9,B,x,1,1,1,1,1,\n"), MTL_E_NOT_FOUND, 3, 2,
                 "no such customer");
    EXPECT_ERROR(MTL_KIND_PAINS, PAIN("S1,,B,x,6,1,1,1,1,\n"), MTL_E_RANGE, 3, 9,
                 "severity 6 outside 1 ... 5");
    EXPECT_ERROR(MTL_KIND_PAINS, PAIN("S1,,B,x,1,0,1,1,1,\n"), MTL_E_RANGE, 3, 11,
                 "urgency");
    EXPECT_ERROR(MTL_KIND_PAINS, PAIN("S1,,B,x,1,1,2,1,1,\n"), MTL_E_RANGE, 3, 13,
                 "breadth");
    EXPECT_ERROR(MTL_KIND_PAINS, PAIN("S1,,B,x,1,1,1,-1,1,\n"), MTL_E_RANGE, 3, 15,
                 "budget");
    EXPECT_ERROR(MTL_KIND_PAINS, PAIN("S1,,B,x,1,1,1,1,1.5,\n"), MTL_E_RANGE, 3, 17,
                 "fit");
    EXPECT_ERROR(MTL_KIND_PAINS, PAIN("S1,,B,x,1,1,1,1,1,ceo\n"), MTL_E_PARSE, 3, 19,
                 "role: unknown value: 'ceo'");
    EXPECT_ERROR(MTL_KIND_PAINS, PAIN("S1,,B,x,1,1,1,1,1,9\n"), MTL_E_RANGE, 3, 19,
                 "role 9 outside 0 ... 7");
    EXPECT_ERROR(MTL_KIND_PAINS,
                 PAIN("S1,,a layer name longer than thirty-two bytes,x,1,1,1,1,1,\n"),
                 MTL_E_LIMIT, 3, 5, "layer is longer than 32 bytes");
    EXPECT_ERROR(MTL_KIND_PAINS, PAIN("S1,,B,,1,1,1,1,1,\n"), MTL_E_INVALID_ARGUMENT, 3,
                 7, "text is empty");
#undef PAIN
    /* contacts */
    EXPECT_ERROR(MTL_KIND_CONTACTS, "customer,name,role\nC1,A,user\nC2,B,\n", MTL_E_RANGE,
                 3, 6, "unknown role 0");
    EXPECT_ERROR(MTL_KIND_CONTACTS, "customer,name,role\nC1,B,none\n", MTL_E_RANGE, 2, 6,
                 "role");
    EXPECT_ERROR(MTL_KIND_CONTACTS, "customer,name,role\nC1,B,boss\n", MTL_E_PARSE, 2, 6,
                 "role: unknown value");
    EXPECT_ERROR(MTL_KIND_CONTACTS, "customer,name,role,attitude\nC1,B,user,hostile\n",
                 MTL_E_PARSE, 2, 11, "attitude: unknown value");
    EXPECT_ERROR(MTL_KIND_CONTACTS, "customer,name,role,attitude\nC1,B,user,5\n",
                 MTL_E_RANGE, 2, 11, "unknown attitude 5");
    EXPECT_ERROR(MTL_KIND_CONTACTS, "customer,name,role,coach\nC1,B,user,maybe\n",
                 MTL_E_PARSE, 2, 11, "coach: expected yes or no");
    EXPECT_ERROR(MTL_KIND_CONTACTS, "customer,name,role\nC1,,user\n",
                 MTL_E_INVALID_ARGUMENT, 2, 4, "name is empty");
    EXPECT_ERROR(MTL_KIND_CONTACTS, "customer,name,role\nC1,A,user\nC9,B,user\n",
                 MTL_E_NOT_FOUND, 3, 1, "no such customer");
    EXPECT_ERROR(MTL_KIND_CONTACTS, "customer,name,role\n,A,user\n", MTL_E_PARSE, 2, 1,
                 "empty customer");
    /* relationships */
    EXPECT_ERROR(MTL_KIND_RELATIONSHIPS,
                 "customer,acceptance,events\nC2,1,1\nC1,6,1\n", MTL_E_RANGE, 3, 4,
                 "acceptance 6 outside 1 ... 5");
    EXPECT_ERROR(MTL_KIND_RELATIONSHIPS, "customer,competition\nC1,0.5\n", MTL_E_RANGE,
                 2, 4, "competition");
    EXPECT_ERROR(MTL_KIND_RELATIONSHIPS, "customer,support\nC1,good\n", MTL_E_PARSE, 2,
                 4, "support: not a number");
    /* answers */
    EXPECT_ERROR(MTL_KIND_ANSWERS,
                 "lead,criterion,score,evidence\nL2,budget,0.5,\nL1,budget,1.5,\n",
                 MTL_E_RANGE, 3, 11, "score of strategic_fit 1.5 outside 0 ... 1");
    EXPECT_ERROR(MTL_KIND_ANSWERS, "lead,criterion,score\nL1,luck,0.5\n", MTL_E_PARSE, 2,
                 4, "criterion: unknown value: 'luck'");
    EXPECT_ERROR(MTL_KIND_ANSWERS, "lead,criterion,score\nL1,12,0.5\n", MTL_E_RANGE, 2,
                 4, "criterion 12 outside 0 ... 11");
    EXPECT_ERROR(MTL_KIND_ANSWERS, "lead,criterion,score\nL1,,0.5\n", MTL_E_RANGE, 2, 4,
                 "criterion");
    EXPECT_ERROR(MTL_KIND_ANSWERS, "lead,criterion,score\nL9,budget,0.5\n",
                 MTL_E_NOT_FOUND, 2, 1, "no such lead");
    test_notes_assert_none();
}

static void test_errors_header(void **state)
{
    (void)state;
    EXPECT_ERROR(MTL_KIND_LOOKS, "look,text\ntrend,x\n", MTL_E_PARSE, 1, 1,
                 "no segment column");
    EXPECT_ERROR(MTL_KIND_LOOKS, "segment,impact\nS1,1\n", MTL_E_PARSE, 1, 1,
                 "no text column");
    EXPECT_ERROR(MTL_KIND_CONTROL_POINTS, "segment,kind\nS1,cost\n", MTL_E_PARSE, 1, 1,
                 "no text column");
    EXPECT_ERROR(MTL_KIND_PAINS, "text,severity\nx,1\n", MTL_E_PARSE, 1, 1,
                 "no segment or customer column");
    EXPECT_ERROR(MTL_KIND_CONTACTS, "customer,name\nC1,A\n", MTL_E_PARSE, 1, 1,
                 "no role column");
    EXPECT_ERROR(MTL_KIND_ANSWERS, "lead,criterion\nL1,budget\n", MTL_E_PARSE, 1, 1,
                 "no score column");
    EXPECT_ERROR(MTL_KIND_RELATIONSHIPS, "acceptance\n1\n", MTL_E_PARSE, 1, 1,
                 "no customer column");
    EXPECT_ERROR(MTL_KIND_LOOKS, "segment,text,细分市场\nS1,x,S2\n", MTL_E_DUPLICATE, 1,
                 14, "second column");
    EXPECT_ERROR(MTL_KIND_APPEALS, "segment,,price\nS1,,1\n", MTL_E_PARSE, 1, 9,
                 "empty header name");
    EXPECT_ERROR(MTL_KIND_FACTORS, "", MTL_E_PARSE, 1, 1, "no header");
    /* a field map naming no field of the kind */
    {
        test_alloc ta;
        mtl_market *m = base_market(&ta);
        FAILS(import_opts(m, MTL_KIND_LOOKS, "a,b\nS1,x\n", 0,
                          "a=segment,b=stage", NULL), MTL_E_INVALID_ARGUMENT);
        assert_non_null(strstr(mtl_last_error_message(), "'stage'"));
        OK(import_opts(m, MTL_KIND_LOOKS, "a,b\nS1,x\n", 0,
                       "a=segment,b=text", NULL));
        test_market_free(m, &ta);
    }
    test_notes_assert_none();
}

/* The most rows a list holds: the row past it is refused at its record,
 * in either mode, and the list stays as it was. */
static void test_errors_rows_max(void **state)
{
    test_alloc ta;
    mtl_market *m = base_market(&ta);
    mtl_segment *s = seg(m, "S2");
    mtl_control_point p;
    mtl_csv_result r;
    uint64_t fp;
    int i;
    (void)state;
    mtl_control_point_init(&p, sizeof p);
    p.text = "p";
    for (i = 0; i < MTL_ROWS_MAX; i++)
        OK(mtl_segment_add_control_point(s, &p));
    fp = test_market_fingerprint(m);
    FAILS(import_opts(m, MTL_KIND_CONTROL_POINTS,
                      "segment,text\nS1,a\nS2,b\n", 0, NULL, &r), MTL_E_LIMIT);
    assert_int_equal(mtl_last_error_line(), 3);
    assert_int_equal(mtl_last_error_column(), 1);
    assert_non_null(strstr(mtl_last_error_message(), "control point"));
    assert_int_equal(test_market_fingerprint(m), fp);
    OK(import_opts(m, MTL_KIND_CONTROL_POINTS,
                   "segment,text\nS1,a\nS2,b\nS1,c\n", 1, NULL, &r));
    assert_int_equal(r.imported, 2);
    assert_int_equal(r.skipped, 1);
    assert_int_equal(r.errors[0].status, MTL_E_LIMIT);
    assert_int_equal(mtl_segment_control_point_count(s), MTL_ROWS_MAX);
    assert_int_equal(mtl_segment_control_point_count(seg(m, "S1")), 2);
    test_market_free(m, &ta);
}

/* ---- 4. atomicity --------------------------------------------------------- */

/* Files that append, replace and remove inputs in their first rows and
 * fail in the last one (stop mode), by kind. */
static const struct {
    int32_t kind;
    const char *text;
} failing[] = {
    {MTL_KIND_LOOKS, "segment,text,impact\nS1,a,1\nS2,b,2\nS1,c,3\nS2,d,9\n"},
    {MTL_KIND_FACTORS,
     "segment,market_size,growth\nS1,1,0.1\nS2,2,0.2\nS1,3,0.3\nS2,4,-2\n"},
    {MTL_KIND_APPEALS, "segment,competitor,price\nS1,,1\nS1,Rival,2\nS1,New,3\n"
                       "S2,,4\nS1,Rival,5\nS2,X,11\n"},
    {MTL_KIND_CONTROL_POINTS, "segment,text\nS1,a\nS2,b\nS2,\n"},
    {MTL_KIND_PAINS, "segment,customer,text\nS1,,a\n,C1,b\n,C2,c\nS2,,d\n,C2,\n"},
    {MTL_KIND_CONTACTS, "customer,name,role\nC1,a,user\nC2,b,buyer\nC1,c,x\n"},
    {MTL_KIND_RELATIONSHIPS,
     "customer,acceptance\nC1,1\nC2,2\nC1,3\nC2,4\nC1,9\n"},
    {MTL_KIND_ANSWERS, "lead,criterion,score,evidence\n"
                       "L1,budget,0.1,new evidence\nL1,real_need,,\nL1,timeline,0.3,t\n"
                       "L2,budget,0.4,x\nL2,budget,,\nL2,key_team,0.5,\n"
                       "L1,budget,,\nL1,strategic_fit,0.6,\nL2,budget,2,\n"},
};
#define NFAILING (sizeof failing / sizeof failing[0])

static void test_atomic_stop_mode(void **state)
{
    size_t k;
    (void)state;
    for (k = 0; k < NFAILING; k++) {
        int with_inputs;
        for (with_inputs = 0; with_inputs < 2; with_inputs++) {
            test_alloc ta;
            mtl_market *m = base_market(&ta);
            mtl_csv_result r;
            uint64_t fp;
            mtl_status st;
            if (with_inputs)
                add_inputs(m);
            fp = test_market_fingerprint(m);
            st = import_opts(m, failing[k].kind, failing[k].text, 0, NULL, &r);
            if (st == MTL_OK)
                test_note("kind %d: the failing file imported", (int)failing[k].kind);
            if (test_market_fingerprint(m) != fp)
                test_note("kind %d (inputs %d): the market changed (%s)",
                          (int)failing[k].kind, with_inputs, mtl_last_error_message());
            if (r.imported != 0)
                test_note("kind %d: imported %llu", (int)failing[k].kind,
                          (unsigned long long)r.imported);
            test_market_free(m, &ta);
        }
    }
    test_notes_assert_none();
}

/* A failed import puts back the very values a row replaced. */
static void test_atomic_values(void **state)
{
    test_alloc ta;
    mtl_market *m = base_market(&ta);
    mtl_segment *s;
    mtl_customer *c;
    double rel[MTL_REL_COUNT], score;
    const char *ev;
    (void)state;
    add_inputs(m);
    s = seg(m, "S1");
    c = cust(m, "C1");
    FAILS(import_opts(m, MTL_KIND_FACTORS, failing[1].text, 0, NULL, NULL), MTL_E_RANGE);
    assert_int_equal(factors_of(s).market_size, 500000000);
    assert_true(factors_of(s).growth == 0.08);
    assert_int_equal(factors_of(seg(m, "S2")).market_size, -1);
    FAILS(import_opts(m, MTL_KIND_APPEALS, failing[2].text, 0, NULL, NULL), MTL_E_RANGE);
    assert_int_equal(mtl_segment_appeals_count(s), 2);
    assert_string_equal(appeals_at(s, 1).competitor, "Rival");
    assert_true(appeals_at(s, 1).ratings[MTL_APPEALS_PRICE] == 9);
    assert_int_equal(mtl_segment_appeals_count(seg(m, "S2")), 0);
    FAILS(import_opts(m, MTL_KIND_RELATIONSHIPS, failing[6].text, 0, NULL,
                      NULL), MTL_E_RANGE);
    OK(mtl_customer_relationship(c, rel));
    assert_true(rel[MTL_REL_ACCEPTANCE] == 4 && isnan(rel[MTL_REL_INFORMATION]));
    FAILS(mtl_customer_relationship(cust(m, "C2"), rel), MTL_E_NOT_FOUND);
    FAILS(import_opts(m, MTL_KIND_ANSWERS, failing[7].text, 0, NULL, NULL), MTL_E_RANGE);
    assert_int_equal(mtl_lead_answer_count(lead(m, "L1")), 2);
    OK(mtl_lead_answer(lead(m, "L1"), MTL_CRIT_BUDGET, &score, &ev));
    assert_true(score == 0.7);
    assert_string_equal(ev, "approved");
    assert_int_equal(mtl_lead_answer_count(lead(m, "L2")), 0);
    test_market_free(m, &ta);
}

/* Fail each allocation in turn (once, and from then on): the import
 * reports MTL_E_NO_MEMORY and leaves the market as it was, or succeeds
 * as without the failure; nothing leaks. */
static void sweep(int32_t kind, const char *text, int skip)
{
    uint64_t n, ok_fp = 0;
    int sticky;
    {
        test_alloc ta;
        mtl_market *m = base_market(&ta);
        add_inputs(m);
        OK(import_opts(m, kind, text, skip, NULL, NULL));
        ok_fp = test_market_fingerprint(m);
        test_market_free(m, &ta);
    }
    for (sticky = 0; sticky < 2; sticky++)
        for (n = 1;; n++) {
            test_alloc ta;
            mtl_market *m = base_market(&ta);
            mtl_csv_result r;
            uint64_t fp;
            mtl_status st;
            add_inputs(m);
            fp = test_market_fingerprint(m);
            test_alloc_fail_nth(&ta, n, sticky);
            st = import_opts(m, kind, text, skip, NULL, &r);
            test_alloc_disarm(&ta);
            if (ta.failures == 0) {
                if (st != MTL_OK || test_market_fingerprint(m) != ok_fp)
                    test_note("kind %d: without a failure: %s", (int)kind,
                              mtl_status_string(st));
                test_market_free(m, &ta);
                break;
            }
            if (st != MTL_E_NO_MEMORY)
                test_note("kind %d, skip %d: allocation %llu failed: %s (%s)", (int)kind,
                          skip, (unsigned long long)n, mtl_status_string(st),
                          mtl_last_error_message());
            if (test_market_fingerprint(m) != fp)
                test_note("kind %d, skip %d: allocation %llu failed and the market "
                          "changed",
                          (int)kind, skip, (unsigned long long)n);
            test_market_free(m, &ta);
            if (test_notes_count() > 5)
                return;
        }
}

static void test_alloc_sweep(void **state)
{
    static const char *const good[NKINDS] = {
        "segment,text,impact\nS1,a,1\nS2,b,2\nS1,c,3\n",
        "segment,market_size,growth\nS1,1,0.1\nS2,2,0.2\nS1,3,0.3\n",
        "segment,competitor,price\nS1,,1\nS1,Rival,2\nS1,New,3\nS2,,4\n",
        "segment,kind,text\nS1,cost,a\nS2,brand,b\n",
        "segment,customer,layer,text\nS1,,O,a\n,C1,N,b\n,C2,B,c\nS2,,X,d\n",
        "customer,name,title,role\nC1,a,CEO,user\nC2,b,,buyer\n",
        "customer,acceptance\nC1,1\nC2,2\nC1,3\n",
        ("lead,criterion,score,evidence\nL1,budget,0.1,new evidence\nL1,real_need,,\n"
         "L2,budget,0.4,x\nL2,budget,,\nL2,key_team,0.5,\nL1,timeline,0.2,t\n")};
    size_t k;
    (void)state;
    for (k = 0; k < NKINDS; k++) {
        sweep(input_kinds[k], good[k], 0);
        sweep(input_kinds[k], good[k], 1);
        sweep(input_kinds[k], failing[k].text, 1); /* skip mode: the bad row goes */
    }
    test_notes_assert_none();
}

/* ---- 5. skip-bad-rows ----------------------------------------------------- */

static void test_skip_mode(void **state)
{
    test_alloc ta;
    mtl_market *m = base_market(&ta);
    mtl_csv_result r;
    (void)state;
    OK(import_opts(m, MTL_KIND_LOOKS,
                   "segment,text,impact\n"
                   "S1,a,1\n"
                   "S9,b,1\n"     /* unknown segment */
                   "S1,c,7\n"     /* impact */
                   "S2,d,x\n"     /* not a number */
                   "S2,e\n"       /* too few fields */
                   "S2,f,-5\n",
                   1, NULL, &r));
    assert_int_equal(r.rows, 6);
    assert_int_equal(r.imported, 2);
    assert_int_equal(r.skipped, 4);
    assert_int_equal(r.error_count, 4);
    assert_int_equal(r.errors[0].status, MTL_E_NOT_FOUND);
    assert_int_equal(r.errors[0].line, 3);
    assert_int_equal(r.errors[1].status, MTL_E_RANGE);
    assert_int_equal(r.errors[1].line, 4);
    assert_int_equal(r.errors[1].column, 6);
    assert_int_equal(r.errors[2].status, MTL_E_PARSE);
    assert_int_equal(r.errors[3].line, 6);
    assert_int_equal(mtl_segment_look_count(seg(m, "S1")), 1);
    assert_int_equal(mtl_segment_look_count(seg(m, "S2")), 1);
    assert_string_equal(look_at(seg(m, "S2"), 0).text, "f");
    /* answers: a bad row does not take the lead's other answers with it */
    add_inputs(m);
    OK(import_opts(m, MTL_KIND_ANSWERS,
                   "lead,criterion,score\nL1,budget,\nL1,timeline,9\n"
                   "L1,key_team,0.5\n",
                   1, NULL, &r));
    assert_int_equal(r.imported, 2);
    assert_int_equal(r.skipped, 1);
    assert_int_equal(mtl_lead_answer_count(lead(m, "L1")), 2);
    /* a header error stops in either mode */
    FAILS(import_opts(m, MTL_KIND_PAINS, "text\nx\n", 1, NULL, &r), MTL_E_PARSE);
    assert_int_equal(r.error_count, 1);
    test_market_free(m, &ta);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        test_case(test_looks),
        test_case(test_looks_chinese),
        test_case(test_factors),
        test_case(test_appeals),
        test_case(test_control_points),
        test_case(test_pains),
        test_case(test_contacts),
        test_case(test_relationships),
        test_case(test_answers),
        test_case(test_import_file),
        test_case(test_export_exact),
        test_case(test_round_trip),
        test_case(test_round_trip_random),
        test_case(test_errors_looks),
        test_case(test_errors_segment_kinds),
        test_case(test_errors_customer_kinds),
        test_case(test_errors_header),
        test_case(test_errors_rows_max),
        test_case(test_atomic_stop_mode),
        test_case(test_atomic_values),
        test_case(test_alloc_sweep),
        test_case(test_skip_mode),
    };
    return cmocka_run_group_tests_name("csv_inputs", tests, NULL, NULL);
}
