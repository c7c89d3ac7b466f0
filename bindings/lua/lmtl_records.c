/*
 * lmtl_records.c: segments, customers and what all record handles share —
 * the registry that gives each record one Lua handle and invalidates it
 * when the record is removed, finding and iterating records, and fields
 * applied all or nothing when a record is added.
 */
#include <string.h>

#include "lmtl.h"

static const char *const ref_tnames[] = { NULL, LMTL_SEGMENT, LMTL_CUSTOMER,
                                          LMTL_LEAD };
static const char *const kind_names[] = { NULL, "segment", "customer", "lead" };

/* ---- the record registry ----------------------------------------------------- */

void lmtl_push_ref(lua_State *L, int market_idx, int kind, void *h)
{
    lmtl_ref *r;
    if (!h) {
        lua_pushnil(L);
        return;
    }
    market_idx = lua_absindex(L, market_idx);
    lua_getiuservalue(L, market_idx, kind);
    if (lua_rawgetp(L, -1, h) != LUA_TNIL) {
        lua_remove(L, -2);
        return;
    }
    lua_pop(L, 1);
    r = lua_newuserdatauv(L, sizeof *r, 1);
    r->h = h;
    r->mk = lua_touserdata(L, market_idx);
    r->kind = kind;
    r->state = LMTL_LIVE;
    luaL_setmetatable(L, ref_tnames[kind]);
    lua_pushvalue(L, market_idx);
    lua_setiuservalue(L, -2, 1);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, -3, h);
    lua_remove(L, -2);
}

lmtl_ref *lmtl_check_ref(lua_State *L, int idx, int kind)
{
    lmtl_ref *r = luaL_checkudata(L, idx, ref_tnames[kind]);
    if (!r->mk->m)
        luaL_argerror(L, idx, lua_pushfstring(L, "the %s's market is closed",
                                              kind_names[kind]));
    if (r->mk->busy)
        lmtl_check_usable(L, idx, r->mk);
    if (!r->h)
        luaL_argerror(L, idx, lua_pushfstring(L, r->state == LMTL_REMOVED
                      ? "%s was removed" : "%s handle was closed",
                      kind_names[kind]));
    return r;
}

/* Forget the wrapper of h: state REMOVED or DETACHED. */
static void forget(lua_State *L, int market_idx, int kind, void *h, int state)
{
    market_idx = lua_absindex(L, market_idx);
    lua_getiuservalue(L, market_idx, kind);
    if (lua_rawgetp(L, -1, h) != LUA_TNIL) {
        lmtl_ref *r = lua_touserdata(L, -1);
        r->h = NULL;
        r->state = state;
        lua_pushnil(L);
        lua_rawsetp(L, -3, h);
    }
    lua_pop(L, 2);
}

void lmtl_invalidate(lua_State *L, int market_idx, int kind, void *h)
{
    forget(L, market_idx, kind, h, LMTL_REMOVED);
}

int lmtl_opt_record(lua_State *L, int idx, lmtl_market *mk, int kind,
                    void **out)
{
    const char *id;
    *out = NULL;
    if (lua_isnoneornil(L, idx))
        return 1;
    if (lua_type(L, idx) != LUA_TSTRING) {
        *out = lmtl_check_ref(L, idx, kind)->h;
        return 1;
    }
    id = lmtl_checkcstring(L, idx);
    *out = kind == LMTL_KIND_SEGMENT ? (void *)mtl_segment_find(mk->m, id)
                                     : (void *)mtl_customer_find(mk->m, id);
    if (*out)
        return 1;
    lmtl_fail_msg(L, MTL_E_NOT_FOUND, 0, 0, "no %s '%.64s'", kind_names[kind], id);
    return 0;
}

int lmtl_to_stage(lua_State *L, int idx, const mtl_market *m, int32_t *out)
{
    mtl_status st;
    if (lua_isinteger(L, idx)) {
        lua_Integer v = lua_tointeger(L, idx);
        *out = (v < INT32_MIN || v > INT32_MAX) ? INT32_MAX : (int32_t)v;
        return 1;
    }
    if (lua_type(L, idx) != LUA_TSTRING)
        luaL_typeerror(L, idx, "stage name or index");
    st = mtl_market_stage_find(out, m, lmtl_checkcstring(L, idx));
    if (st == MTL_OK)
        return 1;
    lmtl_fail(L, st);
    return 0;
}

/* ---- fields of a new record, all or nothing ----------------------------------- */

typedef struct apply_call {
    lmtl_apply_fn fn;
    void *h;
    int n;
} apply_call;

static int apply_trampoline(lua_State *L)
{
    apply_call *a = lua_touserdata(L, 1);
    a->n = a->fn(L, 2, a->h, 3);
    return a->n;
}

int lmtl_apply_new(lua_State *L, int kind, void *h, int fidx, lmtl_apply_fn fn)
{
    apply_call a;
    int top = lua_gettop(L), status;
    if (lua_isnoneornil(L, fidx))
        return 0;
    a.fn = fn;
    a.h = h;
    a.n = 0;
    lua_pushcfunction(L, apply_trampoline);
    lua_pushlightuserdata(L, &a);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, fidx);
    status = lua_pcall(L, 3, LUA_MULTRET, 0);
    if (status == LUA_OK && a.n == 0) {
        lua_settop(L, top);
        return 0;
    }
    if (kind == LMTL_KIND_SEGMENT)
        mtl_segment_remove(h);
    else if (kind == LMTL_KIND_CUSTOMER)
        mtl_customer_remove(h);
    else
        mtl_lead_remove(h);
    lmtl_invalidate(L, 1, kind, h);
    if (status != LUA_OK)
        lua_error(L);
    return a.n;
}

/* ---- record methods shared by segments, customers and leads ------------------ */

/* The record handle at idx, of any kind and state. */
static lmtl_ref *to_ref(lua_State *L, int idx)
{
    int kind;
    for (kind = LMTL_KIND_SEGMENT; kind <= LMTL_KIND_LEAD; kind++) {
        lmtl_ref *r = luaL_testudata(L, idx, ref_tnames[kind]);
        if (r)
            return r;
    }
    luaL_typeerror(L, idx, "mtl record handle");
    return NULL;
}

/* x:close() / __close: detach the Lua handle (the record stays). */
static int ref_close(lua_State *L)
{
    lmtl_ref *r = to_ref(L, 1);
    if (r->h) {
        lua_getiuservalue(L, 1, 1);
        forget(L, -1, r->kind, r->h, LMTL_DETACHED);
    }
    return 0;
}

/* __gc: the handle is borrowed, nothing to release.  Detach it in case a
 * finalizer elsewhere resurrects it: by then the registry no longer lists
 * it (weak values are cleared before finalizers run), so a removal through
 * a newer handle of the record could not reach it. */
static int ref_gc(lua_State *L)
{
    lmtl_ref *r = to_ref(L, 1);
    r->h = NULL;
    r->state = LMTL_DETACHED;
    return 0;
}

static int ref_tostring(lua_State *L)
{
    lmtl_ref *r = to_ref(L, 1);
    const char *id = NULL;
    if (r->h && r->mk->m && !r->mk->busy)
        id = r->kind == LMTL_KIND_SEGMENT ? mtl_segment_id(r->h)
           : r->kind == LMTL_KIND_CUSTOMER ? mtl_customer_id(r->h)
           : mtl_lead_id(r->h);
    if (id)
        lua_pushfstring(L, "mtl.%s '%s'", kind_names[r->kind], id);
    else
        lua_pushfstring(L, "mtl.%s (%s)", kind_names[r->kind],
                        !r->mk->m ? "market closed"
                        : r->mk->busy ? "market busy"
                        : r->state == LMTL_REMOVED ? "removed" : "closed");
    return 1;
}

/* x:market(): the market userdata (also checks the C back link). */
static int record_market(lua_State *L, int kind)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, kind);
    const mtl_market *m = kind == LMTL_KIND_SEGMENT ? mtl_segment_market(r->h)
                        : kind == LMTL_KIND_CUSTOMER ? mtl_customer_market(r->h)
                        : mtl_lead_market(r->h);
    if (m != r->mk->m)
        return luaL_error(L, "mtl: %s handle and market disagree",
                          kind_names[kind]);
    lua_getiuservalue(L, 1, 1);
    return 1;
}

static int ref_remove(lua_State *L)
{
    int kind = (int)lua_tointeger(L, lua_upvalueindex(1));
    lmtl_ref *r = lmtl_check_ref(L, 1, kind);
    mtl_status st = kind == LMTL_KIND_SEGMENT ? mtl_segment_remove(r->h)
                  : kind == LMTL_KIND_CUSTOMER ? mtl_customer_remove(r->h)
                  : mtl_lead_remove(r->h);
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    lua_getiuservalue(L, 1, 1);
    lmtl_invalidate(L, -1, kind, r->h);
    lua_pushboolean(L, 1);
    return 1;
}

static int ref_market_method(lua_State *L)
{
    return record_market(L, (int)lua_tointeger(L, lua_upvalueindex(1)));
}

/* Methods every record type has; kind is their upvalue. */
static void add_record_methods(lua_State *L, int kind)
{
    static const luaL_Reg common[] = {
        { "remove", ref_remove },
        { "market", ref_market_method },
        { NULL, NULL }
    };
    luaL_getmetatable(L, ref_tnames[kind]);
    lua_getfield(L, -1, "__index");
    lua_pushinteger(L, kind);
    luaL_setfuncs(L, common, 1);
    lua_pushcfunction(L, ref_close);
    lua_setfield(L, -2, "close");
    lua_pop(L, 2);
}

static const luaL_Reg ref_meta[] = {
    { "__gc", ref_gc },
    { "__close", ref_close },
    { "__tostring", ref_tostring },
    { NULL, NULL }
};

void lmtl_add_fields(lua_State *L, const char *tname, const char *const getters[],
                     lua_CFunction get, const char *const setters[],
                     lua_CFunction set)
{
    luaL_getmetatable(L, tname);
    lua_getfield(L, -1, "__index");
    lmtl_add_closures(L, -1, getters, get, "");
    lmtl_add_closures(L, -1, setters, set, "set_");
    lua_pop(L, 2);
}

void lmtl_new_ref_class(lua_State *L, int kind, const luaL_Reg *methods)
{
    lmtl_new_class(L, ref_tnames[kind], methods, ref_meta);
    add_record_methods(L, kind);
}

/* ---- segments ------------------------------------------------------------------ */

enum { SEG_ID, SEG_NAME, SEG_PARENT };
static const char *const seg_getters[] = { "id", "name", "parent", NULL };
static const char *const seg_setters[] = { "", "name", "parent", NULL };

static int seg_get(lua_State *L)
{
    mtl_segment *s = lmtl_check_ref(L, 1, LMTL_KIND_SEGMENT)->h;
    switch (lua_tointeger(L, lua_upvalueindex(1))) {
    case SEG_ID:
        lua_pushstring(L, mtl_segment_id(s));
        break;
    case SEG_NAME:
        lua_pushstring(L, mtl_segment_name(s));
        break;
    default:
        lua_getiuservalue(L, 1, 1);
        lmtl_push_ref(L, -1, LMTL_KIND_SEGMENT, mtl_segment_parent(s));
        break;
    }
    return 1;
}

/* Set one segment field from the value at vidx; 0 or a pushed failure. */
static int seg_set_field(lua_State *L, lmtl_market *mk, mtl_segment *s,
                         int field, int vidx)
{
    mtl_status st;
    void *parent;
    if (field == SEG_NAME) {
        st = mtl_segment_set_name(s, lmtl_optcstring(L, vidx, NULL));
    } else {
        if (!lmtl_opt_record(L, vidx, mk, LMTL_KIND_SEGMENT, &parent))
            return 4;
        st = mtl_segment_set_parent(s, parent);
    }
    return st == MTL_OK ? 0 : lmtl_fail(L, st);
}

static int seg_set(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_SEGMENT);
    int n = seg_set_field(L, r->mk, r->h,
                          (int)lua_tointeger(L, lua_upvalueindex(1)), 2);
    if (n)
        return n;
    lua_settop(L, 1);
    return 1;
}

/* Apply a fields table (name, parent) to a segment: 0 or a failure. */
static int seg_apply(lua_State *L, int market_idx, void *s, int fidx)
{
    static const char *const names[] = { "name", "parent", NULL };
    lmtl_market *mk = lua_touserdata(L, market_idx);
    int i, n = 0;
    lmtl_check_options(L, fidx, names);
    for (i = 0; names[i] && !n; i++) {
        if (lmtl_getopt(L, fidx, names[i]) != LUA_TNIL)
            n = seg_set_field(L, mk, s, i == 0 ? SEG_NAME : SEG_PARENT,
                              lua_gettop(L));
        if (!n)
            lua_pop(L, 1);
    }
    return n;
}

static int seg_set_many(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_SEGMENT);
    int n;
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    lua_getiuservalue(L, 1, 1);
    n = seg_apply(L, 3, r->h, 2);
    if (n)
        return n;
    lua_settop(L, 1);
    return 1;
}

/* market:add_segment(id [, {name =, parent =}]) */
static int m_add_segment(lua_State *L)
{
    lmtl_market *mk = lmtl_check_market(L, 1);
    const char *id = lmtl_checkcstring(L, 2);
    mtl_segment *s;
    mtl_status st;
    int n;
    if (!lua_isnoneornil(L, 3))
        luaL_checktype(L, 3, LUA_TTABLE);
    st = mtl_segment_add(&s, mk->m, id);
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    if ((n = lmtl_apply_new(L, LMTL_KIND_SEGMENT, s, 3, seg_apply)) != 0)
        return n;
    lmtl_push_ref(L, 1, LMTL_KIND_SEGMENT, s);
    return 1;
}

static const luaL_Reg segment_methods[] = {
    { "set", seg_set_many },
    { NULL, NULL }
};

/* ---- customers ------------------------------------------------------------------ */

enum { C_ID, C_NAME, C_SEGMENT, C_REGION, C_OWNER, C_REVENUE, C_INVESTMENT,
       C_PARTICIPATION, C_GRADE, C_FIELD_COUNT };
static const char *const cust_getters[] = {
    "id", "name", "segment", "region", "owner", "revenue", "investment",
    "participation", "grade", NULL
};
static const char *const cust_setters[] = {
    "", "name", "segment", "region", "owner", "revenue", "investment",
    "participation", "grade", NULL
};

static void cust_push(lua_State *L, int self, mtl_customer *c, int field,
                      int as_id)
{
    switch (field) {
    case C_ID:
        lua_pushstring(L, mtl_customer_id(c));
        break;
    case C_NAME:
        lua_pushstring(L, mtl_customer_name(c));
        break;
    case C_SEGMENT:
        if (as_id) {
            const mtl_segment *s = mtl_customer_segment(c);
            if (s)
                lua_pushstring(L, mtl_segment_id(s));
            else
                lua_pushnil(L);
        } else {
            lua_getiuservalue(L, self, 1);
            lmtl_push_ref(L, -1, LMTL_KIND_SEGMENT, mtl_customer_segment(c));
            lua_remove(L, -2);
        }
        break;
    case C_REGION:
        lua_pushstring(L, mtl_customer_region(c));
        break;
    case C_OWNER:
        lua_pushstring(L, mtl_customer_owner(c));
        break;
    case C_REVENUE:
        lua_pushinteger(L, mtl_customer_revenue(c));
        break;
    case C_INVESTMENT:
        lua_pushinteger(L, mtl_customer_investment(c));
        break;
    case C_PARTICIPATION:
        lua_pushnumber(L, mtl_customer_participation(c));
        break;
    default:
        lmtl_push_enum(L, lmtl_grades, mtl_customer_grade(c), MTL_GRADE_NONE);
        break;
    }
}

static int cust_get(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_CUSTOMER);
    cust_push(L, 1, r->h, (int)lua_tointeger(L, lua_upvalueindex(1)), 0);
    return 1;
}

static int cust_set_field(lua_State *L, lmtl_market *mk, mtl_customer *c,
                          int field, int vidx)
{
    mtl_status st;
    void *seg;
    switch (field) {
    case C_NAME:
        st = mtl_customer_set_name(c, lmtl_optcstring(L, vidx, NULL));
        break;
    case C_SEGMENT:
        if (!lmtl_opt_record(L, vidx, mk, LMTL_KIND_SEGMENT, &seg))
            return 4;
        st = mtl_customer_set_segment(c, seg);
        break;
    case C_REGION:
        st = mtl_customer_set_region(c, lmtl_optcstring(L, vidx, NULL));
        break;
    case C_OWNER:
        st = mtl_customer_set_owner(c, lmtl_optcstring(L, vidx, NULL));
        break;
    case C_REVENUE:
        st = mtl_customer_set_revenue(c, luaL_checkinteger(L, vidx));
        break;
    case C_INVESTMENT:
        st = mtl_customer_set_investment(c, luaL_checkinteger(L, vidx));
        break;
    case C_PARTICIPATION:
        st = mtl_customer_set_participation(c, luaL_checknumber(L, vidx));
        break;
    default:
        st = mtl_customer_set_grade(c, lmtl_opt_enum(L, vidx, lmtl_grades,
                                                      "grade", MTL_GRADE_NONE));
        break;
    }
    return st == MTL_OK ? 0 : lmtl_fail(L, st);
}

static int cust_set(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_CUSTOMER);
    int n = cust_set_field(L, r->mk, r->h,
                           (int)lua_tointeger(L, lua_upvalueindex(1)), 2);
    if (n)
        return n;
    lua_settop(L, 1);
    return 1;
}

static int cust_apply(lua_State *L, int market_idx, void *c, int fidx)
{
    lmtl_market *mk = lua_touserdata(L, market_idx);
    int i, n = 0;
    lmtl_check_options(L, fidx, cust_setters + 1);
    for (i = C_NAME; i < C_FIELD_COUNT && !n; i++) {
        if (lmtl_getopt(L, fidx, cust_setters[i]) != LUA_TNIL)
            n = cust_set_field(L, mk, c, i, lua_gettop(L));
        if (!n)
            lua_pop(L, 1);
    }
    return n;
}

/* customer:set{name =, segment =, ...} */
static int cust_set_many(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_CUSTOMER);
    int n;
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    lua_getiuservalue(L, 1, 1);
    n = cust_apply(L, 3, r->h, 2);
    if (n)
        return n;
    lua_settop(L, 1);
    return 1;
}

/* customer:fields(): every field in a plain table (the segment as its id). */
static int cust_fields(lua_State *L)
{
    lmtl_ref *r = lmtl_check_ref(L, 1, LMTL_KIND_CUSTOMER);
    int i;
    lua_createtable(L, 0, C_FIELD_COUNT);
    for (i = 0; i < C_FIELD_COUNT; i++) {
        cust_push(L, 1, r->h, i, 1);
        lua_setfield(L, -2, cust_getters[i]);
    }
    return 1;
}

/* market:add_customer(id [, segment [, fields]]) */
static int m_add_customer(lua_State *L)
{
    lmtl_market *mk = lmtl_check_market(L, 1);
    const char *id = lmtl_checkcstring(L, 2);
    void *seg;
    mtl_customer *c;
    mtl_status st;
    int n;
    if (!lua_isnoneornil(L, 4))
        luaL_checktype(L, 4, LUA_TTABLE);
    if (!lmtl_opt_record(L, 3, mk, LMTL_KIND_SEGMENT, &seg))
        return 4;
    st = mtl_customer_add(&c, mk->m, id, seg);
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    if ((n = lmtl_apply_new(L, LMTL_KIND_CUSTOMER, c, 4, cust_apply)) != 0)
        return n;
    lmtl_push_ref(L, 1, LMTL_KIND_CUSTOMER, c);
    return 1;
}

static const luaL_Reg customer_methods[] = {
    { "set", cust_set_many },
    { "fields", cust_fields },
    { NULL, NULL }
};

/* ---- finding and iterating records -------------------------------------------- */

static void *record_next(const mtl_market *m, int kind, const void *prev)
{
    switch (kind) {
    case LMTL_KIND_SEGMENT:
        return mtl_segment_next(m, prev);
    case LMTL_KIND_CUSTOMER:
        return mtl_customer_next(m, prev);
    default:
        return mtl_lead_next(m, prev);
    }
}

/* market:segment(id), market:customer(id), market:lead(id): nil when absent */
static int m_find(lua_State *L)
{
    int kind = (int)lua_tointeger(L, lua_upvalueindex(1));
    lmtl_market *mk = lmtl_check_market(L, 1);
    const char *id = lmtl_checkcstring(L, 2);
    void *h = kind == LMTL_KIND_SEGMENT ? (void *)mtl_segment_find(mk->m, id)
            : kind == LMTL_KIND_CUSTOMER ? (void *)mtl_customer_find(mk->m, id)
            : (void *)mtl_lead_find(mk->m, id);
    lmtl_push_ref(L, 1, kind, h);
    return 1;
}

/* The iterator: upvalues market, kind, the next wrapper (prefetched so
 * that the loop body may remove the record it was given). */
static int iter_step(lua_State *L)
{
    int kind = (int)lua_tointeger(L, lua_upvalueindex(2));
    lmtl_market *mk = lua_touserdata(L, lua_upvalueindex(1));
    lmtl_ref *r;
    if (lua_isnil(L, lua_upvalueindex(3)))
        return 0;
    lmtl_check_usable(L, 1, mk);
    r = lua_touserdata(L, lua_upvalueindex(3));
    if (!r->h)
        return luaL_error(L, "the next %s was removed or closed during the "
                          "iteration", kind_names[kind]);
    lua_pushvalue(L, lua_upvalueindex(3));
    lmtl_push_ref(L, lua_upvalueindex(1), kind, record_next(mk->m, kind, r->h));
    lua_replace(L, lua_upvalueindex(3));
    return 1;
}

/* market:segments(), market:customers(), market:leads(): for x in ... do */
static int m_iterate(lua_State *L)
{
    int kind = (int)lua_tointeger(L, lua_upvalueindex(1));
    lmtl_market *mk = lmtl_check_market(L, 1);
    lua_pushvalue(L, 1);
    lua_pushinteger(L, kind);
    lmtl_push_ref(L, 1, kind, record_next(mk->m, kind, NULL));
    lua_pushcclosure(L, iter_step, 3);
    return 1;
}

void lmtl_open_records(lua_State *L)
{
    static const char *const finders[] = { "", "segment", "customer", "lead", NULL };
    static const char *const iterators[] = { "", "segments", "customers", "leads",
                                             NULL };
    int i;
    luaL_getmetatable(L, LMTL_MARKET);
    lua_getfield(L, -1, "__index");
    for (i = LMTL_KIND_SEGMENT; i <= LMTL_KIND_LEAD; i++) {
        lua_pushinteger(L, i);
        lua_pushcclosure(L, m_find, 1);
        lua_setfield(L, -2, finders[i]);
        lua_pushinteger(L, i);
        lua_pushcclosure(L, m_iterate, 1);
        lua_setfield(L, -2, iterators[i]);
    }
    lua_pushcfunction(L, m_add_segment);
    lua_setfield(L, -2, "add_segment");
    lua_pushcfunction(L, m_add_customer);
    lua_setfield(L, -2, "add_customer");
    lua_pop(L, 2);

    lmtl_new_ref_class(L, LMTL_KIND_SEGMENT, segment_methods);
    lmtl_add_fields(L, LMTL_SEGMENT, seg_getters, seg_get, seg_setters, seg_set);
    lmtl_new_ref_class(L, LMTL_KIND_CUSTOMER, customer_methods);
    lmtl_add_fields(L, LMTL_CUSTOMER, cust_getters, cust_get, cust_setters,
                    cust_set);
}
