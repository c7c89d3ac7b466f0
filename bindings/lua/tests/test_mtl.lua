-- bindings/lua/tests/test_mtl.lua: the tests of the Lua binding.
--
--   LUA_CPATH=BUILD/bindings/lua/?.so lua5.4 test_mtl.lua SOURCE_ROOT
--
-- Plain asserts and a small runner; the last line is "N passed, M failed"
-- and the exit status is non-zero when a test failed.  MTL_SHARED_DATA
-- names ../shared/data (the real CRM export; its test is skipped when the
-- file is absent).  Every function of the module is wrapped to record that
-- it was called, and the last test checks that every symbol of
-- lib/libmtl.map is reached from a Lua function that the tests called.
local mtl = require "mtl"

local SOURCE = arg[1] or "."
local SHARED = os.getenv("MTL_SHARED_DATA") or (SOURCE .. "/../shared/data")
local DATA = SOURCE .. "/tests/cli/data"
local TMP = os.tmpname()
os.remove(TMP)

-- ---- call recording -----------------------------------------------------

local hits = {}
local classes = {
    market = "mtl.market", segment = "mtl.segment", customer = "mtl.customer",
    lead = "mtl.lead", funnel = "mtl.funnel", forecast = "mtl.forecast",
    tree = "mtl.target_tree",
}
local function wrap(tbl, prefix)
    local names = {}
    for name, fn in pairs(tbl) do
        if type(fn) == "function" then names[#names + 1] = name end
    end
    for _, name in ipairs(names) do
        local fn, key = tbl[name], prefix .. name
        tbl[name] = function(...)
            hits[key] = true
            return fn(...)
        end
    end
end
wrap(mtl, "mtl.")
local registry = debug.getregistry()
for short, tname in pairs(classes) do
    assert(registry[tname], tname .. ": no metatable")
    wrap(registry[tname].__index, short .. ":")
end

-- ---- helpers ----------------------------------------------------------------

local function fmt(v)
    if type(v) == "string" then return ("%q"):format(v) end
    return tostring(v)
end

local function eq(got, want, what)
    if got ~= want then
        error(("%s: expected %s, got %s"):format(what or "value", fmt(want),
                                                  fmt(got)), 2)
    end
end

local function near(got, want, tol, what)
    if type(got) ~= "number" or math.abs(got - want) > (tol or 1e-9) then
        error(("%s: expected %s (within %g), got %s"):format(what or "value",
              fmt(want), tol or 1e-9, fmt(got)), 2)
    end
end

local function isnan(x) return x ~= x end

-- A failure: nil, message, status name, detail.  Returns message, detail.
local function fails(status, v, msg, st, detail)
    if v ~= nil then
        error(("expected failure %s, got %s"):format(status, fmt(v)), 2)
    end
    if st ~= status then
        error(("expected status %s, got %s (%s)"):format(status, fmt(st), fmt(msg)), 2)
    end
    assert(type(msg) == "string" and #msg > 0, "no message")
    assert(type(detail) == "table", "no detail table")
    eq(detail.status, status, "detail.status")
    eq(detail.code, mtl.status[status], "detail.code")
    eq(detail.message, msg, "detail.message")
    return msg, detail
end

-- A raised error whose text contains plain text.
local function raises(text, fn, ...)
    local ok, err = pcall(fn, ...)
    if ok then error("expected an error (" .. text .. ")", 2) end
    if not tostring(err):find(text, 1, true) then
        error(("error %s does not contain %s"):format(fmt(tostring(err)), fmt(text)), 2)
    end
    return err
end

local function read_file(path)
    local f = assert(io.open(path, "rb"))
    local s = f:read("a")
    f:close()
    return s
end

local function exists(path)
    local f = io.open(path, "rb")
    if f then f:close() end
    return f ~= nil
end

local tests = {}
local function test(name, fn) tests[#tests + 1] = { name = name, fn = fn } end

-- A small market: segments energy > grid, customers C1 (energy), C2.
local function small_market()
    local m = assert(mtl.market())
    local energy = assert(m:add_segment("energy", { name = "Energy" }))
    assert(m:add_segment("grid", { name = "Grid", parent = energy }))
    assert(m:add_customer("C1", energy, { name = "Northwind", region = "East",
                                          owner = "ann" }))
    assert(m:add_customer("C2"))
    return m
end

-- ---- module, status, dates ---------------------------------------------

test("module: version, status codes, last error", function()
    local s, n = mtl.version()
    assert(s:match("^%d+%.%d+%.%d+$"), s)
    eq(mtl._VERSION, s, "_VERSION")
    eq(math.type(n), "integer", "version number")
    eq(mtl.status.MTL_OK, 0, "MTL_OK")
    eq(mtl.status.MTL_E_RANGE, 5, "MTL_E_RANGE")
    eq(mtl.status.MTL_E_CORRUPT, 12, "MTL_E_CORRUPT")
    eq(mtl.status_string(5), "MTL_E_RANGE", "status_string")
    eq(mtl.status_string(1000), "MTL_E_UNKNOWN", "unknown status")
    fails("MTL_E_RANGE", mtl.date_parse("2023-02-29"))
    local e = mtl.last_error()
    eq(e.status, "MTL_E_RANGE", "last_error status")
    eq(e.code, 5, "last_error code")
    assert(e.message:find("29", 1, true), e.message)
    eq(e.line .. "/" .. e.column, "0/0", "no position for a range error")
    eq(mtl.null ~= nil, true, "mtl.null")
end)

test("dates: parse, format, ymd", function()
    eq(mtl.date_parse("1970-01-02"), 1, "parse")
    eq(mtl.date_parse("1969-12-31"), -1, "before 1970")
    eq(mtl.date_format(0), "1970-01-01", "format")
    eq(mtl.date_format(19723), "2024-01-01", "format 2024")
    eq(mtl.date_from_ymd(2024, 2, 29), 19782, "from_ymd")
    local y, m, d = mtl.date_to_ymd(19782)
    eq(y * 10000 + m * 100 + d, 20240229, "to_ymd")
    local _, detail = fails("MTL_E_PARSE", mtl.date_parse("2024-1-01"))
    eq(detail.column, 7, "parse error column (the '-' where a digit belongs)")
    fails("MTL_E_RANGE", mtl.date_format(2932897))
    fails("MTL_E_RANGE", mtl.date_from_ymd(2023, 2, 29))
    fails("MTL_E_RANGE", mtl.date_to_ymd(-800000))
    raises("number expected", mtl.date_format, "x")
    raises("out of range", mtl.date_format, 1 << 40)
end)

-- ---- markets -------------------------------------------------------------

test("market: options, stage model, counters", function()
    local m = assert(mtl.market())
    eq(m:minor_per_major(), 100, "default minor per major")
    eq(m:stage_count(), 8, "default stages")
    eq(m:segment_count() + m:customer_count() + m:lead_count(), 0, "empty")
    assert(m:memory_used() > 0, "memory used")
    eq(assert(mtl.market { minor_per_major = 1000 }):minor_per_major(), 1000,
       "minor_per_major option")
    fails("MTL_E_RANGE", mtl.market { minor_per_major = 7 })
    raises("unknown option 'minor'", mtl.market, { minor = 1 })
    raises("integer expected", mtl.market, { minor_per_major = 1.5 })

    local crm = assert(mtl.market { stages = {
        { name = "New", probability = 0.1 },
        { name = "Qualified", phase = "qualify", probability = 0.4,
          category = "best_case" },
        { name = "Won", probability = 1, category = "closed", won = true },
        { name = "Lost", probability = 0, category = "omitted", lost = true },
    } })
    eq(crm:stage_count(), 4, "custom stages")
    local won = assert(crm:stage("Won"))
    eq(won.index, 2, "Won index")
    eq(won.won, true, "won flag")
    eq(won.flags, 1, "flags")
    eq(won.category, "closed", "category")
    local stages = crm:stages()
    eq(#stages, 4, "stages()")
    eq(stages[4].lost, true, "lost flag")
    eq(stages[2].phase, "qualify", "phase")
    eq(stages[2].probability, 0.4, "probability")

    local ext = assert(mtl.market { stages = { default = true,
        { name = "Dropped", probability = 0, lost = true } } })
    eq(ext:stage_count(), 9, "default + 1")
    eq(ext:stage_find("Dropped"), 8, "appended stage")

    local msg = fails("MTL_E_DUPLICATE", mtl.market { stages = {
        { name = "A" }, { name = "A" } } })
    assert(msg:find("stages[2] (stage 1)", 1, true), msg)
    msg = fails("MTL_E_DUPLICATE", mtl.market { stages = { default = true, { name = "P3" } } })
    assert(msg:find("stages[1] (stage 8)", 1, true), msg)
    fails("MTL_E_RANGE", mtl.market { stages = { { name = "A", probability = 2 } } })
    fails("MTL_E_RANGE", mtl.market { stages = {} })
    raises("unknown value 'maybe'", mtl.market,
           { stages = { { name = "A", category = "maybe" } } })
    raises("unknown option 'nme'", mtl.market, { stages = { { nme = "A" } } })
    assert(tostring(m):find("^mtl%.market %(0 segments, 0 customers, 0 leads%)"),
           tostring(m))
end)

test("market: stages of the default model", function()
    local m = assert(mtl.market())
    local p3 = assert(m:stage("P3"))
    eq(p3.index, 3, "P3 index")
    eq(p3.probability, 0.3, "P3 probability")
    eq(p3.category, "pipeline", "P3 category")
    assert(#p3.phase > 0, "phase")
    eq(assert(m:stage(7)).won, true, "P7 won")
    eq(assert(m:stage(6)).category, "commit", "P6 commit")
    eq(m:stage_find("P5"), 5, "stage_find")
    fails("MTL_E_NOT_FOUND", m:stage_find("P9"))
    fails("MTL_E_NOT_FOUND", m:stage("nope"))
    fails("MTL_E_RANGE", m:stage(8))
    fails("MTL_E_RANGE", m:stage(-1))
    raises("stage name or index", m.stage, m, {})
end)

-- ---- segments and customers ------------------------------------------------

test("segments: add, find, hierarchy, remove", function()
    local m = small_market()
    local energy, grid = m:segment("energy"), m:segment("grid")
    eq(m:segment("energy"), energy, "one wrapper per record")
    eq(energy:id(), "energy", "id")
    eq(energy:name(), "Energy", "name")
    eq(grid:parent(), energy, "parent")
    eq(energy:parent(), nil, "top level")
    eq(energy:market(), m, "market")
    eq(m:segment("nope"), nil, "find missing")
    eq(m:segment_count(), 2, "count")
    fails("MTL_E_DUPLICATE", m:add_segment("energy"))
    fails("MTL_E_INVALID_ARGUMENT", m:add_segment(""))
    eq(energy:set_name("Power"), energy, "setter returns the handle")
    eq(energy:name(), "Power", "renamed")
    assert(energy:set_name(nil))
    eq(energy:name(), "", "name cleared")
    fails("MTL_E_STATE", energy:set_parent(grid))      -- a cycle
    fails("MTL_E_NOT_FOUND", grid:set_parent("nope"))
    assert(grid:set_parent(nil))
    eq(grid:parent(), nil, "parent cleared")
    assert(grid:set_parent("energy"))                  -- by id
    eq(grid:parent(), energy, "parent by id")
    assert(grid:set { name = "Grid 2", parent = nil })
    eq(grid:name(), "Grid 2", "set{}")
    raises("unknown option", grid.set, grid, { title = "x" })
    local other = assert(mtl.market())
    local foreign = assert(other:add_segment("x"))
    fails("MTL_E_INVALID_ARGUMENT", grid:set_parent(foreign))

    -- all or nothing: a failing field removes the new segment again
    fails("MTL_E_NOT_FOUND", m:add_segment("water", { parent = "nope" }))
    eq(m:segment("water"), nil, "not added")
    eq(m:segment_count(), 2, "count unchanged")

    local seen = {}
    for s in m:segments() do seen[#seen + 1] = s:id() end
    eq(table.concat(seen, ","), "energy,grid", "iteration order")

    assert(grid:set_parent(energy))
    fails("MTL_E_IN_USE", energy:remove())             -- grid and C1 use it
    eq(grid:remove(), true, "remove")
    raises("segment was removed", grid.name, grid)
    raises("segment was removed", grid.set_name, grid, "x")
    eq(tostring(grid), "mtl.segment (removed)", "tostring of a removed one")
    eq(m:segment("grid"), nil, "gone")
    eq(tostring(energy), "mtl.segment 'energy'", "tostring")
end)

test("customers: every field, set, fields, remove", function()
    local m = small_market()
    local c1, c2 = m:customer("C1"), m:customer("C2")
    eq(c1:id(), "C1", "id")
    eq(c1:name(), "Northwind", "name")
    eq(c1:segment(), m:segment("energy"), "segment")
    eq(c1:region(), "East", "region")
    eq(c1:owner(), "ann", "owner")
    eq(c1:revenue(), 0, "revenue")
    eq(c1:investment(), 0, "investment")
    eq(c1:participation(), 0.0, "participation")
    eq(c1:grade(), nil, "grade")
    eq(c1:market(), m, "market")
    assert(c2:set_name("Contoso"):set_region("West"):set_owner("bob"))
    assert(c2:set_revenue(1234500):set_investment(99):set_participation(0.25))
    assert(c2:set_grade("partner"):set_segment("grid"))
    eq(c2:name() .. c2:region() .. c2:owner(), "ContosoWestbob", "strings")
    eq(c2:revenue(), 1234500, "revenue")
    eq(c2:investment(), 99, "investment")
    eq(c2:participation(), 0.25, "participation")
    eq(c2:grade(), "partner", "grade")
    eq(c2:segment():id(), "grid", "segment by id")
    assert(c2:set_grade(nil):set_segment(nil):set_region(nil))
    eq(c2:grade(), nil, "grade cleared")
    eq(c2:segment(), nil, "segment cleared")
    eq(c2:region(), "", "region cleared")
    assert(c2:set_grade(1))
    eq(c2:grade(), "strategic", "grade by code")
    fails("MTL_E_RANGE", c2:set_revenue(-1))
    fails("MTL_E_RANGE", c2:set_investment(-1))
    fails("MTL_E_RANGE", c2:set_participation(1.5))
    fails("MTL_E_RANGE", c2:set_grade(9))
    fails("MTL_E_NOT_FOUND", c2:set_segment("nope"))
    raises("unknown grade 'vip'", c2.set_grade, c2, "vip")
    raises("number expected", c2.set_participation, c2, "high")
    raises("number has no integer representation", c2.set_revenue, c2, 1.5)

    assert(c2:set { name = "C-two", revenue = 5, grade = "general",
                    segment = m:segment("energy") })
    local f = c2:fields()
    eq(f.id, "C2", "fields id")
    eq(f.name, "C-two", "fields name")
    eq(f.segment, "energy", "fields segment is the id")
    eq(f.revenue, 5, "fields revenue")
    eq(f.grade, "general", "fields grade")
    fails("MTL_E_RANGE", c2:set { revenue = -3 })

    local c3 = assert(m:add_customer("C3", "grid", { grade = "commercial",
                                                     participation = 0.5 }))
    eq(c3:segment():id(), "grid", "add with a segment id")
    fails("MTL_E_NOT_FOUND", m:add_customer("C4", "nope"))
    fails("MTL_E_RANGE", m:add_customer("C4", nil, { revenue = -1 }))
    eq(m:customer("C4"), nil, "all or nothing")
    fails("MTL_E_DUPLICATE", m:add_customer("C1"))
    eq(m:customer_count(), 3, "count")
    local ids = {}
    for c in m:customers() do ids[#ids + 1] = c:id() end
    eq(table.concat(ids, ","), "C1,C2,C3", "iteration")

    assert(m:add_lead("L1", c3))
    fails("MTL_E_IN_USE", c3:remove())
    assert(m:lead("L1"):remove())
    eq(c3:remove(), true, "removed")
    raises("customer was removed", c3.id, c3)
    eq(m:customer("C3"), nil, "gone")
end)

-- ---- leads -------------------------------------------------------------------

test("leads: every getter and setter", function()
    local m = small_market()
    local c1 = m:customer("C1")
    local l = assert(m:add_lead("L-001", c1))
    eq(l:id(), "L-001", "id")
    eq(l:customer(), c1, "customer")
    eq(l:segment(), m:segment("energy"), "segment copied from the customer")
    eq(l:region(), "East", "region copied from the customer")
    eq(l:owner(), "", "owner")
    eq(l:source(), "", "source")
    eq(l:status(), "new", "status")
    local name, index = l:stage()
    eq(name, "P0", "stage")
    eq(index, 0, "stage index")
    eq(l:outcome(), "open", "outcome")
    eq(l:amount(), 0, "amount")
    eq(l:probability(), nil, "no probability override")
    eq(l:category(), nil, "no category override")
    eq(l:decision_step(), nil, "no decision step")
    eq(l:created(), nil, "no created date")
    eq(l:expected_close(), nil, "no expected close")
    eq(l:closed(), nil, "no closed date")
    eq(l:market(), m, "market")

    assert(l:set_owner("ann"):set_region("North"):set_source("web"))
    assert(l:set_status("converted"):set_stage("P3"):set_amount(4800000))
    assert(l:set_probability(0.35):set_category("commit"):set_decision_step("criteria"))
    assert(l:set_created("2024-01-05"):set_expected_close(19800):set_closed(nil))
    eq(l:owner() .. l:region() .. l:source(), "annNorthweb", "strings")
    eq(l:status(), "converted", "status")
    eq(select(2, l:stage()), 3, "stage")
    eq(l:amount(), 4800000, "amount")
    eq(l:probability(), 0.35, "probability")
    eq(l:category(), "commit", "category")
    eq(l:decision_step(), "criteria", "decision step")
    local created, day = l:created()
    eq(created, "2024-01-05", "created")
    eq(day, 19727, "created day")
    eq(l:expected_close(), "2024-03-18", "expected close by day number")
    assert(l:set_stage(5))
    eq(l:stage(), "P5", "stage by index")
    assert(l:set_probability(nil):set_category(nil):set_decision_step(nil))
    eq(l:probability(), nil, "override cleared")
    eq(l:category(), nil, "category cleared")
    eq(l:decision_step(), nil, "step cleared")
    assert(l:set_status(2):set_category(4):set_decision_step(7))
    eq(l:status(), "converted", "status by code")
    eq(l:category(), "omitted", "category by code")
    eq(l:decision_step(), "reevaluation", "step by code")

    -- stage and outcome must agree
    fails("MTL_E_STATE", l:set_stage("P7"))
    assert(l:set_stage_outcome("P7", "won"))
    eq(l:outcome(), "won", "won")
    fails("MTL_E_STATE", l:set_outcome("open"))
    assert(l:set_stage_outcome(4, "lost"))
    eq(l:outcome() .. l:stage(), "lostP4", "lost at P4")
    assert(l:set_outcome("open"))
    fails("MTL_E_NOT_FOUND", l:set_stage("P9"))
    fails("MTL_E_RANGE", l:set_stage(42))
    fails("MTL_E_RANGE", l:set_status(9))
    fails("MTL_E_RANGE", l:set_amount(-1))
    fails("MTL_E_RANGE", l:set_probability(1.5))
    fails("MTL_E_RANGE", l:set_probability(0 / 0))
    fails("MTL_E_RANGE", l:set_created("2023-02-29"))
    fails("MTL_E_PARSE", l:set_closed("29.02.2024"))
    fails("MTL_E_RANGE", l:set_closed(99999999))
    raises("unknown outcome 'maybe'", l.set_outcome, l, "maybe")
    raises("unknown status", l.set_status, l, "hot")
    raises("date", l.set_created, l, {})
    raises("value expected", l.set_amount, l)

    -- customer and segment: handle, id or nil
    local c2 = m:customer("C2")
    assert(l:set_customer(c2))
    eq(l:customer(), c2, "customer")
    eq(l:segment(), m:segment("energy"), "C2 has no segment: kept")
    assert(l:set_customer(nil))
    eq(l:customer(), nil, "customer cleared")
    assert(l:set_customer("C1"):set_segment("grid"))
    eq(l:segment():id(), "grid", "segment by id")
    assert(l:set_segment(nil))
    eq(l:segment(), nil, "segment cleared")
    fails("MTL_E_NOT_FOUND", l:set_customer("C9"))
    local other = assert(mtl.market())
    local foreign = assert(other:add_customer("X"))
    fails("MTL_E_INVALID_ARGUMENT", l:set_customer(foreign))
    raises("mtl.customer expected", l.set_customer, l, m:segment("grid"))
end)

test("leads: attributes and stage history", function()
    local m = small_market()
    local l = assert(m:add_lead("L1"))
    eq(l:attribute_count(), 0, "no attributes")
    assert(l:set_attribute("industry", "power"):set_attribute("campaign", "expo"))
    eq(l:attribute("industry"), "power", "attribute")
    eq(l:attribute("none"), nil, "missing attribute")
    eq(l:attribute_count(), 2, "count")
    local k, v = l:attribute_at(1)
    eq(k .. "=" .. v, "industry=power", "first in key order")
    k, v = l:attribute_at(2)
    eq(k .. "=" .. v, "campaign=expo", "second")
    fails("MTL_E_RANGE", l:attribute_at(3))
    fails("MTL_E_RANGE", l:attribute_at(0))
    local attrs = l:attributes()
    eq(attrs.industry .. attrs.campaign, "powerexpo", "attributes()")
    assert(l:set_attribute("industry", nil))
    eq(l:attribute("industry"), nil, "removed")
    eq(l:attribute_count(), 1, "count after removal")
    fails("MTL_E_INVALID_ARGUMENT", l:set_attribute("", "x"))
    raises("zero byte", l.set_attribute, l, "a\0b", "x")

    eq(l:event_count(), 0, "no events")
    assert(l:add_event("2024-03-01", "P2"):add_event(mtl.date_parse("2024-02-01"), 1))
    assert(l:add_event("2024-02-01", "P0"))
    eq(l:event_count(), 3, "events")
    local day, stage, index = l:event_at(1)
    eq(day .. stage .. index, "2024-02-01P11", "sorted by day, ties in call order")
    day, stage = l:event_at(3)
    eq(day .. stage, "2024-03-01P2", "last")
    fails("MTL_E_RANGE", l:event_at(4))
    local ev = l:events()
    eq(#ev, 3, "events()")
    eq(ev[2].stage, "P0", "events()[2]")
    eq(ev[2].index, 0, "events()[2].index")
    eq(ev[2].day, "2024-02-01", "events()[2].day")
    fails("MTL_E_NOT_FOUND", l:add_event("2024-01-01", "P9"))
    fails("MTL_E_RANGE", l:add_event("2024-01-01", 99))
    fails("MTL_E_PARSE", l:add_event("yesterday", "P1"))
    eq(l:clear_events(), l, "clear_events")
    eq(l:event_count(), 0, "cleared")
    eq(mtl.json_encode(l:events()), "[]\n", "an empty list encodes as []")
end)

test("leads: add with fields, set, fields", function()
    local m = small_market()
    local l = assert(m:add_lead("L1", "C1", {
        owner = "ann", source = "expo", status = "converted", stage = "P7",
        outcome = "won", amount = 500000, probability = 1, category = "closed",
        decision_step = "selection", created = "2024-01-10",
        expected_close = "2024-06-01", closed = "2024-06-20",
        attributes = { industry = "power", size = "L" },
        events = { { "2024-01-10", "P1" }, { day = "2024-03-01", stage = 5 } },
    }))
    local f = l:fields()
    eq(f.id, "L1", "id")
    eq(f.customer, "C1", "customer id")
    eq(f.segment, "energy", "segment id")
    eq(f.region, "East", "region")
    eq(f.stage, "P7", "stage")
    eq(f.stage_index, 7, "stage index")
    eq(f.outcome, "won", "outcome")
    eq(f.amount, 500000, "amount")
    eq(f.probability, 1.0, "probability")
    eq(f.category, "closed", "category")
    eq(f.decision_step, "selection", "decision step")
    eq(f.created .. f.expected_close .. f.closed, "2024-01-102024-06-012024-06-20",
       "dates")
    eq(f.attributes.size, "L", "attributes")
    eq(#f.events, 2, "events")
    eq(f.events[2].stage, "P5", "event stage")

    -- all or nothing: a bad field removes the new lead again
    local n = m:lead_count()
    fails("MTL_E_RANGE", m:add_lead("L2", nil, { owner = "bob", amount = -5 }))
    fails("MTL_E_STATE", m:add_lead("L2", nil, { stage = "P7" }))
    fails("MTL_E_NOT_FOUND", m:add_lead("L2", "C9"))
    fails("MTL_E_NOT_FOUND", m:add_lead("L2", nil, { events = { { "2024-01-01", "X" } } }))
    eq(m:lead("L2"), nil, "not added")
    eq(m:lead_count(), n, "count unchanged")
    raises("unknown option 'colour'", m.add_lead, m, "L2", nil, { colour = "red" })
    eq(m:lead("L2"), nil, "not added after a raise either")
    fails("MTL_E_DUPLICATE", m:add_lead("L1"))
    fails("MTL_E_INVALID_ARGUMENT", m:add_lead(""))
    fails("MTL_E_LIMIT", m:add_lead(("x"):rep(5000)))
    raises("zero byte", m.add_lead, m, "L\0")

    eq(l:set { amount = 7, attributes = { size = false } }, l, "set{}")
    eq(l:amount(), 7, "amount set")
    eq(l:attribute("size"), nil, "attribute removed by false")
    fails("MTL_E_STATE", l:set { outcome = "open" })   -- P7 needs won
    assert(l:set { stage = "P3", outcome = "open" })
    eq(l:stage() .. l:outcome(), "P3open", "stage and outcome together")
end)

test("leads: find_leads, iteration, removal", function()
    local m = assert(mtl.market())
    for i = 1, 5 do assert(m:add_lead("L" .. i)) end
    local found = m:find_leads { "L2", "zz", "L5", "", "L\0" }
    eq(found[1], m:lead("L2"), "found")
    eq(found[2], false, "missing is false")
    eq(found[3]:id(), "L5", "found 3")
    eq(found[4], false, "empty id")
    eq(found[5], false, "id with a zero byte")
    eq(#m:find_leads {}, 0, "no ids")

    -- removing the lead the loop was given is fine
    local ids = {}
    for l in m:leads() do
        ids[#ids + 1] = l:id()
        if l:id() == "L2" then assert(l:remove()) end
    end
    eq(table.concat(ids, ","), "L1,L2,L3,L4,L5", "iteration")
    eq(m:lead_count(), 4, "one removed")
    -- removing the next one (prefetched) is detected
    raises("removed or closed during the iteration", function()
        for l in m:leads() do
            if l:id() == "L3" then m:lead("L4"):remove() end
        end
    end)
end)

-- ---- bulk ----------------------------------------------------------------------

test("bulk: add_leads columns", function()
    local m = small_market()
    local n = assert(m:add_leads {
        ids = { "B1", "B2", "B3", "B4" },
        customers = { "C1", nil, m:customer("C2"), "C1" },
        owners = { dict = { "ann", "bob" }, codes = { 1, 2, 0, 2 } },
        sources = { "web", "expo", false, 7 },
        stages = { "P1", 3, nil, "P7" },
        outcomes = { nil, "open", "lost", "won" },
        statuses = { "new", "nurture", 3, "converted" },
        amounts = { 100, 200, 300, 400 },
        probabilities = { 0.5, nil, nil, 1 },
        categories = { nil, "commit", nil, "closed" },
        decision_steps = { "satisfied", nil, nil, 6 },
        created = { "2024-01-01", 19725, nil, "2024-01-04" },
        expected_close = { "2024-06-01" },
        closed = { nil, nil, "2024-02-01", "2024-03-01" },
        attributes = {
            industry = { "power", "water", nil, "power" },
            tier = { dict = { "gold" }, codes = { nil, 1, 1 } },
        },
    })
    eq(n, 4, "added")
    eq(m:lead_count(), 4, "count")
    local b1, b2, b3, b4 = m:lead("B1"), m:lead("B2"), m:lead("B3"), m:lead("B4")
    eq(b1:customer():id(), "C1", "customer")
    eq(b1:segment():id(), "energy", "segment from the customer")
    eq(b2:customer(), nil, "no customer")
    eq(b3:customer():id(), "C2", "customer handle")
    eq(b1:owner() .. b2:owner() .. b3:owner() .. b4:owner(), "annbobbob",
       "dictionary owners")
    eq(b4:source(), "7", "a number becomes text")
    eq(b3:source(), "", "false is absent")
    eq(b1:stage() .. b2:stage() .. b3:stage() .. b4:stage(), "P1P3P0P7", "stages")
    eq(b3:outcome() .. b4:outcome(), "lostwon", "outcomes")
    eq(b2:status() .. b3:status(), "nurtureclosed", "statuses")
    eq(b4:amount(), 400, "amounts")
    eq(b1:probability(), 0.5, "probability")
    eq(b2:probability(), nil, "no probability")
    eq(b2:category(), "commit", "category")
    eq(b1:decision_step() .. b4:decision_step(), "satisfiedselection", "steps")
    eq(b2:created(), "2024-01-03", "created by day number")
    eq(b1:expected_close(), "2024-06-01", "short column")
    eq(b2:expected_close(), nil, "short column: absent")
    eq(b4:closed(), "2024-03-01", "closed")
    eq(b1:attribute("industry") .. b2:attribute("tier"), "powergold", "attributes")
    eq(b1:attribute("tier"), nil, "absent attribute")

    -- keep_segment / keep_region
    assert(m:add_leads { ids = { "K1" }, customers = { "C1" }, segments = { nil },
                         keep_segment = true, keep_region = true })
    eq(m:lead("K1"):segment(), nil, "keep_segment")
    eq(m:lead("K1"):region(), "", "keep_region")
    eq(assert(m:add_leads { ids = {} }), 0, "no rows")
    eq(assert(m:add_leads { ids = {}, attributes = {} }), 0, "no attribute columns")
    eq(assert(m:add_leads { ids = { "A0" }, attributes = {} }), 1, "one row")
    eq(assert(m:add_leads { ids = { dict = { "D1", "D2" }, codes = { 2, 1 } } }), 2,
       "dictionary ids")
    eq(m:lead("D2"):id(), "D2", "dictionary id")
end)

test("bulk: all or nothing, the bad row", function()
    local m = small_market()
    assert(m:add_lead("X1"))
    local before = m:lead_count()
    local function bad(status, cols, line)
        local _, detail = fails(status, m:add_leads(cols))
        eq(detail.line, line, status .. " line")
        eq(m:lead_count(), before, "nothing added")
    end
    bad("MTL_E_DUPLICATE", { ids = { "N1", "N2", "N1" } }, 3)
    bad("MTL_E_DUPLICATE", { ids = { "N1", "X1" } }, 2)
    bad("MTL_E_NOT_FOUND", { ids = { "N1", "N2" }, customers = { "C1", "C9" } }, 2)
    bad("MTL_E_NOT_FOUND", { ids = { "N1", "N2" }, stages = { "P1", "Q" } }, 2)
    bad("MTL_E_RANGE", { ids = { "N1", "N2" }, created = { "2024-01-01", "2024-02-30" } }, 2)
    bad("MTL_E_PARSE", { ids = { "N1" }, closed = { "soon" } }, 1)
    bad("MTL_E_RANGE", { ids = { "N1", "N2" }, amounts = { 1, -1 } }, 2)
    bad("MTL_E_STATE", { ids = { "N1" }, stages = { "P7" } }, 1)
    bad("MTL_E_RANGE", { ids = { "N1" }, owners = { dict = { "a" }, codes = { 2 } } }, 1)
    bad("MTL_E_INVALID_ARGUMENT", { ids = { "N1", nil, "N3" }, count = 3 }, 2)
    raises("integer expected", m.add_leads, m, { ids = { "N1" }, amounts = { 1.5 } })
    raises("unknown value 'won!'", m.add_leads, m, { ids = { "N1" }, outcomes = { "won!" } })
    raises("string expected", m.add_leads, m, { ids = { "N1", {} } })
    raises("2 values for 1 rows", m.add_leads, m, { ids = { "N1" }, amounts = { 1, 2 } })
    raises("unknown option 'amount'", m.add_leads, m, { ids = { "N1" }, amount = { 1 } })
    raises("bad column 'ids'", m.add_leads, m, { customers = { "C1" } })
    eq(m:lead_count(), before, "nothing added by the raises")
end)

test("bulk: 20,000 rows in one call", function()
    local m = assert(mtl.market())
    local ids, stages, amounts, owners = {}, {}, {}, {}
    local names = { "P0", "P1", "P2", "P3", "P4", "P5", "P6" }
    for i = 1, 20000 do
        ids[i] = "R" .. i
        stages[i] = names[i % 7 + 1]
        amounts[i] = i
        owners[i] = (i % 3) + 1
    end
    local t = os.clock()
    eq(assert(m:add_leads { ids = ids, stages = stages, amounts = amounts,
                            owners = { dict = { "a", "b", "c" }, codes = owners } }),
       20000, "added")
    local elapsed = os.clock() - t
    eq(m:lead_count(), 20000, "count")
    eq(m:lead("R7"):stage(), "P0", "row 7")
    local open_amount = 0
    for _, s in ipairs(m:funnel_stages()) do open_amount = open_amount + s.open_amount end
    eq(open_amount, 20000 * 20001 // 2, "live counters")
    io.write(("    (20,000 rows in %.3f s)\n"):format(elapsed))
end)

-- ---- CSV --------------------------------------------------------------------------

local LEADS_CSV = read_file(DATA .. "/leads.csv")
local BAD_CSV = read_file(DATA .. "/bad.csv")

test("csv: import text and files, options, result", function()
    local m = assert(mtl.market())
    local r = assert(m:import_csv(LEADS_CSV))
    eq(r.rows, 6, "rows")
    eq(r.imported, 6, "imported")
    eq(r.skipped, 0, "skipped")
    eq(r.customers_created, 4, "customers created")
    eq(r.separator, ",", "separator")
    eq(#r.errors, 0, "no errors")
    eq(m:lead("L-003"):outcome(), "won", "won lead")
    eq(m:lead("L-001"):amount(), 120050, "amount in minor units")

    -- customers and segments, a separator, maps as tables
    local c = assert(mtl.market())
    r = assert(c:import_csv("segment;segment_name\nenergy;Energy\n",
                            { kind = "segments", separator = ";" }))
    eq(r.separator, ";", "separator used")
    eq(c:segment("energy"):name(), "Energy", "segment imported")
    r = assert(c:import_csv("acct,nm,segment\nA1,Acme,energy\n", {
        kind = "customers", field_map = { acct = "id", nm = "name" } }))
    eq(c:customer("A1"):name(), "Acme", "field map table")
    r = assert(c:import_csv("opp,who,st\nO1,A1,Won\nO2,A1,Prospecting\n", {
        field_map = "opp=id,who=customer,st=stage",
        stage_map = { Won = "won", Prospecting = "P1" }, strict = true }))
    eq(c:lead("O1"):outcome() .. c:lead("O2"):stage(), "wonP1", "stage map table")
    fails("MTL_E_NOT_FOUND", c:import_csv("id,customer\nO3,A9\n", { strict = true }))
    eq(c:lead("O3"), nil, "strict: nothing added")
    fails("MTL_E_INVALID_ARGUMENT", c:import_csv("id\nO4\n", { stage_map = "Won=Winning" }))
    fails("MTL_E_RANGE", c:import_csv("id\nO4\n", { separator = "|" }))
    raises("unknown value 'deals'", c.import_csv, c, "id\n", { kind = "deals" })
    raises("one character expected", c.import_csv, c, "id\n", { separator = ",," })
    raises("',', '=' or a zero byte", c.import_csv, c, "id\n", { field_map = { ["a,b"] = "id" } })
    raises("unknown option 'map'", c.import_csv, c, "id\n", { map = "a=id" })

    -- a file
    local f = assert(mtl.market())
    r = assert(f:import_csv_file(DATA .. "/leads.csv"))
    eq(r.imported, 6, "file imported")
    local msg = fails("MTL_E_IO", f:import_csv_file(DATA .. "/no-such-file.csv"))
    assert(msg:find("no-such-file", 1, true), msg)
end)

test("csv: errors with line and column, skip mode", function()
    local m = assert(mtl.market())
    local v, msg, st, detail = m:import_csv(BAD_CSV)
    fails("MTL_E_RANGE", v, msg, st, detail)
    assert(msg:find("line 3, column 12", 1, true), msg)
    eq(detail.line, 3, "line")
    eq(detail.column, 12, "column")
    eq(detail.rows, 2, "rows read before the error")
    eq(detail.imported, 0, "imported")
    eq(#detail.errors, 1, "errors")
    eq(detail.errors[1].line, 3, "errors[1].line")
    eq(detail.errors[1].status, "MTL_E_RANGE", "errors[1].status")
    eq(m:lead_count(), 0, "market unchanged")

    local r = assert(m:import_csv(BAD_CSV, { skip_bad_rows = true }))
    eq(r.rows, 3, "rows")
    eq(r.imported, 2, "imported")
    eq(r.skipped, 1, "skipped")
    eq(r.errors[1].line, 3, "skipped line")
    eq(r.errors[1].column, 12, "skipped column")
    eq(r.errors[1].code, mtl.status.MTL_E_RANGE, "skipped code")

    local _, d = fails("MTL_E_PARSE", m:import_csv('id,stage\n"A,P1\n'))
    eq(d.line, 2, "unclosed quote line")
    _, d = fails("MTL_E_PARSE", m:import_csv(""))
    eq(d.line, 1, "no header")
end)

test("csv: progress callback", function()
    local lines = { "id,stage,amount" }
    for i = 1, 3000 do lines[#lines + 1] = ("P%d,P%d,%d.50"):format(i, i % 7, i) end
    local text = table.concat(lines, "\n")
    local m = assert(mtl.market())
    local calls, last = 0, -1
    local r = assert(m:import_csv(text, { progress = function(done, total)
        calls = calls + 1
        assert(done >= last and total == #text)
        last = done
    end }))
    eq(r.imported, 3000, "imported")
    assert(calls > 1, "progress called")

    -- an error in the callback is raised after the import
    local m2 = assert(mtl.market())
    raises("stop here", m2.import_csv, m2, text, { progress = function()
        error("stop here")
    end })
    -- the market cannot be used from inside the callback
    local m3 = assert(mtl.market())
    raises("market is busy", m3.import_csv, m3, text, { progress = function()
        return m3:lead_count()
    end })
    eq(m3:lead_count(), 3000, "usable again afterwards")
    -- closing it there is allowed: the import finishes, then it is released
    local m4 = assert(mtl.market())
    local lead
    r = assert(m4:import_csv(text, { progress = function()
        if not m4:is_closed() then m4:close() end
    end }))
    eq(r.imported, 3000, "import completed")
    eq(m4:is_closed(), true, "closed")
    raises("market is closed", m4.lead_count, m4)
    lead = lead -- (no handle could be taken)
end)

test("csv: from_csv", function()
    local m, r = mtl.from_csv(DATA .. "/leads.csv", { minor_per_major = 1000 })
    assert(m, r)
    eq(m:minor_per_major(), 1000, "market option")
    eq(m:lead("L-001"):amount(), 1200500, "amount in the market's unit")
    eq(r.imported, 6, "result")
    local _, d = fails("MTL_E_RANGE", mtl.from_csv(DATA .. "/bad.csv"))
    eq(d.line, 3, "line")
    fails("MTL_E_IO", mtl.from_csv(DATA .. "/nope.csv"))
    fails("MTL_E_RANGE", mtl.from_csv(DATA .. "/leads.csv", { minor_per_major = 3 }))
    raises("unknown option", mtl.from_csv, DATA .. "/leads.csv", { x = 1 })
end)

test("csv export, snapshots", function()
    local m = small_market()
    assert(m:import_csv(LEADS_CSV))
    assert(m:lead("L-001"):set_attribute("industry", "power"))
    local text = assert(m:export_csv())
    assert(text:find("^id,"), text:sub(1, 40))
    local copy = assert(mtl.market())
    assert(copy:import_csv(assert(m:export_csv("segments")), { kind = "segments" }))
    assert(copy:import_csv(assert(m:export_csv("customers")), { kind = "customers" }))
    assert(copy:import_csv(text))
    eq(copy:lead_count(), m:lead_count(), "round trip")
    eq(copy:lead("L-001"):attribute("industry"), "power", "attribute column")
    eq(mtl.json_encode(copy:lead("L-004"):fields()),
       mtl.json_encode(m:lead("L-004"):fields()), "fields round trip")
    local semi = assert(m:export_csv("leads", ";"))
    assert(semi:find("^id;"), "separator")
    eq(assert(m:export_csv(0, 59)), semi, "kind and separator as codes")
    fails("MTL_E_RANGE", m:export_csv(11)) -- past MTL_KIND_ANSWERS
    raises("one character expected", m.export_csv, m, "leads", "::")

    local path = TMP .. ".csv"
    eq(m:export_csv_file(path), true, "export_csv_file")
    eq(read_file(path), text, "same text")
    local f = assert(mtl.market())
    assert(f:import_csv_file(path))
    eq(f:lead_count(), m:lead_count(), "file round trip")
    os.remove(path)
    fails("MTL_E_IO", m:export_csv_file("/nonexistent-dir/x.csv"))

    local bytes = assert(m:write())
    local r = assert(mtl.read(bytes))
    eq(r:lead_count(), m:lead_count(), "read")
    eq(mtl.json_encode(r:lead("L-001"):fields()), mtl.json_encode(m:lead("L-001"):fields()),
       "snapshot keeps every field")
    eq(r:segment("grid"):parent():id(), "energy", "hierarchy kept")
    local snap = TMP .. ".mtl"
    eq(m:save(snap), true, "save")
    local l = assert(mtl.load(snap, { memory_limit = 1 << 30 }))
    eq(l:lead_count(), m:lead_count(), "load")
    eq(assert(l:write()), bytes, "identical snapshot")
    os.remove(snap)
    fails("MTL_E_IO", mtl.load(TMP .. ".missing"))
    fails("MTL_E_IO", m:save("/nonexistent-dir/x.mtl"))
    fails("MTL_E_CORRUPT", mtl.read("not a snapshot"))
    fails("MTL_E_CORRUPT", mtl.read(bytes:sub(1, #bytes - 3)))
    local flipped = bytes:sub(1, 40) .. string.char(bytes:byte(41) ~ 1) .. bytes:sub(42)
    fails("MTL_E_CORRUPT", mtl.read(flipped))
end)

-- ---- funnel (docs/methods/funnel.md, worked example) ----------------------------

local function funnel_market()
    local m = assert(mtl.market())
    assert(m:add_segment("east"))
    assert(m:add_segment("west"))
    assert(m:add_customer("C1", "east", { grade = "strategic" }))
    assert(m:add_customer("C2", "east", { grade = "partner" }))
    assert(m:add_customer("C3", "west", { grade = "commercial" }))
    local rows = {
        -- id, customer, stage, outcome, amount, p, status, created, expected, closed, history
        { "E1", "C1", "P7", "won", 120000, nil, "converted", "2024-01-10", nil, "2024-07-20" },
        { "E2", "C2", "P7", "won", 80000, nil, "converted", "2024-02-01", nil, "2024-08-30" },
        { "E3", "C1", "P2", "lost", 50000, nil, "closed", "2024-03-05", nil, "2024-05-01" },
        { "E4", "C2", "P4", "open", 200000, 0.375, "converted", "2024-04-01", "2024-09-10" },
        { "E5", "C1", "P1", "open", 30000, nil, "new", "2024-06-15", "2024-12-01" },
        { "E6", "C2", "P5", "open", 150000, nil, "converted", "2024-01-20", "2024-08-01", nil,
          { { "2024-02-01", "P0" }, { "2024-03-01", "P2" }, { "2024-05-01", "P5" } } },
        { "E7", "C1", "P6", "won", 60000, nil, "converted", "2024-03-01", nil, "2024-06-10" },
        { "W1", "C3", "P7", "won", 90000, nil, "converted", "2024-02-10", nil, "2024-07-05",
          { { "2024-02-10", "P1" }, { "2024-03-20", "P3" }, { "2024-05-05", "P6" } } },
        { "W2", "C3", "P3", "lost", 40000, nil, "closed", "2024-01-15", nil, "2024-04-20" },
        { "W3", "C3", "P0", "open", 10000, nil, "new", "2024-07-02", "2024-09-30" },
        { "W4", "C3", "P6", "open", 70000, 0.625, "converted", "2024-05-10", "2024-09-20" },
        { "W5", "C3", "P5", "lost", 110000, nil, "converted", "2024-02-20", nil, "2024-06-01",
          { { "2024-03-01", "P2" }, { "2024-04-15", "P5" } } },
        { "N1", nil, "P3", "open", 25000, nil, "nurture", "2024-05-05", "2024-07-31" },
    }
    for _, r in ipairs(rows) do
        assert(m:add_lead(r[1], r[2], {
            stage = r[3], outcome = r[4], amount = r[5], probability = r[6],
            status = r[7], created = r[8], expected_close = r[9], closed = r[10],
            events = r[11],
        }))
    end
    return m
end

local FUNNEL_OPTIONS = { period_start = "2024-07-01", period_end = "2024-10-01",
                         as_of = "2024-08-15", target = 500000 }

test("funnel: the worked example as tables", function()
    local m = funnel_market()
    local report = assert(m:funnel(FUNNEL_OPTIONS))
    eq(report.group_by, "none", "group_by")
    eq(#report.stages, 8, "stage names")
    eq(report.stages[3], "P2", "stage name")
    eq(#report.groups, 1, "the total only")
    local t = report.groups[1]
    eq(t.name, "(total)", "total")
    eq(t.leads .. "/" .. t.open .. "/" .. t.won .. "/" .. t.lost, "13/6/4/3", "counts")
    eq(t.open_amount, 485000, "open amount")
    eq(t.won_amount, 350000, "won amount")
    near(t.weighted_amount, 245750, 1e-6, "weighted")
    near(t.win_rate, 4 / 7, 1e-12, "T")
    eq(t.verified .. "/" .. t.converted, "11/8", "L")
    eq(t.period_won .. "/" .. t.period_won_amount, "3/290000", "BPI")
    eq(t.won_to_date_amount, 210000, "won to date")
    near(t.coverage, 455000 / 290000, 1e-9, "V")
    eq(t.cycle_count, 4, "cycle count")
    near(t.cycle_median, 169, 1e-9, "cycle median")
    near(t.velocity, 6 * 4 / 7 * 87500 / 162.5, 1e-6, "velocity")
    near(t.plan_gap, 50250, 1e-6, "plan gap")
    eq(t.plan_new_leads, 2.0, "plan new leads")
    local p2 = t.stages[3]
    eq(p2.stage, "P2", "row name")
    eq(p2.index, 2, "row index")
    eq(p2.reached, 10, "P2 reached")
    near(p2.conversion, 0.9, 1e-12, "P2 conversion")
    near(p2.win_rate, 0.5, 1e-12, "P2 win rate")
    near(p2.win_rate_low, 0.22126, 1e-5, "Wilson low")
    eq(p2.calibration, "inside", "calibration")
    near(p2.days_p90, 59.4, 1e-9, "days p90")
    eq(t.stages[1].calibration, "below", "P0 below")
    assert(isnan(t.stages[8].conversion), "last stage: NaN")
    eq(t.stages[1].plan_leads, 2.0, "plan at P0")
    near(t.stages[1].plan_pipeline, 83750, 1e-6, "pipeline at P0")

    local seg = assert(m:funnel { group_by = "segment", period_start = "2024-07-01",
                                  period_end = "2024-10-01", as_of = "2024-08-15",
                                  target = 500000 })
    local names = {}
    for _, g in ipairs(seg.groups) do names[#names + 1] = g.name end
    eq(table.concat(names, ","), "(total),(none),east,west", "segment groups")
    eq(seg.groups[3].leads, 7, "east leads")
    eq(seg.groups[4].plan_new_leads, math.huge, "west needs +inf leads")
    eq(seg.groups[4].stages[6].calibration, "above", "west P5 above")
    eq(#assert(m:funnel { group_by = "grade" }).groups, 5, "by grade")
    eq(assert(m:funnel { group_by = "cohort_quarter" }).groups[2].name, "2024-Q1",
       "by cohort")
    near(assert(m:funnel { confidence = 0.95 }).groups[1].stages[1].win_rate_low,
         0.23072, 1e-5, "confidence")
    fails("MTL_E_RANGE", m:funnel { confidence = 2 })
    fails("MTL_E_RANGE", m:funnel { period_start = "2024-10-01", period_end = "2024-07-01" })
    fails("MTL_E_RANGE", m:funnel { as_of = "2024-13-01" })
    raises("unknown option 'group'", m.funnel, m, { group = "segment" })
    raises("unknown value 'planet'", m.funnel, m, { group_by = "planet" })
    local json = mtl.json_encode(report)
    assert(json:find('"name":"(total)"', 1, true), "report as JSON")
end)

test("funnel: the report handle and the live counters", function()
    local m = funnel_market()
    local f = assert(m:funnel_compute(FUNNEL_OPTIONS))
    eq(f:group_count(), 1, "groups")
    eq(f:group_name(1), "(total)", "group 1 is the total")
    eq(f:group_name(2), nil, "no group 2")
    eq(f:stage_count(), 8, "stages")
    local row = assert(f:stage(1, "P2"))
    near(row.conversion, 0.9, 1e-12, "stage by name")
    eq(mtl.json_encode(assert(f:stage(1, 2))), mtl.json_encode(row), "stage by index")
    local leads, pipeline = f:plan(1, "P0")
    eq(leads, 2.0, "plan leads")
    near(pipeline, 83750, 1e-6, "plan pipeline")
    eq(f:summary(1).leads, 13, "summary")
    fails("MTL_E_RANGE", f:summary(2))
    fails("MTL_E_RANGE", f:summary(0))
    fails("MTL_E_RANGE", f:stage(1, 8))
    fails("MTL_E_RANGE", f:plan(3, 0))
    fails("MTL_E_NOT_FOUND", f:stage(1, "P9"))
    fails("MTL_E_NOT_FOUND", f:plan(1, "P9"))
    eq(mtl.json_encode(f:groups()), mtl.json_encode(m:funnel(FUNNEL_OPTIONS)),
       "groups() = market:funnel()")
    m:close()                               -- the report outlives the market
    eq(f:summary(1).won, 4, "after the market closed")
    eq(f:stage(1, "P7").stage, "P7", "stage names kept")
    f:close()
    f:close()
    raises("mtl.funnel is closed", f.group_count, f)
    eq(tostring(f), "mtl.funnel (closed)", "tostring")

    m = funnel_market()
    local live = assert(m:funnel_stages())
    eq(#live, 8, "rows")
    eq(live[1].open_count, 1, "P0 open")
    eq(live[5].open_amount, 200000, "P4 open amount")
    near(live[3].win_rate, 0.5, 1e-12, "P2 win rate from the counters")
    eq(live[1].days_count, 0, "no days from the counters")
    local east = assert(m:funnel_stages("east"))
    eq(east[5].open_amount, 200000, "east P4")
    eq(assert(m:funnel_stages(m:segment("west")))[5].open_amount, 0, "west P4")
    fails("MTL_E_NOT_FOUND", m:funnel_stages("nope"))
    -- the counters follow every change
    assert(m:lead("E4"):set_amount(1000))
    eq(assert(m:funnel_stages("east"))[5].open_amount, 1000, "live update")
    assert(m:lead("E4"):remove())
    eq(assert(m:funnel_stages("east"))[5].open_count, 0, "after removal")
end)

-- ---- forecast (docs/methods/forecast.md, worked example) -------------------------

local function forecast_market()
    local m = assert(mtl.market())
    assert(m:add_leads {
        ids = { "D1", "D2", "D3", "D4", "D5", "D6", "X1", "W1", "W2", "W3", "L1" },
        stages = { "P3", "P5", "P2", "P1", "P4", "P6", "P3", "P7", "P7", "P7", "P2" },
        outcomes = { nil, nil, nil, nil, nil, nil, nil, "won", "won", "won", "lost" },
        amounts = { 40000, 120000, 65000, 50000, 90000, 30000, 70000, 80000, 25000,
                    55000, 45000 },
        probabilities = { nil, nil, 0.35 },
        categories = { nil, nil, nil, "omitted", "commit" },
        expected_close = { "2024-08-20", "2024-09-15", "2024-07-25", "2024-09-01",
                           "2024-09-28", "2024-08-05", "2024-10-15" },
        closed = { nil, nil, nil, nil, nil, nil, nil, "2024-07-15", "2024-09-05",
                   "2024-06-20", "2024-08-10" },
        owners = { "ann", "bob", "ann", "ann", "bob", "ann" },
        sources = { "web", "web", "expo" },
        created = { "2024-01-10", "2024-04-02", "2024-04-20", nil, "2024-05-01" },
    })
    return m
end

local FORECAST_OPTIONS = { period_start = "2024-07-01", period_end = "2024-10-01",
                           as_of = "2024-08-15", target = 260000 }

test("forecast: the worked example", function()
    local m = forecast_market()
    local f = assert(m:forecast(FORECAST_OPTIONS))
    local s = f:summary()
    eq(s.period_start .. s.period_end .. s.as_of, "2024-07-012024-10-012024-08-15", "dates")
    eq(s.method, "exact", "method")
    eq(s.closed_won_count .. "/" .. s.closed_won_amount .. "/" .. s.won_to_date_amount,
       "2/105000/80000", "closed won")
    eq(s.pipeline .. "/" .. s.best_case .. "/" .. s.commit .. "/" .. s.closed .. "/" ..
       s.omitted, "105000/120000/120000/105000/50000", "categories")
    eq(s.commit_forecast .. "/" .. s.best_case_forecast .. "/" .. s.open_pipeline,
       "225000/345000/345000", "cumulative")
    eq(s.deal_count, 5, "deals")
    near(s.expected, 301750, 1e-6, "E[R]")
    near(s.variance, 6103187500, 1e-3, "Var[R]")
    eq(s.grid, 10, "grid")
    eq(s.p10 .. "/" .. s.p50 .. "/" .. s.p90, "200000/315000/410000", "quantiles")
    near(s.p_hit_target, 0.6450625, 1e-9, "P(hit)")
    near(s.expected_shortfall, 15243.4375, 1e-6, "shortfall")
    near(s.won_count_mean, 2.8, 1e-12, "won count mean")
    eq(s.won_count_p50, 3, "won count median")
    eq(f:quantile(0.5), 315000, "quantile")
    eq(f:quantile(0), 105000, "quantile 0")
    raises("probability in [0, 1]", f.quantile, f, 1.5)
    near(f:probability_at_least(260000), 0.6450625, 1e-9, "probability_at_least")
    near(f:expected_shortfall(260000), 15243.4375, 1e-6, "expected_shortfall")

    local d = f:distribution()
    eq(d.first, 105000, "first")
    eq(d.step, 10, "step")
    eq(#d.probabilities, (450000 - 105000) // 10 + 1, "points")
    near(d.probabilities[(260000 - 105000) // 10 + 1], 0.0030625, 1e-12, "P(R = 260000)")
    local total = 0
    for _, p in ipairs(d.probabilities) do total = total + p end
    near(total, 1, 1e-9, "sums to 1")
    local w = f:won_count_distribution()
    eq(w.first, 0, "won count first")
    near(w.probabilities[4], 0.385125, 1e-12, "P(3 won)")

    eq(f:deal_count(), 5, "deal_count")
    local ids = {}
    for _, deal in ipairs(f:deals()) do ids[#ids + 1] = deal.id end
    eq(table.concat(ids, ","), "D1,D2,D3,D5,D6", "deals")
    local d3 = assert(f:deal(3))
    eq(d3.id .. d3.amount, "D365000", "deal")
    near(d3.probability, 0.35, 1e-12, "deal probability")
    eq(d3.category, "pipeline", "deal category")
    eq(assert(f:deal(4)).category, "commit", "overridden category")
    fails("MTL_E_RANGE", f:deal(6))
    fails("MTL_E_RANGE", f:deal(0))

    local wo = assert(f:without("D2"))
    local ws = wo:summary()
    near(ws.expected, 211750, 1e-6, "without D2")
    near(ws.p_hit_target, 0.26275, 1e-9, "without D2: P(hit)")
    local wp = assert(f:with_probability("D2", 0.4))
    near(wp:summary().expected, 259750, 1e-6, "D2 at 0.4")
    near(assert(f:with_probability("D3", 0.9)):summary().p_hit_target, 0.839625, 1e-9,
         "D3 at 0.9")
    fails("MTL_E_NOT_FOUND", f:without("D4"))            -- omitted: no deal
    fails("MTL_E_NOT_FOUND", f:with_probability("nope", 0.5))
    fails("MTL_E_RANGE", f:with_probability("D2", 1.5))

    -- a second handle, closed on its own
    local g = f:ref()
    do
        local h <close> = f:ref()
        eq(h:summary().deal_count, 5, "ref")
    end
    f:close()
    raises("mtl.forecast is closed", f.summary, f)
    eq(g:summary().deal_count, 5, "the other handle still works")
    m:close()
    eq(g:quantile(0.9), 410000, "the forecast outlives the market")
    eq(wo:summary().deal_count, 4, "so does a what-if")
end)

test("forecast: options, scope, Monte Carlo", function()
    local m = forecast_market()
    local function expected(opts)
        local o = {}
        for k, v in pairs(FORECAST_OPTIONS) do o[k] = v end
        for k, v in pairs(opts) do o[k] = v end
        return assert(m:forecast(o)):summary()
    end
    eq(expected { owner = "bob" }.deal_count, 2, "owner scope")
    eq(expected { source = "web" }.deal_count, 2, "source scope")
    eq(expected { created_start = "2024-04-01", created_end = "2024-05-01" }.deal_count,
       2, "creation cohort")
    eq(expected { created_start = "2024-04-01" }.deal_count, 3, "cohort, open end")
    fails("MTL_E_RANGE", m:forecast { period_start = "2024-07-01", period_end = "2024-10-01",
                                      created_start = "2024-05-01", created_end = "2024-04-01" })
    eq(expected { region = "nowhere" }.deal_count, 0, "region scope")
    eq(expected { grade = "strategic" }.deal_count, 0, "grade scope")
    eq(expected { probability_source = "calibrated" }.deal_count, 5, "calibrated")
    eq(expected { grid = 1000 }.grid, 1000, "grid")
    eq(expected { target = 0 }.p_hit_target ~= expected { target = 0 }.p_hit_target,
       true, "no target: NaN")
    local mc = expected { method = "monte_carlo", draws = 2000, seed = 7 }
    eq(mc.method, "monte_carlo", "method")
    eq(mc.draws, 2000, "draws")
    near(mc.expected, 301750, 20000, "Monte Carlo mean")
    local f = assert(m:forecast { period_start = "2024-07-01", period_end = "2024-10-01",
                                  method = "monte_carlo", draws = 500, seed = 1,
                                  correlation = 0.3 })
    eq(#f:distribution().probabilities, 0, "no grid distribution for Monte Carlo")
    assert(m:add_segment("s"))
    eq(expected { segment = "s" }.deal_count, 0, "segment scope by id")
    eq(expected { segment = m:segment("s") }.deal_count, 0, "segment scope by handle")
    fails("MTL_E_NOT_FOUND", m:forecast { period_start = "2024-07-01",
                                          period_end = "2024-10-01", segment = "nope" })
    fails("MTL_E_RANGE", m:forecast {})                 -- no period
    fails("MTL_E_RANGE", m:forecast { period_start = "2024-07-01",
                                      period_end = "2024-10-01", correlation = 1 })
    fails("MTL_E_PARSE", m:forecast { period_start = "July" })
    raises("unknown option 'start'", m.forecast, m, { start = "2024-07-01" })
    raises("unknown value 'magic'", m.forecast, m, { method = "magic" })
end)

-- ---- targets (docs/methods/targets.md, worked examples) -------------------------

test("targets: formulas, reconciliation, split", function()
    local m = assert(mtl.market())
    local t = assert(m:target_tree { year = 2025 })
    eq(t:minor_per_major(), 100, "minor per major")
    assert(t:set_inputs(0, { formula = "hq", base = 987654321, growth = 0.08, k = 1.3 }))
    local east = assert(t:add(0, "East", { formula = "region", base = 543210987,
        growth = 0.12, years = 1, resource = 1.05, potential = 1.1 }))
    local west = assert(t:add(0, "West", { formula = "region", base = 444443334,
        growth = 0.05, resource = 0.95, potential = 0.9 }))
    local ann = assert(t:add(east, "ann", { formula = "individual", base = 321098765,
        growth = 0.10, rank = 1.2 }))
    assert(t:add(east, "bob", { formula = "individual", base = 222112222,
        growth = 0.10, rank = 0.7 }))
    assert(t:set_commitment(east, 800000000):set_commitment(ann, 500000000))
    fails("MTL_E_STATE", t:node(0))                      -- not reconciled
    eq(t:reconcile(), t, "reconcile")
    local root = assert(t:node(0))
    eq(root.kind, "company", "kind")
    eq(root.formula, "hq", "formula")
    eq(root.target, 1090370370, "company target")
    near(root.factor, 1.104, 1e-12, "factor")
    eq(root.bottom_up, 1198999003, "bottom-up")
    eq(root.gap, 108628633, "gap")
    eq(root.parent, nil, "root has no parent")
    eq(assert(t:node(east)).target, 702697733, "East")
    eq(assert(t:node(west)).target, 398999003, "West")
    eq(assert(t:node(ann)).target, 423850370, "ann")
    eq(assert(t:node(t:find(east, "bob"))).commitment, nil, "bob: no commitment")
    eq(t:find(0, "West"), west, "find")
    fails("MTL_E_NOT_FOUND", t:find(0, "North"))
    fails("MTL_E_NOT_FOUND", t:node(t:node_count()))

    assert(t:reconcile { rescale = true })
    eq(assert(t:node(east)).target, 695473411, "East rescaled")
    eq(assert(t:node(east)).rescale, "proportional", "rescale kind")
    eq(assert(t:node(west)).target, 394896959, "West rescaled")
    eq(assert(t:node(0)).gap, 104526589, "gap after rescale")
    local q = {}
    for i = 1, 4 do q[i] = assert(t:node(t:find(east, "2025-Q" .. i))).target end
    eq(table.concat(q, ","), "104321012,139094682,208642023,243415694", "quarters")
    local jan = assert(t:node(t:find(t:find(east, "2025-Q1"), "2025-01")))
    eq(jan.target, 34773671, "January")
    eq(jan.kind, "month", "month node")
    eq(jan.period_start, "2025-01-01", "period start")

    local nodes = t:nodes()
    eq(#nodes, t:node_count(), "nodes()")
    eq(nodes[east + 1].name, "East", "nodes()[id + 1]")
    eq(nodes[east + 1].parent, 0, "parent link")

    local c = assert(m:target_tree { year = 2025, quarter_bp = { 1000, 2000, 3000, 4000 },
        month_bp = { 3334, 3333, 3333, 3334, 3333, 3333, 3334, 3333, 3333, 2000, 3000, 5000 },
        company = "HQ", periods = "months" })
    assert(c:set_inputs(0, { amount = 695473411 }):reconcile())
    eq(assert(c:node(0)).name, "HQ", "company name")
    eq(assert(c:node(c:find(0, "2025-Q4"))).target, 278189365, "custom Q4")
    eq(assert(c:node(c:find(c:find(0, "2025-Q4"), "2025-12"))).target, 139094682,
       "custom December")
    local y = assert(m:target_tree { year = 2025, periods = "year" })
    eq(y:node_count(), 1, "no period nodes")

    fails("MTL_E_RANGE", m:target_tree { year = 0 })
    fails("MTL_E_RANGE", m:target_tree { year = 2025, quarter_bp = { 1, 2, 3, 4 } })
    raises("array of 4 integers", m.target_tree, m, { year = 2025, quarter_bp = { 1 } })
    fails("MTL_E_RANGE", t:set_inputs(0, { formula = "hq", base = 1, k = 2 }))
    fails("MTL_E_RANGE", t:add(east, "cat", { formula = "individual", rank = 1.5 }))
    fails("MTL_E_DUPLICATE", t:add(0, "East"))
    fails("MTL_E_INVALID_ARGUMENT", t:add(ann, "x"))   -- no children under owners
    fails("MTL_E_RANGE", t:set_commitment(east, -1))
    assert(t:set_commitment(east, nil))
    raises("node id (>= 0)", t.node, t, -1)
    raises("unknown option 'rate'", t.add, t, 0, "South", { rate = 1 })
    raises("unknown value 'magic'", t.set_inputs, t, 0, { formula = "magic" })
    t:close()
    raises("mtl.target_tree is closed", t.node_count, t)
end)

test("targets: from history, evaluation", function()
    local m = assert(mtl.market())
    assert(m:import_csv(read_file(DATA .. "/targets_leads.csv")))
    local t = assert(m:targets_from_history { year = 2025, growth = 0.05, k = 1.3 })
    eq(assert(t:node(0)).target, 798750, "company")
    local north = t:find(0, "North")
    eq(assert(t:node(north)).target, 900000, "North")
    eq(assert(t:node(t:find(north, "ann"))).target, 540000, "ann")
    eq(assert(t:node(t:find(north, "cat"))).target, 105000, "cat")
    eq(assert(t:node(t:find(0, "South"))).target, 112500, "South")
    eq(assert(t:node(0)).bottom_up, 1042500, "bottom-up")
    eq(t:evaluate(m), t, "evaluate")
    local n = assert(t:node(north))
    eq(n.evaluated, true, "evaluated")
    eq(n.actual, 120000, "North actual")
    local q4 = assert(t:node(t:find(t:find(0, "South"), "2025-Q4")))
    near(q4.p_hit, 0.5, 1e-12, "South Q4 P(hit)")
    assert(t:evaluate(m, { as_of = "2025-06-30", probability_source = "calibrated",
                           method = "monte_carlo", draws = 200, seed = 3 }))
    assert(t:reconcile { bottom_up = "forecasts" }:evaluate(m))
    assert(assert(t:node(0)).bottom_up ~= nil, "bottom-up from forecasts")

    local o = assert(m:targets_from_history { year = 2025, growth = 0.05, regions = {
        North = { growth = 0.1, resource = 1.1 }, South = { potential = 1.2 } } })
    eq(assert(o:node(o:find(0, "North"))).growth, 0.1, "region override")
    fails("MTL_E_NOT_FOUND", m:targets_from_history { year = 2025,
        regions = { Atlantis = { growth = 0 } } })
    fails("MTL_E_RANGE", m:targets_from_history { year = 2025, k = 3 })
    raises("unknown option 'size'", m.targets_from_history, m,
           { year = 2025, regions = { North = { size = 1 } } })
    fails("MTL_E_RANGE", t:evaluate(m, { method = 9 }))
    m:close()
    eq(assert(t:node(north)).name, "North", "the tree outlives the market")
    raises("market is closed", t.evaluate, t, m)
end)

-- ---- JSON ---------------------------------------------------------------------

test("json_encode", function()
    local j = mtl.json_encode
    eq(j(1), "1\n", "integer")
    eq(j(-9007199254740993), "-9007199254740993\n", "large integer exactly")
    eq(j(0.1), "0.1\n", "float")
    eq(j(2.0), "2\n", "whole float")
    eq(j(0 / 0), "null\n", "NaN")
    eq(j(math.huge), "null\n", "inf")
    eq(j(true), "true\n", "bool")
    eq(j(nil), "null\n", "nil")
    eq(j(mtl.null), "null\n", "mtl.null")
    eq(j("a\"b\n"), '"a\\"b\\n"\n', "escapes")
    eq(j("a\0b"), '"a\\u0000b"\n', "zero byte")
    eq(j("\xff"), '"\xef\xbf\xbd"\n', "invalid UTF-8 replaced")
    eq(j({ 1, 2, { 3 } }), "[1,2,[3]]\n", "arrays")
    eq(j({ b = 1, a = { c = true }, [3] = "x" }), '{"3":"x","a":{"c":true},"b":1}\n',
       "objects, keys sorted")
    eq(j({ ["k\0"] = 1 }), '{"k\\u0000":1}\n', "key with a zero byte")
    eq(j({}), "{}\n", "empty table")
    eq(j(mtl.array {}), "[]\n", "mtl.array")
    eq(j({ 1, nil, 3 }), '{"1":1,"3":3}\n', "holes make an object")
    eq(j({ a = { 1 } }, { pretty = true }), '{\n  "a": [\n    1\n  ]\n}\n', "pretty")
    local cycle = {}
    cycle.self = cycle
    raises("nested deeper", j, cycle)
    raises("cannot encode a function", j, { f = print })
    raises("string or number keys expected, got table", j, { [{}] = 1 })
    raises("unknown option", j, 1, { indent = 2 })
end)

-- ---- lifetime -------------------------------------------------------------------

test("lifetime: a closed market, then its records", function()
    local m = small_market()
    local lead = assert(m:add_lead("L1", "C1"))
    local seg, cust = m:segment("energy"), m:customer("C1")
    local it = m:leads()
    eq(m:is_closed(), false, "open")
    m:close()
    eq(m:is_closed(), true, "closed")
    m:close()                                           -- twice is fine
    raises("market is closed", lead.amount, lead)
    raises("market is closed", lead.set_amount, lead, 5)
    raises("market is closed", lead.remove, lead)
    raises("market is closed", seg.name, seg)
    raises("market is closed", cust.fields, cust)
    raises("market is closed", m.lead_count, m)
    raises("market is closed", m.add_lead, m, "L2")
    raises("market is closed", m.funnel, m)
    raises("market is closed", it)
    eq(tostring(lead), "mtl.lead (market closed)", "tostring")
    eq(tostring(m), "mtl.market (closed)", "market tostring")
    eq(lead:close(), nil, "closing a handle of a closed market is fine")
end)

test("lifetime: removed and closed records", function()
    local m = small_market()
    local l = assert(m:add_lead("L1"))
    assert(l:remove())
    raises("lead was removed", l.id, l)
    raises("lead was removed", l.set_stage, l, "P1")
    raises("lead was removed", l.remove, l)
    local c2 = m:customer("C2")
    assert(c2:remove())
    raises("customer was removed", m.add_leads, m, { ids = { "X" }, customers = { c2 } })
    local again = assert(m:add_lead("L1"))               -- may reuse the slot
    assert(again ~= l, "a new handle")
    eq(again:id(), "L1", "the new record")
    raises("lead was removed", l.amount, l)

    -- close() detaches a handle; the record stays
    do
        local h <close> = m:lead("L1")
        eq(h:id(), "L1", "inside the block")
    end
    local h2 = m:lead("L1")
    eq(h2:id(), "L1", "a fresh handle after the block")
    local s = m:segment("grid")
    eq(s:close(), nil, "segment:close")
    raises("segment handle was closed", s.parent, s)
    local c = m:customer("C1")
    c:close()
    raises("customer handle was closed", c.name, c)
    eq(m:customer("C1"):name(), "Northwind", "record still there")
    eq(tostring(c), "mtl.customer (closed)", "tostring")
end)

test("lifetime: garbage collection in any order", function()
    -- records keep their market alive
    local lead
    do
        local m = small_market()
        lead = assert(m:add_lead("L1", "C1"))
    end
    collectgarbage()
    collectgarbage()
    eq(lead:customer():name(), "Northwind", "market alive through its lead")
    eq(lead:market():lead_count(), 1, "lead:market()")
    lead = nil
    collectgarbage()

    -- many markets and handles dropped in mixed orders
    for round = 1, 30 do
        local m = assert(mtl.market { memory_limit = round % 2 == 0 and 1 << 26 or nil })
        local handles = { m }
        for i = 1, 10 do
            handles[#handles + 1] = assert(m:add_lead("L" .. i))
        end
        handles[#handles + 1] = assert(m:add_segment("s"))
        handles[#handles + 1] = assert(m:funnel_compute())
        handles[#handles + 1] = assert(m:forecast { period_start = "2024-01-01",
                                                    period_end = "2024-04-01" })
        handles[#handles + 1] = assert(m:target_tree { year = 2024 })
        if round % 5 == 0 then handles[2]:remove() end
        if round % 3 == 0 then m:close() end
        -- drop in a pseudo-random order, collecting in between
        for i = #handles, 2, -1 do
            local j = (i * 7 + round) % i + 1
            handles[i], handles[j] = handles[j], handles[i]
        end
        while #handles > 0 do
            table.remove(handles)
            if #handles % 4 == 0 then collectgarbage("step", 0) end
        end
        m = nil
        collectgarbage()
    end
    collectgarbage()
    collectgarbage()
    -- objects alive at the end are finalized by lua_close (os.exit(..., true))
    _G.KEEP_UNTIL_EXIT = { small_market() }
    _G.KEEP_UNTIL_EXIT[2] = _G.KEEP_UNTIL_EXIT[1]:add_lead("L1")
    _G.KEEP_UNTIL_EXIT[3] = _G.KEEP_UNTIL_EXIT[1]:forecast {
        period_start = "2024-01-01", period_end = "2024-04-01" }
end)

test("lifetime: to-be-closed variables", function()
    local outer, f, fc, t
    do
        local m <close> = small_market()
        outer = m
        f = assert(m:funnel_compute())
        do
            local fn <close> = f
            local fcast <close> = assert(m:forecast { period_start = "2024-01-01",
                                                      period_end = "2024-04-01" })
            local tree <close> = assert(m:target_tree { year = 2024 })
            fc, t = fcast, tree
        end
        eq(m:is_closed(), false, "still open inside")
    end
    eq(outer:is_closed(), true, "closed at the end of its block")
    raises("mtl.funnel is closed", f.summary, f, 1)
    raises("mtl.forecast is closed", fc.summary, fc)
    raises("mtl.target_tree is closed", t.nodes, t)
    -- an error unwinding the block closes too
    local m2
    pcall(function()
        local m <close> = assert(mtl.market())
        m2 = m
        error("boom")
    end)
    eq(m2:is_closed(), true, "closed on error")
end)

test("lifetime: memory limit and out of memory", function()
    local m = assert(mtl.market { memory_limit = 64 * 1024 })
    local added, st = 0, nil
    for i = 1, 100000 do
        local v, _, s = m:add_lead("lead-" .. i, nil, { owner = "owner-" .. i })
        if not v then st = s break end
        added = added + 1
    end
    eq(st, "MTL_E_NO_MEMORY", "out of memory")
    assert(m:memory_used() <= 64 * 1024, "limit kept")
    eq(m:lead_count(), added, "failed add left nothing behind")
    eq(m:lead("lead-1"):owner(), "owner-1", "still usable")
    local ids = {}
    for i = 1, 5000 do ids[i] = "bulk-" .. i end
    fails("MTL_E_NO_MEMORY", m:add_leads { ids = ids })
    eq(m:lead_count(), added, "bulk: all or nothing")
    fails("MTL_E_NO_MEMORY", mtl.read(assert(small_market():write()), { memory_limit = 100 }))
    fails("MTL_E_NO_MEMORY", mtl.market { memory_limit = 10 })
    raises("must be >= 0", mtl.market, { memory_limit = -1 })
end)

test("programming errors raise", function()
    local m = small_market()
    raises("string expected", m.add_segment, m, {})
    raises("mtl.market expected", m.lead_count, {})
    raises("mtl.lead expected", m:segment("energy").set_amount or
           registry["mtl.lead"].__index.amount, m:segment("energy"))
    raises("table expected", m.add_leads, m, "x")
    raises("table expected", m.add_lead, m, "L1", nil, "fields")
    raises("zero byte", m.segment, m, "a\0")
    raises("mtl.segment expected", m.add_customer, m, "C9", m:customer("C1"))
end)

-- ---- real data -------------------------------------------------------------------

test("real CRM data (crm-sales-opportunities)", function()
    local path = SHARED .. "/crm-sales-opportunities/sales_pipeline.csv"
    if not exists(path) then
        io.write("    (skipped: " .. path .. " is absent)\n")
        return
    end
    local map = "opportunity_id=id,account=customer,sales_agent=owner,deal_stage=stage,"
             .. "engage_date=created,close_date=closed,close_value=amount"
    local stages = "Prospecting=P1,Engaging=P3,Won=won,Lost=lost"
    local m, r = mtl.from_csv(path, { field_map = map, stage_map = stages })
    assert(m, r)
    eq(r.rows, 8800, "rows")
    eq(r.imported, 8800, "imported")
    local t = assert(m:funnel()).groups[1]
    eq(t.won, 4238, "won")
    eq(t.lost, 2473, "lost")
    eq(t.won_amount, 10005534 * m:minor_per_major(), "won amount")
    local live = assert(m:funnel_stages())
    eq(live[8].won_count, 4238, "live counters agree")
    local by_owner = assert(m:funnel { group_by = "owner" })
    local won = 0
    for i = 2, #by_owner.groups do won = won + by_owner.groups[i].won end
    eq(won, 4238, "the owners sum to the total")
    local again = assert(mtl.market())
    assert(again:import_csv_file(path, { field_map = map, stage_map = stages }))
    eq(assert(again:funnel()).groups[1].won_amount, t.won_amount, "import_csv_file")
end)

-- ---- strategy and qualification ---------------------------------------------

-- pain.h: severity x urgency x breadth x (0.5 + 0.5 x budget)
local function pain_score(s, u, b, budget) return s * u * b * (0.5 + 0.5 * budget) end

-- Every score table ({value =, terms =}) inside a report: the contributions
-- summed left to right are the value exactly; each is weight x value.
local function check_scores(v, counter)
    counter = counter or { n = 0 }
    if type(v) ~= "table" then return counter.n end
    if v.terms and v.value then
        counter.n = counter.n + 1
        if isnan(v.value) then
            eq(#v.terms, 0, "a NaN score has no terms")
        elseif #v.terms > 0 then
            local sum = 0.0
            for _, t in ipairs(v.terms) do
                eq(type(t.factor), "string", "term factor")
                near(t.contribution, t.weight * t.value, 1e-9, "contribution " .. t.factor)
                sum = sum + t.contribution
            end
            eq(sum, v.value, "terms sum to the value")
        end
        return counter.n
    end
    for _, x in pairs(v) do check_scores(x, counter) end
    return counter.n
end

local function terms_of(score)
    local out = {}
    for i, t in ipairs(score.terms) do out[i] = t.factor end
    return table.concat(out, ",")
end

local function by_id(rows, id)
    for _, r in ipairs(rows) do if r.id == id then return r end end
end

-- Two segments with the numbers worked out in "strategy report".
local function strategy_market(opts)
    local m = assert(mtl.market(opts))
    local a = assert(m:add_segment("A", { name = "Energy" }))
    local b = assert(m:add_segment("B", { name = "Textiles" }))
    assert(a:set_factors { market_size = 400000000, growth = 0.10, profit_potential = 10,
                           strategic_value = 10, revenue = 50000000, gross_margin = 0.30,
                           share_goal = 0.10 })
    assert(b:set_factors { market_size = 100000000, growth = 0.30, forces = { 5, 5, 5, 5, 5 },
                           strategic_value = 1, revenue = 20000000, growth_goal = 0.5 })
    assert(a:add_appeals(nil, { 8, 8, 8, 8, 8, 8, 8, 8 }))
    assert(a:add_appeals("X", { 6, 6, 6, 6, 6, 6, 6, 6 }))
    assert(b:add_appeals("", { 4, 4, 4, 4, 4, 4, 4, 4 }))
    assert(b:add_appeals("Y", { 7, 7, 7, 7, 7, 7, 7, 7 }))
    assert(a:add_look { look = "opportunity", impact = 4, likelihood = 0.5, window_months = 12,
                        text = "Retrofit wave" })
    assert(a:add_look { look = "competition", impact = -2, likelihood = 1, window_months = 24,
                        text = "Price war", evidence = "tender results" })
    assert(a:add_look { look = "trend", impact = 1, likelihood = 1, window_months = "long",
                        text = "Storage" })
    assert(a:add_control_point { kind = "brand", text = "Brand", attainability = 0.5 })
    assert(a:add_control_point { kind = "cost", text = "Cost" })
    assert(a:add_control_point { kind = "standard", text = "Standards", attainability = 0.6 })
    assert(a:add_pain { text = "Share loss", severity = 4, urgency = 3, breadth = 0.5,
                        budget = 0.6, fit = 0.5 })
    assert(a:add_pain { text = "Outages", layer = "O", severity = 5, urgency = 5, breadth = 1,
                        budget = 1, fit = 1 })
    return m
end

test("strategy inputs: segments round-trip", function()
    local m <close> = assert(mtl.market())
    local s = assert(m:add_segment("A"))
    eq(#s:looks(), 0, "no looks")
    eq(s:add_look { look = "competition", impact = -3, likelihood = 0.7, window_months = 24,
                    text = "Rival", evidence = "price list" }, s, "add_look returns the segment")
    assert(s:add_look { text = "Mandate", impact = 4, window_months = "mid", look = 0 })
    local looks = s:looks()
    eq(#looks, 2, "two looks")
    eq(looks[1].look .. looks[1].impact .. looks[1].likelihood .. looks[1].window_months,
       "competition-3.00.724", "look 1")
    eq(looks[1].evidence, "price list", "evidence")
    eq(looks[2].look, "trend", "look by code")
    eq(looks[2].window_months, 36, "window by name")
    eq(looks[2].likelihood, 1.0, "default likelihood")
    eq(looks[2].evidence, nil, "no evidence")
    assert(s:clear_looks())
    eq(#s:looks(), 0, "cleared")

    local f = s:factors()
    eq(f.market_size, nil, "unknown size")
    eq(f.growth, nil, "unknown growth")
    eq(next(f.forces), nil, "no forces")
    eq(f.appeals_weights.price, 1.0, "default weight")
    assert(s:set_factors { market_size = 400000000, growth = 0.1, forces = { rivalry = 4, buyers = 2 },
                           appeals_weights = { 3, 1, 0.5, 3, 1, 1, 2, 0.5 }, gross_margin = 0.3 })
    f = s:factors()
    eq(f.market_size, 400000000, "size")
    eq(f.forces.rivalry + f.forces.buyers, 6.0, "forces")
    eq(f.forces.entrants, nil, "force not rated")
    eq(f.appeals_weights.social_acceptance, 0.5, "weights as a list")
    eq(f.revenue, nil, "unknown revenue")
    -- factors() feeds set_factors(): change one, keep the rest
    f.growth_goal = 0.25
    assert(s:set_factors(f))
    eq(mtl.json_encode(s:factors()), mtl.json_encode(f), "round trip")
    assert(s:set_factors { growth = 0.2 })             -- replaces: the rest unknown
    eq(s:factors().market_size, nil, "replaced")

    assert(s:add_appeals(nil, { 6, 8, 7, 10, 8, 8, 6, 7 }))
    assert(s:add_appeals("Acme", { price = 7, performance = 8 }))
    assert(s:add_appeals("Acme", { price = 9 }))        -- replaces Acme's row
    local rows = s:appeals()
    eq(#rows, 2, "two rating rows")
    eq(rows[1].competitor, nil, "us")
    eq(rows[1].ratings.performance, 10.0, "our performance")
    eq(rows[2].competitor, "Acme", "competitor")
    eq(rows[2].ratings.price, 9.0, "replaced")
    eq(rows[2].ratings.performance, nil, "not rated")
    assert(s:clear_appeals())
    eq(#s:appeals(), 0, "cleared")

    assert(s:add_control_point { kind = "value_chain", text = "Data platform", attainability = 0.3 })
    assert(s:add_control_point { kind = 2, text = "Performance" })
    local cps = s:control_points()
    eq(cps[1].kind .. cps[1].attainability .. cps[1].text, "value_chain0.3Data platform", "cp 1")
    eq(cps[2].kind .. cps[2].attainability, "product1.0", "cp 2 defaults")
    assert(s:clear_control_points())
    eq(#s:control_points(), 0, "cleared")

    assert(s:add_pain { text = "Downtime", layer = "O", severity = 5, urgency = 4, breadth = 0.4,
                        budget = 1, fit = 0.9, role = "user" })
    assert(s:add_pain { text = "Defaults" })
    local p = s:pains()
    eq(p[1].layer .. p[1].severity .. p[1].urgency .. p[1].breadth .. p[1].budget .. p[1].fit
       .. p[1].role, "O5.04.00.41.00.9user", "pain 1")
    eq(p[2].layer .. p[2].severity .. p[2].budget .. p[2].fit, "B1.00.01.0", "pain defaults")
    eq(p[2].role, nil, "no role")
    assert(s:clear_pains())
    eq(#s:pains(), 0, "cleared")
end)

test("strategy inputs: customers and leads round-trip", function()
    local m <close> = assert(mtl.market())
    local c = assert(m:add_customer("C1"))
    local l = assert(m:add_lead("L1", c))
    eq(c:relationship(), nil, "never assessed")
    eq(c:set_relationship { acceptance = 5, support = 4 }, c, "returns the customer")
    local r = c:relationship()
    eq(r.acceptance + r.support, 9.0, "assessed")
    eq(r.events, nil, "not assessed")
    assert(c:set_relationship { 1, 2, 3, 4, 5, false })
    eq(c:relationship().guidance, 4.0, "as a list")
    eq(c:relationship().competition, nil, "false: not assessed")
    assert(c:set_relationship(nil))
    eq(c:relationship(), nil, "cleared")

    assert(c:add_contact { name = "Ann", role = "decider", attitude = "supporter", coach = true,
                           title = "CTO" })
    assert(c:add_contact { name = "Bob", role = 6 })
    local cs = c:contacts()
    eq(cs[1].name .. cs[1].role .. cs[1].attitude .. tostring(cs[1].coach) .. cs[1].title,
       "AnndecidersupportertrueCTO", "contact 1")
    eq(cs[2].role .. cs[2].attitude .. tostring(cs[2].coach), "buyerneutralfalse", "contact 2")
    eq(cs[2].title, nil, "no title")
    assert(c:clear_contacts())
    eq(#c:contacts(), 0, "cleared")
    assert(c:add_pain { text = "Budget freeze", severity = 2, urgency = 2 })
    eq(c:pains()[1].text, "Budget freeze", "customer pain")
    assert(c:clear_pains())
    eq(#c:pains(), 0, "cleared")

    eq(next(l:answers()), nil, "no answers")
    eq(l:answer("budget"), nil, "unanswered")
    eq(l:set_answer("budget", 0.7, "PO approved"), l, "returns the lead")
    assert(l:set_answer(0, 0.9))
    local score, evidence = l:answer("budget")
    eq(score, 0.7, "score")
    eq(evidence, "PO approved", "evidence")
    local a = l:answers()
    eq(a.strategic_fit.score .. a.strategic_fit.question, "0.91", "by code")
    eq(a.budget.question, 2, "question")
    eq(a.strategic_fit.evidence, nil, "no evidence")
    assert(l:set_answer("budget", nil))                 -- removes it
    eq(l:answer("budget"), nil, "removed")
    assert(l:clear_answers())
    eq(next(l:answers()), nil, "cleared")

    eq(table.concat(mtl.roles, ","), "initiator,user,influencer,decider,approver,buyer,gatekeeper",
       "mtl.roles")
    eq(#mtl.criteria, 12, "mtl.criteria")
    eq(mtl.criteria[1], "strategic_fit", "first criterion")
    eq(mtl.criterion_questions.competition, 3, "criterion question")
    eq(table.concat(mtl.looks, ","), "trend,industry,customer,competition,self,opportunity",
       "mtl.looks")
    eq(mtl.windows.mid, 36, "mtl.windows")
    eq(#mtl.appeals .. #mtl.forces .. #mtl.relationship_dimensions, "856", "names")
    eq(mtl.control_kinds[6], "value_chain", "control kinds")
    eq(table.concat(mtl.attitudes, ","), "neutral,supporter,opponent", "attitudes")
    eq(table.concat(mtl.verdicts, ","), "nurture,convert,close", "verdicts")
    eq(table.concat(mtl.lead_classes, ","), "early,mature", "classes")
    eq(mtl.quadrants[2] .. mtl.strategies[6] .. mtl.target_bases[2] .. mtl.gates[2],
       "growfix_economicssharemargin", "report codes")
    eq(mtl.layers[3], "N", "layers")
    eq(mtl.csv_kinds[11], "answers", "csv kinds")
end)

test("strategy inputs: out of range and unknown names", function()
    local m <close> = assert(mtl.market())
    local s = assert(m:add_segment("A"))
    local c = assert(m:add_customer("C1", s))
    local l = assert(m:add_lead("L1", c))
    assert(s:add_look { text = "kept", impact = 1 })
    local function field(name, ...)
        local msg = fails("MTL_E_RANGE", ...)
        assert(msg:find(name, 1, true), msg .. " does not name " .. name)
    end
    field("impact", s:add_look { text = "x", impact = 7 })
    field("likelihood", s:add_look { text = "x", impact = 1, likelihood = 1.2 })
    field("window", s:add_look { text = "x", impact = 1, window_months = 0 })
    fails("MTL_E_INVALID_ARGUMENT", s:add_look { impact = 1 })
    eq(#s:looks(), 1, "unchanged")
    field("role", c:add_contact { name = "B", role = 9 })
    field("severity", s:add_pain { text = "p", severity = 6 })
    field("breadth", c:add_pain { text = "p", breadth = 1.5 })
    field("attainability", s:add_control_point { kind = "cost", text = "c", attainability = 2 })
    field("growth", s:set_factors { growth = -2 })
    field("rivalry", s:set_factors { forces = { rivalry = 9 } })
    field("price", s:add_appeals("X", { price = 11 }))
    field("support", c:set_relationship { support = 6 })
    field("budget", l:set_answer("budget", 1.5))
    field("criterion", l:set_answer(12, 0.5))
    field("cut_position", m:strategy { cut_position = 11 })
    field("window_weights", m:strategy { window_weights = { 1, 0, 0.5 } })
    field("quantiles", m:grading { quantiles = { 0.5, 0.2, 0.1 } })
    field("pass", m:verification { pass = { 2 } })
    field("hard_fail", m:verification { hard_fail = -1 })
    eq(#c:contacts() + #c:pains() + #s:pains(), 0, "nothing added")
    -- names the binding does not know and wrong types are programming errors
    raises("unknown value 'boss'", c.add_contact, c, { name = "B", role = "boss" })
    raises("unknown value 'chief'", s.add_pain, s, { text = "p", role = "chief" })
    raises("unknown value 'sideways'", s.add_look, s, { text = "x", impact = 1, look = "sideways" })
    raises("unknown field 'colour'", s.add_look, s, { text = "x", colour = "red" })
    raises("unknown key 'gravity'", s.set_factors, s, { forces = { gravity = 3 } })
    raises("number expected", s.add_look, s, { text = "x", impact = "big" })
    raises("unknown criterion 'luck'", l.set_answer, l, "luck", 0.5)
    raises("unknown option 'cut_pos'", m.strategy, m, { cut_pos = 5 })
    raises("unknown value 'log'", m.strategy, m, { normalise = "log" })
    raises("unknown value 'chief'", m.grading, m, { roles = { "chief" } })
    raises("unknown value 'some'", m.verification, m, { scope = "some" })
end)

test("strategy report", function()
    local m = strategy_market()
    local report = assert(m:strategy())
    assert(check_scores(report) > 10, "scores checked")
    eq(#report, 2, "two segments")
    local a, b = report[1], report[2]
    eq(a.id .. a.rank .. b.id .. b.rank, "A1B2", "priority order")
    eq(a.name, "Energy", "name")
    -- attractiveness = 1 + 9 Σ w x / Σ w (relative normalisation)
    local att_a = 1 + 9 * (0.35 * 1 + 0.25 * 0 + 0.25 * 1 + 0.15 * 1)
    local att_b = 1 + 9 * (0.35 * 0.25 + 0.25 * 1 + 0.25 * 0 + 0.15 * 0)
    near(a.attractiveness.value, att_a, 1e-9, "attractiveness A")
    near(b.attractiveness.value, att_b, 1e-9, "attractiveness B")
    eq(terms_of(a.attractiveness), "base,market_size,growth,profit_potential,strategic_value",
       "attractiveness terms")
    near(a.attractiveness.terms[2].weight, 9 * 0.35, 1e-12, "size weight")
    eq(b.profit_potential, 1.0, "profit from the forces")
    eq(b.profit_from_forces, true, "from forces")
    eq(a.profit_from_forces, false, "given")
    -- position = 5.5 + Σ w (ours - theirs) / 2W
    near(a.position.value, 5.5 + 8 * 2 / 16, 1e-9, "position A")
    near(b.position.value, 5.5 - 8 * 3 / 16, 1e-9, "position B")
    eq(a.competitor .. b.competitor, "XY", "strongest competitor")
    -- looks ranked by |impact| x likelihood x window weight
    local ranks = { 4 * 0.5 * 1.0, 2 * 1.0 * 0.7, 1 * 1.0 * 0.4 }
    for i, look in ipairs(a.looks) do
        near(look.rank_score.value, ranks[i], 1e-12, "rank score " .. i)
        eq(look.rank, i, "rank")
        eq(look.index, i, "index (1-based)")
    end
    eq(a.looks[2].text .. a.looks[2].look .. a.looks[2].evidence, "Price warcompetitiontender results",
       "look 2")
    eq(a.looks[2].window_weight, 0.7, "window weight")
    eq(a.looks[1].top .. a.looks[2].top .. a.looks[3].top, "1-11", "top items")
    local balance = 5 + 5 * (ranks[1] - ranks[2] + ranks[3]) / (ranks[1] + ranks[2] + ranks[3])
    near(a.look_balance.value, balance, 1e-9, "look balance")
    eq(b.look_balance.value, 5.0, "no looks")
    eq(#b.looks, 0, "no looks")
    -- control points: kind x attainability
    local cp = a.control_points
    eq(cp[1].kind .. cp[1].index .. cp[2].kind .. cp[2].index .. cp[3].kind .. cp[3].index,
       "standard3brand1cost2", "control points ranked")
    near(cp[1].score.value, 5 * 0.6, 1e-12, "control point score")
    -- pain index = 100 Σ addressable / (25 n)
    local index_a = 100 * (pain_score(4, 3, 0.5, 0.6) * 0.5 + pain_score(5, 5, 1, 1)) / 50
    near(index_a, 54.8, 1e-12, "the formula")
    near(a.pain_index.value, index_a, 1e-9, "pain index")
    assert(isnan(b.pain_index.value), "no pains: NaN")
    -- priority over the known factors, weights renormalised
    near(a.priority.value, 0.4 * att_a + 0.3 * 6.5 + 0.2 * index_a / 10 + 0.1 * balance, 1e-9,
         "priority A")
    near(b.priority.value, (0.4 * att_b + 0.3 * 4.0 + 0.1 * 5) / 0.8, 1e-9, "priority B")
    eq(terms_of(b.priority), "attractiveness,position,look_balance", "pain index left out")
    eq(a.quadrant .. a.strategy .. #a.gate_veto, "growinvest0", "A grows")
    eq(b.quadrant .. b.strategy, "avoidexit", "B exits")
    eq(a.target .. a.target_basis, "40000000share", "target A")
    eq(b.target .. b.target_basis, "30000000growth", "target B")
    eq(a.market_size + a.revenue, 450000000, "size and revenue")

    local gated = assert(m:strategy { min_gross_margin = 0.4, min_revenue = 60000000, top_items = 1 })
    a = by_id(gated, "A")
    eq(a.strategy .. table.concat(a.gate_veto, ","), "fix_economicsrevenue,margin", "gates")
    eq(a.looks[1].top .. a.looks[2].top .. a.looks[3].top, "1-10", "top_items 1")
    eq(assert(m:strategy { min_gross_margin = false })[1].strategy, "invest", "false: no gate")
    local banded = assert(m:strategy { normalise = "bands", size_low = 0, size_high = 800000000,
                                       growth_low = 0, growth_high = 0.2,
                                       priority_weights = { pain_index = 0 } })
    near(banded[1].attractiveness.value, 1 + 9 * (0.35 * 0.5 + 0.25 * 0.5 + 0.25 + 0.15), 1e-9,
         "bands")
    check_scores(banded)
    m:close()
end)

test("bon report", function()
    local m <close> = strategy_market()
    local c = assert(m:add_customer("C1", "A", { name = "Grid North" }))
    assert(c:add_pain { text = "Budget freeze", severity = 2, urgency = 2 })
    assert(c:add_pain { text = "Peak capacity", layer = "N", severity = 4, urgency = 2,
                        breadth = 0.5, budget = 1, fit = 0.5, role = "user" })
    assert(m:add_customer("quiet"))
    local report = assert(m:bon())
    check_scores(report)
    eq(#report, 2, "groups with pains")
    local all = assert(m:bon { include_empty = true })
    eq(#all, 4, "include_empty")
    assert(isnan(all[2].index.value), "no pains: NaN")
    local a, c1 = report[1], report[2]
    eq(a.owner .. a.id .. c1.owner .. c1.id, "segmentAcustomerC1", "groups")
    eq(a.segment_id, nil, "a segment group")
    eq(c1.segment_id .. c1.name, "AGrid North", "customer group")
    local share = pain_score(4, 3, 0.5, 0.6)            -- 4·3·0.5·(0.5+0.5·0.6) = 4.8
    near(share, 4.8, 1e-12, "pain score formula")
    local first, second = a.pains[1], a.pains[2]
    eq(first.text .. first.rank .. first.index, "Outages12", "ranked first")
    eq(second.text .. second.rank .. second.index, "Share loss21", "ranked second")
    near(second.score.value, share, 1e-12, "pain score")
    near(second.addressable.value, share * 0.5, 1e-12, "addressable")
    eq(terms_of(second.score), "severity*urgency*breadth,budget", "score terms")
    near(second.score.terms[2].weight, 0.5 * 6, 1e-12, "budget weight")
    eq(terms_of(second.addressable), "pain_score", "addressable terms")
    near(a.index.value, 100 * (share * 0.5 + 25) / 50, 1e-9, "pain index")
    eq(terms_of(a.index), "Share loss,Outages", "index terms in the order added")
    eq(a.layers[1].layer .. a.layers[1].pain_count .. a.layers[2].layer, "B1O", "layers")
    near(a.layers[1].index_points, 2 * share * 0.5, 1e-9, "index points")
    near(c1.index.value, 100 * (pain_score(2, 2, 1, 0) + pain_score(4, 2, 0.5, 1) * 0.5) / 50,
         1e-9, "customer index")
    eq(c1.pains[1].text .. c1.pains[1].role, "Peak capacityuser", "ties by pain score")
end)

local function grading_market()
    local m = assert(mtl.market())
    local seg = assert(m:add_segment("S"))
    local c1 = assert(m:add_customer("C1", seg, { name = "Big", revenue = 1000000,
        investment = 2000000, participation = 0.5, grade = "partner" }))
    assert(m:add_customer("C2", nil, { revenue = 500000 }))
    assert(m:add_customer("C3", seg, { revenue = 100000 }))
    assert(c1:set_relationship { acceptance = 5, events = 3, support = 4 })
    assert(c1:add_contact { name = "Ann", role = "decider", attitude = "supporter", coach = true })
    assert(c1:add_contact { name = "Bob", role = "buyer", attitude = "opponent" })
    assert(c1:add_contact { name = "Cy", role = "user", attitude = "supporter" })
    assert(c1:add_pain { text = "Budget freeze", severity = 2, urgency = 2 })
    return m
end

test("grading report", function()
    local m <close> = grading_market()
    local report = assert(m:grading { grade_by = "thresholds",
        thresholds = { strategic = 1500000, partner = 400000, commercial = 200000 } })
    check_scores(report)
    local c1, c2, c3 = report[1], report[2], report[3]
    eq(c1.id .. c1.rank .. c2.id .. c2.rank .. c3.id .. c3.rank, "C11C22C33", "by value")
    eq(c1.value.value, 1000000 + 2000000 * 0.5, "value = revenue + investment x participation")
    eq(terms_of(c1.value), "revenue,investment", "value terms")
    eq(c1.value.terms[2].weight, 0.5, "participation")
    eq(c1.grade .. c2.grade .. c3.grade, "strategicpartnergeneral", "grades")
    eq(c1.recorded_grade, "partner", "recorded")
    eq(c2.recorded_grade, nil, "none recorded")
    assert(#c1.grade_reason > 0, "reason")
    eq(c1.segment_id .. c1.name, "SBig", "ids")
    eq(c2.segment_id, nil, "no segment")
    local k = 100 / (4 * (0.15 + 0.10 + 0.30))
    near(c1.relationship.value, k * (0.15 * 4 + 0.10 * 2 + 0.30 * 3), 1e-9, "relationship")
    eq(terms_of(c1.relationship), "acceptance,events,support", "assessed dimensions")
    near(c1.relationship.terms[3].weight, k * 0.30, 1e-12, "support weight")
    assert(isnan(c2.relationship.value), "not assessed")
    near(c1.coverage.value, 2 / 7, 1e-12, "coverage")
    eq(table.concat(c1.supported_roles, ","), "user,decider", "supported")
    eq(table.concat(c1.missing_roles, ","), "initiator,influencer,approver,buyer,gatekeeper",
       "missing")
    eq(table.concat(c1.opposed_roles, ","), "buyer", "opposed")
    eq(c1.contact_count .. c1.coach_count, "31", "counts")
    assert(isnan(c3.coverage.value), "no contacts")
    near(c1.pain_index.value, 100 * pain_score(2, 2, 1, 0) / 25, 1e-9, "customer pain index")
    local counted = assert(m:grading { roles = { "decider", "buyer" } })[1]
    near(counted.coverage.value, 0.5, 1e-12, "two roles counted")
    eq(table.concat(counted.missing_roles, ","), "buyer", "missing of the two")
end)

local function verification_market()
    local m = assert(mtl.market())
    assert(m:add_customer("C1"))
    local l1 = assert(m:add_lead("L1", "C1", { amount = 1000 }))
    local answers = { strategic_fit = 0.9, real_need = 0.8, acceptable_risk = 0.7,
        urgent_need = 0.6, procurement = 0.5, budget = 0.8, timeline = 0.5, relationship = 0.7,
        value_proposition = 0.6, solution_maturity = 0.5, key_team = 0.5, competition = 0.45 }
    for name, score in pairs(answers) do assert(l1:set_answer(name, score, "seen")) end
    local l2 = assert(m:add_lead("L2", nil, { amount = 500 }))
    assert(l2:set_answer("strategic_fit", 0.1))
    assert(l2:set_answer("real_need", 0.9))
    assert(m:add_lead("L3", nil, { amount = 2000, status = "converted" }))
    return m
end

test("verification report", function()
    local m <close> = verification_market()
    local report = assert(m:verification())
    check_scores(report)
    eq(#report, 2, "pending leads")
    local l1, l2 = report[1], report[2]
    eq(l1.id .. l1.rank .. l2.id .. l2.rank, "L11L22", "review order")
    local q = { (0.9 + 0.8 + 0.7) / 3, (0.6 + 0.5 + 0.8 + 0.5) / 4,
                (0.7 + 0.6 + 0.5 + 0.5 + 0.45) / 5 }
    for i = 1, 3 do near(l1.questions[i].value, q[i], 1e-12, "question " .. i) end
    eq(terms_of(l1.questions[1]), "strategic_fit,real_need,acceptable_risk", "q1 terms")
    near(l1.questions[1].terms[1].weight, 1 / 3, 1e-12, "q1 weight")
    eq(l1.verdict .. l1.lead_class, "convertmature", "L1 converts")
    eq(#l1.answered .. #l1.derived, "120", "all answered")
    eq(l1.customer_id .. l1.amount, "C11000", "lead fields")
    eq(l1.segment_id, nil, "no segment")
    near(l1.priority.value, 100 * (0.2 * q[1] + 0.3 * q[2] + 0.3 * q[3] + 0.2 * 1.0), 1e-9,
         "priority")
    eq(terms_of(l1.priority), "q1,q2,q3,size", "priority terms")
    near(l1.priority.terms[2].weight, 30, 1e-12, "q2 weight")
    eq(l2.verdict .. l2.lead_class, "closeearly", "L2 fails question 1 hard")
    near(l2.questions[1].value, 0.5, 1e-12, "L2 q1")
    eq(l2.questions[2].value .. #l2.questions[2].terms, "0.00", "nothing known")
    near(l2.priority.value, 20 * 0.5 + 20 * 0.5, 1e-9, "L2 priority")
    assert(#l2.reasons > 0, "reasons")
    eq(#assert(m:verification { scope = "all" }), 3, "scope all")

    assert(m:customer("C1"):add_pain { text = "p", severity = 5, urgency = 5 })
    local l4 = assert(m:add_lead("L4", "C1", { amount = 10 }))
    assert(l4:set_answer("budget", 0.2))
    local strict = assert(m:verification { pass = { 0.9, 0.9, 0.9 },
                                           weights = { strategic_fit = 0 } })
    eq(by_id(strict, "L1").verdict, "nurture", "stricter thresholds")
    near(by_id(strict, "L1").questions[1].value, 0.75, 1e-12, "weight 0")
    local v4 = by_id(strict, "L4")
    eq(table.concat(v4.derived, ",") .. table.concat(v4.answered, ","), "urgent_needbudget",
       "derived from the customer's pain index")
    near(v4.questions[2].terms[1].value, 0.5, 1e-12, "pain index / 100")
    check_scores(strict)
end)

test("strategy reports outlive their market", function()
    local m = strategy_market { memory_limit = 1 << 24 }
    local c = assert(m:add_customer("C9", "A"))
    assert(c:add_contact { name = "Ann", role = "decider", attitude = "supporter" })
    assert(assert(m:add_lead("L9", c, { amount = 5 })):set_answer("budget", 0.9, "signed"))
    local s, b, g, v = m:strategy(), m:bon(), m:grading(), m:verification()
    local looks = m:segment("A"):looks()
    m, c = nil, nil
    collectgarbage()
    collectgarbage()
    eq(s[1].looks[2].evidence, "tender results", "strategy")
    eq(b[1].pains[1].text, "Outages", "bon")
    eq(g[1].supported_roles[1], "decider", "grading")
    eq(v[1].id, "L9", "verification")
    eq(looks[3].text, "Storage", "input rows are copies")
    for _, r in ipairs { s, b, g, v } do check_scores(r) end

    local closed = strategy_market()
    local seg = closed:segment("A")
    closed:close()
    raises("market is closed", closed.strategy, closed)
    raises("market is closed", seg.looks, seg)
    raises("market is closed", seg.add_pain, seg, { text = "p" })
end)

test("strategy reports under a memory limit", function()
    -- Each report either fails with MTL_E_NO_MEMORY or succeeds as the
    -- limit grows; valgrind checks that nothing leaks on the way.
    local function build(limit)
        local m = strategy_market { memory_limit = limit }
        assert(m:add_lead("L", nil, { amount = 1 }))
        return m
    end
    local probe = build(1 << 24)
    local used = probe:memory_used()
    probe:close()
    for _, name in ipairs { "strategy", "bon", "grading", "verification" } do
        local extra, ok, failures = 0, false, 0
        while not ok do
            local built, m = pcall(build, used + extra)
            if built then        -- (the market itself may need more than used)
                local r, msg, st = m[name](m)
                if r then
                    ok = true
                    check_scores(r)
                else
                    eq(st, "MTL_E_NO_MEMORY", name .. ": " .. tostring(msg))
                    failures = failures + 1
                end
                m:close()
            end
            extra = extra + 128
            assert(extra < 1 << 20, name .. ": no limit is enough")
        end
        assert(failures > 0, name .. ": never ran out of memory")
    end
end)

test("docs/bindings.md: the strategy example prints what the page says", function()
    local doc = read_file(SOURCE .. "/docs/bindings.md")
    local section = doc:sub((doc:find("## Strategy and qualification", 1, true)))
    local code, printed = section:match("```lua\n(.-)```.-then\n\n```\n(.-)```")
    assert(code and printed, "the Lua example and its output")
    local out = {}
    local env = setmetatable({ print = function(...)
        local parts = table.pack(...)
        for i = 1, parts.n do parts[i] = tostring(parts[i]) end
        out[#out + 1] = table.concat(parts, "\t", 1, parts.n)
    end }, { __index = _G })
    assert(load(code, "=docs/bindings.md", "t", env))()
    -- the first five lines are the priority and its terms (shown for Python)
    local function trim(s) return (s:gsub("%s+$", "")) end   -- json_encode ends a line
    eq(trim(table.concat(out, "\n", 6)), trim(printed), "printed")
    eq(out[1], "energy\tgrow\tinvest\t6.046", "priority line")
end)

test("csv: strategy input kinds", function()
    local m <close> = assert(mtl.market())
    local s = assert(m:add_segment("A"))
    assert(m:add_customer("C1", s))
    assert(m:add_lead("L1", "C1"))
    local r = assert(m:import_csv("segment,look,text,impact,likelihood,window\n" ..
                                  "A,competition,Rival,-2,0.5,mid\n", { kind = "looks" }))
    eq(r.imported, 1, "imported")
    eq(s:looks()[1].window_months, 36, "window")
    assert(m:import_csv("customer,name,role,attitude\nC1,Ann,decider,supporter\n",
                        { kind = "contacts" }))
    eq(m:customer("C1"):contacts()[1].role, "decider", "contacts")
    assert(m:import_csv("lead,criterion,score\nL1,budget,0.8\n", { kind = "answers" }))
    eq(m:lead("L1"):answer("budget"), 0.8, "answers")
    assert(assert(m:export_csv("looks")):find("Rival", 1, true), "export")
    local _, d = fails("MTL_E_RANGE", m:import_csv("segment,text,impact\nA,x,7\n",
                                                   { kind = "looks" }))
    eq(d.line, 2, "line")
    assert(d.message:find("impact", 1, true), d.message)
    eq(#s:looks(), 1, "unchanged")
    -- a snapshot keeps the inputs
    local again <close> = assert(mtl.read(assert(m:write())))
    eq(mtl.json_encode(again:segment("A"):looks()), mtl.json_encode(s:looks()), "looks kept")
    eq(again:lead("L1"):answer("budget"), 0.8, "answers kept")
end)

-- ---- coverage (last) -----------------------------------------------------------

test("coverage: every exported symbol is reached from a called Lua function", function()
    local map = read_file(SOURCE .. "/lib/libmtl.map")
    local symbols, missing = 0, {}
    for name in map:gmatch("(mtl_[%w_]+);") do
        symbols = symbols + 1
        local lua = mtl._coverage[name]
        if not lua then
            missing[#missing + 1] = name .. " (not in mtl._coverage)"
        else
            local class, method = lua:match("^(%w+):([%w_]+)$")
            local fn
            if class then
                fn = registry[classes[class]] and registry[classes[class]].__index[method]
            else
                fn = mtl[lua:match("^mtl%.([%w_]+)$") or ""]
            end
            if type(fn) ~= "function" then
                missing[#missing + 1] = name .. " -> " .. lua .. " (no such function)"
            elseif not hits[lua] then
                missing[#missing + 1] = name .. " -> " .. lua .. " (never called)"
            end
        end
    end
    assert(symbols > 150, "read " .. symbols .. " symbols from libmtl.map")
    for name in pairs(mtl._coverage) do
        assert(map:find(name .. ";", 1, true), name .. " is not exported")
    end
    -- and every function of the module was called at least once
    for key in pairs(mtl) do
        if type(mtl[key]) == "function" and not hits["mtl." .. key] then
            missing[#missing + 1] = "mtl." .. key .. " (never called)"
        end
    end
    for short, tname in pairs(classes) do
        for method in pairs(registry[tname].__index) do
            if not hits[short .. ":" .. method] then
                missing[#missing + 1] = short .. ":" .. method .. " (never called)"
            end
        end
    end
    table.sort(missing)
    assert(#missing == 0, "\n      " .. table.concat(missing, "\n      "))
end)

-- ---- runner ------------------------------------------------------------------------

local passed, failed = 0, 0
for _, t in ipairs(tests) do
    local ok, err = xpcall(t.fn, debug.traceback)
    collectgarbage()
    if ok then
        passed = passed + 1
        print("ok    " .. t.name)
    else
        failed = failed + 1
        print("FAIL  " .. t.name .. "\n      " .. tostring(err):gsub("\n", "\n      "))
    end
end
print(("%d passed, %d failed"):format(passed, failed))
os.exit(failed == 0 and 0 or 1, true)
