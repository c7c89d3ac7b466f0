/*
 * lmtl_strategy.c: the strategy and qualification reports as Lua tables —
 * market:strategy{...} (five looks, SPAN, decisions, priority),
 * market:bon{...} (pains), market:grading{...} (customers) and
 * market:verification{...} (the lead review).
 *
 * Each report is computed in one C call, read into tables and released
 * before the method returns (a temporary handle frees it if reading
 * raises), so the tables outlive the market.  Options are the C field
 * names; arrays take a list or a table by element name; an unknown key
 * raises, a value out of range returns nil, message, status, detail.
 * Every score is {value =, terms = {{factor =, weight =, value =,
 * contribution =}, ...}}; NaN stays NaN.  Positions are 1-based (rank,
 * index).
 */
#include <string.h>

#include "lmtl.h"

static const lmtl_enum normalises[] = {
    { "relative", MTL_NORMALISE_RELATIVE }, { "bands", MTL_NORMALISE_BANDS },
    { NULL, 0 }
};
static const lmtl_enum quadrants[] = {
    { "unrated", MTL_SPAN_UNRATED }, { "grow", MTL_SPAN_GROW },
    { "acquire_skills", MTL_SPAN_ACQUIRE_SKILLS }, { "harvest", MTL_SPAN_HARVEST },
    { "avoid", MTL_SPAN_AVOID }, { NULL, 0 }
};
static const lmtl_enum strategies[] = {
    { "unrated", MTL_STRATEGY_UNRATED }, { "invest", MTL_STRATEGY_INVEST },
    { "build", MTL_STRATEGY_BUILD }, { "harvest", MTL_STRATEGY_HARVEST },
    { "exit", MTL_STRATEGY_EXIT }, { "fix_economics", MTL_STRATEGY_FIX_ECONOMICS },
    { NULL, 0 }
};
/* As bit positions: gate_veto holds 1 << value. */
static const lmtl_enum gates[] = {
    { "revenue", 0 }, { "margin", 1 }, { NULL, 0 }
};
static const lmtl_enum target_bases[] = {
    { "none", MTL_TARGET_BASIS_NONE }, { "share", MTL_TARGET_BASIS_SHARE },
    { "growth", MTL_TARGET_BASIS_GROWTH }, { "market", MTL_TARGET_BASIS_MARKET },
    { NULL, 0 }
};
static const lmtl_enum owners[] = {
    { "segment", MTL_PAIN_OWNER_SEGMENT }, { "customer", MTL_PAIN_OWNER_CUSTOMER },
    { NULL, 0 }
};
static const lmtl_enum grade_bys[] = {
    { "quantiles", MTL_GRADE_BY_QUANTILES }, { "thresholds", MTL_GRADE_BY_THRESHOLDS },
    { NULL, 0 }
};
static const lmtl_enum verdicts[] = {
    { "nurture", MTL_VERDICT_NURTURE }, { "convert", MTL_VERDICT_CONVERT },
    { "close", MTL_VERDICT_CLOSE }, { NULL, 0 }
};
static const lmtl_enum lead_classes[] = {
    { "early", MTL_LEAD_CLASS_EARLY }, { "mature", MTL_LEAD_CLASS_MATURE },
    { NULL, 0 }
};
static const lmtl_enum scopes[] = {
    { "pending", MTL_REVIEW_PENDING }, { "all", MTL_REVIEW_ALL }, { NULL, 0 }
};

static const char *const window_names[] = { "near", "mid", "long", NULL };
static const char *const attractiveness_names[] = {
    "market_size", "growth", "profit_potential", "strategic_value", NULL
};
static const char *const priority_names[] = {
    "attractiveness", "position", "pain_index", "look_balance", NULL
};
static const char *const grade_names[] = { "strategic", "partner", "commercial", NULL };
static const char *const question_names[] = { "q1", "q2", "q3", NULL };
static const char *const review_priority_names[] = { "q1", "q2", "q3", "size", NULL };
/* From mtl_criterion_name() when the module opens. */
static const char *criterion_names[MTL_CRIT_COUNT + 1];

/* ---- options ------------------------------------------------------------------ */

static const lmtl_field strategy_options[] = {
    LMTL_FIELDX(mtl_strategy_options, window_weights, LMTL_F64_NAMED, window_names),
    LMTL_FIELDX(mtl_strategy_options, attractiveness_weights, LMTL_F64_NAMED,
                attractiveness_names),
    LMTL_FIELDX(mtl_strategy_options, normalise, LMTL_ENUM, normalises),
    LMTL_FIELD(mtl_strategy_options, size_low, LMTL_I64),
    LMTL_FIELD(mtl_strategy_options, size_high, LMTL_I64),
    LMTL_FIELD(mtl_strategy_options, growth_low, LMTL_F64),
    LMTL_FIELD(mtl_strategy_options, growth_high, LMTL_F64),
    LMTL_FIELD(mtl_strategy_options, cut_attractiveness, LMTL_F64),
    LMTL_FIELD(mtl_strategy_options, cut_position, LMTL_F64),
    LMTL_FIELD(mtl_strategy_options, min_revenue, LMTL_I64),
    LMTL_FIELD(mtl_strategy_options, min_gross_margin, LMTL_F64),
    LMTL_FIELDX(mtl_strategy_options, priority_weights, LMTL_F64_NAMED, priority_names),
    LMTL_FIELD(mtl_strategy_options, top_items, LMTL_I32),
    LMTL_FIELD_END
};
static const lmtl_field bon_options[] = {
    LMTL_FIELD(mtl_bon_options, include_empty, LMTL_BOOL),
    LMTL_FIELD_END
};
static const lmtl_field grading_options[] = {
    LMTL_FIELDX(mtl_grading_options, grade_by, LMTL_ENUM, grade_bys),
    LMTL_FIELDX(mtl_grading_options, quantiles, LMTL_F64_NAMED, grade_names),
    LMTL_FIELDX(mtl_grading_options, thresholds, LMTL_I64_NAMED, grade_names),
    LMTL_FIELDX(mtl_grading_options, relationship_weights, LMTL_F64_NAMED,
                lmtl_relationship_names),
    LMTL_FIELDX(mtl_grading_options, roles, LMTL_BITS, lmtl_roles),
    LMTL_FIELD_END
};
static const lmtl_field verification_options[] = {
    LMTL_FIELDX(mtl_verification_options, weights, LMTL_F64_NAMED, criterion_names),
    LMTL_FIELDX(mtl_verification_options, pass, LMTL_F64_NAMED, question_names),
    LMTL_FIELD(mtl_verification_options, hard_fail, LMTL_F64),
    LMTL_FIELD(mtl_verification_options, budget_mature, LMTL_F64),
    LMTL_FIELDX(mtl_verification_options, priority_weights, LMTL_F64_NAMED,
                review_priority_names),
    LMTL_FIELDX(mtl_verification_options, scope, LMTL_ENUM, scopes),
    LMTL_FIELD_END
};

/* ---- rows ------------------------------------------------------------------------ */

static const lmtl_field segment_fields[] = {
    LMTL_FIELD(mtl_strategy_segment, id, LMTL_STR),
    LMTL_FIELD(mtl_strategy_segment, name, LMTL_STR),
    LMTL_FIELD(mtl_strategy_segment, rank, LMTL_SIZE),
    LMTL_FIELD(mtl_strategy_segment, priority, LMTL_SCORE),
    LMTL_FIELD(mtl_strategy_segment, attractiveness, LMTL_SCORE),
    LMTL_FIELD(mtl_strategy_segment, position, LMTL_SCORE),
    LMTL_FIELD(mtl_strategy_segment, look_balance, LMTL_SCORE),
    LMTL_FIELD(mtl_strategy_segment, pain_index, LMTL_SCORE),
    LMTL_FIELD(mtl_strategy_segment, profit_potential, LMTL_F64),
    LMTL_FIELD(mtl_strategy_segment, profit_from_forces, LMTL_BOOL),
    LMTL_FIELD(mtl_strategy_segment, competitor, LMTL_STR_OPT),
    LMTL_FIELDX(mtl_strategy_segment, quadrant, LMTL_ENUM, quadrants),
    LMTL_FIELDX(mtl_strategy_segment, gate_veto, LMTL_BITS, gates),
    LMTL_FIELDX(mtl_strategy_segment, strategy, LMTL_ENUM, strategies),
    LMTL_FIELD(mtl_strategy_segment, market_size, LMTL_LINK),
    LMTL_FIELD(mtl_strategy_segment, revenue, LMTL_LINK),
    LMTL_FIELD(mtl_strategy_segment, target, LMTL_I64),
    LMTL_FIELDX(mtl_strategy_segment, target_basis, LMTL_ENUM, target_bases),
    LMTL_FIELD_END
};
static const lmtl_field look_fields[] = {
    LMTL_FIELD(mtl_strategy_look, index, LMTL_POS),
    LMTL_FIELDX(mtl_strategy_look, look, LMTL_ENUM, lmtl_looks),
    LMTL_FIELD(mtl_strategy_look, text, LMTL_STR),
    LMTL_FIELD(mtl_strategy_look, evidence, LMTL_STR_OPT),
    LMTL_FIELD(mtl_strategy_look, impact, LMTL_F64),
    LMTL_FIELD(mtl_strategy_look, likelihood, LMTL_F64),
    LMTL_FIELD(mtl_strategy_look, window_months, LMTL_I32),
    LMTL_FIELD(mtl_strategy_look, window_weight, LMTL_F64),
    LMTL_FIELD(mtl_strategy_look, rank_score, LMTL_SCORE),
    LMTL_FIELD(mtl_strategy_look, top, LMTL_I32),
    LMTL_FIELD_END
};
static const lmtl_field point_fields[] = {
    LMTL_FIELD(mtl_strategy_control_point, index, LMTL_POS),
    LMTL_FIELDX(mtl_strategy_control_point, kind, LMTL_ENUM, lmtl_controls),
    LMTL_FIELD(mtl_strategy_control_point, text, LMTL_STR),
    LMTL_FIELD(mtl_strategy_control_point, attainability, LMTL_F64),
    LMTL_FIELD(mtl_strategy_control_point, score, LMTL_SCORE),
    LMTL_FIELD_END
};
static const lmtl_field group_fields[] = {
    LMTL_FIELDX(mtl_bon_group, owner, LMTL_ENUM, owners),
    LMTL_FIELD(mtl_bon_group, id, LMTL_STR),
    LMTL_FIELD(mtl_bon_group, name, LMTL_STR),
    LMTL_FIELD(mtl_bon_group, segment_id, LMTL_STR_OPT),
    LMTL_FIELD(mtl_bon_group, index, LMTL_SCORE),
    LMTL_FIELD_END
};
static const lmtl_field layer_fields[] = {
    LMTL_FIELD(mtl_bon_layer, layer, LMTL_STR),
    LMTL_FIELD(mtl_bon_layer, pain_count, LMTL_SIZE),
    LMTL_FIELD(mtl_bon_layer, addressable, LMTL_F64),
    LMTL_FIELD(mtl_bon_layer, index_points, LMTL_F64),
    LMTL_FIELD_END
};
static const lmtl_field pain_fields[] = {
    LMTL_FIELD(mtl_bon_pain, rank, LMTL_SIZE),
    LMTL_FIELD(mtl_bon_pain, index, LMTL_POS),
    LMTL_FIELD(mtl_bon_pain, layer, LMTL_STR),
    LMTL_FIELD(mtl_bon_pain, text, LMTL_STR),
    LMTL_FIELD(mtl_bon_pain, severity, LMTL_F64),
    LMTL_FIELD(mtl_bon_pain, urgency, LMTL_F64),
    LMTL_FIELD(mtl_bon_pain, breadth, LMTL_F64),
    LMTL_FIELD(mtl_bon_pain, budget, LMTL_F64),
    LMTL_FIELD(mtl_bon_pain, fit, LMTL_F64),
    LMTL_FIELDX(mtl_bon_pain, role, LMTL_ENUM_OPT, lmtl_roles),
    LMTL_FIELD(mtl_bon_pain, score, LMTL_SCORE),
    LMTL_FIELD(mtl_bon_pain, addressable, LMTL_SCORE),
    LMTL_FIELD_END
};
static const lmtl_field grading_fields[] = {
    LMTL_FIELD(mtl_customer_grading, id, LMTL_STR),
    LMTL_FIELD(mtl_customer_grading, name, LMTL_STR),
    LMTL_FIELD(mtl_customer_grading, segment_id, LMTL_STR_OPT),
    LMTL_FIELD(mtl_customer_grading, rank, LMTL_SIZE),
    LMTL_FIELD(mtl_customer_grading, value, LMTL_SCORE),
    LMTL_FIELDX(mtl_customer_grading, grade, LMTL_ENUM_OPT, lmtl_grades),
    LMTL_FIELDX(mtl_customer_grading, recorded_grade, LMTL_ENUM_OPT, lmtl_grades),
    LMTL_FIELD(mtl_customer_grading, grade_reason, LMTL_STR),
    LMTL_FIELD(mtl_customer_grading, relationship, LMTL_SCORE),
    LMTL_FIELD(mtl_customer_grading, coverage, LMTL_SCORE),
    LMTL_FIELD(mtl_customer_grading, contact_count, LMTL_SIZE),
    LMTL_FIELD(mtl_customer_grading, coach_count, LMTL_SIZE),
    LMTL_FIELD(mtl_customer_grading, pain_index, LMTL_SCORE),
    LMTL_FIELD_END
};
static const lmtl_field verdict_fields[] = {
    LMTL_FIELD(mtl_lead_verdict, id, LMTL_STR),
    LMTL_FIELD(mtl_lead_verdict, customer_id, LMTL_STR_OPT),
    LMTL_FIELD(mtl_lead_verdict, segment_id, LMTL_STR_OPT),
    LMTL_FIELD(mtl_lead_verdict, rank, LMTL_SIZE),
    LMTL_FIELD(mtl_lead_verdict, amount, LMTL_I64),
    LMTL_FIELDX(mtl_lead_verdict, verdict, LMTL_ENUM, verdicts),
    LMTL_FIELDX(mtl_lead_verdict, lead_class, LMTL_ENUM, lead_classes),
    LMTL_FIELD(mtl_lead_verdict, priority, LMTL_SCORE),
    LMTL_FIELD(mtl_lead_verdict, reasons, LMTL_STR),
    LMTL_FIELDX(mtl_lead_verdict, answered, LMTL_BITS, lmtl_criteria),
    LMTL_FIELDX(mtl_lead_verdict, derived, LMTL_BITS, lmtl_criteria),
    LMTL_FIELD_END
};

/* Any report row, and any options struct. */
typedef union report_row {
    size_t struct_size;
    mtl_strategy_segment segment;
    mtl_strategy_look look;
    mtl_strategy_control_point point;
    mtl_bon_group group;
    mtl_bon_layer layer;
    mtl_bon_pain pain;
    mtl_customer_grading customer;
    mtl_lead_verdict lead;
} report_row;

typedef union report_options {
    mtl_strategy_options strategy;
    mtl_bon_options bon;
    mtl_grading_options grading;
    mtl_verification_options verification;
} report_options;

/* Row k of a report's list (of segment or group i for nested lists). */
typedef mtl_status (*row_at_fn)(const void *report, size_t i, size_t k,
                                report_row *out);
/* Add what the fields do not cover to the row table on top. */
typedef void (*row_extra_fn)(lua_State *L, const void *report, size_t k,
                             const report_row *row);

typedef struct row_list {
    row_at_fn at;
    size_t size;               /* sizeof the row struct */
    const lmtl_field *fields;
    row_extra_fn extra;        /* or NULL */
    int ranked;                /* set rank = k + 1 */
} row_list;

/* Push the rows k = 0 .. n - 1 of list d as a list of tables. */
static void push_rows(lua_State *L, const void *report, size_t i, size_t n,
                      const row_list *d)
{
    report_row row;
    size_t k;
    lua_createtable(L, (int)n, 0);
    lmtl_mark_array(L);
    for (k = 0; k < n; k++) {
        memset(&row, 0, sizeof row);
        row.struct_size = d->size;
        /* k < n and i valid: the library has no reason to fail */
        if (d->at(report, i, k, &row) != MTL_OK)
            luaL_error(L, "mtl: %s", mtl_last_error_message());
        lua_createtable(L, 0, 24);
        lmtl_set_struct(L, &row, d->fields);
        if (d->ranked)
            lmtl_setint(L, "rank", (lua_Integer)k + 1);
        if (d->extra)
            d->extra(L, report, k, &row);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
}

/* ---- strategy --------------------------------------------------------------------- */

static mtl_status look_at(const void *r, size_t i, size_t k, report_row *out)
{
    return mtl_strategy_look_at(r, i, k, &out->look);
}
static mtl_status point_at(const void *r, size_t i, size_t k, report_row *out)
{
    return mtl_strategy_control_point_at(r, i, k, &out->point);
}
static const row_list looks = { look_at, sizeof(mtl_strategy_look), look_fields,
                                NULL, 1 };
static const row_list points = { point_at, sizeof(mtl_strategy_control_point),
                                 point_fields, NULL, 1 };

static void segment_extra(lua_State *L, const void *r, size_t k, const report_row *row)
{
    push_rows(L, r, k, row->segment.look_count, &looks);
    lua_setfield(L, -2, "looks");
    push_rows(L, r, k, row->segment.control_point_count, &points);
    lua_setfield(L, -2, "control_points");
}

static mtl_status segment_at(const void *r, size_t i, size_t k, report_row *out)
{
    (void)i;
    return mtl_strategy_segment_at(r, k, &out->segment);
}

/* ---- BON ---------------------------------------------------------------------------- */

static mtl_status layer_at(const void *r, size_t i, size_t k, report_row *out)
{
    return mtl_bon_layer_at(r, i, k, &out->layer);
}
static mtl_status pain_at(const void *r, size_t i, size_t k, report_row *out)
{
    return mtl_bon_pain_at(r, i, k, &out->pain);
}
static const row_list layers = { layer_at, sizeof(mtl_bon_layer), layer_fields,
                                 NULL, 0 };
static const row_list pains = { pain_at, sizeof(mtl_bon_pain), pain_fields, NULL, 0 };

static void group_extra(lua_State *L, const void *r, size_t k, const report_row *row)
{
    push_rows(L, r, k, row->group.pain_count, &pains);
    lua_setfield(L, -2, "pains");
    push_rows(L, r, k, row->group.layer_count, &layers);
    lua_setfield(L, -2, "layers");
}

static mtl_status group_at(const void *r, size_t i, size_t k, report_row *out)
{
    (void)i;
    return mtl_bon_group_at(r, k, &out->group);
}

/* ---- grading -------------------------------------------------------------------------- */

/* t[key] = the names (mtl_role_name) of the roles in bits */
static void set_roles(lua_State *L, const char *key, uint32_t bits)
{
    int32_t role;
    lua_Integer n = 0;
    lua_newtable(L);
    lmtl_mark_array(L);
    for (role = 1; role < MTL_ROLE_COUNT; role++)
        if (bits & (UINT32_C(1) << role)) {
            lua_pushstring(L, mtl_role_name(role));
            lua_rawseti(L, -2, ++n);
        }
    lua_setfield(L, -2, key);
}

static void customer_extra(lua_State *L, const void *r, size_t k,
                           const report_row *row)
{
    (void)r;
    (void)k;
    set_roles(L, "supported_roles", row->customer.supported_roles);
    set_roles(L, "missing_roles", row->customer.missing_roles);
    set_roles(L, "opposed_roles", row->customer.opposed_roles);
}

static mtl_status customer_at(const void *r, size_t i, size_t k, report_row *out)
{
    (void)i;
    return mtl_grading_at(r, k, &out->customer);
}

/* ---- verification ---------------------------------------------------------------------- */

static void lead_extra(lua_State *L, const void *r, size_t k, const report_row *row)
{
    int q;
    (void)r;
    (void)k;
    lua_createtable(L, 3, 0);
    lmtl_mark_array(L);
    for (q = 0; q < 3; q++) {
        lmtl_push_score(L, &row->lead.questions[q]);
        lua_rawseti(L, -2, q + 1);
    }
    lua_setfield(L, -2, "questions");
}

static mtl_status lead_at(const void *r, size_t i, size_t k, report_row *out)
{
    (void)i;
    return mtl_verification_at(r, k, &out->lead);
}

/* ---- the reports --------------------------------------------------------------------- */

typedef struct report_kind {
    mtl_status (*init)(report_options *o);
    mtl_status (*compute)(void **out, const mtl_market *m, const report_options *o);
    void (*destroy)(void *report);
    size_t (*count)(const void *report);
    const lmtl_field *options;
    row_list rows;
} report_kind;

#define REPORT(id, rtype, otype, member)                                          \
    static mtl_status id##_init(report_options *o)                                 \
    {                                                                              \
        return mtl_##id##_options_init(&o->member, sizeof o->member);              \
    }                                                                              \
    static mtl_status id##_compute(void **out, const mtl_market *m,                \
                                   const report_options *o)                        \
    {                                                                              \
        rtype *r = NULL;                                                           \
        mtl_status st = mtl_##id##_compute(&r, m, &o->member);                     \
        *out = r;                                                                  \
        return st;                                                                 \
    }                                                                              \
    static void id##_destroy(void *r) { mtl_##id##_destroy(r); }

REPORT(strategy, mtl_strategy, mtl_strategy_options, strategy)
REPORT(bon, mtl_bon, mtl_bon_options, bon)
REPORT(grading, mtl_grading, mtl_grading_options, grading)
REPORT(verification, mtl_verification, mtl_verification_options, verification)

static size_t strategy_count(const void *r) { return mtl_strategy_segment_count(r); }
static size_t bon_count(const void *r) { return mtl_bon_group_count(r); }
static size_t grading_count(const void *r) { return mtl_grading_count(r); }
static size_t verification_count(const void *r) { return mtl_verification_count(r); }

static const report_kind strategy_report = {
    strategy_init, strategy_compute, strategy_destroy, strategy_count,
    strategy_options,
    { segment_at, sizeof(mtl_strategy_segment), segment_fields, segment_extra, 0 }
};
static const report_kind bon_report = {
    bon_init, bon_compute, bon_destroy, bon_count, bon_options,
    { group_at, sizeof(mtl_bon_group), group_fields, group_extra, 0 }
};
static const report_kind grading_report = {
    grading_init, grading_compute, grading_destroy, grading_count, grading_options,
    { customer_at, sizeof(mtl_customer_grading), grading_fields, customer_extra, 0 }
};
static const report_kind verification_report = {
    verification_init, verification_compute, verification_destroy,
    verification_count, verification_options,
    { lead_at, sizeof(mtl_lead_verdict), verdict_fields, lead_extra, 0 }
};

/* market:<report>([options]) -> list of tables */
static int report(lua_State *L, const report_kind *k)
{
    lmtl_market *mk = lmtl_check_market(L, 1);
    report_options o;
    lmtl_box *b;
    void *r = NULL;
    mtl_status st;
    lua_settop(L, 2);
    k->init(&o);
    lmtl_get_struct(L, 2, &o, k->options, "option");
    /* freed by the collector if reading raises (out of memory) */
    b = lmtl_new_box(L, LMTL_TEMP, 1, k->destroy);
    if ((st = k->compute(&r, mk->m, &o)) != MTL_OK)
        return lmtl_fail(L, st);
    b->p = r;
    push_rows(L, r, 0, k->count(r), &k->rows);
    k->destroy(r);
    b->p = NULL;
    return 1;
}

static int m_strategy(lua_State *L) { return report(L, &strategy_report); }
static int m_bon(lua_State *L) { return report(L, &bon_report); }
static int m_grading(lua_State *L) { return report(L, &grading_report); }
static int m_verification(lua_State *L) { return report(L, &verification_report); }

void lmtl_open_strategy(lua_State *L)
{
    static const luaL_Reg market_methods[] = {
        { "strategy", m_strategy },
        { "bon", m_bon },
        { "grading", m_grading },
        { "verification", m_verification },
        { NULL, NULL }
    };
    static const struct { const char *key; const lmtl_enum *e; } names[] = {
        { "verdicts", verdicts }, { "lead_classes", lead_classes },
        { "quadrants", quadrants }, { "strategies", strategies },
        { "target_bases", target_bases }, { "gates", gates },
    };
    size_t i;
    int32_t c;
    for (c = 0; c < MTL_CRIT_COUNT; c++)
        criterion_names[c] = mtl_criterion_name(c);
    criterion_names[MTL_CRIT_COUNT] = NULL;

    luaL_getmetatable(L, LMTL_MARKET);
    lua_getfield(L, -1, "__index");
    luaL_setfuncs(L, market_methods, 0);
    lua_pop(L, 2);
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        lmtl_push_names(L, names[i].e);
        lua_setfield(L, -2, names[i].key);
    }
}
