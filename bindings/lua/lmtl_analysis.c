/*
 * lmtl_analysis.c: the funnel (computed reports and the live stage
 * counters) and forecasts, as handles and as Lua tables.
 */
#include <math.h>
#include <string.h>

#include "lmtl.h"

static const lmtl_enum group_bys[] = {
    { "none", MTL_GROUP_NONE }, { "segment", MTL_GROUP_SEGMENT },
    { "region", MTL_GROUP_REGION }, { "owner", MTL_GROUP_OWNER },
    { "grade", MTL_GROUP_GRADE }, { "source", MTL_GROUP_SOURCE },
    { "cohort_month", MTL_GROUP_COHORT_MONTH },
    { "cohort_quarter", MTL_GROUP_COHORT_QUARTER },
    { "cohort_year", MTL_GROUP_COHORT_YEAR }, { NULL, 0 }
};
static const lmtl_enum calibrations[] = {
    { "unknown", MTL_CALIBRATION_UNKNOWN }, { "inside", MTL_CALIBRATION_INSIDE },
    { "below", MTL_CALIBRATION_BELOW }, { "above", MTL_CALIBRATION_ABOVE },
    { NULL, 0 }
};
const lmtl_enum lmtl_sources[] = {
    { "stage", MTL_PROBABILITY_SOURCE_STAGE },
    { "calibrated", MTL_PROBABILITY_SOURCE_CALIBRATED }, { NULL, 0 }
};
const lmtl_enum lmtl_methods[] = {
    { "exact", MTL_FORECAST_EXACT }, { "monte_carlo", MTL_FORECAST_MONTE_CARLO },
    { NULL, 0 }
};

/* ---- owned handles (funnel, forecast, target tree) --------------------------- */

/* A new handle userdata of metatable tname around p (NULL for now), with
 * the market userdata at mk_idx as user value 1 (its allocator). */
lmtl_box *lmtl_new_box(lua_State *L, const char *tname, int mk_idx,
                       void (*destroy)(void *))
{
    lmtl_box *b;
    mk_idx = lua_absindex(L, mk_idx);
    b = lua_newuserdatauv(L, sizeof *b, 2);
    b->p = NULL;
    b->destroy = destroy;
    luaL_setmetatable(L, tname);
    lua_pushvalue(L, mk_idx);
    lua_setiuservalue(L, -2, 1);
    return b;
}

/* The open handle at idx. */
void *lmtl_check_box(lua_State *L, int idx, const char *tname)
{
    lmtl_box *b = luaL_checkudata(L, idx, tname);
    if (!b->p)
        luaL_argerror(L, idx, lua_pushfstring(L, "%s is closed", tname));
    return b->p;
}

/* close(), __gc, __close */
int lmtl_box_close(lua_State *L)
{
    lmtl_box *b = lua_touserdata(L, 1);
    if (b && b->p) {
        b->destroy(b->p);
        b->p = NULL;
    }
    return 0;
}

static int box_tostring(lua_State *L)
{
    lmtl_box *b = lua_touserdata(L, 1);
    lua_getmetatable(L, 1);
    lua_getfield(L, -1, "__name");
    if (b->p)
        lua_pushfstring(L, "%s: %p", lua_tostring(L, -1), b->p);
    else
        lua_pushfstring(L, "%s (closed)", lua_tostring(L, -1));
    return 1;
}

const luaL_Reg lmtl_box_meta[] = {
    { "__gc", lmtl_box_close },
    { "__close", lmtl_box_close },
    { "__tostring", box_tostring },
    { NULL, NULL }
};

/* ---- funnel ------------------------------------------------------------------- */

static const lmtl_field stage_fields[] = {
    LMTL_FIELD(mtl_funnel_stage, open_count, LMTL_I64),
    LMTL_FIELD(mtl_funnel_stage, won_count, LMTL_I64),
    LMTL_FIELD(mtl_funnel_stage, lost_count, LMTL_I64),
    LMTL_FIELD(mtl_funnel_stage, open_amount, LMTL_I64),
    LMTL_FIELD(mtl_funnel_stage, won_amount, LMTL_I64),
    LMTL_FIELD(mtl_funnel_stage, lost_amount, LMTL_I64),
    LMTL_FIELD(mtl_funnel_stage, weighted_amount, LMTL_F64),
    LMTL_FIELD(mtl_funnel_stage, reached, LMTL_I64),
    LMTL_FIELD(mtl_funnel_stage, won_reached, LMTL_I64),
    LMTL_FIELD(mtl_funnel_stage, lost_reached, LMTL_I64),
    LMTL_FIELD(mtl_funnel_stage, conversion, LMTL_F64),
    LMTL_FIELD(mtl_funnel_stage, win_rate, LMTL_F64),
    LMTL_FIELD(mtl_funnel_stage, win_rate_low, LMTL_F64),
    LMTL_FIELD(mtl_funnel_stage, win_rate_high, LMTL_F64),
    LMTL_FIELD(mtl_funnel_stage, model_probability, LMTL_F64),
    LMTL_FIELD(mtl_funnel_stage, days_count, LMTL_I64),
    LMTL_FIELD(mtl_funnel_stage, days_mean, LMTL_F64),
    LMTL_FIELD(mtl_funnel_stage, days_median, LMTL_F64),
    LMTL_FIELD(mtl_funnel_stage, days_p90, LMTL_F64),
    LMTL_FIELD_END
};

static const lmtl_field summary_fields[] = {
    LMTL_FIELD(mtl_funnel_summary, leads, LMTL_I64),
    LMTL_FIELD(mtl_funnel_summary, open, LMTL_I64),
    LMTL_FIELD(mtl_funnel_summary, won, LMTL_I64),
    LMTL_FIELD(mtl_funnel_summary, lost, LMTL_I64),
    LMTL_FIELD(mtl_funnel_summary, open_amount, LMTL_I64),
    LMTL_FIELD(mtl_funnel_summary, won_amount, LMTL_I64),
    LMTL_FIELD(mtl_funnel_summary, lost_amount, LMTL_I64),
    LMTL_FIELD(mtl_funnel_summary, weighted_amount, LMTL_F64),
    LMTL_FIELD(mtl_funnel_summary, win_rate, LMTL_F64),
    LMTL_FIELD(mtl_funnel_summary, win_rate_amount, LMTL_F64),
    LMTL_FIELD(mtl_funnel_summary, verified, LMTL_I64),
    LMTL_FIELD(mtl_funnel_summary, converted, LMTL_I64),
    LMTL_FIELD(mtl_funnel_summary, lead_conversion, LMTL_F64),
    LMTL_FIELD(mtl_funnel_summary, period_won, LMTL_I64),
    LMTL_FIELD(mtl_funnel_summary, period_won_amount, LMTL_I64),
    LMTL_FIELD(mtl_funnel_summary, won_to_date_amount, LMTL_I64),
    LMTL_FIELD(mtl_funnel_summary, period_open_amount, LMTL_I64),
    LMTL_FIELD(mtl_funnel_summary, period_weighted_amount, LMTL_F64),
    LMTL_FIELD(mtl_funnel_summary, coverage, LMTL_F64),
    LMTL_FIELD(mtl_funnel_summary, coverage_weighted, LMTL_F64),
    LMTL_FIELD(mtl_funnel_summary, cycle_count, LMTL_I64),
    LMTL_FIELD(mtl_funnel_summary, cycle_mean, LMTL_F64),
    LMTL_FIELD(mtl_funnel_summary, cycle_median, LMTL_F64),
    LMTL_FIELD(mtl_funnel_summary, cycle_p90, LMTL_F64),
    LMTL_FIELD(mtl_funnel_summary, average_won_amount, LMTL_F64),
    LMTL_FIELD(mtl_funnel_summary, velocity, LMTL_F64),
    LMTL_FIELD(mtl_funnel_summary, plan_gap, LMTL_F64),
    LMTL_FIELD(mtl_funnel_summary, plan_wins, LMTL_F64),
    LMTL_FIELD(mtl_funnel_summary, plan_new_leads, LMTL_F64),
    LMTL_FIELD(mtl_funnel_summary, plan_new_leads_per_week, LMTL_F64),
    LMTL_FIELD_END
};

/* A stage row as a table: its name and index, then every counter. */
static void push_stage_row(lua_State *L, const mtl_funnel_stage *r,
                           const char *name, int32_t index)
{
    lua_createtable(L, 0, 24);
    lmtl_setstr(L, "stage", name);
    lmtl_setint(L, "index", index);
    lmtl_set_struct(L, r, stage_fields);
    lmtl_push_enum(L, calibrations, r->calibration, -1);
    lua_setfield(L, -2, "calibration");
}

static const char *const funnel_option_names[] = {
    "group_by", "confidence", "period_start", "period_end", "as_of", "target",
    "weeks", NULL
};

static void funnel_destroy(void *p)
{
    mtl_funnel_destroy(p);
}

/* Compute the funnel of the market at 1 with the options at 2 into a new
 * handle (pushed): 0, or the number of failure values pushed. */
static int compute(lua_State *L)
{
    lmtl_market *mk = lmtl_check_market(L, 1);
    mtl_funnel_options o;
    mtl_funnel *f = NULL;
    lmtl_box *b;
    mtl_status st;
    int32_t s, n;
    lmtl_check_options(L, 2, funnel_option_names);
    mtl_funnel_options_init(&o, sizeof o);
    o.group_by = lmtl_optenum(L, 2, "group_by", group_bys, MTL_GROUP_NONE);
    o.confidence = lmtl_optnum(L, 2, "confidence", 0);
    o.target = lmtl_optint(L, 2, "target", 0);
    o.weeks = (int32_t)lmtl_optint(L, 2, "weeks", 0);
    if ((st = lmtl_optdate(L, 2, "period_start", MTL_DATE_NONE, &o.period_start))
        || (st = lmtl_optdate(L, 2, "period_end", MTL_DATE_NONE, &o.period_end))
        || (st = lmtl_optdate(L, 2, "as_of", MTL_DATE_NONE, &o.as_of)))
        return lmtl_fail(L, st);
    b = lmtl_new_box(L, LMTL_FUNNEL, 1, funnel_destroy);
    st = mtl_funnel_compute(&f, mk->m, &o);
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    b->p = f;
    /* The stage names, for the rows (the market may close before). */
    n = mtl_funnel_stage_count(f);
    lua_createtable(L, n, n);
    for (s = 0; s < n; s++) {
        lua_pushstring(L, mtl_market_stage_name(mk->m, s));
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, s + 1);
        lua_pushinteger(L, s);
        lua_rawset(L, -3);
    }
    lmtl_push_enum(L, group_bys, o.group_by, -1);
    lua_setfield(L, -2, "group_by");
    lua_setiuservalue(L, -2, 2);
    return 0;
}

/* market:funnel_compute([options]) -> funnel handle */
int lmtl_market_funnel_compute(lua_State *L)
{
    int n;
    lua_settop(L, 2);
    n = compute(L);
    return n ? n : 1;
}

/* Group argument (from 1; 1 is the total) as the C index. */
static size_t check_group(lua_State *L, int idx)
{
    lua_Integer g = luaL_checkinteger(L, idx);
    return g < 1 ? SIZE_MAX : (size_t)(g - 1);
}

/* Stage argument of a funnel method: name or index, via the names table. */
static int funnel_stage_arg(lua_State *L, int idx, int32_t *out)
{
    lua_getiuservalue(L, 1, 2);
    if (lua_type(L, idx) == LUA_TSTRING) {
        lua_pushvalue(L, idx);
        if (lua_rawget(L, -2) != LUA_TNUMBER) {
            lmtl_fail_msg(L, MTL_E_NOT_FOUND, 0, 0, "no stage '%.64s'",
                          lua_tostring(L, idx));
            return 0;
        }
        *out = (int32_t)lua_tointeger(L, -1);
        lua_pop(L, 2);
        return 1;
    }
    *out = (int32_t)luaL_checkinteger(L, idx);
    lua_pop(L, 1);
    return 1;
}

static const char *stage_name(lua_State *L, int32_t s)
{
    const char *name;
    lua_getiuservalue(L, 1, 2);
    lua_rawgeti(L, -1, (lua_Integer)s + 1);
    name = lua_tostring(L, -1); /* held by the handle's names table */
    lua_pop(L, 2);
    return name;
}

static int f_group_count(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)mtl_funnel_group_count(
        lmtl_check_box(L, 1, LMTL_FUNNEL)));
    return 1;
}

/* funnel:group_name(g) -> name or nil (g from 1; 1 is "(total)") */
static int f_group_name(lua_State *L)
{
    const char *name = mtl_funnel_group_name(lmtl_check_box(L, 1, LMTL_FUNNEL),
                                             check_group(L, 2));
    if (name)
        lua_pushstring(L, name);
    else
        lua_pushnil(L);
    return 1;
}

static int f_stage_count(lua_State *L)
{
    lua_pushinteger(L, mtl_funnel_stage_count(lmtl_check_box(L, 1, LMTL_FUNNEL)));
    return 1;
}

/* One stage row with its plan (0, or a failure pushed). */
static int stage_row(lua_State *L, const mtl_funnel *f, size_t g, int32_t s)
{
    mtl_funnel_stage r;
    double leads, pipeline;
    mtl_status st;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    if ((st = mtl_funnel_stage_at(f, g, s, &r)) != MTL_OK
        || (st = mtl_funnel_plan_at(f, g, s, &leads, &pipeline)) != MTL_OK)
        return lmtl_fail(L, st);
    push_stage_row(L, &r, stage_name(L, s), s);
    lmtl_setnum(L, "plan_leads", leads);
    lmtl_setnum(L, "plan_pipeline", pipeline);
    return 0;
}

/* funnel:stage(g, stage) -> row table (with plan_leads, plan_pipeline) */
static int f_stage(lua_State *L)
{
    mtl_funnel *f = lmtl_check_box(L, 1, LMTL_FUNNEL);
    size_t g = check_group(L, 2);
    int32_t s;
    int n;
    if (!funnel_stage_arg(L, 3, &s))
        return 4;
    n = stage_row(L, f, g, s);
    return n ? n : 1;
}

/* funnel:plan(g, stage) -> leads needed, pipeline needed */
static int f_plan(lua_State *L)
{
    mtl_funnel *f = lmtl_check_box(L, 1, LMTL_FUNNEL);
    size_t g = check_group(L, 2);
    double leads, pipeline;
    int32_t s;
    mtl_status st;
    if (!funnel_stage_arg(L, 3, &s))
        return 4;
    if ((st = mtl_funnel_plan_at(f, g, s, &leads, &pipeline)) != MTL_OK)
        return lmtl_fail(L, st);
    lua_pushnumber(L, leads);
    lua_pushnumber(L, pipeline);
    return 2;
}

/* A group's summary table (0, or a failure pushed). */
static int summary(lua_State *L, const mtl_funnel *f, size_t g)
{
    mtl_funnel_summary s;
    mtl_status st;
    memset(&s, 0, sizeof s);
    s.struct_size = sizeof s;
    if ((st = mtl_funnel_summary_at(f, g, &s)) != MTL_OK)
        return lmtl_fail(L, st);
    lua_createtable(L, 0, 32);
    lmtl_setstr(L, "name", mtl_funnel_group_name(f, g));
    lmtl_set_struct(L, &s, summary_fields);
    return 0;
}

/* funnel:summary(g) -> {name =, leads =, ...} */
static int f_summary(lua_State *L)
{
    mtl_funnel *f = lmtl_check_box(L, 1, LMTL_FUNNEL);
    int n = summary(L, f, check_group(L, 2));
    return n ? n : 1;
}

/* The whole report: {group_by =, stages = {names}, groups = {summary +
 * stages = {rows}}}; the total is groups[1]. */
static void push_report(lua_State *L, const mtl_funnel *f)
{
    size_t g, ng = mtl_funnel_group_count(f);
    int32_t s, ns = mtl_funnel_stage_count(f);
    lua_createtable(L, 0, 3);
    lua_getiuservalue(L, 1, 2);
    lua_getfield(L, -1, "group_by");
    lua_setfield(L, -3, "group_by");
    lua_createtable(L, ns, 0);
    lmtl_mark_array(L);
    for (s = 0; s < ns; s++) {
        lua_rawgeti(L, -2, s + 1);
        lua_rawseti(L, -2, s + 1);
    }
    lua_setfield(L, -3, "stages");
    lua_pop(L, 1);
    lua_createtable(L, (int)ng, 0);
    lmtl_mark_array(L);
    for (g = 0; g < ng; g++) {
        summary(L, f, g); /* g and s are in range: no failure */
        lua_createtable(L, ns, 0);
        lmtl_mark_array(L);
        for (s = 0; s < ns; s++) {
            stage_row(L, f, g, s);
            lua_rawseti(L, -2, s + 1);
        }
        lua_setfield(L, -2, "stages");
        lua_rawseti(L, -2, (lua_Integer)g + 1);
    }
    lua_setfield(L, -2, "groups");
}

/* funnel:groups() -> the report table */
static int f_groups(lua_State *L)
{
    push_report(L, lmtl_check_box(L, 1, LMTL_FUNNEL));
    return 1;
}

/* market:funnel([options]) -> report table (the handle is released) */
int lmtl_market_funnel(lua_State *L)
{
    lmtl_box *b;
    int n;
    lua_settop(L, 2);
    if ((n = compute(L)) != 0)
        return n;
    b = lua_touserdata(L, 3);
    lua_replace(L, 1); /* methods read the handle at 1 */
    push_report(L, b->p);
    mtl_funnel_destroy(b->p);
    b->p = NULL;
    return 1;
}

/* market:funnel_stages([segment]) -> rows from the live counters */
int lmtl_market_funnel_stages(lua_State *L)
{
    lmtl_market *mk = lmtl_check_market(L, 1);
    int32_t s, n = mtl_market_stage_count(mk->m);
    mtl_funnel_stage *rows;
    const mtl_segment *seg = NULL;
    mtl_status st;
    lua_settop(L, 2);
    rows = lmtl_array(L, (size_t)n, sizeof *rows);
    if (!lua_isnoneornil(L, 2)) {
        void *p;
        if (!lmtl_opt_record(L, 2, mk, LMTL_KIND_SEGMENT, &p))
            return 4;
        seg = p;
    }
    memset(rows, 0, (size_t)n * sizeof *rows);
    for (s = 0; s < n; s++)
        rows[s].struct_size = sizeof *rows;
    if ((st = mtl_funnel_stages(mk->m, seg, rows, n)) != MTL_OK)
        return lmtl_fail(L, st);
    lua_createtable(L, n, 0);
    lmtl_mark_array(L);
    for (s = 0; s < n; s++) {
        push_stage_row(L, &rows[s], mtl_market_stage_name(mk->m, s), s);
        lua_rawseti(L, -2, s + 1);
    }
    return 1;
}

static const luaL_Reg funnel_methods[] = {
    { "group_count", f_group_count },
    { "group_name", f_group_name },
    { "stage_count", f_stage_count },
    { "stage", f_stage },
    { "plan", f_plan },
    { "summary", f_summary },
    { "groups", f_groups },
    { "close", lmtl_box_close },
    { NULL, NULL }
};

/* ---- forecast ---------------------------------------------------------------------- */

static const lmtl_field forecast_fields[] = {
    LMTL_FIELD(mtl_forecast_summary, period_start, LMTL_DATE),
    LMTL_FIELD(mtl_forecast_summary, period_end, LMTL_DATE),
    LMTL_FIELD(mtl_forecast_summary, as_of, LMTL_DATE),
    LMTL_FIELD(mtl_forecast_summary, closed_won_count, LMTL_I64),
    LMTL_FIELD(mtl_forecast_summary, closed_won_amount, LMTL_I64),
    LMTL_FIELD(mtl_forecast_summary, won_to_date_amount, LMTL_I64),
    LMTL_FIELD(mtl_forecast_summary, deal_count, LMTL_I64),
    LMTL_FIELD(mtl_forecast_summary, pipeline, LMTL_I64),
    LMTL_FIELD(mtl_forecast_summary, best_case, LMTL_I64),
    LMTL_FIELD(mtl_forecast_summary, commit, LMTL_I64),
    LMTL_FIELD(mtl_forecast_summary, closed, LMTL_I64),
    LMTL_FIELD(mtl_forecast_summary, omitted, LMTL_I64),
    LMTL_FIELD(mtl_forecast_summary, commit_forecast, LMTL_I64),
    LMTL_FIELD(mtl_forecast_summary, best_case_forecast, LMTL_I64),
    LMTL_FIELD(mtl_forecast_summary, open_pipeline, LMTL_I64),
    LMTL_FIELD(mtl_forecast_summary, expected, LMTL_F64),
    LMTL_FIELD(mtl_forecast_summary, variance, LMTL_F64),
    LMTL_FIELD(mtl_forecast_summary, p10, LMTL_I64),
    LMTL_FIELD(mtl_forecast_summary, p50, LMTL_I64),
    LMTL_FIELD(mtl_forecast_summary, p90, LMTL_I64),
    LMTL_FIELD(mtl_forecast_summary, target, LMTL_I64),
    LMTL_FIELD(mtl_forecast_summary, p_hit_target, LMTL_F64),
    LMTL_FIELD(mtl_forecast_summary, expected_shortfall, LMTL_F64),
    LMTL_FIELD(mtl_forecast_summary, won_count_mean, LMTL_F64),
    LMTL_FIELD(mtl_forecast_summary, won_count_variance, LMTL_F64),
    LMTL_FIELD(mtl_forecast_summary, won_count_p10, LMTL_I64),
    LMTL_FIELD(mtl_forecast_summary, won_count_p50, LMTL_I64),
    LMTL_FIELD(mtl_forecast_summary, won_count_p90, LMTL_I64),
    LMTL_FIELD(mtl_forecast_summary, grid, LMTL_I64),
    LMTL_FIELD(mtl_forecast_summary, quantization_sd, LMTL_F64),
    LMTL_FIELD(mtl_forecast_summary, error_bound, LMTL_F64),
    LMTL_FIELD(mtl_forecast_summary, draws, LMTL_I32),
    LMTL_FIELD_END
};

static const char *const forecast_option_names[] = {
    "period_start", "period_end", "as_of", "probability_source", "segment",
    "region", "owner", "grade", "target", "grid", "method", "draws", "seed",
    "correlation", "source", "created_start", "created_end", NULL
};

static void forecast_destroy(void *p)
{
    mtl_forecast_unref(p);
}

/* market:forecast{period_start =, period_end =, ...} -> forecast handle */
int lmtl_market_forecast(lua_State *L)
{
    lmtl_market *mk = lmtl_check_market(L, 1);
    mtl_forecast_options o;
    mtl_forecast *f = NULL;
    lmtl_box *b;
    mtl_status st;
    void *seg = NULL;
    lmtl_check_options(L, 2, forecast_option_names);
    lua_settop(L, 2);
    mtl_forecast_options_init(&o, sizeof o);
    if ((st = lmtl_optdate(L, 2, "period_start", MTL_DATE_NONE, &o.period_start))
        || (st = lmtl_optdate(L, 2, "period_end", MTL_DATE_NONE, &o.period_end))
        || (st = lmtl_optdate(L, 2, "as_of", MTL_DATE_NONE, &o.as_of))
        || (st = lmtl_optdate(L, 2, "created_start", MTL_DATE_NONE,
                              &o.created_start))
        || (st = lmtl_optdate(L, 2, "created_end", MTL_DATE_NONE, &o.created_end)))
        return lmtl_fail(L, st);
    o.probability_source = lmtl_optenum(L, 2, "probability_source", lmtl_sources,
                                        MTL_PROBABILITY_SOURCE_STAGE);
    lmtl_getopt(L, 2, "segment"); /* at 3 */
    if (!lmtl_opt_record(L, 3, mk, LMTL_KIND_SEGMENT, &seg))
        return 4;
    o.segment = seg;
    o.region = lmtl_optstr(L, 2, "region");
    o.owner = lmtl_optstr(L, 2, "owner");
    o.source = lmtl_optstr(L, 2, "source");
    o.grade = lmtl_optenum(L, 2, "grade", lmtl_grades, MTL_GRADE_NONE);
    o.target = lmtl_optint(L, 2, "target", 0);
    o.grid = lmtl_optint(L, 2, "grid", 0);
    o.method = lmtl_optenum(L, 2, "method", lmtl_methods, MTL_FORECAST_EXACT);
    o.draws = (int32_t)lmtl_optint(L, 2, "draws", 0);
    o.seed = (uint64_t)lmtl_optint(L, 2, "seed", 0);
    o.correlation = lmtl_optnum(L, 2, "correlation", 0);
    b = lmtl_new_box(L, LMTL_FORECAST, 1, forecast_destroy);
    if ((st = mtl_forecast_create(&f, mk->m, &o)) != MTL_OK)
        return lmtl_fail(L, st);
    b->p = f;
    return 1;
}

/* forecast:summary() -> table */
static int fc_summary(lua_State *L)
{
    mtl_forecast_summary s;
    mtl_status st;
    memset(&s, 0, sizeof s);
    s.struct_size = sizeof s;
    st = mtl_forecast_summary_get(lmtl_check_box(L, 1, LMTL_FORECAST), &s);
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    lua_createtable(L, 0, 34);
    lmtl_set_struct(L, &s, forecast_fields);
    lmtl_push_enum(L, lmtl_methods, s.method, -1);
    lua_setfield(L, -2, "method");
    return 1;
}

/* forecast:quantile(q) -> amount (q in [0, 1]) */
static int fc_quantile(lua_State *L)
{
    const mtl_forecast *f = lmtl_check_box(L, 1, LMTL_FORECAST);
    double q = luaL_checknumber(L, 2);
    luaL_argcheck(L, q >= 0 && q <= 1, 2, "probability in [0, 1] expected");
    lua_pushinteger(L, mtl_forecast_quantile(f, q));
    return 1;
}

/* forecast:probability_at_least(amount) -> P(R >= amount) */
static int fc_probability_at_least(lua_State *L)
{
    const mtl_forecast *f = lmtl_check_box(L, 1, LMTL_FORECAST);
    lua_pushnumber(L, mtl_forecast_probability_at_least(f, luaL_checkinteger(L, 2)));
    return 1;
}

/* forecast:expected_shortfall(target) -> E[max(0, target - R)] */
static int fc_expected_shortfall(lua_State *L)
{
    const mtl_forecast *f = lmtl_check_box(L, 1, LMTL_FORECAST);
    lua_pushnumber(L, mtl_forecast_expected_shortfall(f, luaL_checkinteger(L, 2)));
    return 1;
}

static void push_probabilities(lua_State *L, const double *p, size_t n)
{
    size_t i;
    lua_createtable(L, (int)n, 0);
    lmtl_mark_array(L);
    for (i = 0; i < n; i++) {
        lua_pushnumber(L, p[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "probabilities");
}

/* forecast:distribution() -> {first =, step =, probabilities = {...}}:
 * probabilities[i] is P(R = first + (i - 1) * step); empty for Monte Carlo */
static int fc_distribution(lua_State *L)
{
    const double *p = NULL;
    int64_t first = 0, step = 0;
    size_t n = mtl_forecast_distribution(lmtl_check_box(L, 1, LMTL_FORECAST),
                                         &first, &step, &p);
    lua_createtable(L, 0, 3);
    lmtl_setint(L, "first", first);
    lmtl_setint(L, "step", step);
    push_probabilities(L, p, n);
    return 1;
}

/* forecast:won_count_distribution() -> {first =, probabilities = {...}} */
static int fc_won_count_distribution(lua_State *L)
{
    const double *p = NULL;
    int64_t first = 0;
    size_t n = mtl_forecast_won_count_distribution(
        lmtl_check_box(L, 1, LMTL_FORECAST), &first, &p);
    lua_createtable(L, 0, 2);
    lmtl_setint(L, "first", first);
    push_probabilities(L, p, n);
    return 1;
}

static int fc_deal_count(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)mtl_forecast_deal_count(
        lmtl_check_box(L, 1, LMTL_FORECAST)));
    return 1;
}

static mtl_status push_deal(lua_State *L, const mtl_forecast *f, size_t i)
{
    const char *id;
    int64_t amount;
    double p;
    int32_t category;
    mtl_status st = mtl_forecast_deal_at(f, i, &id, &amount, &p, &category);
    if (st != MTL_OK)
        return st;
    lua_createtable(L, 0, 4);
    lmtl_setstr(L, "id", id);
    lmtl_setint(L, "amount", amount);
    lmtl_setnum(L, "probability", p);
    lmtl_push_enum(L, lmtl_categories, category, MTL_CATEGORY_NONE);
    lua_setfield(L, -2, "category");
    return MTL_OK;
}

/* forecast:deal(i) -> {id, amount, probability, category} (i from 1) */
static int fc_deal(lua_State *L)
{
    const mtl_forecast *f = lmtl_check_box(L, 1, LMTL_FORECAST);
    lua_Integer i = luaL_checkinteger(L, 2);
    mtl_status st = push_deal(L, f, i < 1 ? SIZE_MAX : (size_t)(i - 1));
    return st == MTL_OK ? 1 : lmtl_fail(L, st);
}

/* forecast:deals() -> array of deal tables */
static int fc_deals(lua_State *L)
{
    const mtl_forecast *f = lmtl_check_box(L, 1, LMTL_FORECAST);
    size_t i, n = mtl_forecast_deal_count(f);
    lua_createtable(L, (int)n, 0);
    lmtl_mark_array(L);
    for (i = 0; i < n; i++)
        if (push_deal(L, f, i) == MTL_OK)
            lua_rawseti(L, -2, (lua_Integer)i + 1);
    return 1;
}

/* A derived forecast in a new handle sharing the parent's market. */
static int derived(lua_State *L, mtl_status st, mtl_forecast *f)
{
    lmtl_box *b;
    if (st != MTL_OK)
        return lmtl_fail(L, st);
    lua_getiuservalue(L, 1, 1);
    b = lmtl_new_box(L, LMTL_FORECAST, -1, forecast_destroy);
    b->p = f;
    return 1;
}

/* forecast:without(lead_id) -> the what-if forecast */
static int fc_without(lua_State *L)
{
    const mtl_forecast *f = lmtl_check_box(L, 1, LMTL_FORECAST);
    mtl_forecast *out = NULL;
    mtl_status st = mtl_forecast_without(&out, f, lmtl_checkcstring(L, 2));
    return derived(L, st, out);
}

/* forecast:with_probability(lead_id, p) -> the what-if forecast */
static int fc_with_probability(lua_State *L)
{
    const mtl_forecast *f = lmtl_check_box(L, 1, LMTL_FORECAST);
    mtl_forecast *out = NULL;
    mtl_status st = mtl_forecast_with_probability(&out, f, lmtl_checkcstring(L, 2),
                                                  luaL_checknumber(L, 3));
    return derived(L, st, out);
}

/* forecast:ref() -> a second handle on the same forecast, closed on its own
 * (for a to-be-closed variable in a callee) */
static int fc_ref(lua_State *L)
{
    mtl_forecast *f = lmtl_check_box(L, 1, LMTL_FORECAST);
    return derived(L, MTL_OK, mtl_forecast_ref(f));
}

static const luaL_Reg forecast_methods[] = {
    { "summary", fc_summary },
    { "quantile", fc_quantile },
    { "probability_at_least", fc_probability_at_least },
    { "expected_shortfall", fc_expected_shortfall },
    { "distribution", fc_distribution },
    { "won_count_distribution", fc_won_count_distribution },
    { "deal_count", fc_deal_count },
    { "deal", fc_deal },
    { "deals", fc_deals },
    { "without", fc_without },
    { "with_probability", fc_with_probability },
    { "ref", fc_ref },
    { "close", lmtl_box_close },
    { NULL, NULL }
};

void lmtl_open_analysis(lua_State *L)
{
    lmtl_new_class(L, LMTL_FUNNEL, funnel_methods, lmtl_box_meta);
    lmtl_new_class(L, LMTL_FORECAST, forecast_methods, lmtl_box_meta);
}
