/*
 * lmtl_lead.c: leads — one at a time (every getter and setter,
 * attributes, stage history) and in bulk (mtl_lead_append_columns from
 * Lua tables, mtl_lead_find_many).
 */
#include <string.h>

#include "lmtl.h"


enum { F_ID, F_CUSTOMER, F_SEGMENT, F_OWNER, F_REGION, F_SOURCE, F_STATUS,
       F_STAGE, F_OUTCOME, F_AMOUNT, F_PROBABILITY, F_CATEGORY, F_DECISION,
       F_CREATED, F_EXPECTED_CLOSE, F_CLOSED, F_COUNT };

static const char *const getters[] = {
    "id", "customer", "segment", "owner", "region", "source", "status",
    "stage", "outcome", "amount", "probability", "category", "decision_step",
    "created", "expected_close", "closed", NULL
};
/* "" = no setter (the id is fixed). */
static const char *const setters[] = {
    "", "customer", "segment", "owner", "region", "source", "status",
    "stage", "outcome", "amount", "probability", "category", "decision_step",
    "created", "expected_close", "closed", NULL
};

static void push_record_id(lua_State *L, const char *id)
{
    if (id)
        lua_pushstring(L, id);
    else
        lua_pushnil(L);
}

/* Push field f of lead (market userdata at mk_idx); as_data: records as
 * their ids and one value per field (for lead:fields()).  Returns the
 * number of values pushed. */
static int push_field(lua_State *L, int mk_idx, const mtl_lead *ld, int f,
                      int as_data)
{
    int32_t v;
    switch (f) {
    case F_ID:
        lua_pushstring(L, mtl_lead_id(ld));
        return 1;
    case F_CUSTOMER:
        if (as_data)
            push_record_id(L, mtl_customer_id(mtl_lead_customer(ld)));
        else
            lmtl_push_ref(L, mk_idx, LMTL_KIND_CUSTOMER, mtl_lead_customer(ld));
        return 1;
    case F_SEGMENT:
        if (as_data)
            push_record_id(L, mtl_segment_id(mtl_lead_segment(ld)));
        else
            lmtl_push_ref(L, mk_idx, LMTL_KIND_SEGMENT, mtl_lead_segment(ld));
        return 1;
    case F_OWNER:
        lua_pushstring(L, mtl_lead_owner(ld));
        return 1;
    case F_REGION:
        lua_pushstring(L, mtl_lead_region(ld));
        return 1;
    case F_SOURCE:
        lua_pushstring(L, mtl_lead_source(ld));
        return 1;
    case F_STATUS:
        lmtl_push_enum(L, lmtl_lead_statuses, mtl_lead_status(ld), -1);
        return 1;
    case F_STAGE:
        v = mtl_lead_stage(ld);
        lua_pushstring(L, mtl_market_stage_name(mtl_lead_market(ld), v));
        if (as_data)
            return 1;
        lua_pushinteger(L, v);
        return 2;
    case F_OUTCOME:
        lmtl_push_enum(L, lmtl_outcomes, mtl_lead_outcome(ld), -1);
        return 1;
    case F_AMOUNT:
        lua_pushinteger(L, mtl_lead_amount(ld));
        return 1;
    case F_PROBABILITY:
        if (mtl_lead_probability(ld) < 0) /* MTL_PROBABILITY_NONE */
            lua_pushnil(L);
        else
            lua_pushnumber(L, mtl_lead_probability(ld));
        return 1;
    case F_CATEGORY:
        lmtl_push_enum(L, lmtl_categories, mtl_lead_category(ld),
                       MTL_CATEGORY_NONE);
        return 1;
    case F_DECISION:
        lmtl_push_enum(L, lmtl_decisions, mtl_lead_decision_step(ld),
                       MTL_DECISION_NONE);
        return 1;
    default:
        v = f == F_CREATED ? mtl_lead_created(ld)
          : f == F_EXPECTED_CLOSE ? mtl_lead_expected_close(ld)
          : mtl_lead_closed(ld);
        lmtl_push_date(L, v);
        if (as_data || v == MTL_DATE_NONE)
            return 1;
        lua_pushinteger(L, v);
        return 2;
    }
}

/* lead:<field>() */
static int lead_get(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_LEAD);
    lua_getiuservalue(L, 1, 1);
    return push_field(L, 2, r->h, (int)lua_tointeger(L, lua_upvalueindex(1)), 0);
}

static mtl_status set_date(lua_State *L, mtl_lead *ld, int f, int vidx)
{
    int32_t day;
    mtl_status st = lmtl_to_date(L, vidx, &day);
    if (st != MTL_OK)
        return st;
    return f == F_CREATED ? mtl_lead_set_created(ld, day)
         : f == F_EXPECTED_CLOSE ? mtl_lead_set_expected_close(ld, day)
         : mtl_lead_set_closed(ld, day);
}

/* Set field f from the value at vidx: 0, or the number of failure values
 * pushed. */
static int set_field(lua_State *L, lmtl_market *mk, mtl_lead *ld, int f,
                     int vidx)
{
    mtl_status st;
    void *rec;
    int32_t stage;
    switch (f) {
    case F_CUSTOMER:
    case F_SEGMENT:
        if (!lmtl_opt_record(L, vidx, mk, f == F_CUSTOMER ? LMTL_KIND_CUSTOMER
                             : LMTL_KIND_SEGMENT, &rec))
            return 4;
        st = f == F_CUSTOMER ? mtl_lead_set_customer(ld, rec)
                             : mtl_lead_set_segment(ld, rec);
        break;
    case F_OWNER:
        st = mtl_lead_set_owner(ld, lmtl_optcstring(L, vidx, NULL));
        break;
    case F_REGION:
        st = mtl_lead_set_region(ld, lmtl_optcstring(L, vidx, NULL));
        break;
    case F_SOURCE:
        st = mtl_lead_set_source(ld, lmtl_optcstring(L, vidx, NULL));
        break;
    case F_STATUS:
        st = mtl_lead_set_status(ld, lmtl_check_enum(L, vidx, lmtl_lead_statuses,
                                                      "status"));
        break;
    case F_STAGE:
        if (!lmtl_to_stage(L, vidx, mk->m, &stage))
            return 4;
        st = mtl_lead_set_stage(ld, stage);
        break;
    case F_OUTCOME:
        st = mtl_lead_set_outcome(ld, lmtl_check_enum(L, vidx, lmtl_outcomes,
                                                       "outcome"));
        break;
    case F_AMOUNT:
        st = mtl_lead_set_amount(ld, luaL_checkinteger(L, vidx));
        break;
    case F_PROBABILITY:
        st = mtl_lead_set_probability(ld, lua_isnoneornil(L, vidx)
                                      ? MTL_PROBABILITY_NONE
                                      : luaL_checknumber(L, vidx));
        break;
    case F_CATEGORY:
        st = mtl_lead_set_category(ld, lmtl_opt_enum(L, vidx, lmtl_categories,
                                   "category", MTL_CATEGORY_NONE));
        break;
    case F_DECISION:
        st = mtl_lead_set_decision_step(ld, lmtl_opt_enum(L, vidx, lmtl_decisions,
                                        "decision step", MTL_DECISION_NONE));
        break;
    default:
        st = set_date(L, ld, f, vidx);
        break;
    }
    return st == MTL_OK ? 0 : lmtl_fail(L, st);
}

/* lead:set_<field>(value) -> lead */
static int lead_set(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_LEAD);
    int n;
    luaL_checkany(L, 2);
    n = set_field(L, r->mk, r->h, (int)lua_tointeger(L, lua_upvalueindex(1)), 2);
    if (n)
        return n;
    lua_settop(L, 1);
    return 1;
}

static int stage_outcome(lua_State *L, lmtl_market *mk, mtl_lead *ld, int sidx,
                         int oidx)
{
    int32_t stage;
    mtl_status st;
    if (!lmtl_to_stage(L, sidx, mk->m, &stage))
        return 4;
    st = mtl_lead_set_stage_outcome(ld, stage, lmtl_check_enum(L, oidx,
                                    lmtl_outcomes, "outcome"));
    return st == MTL_OK ? 0 : lmtl_fail(L, st);
}

/* lead:set_stage_outcome(stage, outcome) -> lead */
static int lead_set_stage_outcome(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_LEAD);
    int n = stage_outcome(L, r->mk, r->h, 2, 3);
    if (n)
        return n;
    lua_settop(L, 1);
    return 1;
}

/* ---- attributes and history ------------------------------------------------ */

/* Set every attribute of the table at idx (keys sorted, so the market's
 * key order does not depend on the hash order). */
static int set_attributes(lua_State *L, mtl_lead *ld, int idx)
{
    int keys, i, n = 0;
    luaL_checktype(L, idx, LUA_TTABLE);
    n = lmtl_sorted_keys(L, idx, 0, "attributes");
    keys = lua_gettop(L);
    for (i = 1; i <= n; i++) {
        mtl_status st;
        lua_rawgeti(L, keys, i);
        lua_pushvalue(L, -1);
        lua_rawget(L, idx);
        st = mtl_lead_set_attribute(ld, lmtl_checkcstring(L, -2),
                                    lua_toboolean(L, -1)
                                    ? lmtl_checkcstring(L, -1) : NULL);
        if (st != MTL_OK)
            return lmtl_fail(L, st);
        lua_pop(L, 2);
    }
    lua_pop(L, 1);
    return 0;
}

/* Add the events of the array at idx: {day, stage} or {day =, stage =}. */
static int add_events(lua_State *L, lmtl_market *mk, mtl_lead *ld, int idx)
{
    lua_Integer i, n;
    luaL_checktype(L, idx, LUA_TTABLE);
    n = (lua_Integer)lua_rawlen(L, idx);
    for (i = 1; i <= n; i++) {
        int e = lua_gettop(L) + 1;
        int32_t day, stage;
        mtl_status st;
        if (lua_rawgeti(L, idx, i) != LUA_TTABLE)
            return luaL_error(L, "events[%d]: table expected", (int)i);
        if (lua_getfield(L, e, "day") == LUA_TNIL) {
            lua_pop(L, 1);
            lua_rawgeti(L, e, 1);
        }
        if (lua_getfield(L, e, "stage") == LUA_TNIL) {
            lua_pop(L, 1);
            lua_rawgeti(L, e, 2);
        }
        if ((st = lmtl_to_date(L, e + 1, &day)) != MTL_OK)
            return lmtl_fail(L, st);
        if (!lmtl_to_stage(L, e + 2, mk->m, &stage))
            return 4;
        if ((st = mtl_lead_add_event(ld, day, stage)) != MTL_OK)
            return lmtl_fail(L, st);
        lua_settop(L, e - 1);
    }
    return 0;
}

static const char *const set_names[] = {
    "customer", "segment", "owner", "region", "source", "status", "stage",
    "outcome", "amount", "probability", "category", "decision_step", "created",
    "expected_close", "closed", "attributes", "events", NULL
};

int lmtl_lead_apply(lua_State *L, int market_idx, void *ld, int fidx)
{
    lmtl_market *mk = lua_touserdata(L, market_idx);
    int f, n = 0, top = lua_gettop(L);
    lmtl_check_options(L, fidx, set_names);
    /* Stage and outcome together when both are given (a won stage needs
     * the won outcome in the same step). */
    lua_getfield(L, fidx, "stage");
    lua_getfield(L, fidx, "outcome");
    if (!lua_isnil(L, -2) && !lua_isnil(L, -1))
        n = stage_outcome(L, mk, ld, top + 1, top + 2);
    else if (!lua_isnil(L, -2))
        n = set_field(L, mk, ld, F_STAGE, top + 1);
    else if (!lua_isnil(L, -1))
        n = set_field(L, mk, ld, F_OUTCOME, top + 2);
    for (f = F_CUSTOMER; f < F_COUNT && !n; f++) {
        if (f == F_STAGE || f == F_OUTCOME)
            continue;
        lua_settop(L, top);
        if (lua_getfield(L, fidx, setters[f]) != LUA_TNIL)
            n = set_field(L, mk, ld, f, top + 1);
    }
    if (!n) {
        lua_settop(L, top);
        if (lua_getfield(L, fidx, "attributes") != LUA_TNIL)
            n = set_attributes(L, ld, top + 1);
    }
    if (!n) {
        lua_settop(L, top);
        if (lua_getfield(L, fidx, "events") != LUA_TNIL)
            n = add_events(L, mk, ld, top + 1);
    }
    if (!n)
        lua_settop(L, top);
    return n;
}

/* lead:set{field = value, ...} -> lead (stops at the first failure) */
static int lead_set_many(lua_State *L)
{
    int n;
    lmtl_check_ref(L, 1, LMTL_KIND_LEAD);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    lua_getiuservalue(L, 1, 1);
    n = lmtl_lead_apply(L, 3, ((lmtl_ref *)lua_touserdata(L, 1))->h, 2);
    if (n)
        return n;
    lua_settop(L, 1);
    return 1;
}

static void push_attributes(lua_State *L, const mtl_lead *ld)
{
    size_t i, n = mtl_lead_attribute_count(ld);
    lua_createtable(L, 0, (int)n);
    for (i = 0; i < n; i++) {
        const char *k, *v;
        if (mtl_lead_attribute_at(ld, i, &k, &v) == MTL_OK)
            lmtl_setstr(L, k, v);
    }
}

static void push_events(lua_State *L, const mtl_lead *ld)
{
    size_t i, n = mtl_lead_event_count(ld);
    lua_createtable(L, (int)n, 0);
    lmtl_mark_array(L);
    for (i = 0; i < n; i++) {
        int32_t day, stage;
        if (mtl_lead_event_at(ld, i, &day, &stage) != MTL_OK)
            continue;
        lua_createtable(L, 0, 3);
        lmtl_setdate(L, "day", day);
        lmtl_setstr(L, "stage", mtl_market_stage_name(mtl_lead_market(ld), stage));
        lmtl_setint(L, "index", stage);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

/* lead:fields(): a plain table of every field (customer and segment as
 * ids), with attributes and events. */
static int lead_fields(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_LEAD);
    int f;
    lua_getiuservalue(L, 1, 1);
    lua_createtable(L, 0, F_COUNT + 3);
    for (f = 0; f < F_COUNT; f++) {
        push_field(L, 2, r->h, f, 1);
        lua_setfield(L, -2, getters[f]);
    }
    lmtl_setint(L, "stage_index", mtl_lead_stage(r->h));
    push_attributes(L, r->h);
    lua_setfield(L, -2, "attributes");
    push_events(L, r->h);
    lua_setfield(L, -2, "events");
    return 1;
}

/* lead:attribute(key) -> value or nil */
static int lead_attribute(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_LEAD);
    const char *v = mtl_lead_attribute(r->h, lmtl_checkcstring(L, 2));
    push_record_id(L, v);
    return 1;
}

/* lead:set_attribute(key, value or nil) -> lead */
static int lead_set_attribute(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_LEAD);
    mtl_status st = mtl_lead_set_attribute(r->h, lmtl_checkcstring(L, 2),
                                           lmtl_optcstring(L, 3, NULL));
    return lmtl_self(L, st);
}

static int lead_attribute_count(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_LEAD);
    lua_pushinteger(L, (lua_Integer)mtl_lead_attribute_count(r->h));
    return 1;
}

/* Index argument i (1-based) as the C index i - 1 (SIZE_MAX when < 1, which
 * the library refuses with MTL_E_RANGE). */
static size_t check_position(lua_State *L, int idx)
{
    lua_Integer i = luaL_checkinteger(L, idx);
    return i < 1 ? SIZE_MAX : (size_t)(i - 1);
}

/* lead:attribute_at(i) -> key, value (i from 1, market key order) */
static int lead_attribute_at(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_LEAD);
    const char *k, *v;
    mtl_status st = mtl_lead_attribute_at(r->h, check_position(L, 2), &k, &v);
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    lua_pushstring(L, k);
    lua_pushstring(L, v);
    return 2;
}

/* lead:attributes() -> {key = value} */
static int lead_attributes(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_LEAD);
    push_attributes(L, r->h);
    return 1;
}

/* lead:add_event(day, stage) -> lead */
static int lead_add_event(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_LEAD);
    int32_t day, stage;
    mtl_status st;
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    if ((st = lmtl_to_date(L, 2, &day)) != MTL_OK)
        return lmtl_fail(L, st);
    if (!lmtl_to_stage(L, 3, r->mk->m, &stage))
        return 4;
    return lmtl_self(L, mtl_lead_add_event(r->h, day, stage));
}

static int lead_event_count(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_LEAD);
    lua_pushinteger(L, (lua_Integer)mtl_lead_event_count(r->h));
    return 1;
}

/* lead:event_at(i) -> day, stage name, stage index (i from 1, oldest first) */
static int lead_event_at(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_LEAD);
    int32_t day, stage;
    mtl_status st = mtl_lead_event_at(r->h, check_position(L, 2), &day, &stage);
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    lmtl_push_date(L, day);
    lua_pushstring(L, mtl_market_stage_name(r->mk->m, stage));
    lua_pushinteger(L, stage);
    return 3;
}

/* lead:events() -> {{day =, stage =, index =}, ...} */
static int lead_events(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_LEAD);
    push_events(L, r->h);
    return 1;
}

static int lead_clear_events(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_LEAD);
    mtl_status st = mtl_lead_clear_events(r->h);
    return lmtl_self(L, st);
}

/* market:add_lead(id [, customer [, fields]]) -> lead; all or nothing */
int lmtl_lead_add(lua_State *L)
{
    lmtl_market *mk = lmtl_check_market(L, 1);
    const char *id = lmtl_checkcstring(L, 2);
    void *customer;
    mtl_lead *ld;
    mtl_status st;
    int n;
    if (!lua_isnoneornil(L, 4))
        luaL_checktype(L, 4, LUA_TTABLE);
    lua_settop(L, 4);
    if (!lmtl_opt_record(L, 3, mk, LMTL_KIND_CUSTOMER, &customer))
        return 4;
    st = mtl_lead_add(&ld, mk->m, id, customer);
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    if ((n = lmtl_apply_new(L, LMTL_KIND_LEAD, ld, 4, lmtl_lead_apply)) != 0)
        return n;
    lmtl_push_ref(L, 1, LMTL_KIND_LEAD, ld);
    return 1;
}

/* ---- bulk ------------------------------------------------------------------------ */

typedef struct bulk {
    lua_State *L;
    lmtl_market *mk;
    size_t n;
    int anchor;     /* table keeping converted strings alive */
    int stages;     /* cache: stage name -> index */
} bulk;

/* Pop the value on top into the anchor table: it then lives as long as
 * the call (arrays and strings handed to the library). */
static void anchor(lua_State *L, const bulk *b)
{
    lua_rawseti(L, b->anchor, (lua_Integer)lua_rawlen(L, b->anchor) + 1);
}

/* Push the column called name of the columns table at cols: 0 when it is
 * absent (nothing pushed). */
static int get_column(lua_State *L, const bulk *b, int cols, const char *name)
{
    if (lua_getfield(L, cols, name) == LUA_TNIL) {
        lua_pop(L, 1);
        return 0;
    }
    if (!lua_istable(L, -1))
        luaL_error(L, "bad column '%s' (table expected, got %s)", name,
                   luaL_typename(L, -1));
    if (lua_getfield(L, -1, "codes") == LUA_TNIL && lua_rawlen(L, -2) > b->n)
        luaL_error(L, "bad column '%s' (%d values for %d rows)", name,
                   (int)lua_rawlen(L, -2), (int)b->n);
    lua_pop(L, 1);
    return 1;
}

/* The string (or record id) at the top, as a C string kept alive; row is
 * the row, or the dictionary entry when dict. */
static const char *cell_string(lua_State *L, const bulk *b, const char *name,
                               size_t row, int dict)
{
    size_t len;
    const char *s;
    switch (lua_type(L, -1)) {
    case LUA_TNIL:
        return NULL;
    case LUA_TBOOLEAN:
        if (!lua_toboolean(L, -1))
            return NULL;
        break;
    case LUA_TSTRING:
        /* held by the column table */
        s = lua_tolstring(L, -1, &len);
        if (strlen(s) == len)
            return s;
        break;
    case LUA_TNUMBER:
        s = lua_tolstring(L, -1, &len); /* converted: anchor the copy */
        lua_pushvalue(L, -1);
        anchor(L, b);
        return s;
    case LUA_TUSERDATA:
        if (luaL_testudata(L, -1, LMTL_CUSTOMER))
            return mtl_customer_id(lmtl_check_ref(L, -1, LMTL_KIND_CUSTOMER)->h);
        if (luaL_testudata(L, -1, LMTL_SEGMENT))
            return mtl_segment_id(lmtl_check_ref(L, -1, LMTL_KIND_SEGMENT)->h);
        break;
    default:
        break;
    }
    luaL_error(L, "bad column '%s' (%s %d: string expected, got %s)", name,
               dict ? "dict entry" : "row", (int)row + 1, luaL_typename(L, -1));
    return NULL;
}

/* Fill col from the column on top: an array of strings (nil/false =
 * absent), or {dict = {...}, codes = {...}} with codes from 1 (0 or nil =
 * absent).  Pops the column. */
static void string_column(lua_State *L, const bulk *b, const char *name,
                          mtl_string_column *col)
{
    int t = lua_gettop(L);
    size_t i;
    if (lua_getfield(L, t, "codes") != LUA_TNIL) {
        uint32_t *codes = lmtl_array(L, b->n, sizeof *codes);
        const char **dict;
        size_t d;
        if (!lua_istable(L, t + 1) || lua_getfield(L, t, "dict") != LUA_TTABLE)
            luaL_error(L, "bad column '%s' (codes and dict must be tables)", name);
        d = lua_rawlen(L, t + 3);
        dict = lmtl_array(L, d, sizeof *dict);
        for (i = 0; i < d; i++) {
            lua_rawgeti(L, t + 3, (lua_Integer)i + 1);
            dict[i] = cell_string(L, b, name, i, 1);
            lua_pop(L, 1);
        }
        for (i = 0; i < b->n; i++) {
            lua_Integer c;
            int isint = 1;
            lua_rawgeti(L, t + 1, (lua_Integer)i + 1);
            c = lua_isnil(L, -1) ? 0 : lua_tointegerx(L, -1, &isint);
            if (!lua_isnil(L, -1) && (!isint || c < 0 || c > (lua_Integer)UINT32_MAX))
                luaL_error(L, "bad column '%s' (row %d: code from 1 expected)",
                           name, (int)i + 1);
            codes[i] = c == 0 ? MTL_CODE_NONE : (uint32_t)(c - 1);
            lua_pop(L, 1);
        }
        col->codes = codes;
        col->dict = dict;
        col->dict_count = d;
        /* keep codes and dict arrays alive in the anchor table */
        anchor(L, b);
        lua_pop(L, 1);
        anchor(L, b);
        lua_pop(L, 1);
    } else {
        const char **values;
        lua_pop(L, 1);
        values = lmtl_array(L, b->n, sizeof *values);
        anchor(L, b);
        for (i = 0; i < b->n; i++) {
            lua_rawgeti(L, t, (lua_Integer)i + 1);
            values[i] = cell_string(L, b, name, i, 0);
            lua_pop(L, 1);
        }
        col->values = values;
    }
    /* the column table itself holds the strings: anchor it too */
    anchor(L, b);
}

/* An enum cell (on top): a name of e, an integer, or nil (def). */
static int32_t cell_enum(lua_State *L, const char *name, size_t row,
                         const lmtl_enum *e, int32_t def)
{
    if (lua_isnil(L, -1))
        return def;
    if (lua_type(L, -1) == LUA_TSTRING) {
        const char *s = lua_tostring(L, -1);
        for (; e->name; e++)
            if (strcmp(e->name, s) == 0)
                return e->value;
        luaL_error(L, "bad column '%s' (row %d: unknown value '%s')", name,
                   (int)row + 1, s);
    }
    if (!lua_isinteger(L, -1))
        luaL_error(L, "bad column '%s' (row %d: name or integer expected, got %s)",
                   name, (int)row + 1, luaL_typename(L, -1));
    return (int32_t)lua_tointeger(L, -1);
}

/* Stage cells that are not names: integers only. */
static const lmtl_enum no_names[] = { { NULL, 0 } };

/* Integer-coded columns. */
enum { COL_STAGE, COL_OUTCOME, COL_STATUS, COL_CATEGORY, COL_DECISION,
       COL_DATE };

/* Fill an int32_t column from the column on top (popped).  Returns 0, or
 * the number of failure values pushed (an unknown stage or bad date). */
static int int_column(lua_State *L, bulk *b, const char *name, int type,
                      const int32_t **out)
{
    int t = lua_gettop(L);
    int32_t *v = lmtl_array(L, b->n, sizeof *v);
    size_t i;
    anchor(L, b);
    for (i = 0; i < b->n; i++) {
        mtl_status st;
        lua_rawgeti(L, t, (lua_Integer)i + 1);
        switch (type) {
        case COL_STAGE:
            if (lua_isnil(L, -1)) {
                v[i] = 0;
            } else if (lua_type(L, -1) == LUA_TSTRING) {
                lua_pushvalue(L, -1);
                if (lua_rawget(L, b->stages) == LUA_TNIL) {
                    lua_pop(L, 1);
                    st = mtl_market_stage_find(&v[i], b->mk->m,
                                               lmtl_checkcstring(L, -1));
                    if (st != MTL_OK)
                        return lmtl_fail_msg(L, st, (int64_t)i + 1, 0,
                            "row %d: no stage '%.64s'", (int)i,
                            lua_tostring(L, -1));
                    lua_pushvalue(L, -1);
                    lua_pushinteger(L, v[i]);
                    lua_rawset(L, b->stages);
                } else {
                    v[i] = (int32_t)lua_tointeger(L, -1);
                    lua_pop(L, 1);
                }
            } else {
                v[i] = cell_enum(L, name, i, no_names, 0);
            }
            break;
        case COL_OUTCOME:
            v[i] = cell_enum(L, name, i, lmtl_outcomes, MTL_OUTCOME_OPEN);
            break;
        case COL_STATUS:
            v[i] = cell_enum(L, name, i, lmtl_lead_statuses, MTL_LEAD_STATUS_NEW);
            break;
        case COL_CATEGORY:
            v[i] = cell_enum(L, name, i, lmtl_categories, MTL_CATEGORY_NONE);
            break;
        case COL_DECISION:
            v[i] = cell_enum(L, name, i, lmtl_decisions, MTL_DECISION_NONE);
            break;
        default:
            if (lua_type(L, -1) != LUA_TSTRING && !lua_isinteger(L, -1)
                && !lua_isnil(L, -1))
                luaL_error(L, "bad column '%s' (row %d: date expected, got %s)",
                           name, (int)i + 1, luaL_typename(L, -1));
            if ((st = lmtl_to_date(L, lua_gettop(L), &v[i])) != MTL_OK)
                return lmtl_fail_msg(L, st, (int64_t)i + 1, 0, "row %d: %s: %s",
                                     (int)i, name, mtl_last_error_message());
            break;
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    *out = v;
    return 0;
}

static const int64_t *amount_column(lua_State *L, bulk *b)
{
    int t = lua_gettop(L);
    int64_t *v = lmtl_array(L, b->n, sizeof *v);
    size_t i;
    anchor(L, b);
    for (i = 0; i < b->n; i++) {
        int isint = 1;
        lua_rawgeti(L, t, (lua_Integer)i + 1);
        v[i] = lua_isnil(L, -1) ? 0 : lua_tointegerx(L, -1, &isint);
        if (!isint)
            luaL_error(L, "bad column 'amounts' (row %d: integer expected)",
                       (int)i + 1);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return v;
}

static const double *probability_column(lua_State *L, bulk *b)
{
    int t = lua_gettop(L);
    double *v = lmtl_array(L, b->n, sizeof *v);
    size_t i;
    anchor(L, b);
    for (i = 0; i < b->n; i++) {
        lua_rawgeti(L, t, (lua_Integer)i + 1);
        if (lua_isnil(L, -1))
            v[i] = MTL_PROBABILITY_NONE;
        else if (lua_type(L, -1) == LUA_TNUMBER)
            v[i] = lua_tonumber(L, -1);
        else
            luaL_error(L, "bad column 'probabilities' (row %d: number expected)",
                       (int)i + 1);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return v;
}

/* The attributes column set: {key = column}, keys sorted. */
static void attribute_columns(lua_State *L, bulk *b, mtl_lead_columns *c)
{
    int t = lua_gettop(L), keys;
    size_t i, n = 0;
    const char **names;
    mtl_string_column *cols;
    n = (size_t)lmtl_sorted_keys(L, t, 0, "bad column 'attributes'");
    keys = t + 1;
    names = lmtl_array(L, n, sizeof *names);
    cols = lmtl_array(L, n, sizeof *cols);
    if (n)
        memset(cols, 0, n * sizeof *cols);
    for (i = 0; i < n; i++) {
        lua_rawgeti(L, keys, (lua_Integer)i + 1);
        names[i] = lmtl_checkcstring(L, -1);
        lua_rawget(L, t);
        if (!lua_istable(L, -1))
            luaL_error(L, "bad column 'attributes' ('%s': table expected)",
                       names[i]);
        string_column(L, b, names[i], &cols[i]);
    }
    c->attribute_count = n;
    c->attribute_keys = names;
    c->attributes = cols;
    /* anchor names, cols and the key list */
    anchor(L, b);
    anchor(L, b);
    anchor(L, b);
    lua_settop(L, t - 1);
}

static const char *const column_names[] = {
    "count", "ids", "customers", "segments", "owners", "regions", "sources",
    "stages", "outcomes", "statuses", "amounts", "probabilities", "categories",
    "decision_steps", "created", "expected_close", "closed", "attributes",
    "keep_segment", "keep_region", NULL
};

/* market:add_leads{ids = {...}, customers = ..., ...} -> count added
 * (all or nothing: nil, message, status, detail with line = the index of
 * the bad row). */
int lmtl_lead_add_columns(lua_State *L)
{
    static const char *const strnames[] = {
        "ids", "customers", "segments", "owners", "regions", "sources"
    };
    static const struct { const char *name; int type; } intcols[] = {
        { "stages", COL_STAGE }, { "outcomes", COL_OUTCOME },
        { "statuses", COL_STATUS }, { "categories", COL_CATEGORY },
        { "decision_steps", COL_DECISION }, { "created", COL_DATE },
        { "expected_close", COL_DATE }, { "closed", COL_DATE },
    };
    mtl_lead_columns c;
    /* in the order of strnames and intcols */
    mtl_string_column *strcols[] = { &c.ids, &c.customers, &c.segments,
                                     &c.owners, &c.regions, &c.sources };
    const int32_t **intcol[] = { &c.stages, &c.outcomes, &c.statuses,
                                 &c.categories, &c.decision_steps, &c.created,
                                 &c.expected_close, &c.closed };
    bulk b;
    size_t i;
    lua_Integer count;
    mtl_status st;
    int n;

    b.L = L;
    b.mk = lmtl_check_market(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lmtl_check_options(L, 2, column_names);
    lua_settop(L, 2);
    mtl_lead_columns_init(&c, sizeof c);

    if (lua_getfield(L, 2, "ids") != LUA_TTABLE)
        return luaL_error(L, "bad column 'ids' (table expected, got %s)",
                          luaL_typename(L, -1));
    if (lua_getfield(L, -1, "codes") == LUA_TTABLE)
        b.n = lua_rawlen(L, -1);
    else
        b.n = lua_rawlen(L, -2);
    lua_pop(L, 2);
    count = lmtl_optint(L, 2, "count", (lua_Integer)b.n);
    if (count < 0)
        return luaL_error(L, "bad column 'count' (must be >= 0)");
    b.n = (size_t)count;
    lua_newtable(L);
    b.anchor = lua_gettop(L);
    lua_newtable(L);
    b.stages = lua_gettop(L);
    c.count = b.n;

    for (i = 0; i < sizeof strnames / sizeof strnames[0]; i++)
        if (get_column(L, &b, 2, strnames[i]))
            string_column(L, &b, strnames[i], strcols[i]);
    for (i = 0; i < sizeof intcols / sizeof intcols[0]; i++)
        if (get_column(L, &b, 2, intcols[i].name)
            && (n = int_column(L, &b, intcols[i].name, intcols[i].type,
                               intcol[i])) != 0)
            return n;
    if (get_column(L, &b, 2, "amounts"))
        c.amounts = amount_column(L, &b);
    if (get_column(L, &b, 2, "probabilities"))
        c.probabilities = probability_column(L, &b);
    if (lua_getfield(L, 2, "attributes") != LUA_TNIL) {
        luaL_checktype(L, -1, LUA_TTABLE);
        attribute_columns(L, &b, &c);
    } else {
        lua_pop(L, 1);
    }
    c.keep_absent = (lmtl_optbool(L, 2, "keep_segment", 0) ? MTL_KEEP_SEGMENT : 0)
                  | (lmtl_optbool(L, 2, "keep_region", 0) ? MTL_KEEP_REGION : 0);

    st = mtl_lead_append_columns(b.mk->m, &c);
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    lua_pushinteger(L, (lua_Integer)b.n);
    return 1;
}

/* market:find_leads{id, ...} -> {lead or false, ...} in one pipelined call */
int lmtl_lead_find_many(lua_State *L)
{
    lmtl_market *mk = lmtl_check_market(L, 1);
    size_t i, n;
    const char **ids;
    mtl_lead **out;
    mtl_status st;
    luaL_checktype(L, 2, LUA_TTABLE);
    n = lua_rawlen(L, 2);
    ids = lmtl_array(L, n, sizeof *ids);
    out = lmtl_array(L, n, sizeof *out);
    for (i = 0; i < n; i++) {
        lua_rawgeti(L, 2, (lua_Integer)i + 1);
        ids[i] = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        if (ids[i] && strlen(ids[i]) != lua_rawlen(L, -1))
            ids[i] = NULL; /* an id with a zero byte exists nowhere */
        lua_pop(L, 1);
    }
    st = mtl_lead_find_many(out, mk->m, ids, n);
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    lua_createtable(L, (int)n, 0);
    lmtl_mark_array(L);
    for (i = 0; i < n; i++) {
        if (out[i])
            lmtl_push_ref(L, 1, LMTL_KIND_LEAD, out[i]);
        else
            lua_pushboolean(L, 0);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static const luaL_Reg lead_methods[] = {
    { "set", lead_set_many },
    { "fields", lead_fields },
    { "set_stage_outcome", lead_set_stage_outcome },
    { "attribute", lead_attribute },
    { "set_attribute", lead_set_attribute },
    { "attribute_count", lead_attribute_count },
    { "attribute_at", lead_attribute_at },
    { "attributes", lead_attributes },
    { "add_event", lead_add_event },
    { "event_count", lead_event_count },
    { "event_at", lead_event_at },
    { "events", lead_events },
    { "clear_events", lead_clear_events },
    { NULL, NULL }
};

void lmtl_open_lead(lua_State *L)
{
    lmtl_new_ref_class(L, LMTL_KIND_LEAD, lead_methods);
    lmtl_add_fields(L, LMTL_LEAD, getters, lead_get, setters, lead_set);
}
