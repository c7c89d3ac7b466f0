/*
 * lmtl_json.c: mtl.json_encode — any Lua value of reports (tables,
 * strings, numbers, booleans, nil / mtl.null) as JSON text through the
 * library's streaming writer (include/mtl/json.h).
 *
 * A table is an array when its keys are exactly 1..n (n > 0), or when its
 * metatable has __jsontype = "array"; else an object whose keys (strings
 * or numbers) are written sorted, so the output does not depend on the
 * hash order.  Integers are written exactly, floats in their shortest
 * round-trip form, NaN and the infinities as null.
 */
#include <string.h>

#include "lmtl.h"

#define MAX_DEPTH 200

static void writer_destroy(void *p)
{
    mtl_json_destroy(p);
}

static mtl_status write_string(mtl_json *w, const char *s, size_t len, int key)
{
    /* the _len forms only when the text has a zero byte */
    if (strlen(s) == len)
        return key ? mtl_json_key(w, s) : mtl_json_string(w, s);
    return key ? mtl_json_key_len(w, s, len) : mtl_json_string_len(w, s, len);
}

/* Is the table at idx an array (see above)? */
static int is_array(lua_State *L, int idx)
{
    size_t n = lua_rawlen(L, idx), count = 0;
    if (luaL_getmetafield(L, idx, "__jsontype") != LUA_TNIL) {
        int array = lua_type(L, -1) == LUA_TSTRING
                 && strcmp(lua_tostring(L, -1), "array") == 0;
        lua_pop(L, 1);
        if (array)
            return 1;
    }
    if (n == 0)
        return 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        count++;
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1
            || (size_t)lua_tointeger(L, -1) > n) {
            lua_pop(L, 1);
            return 0;
        }
    }
    return count == n;
}

static mtl_status encode(lua_State *L, mtl_json *w, int idx, int depth);

static mtl_status encode_object(lua_State *L, mtl_json *w, int idx, int depth)
{
    int keys, i, n;
    mtl_status st;
    n = lmtl_sorted_keys(L, idx, 1, "json_encode");
    keys = lua_gettop(L);
    if ((st = mtl_json_begin_object(w)) != MTL_OK)
        return st;
    for (i = 1; i <= n; i++) {
        size_t len;
        const char *k;
        lua_rawgeti(L, keys, i);
        lua_pushvalue(L, -1);
        lua_rawget(L, idx);
        lua_pushvalue(L, -2);
        k = lua_tolstring(L, -1, &len); /* a number key becomes its text */
        if ((st = write_string(w, k, len, 1)) != MTL_OK
            || (st = encode(L, w, lua_gettop(L) - 1, depth + 1)) != MTL_OK)
            return st;
        lua_pop(L, 3);
    }
    lua_pop(L, 1);
    return mtl_json_end_object(w);
}

static mtl_status encode(lua_State *L, mtl_json *w, int idx, int depth)
{
    size_t len, i, n;
    const char *s;
    mtl_status st;
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        return mtl_json_null(w);
    case LUA_TBOOLEAN:
        return mtl_json_bool(w, lua_toboolean(L, idx));
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx))
            return mtl_json_int(w, lua_tointeger(L, idx));
        return mtl_json_double(w, lua_tonumber(L, idx));
    case LUA_TSTRING:
        s = lua_tolstring(L, idx, &len);
        return write_string(w, s, len, 0);
    case LUA_TLIGHTUSERDATA:
        if (lua_touserdata(L, idx) == NULL) /* mtl.null */
            return mtl_json_null(w);
        break;
    case LUA_TTABLE:
        if (depth >= MAX_DEPTH)
            return (mtl_status)luaL_error(L, "json_encode: tables nested deeper "
                                          "than %d (a cycle?)", MAX_DEPTH);
        luaL_checkstack(L, 8, "json_encode");
        if (!is_array(L, idx))
            return encode_object(L, w, idx, depth);
        if ((st = mtl_json_begin_array(w)) != MTL_OK)
            return st;
        n = lua_rawlen(L, idx);
        for (i = 1; i <= n; i++) {
            lua_rawgeti(L, idx, (lua_Integer)i);
            if ((st = encode(L, w, lua_gettop(L), depth + 1)) != MTL_OK)
                return st;
            lua_pop(L, 1);
        }
        return mtl_json_end_array(w);
    default:
        break;
    }
    return (mtl_status)luaL_error(L, "json_encode: cannot encode a %s",
                                  luaL_typename(L, idx));
}

/* mtl.json_encode(value [, {pretty = true}]) -> text (ends with a newline) */
int lmtl_json_encode(lua_State *L)
{
    static const char *const names[] = { "pretty", NULL };
    lmtl_buf *b;
    lmtl_box *box;
    mtl_json *w = NULL;
    mtl_status st;
    luaL_checkany(L, 1);
    lmtl_check_options(L, 2, names);
    lua_settop(L, 2);
    b = lmtl_buf_new(L);
    box = lmtl_temp(L, writer_destroy);
    st = mtl_json_create(&w, lmtl_buf_write, b,
                         lmtl_optbool(L, 2, "pretty", 0) ? MTL_JSON_PRETTY : 0,
                         NULL, NULL);
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    box->p = w;
    if ((st = encode(L, w, 1, 0)) == MTL_OK)
        st = mtl_json_finish(w);
    mtl_json_destroy(w);
    box->p = NULL;
    return lmtl_buf_result(L, b, st);
}
