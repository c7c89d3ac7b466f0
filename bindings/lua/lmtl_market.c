/*
 * lmtl_market.c: markets — create (options, stage model, memory limit),
 * load and save, CSV in and out, stages, counters, close.
 */
#include <stdlib.h>
#include <string.h>

#include "lmtl.h"

/* ---- the market userdata -------------------------------------------------- */

lmtl_market *lmtl_new_market_userdata(lua_State *L, size_t limit)
{
    lmtl_market *mk = lua_newuserdatauv(L, sizeof *mk, 3);
    int kind;
    mk->m = NULL;
    mk->busy = 0;
    mk->limit = limit;
    mk->used = 0;
    luaL_setmetatable(L, LMTL_MARKET);
    /* One weak-valued registry per record kind: handle -> wrapper. */
    for (kind = LMTL_KIND_SEGMENT; kind <= LMTL_KIND_LEAD; kind++) {
        lua_newtable(L);
        if (luaL_newmetatable(L, "mtl.weak_values")) {
            lua_pushliteral(L, "v");
            lua_setfield(L, -2, "__mode");
        }
        lua_setmetatable(L, -2);
        lua_setiuservalue(L, -2, kind);
    }
    return mk;
}

void lmtl_market_alloc_options(lmtl_market *mk, mtl_market_options *o)
{
    if (mk->limit) {
        o->alloc = lmtl_limit_alloc;
        o->alloc_user_data = mk;
    }
}

lmtl_market *lmtl_check_market_any(lua_State *L, int idx)
{
    return luaL_checkudata(L, idx, LMTL_MARKET);
}

void lmtl_check_usable(lua_State *L, int idx, const lmtl_market *mk)
{
    if (!mk->m)
        luaL_argerror(L, idx, "market is closed");
    if (mk->busy)
        luaL_argerror(L, idx, "market is busy (inside a CSV import's progress "
                              "callback)");
}

lmtl_market *lmtl_check_market(lua_State *L, int idx)
{
    lmtl_market *mk = luaL_checkudata(L, idx, LMTL_MARKET);
    lmtl_check_usable(L, idx, mk);
    return mk;
}

static size_t opt_limit(lua_State *L, int idx)
{
    lua_Integer limit = lmtl_optint(L, idx, "memory_limit", 0);
    if (limit < 0)
        luaL_error(L, "bad option 'memory_limit' (must be >= 0)");
    return (size_t)limit;
}

/* ---- markets: create, load, read ------------------------------------------------ */

static void model_destroy(void *p)
{
    mtl_stage_model_destroy(p);
}

static int32_t stage_flags(lua_State *L, int entry)
{
    int32_t flags = 0;
    if (lmtl_optbool(L, entry, "won", 0))
        flags |= MTL_STAGE_FLAG_WON;
    if (lmtl_optbool(L, entry, "lost", 0))
        flags |= MTL_STAGE_FLAG_LOST;
    return flags;
}

/* Build the stage model of options.stages (at idx) into box: 0, or a
 * pushed failure. */
static int build_stage_model(lua_State *L, int idx, lmtl_box *box)
{
    static const char *const entry_keys[] = {
        "name", "phase", "probability", "category", "won", "lost", NULL
    };
    mtl_stage_model *model = NULL;
    lua_Integer i, n;
    mtl_status st;
    luaL_checktype(L, idx, LUA_TTABLE);
    st = lmtl_optbool(L, idx, "default", 0)
       ? mtl_stage_model_create_default(&model, NULL, NULL)
       : mtl_stage_model_create(&model, NULL, NULL);
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    box->p = model;
    n = (lua_Integer)lua_rawlen(L, idx);
    for (i = 1; i <= n; i++) {
        int entry = lua_gettop(L) + 1;
        const char *name;
        if (lua_rawgeti(L, idx, i) != LUA_TTABLE)
            return luaL_error(L, "bad option 'stages' (entry %d: table expected, "
                              "got %s)", (int)i, luaL_typename(L, -1));
        lmtl_check_options(L, entry, entry_keys);
        name = lmtl_optstr(L, entry, "name");
        st = mtl_stage_model_add(model, name, lmtl_optstr(L, entry, "phase"),
                                 lmtl_optnum(L, entry, "probability", 0),
                                 lmtl_optenum(L, entry, "category", lmtl_categories,
                                              MTL_CATEGORY_PIPELINE),
                                 stage_flags(L, entry));
        if (st != MTL_OK)
            /* the model is unchanged: the entry would have been stage count */
            return lmtl_fail_msg(L, st, 0, 0, "stages[%d] (stage %d): %s",
                                 (int)i, (int)mtl_stage_model_count(model),
                                 mtl_last_error_message());
        lua_pop(L, 1);
    }
    return 0;
}

static const char *const market_option_names[] = {
    "minor_per_major", "stages", "memory_limit", NULL
};

/* Create a market from the options at idx; pushes it, or returns a failure
 * count (the values pushed). */
static int create_market(lua_State *L, int idx)
{
    mtl_market_options o;
    lmtl_market *mk = lmtl_new_market_userdata(L, opt_limit(L, idx));
    int mk_idx = lua_gettop(L), n;
    lmtl_box *box = lmtl_temp(L, model_destroy);
    mtl_status st;
    mtl_market_options_init(&o, sizeof o);
    lmtl_market_alloc_options(mk, &o);
    o.minor_per_major = lmtl_optint(L, idx, "minor_per_major", 0);
    if (lmtl_getopt(L, idx, "stages") != LUA_TNIL) {
        if ((n = build_stage_model(L, lua_gettop(L), box)) != 0)
            return n;
        o.stage_model = box->p;
    }
    st = mtl_market_create(&mk->m, &o);
    mtl_stage_model_destroy(box->p);
    box->p = NULL;
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    lua_settop(L, mk_idx);
    return 0;
}

/* mtl.market([{minor_per_major =, stages =, memory_limit =}]) */
static int l_market(lua_State *L)
{
    int n;
    lmtl_check_options(L, 1, market_option_names);
    n = create_market(L, 1);
    return n ? n : 1;
}

/* mtl.read(bytes [, {memory_limit =}]) and mtl.load(path [, ...]): a
 * snapshot in a string or a file (upvalue 1: true for a file). */
static int l_read(lua_State *L)
{
    static const char *const names[] = { "memory_limit", NULL };
    int from_file = lua_toboolean(L, lua_upvalueindex(1));
    size_t len = 0;
    const char *arg = from_file ? lmtl_checkcstring(L, 1)
                                : luaL_checklstring(L, 1, &len);
    mtl_market_options o;
    lmtl_market *mk;
    mtl_status st;
    lmtl_check_options(L, 2, names);
    mk = lmtl_new_market_userdata(L, opt_limit(L, 2));
    mtl_market_options_init(&o, sizeof o);
    lmtl_market_alloc_options(mk, &o);
    st = from_file ? mtl_market_load(&mk->m, arg, &o)
                   : mtl_market_read(&mk->m, arg, len, &o);
    return st == MTL_OK ? 1 : lmtl_fail(L, st);
}

/* ---- CSV import ------------------------------------------------------------------- */

static const char *const csv_option_names[] = {
    "kind", "separator", "field_map", "stage_map", "skip_bad_rows", "strict",
    "progress", NULL
};

/* A map option: a string, or a table {left = "right"} joined (sorted by
 * key) into "left=right,...".  Leaves the string on the stack. */
static const char *push_map(lua_State *L, int opts, const char *key)
{
    luaL_Buffer b;
    int t = lmtl_getopt(L, opts, key), tbl, keys, i, n = 0;
    if (t == LUA_TNIL || t == LUA_TSTRING) {
        if (t == LUA_TSTRING && strlen(lua_tostring(L, -1)) != lua_rawlen(L, -1))
            luaL_error(L, "bad option '%s' (string contains a zero byte)", key);
        return lua_tostring(L, -1);
    }
    if (t != LUA_TTABLE)
        luaL_error(L, "bad option '%s' (string or table expected, got %s)", key,
                   luaL_typename(L, -1));
    tbl = lua_gettop(L);
    keys = tbl + 1;
    n = lmtl_sorted_keys(L, tbl, 0, key);
    luaL_buffinit(L, &b);
    for (i = 1; i <= n; i++) {
        const char *k, *v;
        lua_rawgeti(L, keys, i);
        lua_pushvalue(L, -1);
        lua_rawget(L, tbl);
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "bad option '%s' (entry '%s': string expected)", key,
                       lua_tostring(L, -2));
        k = lua_tostring(L, -2);
        v = lua_tostring(L, -1);
        if (strpbrk(k, ",=") || strpbrk(v, ",=") || strlen(k) != lua_rawlen(L, -2)
            || strlen(v) != lua_rawlen(L, -1))
            luaL_error(L, "bad option '%s' (entry '%s': ',', '=' or a zero byte)",
                       key, k);
        lua_pop(L, 2);
        if (i > 1)
            luaL_addchar(&b, ',');
        luaL_addstring(&b, k);
        luaL_addchar(&b, '=');
        luaL_addstring(&b, v);
    }
    luaL_pushresult(&b);
    lua_replace(L, tbl);
    lua_settop(L, tbl);
    return lua_tostring(L, -1);
}

/* A separator: one character, a byte value, or nil (0: the default). */
static int32_t to_separator(lua_State *L, int idx, const char *what)
{
    if (lua_isnoneornil(L, idx))
        return 0;
    if (lua_type(L, idx) == LUA_TSTRING && lua_rawlen(L, idx) == 1)
        return (unsigned char)lua_tostring(L, idx)[0];
    if (lua_isinteger(L, idx))
        return (int32_t)lua_tointeger(L, idx);
    return (int32_t)luaL_error(L, "bad %s (one character expected)", what);
}

typedef struct progress_ctx {
    lua_State *L;
    int fn, err;        /* stack slots: the function, its error (or nil) */
    int failed;
} progress_ctx;

static void progress_cb(uint64_t done, uint64_t total, void *user_data)
{
    progress_ctx *c = user_data;
    lua_State *L = c->L;
    /* Inside the library: a Lua error must not unwind through it, so the
     * function runs protected and its error is raised after the import. */
    if (c->failed || !lua_checkstack(L, 4))
        return;
    lua_pushvalue(L, c->fn);
    lua_pushinteger(L, (lua_Integer)done);
    lua_pushinteger(L, (lua_Integer)total);
    if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
        c->failed = 1;
        lua_replace(L, c->err);
    }
}

static void push_csv_result(lua_State *L, const mtl_csv_result *r)
{
    int32_t i;
    char sep[2] = { (char)r->separator, 0 };
    lua_createtable(L, 0, 12);
    lmtl_setint(L, "rows", (lua_Integer)r->rows);
    lmtl_setint(L, "imported", (lua_Integer)r->imported);
    lmtl_setint(L, "skipped", (lua_Integer)r->skipped);
    lmtl_setint(L, "customers_created", (lua_Integer)r->customers_created);
    lmtl_setint(L, "segments_created", (lua_Integer)r->segments_created);
    lmtl_setstr(L, "separator", sep);
    lua_createtable(L, r->error_count, 0);
    lmtl_mark_array(L);
    for (i = 0; i < r->error_count && i < MTL_CSV_ERRORS_MAX; i++) {
        const mtl_csv_error *e = &r->errors[i];
        lua_createtable(L, 0, 5);
        lmtl_setint(L, "line", e->line);
        lmtl_setint(L, "column", e->column);
        lmtl_setint(L, "code", e->status);
        lmtl_setstr(L, "status", mtl_status_string(e->status));
        lmtl_setstr(L, "message", e->message);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "errors");
}

/* Shared by import_csv (text at 2) and import_csv_file (path at 2): the
 * market at 1, options at 3. */
static int import_csv(lua_State *L, int from_file)
{
    lmtl_market *mk = lmtl_check_market(L, 1);
    size_t len = 0;
    const char *arg = from_file ? lmtl_checkcstring(L, 2)
                                : luaL_checklstring(L, 2, &len);
    mtl_csv_options o;
    mtl_csv_result r;
    progress_ctx pc;
    mtl_market *m = mk->m;
    mtl_status st;
    lmtl_check_options(L, 3, csv_option_names);
    mtl_csv_options_init(&o, sizeof o);
    mtl_csv_result_init(&r, sizeof r);
    o.kind = lmtl_optenum(L, 3, "kind", lmtl_kinds, MTL_KIND_LEADS);
    lmtl_getopt(L, 3, "separator");
    o.separator = to_separator(L, -1, "option 'separator'");
    lua_pop(L, 1);
    o.skip_bad_rows = lmtl_optbool(L, 3, "skip_bad_rows", 0);
    o.strict = lmtl_optbool(L, 3, "strict", 0);
    lua_settop(L, 3);
    o.field_map = push_map(L, 3, "field_map");  /* stays at 4 */
    o.stage_map = push_map(L, 3, "stage_map");  /* stays at 5 */
    pc.L = L;
    pc.failed = 0;
    if (lmtl_getopt(L, 3, "progress") != LUA_TNIL) { /* at 6 */
        luaL_checktype(L, 6, LUA_TFUNCTION);
        lua_pushnil(L); /* 7: the callback's error */
        pc.fn = 6;
        pc.err = 7;
        o.progress = progress_cb;
        o.progress_user_data = &pc;
        /* The callback may close the market: our own reference keeps it
         * alive until the import returns; any other use raises (busy). */
        mtl_market_ref(m);
        mk->busy = 1;
    }
    st = from_file ? mtl_csv_import_file(m, arg, &o, &r)
                   : mtl_csv_import(m, arg, len, &o, &r);
    if (o.progress) {
        mk->busy = 0;
        mtl_market_unref(m);
        if (pc.failed)
            return lua_error(L);    /* the error is on top */
    }
    push_csv_result(L, &r);
    if (st == MTL_OK)
        return 1;
    lmtl_push_detail(L, st);
    /* detail = the result's counts and errors + code, status, message, line,
     * column */
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_settable(L, -5);
    }
    lua_pop(L, 1);
    lua_pushnil(L);
    lua_getfield(L, -2, "message");
    lua_getfield(L, -3, "status");
    lua_rotate(L, -4, -1);
    return 4;
}

/* market:import_csv(text [, options]) -> result | nil, message, status, detail */
static int m_import_csv(lua_State *L)
{
    return import_csv(L, 0);
}

/* market:import_csv_file(path [, options]) */
static int m_import_csv_file(lua_State *L)
{
    return import_csv(L, 1);
}

/* mtl.from_csv(path [, options]): a new market (market options) with the
 * file imported (CSV options) -> market, result */
static int l_from_csv(lua_State *L)
{
    static const char *const names[] = {
        "minor_per_major", "stages", "memory_limit", "kind", "separator",
        "field_map", "stage_map", "skip_bad_rows", "strict", "progress", NULL
    };
    int n, mk_idx;
    lmtl_checkcstring(L, 1);
    lmtl_check_options(L, 2, names);
    lua_settop(L, 2);
    if ((n = create_market(L, 2)) != 0)
        return n;
    mk_idx = lua_gettop(L);
    /* import_csv_file(market, path, options) on a fresh frame */
    lua_pushcfunction(L, m_import_csv_file);
    lua_pushvalue(L, mk_idx);
    lua_pushvalue(L, 1);
    if (lua_istable(L, 2)) {
        /* the CSV options only */
        int i;
        lua_createtable(L, 0, 7);
        for (i = 0; csv_option_names[i]; i++) {
            lua_getfield(L, 2, csv_option_names[i]);
            lua_setfield(L, -2, csv_option_names[i]);
        }
    } else {
        lua_pushnil(L);
    }
    lua_call(L, 3, LUA_MULTRET);
    if (lua_isnil(L, mk_idx + 1)) {
        lmtl_market *mk = lua_touserdata(L, mk_idx);
        if (mk->m) {
            mtl_market_unref(mk->m);
            mk->m = NULL;
        }
        return lua_gettop(L) - mk_idx;
    }
    return 2;
}

/* ---- CSV export and snapshots --------------------------------------------------- */

/* market:export_csv([kind [, separator]]) -> text */
static int m_export_csv(lua_State *L)
{
    lmtl_market *mk = lmtl_check_market(L, 1);
    int32_t kind = lmtl_opt_enum(L, 2, lmtl_kinds, "kind", MTL_KIND_LEADS);
    int32_t sep = to_separator(L, 3, "argument #3 (separator)");
    lmtl_buf *b;
    mtl_status st;
    b = lmtl_buf_new(L);
    st = mtl_csv_export(mk->m, kind, sep, lmtl_buf_write, b);
    return lmtl_buf_result(L, b, st);
}

/* market:export_csv_file(path [, kind [, separator]]) -> true */
static int m_export_csv_file(lua_State *L)
{
    lmtl_market *mk = lmtl_check_market(L, 1);
    const char *path = lmtl_checkcstring(L, 2);
    int32_t kind = lmtl_opt_enum(L, 3, lmtl_kinds, "kind", MTL_KIND_LEADS);
    int32_t sep = to_separator(L, 4, "argument #4 (separator)");
    mtl_status st;
    st = mtl_csv_export_file(mk->m, kind, sep, path);
    return lmtl_ok(L, st);
}

/* market:write() -> snapshot bytes */
static int m_write(lua_State *L)
{
    lmtl_market *mk = lmtl_check_market(L, 1);
    lmtl_buf *b = lmtl_buf_new(L);
    mtl_status st = mtl_market_write(mk->m, lmtl_buf_write, b);
    return lmtl_buf_result(L, b, st);
}

/* market:save(path) -> true */
static int m_save(lua_State *L)
{
    lmtl_market *mk = lmtl_check_market(L, 1);
    mtl_status st = mtl_market_save(mk->m, lmtl_checkcstring(L, 2));
    return lmtl_ok(L, st);
}

/* ---- market: stages, counts, life ------------------------------------------------ */

static void push_stage(lua_State *L, const mtl_market *m, int32_t s)
{
    int32_t flags = mtl_market_stage_flags(m, s);
    lua_createtable(L, 0, 8);
    lmtl_setint(L, "index", s);
    lmtl_setstr(L, "name", mtl_market_stage_name(m, s));
    lmtl_setstr(L, "phase", mtl_market_stage_phase(m, s));
    lmtl_setnum(L, "probability", mtl_market_stage_probability(m, s));
    lmtl_push_enum(L, lmtl_categories, mtl_market_stage_category(m, s),
                   MTL_CATEGORY_NONE);
    lua_setfield(L, -2, "category");
    lmtl_setint(L, "flags", flags);
    lmtl_setbool(L, "won", (flags & MTL_STAGE_FLAG_WON) != 0);
    lmtl_setbool(L, "lost", (flags & MTL_STAGE_FLAG_LOST) != 0);
}

/* market:stage(name or index) -> {index, name, phase, probability, ...} */
static int m_stage(lua_State *L)
{
    lmtl_market *mk = lmtl_check_market(L, 1);
    int32_t s;
    if (!lmtl_to_stage(L, 2, mk->m, &s))
        return 4;
    if (s < 0 || s >= mtl_market_stage_count(mk->m))
        return lmtl_fail_msg(L, MTL_E_RANGE, 0, 0, "stage %d outside the stage "
                             "model (%d stages)", (int)s,
                             (int)mtl_market_stage_count(mk->m));
    push_stage(L, mk->m, s);
    return 1;
}

/* market:stages() -> array of stage tables, in order (index 0 first) */
static int m_stages(lua_State *L)
{
    lmtl_market *mk = lmtl_check_market(L, 1);
    int32_t s, n = mtl_market_stage_count(mk->m);
    lua_createtable(L, n, 0);
    lmtl_mark_array(L);
    for (s = 0; s < n; s++) {
        push_stage(L, mk->m, s);
        lua_rawseti(L, -2, s + 1);
    }
    return 1;
}

/* market:stage_find(name) -> index */
static int m_stage_find(lua_State *L)
{
    lmtl_market *mk = lmtl_check_market(L, 1);
    int32_t s;
    mtl_status st = mtl_market_stage_find(&s, mk->m, lmtl_checkcstring(L, 2));
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    lua_pushinteger(L, s);
    return 1;
}

enum { MC_SEGMENTS, MC_CUSTOMERS, MC_LEADS, MC_MEMORY, MC_MINOR, MC_STAGES };
static const char *const market_counters[] = {
    "segment_count", "customer_count", "lead_count", "memory_used",
    "minor_per_major", "stage_count", NULL
};

static int m_counter(lua_State *L)
{
    const mtl_market *m = lmtl_check_market(L, 1)->m;
    lua_Integer v;
    switch (lua_tointeger(L, lua_upvalueindex(1))) {
    case MC_SEGMENTS: v = (lua_Integer)mtl_market_segment_count(m); break;
    case MC_CUSTOMERS: v = (lua_Integer)mtl_market_customer_count(m); break;
    case MC_LEADS: v = (lua_Integer)mtl_market_lead_count(m); break;
    case MC_MEMORY: v = (lua_Integer)mtl_market_memory_used(m); break;
    case MC_MINOR: v = mtl_market_minor_per_major(m); break;
    default: v = mtl_market_stage_count(m); break;
    }
    lua_pushinteger(L, v);
    return 1;
}

/* market:close(), __close, __gc: release the market (idempotent). */
static int m_close(lua_State *L)
{
    lmtl_market *mk = lmtl_check_market_any(L, 1);
    if (mk->m) {
        mtl_market_unref(mk->m);
        mk->m = NULL;
    }
    return 0;
}

static int m_is_closed(lua_State *L)
{
    lua_pushboolean(L, lmtl_check_market_any(L, 1)->m == NULL);
    return 1;
}

static int m_tostring(lua_State *L)
{
    lmtl_market *mk = lmtl_check_market_any(L, 1);
    if (!mk->m)
        lua_pushstring(L, "mtl.market (closed)");
    else
        lua_pushfstring(L, "mtl.market (%I segments, %I customers, %I leads): %p",
                        (lua_Integer)mtl_market_segment_count(mk->m),
                        (lua_Integer)mtl_market_customer_count(mk->m),
                        (lua_Integer)mtl_market_lead_count(mk->m), (void *)mk);
    return 1;
}

static const luaL_Reg market_methods[] = {
    { "close", m_close },
    { "is_closed", m_is_closed },
    { "stage", m_stage },
    { "stages", m_stages },
    { "stage_find", m_stage_find },
    { "add_lead", lmtl_lead_add },
    { "add_leads", lmtl_lead_add_columns },
    { "find_leads", lmtl_lead_find_many },
    { "import_csv", m_import_csv },
    { "import_csv_file", m_import_csv_file },
    { "export_csv", m_export_csv },
    { "export_csv_file", m_export_csv_file },
    { "write", m_write },
    { "save", m_save },
    { "funnel", lmtl_market_funnel },
    { "funnel_compute", lmtl_market_funnel_compute },
    { "funnel_stages", lmtl_market_funnel_stages },
    { "forecast", lmtl_market_forecast },
    { "target_tree", lmtl_market_target_tree },
    { "targets_from_history", lmtl_market_targets_from_history },
    { NULL, NULL }
};

static const luaL_Reg market_meta[] = {
    { "__gc", m_close },
    { "__close", m_close },
    { "__tostring", m_tostring },
    { NULL, NULL }
};

static const luaL_Reg market_functions[] = {
    { "market", l_market },
    { "from_csv", l_from_csv },
    { NULL, NULL }
};

void lmtl_open_market(lua_State *L)
{
    lmtl_new_class(L, LMTL_MARKET, market_methods, market_meta);
    luaL_getmetatable(L, LMTL_MARKET);
    lua_getfield(L, -1, "__index");
    lmtl_add_closures(L, -1, market_counters, m_counter, "");
    lua_pop(L, 2);
    luaL_setfuncs(L, market_functions, 0);
    lua_pushboolean(L, 0);
    lua_pushcclosure(L, l_read, 1);
    lua_setfield(L, -2, "read");
    lua_pushboolean(L, 1);
    lua_pushcclosure(L, l_read, 1);
    lua_setfield(L, -2, "load");
}
