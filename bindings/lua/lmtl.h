/*
 * lmtl.h: internals shared by the files of the Lua 5.4 module "mtl"
 * (bindings/lua/).  Not installed; the module's only export is
 * luaopen_mtl.
 *
 * Object model (docs/bindings.md, "Lua"):
 *  - a market userdata (lmtl_market) owns one reference to its mtl_market;
 *    its user values 1..3 are weak-valued registries (segments, customers,
 *    leads) mapping a C handle (light userdata) to its one Lua wrapper;
 *  - a segment, customer or lead userdata (lmtl_ref) holds the borrowed C
 *    handle and, as user value 1, its market userdata, which it keeps
 *    alive.  Removing the record through the binding or closing the
 *    wrapper sets the handle to NULL; closing the market sets the market's
 *    handle to NULL.  Every method checks both, so a stale wrapper raises
 *    a Lua error instead of touching freed memory;
 *  - funnel, forecast and target-tree userdata (lmtl_box) own their C
 *    object and keep the market userdata (whose allocator they copied) as
 *    user value 1.
 */
#ifndef LMTL_H
#define LMTL_H

#include <stddef.h>
#include <stdint.h>

#include <lua.h>
#include <lauxlib.h>

#include <mtl.h>

/* Metatable names (also the __name shown in error messages). */
#define LMTL_MARKET "mtl.market"
#define LMTL_SEGMENT "mtl.segment"
#define LMTL_CUSTOMER "mtl.customer"
#define LMTL_LEAD "mtl.lead"
#define LMTL_FUNNEL "mtl.funnel"
#define LMTL_FORECAST "mtl.forecast"
#define LMTL_TREE "mtl.target_tree"
#define LMTL_TEMP "mtl.temp"
/* Metatable of the lists in reports: {__jsontype = "array"}, so that an
 * empty list encodes as [] (mtl.json_encode, mtl.array). */
#define LMTL_ARRAY "mtl.array"

/* Record kinds: also the market user value that holds their registry. */
enum { LMTL_KIND_SEGMENT = 1, LMTL_KIND_CUSTOMER = 2, LMTL_KIND_LEAD = 3 };

/* Why a wrapper no longer has a handle. */
enum { LMTL_LIVE = 0, LMTL_REMOVED = 1, LMTL_DETACHED = 2 };

typedef struct lmtl_market {
    mtl_market *m;      /* NULL once closed */
    int busy;           /* inside a CSV import's progress callback */
    /* The optional memory limit (options.memory_limit): the allocator's
     * user data is this struct, which lives as long as the userdata, and
     * every object that copied the allocator keeps the userdata alive. */
    size_t limit;       /* 0 = no limit (then libc, the library's default) */
    size_t used;
} lmtl_market;

typedef struct lmtl_ref {
    void *h;            /* the borrowed handle; NULL when not LMTL_LIVE */
    lmtl_market *mk;
    int kind;
    int state;
} lmtl_ref;

/* An owned C object (funnel, forecast, target tree, temporary). */
typedef struct lmtl_box {
    void *p;
    void (*destroy)(void *);
} lmtl_box;

/* A name <-> code table for the library's small enums. */
typedef struct lmtl_enum {
    const char *name;
    int32_t value;
} lmtl_enum;

/* A struct field to set as a table field (lmtl_set_struct) or to read
 * from one (lmtl_get_struct). */
enum { LMTL_I64, LMTL_I32, LMTL_F64, LMTL_DATE, LMTL_I64_NONE, LMTL_LINK,
       LMTL_STR,
       /* the strategy and qualification structs (lmtl_strategy.c): */
       LMTL_STR_OPT,   /* const char *; "" or NULL is left out (nil) */
       LMTL_F64_OPT,   /* double; NaN (not known) is left out; false in */
       LMTL_SIZE,      /* size_t */
       LMTL_POS,       /* size_t, a 0-based position, as 1-based */
       LMTL_BOOL,      /* int32_t 0 / 1 as a boolean */
       LMTL_ENUM,      /* int32_t as a name of aux (an lmtl_enum list) */
       LMTL_ENUM_OPT,  /* the same, 0 left out (nil) */
       LMTL_BITS,      /* uint32_t bits 1 << code as a list of aux names */
       LMTL_F64_NAMED, /* double[n] as {name = value} (aux: the n names,
                        * NULL-terminated; NaN left out); a list of n
                        * numbers is accepted in */
       LMTL_I64_NAMED, /* int64_t[n], the same */
       LMTL_SCORE      /* mtl_score as {value =, terms = {...}} */
};
typedef struct lmtl_field {
    const char *name;
    size_t offset;
    int type;   /* LMTL_I64_NONE: INT64_MIN (MTL_TARGET_NONE) is left out
                 * (nil); LMTL_LINK: an int64_t where -1 is left out */
    const void *aux;
} lmtl_field;
#define LMTL_FIELD(type, member, t) { #member, offsetof(type, member), t, NULL }
#define LMTL_FIELDX(type, member, t, aux) { #member, offsetof(type, member), t, aux }
#define LMTL_FIELD_END { NULL, 0, 0, NULL }

extern const lmtl_enum lmtl_outcomes[], lmtl_lead_statuses[],
    lmtl_categories[], lmtl_decisions[], lmtl_grades[], lmtl_kinds[];

/* ---- lmtl.c: errors, options, enums, dates, buffers, classes --------- */

/* Return nil, message, status name, detail for a failed library call (the
 * detail table {code, status, message, line, column} is read from
 * mtl_last_error_*).  Returns 4, the number of values pushed. */
int lmtl_fail(lua_State *L, mtl_status st);
/* The same with the binding's own message and position. */
int lmtl_fail_msg(lua_State *L, mtl_status st, int64_t line, int64_t column,
                  const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
/* Push the detail table of the last failure (status st). */
void lmtl_push_detail(lua_State *L, mtl_status st);
/* The result of a call: on MTL_OK the handle at 1 (setters return their
 * handle), respectively true; else the failure. */
int lmtl_self(lua_State *L, mtl_status st);
int lmtl_ok(lua_State *L, mtl_status st);

/* A string argument without zero bytes (raises otherwise). */
const char *lmtl_checkcstring(lua_State *L, int idx);
const char *lmtl_optcstring(lua_State *L, int idx, const char *def);

/* Raise unless every key of the options table at idx is in names
 * (NULL-terminated).  Accepts none or nil (no options). */
void lmtl_check_options(lua_State *L, int idx, const char *const names[]);
/* Push options[key] (nil when idx is not a table); returns its type. */
int lmtl_getopt(lua_State *L, int idx, const char *key);
/* Typed options of the table at idx (def when absent; raise on a wrong
 * type).  lmtl_optstr returns NULL when absent; the string stays valid
 * while the options table holds it. */
lua_Integer lmtl_optint(lua_State *L, int idx, const char *key, lua_Integer def);
lua_Number lmtl_optnum(lua_State *L, int idx, const char *key, lua_Number def);
int lmtl_optbool(lua_State *L, int idx, const char *key, int def);
const char *lmtl_optstr(lua_State *L, int idx, const char *key);
/* Push an array of the keys of the table at idx sorted by their bytes
 * (strings; numbers too when numbers_ok, by their text); returns their
 * number.  Other keys raise an error naming what. */
int lmtl_sorted_keys(lua_State *L, int idx, int numbers_ok, const char *what);

/* Enums: the value at idx as a name of e (an unknown name raises) or an
 * integer (passed through, so that the library judges its range). */
int32_t lmtl_check_enum(lua_State *L, int idx, const lmtl_enum *e,
                        const char *what);
/* The same, nil giving def. */
int32_t lmtl_opt_enum(lua_State *L, int idx, const lmtl_enum *e,
                      const char *what, int32_t def);
/* An enum option of the table at idx. */
int32_t lmtl_optenum(lua_State *L, int idx, const char *key,
                     const lmtl_enum *e, int32_t def);
/* Push the name of value, the integer when e does not know it, or nil
 * when value == none. */
void lmtl_push_enum(lua_State *L, const lmtl_enum *e, int32_t value,
                    int32_t none);

/* Dates: a "YYYY-MM-DD" string, a day number, or nil (MTL_DATE_NONE).
 * Returns MTL_OK or the status of mtl_date_parse (error detail set). */
mtl_status lmtl_to_date(lua_State *L, int idx, int32_t *out);
/* Push "YYYY-MM-DD", or nil for MTL_DATE_NONE. */
void lmtl_push_date(lua_State *L, int32_t day);
/* A date option of the table at idx (def when absent). */
mtl_status lmtl_optdate(lua_State *L, int idx, const char *key, int32_t def,
                        int32_t *out);

/* Set t[key] = value for the table on top of the stack. */
void lmtl_setint(lua_State *L, const char *key, lua_Integer v);
void lmtl_setnum(lua_State *L, const char *key, lua_Number v);
void lmtl_setstr(lua_State *L, const char *key, const char *v);
void lmtl_setbool(lua_State *L, const char *key, int v);
void lmtl_setdate(lua_State *L, const char *key, int32_t day);
/* Set the fields (a list ending with a NULL name) of struct s into the
 * table on top of the stack. */
void lmtl_set_struct(lua_State *L, const void *s, const lmtl_field *fields);
/* Set the fields of struct s named by the keys of the table at idx (none
 * or nil: nothing).  Raises on an unknown key (naming what), a value of
 * the wrong type or an unknown name; the library judges the ranges.
 * Strings stay valid while the table holds them. */
void lmtl_get_struct(lua_State *L, int idx, void *s, const lmtl_field *fields,
                     const char *what);
/* Read the value at vidx into dest as field f says (the same rules). */
void lmtl_get_value(lua_State *L, int vidx, void *dest, const lmtl_field *f,
                    const char *what);
/* Push {value =, terms = {{factor =, weight =, value =, contribution =}}}. */
void lmtl_push_score(lua_State *L, const mtl_score *score);
/* Mark the table on top of the stack as a list (LMTL_ARRAY). */
void lmtl_mark_array(lua_State *L);

/* A temporary owned pointer: destroyed by the garbage collector unless
 * released (box->p = NULL) first, so raising an error never leaks it. */
lmtl_box *lmtl_temp(lua_State *L, void (*destroy)(void *));
/* A new userdata of n elements of size sz, for arrays handed to the
 * library (collected with the call's stack frame). */
void *lmtl_array(lua_State *L, size_t n, size_t sz);

/* A growing byte buffer written by mtl_write_fn callbacks (in a temp). */
typedef struct lmtl_buf {
    char *data;
    size_t len, cap;
    int oom;
} lmtl_buf;
lmtl_buf *lmtl_buf_new(lua_State *L);
int32_t lmtl_buf_write(const void *data, size_t len, void *user_data);
/* The result of a call that wrote into b: its bytes on MTL_OK, else the
 * failure; raises when b ran out of memory. */
int lmtl_buf_result(lua_State *L, lmtl_buf *b, mtl_status st);

/* The allocator of a market with a memory limit (user data: the
 * lmtl_market). */
void *lmtl_limit_alloc(void *ud, void *ptr, size_t osize, size_t nsize);

/* A metatable tname with the metamethods meta and __index = methods. */
void lmtl_new_class(lua_State *L, const char *tname, const luaL_Reg *methods,
                    const luaL_Reg *meta);
/* Put prefix..names[i] = closure fn with upvalue i into the table at
 * methods_idx, for every non-empty names[i]. */
void lmtl_add_closures(lua_State *L, int methods_idx, const char *const names[],
                       lua_CFunction fn, const char *prefix);

/* ---- lmtl_market.c ----------------------------------------------------- */

/* The market at idx, open (raises when closed or busy). */
lmtl_market *lmtl_check_market(lua_State *L, int idx);
/* The market at idx even when closed. */
lmtl_market *lmtl_check_market_any(lua_State *L, int idx);
/* Raise (naming argument idx) when mk is closed or busy. */
void lmtl_check_usable(lua_State *L, int idx, const lmtl_market *mk);
/* Push a new market userdata without a market yet, with its limit. */
lmtl_market *lmtl_new_market_userdata(lua_State *L, size_t limit);
/* Point the options at the limit allocator when mk has a limit. */
void lmtl_market_alloc_options(lmtl_market *mk, mtl_market_options *o);
void lmtl_open_market(lua_State *L);

/* ---- lmtl_records.c ----------------------------------------------------- */

/* Push the wrapper of handle h of kind, creating it if needed; the market
 * userdata is at market_idx.  h NULL pushes nil. */
void lmtl_push_ref(lua_State *L, int market_idx, int kind, void *h);
/* The live wrapper at idx of kind (raises when removed, closed or its
 * market is closed). */
lmtl_ref *lmtl_check_ref(lua_State *L, int idx, int kind);
/* Mark the wrapper of h (if any) as removed. */
void lmtl_invalidate(lua_State *L, int market_idx, int kind, void *h);
/* A segment or customer argument: a wrapper, an id string (looked up in
 * mk), or nil (NULL).  Returns 0 when an id is not found: a failure has
 * then been pushed (4 values). */
int lmtl_opt_record(lua_State *L, int idx, lmtl_market *mk, int kind,
                    void **out);
/* A stage argument: a name (looked up) or an index.  Returns 0 when the
 * name is not found: a failure has then been pushed (4 values). */
int lmtl_to_stage(lua_State *L, int idx, const mtl_market *m, int32_t *out);
/* Set the fields of the table at fidx on record h: 0, or the number of
 * failure values pushed. */
typedef int (*lmtl_apply_fn)(lua_State *L, int market_idx, void *h, int fidx);
/* The fields (table at fidx, or nil) of the new record h of kind, market
 * userdata at 1, applied protected: on a failure or an error the record is
 * removed again (all or nothing).  Returns 0, or the number of failure
 * values on top; errors are raised again. */
int lmtl_apply_new(lua_State *L, int kind, void *h, int fidx, lmtl_apply_fn fn);
/* The record class of kind (metatable, close, remove, market) with methods,
 * and its per-field getters and set_ setters (closures with the field's
 * index as upvalue). */
void lmtl_new_ref_class(lua_State *L, int kind, const luaL_Reg *methods);
void lmtl_add_fields(lua_State *L, const char *tname, const char *const getters[],
                     lua_CFunction get, const char *const setters[],
                     lua_CFunction set);
void lmtl_open_records(lua_State *L);

/* ---- lmtl_lead.c ----------------------------------------------------------- */
int lmtl_lead_add(lua_State *L);
int lmtl_lead_add_columns(lua_State *L);
int lmtl_lead_find_many(lua_State *L);
/* Apply the fields table at fidx to lead (an lmtl_apply_fn). */
int lmtl_lead_apply(lua_State *L, int market_idx, void *lead, int fidx);
void lmtl_open_lead(lua_State *L);

/* ---- lmtl_analysis.c: funnel, forecast, owned handles ------------------------ */

extern const lmtl_enum lmtl_sources[], lmtl_methods[];
extern const luaL_Reg lmtl_box_meta[];
/* A new handle userdata of metatable tname (p NULL for now) with the
 * market userdata at mk_idx as user value 1 (its allocator). */
lmtl_box *lmtl_new_box(lua_State *L, const char *tname, int mk_idx,
                       void (*destroy)(void *));
/* The open handle at idx (raises when closed). */
void *lmtl_check_box(lua_State *L, int idx, const char *tname);
/* close(), __gc, __close of a handle. */
int lmtl_box_close(lua_State *L);
int lmtl_market_funnel(lua_State *L);
int lmtl_market_funnel_compute(lua_State *L);
int lmtl_market_funnel_stages(lua_State *L);
int lmtl_market_forecast(lua_State *L);
void lmtl_open_analysis(lua_State *L);

/* ---- lmtl_targets.c ----------------------------------------------------------- */
int lmtl_market_target_tree(lua_State *L);
int lmtl_market_targets_from_history(lua_State *L);
void lmtl_open_targets(lua_State *L);

/* ---- lmtl_inputs.c, lmtl_strategy.c: strategy and qualification -------- */
extern const lmtl_enum lmtl_looks[], lmtl_controls[], lmtl_roles[];
extern lmtl_enum lmtl_criteria[]; /* from mtl_criterion_name() at open */
extern const char *const lmtl_appeals_names[], *const lmtl_relationship_names[];
/* Push a list of the names of e in code order, each code once. */
void lmtl_push_names(lua_State *L, const lmtl_enum *e);
void lmtl_open_strategy(lua_State *L);
void lmtl_open_inputs(lua_State *L);

/* ---- lmtl_json.c ---------------------------------------------------------------- */
int lmtl_json_encode(lua_State *L);

#endif /* LMTL_H */
