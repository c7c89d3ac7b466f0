/*
 * lmtl.c: the Lua 5.4 module "mtl" — module table, errors, option
 * tables, enum names, dates, buffers, and the API coverage table.
 *
 * Conventions of the whole binding (docs/bindings.md, "Lua"):
 *  - expected failures (a status from the library, or an id or stage name
 *    that does not exist) return nil, message, status, detail: status is
 *    the name ("MTL_E_RANGE"), detail a table {code, status, message,
 *    line, column} (line and column 0 without a position);
 *  - programming errors raise: wrong argument types, unknown option keys
 *    or enum names, a closed market, a removed or closed record handle.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lmtl.h"

/* ---- enums -------------------------------------------------------------- */

const lmtl_enum lmtl_outcomes[] = {
    { "open", MTL_OUTCOME_OPEN }, { "won", MTL_OUTCOME_WON },
    { "lost", MTL_OUTCOME_LOST }, { NULL, 0 }
};
const lmtl_enum lmtl_lead_statuses[] = {
    { "new", MTL_LEAD_STATUS_NEW }, { "nurture", MTL_LEAD_STATUS_NURTURE },
    { "converted", MTL_LEAD_STATUS_CONVERTED },
    { "closed", MTL_LEAD_STATUS_CLOSED }, { NULL, 0 }
};
const lmtl_enum lmtl_categories[] = {
    { "pipeline", MTL_CATEGORY_PIPELINE }, { "best_case", MTL_CATEGORY_BEST_CASE },
    { "commit", MTL_CATEGORY_COMMIT }, { "closed", MTL_CATEGORY_CLOSED },
    { "omitted", MTL_CATEGORY_OMITTED }, { NULL, 0 }
};
const lmtl_enum lmtl_decisions[] = {
    { "satisfied", MTL_DECISION_SATISFIED },
    { "recognition", MTL_DECISION_RECOGNITION },
    { "decision", MTL_DECISION_DECISION }, { "criteria", MTL_DECISION_CRITERIA },
    { "evaluation", MTL_DECISION_EVALUATION },
    { "selection", MTL_DECISION_SELECTION },
    { "reevaluation", MTL_DECISION_REEVALUATION }, { NULL, 0 }
};
const lmtl_enum lmtl_grades[] = {
    { "strategic", MTL_GRADE_STRATEGIC }, { "partner", MTL_GRADE_PARTNER },
    { "commercial", MTL_GRADE_COMMERCIAL }, { "general", MTL_GRADE_GENERAL },
    { NULL, 0 }
};
const lmtl_enum lmtl_kinds[] = {
    { "leads", MTL_KIND_LEADS }, { "customers", MTL_KIND_CUSTOMERS },
    { "segments", MTL_KIND_SEGMENTS }, { "looks", MTL_KIND_LOOKS },
    { "factors", MTL_KIND_FACTORS }, { "appeals", MTL_KIND_APPEALS },
    { "control_points", MTL_KIND_CONTROL_POINTS }, { "pains", MTL_KIND_PAINS },
    { "contacts", MTL_KIND_CONTACTS }, { "relationships", MTL_KIND_RELATIONSHIPS },
    { "answers", MTL_KIND_ANSWERS }, { NULL, 0 }
};

static const lmtl_enum *enum_find(const lmtl_enum *e, const char *name)
{
    for (; e->name; e++)
        if (strcmp(e->name, name) == 0)
            return e;
    return NULL;
}

int32_t lmtl_check_enum(lua_State *L, int idx, const lmtl_enum *e,
                        const char *what)
{
    if (lua_type(L, idx) == LUA_TSTRING) {
        const lmtl_enum *hit = enum_find(e, lua_tostring(L, idx));
        if (!hit)
            return (int32_t)luaL_argerror(L, idx, lua_pushfstring(L,
                "unknown %s '%s'", what, lua_tostring(L, idx)));
        return hit->value;
    }
    if (lua_isinteger(L, idx)) {
        lua_Integer v = lua_tointeger(L, idx);
        /* Out of int32_t: pass a value the library refuses (MTL_E_RANGE). */
        return (v < INT32_MIN || v > INT32_MAX) ? INT32_MAX : (int32_t)v;
    }
    return (int32_t)luaL_typeerror(L, idx, what);
}

int32_t lmtl_opt_enum(lua_State *L, int idx, const lmtl_enum *e,
                      const char *what, int32_t def)
{
    if (lua_isnoneornil(L, idx))
        return def;
    return lmtl_check_enum(L, idx, e, what);
}

void lmtl_push_enum(lua_State *L, const lmtl_enum *e, int32_t value,
                    int32_t none)
{
    if (value == none) {
        lua_pushnil(L);
        return;
    }
    for (; e->name; e++)
        if (e->value == value) {
            lua_pushstring(L, e->name);
            return;
        }
    lua_pushinteger(L, value);
}

int32_t lmtl_optenum(lua_State *L, int idx, const char *key,
                     const lmtl_enum *e, int32_t def)
{
    int32_t v;
    lmtl_getopt(L, idx, key);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return def;
    }
    if (lua_type(L, -1) == LUA_TSTRING) {
        const lmtl_enum *hit = enum_find(e, lua_tostring(L, -1));
        if (!hit)
            luaL_error(L, "bad option '%s' (unknown value '%s')", key,
                       lua_tostring(L, -1));
        v = hit->value;
    } else if (lua_isinteger(L, -1)) {
        lua_Integer i = lua_tointeger(L, -1);
        v = (i < INT32_MIN || i > INT32_MAX) ? INT32_MAX : (int32_t)i;
    } else {
        v = 0;
        luaL_error(L, "bad option '%s' (string expected, got %s)", key,
                   luaL_typename(L, -1));
    }
    lua_pop(L, 1);
    return v;
}

/* ---- failures ------------------------------------------------------------ */

static void push_detail_with(lua_State *L, mtl_status st, const char *message,
                             int64_t line, int64_t column)
{
    lua_createtable(L, 0, 5);
    lmtl_setint(L, "code", st);
    lmtl_setstr(L, "status", mtl_status_string(st));
    lmtl_setstr(L, "message", message);
    lmtl_setint(L, "line", line);
    lmtl_setint(L, "column", column);
}

void lmtl_push_detail(lua_State *L, mtl_status st)
{
    push_detail_with(L, st, mtl_last_error_message(), mtl_last_error_line(),
                     mtl_last_error_column());
}

int lmtl_fail(lua_State *L, mtl_status st)
{
    lua_pushnil(L);
    lua_pushstring(L, mtl_last_error_message());
    lua_pushstring(L, mtl_status_string(st));
    lmtl_push_detail(L, st);
    return 4;
}

int lmtl_fail_msg(lua_State *L, mtl_status st, int64_t line, int64_t column,
                  const char *fmt, ...)
{
    char msg[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    lua_pushnil(L);
    lua_pushstring(L, msg);
    lua_pushstring(L, mtl_status_string(st));
    push_detail_with(L, st, msg, line, column);
    return 4;
}

int lmtl_self(lua_State *L, mtl_status st)
{
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    lua_settop(L, 1);
    return 1;
}

int lmtl_ok(lua_State *L, mtl_status st)
{
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    lua_pushboolean(L, 1);
    return 1;
}

/* ---- arguments and option tables ----------------------------------------- */

const char *lmtl_checkcstring(lua_State *L, int idx)
{
    size_t len;
    const char *s = luaL_checklstring(L, idx, &len);
    if (strlen(s) != len)
        luaL_argerror(L, idx, "string contains a zero byte");
    return s;
}

const char *lmtl_optcstring(lua_State *L, int idx, const char *def)
{
    if (lua_isnoneornil(L, idx))
        return def;
    return lmtl_checkcstring(L, idx);
}

/* Start a lua_next loop over the optional table argument at *idx: 0 for
 * none or nil; else *idx is made absolute and the first key (nil) pushed. */
static int begin_table(lua_State *L, int *idx)
{
    if (lua_isnoneornil(L, *idx))
        return 0;
    luaL_checktype(L, *idx, LUA_TTABLE);
    *idx = lua_absindex(L, *idx);
    lua_pushnil(L);
    return 1;
}

void lmtl_check_options(lua_State *L, int idx, const char *const names[])
{
    if (!begin_table(L, &idx))
        return;
    while (lua_next(L, idx)) {
        int known = 0;
        size_t i;
        lua_pop(L, 1);
        if (lua_type(L, -1) == LUA_TSTRING)
            for (i = 0; names[i] && !known; i++)
                known = strcmp(names[i], lua_tostring(L, -1)) == 0;
        if (!known)
            luaL_argerror(L, idx, lua_pushfstring(L, "unknown option '%s'",
                          luaL_tolstring(L, -1, NULL)));
    }
}

int lmtl_getopt(lua_State *L, int idx, const char *key)
{
    if (lua_type(L, idx) != LUA_TTABLE) {
        lua_pushnil(L);
        return LUA_TNIL;
    }
    return lua_getfield(L, idx, key);
}

lua_Integer lmtl_optint(lua_State *L, int idx, const char *key, lua_Integer def)
{
    lua_Integer v = def;
    int isint = 0;
    if (lmtl_getopt(L, idx, key) != LUA_TNIL) {
        v = lua_tointegerx(L, -1, &isint);
        if (!isint)
            luaL_error(L, "bad option '%s' (integer expected, got %s)", key,
                       lua_type(L, -1) == LUA_TNUMBER ? "non-integer number"
                                                      : luaL_typename(L, -1));
    }
    lua_pop(L, 1);
    return v;
}

lua_Number lmtl_optnum(lua_State *L, int idx, const char *key, lua_Number def)
{
    lua_Number v = def;
    if (lmtl_getopt(L, idx, key) != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TNUMBER)
            luaL_error(L, "bad option '%s' (number expected, got %s)", key,
                       luaL_typename(L, -1));
        v = lua_tonumber(L, -1);
    }
    lua_pop(L, 1);
    return v;
}

int lmtl_optbool(lua_State *L, int idx, const char *key, int def)
{
    int v = def;
    if (lmtl_getopt(L, idx, key) != LUA_TNIL)
        v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

const char *lmtl_optstr(lua_State *L, int idx, const char *key)
{
    const char *s = NULL;
    int t = lmtl_getopt(L, idx, key);
    if (t == LUA_TSTRING) {
        size_t len;
        s = lua_tolstring(L, -1, &len);
        if (strlen(s) != len)
            luaL_error(L, "bad option '%s' (string contains a zero byte)", key);
    } else if (t != LUA_TNIL) {
        luaL_error(L, "bad option '%s' (string expected, got %s)", key,
                   luaL_typename(L, -1));
    }
    /* A string read from the table stays valid while the table holds it,
     * and the options table is an argument of the running call. */
    lua_pop(L, 1);
    return s;
}

/* ---- dates ---------------------------------------------------------------- */

mtl_status lmtl_to_date(lua_State *L, int idx, int32_t *out)
{
    size_t len;
    const char *s;
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
    case LUA_TNONE:
        *out = MTL_DATE_NONE;
        return MTL_OK;
    case LUA_TSTRING:
        s = lua_tolstring(L, idx, &len);
        return mtl_date_parse(out, s, len);
    default:
        break;
    }
    if (lua_isinteger(L, idx)) {
        lua_Integer v = lua_tointeger(L, idx);
        *out = (v < INT32_MIN || v > INT32_MAX) ? INT32_MAX : (int32_t)v;
        return MTL_OK;
    }
    return (mtl_status)luaL_typeerror(L, idx, "date (YYYY-MM-DD or day number)");
}

void lmtl_push_date(lua_State *L, int32_t day)
{
    char buf[16];
    if (day == MTL_DATE_NONE || mtl_date_format(buf, sizeof buf, day) != MTL_OK)
        lua_pushnil(L);
    else
        lua_pushstring(L, buf);
}

mtl_status lmtl_optdate(lua_State *L, int idx, const char *key, int32_t def,
                        int32_t *out)
{
    mtl_status st = MTL_OK;
    *out = def;
    if (lmtl_getopt(L, idx, key) != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TSTRING && !lua_isinteger(L, -1))
            luaL_error(L, "bad option '%s' (date expected, got %s)", key,
                       luaL_typename(L, -1));
        st = lmtl_to_date(L, -1, out);
    }
    lua_pop(L, 1);
    return st;
}

/* ---- table fields ----------------------------------------------------------- */

void lmtl_setint(lua_State *L, const char *key, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, key);
}

void lmtl_setnum(lua_State *L, const char *key, lua_Number v)
{
    lua_pushnumber(L, v);
    lua_setfield(L, -2, key);
}

void lmtl_setstr(lua_State *L, const char *key, const char *v)
{
    lua_pushstring(L, v);
    lua_setfield(L, -2, key);
}

void lmtl_setbool(lua_State *L, const char *key, int v)
{
    lua_pushboolean(L, v);
    lua_setfield(L, -2, key);
}

void lmtl_setdate(lua_State *L, const char *key, int32_t day)
{
    lmtl_push_date(L, day);
    lua_setfield(L, -2, key);
}

void lmtl_set_struct(lua_State *L, const void *s, const lmtl_field *f)
{
    const char *base = s;
    for (; f->name; f++) {
        const void *p = base + f->offset;
        int64_t i64;
        int32_t i32;
        double d;
        const char *str;
        switch (f->type) {
        case LMTL_I64:
        case LMTL_I64_NONE:
        case LMTL_LINK:
            memcpy(&i64, p, sizeof i64);
            if ((f->type == LMTL_I64_NONE && i64 == INT64_MIN)
                || (f->type == LMTL_LINK && i64 < 0))
                continue;
            lua_pushinteger(L, i64);
            break;
        case LMTL_I32:
            memcpy(&i32, p, sizeof i32);
            lua_pushinteger(L, i32);
            break;
        case LMTL_DATE:
            memcpy(&i32, p, sizeof i32);
            lmtl_push_date(L, i32);
            break;
        case LMTL_F64:
        case LMTL_F64_OPT:
            memcpy(&d, p, sizeof d);
            if (f->type == LMTL_F64_OPT && d != d)
                continue;
            lua_pushnumber(L, d);
            break;
        case LMTL_SIZE:
        case LMTL_POS: {
            size_t z;
            memcpy(&z, p, sizeof z);
            lua_pushinteger(L, (lua_Integer)z + (f->type == LMTL_POS));
            break;
        }
        case LMTL_BOOL:
            memcpy(&i32, p, sizeof i32);
            lua_pushboolean(L, i32 != 0);
            break;
        case LMTL_ENUM:
        case LMTL_ENUM_OPT:
            memcpy(&i32, p, sizeof i32);
            if (f->type == LMTL_ENUM_OPT && i32 == 0)
                continue;
            lmtl_push_enum(L, f->aux, i32, INT32_MIN);
            break;
        case LMTL_BITS: {
            const lmtl_enum *e;
            uint32_t bits;
            lua_Integer n = 0;
            memcpy(&bits, p, sizeof bits);
            lua_newtable(L);
            lmtl_mark_array(L);
            for (e = f->aux; e->name; e++)
                if (e->value >= 0 && e->value < 32 && (bits & (UINT32_C(1) << e->value))) {
                    lua_pushstring(L, e->name);
                    lua_rawseti(L, -2, ++n);
                }
            break;
        }
        case LMTL_F64_NAMED:
        case LMTL_I64_NAMED: {
            const char *const *names = f->aux;
            size_t i;
            lua_newtable(L);
            for (i = 0; names[i]; i++) {
                if (f->type == LMTL_F64_NAMED) {
                    memcpy(&d, (const char *)p + i * sizeof d, sizeof d);
                    if (d != d)
                        continue;
                    lua_pushnumber(L, d);
                } else {
                    memcpy(&i64, (const char *)p + i * sizeof i64, sizeof i64);
                    lua_pushinteger(L, i64);
                }
                lua_setfield(L, -2, names[i]);
            }
            break;
        }
        case LMTL_SCORE:
            lmtl_push_score(L, p);
            break;
        default:
            memcpy(&str, p, sizeof str);
            if (f->type == LMTL_STR_OPT && (!str || !*str))
                continue;
            lua_pushstring(L, str);
            break;
        }
        lua_setfield(L, -2, f->name);
    }
}

void lmtl_push_score(lua_State *L, const mtl_score *s)
{
    size_t i;
    lua_createtable(L, 0, 2);
    lmtl_setnum(L, "value", s->value);
    lua_createtable(L, (int)s->term_count, 0);
    lmtl_mark_array(L);
    for (i = 0; i < s->term_count; i++) {
        const mtl_term *term = &s->terms[i];
        lua_createtable(L, 0, 4);
        lmtl_setstr(L, "factor", term->factor);
        lmtl_setnum(L, "weight", term->weight);
        lmtl_setnum(L, "value", term->value);
        lmtl_setnum(L, "contribution", term->contribution);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "terms");
}

/* ---- table fields into structs ------------------------------------------- */

/* The value at vidx as an int32_t code of e: a name or an integer (passed
 * through, out of range as a value the library refuses). */
static int32_t field_enum(lua_State *L, int vidx, const lmtl_enum *e,
                          const char *what, const char *key)
{
    const lmtl_enum *hit;
    if (lua_isinteger(L, vidx)) {
        lua_Integer v = lua_tointeger(L, vidx);
        return (v < INT32_MIN || v > INT32_MAX) ? INT32_MAX : (int32_t)v;
    }
    if (lua_type(L, vidx) != LUA_TSTRING)
        return (int32_t)luaL_error(L, "bad %s '%s' (name expected, got %s)", what,
                                   key, luaL_typename(L, vidx));
    if (!(hit = enum_find(e, lua_tostring(L, vidx))))
        return (int32_t)luaL_error(L, "bad %s '%s' (unknown value '%s')", what, key,
                                   lua_tostring(L, vidx));
    return hit->value;
}

static lua_Integer field_integer(lua_State *L, int vidx, const char *what,
                                 const char *key)
{
    int isint;
    lua_Integer v = lua_tointegerx(L, vidx, &isint);
    if (!isint)
        luaL_error(L, "bad %s '%s' (integer expected, got %s)", what, key,
                   lua_type(L, vidx) == LUA_TNUMBER ? "non-integer number"
                                                    : luaL_typename(L, vidx));
    return v;
}

/* A number; false is NaN (not known, no gate). */
static double field_number(lua_State *L, int vidx, const char *what, const char *key)
{
    if (lua_type(L, vidx) == LUA_TBOOLEAN && !lua_toboolean(L, vidx))
        return NAN;
    if (lua_type(L, vidx) != LUA_TNUMBER)
        luaL_error(L, "bad %s '%s' (number expected, got %s)", what, key,
                   luaL_typename(L, vidx));
    return lua_tonumber(L, vidx);
}

/* An array field from a list (1 ... n) and/or a map by the names. */
static void field_named(lua_State *L, int vidx, char *p, const lmtl_field *f,
                        const char *what)
{
    const char *const *names = f->aux;
    size_t n = 0;
    if (lua_type(L, vidx) != LUA_TTABLE)
        luaL_error(L, "bad %s '%s' (table expected, got %s)", what, f->name,
                   luaL_typename(L, vidx));
    while (names[n])
        n++;
    lua_pushnil(L);
    while (lua_next(L, vidx)) {
        size_t i = n;
        if (lua_isinteger(L, -2)) {
            lua_Integer k = lua_tointeger(L, -2);
            if (k >= 1 && (lua_Unsigned)k <= n)
                i = (size_t)(k - 1);
        } else if (lua_type(L, -2) == LUA_TSTRING) {
            for (i = 0; i < n && strcmp(names[i], lua_tostring(L, -2)) != 0; i++)
                ;
        }
        if (i == n)
            luaL_error(L, "bad %s '%s' (unknown key '%s')", what, f->name,
                       luaL_tolstring(L, -2, NULL));
        if (f->type == LMTL_F64_NAMED) {
            double d = field_number(L, lua_gettop(L), what, names[i]);
            memcpy(p + i * sizeof d, &d, sizeof d);
        } else {
            int64_t v = field_integer(L, lua_gettop(L), what, names[i]);
            memcpy(p + i * sizeof v, &v, sizeof v);
        }
        lua_pop(L, 1);
    }
}

void lmtl_get_value(lua_State *L, int vidx, void *dest, const lmtl_field *f,
                    const char *what)
{
    char *p = dest;
    int64_t i64;
    int32_t i32;
    double d;
    const char *str;
    vidx = lua_absindex(L, vidx);
    switch (f->type) {
    case LMTL_I64:
    case LMTL_LINK:
    case LMTL_I64_NONE:
        i64 = field_integer(L, vidx, what, f->name);
        memcpy(p, &i64, sizeof i64);
        break;
    case LMTL_I32: {
        lua_Integer v = field_integer(L, vidx, what, f->name);
        i32 = (v < INT32_MIN || v > INT32_MAX) ? INT32_MAX : (int32_t)v;
        memcpy(p, &i32, sizeof i32);
        break;
    }
    case LMTL_F64:
    case LMTL_F64_OPT:
        d = field_number(L, vidx, what, f->name);
        memcpy(p, &d, sizeof d);
        break;
    case LMTL_BOOL:
        if (lua_type(L, vidx) == LUA_TBOOLEAN)
            i32 = lua_toboolean(L, vidx);
        else
            i32 = (int32_t)field_integer(L, vidx, what, f->name);
        memcpy(p, &i32, sizeof i32);
        break;
    case LMTL_ENUM:
    case LMTL_ENUM_OPT:
        i32 = field_enum(L, vidx, f->aux, what, f->name);
        memcpy(p, &i32, sizeof i32);
        break;
    case LMTL_BITS: {
        uint32_t bits = 0;
        lua_Integer k;
        if (lua_isinteger(L, vidx)) {
            bits = (uint32_t)lua_tointeger(L, vidx);
        } else {
            if (lua_type(L, vidx) != LUA_TTABLE)
                luaL_error(L, "bad %s '%s' (list of names expected, got %s)", what,
                           f->name, luaL_typename(L, vidx));
            for (k = 1; lua_rawgeti(L, vidx, k) != LUA_TNIL; k++) {
                int32_t code = field_enum(L, -1, f->aux, what, f->name);
                bits |= code >= 0 && code < 32 ? UINT32_C(1) << code : UINT32_MAX;
                lua_pop(L, 1);
            }
            lua_pop(L, 1);
        }
        memcpy(p, &bits, sizeof bits);
        break;
    }
    case LMTL_F64_NAMED:
    case LMTL_I64_NAMED:
        field_named(L, vidx, p, f, what);
        break;
    case LMTL_STR:
    case LMTL_STR_OPT: {
        size_t len;
        if (lua_type(L, vidx) != LUA_TSTRING)
            luaL_error(L, "bad %s '%s' (string expected, got %s)", what, f->name,
                       luaL_typename(L, vidx));
        str = lua_tolstring(L, vidx, &len);
        if (strlen(str) != len)
            luaL_error(L, "bad %s '%s' (string contains a zero byte)", what, f->name);
        memcpy(p, &str, sizeof str);
        break;
    }
    default:
        luaL_error(L, "bad %s '%s' (read-only)", what, f->name);
        break;
    }
}

void lmtl_get_struct(lua_State *L, int idx, void *s, const lmtl_field *fields,
                     const char *what)
{
    if (!begin_table(L, &idx))
        return;
    while (lua_next(L, idx)) {
        const lmtl_field *f = fields;
        if (lua_type(L, -2) == LUA_TSTRING)
            while (f->name && strcmp(f->name, lua_tostring(L, -2)) != 0)
                f++;
        if (lua_type(L, -2) != LUA_TSTRING || !f->name)
            luaL_argerror(L, idx, lua_pushfstring(L, "unknown %s '%s'", what,
                          luaL_tolstring(L, -2, NULL)));
        lmtl_get_value(L, -1, (char *)s + f->offset, f, what);
        lua_pop(L, 1);
    }
}

typedef struct sort_key {
    const char *text;
    size_t len;
    lua_Integer pos;
} sort_key;

static int sort_key_cmp(const void *a, const void *b)
{
    const sort_key *x = a, *y = b;
    int c = memcmp(x->text, y->text, x->len < y->len ? x->len : y->len);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

int lmtl_sorted_keys(lua_State *L, int idx, int numbers_ok, const char *what)
{
    int keys, texts, n = 0, i;
    sort_key *k;
    idx = lua_absindex(L, idx);
    lua_newtable(L);
    keys = lua_gettop(L);
    lua_newtable(L); /* keeps the text of number keys alive */
    texts = keys + 1;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        int t = lua_type(L, -2);
        lua_pop(L, 1);
        if (t != LUA_TSTRING && !(numbers_ok && t == LUA_TNUMBER))
            return luaL_error(L, "%s: %s keys expected, got %s", what,
                              numbers_ok ? "string or number" : "string",
                              luaL_typename(L, -1));
        lua_pushvalue(L, -1);
        lua_rawseti(L, keys, ++n);
    }
    k = lmtl_array(L, (size_t)n, sizeof *k);
    for (i = 0; i < n; i++) {
        lua_rawgeti(L, keys, i + 1);
        k[i].text = lua_tolstring(L, -1, &k[i].len); /* numbers: converted */
        k[i].pos = i + 1;
        lua_rawseti(L, texts, i + 1);
    }
    qsort(k, (size_t)n, sizeof *k, sort_key_cmp);
    lua_createtable(L, n, 0);
    for (i = 0; i < n; i++) {
        lua_rawgeti(L, keys, k[i].pos);
        lua_rawseti(L, -2, i + 1);
    }
    lua_replace(L, keys);
    lua_settop(L, keys);
    return n;
}

void lmtl_mark_array(lua_State *L)
{
    luaL_setmetatable(L, LMTL_ARRAY);
}

/* mtl.array(t) -> t, marked as a JSON array (an empty t encodes as []) */
static int l_array(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    lmtl_mark_array(L);
    return 1;
}

/* ---- temporaries and buffers -------------------------------------------------- */

static int temp_gc(lua_State *L)
{
    lmtl_box *b = luaL_checkudata(L, 1, LMTL_TEMP);
    if (b->p && b->destroy)
        b->destroy(b->p);
    b->p = NULL;
    return 0;
}

lmtl_box *lmtl_temp(lua_State *L, void (*destroy)(void *))
{
    lmtl_box *b = lua_newuserdatauv(L, sizeof *b, 0);
    b->p = NULL;
    b->destroy = destroy;
    luaL_setmetatable(L, LMTL_TEMP);
    return b;
}

void *lmtl_array(lua_State *L, size_t n, size_t sz)
{
    if (n > (SIZE_MAX - 16) / (sz ? sz : 1))
        luaL_error(L, "not enough memory");
    return lua_newuserdatauv(L, n ? n * sz : 1, 0);
}

static void buf_free(void *p)
{
    lmtl_buf *b = p;
    free(b->data);
    free(b);
}

lmtl_buf *lmtl_buf_new(lua_State *L)
{
    lmtl_box *box = lmtl_temp(L, buf_free);
    lmtl_buf *b = calloc(1, sizeof *b);
    if (!b)
        luaL_error(L, "not enough memory");
    box->p = b;
    return b;
}

int32_t lmtl_buf_write(const void *data, size_t len, void *user_data)
{
    lmtl_buf *b = user_data;
    if (len > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 4096;
        char *p;
        while (cap - b->len < len) {
            if (cap > SIZE_MAX / 2) {
                b->oom = 1;
                return 1;
            }
            cap *= 2;
        }
        p = realloc(b->data, cap);
        if (!p) {
            b->oom = 1;
            return 1;
        }
        b->data = p;
        b->cap = cap;
    }
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    return 0;
}

int lmtl_buf_result(lua_State *L, lmtl_buf *b, mtl_status st)
{
    if (b->oom)
        return luaL_error(L, "not enough memory");
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    lua_pushlstring(L, b->data ? b->data : "", b->len);
    return 1;
}

void *lmtl_limit_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    lmtl_market *mk = ud;
    void *p;
    if (nsize == 0) {
        free(ptr);
        mk->used -= osize;
        return NULL;
    }
    if (nsize > osize && nsize - osize > mk->limit - mk->used)
        return NULL;
    p = realloc(ptr, nsize);
    if (p)
        mk->used = mk->used - osize + nsize;
    return p;
}

/* ---- classes ------------------------------------------------------------------ */

void lmtl_new_class(lua_State *L, const char *tname, const luaL_Reg *methods,
                    const luaL_Reg *meta)
{
    luaL_newmetatable(L, tname);
    luaL_setfuncs(L, meta, 0);
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}

/* Register per-field closures: names[i] -> fn with upvalue i. */
void lmtl_add_closures(lua_State *L, int methods_idx, const char *const names[],
                       lua_CFunction fn, const char *prefix)
{
    int i;
    methods_idx = lua_absindex(L, methods_idx);
    for (i = 0; names[i]; i++) {
        if (!names[i][0])
            continue;
        lua_pushinteger(L, i);
        lua_pushcclosure(L, fn, 1);
        lua_pushfstring(L, "%s%s", prefix, names[i]);
        lua_insert(L, -2);
        lua_settable(L, methods_idx);
    }
}

/* ---- module functions ------------------------------------------------------------ */

static int l_version(lua_State *L)
{
    lua_pushstring(L, mtl_version_string());
    lua_pushinteger(L, mtl_version_number());
    return 2;
}

static int l_status_string(lua_State *L)
{
    lua_Integer code = luaL_checkinteger(L, 1);
    lua_pushstring(L, mtl_status_string(
        (code < INT32_MIN || code > INT32_MAX) ? INT32_MAX : (mtl_status)code));
    return 1;
}

/* mtl.last_error(): the thread's last failure as a detail table. */
static int l_last_error(lua_State *L)
{
    lmtl_push_detail(L, mtl_last_error_status());
    return 1;
}

static int32_t check_int32(lua_State *L, int idx)
{
    lua_Integer v = luaL_checkinteger(L, idx);
    luaL_argcheck(L, v >= INT32_MIN && v <= INT32_MAX, idx, "out of range");
    return (int32_t)v;
}

static int l_date_parse(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    int32_t day;
    mtl_status st = mtl_date_parse(&day, s, len);
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    lua_pushinteger(L, day);
    return 1;
}

static int l_date_format(lua_State *L)
{
    char buf[16];
    mtl_status st = mtl_date_format(buf, sizeof buf, check_int32(L, 1));
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    lua_pushstring(L, buf);
    return 1;
}

static int l_date_from_ymd(lua_State *L)
{
    int32_t day;
    mtl_status st = mtl_date_from_ymd(&day, check_int32(L, 1), check_int32(L, 2),
                                      check_int32(L, 3));
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    lua_pushinteger(L, day);
    return 1;
}

static int l_date_to_ymd(lua_State *L)
{
    int32_t y, m, d;
    mtl_status st = mtl_date_to_ymd(check_int32(L, 1), &y, &m, &d);
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    lua_pushinteger(L, y);
    lua_pushinteger(L, m);
    lua_pushinteger(L, d);
    return 3;
}

/* Which Lua function reaches each exported C function (lib/libmtl.map).
 * "mtl.f" is a module function, "type:method" a method of a handle type
 * (market, segment, customer, lead, funnel, forecast, tree).  The tests
 * compare it with the map and call every Lua name listed. */
static const char *const coverage[][2] = {
    { "mtl_appeals_rating_init", "segment:add_appeals" },
    { "mtl_bon_compute", "market:bon" },
    { "mtl_bon_destroy", "market:bon" },
    { "mtl_bon_group_at", "market:bon" },
    { "mtl_bon_group_count", "market:bon" },
    { "mtl_bon_layer_at", "market:bon" },
    { "mtl_bon_options_init", "market:bon" },
    { "mtl_bon_pain_at", "market:bon" },
    { "mtl_contact_init", "customer:add_contact" },
    { "mtl_control_point_init", "segment:add_control_point" },
    { "mtl_criterion_name", "lead:answers" },
    { "mtl_criterion_question", "lead:answers" },
    { "mtl_csv_export", "market:export_csv" },
    { "mtl_csv_export_file", "market:export_csv_file" },
    { "mtl_csv_import", "market:import_csv" },
    { "mtl_csv_import_file", "market:import_csv_file" },
    { "mtl_csv_options_init", "market:import_csv" },
    { "mtl_csv_result_init", "market:import_csv" },
    { "mtl_customer_add", "market:add_customer" },
    { "mtl_customer_add_contact", "customer:add_contact" },
    { "mtl_customer_add_pain", "customer:add_pain" },
    { "mtl_customer_clear_contacts", "customer:clear_contacts" },
    { "mtl_customer_clear_pains", "customer:clear_pains" },
    { "mtl_customer_contact_at", "customer:contacts" },
    { "mtl_customer_contact_count", "customer:contacts" },
    { "mtl_customer_find", "market:customer" },
    { "mtl_customer_grade", "customer:grade" },
    { "mtl_customer_id", "customer:id" },
    { "mtl_customer_investment", "customer:investment" },
    { "mtl_customer_market", "customer:market" },
    { "mtl_customer_name", "customer:name" },
    { "mtl_customer_next", "market:customers" },
    { "mtl_customer_owner", "customer:owner" },
    { "mtl_customer_pain_at", "customer:pains" },
    { "mtl_customer_pain_count", "customer:pains" },
    { "mtl_customer_participation", "customer:participation" },
    { "mtl_customer_region", "customer:region" },
    { "mtl_customer_relationship", "customer:relationship" },
    { "mtl_customer_remove", "customer:remove" },
    { "mtl_customer_revenue", "customer:revenue" },
    { "mtl_customer_segment", "customer:segment" },
    { "mtl_customer_set_grade", "customer:set_grade" },
    { "mtl_customer_set_investment", "customer:set_investment" },
    { "mtl_customer_set_name", "customer:set_name" },
    { "mtl_customer_set_owner", "customer:set_owner" },
    { "mtl_customer_set_participation", "customer:set_participation" },
    { "mtl_customer_set_region", "customer:set_region" },
    { "mtl_customer_set_relationship", "customer:set_relationship" },
    { "mtl_customer_set_revenue", "customer:set_revenue" },
    { "mtl_customer_set_segment", "customer:set_segment" },
    { "mtl_date_format", "mtl.date_format" },
    { "mtl_date_from_ymd", "mtl.date_from_ymd" },
    { "mtl_date_parse", "mtl.date_parse" },
    { "mtl_date_to_ymd", "mtl.date_to_ymd" },
    { "mtl_forecast_create", "market:forecast" },
    { "mtl_forecast_deal_at", "forecast:deal" },
    { "mtl_forecast_deal_count", "forecast:deal_count" },
    { "mtl_forecast_distribution", "forecast:distribution" },
    { "mtl_forecast_expected_shortfall", "forecast:expected_shortfall" },
    { "mtl_forecast_options_init", "market:forecast" },
    { "mtl_forecast_probability_at_least", "forecast:probability_at_least" },
    { "mtl_forecast_quantile", "forecast:quantile" },
    { "mtl_forecast_ref", "forecast:ref" },
    { "mtl_forecast_summary_get", "forecast:summary" },
    { "mtl_forecast_unref", "forecast:close" },
    { "mtl_forecast_with_probability", "forecast:with_probability" },
    { "mtl_forecast_without", "forecast:without" },
    { "mtl_forecast_won_count_distribution", "forecast:won_count_distribution" },
    { "mtl_funnel_compute", "market:funnel_compute" },
    { "mtl_funnel_destroy", "funnel:close" },
    { "mtl_funnel_group_count", "funnel:group_count" },
    { "mtl_funnel_group_name", "funnel:group_name" },
    { "mtl_funnel_options_init", "market:funnel_compute" },
    { "mtl_funnel_plan_at", "funnel:plan" },
    { "mtl_funnel_stage_at", "funnel:stage" },
    { "mtl_funnel_stage_count", "funnel:stage_count" },
    { "mtl_funnel_stages", "market:funnel_stages" },
    { "mtl_funnel_summary_at", "funnel:summary" },
    { "mtl_grading_at", "market:grading" },
    { "mtl_grading_compute", "market:grading" },
    { "mtl_grading_count", "market:grading" },
    { "mtl_grading_destroy", "market:grading" },
    { "mtl_grading_options_init", "market:grading" },
    { "mtl_json_begin_array", "mtl.json_encode" },
    { "mtl_json_begin_object", "mtl.json_encode" },
    { "mtl_json_bool", "mtl.json_encode" },
    { "mtl_json_create", "mtl.json_encode" },
    { "mtl_json_destroy", "mtl.json_encode" },
    { "mtl_json_double", "mtl.json_encode" },
    { "mtl_json_end_array", "mtl.json_encode" },
    { "mtl_json_end_object", "mtl.json_encode" },
    { "mtl_json_finish", "mtl.json_encode" },
    { "mtl_json_int", "mtl.json_encode" },
    { "mtl_json_key", "mtl.json_encode" },
    { "mtl_json_key_len", "mtl.json_encode" },
    { "mtl_json_null", "mtl.json_encode" },
    { "mtl_json_string", "mtl.json_encode" },
    { "mtl_json_string_len", "mtl.json_encode" },
    { "mtl_last_error_column", "mtl.last_error" },
    { "mtl_last_error_line", "mtl.last_error" },
    { "mtl_last_error_message", "mtl.last_error" },
    { "mtl_last_error_status", "mtl.last_error" },
    { "mtl_lead_add", "market:add_lead" },
    { "mtl_lead_add_event", "lead:add_event" },
    { "mtl_lead_amount", "lead:amount" },
    { "mtl_lead_answer", "lead:answer" },
    { "mtl_lead_answer_count", "lead:answers" },
    { "mtl_lead_append_columns", "market:add_leads" },
    { "mtl_lead_attribute", "lead:attribute" },
    { "mtl_lead_attribute_at", "lead:attribute_at" },
    { "mtl_lead_attribute_count", "lead:attribute_count" },
    { "mtl_lead_category", "lead:category" },
    { "mtl_lead_clear_answers", "lead:clear_answers" },
    { "mtl_lead_clear_events", "lead:clear_events" },
    { "mtl_lead_closed", "lead:closed" },
    { "mtl_lead_columns_init", "market:add_leads" },
    { "mtl_lead_created", "lead:created" },
    { "mtl_lead_customer", "lead:customer" },
    { "mtl_lead_decision_step", "lead:decision_step" },
    { "mtl_lead_event_at", "lead:event_at" },
    { "mtl_lead_event_count", "lead:event_count" },
    { "mtl_lead_expected_close", "lead:expected_close" },
    { "mtl_lead_find", "market:lead" },
    { "mtl_lead_find_many", "market:find_leads" },
    { "mtl_lead_id", "lead:id" },
    { "mtl_lead_market", "lead:market" },
    { "mtl_lead_next", "market:leads" },
    { "mtl_lead_outcome", "lead:outcome" },
    { "mtl_lead_owner", "lead:owner" },
    { "mtl_lead_probability", "lead:probability" },
    { "mtl_lead_region", "lead:region" },
    { "mtl_lead_remove", "lead:remove" },
    { "mtl_lead_segment", "lead:segment" },
    { "mtl_lead_set_amount", "lead:set_amount" },
    { "mtl_lead_set_answer", "lead:set_answer" },
    { "mtl_lead_set_attribute", "lead:set_attribute" },
    { "mtl_lead_set_category", "lead:set_category" },
    { "mtl_lead_set_closed", "lead:set_closed" },
    { "mtl_lead_set_created", "lead:set_created" },
    { "mtl_lead_set_customer", "lead:set_customer" },
    { "mtl_lead_set_decision_step", "lead:set_decision_step" },
    { "mtl_lead_set_expected_close", "lead:set_expected_close" },
    { "mtl_lead_set_outcome", "lead:set_outcome" },
    { "mtl_lead_set_owner", "lead:set_owner" },
    { "mtl_lead_set_probability", "lead:set_probability" },
    { "mtl_lead_set_region", "lead:set_region" },
    { "mtl_lead_set_segment", "lead:set_segment" },
    { "mtl_lead_set_source", "lead:set_source" },
    { "mtl_lead_set_stage", "lead:set_stage" },
    { "mtl_lead_set_stage_outcome", "lead:set_stage_outcome" },
    { "mtl_lead_set_status", "lead:set_status" },
    { "mtl_lead_source", "lead:source" },
    { "mtl_lead_stage", "lead:stage" },
    { "mtl_lead_status", "lead:status" },
    { "mtl_look_item_init", "segment:add_look" },
    { "mtl_market_create", "mtl.market" },
    { "mtl_market_customer_count", "market:customer_count" },
    { "mtl_market_lead_count", "market:lead_count" },
    { "mtl_market_load", "mtl.load" },
    { "mtl_market_memory_used", "market:memory_used" },
    { "mtl_market_minor_per_major", "market:minor_per_major" },
    { "mtl_market_options_init", "mtl.market" },
    { "mtl_market_read", "mtl.read" },
    { "mtl_market_ref", "market:import_csv" },
    { "mtl_market_save", "market:save" },
    { "mtl_market_segment_count", "market:segment_count" },
    { "mtl_market_stage_category", "market:stage" },
    { "mtl_market_stage_count", "market:stage_count" },
    { "mtl_market_stage_find", "market:stage_find" },
    { "mtl_market_stage_flags", "market:stage" },
    { "mtl_market_stage_name", "market:stage" },
    { "mtl_market_stage_phase", "market:stage" },
    { "mtl_market_stage_probability", "market:stage" },
    { "mtl_market_unref", "market:close" },
    { "mtl_market_write", "market:write" },
    { "mtl_pain_init", "segment:add_pain" },
    { "mtl_role_name", "market:grading" },
    { "mtl_segment_add", "market:add_segment" },
    { "mtl_segment_add_appeals", "segment:add_appeals" },
    { "mtl_segment_add_control_point", "segment:add_control_point" },
    { "mtl_segment_add_look", "segment:add_look" },
    { "mtl_segment_add_pain", "segment:add_pain" },
    { "mtl_segment_appeals_at", "segment:appeals" },
    { "mtl_segment_appeals_count", "segment:appeals" },
    { "mtl_segment_clear_appeals", "segment:clear_appeals" },
    { "mtl_segment_clear_control_points", "segment:clear_control_points" },
    { "mtl_segment_clear_looks", "segment:clear_looks" },
    { "mtl_segment_clear_pains", "segment:clear_pains" },
    { "mtl_segment_control_point_at", "segment:control_points" },
    { "mtl_segment_control_point_count", "segment:control_points" },
    { "mtl_segment_factors_get", "segment:factors" },
    { "mtl_segment_factors_init", "segment:set_factors" },
    { "mtl_segment_find", "market:segment" },
    { "mtl_segment_id", "segment:id" },
    { "mtl_segment_look_at", "segment:looks" },
    { "mtl_segment_look_count", "segment:looks" },
    { "mtl_segment_market", "segment:market" },
    { "mtl_segment_name", "segment:name" },
    { "mtl_segment_next", "market:segments" },
    { "mtl_segment_pain_at", "segment:pains" },
    { "mtl_segment_pain_count", "segment:pains" },
    { "mtl_segment_parent", "segment:parent" },
    { "mtl_segment_remove", "segment:remove" },
    { "mtl_segment_set_factors", "segment:set_factors" },
    { "mtl_segment_set_name", "segment:set_name" },
    { "mtl_segment_set_parent", "segment:set_parent" },
    { "mtl_stage_model_add", "mtl.market" },
    { "mtl_stage_model_count", "mtl.market" },
    { "mtl_stage_model_create", "mtl.market" },
    { "mtl_stage_model_create_default", "mtl.market" },
    { "mtl_stage_model_destroy", "mtl.market" },
    { "mtl_status_string", "mtl.status_string" },
    { "mtl_strategy_compute", "market:strategy" },
    { "mtl_strategy_control_point_at", "market:strategy" },
    { "mtl_strategy_destroy", "market:strategy" },
    { "mtl_strategy_look_at", "market:strategy" },
    { "mtl_strategy_options_init", "market:strategy" },
    { "mtl_strategy_segment_at", "market:strategy" },
    { "mtl_strategy_segment_count", "market:strategy" },
    { "mtl_target_evaluate_options_init", "tree:evaluate" },
    { "mtl_target_history_options_init", "market:targets_from_history" },
    { "mtl_target_inputs_init", "tree:set_inputs" },
    { "mtl_target_options_init", "market:target_tree" },
    { "mtl_target_reconcile_options_init", "tree:reconcile" },
    { "mtl_target_tree_add", "tree:add" },
    { "mtl_target_tree_create", "market:target_tree" },
    { "mtl_target_tree_destroy", "tree:close" },
    { "mtl_target_tree_evaluate", "tree:evaluate" },
    { "mtl_target_tree_find", "tree:find" },
    { "mtl_target_tree_from_history", "market:targets_from_history" },
    { "mtl_target_tree_minor_per_major", "tree:minor_per_major" },
    { "mtl_target_tree_node", "tree:node" },
    { "mtl_target_tree_node_count", "tree:node_count" },
    { "mtl_target_tree_reconcile", "tree:reconcile" },
    { "mtl_target_tree_set_commitment", "tree:set_commitment" },
    { "mtl_target_tree_set_inputs", "tree:set_inputs" },
    { "mtl_verification_at", "market:verification" },
    { "mtl_verification_compute", "market:verification" },
    { "mtl_verification_count", "market:verification" },
    { "mtl_verification_destroy", "market:verification" },
    { "mtl_verification_options_init", "market:verification" },
    { "mtl_version_number", "mtl.version" },
    { "mtl_version_string", "mtl.version" },
};

static const luaL_Reg module_functions[] = {
    { "version", l_version },
    { "status_string", l_status_string },
    { "last_error", l_last_error },
    { "date_parse", l_date_parse },
    { "date_format", l_date_format },
    { "date_from_ymd", l_date_from_ymd },
    { "date_to_ymd", l_date_to_ymd },
    { "json_encode", lmtl_json_encode },
    { "array", l_array },
    { NULL, NULL }
};

static const luaL_Reg temp_meta[] = {
    { "__gc", temp_gc },
    { "__close", temp_gc },
    { NULL, NULL }
};

/* The module's only export (the rest is hidden by -fvisibility=hidden). */
#if defined(__GNUC__)
__attribute__((visibility("default")))
#endif
int luaopen_mtl(lua_State *L);

int luaopen_mtl(lua_State *L)
{
    size_t i;
    int32_t code;

    /* A library older than the headers lacks functions we call. */
    if (mtl_version_number() / 100 != MTL_VERSION_NUMBER / 100
        || mtl_version_number() < MTL_VERSION_NUMBER)
        return luaL_error(L, "mtl: libmtl %s is not compatible with the "
                          "headers this module was built with (%d)",
                          mtl_version_string(), MTL_VERSION_NUMBER);

    luaL_newmetatable(L, LMTL_TEMP);
    luaL_setfuncs(L, temp_meta, 0);
    lua_pop(L, 1);
    luaL_newmetatable(L, LMTL_ARRAY);
    lua_pushliteral(L, "array");
    lua_setfield(L, -2, "__jsontype");
    lua_pop(L, 1);

    luaL_newlib(L, module_functions);
    lmtl_open_market(L);
    lmtl_open_records(L);
    lmtl_open_lead(L);
    lmtl_open_analysis(L);
    lmtl_open_targets(L);
    lmtl_open_inputs(L);
    lmtl_open_strategy(L);

    lua_pushstring(L, mtl_version_string());
    lua_setfield(L, -2, "_VERSION");

    /* mtl.status: name -> code for every status this library knows. */
    lua_createtable(L, 0, MTL_STATUS_COUNT);
    for (code = 0; code < MTL_STATUS_COUNT; code++) {
        lua_pushinteger(L, code);
        lua_setfield(L, -2, mtl_status_string(code));
    }
    lua_setfield(L, -2, "status");

    /* mtl.null: JSON null for mtl.json_encode. */
    lua_pushlightuserdata(L, NULL);
    lua_setfield(L, -2, "null");

    lua_createtable(L, 0, (int)(sizeof coverage / sizeof coverage[0]));
    for (i = 0; i < sizeof coverage / sizeof coverage[0]; i++) {
        lua_pushstring(L, coverage[i][1]);
        lua_setfield(L, -2, coverage[i][0]);
    }
    lua_setfield(L, -2, "_coverage");
    return 1;
}
