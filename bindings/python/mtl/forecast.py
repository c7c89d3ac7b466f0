"""Revenue forecasts (forecast.h, docs/methods/forecast.md).

A :class:`Forecast` owns one reference to an immutable, reference-counted C
forecast.  The C forecast copies what it needs from the market, so it stays
valid after the market is changed or closed; :meth:`Forecast.copy` shares
the same C object with another reference.  What-if variants
(:meth:`Forecast.without`, :meth:`Forecast.with_probability`) are derived
from the forecast without recomputing it.
"""

import ctypes
from ctypes import byref, c_char_p, c_double, c_int32, c_int64, c_void_p, sizeof

from . import _convert as cv
from . import _lib
from . import errors
from ._lib import lib as L
from ._handle import Owned
from ._report import Layout, numpy_module

_SUMMARY = Layout(_lib.ForecastSummary)
_check = errors.check
_INT64_MIN = -(1 << 63)


def _needs(opts, field):
    """VersionError when the running library's options struct (its size,
    stored by mtl_forecast_options_init) ends before field."""
    f = getattr(_lib.ForecastOptions, field)
    if opts.struct_size < f.offset + f.size:
        raise errors.VersionError(_lib.E_VERSION, "forecast option %r needs a newer libmtl "
                                  "(its mtl_forecast_options has %d bytes)"
                                  % (field, opts.struct_size))


def _lead_id(lead):
    ident = getattr(lead, "id", lead)
    return cv.enc(ident, "lead id")


class Forecast(Owned):
    """A forecast of period revenue (mtl_forecast_create).

    Args:
        market: the Market.
        period: (start, end), end exclusive: dates, "YYYY-MM-DD" or day
            numbers.
        as_of: the as-of day (default: the day before end).
        probability_source: "stage" (the stage model's default, default) or
            "calibrated" (the market's empirical win rates).
        segment: a Segment or segment id (leads of it and its sub-segments).
        region, owner, source: limit to leads of that region / owner /
            source.
        grade: limit to customers of that grade ("strategic", ...).
        target: the target in minor units (P(hit), expected shortfall).
        grid: grid step in minor units (0 = automatic).
        method: "exact" (default) or "monte_carlo".
        draws, seed, correlation: Monte Carlo settings.
        created: (start, end) limits to leads created in [start, end) (a
            creation cohort); either end may be None (unbounded).

    Use as a context manager or call :meth:`close` to drop the reference
    deterministically; otherwise it is dropped when garbage collected.
    """

    def __init__(self, market, period, as_of=None, probability_source="stage",
                 segment=None, region=None, owner=None, grade=None, target=0,
                 grid=0, method="exact", draws=0, seed=0, correlation=0.0,
                 source=None, created=None):
        ptr = market._p()
        opts = _lib.ForecastOptions()
        _check(L.mtl_forecast_options_init(byref(opts), sizeof(opts)))
        start, end = period
        opts.period_start = cv.to_day(start, "period start")
        opts.period_end = cv.to_day(end, "period end")
        if as_of is not None:
            opts.as_of = cv.to_day(as_of, "as_of")
        opts.probability_source = cv.PROBABILITY_SOURCE.code(probability_source)
        opts.segment = market._segment_ptr(segment)
        opts.region = cv.enc_opt(region, "region")
        opts.owner = cv.enc_opt(owner, "owner")
        opts.grade = cv.GRADE.code(grade)
        opts.target = int(target or 0)
        opts.grid = int(grid or 0)
        opts.method = cv.METHOD.code(method)
        opts.draws = int(draws or 0)
        opts.seed = int(seed or 0)
        opts.correlation = float(correlation or 0.0)
        if source is not None:
            _needs(opts, "source")
            opts.source = cv.enc(source, "source")
        if created is not None:
            _needs(opts, "created_end")
            start, end = created
            opts.created_start = cv.to_day(start, "created start")
            opts.created_end = cv.to_day(end, "created end")
        out = c_void_p()
        _check(L.mtl_forecast_create(byref(out), ptr, byref(opts)))
        self._ptr = out.value

    @classmethod
    def _adopt(cls, ptr):
        f = cls.__new__(cls)
        f._ptr = ptr
        return f

    _what = "forecast"

    def copy(self):
        """Another Forecast object sharing this C forecast (mtl_forecast_ref)."""
        return Forecast._adopt(L.mtl_forecast_ref(self._p()))

    def _release(self, ptr):
        """Drop this object's reference (mtl_forecast_unref)."""
        L.mtl_forecast_unref(ptr)

    # -- results -------------------------------------------------------------

    @property
    def summary(self):
        """The summary as a dict: period_start/end and as_of (dates),
        method, closed won count and amount, won to date, deal_count, the
        category amounts alone (pipeline, best_case, commit, closed,
        omitted) and cumulative (commit_forecast, best_case_forecast,
        open_pipeline), expected, variance, p10/p50/p90, target,
        p_hit_target, expected_shortfall, won-count moments and quantiles,
        grid, quantization_sd, error_bound, draws.  Amounts in minor units.
        """
        s = _lib.ForecastSummary()
        s.struct_size = sizeof(s)
        _check(L.mtl_forecast_summary_get(self._p(), byref(s)))
        d = _SUMMARY.one(s)
        for key in ("period_start", "period_end", "as_of"):
            d[key] = cv.day_to_date(d[key])
        d["method"] = cv.METHOD.name(d["method"])
        return d

    def quantile(self, q):
        """The smallest revenue whose CDF is at least q (minor units)."""
        q = float(q)
        value = L.mtl_forecast_quantile(self._p(), q)
        if value == _INT64_MIN:
            raise errors.RangeError(_lib.E_RANGE, "quantile %r outside [0, 1]" % q)
        return value

    def probability_at_least(self, amount):
        """P(revenue >= amount)."""
        return L.mtl_forecast_probability_at_least(self._p(), int(amount))

    def expected_shortfall(self, target):
        """E[max(0, target - revenue)] in minor units."""
        return L.mtl_forecast_expected_shortfall(self._p(), int(target))

    def distribution(self, numpy=False):
        """The revenue distribution on its grid.

        Returns a dict: "first" and "step" (minor units), "probabilities"
        (a list, or a numpy array with numpy=True) and "values" (the
        revenue of each point: first + i*step).  Empty for Monte Carlo.
        """
        first, step = c_int64(), c_int64()
        probs = ctypes.POINTER(c_double)()
        n = L.mtl_forecast_distribution(self._p(), byref(first), byref(step), byref(probs))
        return _points(n, first.value, step.value, probs, numpy)

    def won_count_distribution(self, numpy=False):
        """The distribution of the number of open deals won: a dict with
        "first", "step" (1), "probabilities" and "values"."""
        first = c_int64()
        probs = ctypes.POINTER(c_double)()
        n = L.mtl_forecast_won_count_distribution(self._p(), byref(first), byref(probs))
        return _points(n, first.value, 1, probs, numpy)

    def __len__(self):
        """Number of open deals in the forecast."""
        return L.mtl_forecast_deal_count(self._p())

    @property
    def deals(self):
        """The open deals as a list of dicts: id, amount, probability, category."""
        ptr = self._p()
        ident, amount, prob, cat = c_char_p(), c_int64(), c_double(), c_int32()
        out = []
        for i in range(L.mtl_forecast_deal_count(ptr)):
            _check(L.mtl_forecast_deal_at(ptr, i, byref(ident), byref(amount),
                                          byref(prob), byref(cat)))
            out.append({"id": cv.dec(ident.value), "amount": amount.value,
                        "probability": prob.value,
                        "category": cv.CATEGORY.name(cat.value)})
        return out

    def without(self, lead):
        """What-if: the forecast without one open deal (a Lead or its id)."""
        out = c_void_p()
        _check(L.mtl_forecast_without(byref(out), self._p(), _lead_id(lead)))
        return Forecast._adopt(out.value)

    def with_probability(self, lead, probability):
        """What-if: the forecast with one open deal's probability changed."""
        out = c_void_p()
        _check(L.mtl_forecast_with_probability(byref(out), self._p(), _lead_id(lead),
                                               float(probability)))
        return Forecast._adopt(out.value)

    def __repr__(self):
        if self._ptr is None:
            return "<mtl.Forecast (closed)>"
        s = self.summary
        return "<mtl.Forecast %s..%s: expected %.0f, P10 %d, P50 %d, P90 %d>" % (
            s["period_start"], s["period_end"], s["expected"], s["p10"], s["p50"], s["p90"])


def _points(n, first, step, probs, numpy):
    if numpy:
        np = numpy_module()
        p = np.ctypeslib.as_array(probs, shape=(n,)).copy() if n else np.zeros(0)
        values = first + step * np.arange(n, dtype=np.int64)
    else:
        p = probs[:n] if n else []
        values = [first + step * i for i in range(n)]
    return {"first": first, "step": step, "probabilities": p, "values": values}
