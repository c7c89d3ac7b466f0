-- bindings/lua/examples/funnel.lua: load a CSV of leads, print the funnel by
-- stage and a forecast of the next quarter.
--
--   lua5.4 funnel.lua [leads.csv [field_map [stage_map [target]]]]
--
-- Without arguments it reads tests/cli/data/leads.csv of the source tree.
-- The forecast is for the quarter of the latest date in the file; target
-- (major units) adds the probability of reaching it.
-- The real CRM export of ../shared/data works too:
--
--   lua5.4 funnel.lua sales_pipeline.csv \
--     opportunity_id=id,account=customer,sales_agent=owner,deal_stage=stage,engage_date=created,close_date=closed,close_value=amount \
--     Prospecting=P1,Engaging=P3,Won=won,Lost=lost
--
-- LUA_CPATH must find mtl.so (meson's build directory bindings/lua/).
local mtl = require "mtl"

local here = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
local path = arg[1] or (here .. "/../../../tests/cli/data/leads.csv")

local market <close>, result = mtl.from_csv(path, {
    field_map = arg[2], stage_map = arg[3], skip_bad_rows = true,
})
if not market then
    -- result is the message; the detail says where the error is
    io.stderr:write(("funnel.lua: %s: %s\n"):format(path, result))
    os.exit(1)
end
print(("%s: %d rows, %d leads imported, %d skipped"):format(
    path, result.rows, result.imported, result.skipped))
for _, e in ipairs(result.errors) do
    print(("  skipped line %d, column %d: %s"):format(e.line, e.column, e.message))
end

-- Amounts are integers in minor units; print them in major units.
local per = market:minor_per_major()
local function money(x)
    if x ~= x then return "-" end -- NaN: no data
    return ("%.2f"):format(x / per)
end
local function pct(x)
    if x ~= x then return "-" end
    return ("%.0f%%"):format(100 * x)
end

-- The funnel by stage (the total, group 1).
local report = market:funnel()
local total = report.groups[1]
print()
print(("%-8s %6s %14s %14s %5s %5s %9s %9s"):format(
    "stage", "open", "open amount", "weighted", "won", "lost", "reached", "win rate"))
for _, s in ipairs(total.stages) do
    print(("%-8s %6d %14s %14s %5d %5d %9d %9s"):format(
        s.stage, s.open_count, money(s.open_amount), money(s.weighted_amount),
        s.won_count, s.lost_count, s.reached, pct(s.win_rate)))
end
print(("%d leads: %d open, %d won, %d lost; won %s; win rate %s"):format(
    total.leads, total.open, total.won, total.lost, money(total.won_amount),
    pct(total.win_rate)))

-- A forecast of the quarter after the latest date in the data.
local latest
for lead in market:leads() do
    for _, get in ipairs { lead.created, lead.expected_close, lead.closed } do
        local _, day = get(lead)
        if day and (not latest or day > latest) then latest = day end
    end
end
if not latest then
    print("no dates: no forecast")
    return
end
local y, m = mtl.date_to_ymd(latest)
local q = (m - 1) // 3              -- 0..3: the quarter of the latest date
local start = assert(mtl.date_from_ymd(y, q * 3 + 1, 1))
local stop = assert(mtl.date_from_ymd(q == 3 and y + 1 or y, q == 3 and 1 or q * 3 + 4, 1))
local target = tonumber(arg[4] or "")
local forecast <close> = assert(market:forecast {
    period_start = start, period_end = stop,
    target = target and math.floor(target * per + 0.5) or nil,
})
local f = forecast:summary()
print()
print(("forecast %s .. %s (end excluded), %d open deals"):format(
    f.period_start, f.period_end, f.deal_count))
print(("  closed won %s, commit forecast %s, best case %s"):format(
    money(f.closed_won_amount), money(f.commit_forecast), money(f.best_case_forecast)))
print(("  expected %s, P10 %s, P50 %s, P90 %s"):format(
    money(f.expected), money(f.p10), money(f.p50), money(f.p90)))
if target then
    print(("  target %s: P(reach) %s, expected shortfall %s"):format(
        money(f.target), pct(f.p_hit_target), money(f.expected_shortfall)))
end
