"""Conversions between Python values and libmtl's plain C values.

Dates: libmtl stores civil dates as int32 day numbers (days since
1970-01-01).  The binding returns :class:`datetime.date` (None for
MTL_DATE_NONE) and accepts a date, a datetime, a ``"YYYY-MM-DD"`` string, an
int day number or None wherever a date goes in.

Codes: outcomes, statuses, forecast categories, decision steps, grades and
the like are small ints in C; the binding reads them as lower-case names
(``"won"``, ``"best_case"``) and accepts either the name or the int.
"""

import ctypes
import datetime

from . import _lib
from . import errors

_EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()   # 719163

# ------------------------------------------------------------------- dates --


def day_to_date(day):
    """A day number as a datetime.date; None for MTL_DATE_NONE."""
    if day == _lib.DATE_NONE:
        return None
    return datetime.date.fromordinal(day + _EPOCH_ORDINAL)


def parse_date(text):
    """Parse exactly ``YYYY-MM-DD`` with mtl_date_parse; the day number.

    Raises ParseError (with the column) or RangeError (2023-02-29).
    """
    raw = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    out = ctypes.c_int32()
    errors.check(_lib.lib.mtl_date_parse(ctypes.byref(out), raw, len(raw)))
    return out.value


def to_day(value, what="date"):
    """A date-like value as a day number (MTL_DATE_NONE for None).

    Accepts datetime.date / datetime.datetime (its date), "YYYY-MM-DD", an
    int day number, numpy.datetime64, or None.
    """
    if value is None:
        return _lib.DATE_NONE
    if isinstance(value, datetime.date):  # datetime.datetime too
        if isinstance(value, datetime.datetime):
            value = value.date()
        return value.toordinal() - _EPOCH_ORDINAL
    if isinstance(value, str):
        if value == "":
            return _lib.DATE_NONE
        return parse_date(value)
    if isinstance(value, bool):
        raise TypeError("%s: expected a date, got a bool" % what)
    if isinstance(value, int):
        return value
    if type(value).__name__ == "datetime64":
        as_int = int(value.astype("datetime64[D]").astype("int64"))
        return _lib.DATE_NONE if as_int == -(1 << 63) else as_int
    if hasattr(value, "__index__"):
        return value.__index__()
    raise TypeError("%s: expected a date, 'YYYY-MM-DD', a day number or None,"
                    " got %s" % (what, type(value).__name__))


def date_from_ymd(year, month, day):
    """Day number of a calendar date (mtl_date_from_ymd); RangeError if impossible."""
    out = ctypes.c_int32()
    errors.check(_lib.lib.mtl_date_from_ymd(ctypes.byref(out), year, month, day))
    return out.value


def date_to_ymd(day):
    """(year, month, day) of a day number (mtl_date_to_ymd)."""
    y, m, d = ctypes.c_int32(), ctypes.c_int32(), ctypes.c_int32()
    errors.check(_lib.lib.mtl_date_to_ymd(day, ctypes.byref(y), ctypes.byref(m),
                                          ctypes.byref(d)))
    return y.value, m.value, d.value


def format_date(day):
    """A day number as ``YYYY-MM-DD`` (mtl_date_format)."""
    buf = ctypes.create_string_buffer(11)
    errors.check(_lib.lib.mtl_date_format(buf, len(buf), day))
    return buf.value.decode("ascii")


# ------------------------------------------------------------------- codes --


class Codes:
    """A two-way table between a C enum's ints and lower-case names."""

    def __init__(self, what, names, none=None):
        self.what = what
        self.names = dict(names)                       # code -> name
        self.codes = {v: k for k, v in self.names.items()}  # name -> code
        self.none = none                               # code meaning None

    def name(self, code):
        """The name of code (None for the "none" code; the int if unknown)."""
        if code == self.none:
            return None
        return self.names.get(code, code)

    def code(self, value):
        """The code of a name, an int, or None (the "none" code)."""
        if value is None:
            if self.none is None:
                raise TypeError("%s: None is not allowed" % self.what)
            return self.none
        if isinstance(value, str):
            key = value.strip().lower().replace("-", "_").replace(" ", "_")
            try:
                return self.codes[key]
            except KeyError:
                raise errors.RangeError(
                    _lib.E_RANGE, "unknown %s %r (one of %s)" % (
                        self.what, value, ", ".join(sorted(self.codes)))) from None
        if isinstance(value, bool):
            raise TypeError("%s: expected a name or an int, got a bool" % self.what)
        return int(value)


OUTCOME = Codes("outcome", {0: "open", 1: "won", 2: "lost"})
STATUS = Codes("status", {0: "new", 1: "nurture", 2: "converted", 3: "closed"})
CATEGORY = Codes("category", {0: "pipeline", 1: "best_case", 2: "commit",
                              3: "closed", 4: "omitted"}, none=-1)
DECISION = Codes("decision step", {1: "satisfied", 2: "recognition",
                                   3: "decision", 4: "criteria",
                                   5: "evaluation", 6: "selection",
                                   7: "reevaluation"}, none=0)
GRADE = Codes("grade", {1: "strategic", 2: "partner", 3: "commercial",
                        4: "general"}, none=0)
KIND = Codes("kind", {0: "leads", 1: "customers", 2: "segments", 3: "looks",
                     4: "factors", 5: "appeals", 6: "control_points", 7: "pains",
                     8: "contacts", 9: "relationships", 10: "answers"})
GROUP = Codes("group_by", {0: "none", 1: "segment", 2: "region", 3: "owner",
                           4: "grade", 5: "source", 6: "cohort_month",
                           7: "cohort_quarter", 8: "cohort_year"}, none=0)
GROUP.codes.update({"month": 6, "quarter": 7, "year": 8, "total": 0})
CALIBRATION = Codes("calibration", {0: "unknown", 1: "inside", 2: "below",
                                    3: "above"})
PROBABILITY_SOURCE = Codes("probability source", {0: "stage", 1: "calibrated"})
METHOD = Codes("method", {0: "exact", 1: "monte_carlo"})
TARGET_KIND = Codes("node kind", {0: "company", 1: "region", 2: "owner",
                                  3: "quarter", 4: "month"})
FORMULA = Codes("formula", {0: "given", 1: "hq", 2: "region", 3: "individual",
                            4: "split"})
RESCALE = Codes("rescale", {0: "none", 1: "proportional", 2: "even"})
PERIODS = Codes("periods", {1: "year", 2: "quarters", 3: "months"})
BOTTOM_UP = Codes("bottom_up", {0: "commitments", 1: "forecasts"})

# Strategy and qualification (looks.h, pain.h, customer.h, strategy.h,
# grading.h, verification.h).  Role and criterion names come from the
# library (mtl_role_name, mtl_criterion_name), so they cannot drift.
LOOK = Codes("look", {0: "trend", 1: "industry", 2: "customer", 3: "competition",
                      4: "self", 5: "opportunity"})
LOOK.codes["macro"] = 0
WINDOW = Codes("window", {_lib.WINDOW_NEAR_MONTHS: "near", _lib.WINDOW_MID_MONTHS: "mid",
                          _lib.WINDOW_LONG_MONTHS: "long"})
#: The eight $APPEALS criteria in C order (mtl_appeals_rating.ratings).
APPEALS = ("price", "availability", "packaging", "performance", "ease_of_use",
           "assurances", "life_cycle_cost", "social_acceptance")
#: Porter's five forces in C order (mtl_segment_factors.forces).
FORCES = ("rivalry", "entrants", "substitutes", "buyers", "suppliers")
#: The six relationship dimensions in C order (MTL_REL_*).
RELATIONSHIP = ("acceptance", "events", "information", "guidance", "support",
                "competition")
CONTROL = Codes("control point kind", {1: "cost", 2: "product", 3: "relationship",
                                       4: "brand", 5: "standard", 6: "value_chain"})
ROLE = Codes("role", {i: _lib.lib.mtl_role_name(i).decode("ascii")
                      for i in range(1, _lib.ROLE_COUNT)}, none=0)
ATTITUDE = Codes("attitude", {0: "neutral", 1: "supporter", 2: "opponent"})
CRITERION = Codes("criterion", {i: _lib.lib.mtl_criterion_name(i).decode("ascii")
                                for i in range(_lib.CRIT_COUNT)})
#: criterion code -> the question (1, 2, 3) it answers (mtl_criterion_question)
QUESTION = {i: _lib.lib.mtl_criterion_question(i) for i in range(_lib.CRIT_COUNT)}
VERDICT = Codes("verdict", {0: "nurture", 1: "convert", 2: "close"})
LEAD_CLASS = Codes("lead class", {0: "early", 1: "mature"})
SCOPE = Codes("scope", {0: "pending", 1: "all"})
QUADRANT = Codes("quadrant", {0: "unrated", 1: "grow", 2: "acquire_skills",
                              3: "harvest", 4: "avoid"})
STRATEGY = Codes("strategy", {0: "unrated", 1: "invest", 2: "build", 3: "harvest",
                              4: "exit", 5: "fix_economics"})
TARGET_BASIS = Codes("target basis", {0: "none", 1: "share", 2: "growth", 3: "market"})
NORMALISE = Codes("normalise", {0: "relative", 1: "bands"})
GRADE_BY = Codes("grade_by", {0: "quantiles", 1: "thresholds"})
PAIN_OWNER = Codes("owner", {1: "segment", 2: "customer"})
GATE = Codes("gate", {1: "revenue", 2: "margin"})


def bits_to_names(bits, codes, shift=True):
    """The names of the codes whose bit is set, in code order: bit
    ``1 << code`` (shift) or the code itself is the bit (``shift=False``)."""
    return [name for code, name in sorted(codes.names.items())
            if bits & ((1 << code) if shift else code)]


def names_to_bits(values, codes):
    """A bit set 1 << code from names or codes (an int is taken as the set)."""
    if isinstance(values, int) and not isinstance(values, bool):
        return values
    if isinstance(values, str):
        values = [values]
    bits = 0
    for v in values:
        bits |= 1 << codes.code(v)
    return bits

# ----------------------------------------------------------------- strings --


def enc(text, what="string"):
    """str (or bytes) to NUL-terminated UTF-8 bytes for a const char *."""
    if isinstance(text, str):
        raw = text.encode("utf-8", "surrogateescape")
    elif isinstance(text, (bytes, bytearray)):
        raw = bytes(text)
    else:
        raise TypeError("%s: expected str, got %s" % (what, type(text).__name__))
    if b"\0" in raw:
        raise errors.InvalidArgument(_lib.E_INVALID_ARGUMENT,
                                     "%s contains a NUL character" % what)
    return raw


def enc_opt(text, what="string"):
    """enc(), with None passed through as NULL."""
    return None if text is None else enc(text, what)


def dec(raw):
    """const char * (bytes or None) back to str (None stays None)."""
    if raw is None:
        return None
    return raw.decode("utf-8", "surrogateescape")


def dec_unset(raw):
    """Like dec(), but the library's "" (unset) becomes None."""
    if not raw:
        return None
    return raw.decode("utf-8", "surrogateescape")


def nan_to_none(x):
    """NaN as None (for JSON-minded callers); other floats unchanged."""
    return None if x != x else x
