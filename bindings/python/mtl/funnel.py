"""The sales funnel (funnel.h, docs/methods/funnel.md).

:class:`Funnel` runs ``mtl_funnel_compute`` once over a market and keeps the
whole report as Python data: ``funnel.groups`` is a list of dicts, the total
first (name ``"(total)"``), then one per group sorted by name.  Each group
dict holds the summary fields (counts, amounts, the seed indicators L, V, T
and BPI, velocity, the funnel-mouth plan) and ``"stages"``, a list of one
dict per stage.

The live counters that the market keeps current on every change are read by
:meth:`Funnel.stages` / :meth:`mtl.Market.funnel_stages` (one segment) and
:meth:`mtl.Market.funnel_by_segment` (segment x stage): O(stages) per
segment, whatever the number of leads.
"""

from ctypes import byref, c_double, c_void_p, sizeof

from . import _convert as cv
from . import _lib
from . import errors
from ._lib import lib as L
from ._report import Layout, to_numpy

_STAGE = Layout(_lib.FunnelStage)
_SUMMARY = Layout(_lib.FunnelSummary)
_check = errors.check


class Funnel:
    """A computed funnel report (mtl_funnel_compute), held as Python data.

    Args:
        market: the Market.
        group_by: None (total only), "segment", "region", "owner", "grade",
            "source", "cohort_month", "cohort_quarter" or "cohort_year".
        confidence: level of the win-rate interval in (0, 1); default 0.90.
        period: (start, end) for V and BPI (dates, "YYYY-MM-DD" or day
            numbers; end exclusive).
        as_of: the as-of day ("won to date"); default the day before end.
        target: the period's target in minor units (V, funnel-mouth plan).
        weeks: weeks over which the plan's new leads arrive.

    Attributes:
        groups: list of dicts, the total first; each with "name", the
            summary fields and "stages" (list of dicts with "stage",
            "index", counts, amounts, rates, calibration, days in stage,
            "plan_leads" and "plan_pipeline").
        group_by: the grouping's name.
        stage_names: the market's stage names.
    """

    def __init__(self, market, group_by=None, confidence=None, period=None,
                 as_of=None, target=None, weeks=None):
        ptr = market._p()
        opts = _lib.FunnelOptions()
        _check(L.mtl_funnel_options_init(byref(opts), sizeof(opts)))
        opts.group_by = cv.GROUP.code(group_by)
        if confidence is not None:
            opts.confidence = float(confidence)
        if period is not None:
            start, end = period
            opts.period_start = cv.to_day(start, "period start")
            opts.period_end = cv.to_day(end, "period end")
        if as_of is not None:
            opts.as_of = cv.to_day(as_of, "as_of")
        if target is not None:
            opts.target = int(target)
        if weeks is not None:
            opts.weeks = int(weeks)
        self._stage_names = market._stage_names
        out = c_void_p()
        _check(L.mtl_funnel_compute(byref(out), ptr, byref(opts)))
        try:
            self._read(out.value)
        finally:
            L.mtl_funnel_destroy(out.value)
        self.market = market
        self.group_by = cv.GROUP.name(opts.group_by) or "none"

    def _read(self, f):
        nstages = L.mtl_funnel_stage_count(f)
        ngroups = L.mtl_funnel_group_count(f)
        names = self._stage_names
        row = _lib.FunnelStage()
        row.struct_size = sizeof(row)
        summary = _lib.FunnelSummary()
        summary.struct_size = sizeof(summary)
        leads, pipeline = c_double(), c_double()
        cal = cv.CALIBRATION.names
        groups = []
        for g in range(ngroups):
            _check(L.mtl_funnel_summary_at(f, g, byref(summary)))
            group = {"name": cv.dec(L.mtl_funnel_group_name(f, g))}
            group.update(_SUMMARY.one(summary))
            stages = []
            for s in range(nstages):
                _check(L.mtl_funnel_stage_at(f, g, s, byref(row)))
                _check(L.mtl_funnel_plan_at(f, g, s, byref(leads), byref(pipeline)))
                d = _STAGE.one(row)
                d["calibration"] = cal.get(d["calibration"], d["calibration"])
                d["stage"] = names[s] if s < len(names) else str(s)
                d["index"] = s
                d["plan_leads"] = leads.value
                d["plan_pipeline"] = pipeline.value
                stages.append(d)
            group["stages"] = stages
            groups.append(group)
        self.groups = groups
        self._nstages = nstages

    # -- reading ------------------------------------------------------------

    @property
    def stage_names(self):
        """The stage names (from the market the report was computed on)."""
        return self._stage_names

    @property
    def total(self):
        """Group 0, the whole market (a dict)."""
        return self.groups[0]

    def __len__(self):
        """Number of groups, the total included."""
        return len(self.groups)

    def __iter__(self):
        """The groups (dicts), the total first."""
        return iter(self.groups)

    def __getitem__(self, key):
        """A group by index or by name."""
        if isinstance(key, str):
            for g in self.groups:
                if g["name"] == key:
                    return g
            raise KeyError(key)
        return self.groups[key]

    def group_names(self):
        """The group names, "(total)" first."""
        return [g["name"] for g in self.groups]

    def summaries(self):
        """One dict per group without its stages (a list)."""
        return [{k: v for k, v in g.items() if k != "stages"} for g in self.groups]

    def rows(self):
        """The flat group x stage table: one dict per group and stage, with
        "group" (the group's name) and "stage" (the stage's name)."""
        out = []
        for g in self.groups:
            for s in g["stages"]:
                d = {"group": g["name"]}
                d.update(s)
                out.append(d)
        return out

    def to_numpy(self):
        """rows() as a dict of numpy arrays (pandas: DataFrame(funnel.to_numpy()))."""
        return to_numpy(self.rows())

    def summaries_to_numpy(self):
        """summaries() as a dict of numpy arrays."""
        return to_numpy(self.summaries())

    def stages(self, segment=None):
        """The live stage table of one segment (or the whole market) from
        the counters the market keeps current, not from this report: a list
        of dicts, one per stage (mtl_funnel_stages)."""
        return self.market.funnel_stages(segment)

    def __repr__(self):
        return "<mtl.Funnel by %s: %d groups, %d stages>" % (
            self.group_by, len(self.groups), self._nstages)
