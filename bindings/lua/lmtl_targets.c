/*
 * lmtl_targets.c: target trees (include/mtl/targets.h) — built by hand or
 * from a market's history, reconciled, evaluated, read as tables.
 *
 * Node ids are the library's node indices: 0 is the company node
 * (MTL_TARGET_ROOT), and node tables link to their parent, first child and
 * next sibling by id.
 */
#include <math.h>
#include <string.h>

#include "lmtl.h"


static const lmtl_enum node_kinds[] = {
    { "company", MTL_TARGET_COMPANY }, { "region", MTL_TARGET_REGION },
    { "owner", MTL_TARGET_OWNER }, { "quarter", MTL_TARGET_QUARTER },
    { "month", MTL_TARGET_MONTH }, { NULL, 0 }
};
static const lmtl_enum formulas[] = {
    { "given", MTL_TARGET_FORMULA_GIVEN }, { "hq", MTL_TARGET_FORMULA_HQ },
    { "region", MTL_TARGET_FORMULA_REGION },
    { "individual", MTL_TARGET_FORMULA_INDIVIDUAL },
    { "split", MTL_TARGET_FORMULA_SPLIT }, { NULL, 0 }
};
static const lmtl_enum rescales[] = {
    { "none", MTL_TARGET_RESCALE_NONE },
    { "proportional", MTL_TARGET_RESCALE_PROPORTIONAL },
    { "even", MTL_TARGET_RESCALE_EVEN }, { NULL, 0 }
};
static const lmtl_enum period_kinds[] = {
    { "year", MTL_TARGET_PERIODS_YEAR }, { "quarters", MTL_TARGET_PERIODS_QUARTERS },
    { "months", MTL_TARGET_PERIODS_MONTHS }, { NULL, 0 }
};
static const lmtl_enum bottom_ups[] = {
    { "commitments", MTL_TARGET_BOTTOM_UP_COMMITMENTS },
    { "forecasts", MTL_TARGET_BOTTOM_UP_FORECASTS }, { NULL, 0 }
};

static const lmtl_field node_fields[] = {
    LMTL_FIELD(mtl_target_node, depth, LMTL_I32),
    LMTL_FIELD(mtl_target_node, parent, LMTL_LINK),
    LMTL_FIELD(mtl_target_node, first_child, LMTL_LINK),
    LMTL_FIELD(mtl_target_node, next_sibling, LMTL_LINK),
    LMTL_FIELD(mtl_target_node, name, LMTL_STR),
    LMTL_FIELD(mtl_target_node, period_start, LMTL_DATE),
    LMTL_FIELD(mtl_target_node, period_end, LMTL_DATE),
    LMTL_FIELD(mtl_target_node, quarter, LMTL_I32),
    LMTL_FIELD(mtl_target_node, month, LMTL_I32),
    LMTL_FIELD(mtl_target_node, target, LMTL_I64),
    LMTL_FIELD(mtl_target_node, base, LMTL_I64),
    LMTL_FIELD(mtl_target_node, growth, LMTL_F64),
    LMTL_FIELD(mtl_target_node, k, LMTL_F64),
    LMTL_FIELD(mtl_target_node, years, LMTL_I32),
    LMTL_FIELD(mtl_target_node, resource, LMTL_F64),
    LMTL_FIELD(mtl_target_node, potential, LMTL_F64),
    LMTL_FIELD(mtl_target_node, rank, LMTL_F64),
    LMTL_FIELD(mtl_target_node, factor, LMTL_F64),
    LMTL_FIELD(mtl_target_node, share_num, LMTL_I32),
    LMTL_FIELD(mtl_target_node, share_den, LMTL_I32),
    LMTL_FIELD(mtl_target_node, formula_value, LMTL_I64),
    LMTL_FIELD(mtl_target_node, scale, LMTL_F64),
    LMTL_FIELD(mtl_target_node, commitment, LMTL_I64_NONE),
    LMTL_FIELD(mtl_target_node, bottom_up, LMTL_I64_NONE),
    LMTL_FIELD(mtl_target_node, gap, LMTL_I64_NONE),
    LMTL_FIELD(mtl_target_node, gap_ratio, LMTL_F64),
    LMTL_FIELD(mtl_target_node, uncommitted, LMTL_I32),
    LMTL_FIELD(mtl_target_node, actual, LMTL_I64_NONE),
    LMTL_FIELD(mtl_target_node, attainment, LMTL_F64),
    LMTL_FIELD(mtl_target_node, expected, LMTL_F64),
    LMTL_FIELD(mtl_target_node, p_hit, LMTL_F64),
    LMTL_FIELD_END
};

static void tree_destroy(void *p)
{
    mtl_target_tree_destroy(p);
}

/* A basis-point array option of n entries (all 0 when absent). */
static void opt_bp(lua_State *L, int idx, const char *key, int32_t *bp, int n)
{
    int i;
    if (lmtl_getopt(L, idx, key) != LUA_TNIL) {
        if (!lua_istable(L, -1) || (int)lua_rawlen(L, -1) != n)
            luaL_error(L, "bad option '%s' (array of %d integers expected)", key, n);
        for (i = 0; i < n; i++) {
            int isint;
            lua_rawgeti(L, -1, i + 1);
            bp[i] = (int32_t)lua_tointegerx(L, -1, &isint);
            if (!isint)
                luaL_error(L, "bad option '%s' (entry %d: integer expected)", key,
                           i + 1);
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
}

/* The tree options of the table at idx. */
static void tree_options(lua_State *L, int idx, mtl_target_options *o)
{
    mtl_target_options_init(o, sizeof *o);
    o->year = (int32_t)lmtl_optint(L, idx, "year", 0);
    o->periods = lmtl_optenum(L, idx, "periods", period_kinds, 0);
    opt_bp(L, idx, "quarter_bp", o->quarter_bp, 4);
    opt_bp(L, idx, "month_bp", o->month_bp, 12);
    o->company = lmtl_optstr(L, idx, "company");
}

static const char *const tree_option_names[] = {
    "year", "periods", "quarter_bp", "month_bp", "company", NULL
};

/* market:target_tree{year =, periods =, quarter_bp =, month_bp =, company =} */
int lmtl_market_target_tree(lua_State *L)
{
    lmtl_market *mk = lmtl_check_market(L, 1);
    mtl_target_options o;
    mtl_target_tree *t = NULL;
    lmtl_box *b;
    mtl_status st;
    luaL_checktype(L, 2, LUA_TTABLE);
    lmtl_check_options(L, 2, tree_option_names);
    tree_options(L, 2, &o);
    b = lmtl_new_box(L, LMTL_TREE, 1, tree_destroy);
    if ((st = mtl_target_tree_create(&t, mk->m, &o)) != MTL_OK)
        return lmtl_fail(L, st);
    b->p = t;
    return 1;
}

/* market:targets_from_history{year =, growth =, k =, regions = {name =
 * {growth =, resource =, potential =}}, ...tree options} */
int lmtl_market_targets_from_history(lua_State *L)
{
    static const char *const names[] = {
        "year", "periods", "quarter_bp", "month_bp", "company", "growth", "k",
        "regions", NULL
    };
    static const char *const region_keys[] = {
        "growth", "resource", "potential", NULL
    };
    lmtl_market *mk = lmtl_check_market(L, 1);
    mtl_target_options o;
    mtl_target_history_options h;
    mtl_target_tree *t = NULL;
    lmtl_box *b;
    mtl_status st;
    luaL_checktype(L, 2, LUA_TTABLE);
    lmtl_check_options(L, 2, names);
    lua_settop(L, 2);
    tree_options(L, 2, &o);
    mtl_target_history_options_init(&h, sizeof h);
    h.growth = lmtl_optnum(L, 2, "growth", 0);
    h.k = lmtl_optnum(L, 2, "k", 0);
    if (lmtl_getopt(L, 2, "regions") != LUA_TNIL) { /* at 3 */
        const char **regions;
        double *growth, *resource, *potential;
        size_t n = 0, i = 0;
        luaL_checktype(L, 3, LUA_TTABLE);
        lua_pushnil(L);
        while (lua_next(L, 3)) {
            lua_pop(L, 1);
            n++;
        }
        regions = lmtl_array(L, n, sizeof *regions);
        growth = lmtl_array(L, n, sizeof *growth);
        resource = lmtl_array(L, n, sizeof *resource);
        potential = lmtl_array(L, n, sizeof *potential);
        lua_pushnil(L);
        while (lua_next(L, 3)) {
            int e = lua_gettop(L);
            if (lua_type(L, e - 1) != LUA_TSTRING || !lua_istable(L, e))
                return luaL_error(L, "bad option 'regions' (name = {growth =, "
                                  "resource =, potential =} expected)");
            lmtl_check_options(L, e, region_keys);
            regions[i] = lua_tostring(L, e - 1); /* held by the table */
            growth[i] = lmtl_optnum(L, e, "growth", (double)NAN);
            resource[i] = lmtl_optnum(L, e, "resource", 0);
            potential[i] = lmtl_optnum(L, e, "potential", 0);
            i++;
            lua_pop(L, 1);
        }
        h.region_count = n;
        h.regions = regions;
        h.region_growth = growth;
        h.region_resource = resource;
        h.region_potential = potential;
    }
    b = lmtl_new_box(L, LMTL_TREE, 1, tree_destroy);
    if ((st = mtl_target_tree_from_history(&t, mk->m, &o, &h)) != MTL_OK)
        return lmtl_fail(L, st);
    b->p = t;
    return 1;
}

static size_t check_node(lua_State *L, int idx)
{
    lua_Integer i = luaL_checkinteger(L, idx);
    luaL_argcheck(L, i >= 0, idx, "node id (>= 0) expected");
    return (size_t)i;
}

static const char *const input_names[] = {
    "formula", "amount", "base", "growth", "k", "years", "resource",
    "potential", "rank", NULL
};

/* Inputs from the table at idx (nil: NULL, a given target of 0). */
static const mtl_target_inputs *inputs(lua_State *L, int idx,
                                       mtl_target_inputs *in)
{
    if (lua_isnoneornil(L, idx))
        return NULL;
    luaL_checktype(L, idx, LUA_TTABLE);
    lmtl_check_options(L, idx, input_names);
    mtl_target_inputs_init(in, sizeof *in);
    in->formula = lmtl_optenum(L, idx, "formula", formulas,
                               MTL_TARGET_FORMULA_GIVEN);
    in->amount = lmtl_optint(L, idx, "amount", 0);
    in->base = lmtl_optint(L, idx, "base", 0);
    in->growth = lmtl_optnum(L, idx, "growth", 0);
    in->k = lmtl_optnum(L, idx, "k", 0);
    in->years = (int32_t)lmtl_optint(L, idx, "years", 0);
    in->resource = lmtl_optnum(L, idx, "resource", 0);
    in->potential = lmtl_optnum(L, idx, "potential", 0);
    in->rank = lmtl_optnum(L, idx, "rank", 0);
    return in;
}

/* tree:add(parent, name [, inputs]) -> node id */
static int t_add(lua_State *L)
{
    mtl_target_tree *t = lmtl_check_box(L, 1, LMTL_TREE);
    mtl_target_inputs in;
    size_t node;
    mtl_status st = mtl_target_tree_add(&node, t, check_node(L, 2),
                                        lmtl_checkcstring(L, 3),
                                        inputs(L, 4, &in));
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    lua_pushinteger(L, (lua_Integer)node);
    return 1;
}

/* tree:set_inputs(node, inputs) -> tree */
static int t_set_inputs(lua_State *L)
{
    mtl_target_tree *t = lmtl_check_box(L, 1, LMTL_TREE);
    mtl_target_inputs in;
    mtl_status st;
    luaL_checktype(L, 3, LUA_TTABLE);
    st = mtl_target_tree_set_inputs(t, check_node(L, 2), inputs(L, 3, &in));
    return lmtl_self(L, st);
}

/* tree:set_commitment(node, amount or nil) -> tree */
static int t_set_commitment(lua_State *L)
{
    mtl_target_tree *t = lmtl_check_box(L, 1, LMTL_TREE);
    size_t node = check_node(L, 2);
    mtl_status st = mtl_target_tree_set_commitment(t, node,
        lua_isnoneornil(L, 3) ? MTL_TARGET_NONE : luaL_checkinteger(L, 3));
    return lmtl_self(L, st);
}

/* tree:reconcile([{bottom_up = "commitments"|"forecasts", rescale =}]) */
static int t_reconcile(lua_State *L)
{
    static const char *const names[] = { "bottom_up", "rescale", NULL };
    mtl_target_tree *t = lmtl_check_box(L, 1, LMTL_TREE);
    mtl_target_reconcile_options o;
    lmtl_check_options(L, 2, names);
    mtl_target_reconcile_options_init(&o, sizeof o);
    o.bottom_up = lmtl_optenum(L, 2, "bottom_up", bottom_ups,
                               MTL_TARGET_BOTTOM_UP_COMMITMENTS);
    o.rescale = lmtl_optbool(L, 2, "rescale", 0);
    return lmtl_self(L, mtl_target_tree_reconcile(t, &o));
}

/* tree:evaluate(market [, {as_of =, probability_source =, method =,
 * draws =, seed =}]) -> tree */
static int t_evaluate(lua_State *L)
{
    static const char *const names[] = {
        "as_of", "probability_source", "method", "draws", "seed", NULL
    };
    mtl_target_tree *t = lmtl_check_box(L, 1, LMTL_TREE);
    lmtl_market *mk = lmtl_check_market(L, 2);
    mtl_target_evaluate_options o;
    mtl_status st;
    lmtl_check_options(L, 3, names);
    mtl_target_evaluate_options_init(&o, sizeof o);
    if ((st = lmtl_optdate(L, 3, "as_of", MTL_DATE_NONE, &o.as_of)) != MTL_OK)
        return lmtl_fail(L, st);
    o.probability_source = lmtl_optenum(L, 3, "probability_source", lmtl_sources,
                                        MTL_PROBABILITY_SOURCE_STAGE);
    o.method = lmtl_optenum(L, 3, "method", lmtl_methods, MTL_FORECAST_EXACT);
    o.draws = (int32_t)lmtl_optint(L, 3, "draws", 0);
    o.seed = (uint64_t)lmtl_optint(L, 3, "seed", 0);
    return lmtl_self(L, mtl_target_tree_evaluate(t, mk->m, &o));
}

static int t_node_count(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)mtl_target_tree_node_count(
        lmtl_check_box(L, 1, LMTL_TREE)));
    return 1;
}

static int t_minor_per_major(lua_State *L)
{
    lua_pushinteger(L, mtl_target_tree_minor_per_major(
        lmtl_check_box(L, 1, LMTL_TREE)));
    return 1;
}

/* tree:find(parent, name) -> node id */
static int t_find(lua_State *L)
{
    const mtl_target_tree *t = lmtl_check_box(L, 1, LMTL_TREE);
    size_t node;
    mtl_status st = mtl_target_tree_find(&node, t, check_node(L, 2),
                                         lmtl_checkcstring(L, 3));
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    lua_pushinteger(L, (lua_Integer)node);
    return 1;
}

static mtl_status push_node(lua_State *L, const mtl_target_tree *t, size_t i)
{
    mtl_target_node n;
    mtl_status st;
    memset(&n, 0, sizeof n);
    n.struct_size = sizeof n;
    if ((st = mtl_target_tree_node(t, i, &n)) != MTL_OK)
        return st;
    lua_createtable(L, 0, 40);
    lmtl_setint(L, "id", (lua_Integer)i);
    lmtl_set_struct(L, &n, node_fields);
    lmtl_push_enum(L, node_kinds, n.kind, -1);
    lua_setfield(L, -2, "kind");
    lmtl_push_enum(L, formulas, n.formula, -1);
    lua_setfield(L, -2, "formula");
    lmtl_push_enum(L, rescales, n.rescale, -1);
    lua_setfield(L, -2, "rescale");
    lmtl_setbool(L, "evaluated", n.evaluated != 0);
    return MTL_OK;
}

/* tree:node(id) -> node table */
static int t_node(lua_State *L)
{
    const mtl_target_tree *t = lmtl_check_box(L, 1, LMTL_TREE);
    mtl_status st = push_node(L, t, check_node(L, 2));
    return st == MTL_OK ? 1 : lmtl_fail(L, st);
}

/* tree:nodes() -> array of node tables (nodes()[id + 1] is node id) */
static int t_nodes(lua_State *L)
{
    const mtl_target_tree *t = lmtl_check_box(L, 1, LMTL_TREE);
    size_t i, n = mtl_target_tree_node_count(t);
    mtl_status st;
    lua_createtable(L, (int)n, 0);
    lmtl_mark_array(L);
    for (i = 0; i < n; i++) {
        if ((st = push_node(L, t, i)) != MTL_OK)
            return lmtl_fail(L, st);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static const luaL_Reg tree_methods[] = {
    { "add", t_add },
    { "set_inputs", t_set_inputs },
    { "set_commitment", t_set_commitment },
    { "reconcile", t_reconcile },
    { "evaluate", t_evaluate },
    { "node_count", t_node_count },
    { "minor_per_major", t_minor_per_major },
    { "find", t_find },
    { "node", t_node },
    { "nodes", t_nodes },
    { "close", lmtl_box_close },
    { NULL, NULL }
};

void lmtl_open_targets(lua_State *L)
{
    lmtl_new_class(L, LMTL_TREE, tree_methods, lmtl_box_meta);
}
