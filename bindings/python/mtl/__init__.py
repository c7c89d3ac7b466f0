"""libmtl for Python: Market to Lead / Lead to Cash sales analysis.

A pure-Python package (standard library only) over the shared library
``libmtl.so.1`` through ctypes.  Quick start::

    import mtl

    with mtl.Market.from_csv("sales_pipeline.csv",
                             map={"opportunity_id": "id", "account": "customer",
                                  "deal_stage": "stage", "close_value": "amount"},
                             stages={"Prospecting": "P1", "Engaging": "P3",
                                     "Won": "won", "Lost": "lost"}) as market:
        print(len(market), "leads")
        for row in market.funnel_stages():
            print(row["stage"], row["open_count"], row["won_count"])
        forecast = market.forecast(("2017-01-01", "2018-01-01"))
        print(forecast.summary["expected"])

(``mtl.IOError`` is left out of ``__all__`` so that ``from mtl import *``
does not shadow the built-in name; it is a subclass of OSError.)

Classes: :class:`Market`, :class:`Segment`, :class:`Customer`,
:class:`Lead`, :class:`StageModel`, :class:`Funnel`, :class:`Forecast`,
:class:`TargetTree`; the strategy and qualification inputs on the records
(:mod:`mtl.inputs`) and reports (``Market.strategy``, ``bon``, ``grading``,
``verification``: :mod:`mtl.strategy`); exceptions :class:`Error` and one subclass per status.
Amounts are integers in minor units (``market.minor_per_major`` per major
unit); dates are :class:`datetime.date`.

The library is looked up through ``MTL_LIBRARY``, next to the package, then
the system loader; its version is checked at import (see :mod:`mtl._lib`).
"""

from . import _lib
from ._bulk import Dictionary
from ._convert import date_from_ymd, date_to_ymd, day_to_date, format_date, parse_date, to_day
from ._report import to_columns, to_numpy
from .errors import (CorruptError, Duplicate, Error, InUseError, InvalidArgument, IOError,
                     LimitError, NoMemory, NotFound, ParseError, RangeError, StateError,
                     VersionError)
from .forecast import Forecast
from .funnel import Funnel
from .market import Attributes, Customer, Lead, Market, Records, Segment, StageModel
from .targets import TargetTree
from . import _convert as _cv


def _names(codes):
    return tuple(name for _, name in sorted(codes.names.items()))


# Names of the strategy and qualification codes, in C code order (the
# binding takes and returns these names; the integer codes work too).
#: The five looks and their opportunities (mtl_look_item.look).
LOOKS = _names(_cv.LOOK)
#: Time windows by name -> months (MTL_WINDOW_*_MONTHS).
WINDOWS = {name: months for months, name in sorted(_cv.WINDOW.names.items())}
#: The eight $APPEALS buying criteria.
APPEALS = _cv.APPEALS
#: Porter's five forces.
FORCES = _cv.FORCES
#: Kinds of control point, in rising order of strength (codes 1 ... 6).
CONTROL_KINDS = _names(_cv.CONTROL)
#: The built-in BON layers (pain.h); hosts may add their own.
LAYERS = ("B", "O", "N")
#: The six relationship dimensions (customer.h).
RELATIONSHIP_DIMENSIONS = _cv.RELATIONSHIP
#: Decision-chain roles (codes 1 ... 7, from mtl_role_name).
ROLES = _names(_cv.ROLE)
#: A contact's attitude towards us.
ATTITUDES = _names(_cv.ATTITUDE)
#: The twelve verification criteria (from mtl_criterion_name).
CRITERIA = _names(_cv.CRITERION)
#: criterion name -> the question (1, 2, 3) it answers (mtl_criterion_question).
CRITERION_QUESTIONS = {name: _cv.QUESTION[code] for code, name in _cv.CRITERION.names.items()}
#: Lead verdicts, classes and review scopes.
VERDICTS = _names(_cv.VERDICT)
LEAD_CLASSES = _names(_cv.LEAD_CLASS)
#: SPAN quadrants, strategy codes (定策略) and target bases.
QUADRANTS = _names(_cv.QUADRANT)
STRATEGIES = _names(_cv.STRATEGY)
TARGET_BASES = _names(_cv.TARGET_BASIS)
#: Financial gates that can veto grow/invest.
GATES = _names(_cv.GATE)
#: CSV kinds of import_csv / export_csv / to_csv.
CSV_KINDS = _names(_cv.KIND)

#: The package's version (the libmtl version it was written for).
__version__ = _lib.version_text(_lib.WRITTEN_FOR)
#: The running library's version string, e.g. "0.1.0".
library_version = _lib.VERSION
#: The running library's version number (major*10000 + minor*100 + patch).
library_version_number = _lib.VERSION_NUMBER
#: The path the library was loaded from.
library_path = _lib.path

# Status codes (mtl_status).
OK = _lib.OK
E_INVALID_ARGUMENT = _lib.E_INVALID_ARGUMENT
E_NO_MEMORY = _lib.E_NO_MEMORY
E_NOT_FOUND = _lib.E_NOT_FOUND
E_DUPLICATE = _lib.E_DUPLICATE
E_RANGE = _lib.E_RANGE
E_PARSE = _lib.E_PARSE
E_LIMIT = _lib.E_LIMIT
E_VERSION = _lib.E_VERSION
E_IN_USE = _lib.E_IN_USE
E_STATE = _lib.E_STATE
E_IO = _lib.E_IO
E_CORRUPT = _lib.E_CORRUPT


def status_string(status):
    """The static name of a status code (mtl_status_string), e.g. 'MTL_E_RANGE'."""
    raw = _lib.lib.mtl_status_string(int(status))
    return raw.decode("ascii") if raw else "MTL_E_UNKNOWN"


__all__ = [
    "Market", "Segment", "Customer", "Lead", "Attributes", "Records", "StageModel",
    "Funnel", "Forecast", "TargetTree", "Dictionary",
    "Error", "InvalidArgument", "NoMemory", "NotFound", "Duplicate", "RangeError",
    "ParseError", "LimitError", "VersionError", "InUseError", "StateError", "CorruptError",
    "date_from_ymd", "date_to_ymd", "day_to_date", "format_date", "parse_date", "to_day",
    "to_columns", "to_numpy", "status_string",
    "library_version", "library_version_number", "library_path",
    "LOOKS", "WINDOWS", "APPEALS", "FORCES", "CONTROL_KINDS", "LAYERS",
    "RELATIONSHIP_DIMENSIONS", "ROLES", "ATTITUDES", "CRITERIA", "CRITERION_QUESTIONS",
    "VERDICTS", "LEAD_CLASSES", "QUADRANTS", "STRATEGIES", "TARGET_BASES", "GATES",
    "CSV_KINDS",
]
