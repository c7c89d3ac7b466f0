/*
 * lmtl_inputs.c: the strategy and qualification inputs on records —
 * segments' look items, factors, $APPEALS ratings, control points and
 * pains (looks.h, pain.h), customers' relationship assessment, contacts
 * and pains (customer.h), leads' verification answers (verification.h) —
 * and the names of their codes.
 *
 * Rows are tables whose keys are the C field names; codes are names
 * ("competition", "decider") or the integer codes.  A setter returns its
 * record; a value out of range returns nil, message, status, detail with
 * the library's message naming the field.  Rows read back are tables in
 * the order added; a value not known is absent (nil).
 */
#include <math.h>
#include <string.h>

#include "lmtl.h"

/* ---- code names ------------------------------------------------------------ */

const lmtl_enum lmtl_looks[] = {
    { "trend", MTL_LOOK_TREND }, { "industry", MTL_LOOK_INDUSTRY },
    { "customer", MTL_LOOK_CUSTOMER }, { "competition", MTL_LOOK_COMPETITION },
    { "self", MTL_LOOK_SELF }, { "opportunity", MTL_LOOK_OPPORTUNITY },
    { "macro", MTL_LOOK_TREND }, { NULL, 0 }
};
static const lmtl_enum windows[] = {
    { "near", MTL_WINDOW_NEAR_MONTHS }, { "mid", MTL_WINDOW_MID_MONTHS },
    { "long", MTL_WINDOW_LONG_MONTHS }, { NULL, 0 }
};
const lmtl_enum lmtl_controls[] = {
    { "cost", MTL_CONTROL_COST }, { "product", MTL_CONTROL_PRODUCT },
    { "relationship", MTL_CONTROL_RELATIONSHIP }, { "brand", MTL_CONTROL_BRAND },
    { "standard", MTL_CONTROL_STANDARD }, { "value_chain", MTL_CONTROL_VALUE_CHAIN },
    { NULL, 0 }
};
const lmtl_enum lmtl_roles[] = {
    { "initiator", MTL_ROLE_INITIATOR }, { "user", MTL_ROLE_USER },
    { "influencer", MTL_ROLE_INFLUENCER }, { "decider", MTL_ROLE_DECIDER },
    { "approver", MTL_ROLE_APPROVER }, { "buyer", MTL_ROLE_BUYER },
    { "gatekeeper", MTL_ROLE_GATEKEEPER }, { NULL, 0 }
};
static const lmtl_enum attitudes[] = {
    { "neutral", MTL_ATTITUDE_NEUTRAL }, { "supporter", MTL_ATTITUDE_SUPPORTER },
    { "opponent", MTL_ATTITUDE_OPPONENT }, { NULL, 0 }
};
/* Filled from mtl_criterion_name() when the module opens. */
lmtl_enum lmtl_criteria[MTL_CRIT_COUNT + 1];

const char *const lmtl_appeals_names[] = {
    "price", "availability", "packaging", "performance", "ease_of_use",
    "assurances", "life_cycle_cost", "social_acceptance", NULL
};
static const char *const force_names[] = {
    "rivalry", "entrants", "substitutes", "buyers", "suppliers", NULL
};
const char *const lmtl_relationship_names[] = {
    "acceptance", "events", "information", "guidance", "support", "competition",
    NULL
};

/* ---- row lists: one descriptor per list ---------------------------------- */

static const lmtl_field look_fields[] = {
    LMTL_FIELDX(mtl_look_item, look, LMTL_ENUM, lmtl_looks),
    LMTL_FIELD(mtl_look_item, impact, LMTL_F64),
    LMTL_FIELD(mtl_look_item, likelihood, LMTL_F64),
    LMTL_FIELDX(mtl_look_item, window_months, LMTL_ENUM, windows),
    LMTL_FIELD(mtl_look_item, text, LMTL_STR),
    LMTL_FIELD(mtl_look_item, evidence, LMTL_STR_OPT),
    LMTL_FIELD_END
};
static const lmtl_field appeals_fields[] = {
    LMTL_FIELD(mtl_appeals_rating, competitor, LMTL_STR_OPT),
    LMTL_FIELDX(mtl_appeals_rating, ratings, LMTL_F64_NAMED, lmtl_appeals_names),
    LMTL_FIELD_END
};
static const lmtl_field control_fields[] = {
    LMTL_FIELDX(mtl_control_point, kind, LMTL_ENUM, lmtl_controls),
    LMTL_FIELD(mtl_control_point, attainability, LMTL_F64),
    LMTL_FIELD(mtl_control_point, text, LMTL_STR),
    LMTL_FIELD_END
};
static const lmtl_field pain_fields[] = {
    LMTL_FIELD(mtl_pain, layer, LMTL_STR),
    LMTL_FIELD(mtl_pain, text, LMTL_STR),
    LMTL_FIELD(mtl_pain, severity, LMTL_F64),
    LMTL_FIELD(mtl_pain, urgency, LMTL_F64),
    LMTL_FIELD(mtl_pain, breadth, LMTL_F64),
    LMTL_FIELD(mtl_pain, budget, LMTL_F64),
    LMTL_FIELD(mtl_pain, fit, LMTL_F64),
    LMTL_FIELDX(mtl_pain, role, LMTL_ENUM_OPT, lmtl_roles),
    LMTL_FIELD_END
};
static const lmtl_field contact_fields[] = {
    LMTL_FIELD(mtl_contact, name, LMTL_STR),
    LMTL_FIELD(mtl_contact, title, LMTL_STR_OPT),
    LMTL_FIELDX(mtl_contact, role, LMTL_ENUM, lmtl_roles),
    LMTL_FIELDX(mtl_contact, attitude, LMTL_ENUM, attitudes),
    LMTL_FIELD(mtl_contact, coach, LMTL_BOOL),
    LMTL_FIELD_END
};
static const lmtl_field factor_fields[] = {
    LMTL_FIELD(mtl_segment_factors, market_size, LMTL_LINK),
    LMTL_FIELD(mtl_segment_factors, growth, LMTL_F64_OPT),
    LMTL_FIELD(mtl_segment_factors, profit_potential, LMTL_F64_OPT),
    LMTL_FIELDX(mtl_segment_factors, forces, LMTL_F64_NAMED, force_names),
    LMTL_FIELD(mtl_segment_factors, strategic_value, LMTL_F64_OPT),
    LMTL_FIELD(mtl_segment_factors, revenue, LMTL_LINK),
    LMTL_FIELD(mtl_segment_factors, gross_margin, LMTL_F64_OPT),
    LMTL_FIELD(mtl_segment_factors, share_goal, LMTL_F64_OPT),
    LMTL_FIELD(mtl_segment_factors, growth_goal, LMTL_F64_OPT),
    LMTL_FIELDX(mtl_segment_factors, appeals_weights, LMTL_F64_NAMED,
                lmtl_appeals_names),
    LMTL_FIELD_END
};

/* Any input row. */
typedef union input_row {
    size_t struct_size;
    mtl_look_item look;
    mtl_appeals_rating appeals;
    mtl_control_point point;
    mtl_pain pain;
    mtl_contact contact;
    mtl_segment_factors factors;
} input_row;

typedef struct input_list {
    const char *noun, *plural; /* add_<noun>, <plural>(), clear_<plural>() */
    int kind;                  /* the record kind */
    mtl_status (*init)(input_row *row);
    mtl_status (*add)(void *record, const input_row *row); /* NULL: own add_ */
    size_t (*count)(const void *record);
    mtl_status (*at)(const void *record, size_t i, input_row *row);
    mtl_status (*clear)(void *record);
    const lmtl_field *fields;
} input_list;

/* The C functions of a list behind one signature (a call through a cast
 * function pointer would be undefined). */
#define LIST(id, rec, row, member, init_fn, add_fn, count_fn, at_fn, clear_fn)  \
    static mtl_status id##_init(input_row *r)                                  \
    {                                                                          \
        return init_fn(&r->member, sizeof r->member);                          \
    }                                                                          \
    static mtl_status id##_add(void *h, const input_row *r)                    \
    {                                                                          \
        return add_fn((rec *)h, &r->member);                                   \
    }                                                                          \
    static size_t id##_count(const void *h) { return count_fn((const rec *)h); } \
    static mtl_status id##_at(const void *h, size_t i, input_row *r)           \
    {                                                                          \
        return at_fn((const rec *)h, i, &r->member);                           \
    }                                                                          \
    static mtl_status id##_clear(void *h) { return clear_fn((rec *)h); }

LIST(look, mtl_segment, mtl_look_item, look, mtl_look_item_init,
     mtl_segment_add_look, mtl_segment_look_count, mtl_segment_look_at,
     mtl_segment_clear_looks)
LIST(appeals, mtl_segment, mtl_appeals_rating, appeals, mtl_appeals_rating_init,
     mtl_segment_add_appeals, mtl_segment_appeals_count, mtl_segment_appeals_at,
     mtl_segment_clear_appeals)
LIST(point, mtl_segment, mtl_control_point, point, mtl_control_point_init,
     mtl_segment_add_control_point, mtl_segment_control_point_count,
     mtl_segment_control_point_at, mtl_segment_clear_control_points)
LIST(spain, mtl_segment, mtl_pain, pain, mtl_pain_init, mtl_segment_add_pain,
     mtl_segment_pain_count, mtl_segment_pain_at, mtl_segment_clear_pains)
LIST(cpain, mtl_customer, mtl_pain, pain, mtl_pain_init, mtl_customer_add_pain,
     mtl_customer_pain_count, mtl_customer_pain_at, mtl_customer_clear_pains)
LIST(contact, mtl_customer, mtl_contact, contact, mtl_contact_init,
     mtl_customer_add_contact, mtl_customer_contact_count, mtl_customer_contact_at,
     mtl_customer_clear_contacts)

static const input_list lists[] = {
    { "look", "looks", LMTL_KIND_SEGMENT, look_init, look_add, look_count,
      look_at, look_clear, look_fields },
    { "appeals", "appeals", LMTL_KIND_SEGMENT, appeals_init, NULL, appeals_count,
      appeals_at, appeals_clear, appeals_fields },
    { "control_point", "control_points", LMTL_KIND_SEGMENT, point_init, point_add,
      point_count, point_at, point_clear, control_fields },
    { "pain", "pains", LMTL_KIND_SEGMENT, spain_init, spain_add, spain_count,
      spain_at, spain_clear, pain_fields },
    { "pain", "pains", LMTL_KIND_CUSTOMER, cpain_init, cpain_add, cpain_count,
      cpain_at, cpain_clear, pain_fields },
    { "contact", "contacts", LMTL_KIND_CUSTOMER, contact_init, contact_add,
      contact_count, contact_at, contact_clear, contact_fields },
};

/* x:add_<noun>{field = value, ...} -> x */
static int list_add(lua_State *L)
{
    const input_list *d = lua_touserdata(L, lua_upvalueindex(1));
    lmtl_ref *r = lmtl_check_ref(L, 1, d->kind);
    input_row row;
    luaL_checktype(L, 2, LUA_TTABLE);
    d->init(&row);
    lmtl_get_struct(L, 2, &row, d->fields, "field");
    return lmtl_self(L, d->add(r->h, &row));
}

/* segment:add_appeals(competitor or nil (us), ratings) -> segment; ratings
 * {price =, ...} or a list of eight, each 1 ... 10 (false: not rated). */
static int seg_add_appeals(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_SEGMENT);
    input_row row;
    mtl_appeals_rating_init(&row.appeals, sizeof row.appeals);
    row.appeals.competitor = lmtl_optcstring(L, 2, NULL);
    luaL_checktype(L, 3, LUA_TTABLE);
    lmtl_get_value(L, 3, row.appeals.ratings, &appeals_fields[1], "field");
    return lmtl_self(L, appeals_add(r->h, &row));
}

/* x:<plural>() -> list of row tables, in the order added */
static int list_rows(lua_State *L)
{
    const input_list *d = lua_touserdata(L, lua_upvalueindex(1));
    lmtl_ref *r = lmtl_check_ref(L, 1, d->kind);
    size_t i, n = d->count(r->h);
    input_row row;
    lua_createtable(L, (int)n, 0);
    lmtl_mark_array(L);
    for (i = 0; i < n; i++) {
        mtl_status st;
        d->init(&row);
        if ((st = d->at(r->h, i, &row)) != MTL_OK)
            return lmtl_fail(L, st);
        lua_createtable(L, 0, 8);
        lmtl_set_struct(L, &row, d->fields);
        if (d->fields == look_fields) /* months, not the window's name */
            lmtl_setint(L, "window_months", row.look.window_months);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* x:clear_<plural>() -> x */
static int list_clear(lua_State *L)
{
    const input_list *d = lua_touserdata(L, lua_upvalueindex(1));
    lmtl_ref *r = lmtl_check_ref(L, 1, d->kind);
    return lmtl_self(L, d->clear(r->h));
}

/* ---- segment factors ------------------------------------------------------- */

/* segment:set_factors{market_size =, growth =, forces = {...}, ...} ->
 * segment; replaces the factors (what is not given is not known) */
static int seg_set_factors(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_SEGMENT);
    mtl_segment_factors f;
    luaL_checktype(L, 2, LUA_TTABLE);
    mtl_segment_factors_init(&f, sizeof f);
    lmtl_get_struct(L, 2, &f, factor_fields, "factor");
    return lmtl_self(L, mtl_segment_set_factors(r->h, &f));
}

/* segment:factors() -> table (factors not known are absent) */
static int seg_factors(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_SEGMENT);
    mtl_segment_factors f;
    mtl_status st;
    mtl_segment_factors_init(&f, sizeof f);
    if ((st = mtl_segment_factors_get(r->h, &f)) != MTL_OK)
        return lmtl_fail(L, st);
    lua_createtable(L, 0, 10);
    lmtl_set_struct(L, &f, factor_fields);
    return 1;
}

/* ---- customers: relationship ------------------------------------------------ */

static const lmtl_field relationship_field = {
    "relationship", 0, LMTL_F64_NAMED, lmtl_relationship_names
};

/* customer:set_relationship({acceptance =, ...} or a list of six, or nil
 * to clear) -> customer */
static int cust_set_relationship(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_CUSTOMER);
    double ratings[MTL_REL_COUNT];
    size_t i;
    if (lua_isnoneornil(L, 2))
        return lmtl_self(L, mtl_customer_set_relationship(r->h, NULL));
    for (i = 0; i < MTL_REL_COUNT; i++)
        ratings[i] = NAN;
    lmtl_get_value(L, 2, ratings, &relationship_field, "field");
    return lmtl_self(L, mtl_customer_set_relationship(r->h, ratings));
}

/* customer:relationship() -> {dimension = rating} or nil (never assessed) */
static int cust_relationship(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_CUSTOMER);
    double ratings[MTL_REL_COUNT];
    mtl_status st = mtl_customer_relationship(r->h, ratings);
    size_t i;
    if (st == MTL_E_NOT_FOUND) {
        lua_pushnil(L);
        return 1;
    }
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    lua_createtable(L, 0, MTL_REL_COUNT);
    for (i = 0; i < MTL_REL_COUNT; i++)
        if (ratings[i] == ratings[i])
            lmtl_setnum(L, lmtl_relationship_names[i], ratings[i]);
    return 1;
}

/* ---- leads: verification answers -------------------------------------------- */

static int32_t check_criterion(lua_State *L, int idx)
{
    return lmtl_check_enum(L, idx, lmtl_criteria, "criterion");
}

/* lead:set_answer(criterion, score or nil [, evidence]) -> lead; nil
 * removes the answer */
static int lead_set_answer(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_LEAD);
    int32_t c = check_criterion(L, 2);
    double score = lua_isnoneornil(L, 3) ? NAN : luaL_checknumber(L, 3);
    return lmtl_self(L, mtl_lead_set_answer(r->h, c, score,
                                            lmtl_optcstring(L, 4, NULL)));
}

/* lead:answer(criterion) -> score, evidence (nil when unanswered) */
static int lead_answer(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_LEAD);
    double score;
    const char *evidence;
    mtl_status st = mtl_lead_answer(r->h, check_criterion(L, 2), &score, &evidence);
    if (st == MTL_E_NOT_FOUND) {
        lua_pushnil(L);
        return 1;
    }
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    lua_pushnumber(L, score);
    if (*evidence)
        lua_pushstring(L, evidence);
    else
        lua_pushnil(L);
    return 2;
}

/* lead:answers() -> {criterion = {score =, evidence =, question =}} */
static int lead_answers(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_LEAD);
    size_t n = mtl_lead_answer_count(r->h);
    int32_t c;
    lua_createtable(L, 0, (int)n);
    for (c = 0; n && c < MTL_CRIT_COUNT; c++) {
        double score;
        const char *evidence;
        if (mtl_lead_answer(r->h, c, &score, &evidence) != MTL_OK)
            continue;
        lua_createtable(L, 0, 3);
        lmtl_setnum(L, "score", score);
        if (*evidence)
            lmtl_setstr(L, "evidence", evidence);
        lmtl_setint(L, "question", mtl_criterion_question(c));
        lua_setfield(L, -2, mtl_criterion_name(c));
    }
    return 1;
}

static int lead_clear_answers(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_LEAD);
    return lmtl_self(L, mtl_lead_clear_answers(r->h));
}

/* ---- registration ------------------------------------------------------------- */

/* The methods table of record kind. */
static void push_methods(lua_State *L, int kind)
{
    luaL_getmetatable(L, kind == LMTL_KIND_SEGMENT ? LMTL_SEGMENT
                         : kind == LMTL_KIND_CUSTOMER ? LMTL_CUSTOMER : LMTL_LEAD);
    lua_getfield(L, -1, "__index");
    lua_remove(L, -2);
}

/* methods[prefix .. name] = fn with upvalue d (methods on top) */
static void set_closure(lua_State *L, const input_list *d, lua_CFunction fn,
                        const char *prefix, const char *name)
{
    lua_pushfstring(L, "%s%s", prefix, name);
    lua_pushlightuserdata(L, (void *)d);
    lua_pushcclosure(L, fn, 1);
    lua_settable(L, -3);
}

/* Push a list of the names of e, in code order, each value once. */
void lmtl_push_names(lua_State *L, const lmtl_enum *e)
{
    const lmtl_enum *p, *q;
    lua_Integer n = 0;
    lua_newtable(L);
    for (p = e; p->name; p++) {
        for (q = e; q != p && q->value != p->value; q++)
            ;
        if (q == p) {
            lua_pushstring(L, p->name);
            lua_rawseti(L, -2, ++n);
        }
    }
}

static void set_list(lua_State *L, const char *key, const char *const *names)
{
    lua_Integer i;
    lua_newtable(L);
    for (i = 0; names[i]; i++) {
        lua_pushstring(L, names[i]);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, key);
}

void lmtl_open_inputs(lua_State *L)
{
    static const luaL_Reg segment_methods[] = {
        { "add_appeals", seg_add_appeals },
        { "set_factors", seg_set_factors },
        { "factors", seg_factors },
        { NULL, NULL }
    };
    static const luaL_Reg customer_methods[] = {
        { "set_relationship", cust_set_relationship },
        { "relationship", cust_relationship },
        { NULL, NULL }
    };
    static const luaL_Reg lead_methods[] = {
        { "set_answer", lead_set_answer },
        { "answer", lead_answer },
        { "answers", lead_answers },
        { "clear_answers", lead_clear_answers },
        { NULL, NULL }
    };
    static const char *const layers[] = { MTL_LAYER_BUSINESS, MTL_LAYER_OPERATION,
                                          MTL_LAYER_NETWORK, NULL };
    size_t i;
    int32_t c;

    for (c = 0; c < MTL_CRIT_COUNT; c++) {
        lmtl_criteria[c].name = mtl_criterion_name(c);
        lmtl_criteria[c].value = c;
    }
    lmtl_criteria[MTL_CRIT_COUNT].name = NULL;

    for (i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        const input_list *d = &lists[i];
        push_methods(L, d->kind);
        if (d->add)
            set_closure(L, d, list_add, "add_", d->noun);
        set_closure(L, d, list_rows, "", d->plural);
        set_closure(L, d, list_clear, "clear_", d->plural);
        lua_pop(L, 1);
    }
    push_methods(L, LMTL_KIND_SEGMENT);
    luaL_setfuncs(L, segment_methods, 0);
    lua_pop(L, 1);
    push_methods(L, LMTL_KIND_CUSTOMER);
    luaL_setfuncs(L, customer_methods, 0);
    lua_pop(L, 1);
    push_methods(L, LMTL_KIND_LEAD);
    luaL_setfuncs(L, lead_methods, 0);
    lua_pop(L, 1);

    /* the names of the codes, on the module table (at the top) */
    lmtl_push_names(L, lmtl_looks);
    lua_setfield(L, -2, "looks");
    lua_newtable(L);
    for (i = 0; windows[i].name; i++) {
        lua_pushinteger(L, windows[i].value);
        lua_setfield(L, -2, windows[i].name);
    }
    lua_setfield(L, -2, "windows");
    set_list(L, "appeals", lmtl_appeals_names);
    set_list(L, "forces", force_names);
    set_list(L, "relationship_dimensions", lmtl_relationship_names);
    set_list(L, "layers", layers);
    lmtl_push_names(L, lmtl_controls);
    lua_setfield(L, -2, "control_kinds");
    lmtl_push_names(L, lmtl_roles);
    lua_setfield(L, -2, "roles");
    lmtl_push_names(L, attitudes);
    lua_setfield(L, -2, "attitudes");
    lmtl_push_names(L, lmtl_criteria);
    lua_setfield(L, -2, "criteria");
    lua_newtable(L);
    for (c = 0; c < MTL_CRIT_COUNT; c++) {
        lua_pushinteger(L, mtl_criterion_question(c));
        lua_setfield(L, -2, mtl_criterion_name(c));
    }
    lua_setfield(L, -2, "criterion_questions");
    lmtl_push_names(L, lmtl_kinds);
    lua_setfield(L, -2, "csv_kinds");
}
