"""The market and its records: Market, Segment, Customer, Lead, StageModel.

Lifetime rules (the reason for most of the code below):

* A :class:`Market` owns one reference to its C market and releases it in
  :meth:`Market.close` (also on ``with`` exit and when it is garbage
  collected).
* :class:`Segment`, :class:`Customer` and :class:`Lead` are borrowed C
  handles.  Each wrapper holds a strong reference to its Market object, so
  the C market cannot go away under it by garbage collection.
* The Market keeps at most one live wrapper per record (weakly).  When a
  record is removed through the binding, or the market is closed, every
  wrapper of it is marked dead; using a dead wrapper raises
  :class:`mtl.StateError` instead of touching freed memory.

Records removed behind the binding's back (by other C code holding the same
market) cannot be detected; do not mix the two.

Threading follows the C library (docs/threading.md): the ctypes calls
release the GIL, so different markets can be used from different threads in
parallel, but one market must not be changed from one thread while another
thread uses it.
"""

import ctypes
import os
import threading
import weakref
from collections.abc import MutableMapping
from ctypes import byref, c_char_p, c_int32, c_void_p, sizeof

from . import _convert as cv
from . import _lib
from . import errors
from ._lib import lib as L
from ._handle import Owned
from ._report import Layout
from .inputs import CustomerInputs, LeadAnswers, SegmentInputs

_check = errors.check


def _init(fn, struct):
    """Fill a size-versioned struct through its _init function."""
    _check(fn(byref(struct), sizeof(struct)))
    return struct


# --------------------------------------------------------------- stage model --


class StageModel(Owned):
    """A stage model under construction (mtl_stage_model_*).

    ``StageModel()`` starts empty, ``StageModel(default=True)`` with the
    default P0-P7 project funnel.  Add stages in order with :meth:`add`, or
    pass them at once::

        StageModel([("Lead", 0.1), ("Qualified", 0.3),
                    {"name": "Won", "probability": 1.0, "category": "closed",
                     "won": True},
                    {"name": "Lost", "probability": 0.0, "lost": True}])

    Pass the model (or the list itself) as ``Market(stages=...)``; the
    market copies it.
    """

    def __init__(self, stages=None, default=False):
        out = c_void_p()
        fn = L.mtl_stage_model_create_default if default else L.mtl_stage_model_create
        _check(fn(byref(out), _lib.ALLOC_FN(), None))
        self._ptr = out.value
        try:
            for spec in stages or ():
                if isinstance(spec, dict):
                    self.add(**spec)
                elif isinstance(spec, str):
                    raise TypeError("a stage is (name, probability, ...) or a dict, "
                                    "not a bare name")
                else:
                    self.add(*spec)
        except BaseException:
            self.close()
            raise

    def add(self, name, probability, phase=None, category="pipeline",
            won=False, lost=False, flags=None):
        """Append a stage (mtl_stage_model_add).

        Args:
            name: unique, 1-63 bytes.
            probability: default win probability in [0, 1].
            phase: free text (the seed's phase name) or None.
            category: default forecast category ("pipeline", "best_case",
                "commit", "closed", "omitted" or the code).
            won, lost: flag the stage as a won or lost terminal stage.
            flags: the raw MTL_STAGE_FLAG_* bits (instead of won/lost).
        """
        if flags is None:
            flags = (_lib.STAGE_FLAG_WON if won else 0) | (_lib.STAGE_FLAG_LOST if lost else 0)
        _check(L.mtl_stage_model_add(self._p(), cv.enc(name, "stage name"),
                                     cv.enc_opt(phase, "phase"), float(probability),
                                     cv.CATEGORY.code(category), int(flags)))
        return self

    _what = "stage model"

    def _release(self, ptr):
        L.mtl_stage_model_destroy(ptr)

    def __len__(self):
        """Number of stages (mtl_stage_model_count)."""
        return L.mtl_stage_model_count(self._p())


# ------------------------------------------------------------------- records --

_SEGMENT, _CUSTOMER, _LEAD = 0, 1, 2
_KIND_NAMES = ("segment", "customer", "lead")


class _Record:
    """Base of the record wrappers: a borrowed C handle plus its market."""

    __slots__ = ("_market", "_ptr", "_id", "__weakref__")
    _kind = None
    _id_fn = None

    def _p(self):
        ptr = self._ptr
        if ptr is None:
            raise self._gone()
        return ptr

    def _gone(self):
        if self._market._ptr is None:
            return errors.closed()
        return errors.removed(_KIND_NAMES[self._kind], self._id)

    @property
    def market(self):
        """The Market that owns this record (checked against the C record's
        own market: mtl_segment_market / _customer_ / _lead_market)."""
        owner = _MARKET[self._kind](self._p())
        if owner != self._market._ptr:  # pragma: no cover - would be a binding bug
            raise errors.StateError(_lib.E_STATE, "record of another market")
        return self._market

    @property
    def alive(self):
        """False once the record was removed or its market closed."""
        return self._ptr is not None

    @property
    def id(self):
        """The host's id (str)."""
        return cv.dec(type(self)._id_fn(self._p()))

    def remove(self):
        """Remove the record from its market; this wrapper becomes dead."""
        self._market._remove(self)

    def __repr__(self):
        name = type(self).__name__
        if self._ptr is None:
            return "<mtl.%s %r (%s)>" % (name, self._id,
                                         "closed" if self._market._ptr is None else "removed")
        return "<mtl.%s %r>" % (name, self.id)


def _str_property(getter, setter, doc, unset_none=True):
    g, s = getattr(L, getter), getattr(L, setter)
    conv = cv.dec_unset if unset_none else cv.dec

    def fget(self):
        return conv(g(self._p()))

    def fset(self, value):
        _check(s(self._p(), cv.enc_opt(value, setter[4:])))

    return property(fget, fset, doc=doc)


def _int_property(getter, setter, doc):
    g, s = getattr(L, getter), getattr(L, setter)

    def fget(self):
        return g(self._p())

    def fset(self, value):
        _check(s(self._p(), int(value)))

    return property(fget, fset, doc=doc)


def _code_property(getter, setter, codes, doc):
    g, s = getattr(L, getter), getattr(L, setter)

    def fget(self):
        return codes.name(g(self._p()))

    def fset(self, value):
        _check(s(self._p(), codes.code(value)))

    return property(fget, fset, doc=doc)


def _date_property(getter, setter, doc):
    g, s = getattr(L, getter), getattr(L, setter)

    def fget(self):
        return cv.day_to_date(g(self._p()))

    def fset(self, value):
        _check(s(self._p(), cv.to_day(value, setter[4:])))

    return property(fget, fset, doc=doc)


class Segment(_Record, SegmentInputs):
    """A market segment (细分市场): id, display name, optional parent.

    Obtain segments from :meth:`Market.add_segment` or ``market.segments``.
    """

    __slots__ = ()
    _kind = _SEGMENT
    _id_fn = L.mtl_segment_id

    name = _str_property("mtl_segment_name", "mtl_segment_set_name",
                         "Display name ('' until set; None clears).", unset_none=False)

    @property
    def parent(self):
        """The parent Segment or None; set a Segment, a segment id or None.

        Raises StateError when the parent would be the segment itself or one
        of its descendants.
        """
        return self._market._wrap(_SEGMENT, L.mtl_segment_parent(self._p()))

    @parent.setter
    def parent(self, value):
        ptr = self._p()
        _check(L.mtl_segment_set_parent(ptr, self._market._segment_ptr(value)))

    @property
    def children(self):
        """The segments whose parent is this one (a list, in storage order)."""
        me = self._p()
        return [s for s in self._market.segments
                if L.mtl_segment_parent(s._ptr) == me]

    def funnel_stages(self):
        """This segment's stage table from the live counters (list of dicts)."""
        return self._market.funnel_stages(self)

    def to_dict(self):
        """The segment's fields as a dict."""
        parent = self.parent
        return {"id": self.id, "name": self.name,
                "parent": parent.id if parent is not None else None}


class Customer(_Record, CustomerInputs):
    """A customer account (客户).

    Properties read and write the C fields: ``name``, ``segment``,
    ``region``, ``owner``, ``revenue`` and ``investment`` (minor units),
    ``participation`` ([0, 1]) and ``grade`` ("strategic", "partner",
    "commercial", "general" or None).
    """

    __slots__ = ()
    _kind = _CUSTOMER
    _id_fn = L.mtl_customer_id

    name = _str_property("mtl_customer_name", "mtl_customer_set_name",
                         "Display name ('' until set; None clears).", unset_none=False)
    region = _str_property("mtl_customer_region", "mtl_customer_set_region",
                           "Region, None when unset (None or '' clears).")
    owner = _str_property("mtl_customer_owner", "mtl_customer_set_owner",
                          "Account owner, None when unset (None or '' clears).")
    revenue = _int_property("mtl_customer_revenue", "mtl_customer_set_revenue",
                            "Current annual revenue, minor units (>= 0).")
    investment = _int_property("mtl_customer_investment", "mtl_customer_set_investment",
                               "Expected future investment, minor units (>= 0).")
    grade = _code_property("mtl_customer_grade", "mtl_customer_set_grade", cv.GRADE,
                           "Grade: 'strategic', 'partner', 'commercial', "
                           "'general' or None.")

    @property
    def participation(self):
        """Probability that we take part in the investment, [0, 1]."""
        return L.mtl_customer_participation(self._p())

    @participation.setter
    def participation(self, value):
        _check(L.mtl_customer_set_participation(self._p(), float(value)))

    @property
    def segment(self):
        """The customer's Segment or None; set a Segment, an id or None."""
        return self._market._wrap(_SEGMENT, L.mtl_customer_segment(self._p()))

    @segment.setter
    def segment(self, value):
        ptr = self._p()
        _check(L.mtl_customer_set_segment(ptr, self._market._segment_ptr(value)))

    def to_dict(self):
        """The customer's fields as a dict."""
        seg = self.segment
        return {"id": self.id, "name": self.name,
                "segment": seg.id if seg is not None else None,
                "region": self.region, "owner": self.owner,
                "revenue": self.revenue, "investment": self.investment,
                "participation": self.participation, "grade": self.grade}


class Attributes(MutableMapping):
    """A lead's categorical attributes as a mutable mapping (str -> str).

    Setting a value of None or "" removes the key.  Iteration follows the
    market's key order (the order in which keys were first used).
    """

    __slots__ = ("_lead",)

    def __init__(self, lead):
        self._lead = lead

    def __getitem__(self, key):
        """The value of key (mtl_lead_attribute); KeyError when the lead has none."""
        raw = L.mtl_lead_attribute(self._lead._p(), cv.enc(key, "attribute key"))
        if raw is None:
            raise KeyError(key)
        return cv.dec(raw)

    def __setitem__(self, key, value):
        _check(L.mtl_lead_set_attribute(self._lead._p(), cv.enc(key, "attribute key"),
                                        cv.enc_opt(value, "attribute value")))

    def __delitem__(self, key):
        self[key]  # KeyError when absent, as a mapping should
        self[key] = None

    def items_list(self):
        """All (key, value) pairs, read with mtl_lead_attribute_at."""
        ptr = self._lead._p()
        k, v = c_char_p(), c_char_p()
        out = []
        for i in range(L.mtl_lead_attribute_count(ptr)):
            _check(L.mtl_lead_attribute_at(ptr, i, byref(k), byref(v)))
            out.append((cv.dec(k.value), cv.dec(v.value)))
        return out

    def __iter__(self):
        """The keys, in the market's key order."""
        return iter([k for k, _ in self.items_list()])

    def __len__(self):
        """Number of attributes (mtl_lead_attribute_count)."""
        return L.mtl_lead_attribute_count(self._lead._p())

    def __repr__(self):
        return "Attributes(%r)" % dict(self.items_list())


class Lead(_Record, LeadAnswers):
    """A lead (线索) or opportunity (机会点).

    Every C field is a read-write property: ``customer``, ``segment``
    (Segment/Customer objects; set an object, an id or None), ``owner``,
    ``region``, ``source`` (str or None), ``status`` ("new", "nurture",
    "converted", "closed"), ``stage`` (the stage name; ``stage_index`` for
    the index), ``outcome`` ("open", "won", "lost"), ``amount`` (minor
    units), ``probability`` (override in [0, 1] or None), ``category``
    (forecast-category override or None), ``decision_step`` (or None),
    ``created``, ``expected_close``, ``closed`` (datetime.date or None; set
    a date, "YYYY-MM-DD", a day number or None).  ``attributes`` is a
    mutable mapping; ``events`` the stage history.
    """

    __slots__ = ()
    _kind = _LEAD
    _id_fn = L.mtl_lead_id

    owner = _str_property("mtl_lead_owner", "mtl_lead_set_owner",
                          "Owner (sales rep), None when unset.")
    region = _str_property("mtl_lead_region", "mtl_lead_set_region",
                           "Region, None when unset.")
    source = _str_property("mtl_lead_source", "mtl_lead_set_source",
                           "Source (web, event, partner ...), None when unset.")
    status = _code_property("mtl_lead_status", "mtl_lead_set_status", cv.STATUS,
                            "Lead status: 'new', 'nurture', 'converted' or 'closed'.")
    outcome = _code_property("mtl_lead_outcome", "mtl_lead_set_outcome", cv.OUTCOME,
                             "Outcome: 'open', 'won' or 'lost'.")
    category = _code_property("mtl_lead_category", "mtl_lead_set_category", cv.CATEGORY,
                              "Forecast-category override ('pipeline', 'best_case', "
                              "'commit', 'closed', 'omitted') or None.")
    decision_step = _code_property("mtl_lead_decision_step", "mtl_lead_set_decision_step",
                                   cv.DECISION, "The customer's decision-cycle step "
                                   "('satisfied' ... 'reevaluation') or None.")
    amount = _int_property("mtl_lead_amount", "mtl_lead_set_amount",
                           "Amount in minor units (>= 0).")
    created = _date_property("mtl_lead_created", "mtl_lead_set_created",
                             "Creation date (datetime.date or None).")
    expected_close = _date_property("mtl_lead_expected_close", "mtl_lead_set_expected_close",
                                    "Expected close date (datetime.date or None).")
    closed = _date_property("mtl_lead_closed", "mtl_lead_set_closed",
                            "Close date (datetime.date or None).")

    @property
    def customer(self):
        """The Customer or None; set a Customer, a customer id or None.

        Setting it also sets the lead's segment and region to the
        customer's when the customer has them.
        """
        return self._market._wrap(_CUSTOMER, L.mtl_lead_customer(self._p()))

    @customer.setter
    def customer(self, value):
        ptr = self._p()
        _check(L.mtl_lead_set_customer(ptr, self._market._customer_ptr(value)))

    @property
    def segment(self):
        """The Segment or None; set a Segment, a segment id or None."""
        return self._market._wrap(_SEGMENT, L.mtl_lead_segment(self._p()))

    @segment.setter
    def segment(self, value):
        ptr = self._p()
        _check(L.mtl_lead_set_segment(ptr, self._market._segment_ptr(value)))

    @property
    def stage_index(self):
        """The stage as an index into the market's stage model."""
        return L.mtl_lead_stage(self._p())

    @stage_index.setter
    def stage_index(self, value):
        _check(L.mtl_lead_set_stage(self._p(), int(value)))

    @property
    def stage(self):
        """The stage's name; set a name or an index.

        Raises StateError when the stage contradicts the outcome (use
        :meth:`set_stage_outcome` to change both).
        """
        return self._market._stage_names[L.mtl_lead_stage(self._p())]

    @stage.setter
    def stage(self, value):
        ptr = self._p()
        _check(L.mtl_lead_set_stage(ptr, self._market._stage_code(value)))

    @property
    def probability(self):
        """Probability override in [0, 1], or None (set None to clear)."""
        p = L.mtl_lead_probability(self._p())
        return None if p == _lib.PROBABILITY_NONE else p

    @probability.setter
    def probability(self, value):
        p = _lib.PROBABILITY_NONE if value is None else float(value)
        _check(L.mtl_lead_set_probability(self._p(), p))

    def set_stage_outcome(self, stage, outcome):
        """Set stage (name or index) and outcome together."""
        ptr = self._p()
        _check(L.mtl_lead_set_stage_outcome(ptr, self._market._stage_code(stage),
                                            cv.OUTCOME.code(outcome)))

    @property
    def attributes(self):
        """The lead's attributes as a mutable mapping (str -> str)."""
        self._p()
        return Attributes(self)

    @attributes.setter
    def attributes(self, mapping):
        attrs = Attributes(self)
        for key in list(attrs):
            if key not in mapping:
                attrs[key] = None
        for key, value in mapping.items():
            attrs[key] = value

    @property
    def events(self):
        """The stage history as a list of (datetime.date, stage name), oldest first."""
        ptr = self._p()
        day, stage = c_int32(), c_int32()
        names = self._market._stage_names
        out = []
        for i in range(L.mtl_lead_event_count(ptr)):
            _check(L.mtl_lead_event_at(ptr, i, byref(day), byref(stage)))
            out.append((cv.day_to_date(day.value), names[stage.value]))
        return out

    def add_event(self, day, stage):
        """Record that the lead entered stage (name or index) on day."""
        ptr = self._p()
        _check(L.mtl_lead_add_event(ptr, cv.to_day(day), self._market._stage_code(stage)))

    def clear_events(self):
        """Remove every stage-history event."""
        _check(L.mtl_lead_clear_events(self._p()))

    def to_dict(self):
        """Every field as a dict (ids for customer and segment)."""
        ptr = self._p()
        cust = L.mtl_lead_customer(ptr)
        seg = L.mtl_lead_segment(ptr)
        p = L.mtl_lead_probability(ptr)
        return {
            "id": cv.dec(L.mtl_lead_id(ptr)),
            "customer": cv.dec(L.mtl_customer_id(cust)) if cust else None,
            "segment": cv.dec(L.mtl_segment_id(seg)) if seg else None,
            "owner": cv.dec_unset(L.mtl_lead_owner(ptr)),
            "region": cv.dec_unset(L.mtl_lead_region(ptr)),
            "source": cv.dec_unset(L.mtl_lead_source(ptr)),
            "status": cv.STATUS.name(L.mtl_lead_status(ptr)),
            "stage": self._market._stage_names[L.mtl_lead_stage(ptr)],
            "outcome": cv.OUTCOME.name(L.mtl_lead_outcome(ptr)),
            "amount": L.mtl_lead_amount(ptr),
            "probability": None if p == _lib.PROBABILITY_NONE else p,
            "category": cv.CATEGORY.name(L.mtl_lead_category(ptr)),
            "decision_step": cv.DECISION.name(L.mtl_lead_decision_step(ptr)),
            "created": cv.day_to_date(L.mtl_lead_created(ptr)),
            "expected_close": cv.day_to_date(L.mtl_lead_expected_close(ptr)),
            "closed": cv.day_to_date(L.mtl_lead_closed(ptr)),
            "attributes": dict(Attributes(self).items_list()),
        }


_CLASSES = (Segment, Customer, Lead)
_FIND = (L.mtl_segment_find, L.mtl_customer_find, L.mtl_lead_find)
_NEXT = (L.mtl_segment_next, L.mtl_customer_next, L.mtl_lead_next)
_REMOVE = (L.mtl_segment_remove, L.mtl_customer_remove, L.mtl_lead_remove)
_COUNT = (L.mtl_market_segment_count, L.mtl_market_customer_count,
          L.mtl_market_lead_count)
_ID = (L.mtl_segment_id, L.mtl_customer_id, L.mtl_lead_id)
_MARKET = (L.mtl_segment_market, L.mtl_customer_market, L.mtl_lead_market)


class Records:
    """The segments, customers or leads of a market, as a live collection.

    ``len(view)``, iteration (storage order), ``view[id]`` (KeyError-like
    :class:`mtl.NotFound` when absent), ``view.get(id)``, ``id in view``,
    ``view.remove(id_or_record)``.  Removing records while iterating is
    safe.
    """

    __slots__ = ("_market", "_kind")

    def __init__(self, market, kind):
        self._market = market
        self._kind = kind

    def __len__(self):
        """Number of records (mtl_market_*_count)."""
        return _COUNT[self._kind](self._market._p())

    def __iter__(self):
        """The records in storage order (removing records meanwhile is safe)."""
        return self._market._iterate(self._kind)

    def get(self, ident, default=None):
        """The record with this id, or default."""
        m = self._market
        ptr = _FIND[self._kind](m._p(), cv.enc(ident, "id"))
        return m._wrap(self._kind, ptr) if ptr else default

    def __getitem__(self, ident):
        """The record with this id; mtl.NotFound (a KeyError) when absent."""
        rec = self.get(ident)
        if rec is None:
            raise errors.NotFound(_lib.E_NOT_FOUND, "no %s with id %r"
                                  % (_KIND_NAMES[self._kind], ident))
        return rec

    def __contains__(self, item):
        if isinstance(item, _Record):
            return item._market is self._market and item._ptr is not None \
                and item._kind == self._kind
        return _FIND[self._kind](self._market._p(), cv.enc(item, "id")) is not None

    def remove(self, item):
        """Remove a record given as the object or its id."""
        if not isinstance(item, _Record):
            item = self[item]
        self._market._remove(item)

    def ids(self):
        """Every id, in storage order (a list of str)."""
        m = self._market
        ptr = m._p()
        nxt, idf = _NEXT[self._kind], _ID[self._kind]
        out = []
        p = nxt(ptr, None)
        while p:
            out.append(cv.dec(idf(p)))
            p = nxt(ptr, p)
        return out

    def to_dicts(self):
        """Every record's to_dict(), in storage order."""
        return [r.to_dict() for r in self]

    def find_many(self, ids):
        """Leads only: look up many ids at once (mtl_lead_find_many).

        Returns a list with a Lead or None per id.
        """
        if self._kind != _LEAD:
            raise TypeError("find_many is for leads")
        m = self._market
        ptr = m._p()
        raw = [cv.enc(i, "id") if i else None for i in ids]
        n = len(raw)
        arr = (c_char_p * max(n, 1))(*raw)
        out = (c_void_p * max(n, 1))()
        _check(L.mtl_lead_find_many(out, ptr, arr, n))
        return [m._wrap(_LEAD, out[j]) for j in range(n)]

    def __repr__(self):
        return "<mtl %ss of %r: %d>" % (_KIND_NAMES[self._kind], self._market, len(self))


# -------------------------------------------------------------------- market --

_STAGE_LAYOUT = Layout(_lib.FunnelStage)


def _map_text(value, what):
    """A field or stage map as the library's "a=b,c=d" text."""
    if value is None:
        return None
    if isinstance(value, str):
        return cv.enc(value, what)
    if hasattr(value, "items"):
        value = value.items()
    parts = []
    for k, v in value:
        k, v = str(k), str(v)
        if any(c in k or c in v for c in ",="):
            raise errors.InvalidArgument(_lib.E_INVALID_ARGUMENT,
                                         "%s: %r=%r contains ',' or '='" % (what, k, v))
        parts.append("%s=%s" % (k, v))
    return cv.enc(",".join(parts), what)


def _separator(sep):
    if sep is None or sep == 0 or sep == "":
        return 0
    if isinstance(sep, str):
        if sep.lower() in ("tab", "\\t"):
            return 9
        if len(sep) == 1:
            return ord(sep)
    if isinstance(sep, int):
        return sep
    raise errors.RangeError(_lib.E_RANGE, "separator %r: use ',', ';' or '\\t'" % (sep,))


def _csv_result(res):
    errs = []
    for i in range(min(res.error_count, _lib.CSV_ERRORS_MAX)):
        e = res.errors[i]
        errs.append({"line": e.line, "column": e.column, "status": e.status,
                     "status_name": errors.make(e.status, "").status_name,
                     "message": e.message.decode("utf-8", "replace")})
    return {"rows": res.rows, "imported": res.imported, "skipped": res.skipped,
            "customers_created": res.customers_created,
            "segments_created": res.segments_created,
            "separator": chr(res.separator) if res.separator else None,
            "errors": errs}


class _Writer:
    """An mtl_write_fn collecting bytes; keeps the callback alive."""

    def __init__(self):
        self.parts = []
        self.exc = None
        self.fn = _lib.WRITE_FN(self._write)

    def _write(self, data, size, _user):
        try:
            self.parts.append(ctypes.string_at(data, size))
            return 0
        except BaseException as exc:  # never let an exception cross C
            self.exc = exc
            return 1

    def value(self):
        return b"".join(self.parts)


class Market(Owned):
    """One company's view of its market: segments, customers and leads.

    ``Market()`` creates an empty market with the default P0-P7 stages and
    100 minor units per major unit; ``Market(stages=..., minor_per_major=...)``
    changes them (stages: a :class:`StageModel` or a list of stage specs).
    Also :meth:`load`, :meth:`from_bytes` and :meth:`from_csv`.

    Use it as a context manager, or call :meth:`close`, to release the C
    market deterministically; every record object of it then raises
    :class:`mtl.StateError`.
    """

    def __init__(self, stages=None, minor_per_major=100):
        opts = _init(L.mtl_market_options_init, _lib.MarketOptions())
        opts.minor_per_major = int(minor_per_major or 0)
        model = None
        if stages is not None:
            model = stages if isinstance(stages, StageModel) else StageModel(stages)
            opts.stage_model = model._p()
        out = c_void_p()
        try:
            _check(L.mtl_market_create(byref(out), byref(opts)))
        finally:
            if model is not None and model is not stages:
                model.close()
        self._adopt(out.value)

    # -- construction helpers ------------------------------------------------

    def _adopt(self, ptr):
        self._ptr = ptr
        self._wrappers = (weakref.WeakValueDictionary(), weakref.WeakValueDictionary(),
                          weakref.WeakValueDictionary())
        self._lock = threading.Lock()
        self._iterating = 0
        self._removed = ({}, {}, {})   # while iterating: removed -> its successor
        self._removal_count = 0
        n = L.mtl_market_stage_count(ptr)
        self._stage_names = tuple(cv.dec(L.mtl_market_stage_name(ptr, i)) for i in range(n))
        self._stage_index = {name: i for i, name in enumerate(self._stage_names)}
        #: The result dict of the last CSV import into this market, or None.
        self.last_import = None
        return self

    @classmethod
    def _from_ptr(cls, ptr):
        return cls.__new__(cls)._adopt(ptr)

    @classmethod
    def load(cls, path):
        """Load a snapshot file written by :meth:`save` (mtl_market_load)."""
        out = c_void_p()
        _check(L.mtl_market_load(byref(out), os.fsencode(path), None))
        return cls._from_ptr(out.value)

    @classmethod
    def from_bytes(cls, data):
        """Load a snapshot from bytes written by :meth:`to_bytes` (mtl_market_read)."""
        raw = data if isinstance(data, bytes) else bytes(memoryview(data).cast("B"))
        out = c_void_p()
        _check(L.mtl_market_read(byref(out), raw, len(raw), None))
        return cls._from_ptr(out.value)

    @classmethod
    def from_csv(cls, path, map=None, stages=None, sep=None, kind="leads",
                 strict=False, skip_bad=False, progress=None, stage_model=None,
                 minor_per_major=100):
        """A new market filled from a CSV file (or bytes) in one C call.

        Args:
            path: a file path, or the CSV content as bytes.
            map: field map, "header=field,..." or a dict {header: field}
                (e.g. {"opportunity_id": "id", "close_value": "amount"}).
            stages: stage map, "value=stage,..." or a dict
                (e.g. {"Won": "won", "Lost": "lost", "Engaging": "P3"}).
            sep: ",", ";", "\\t" or None to detect from the header.
            kind: "leads" (default), "customers" or "segments".
            strict: a lead naming an unknown customer or segment is an error
                (default: the record is created).
            skip_bad: skip bad rows and import the rest (default: stop at
                the first error, nothing imported).
            progress: callable(done_bytes, total_bytes), or None.
            stage_model, minor_per_major: as for Market().

        The import's counts and first errors are in ``market.last_import``.
        Raises the failure (ParseError etc., with line and column, and the
        counts as ``.result``).
        """
        market = cls(stages=stage_model, minor_per_major=minor_per_major)
        try:
            market.import_csv(path, map=map, stages=stages, sep=sep, kind=kind,
                              strict=strict, skip_bad=skip_bad, progress=progress)
        except BaseException:
            market.close()
            raise
        return market

    # -- lifetime ----------------------------------------------------------

    _what = "market"

    def close(self):
        """Release the C market now.  Every record object of it goes dead.

        Idempotent.  Forecasts, funnel reports and target trees made before
        stay usable (they copy what they need).
        """
        ptr = self._ptr
        if ptr is None:
            return
        for registry in self._wrappers:
            for w in list(registry.values()):
                w._id = cv.dec(_ID[w._kind](w._ptr))
                w._ptr = None
            registry.clear()
        super().close()

    def _release(self, ptr):
        L.mtl_market_unref(ptr)

    def c_handle(self):
        """The raw ``mtl_market *`` with one new reference (mtl_market_ref).

        For handing the market to other C code; that code (or you, through
        ``mtl._lib.lib.mtl_market_unref``) must drop the reference.  Do not
        remove records through it while this binding holds wrappers.
        """
        return L.mtl_market_ref(self._p())

    def __bool__(self):
        return self._ptr is not None

    def __len__(self):
        """The number of leads."""
        return L.mtl_market_lead_count(self._p())

    def __repr__(self):
        if self._ptr is None:
            return "<mtl.Market (closed)>"
        return "<mtl.Market: %d segments, %d customers, %d leads>" % (
            L.mtl_market_segment_count(self._ptr), L.mtl_market_customer_count(self._ptr),
            L.mtl_market_lead_count(self._ptr))

    # -- wrappers ----------------------------------------------------------

    def _wrap(self, kind, ptr):
        if not ptr:
            return None
        registry = self._wrappers[kind]
        w = registry.get(ptr)
        if w is None:
            # Two reader threads must not make two objects of one record:
            # only the registered one would go dead on removal.
            with self._lock:
                w = registry.get(ptr)
                if w is None:
                    w = _CLASSES[kind].__new__(_CLASSES[kind])
                    w._market = self
                    w._ptr = ptr
                    w._id = None
                    registry[ptr] = w
        return w

    def _remove(self, record):
        ptr = record._p()
        if record._market is not self:
            raise errors.InvalidArgument(_lib.E_INVALID_ARGUMENT,
                                         "the record belongs to another market")
        kind = record._kind
        ident = cv.dec(_ID[kind](ptr))
        successor = _NEXT[kind](self._ptr, ptr) if self._iterating else None
        _check(_REMOVE[kind](ptr))
        w = self._wrappers[kind].pop(ptr, None)
        for dead in (w, record):
            if dead is not None:
                dead._id = ident
                dead._ptr = None
        if self._iterating:
            # Iterators resume from the successor (see _iterate).
            self._removed[kind][ptr] = successor
            self._removal_count += 1

    def _iterate(self, kind):
        nxt = _NEXT[kind]
        removed = self._removed[kind]
        self._iterating += 1
        try:
            p = nxt(self._p(), None)
            while p:
                removed.pop(p, None)          # p is a live record now
                count = self._removal_count
                yield self._wrap(kind, p)
                mptr = self._p()
                if self._removal_count == count:
                    p = nxt(mptr, p)          # nothing removed: p is still valid
                    continue
                # Records were removed during the yield: step from p if it
                # is still there, else from its successor at its removal,
                # skipping every record removed since.
                q = removed[p] if p in removed else nxt(mptr, p)
                while q and q in removed:
                    q = removed[q]
                p = q
        finally:
            self._iterating -= 1
            if not self._iterating:
                for r in self._removed:
                    r.clear()

    def _segment_ptr(self, value):
        if value is None:
            return None
        if isinstance(value, Segment):
            return value._p()
        if isinstance(value, _Record):
            raise TypeError("expected a Segment, got %s" % type(value).__name__)
        ptr = L.mtl_segment_find(self._p(), cv.enc(value, "segment id"))
        if not ptr:
            raise errors.NotFound(_lib.E_NOT_FOUND, "no segment with id %r" % (value,))
        return ptr

    def _customer_ptr(self, value):
        if value is None:
            return None
        if isinstance(value, Customer):
            return value._p()
        if isinstance(value, _Record):
            raise TypeError("expected a Customer, got %s" % type(value).__name__)
        ptr = L.mtl_customer_find(self._p(), cv.enc(value, "customer id"))
        if not ptr:
            raise errors.NotFound(_lib.E_NOT_FOUND, "no customer with id %r" % (value,))
        return ptr

    def _stage_code(self, value):
        if isinstance(value, str):
            try:
                return self._stage_index[value]
            except KeyError:
                return self.stage_index(value)   # raises NotFound from C
        if isinstance(value, bool):
            raise TypeError("a stage is a name or an index, not a bool")
        return int(value)

    # -- the stage model ---------------------------------------------------

    @property
    def minor_per_major(self):
        """Minor currency units per major unit (100 by default)."""
        return L.mtl_market_minor_per_major(self._p())

    @property
    def memory_used(self):
        """Bytes the market holds from its allocator."""
        return L.mtl_market_memory_used(self._p())

    @property
    def stage_names(self):
        """The stage names in model order (a tuple)."""
        self._p()
        return self._stage_names

    def stage_index(self, name):
        """Index of the stage called name (mtl_market_stage_find); NotFound."""
        out = c_int32()
        _check(L.mtl_market_stage_find(byref(out), self._p(), cv.enc(name, "stage")))
        return out.value

    @property
    def stage_model(self):
        """The stage model as a list of dicts: index, name, phase,
        probability, category, flags, won, lost."""
        ptr = self._p()
        out = []
        for i in range(L.mtl_market_stage_count(ptr)):
            flags = L.mtl_market_stage_flags(ptr, i)
            out.append({
                "index": i,
                "name": cv.dec(L.mtl_market_stage_name(ptr, i)),
                "phase": cv.dec(L.mtl_market_stage_phase(ptr, i)),
                "probability": L.mtl_market_stage_probability(ptr, i),
                "category": cv.CATEGORY.name(L.mtl_market_stage_category(ptr, i)),
                "flags": flags,
                "won": bool(flags & _lib.STAGE_FLAG_WON),
                "lost": bool(flags & _lib.STAGE_FLAG_LOST),
            })
        return out

    # -- records -----------------------------------------------------------

    @property
    def segments(self):
        """The segments (a live :class:`Records` view)."""
        self._p()
        return Records(self, _SEGMENT)

    @property
    def customers(self):
        """The customers (a live :class:`Records` view)."""
        self._p()
        return Records(self, _CUSTOMER)

    @property
    def leads(self):
        """The leads (a live :class:`Records` view)."""
        self._p()
        return Records(self, _LEAD)

    def add_segment(self, id, name=None, parent=None):
        """Add a segment; returns the Segment.  Duplicate if the id exists."""
        out = c_void_p()
        _check(L.mtl_segment_add(byref(out), self._p(), cv.enc(id, "segment id")))
        seg = self._wrap(_SEGMENT, out.value)
        try:
            if name is not None:
                seg.name = name
            if parent is not None:
                seg.parent = parent
        except BaseException:
            self._remove(seg)
            raise
        return seg

    def add_customer(self, id, segment=None, **fields):
        """Add a customer; returns the Customer.

        segment: a Segment, a segment id or None.  Keyword fields set the
        properties (name, region, owner, revenue, investment,
        participation, grade).  All or nothing: if a field is refused, the
        customer is removed again and the error raised.
        """
        seg = self._segment_ptr(segment)
        out = c_void_p()
        _check(L.mtl_customer_add(byref(out), self._p(), cv.enc(id, "customer id"), seg))
        cust = self._wrap(_CUSTOMER, out.value)
        self._set_fields(cust, fields, ("name", "region", "owner", "revenue",
                                        "investment", "participation", "grade"))
        return cust

    def add_lead(self, id, customer=None, **fields):
        """Add one lead; returns the Lead.

        customer: a Customer, a customer id or None.  Keyword fields set the
        Lead properties (segment, owner, region, source, status, stage,
        outcome, amount, probability, category, decision_step, created,
        expected_close, closed, attributes).  ``stage`` and ``outcome``
        given together are set with one call.  All or nothing.
        For many leads use :meth:`add_leads`.
        """
        cust = self._customer_ptr(customer)
        out = c_void_p()
        _check(L.mtl_lead_add(byref(out), self._p(), cv.enc(id, "lead id"), cust))
        lead = self._wrap(_LEAD, out.value)
        if "stage" in fields and "outcome" in fields:
            stage, outcome = fields.pop("stage"), fields.pop("outcome")
            try:
                lead.set_stage_outcome(stage, outcome)
            except BaseException:
                self._remove(lead)
                raise
        self._set_fields(lead, fields, (
            "segment", "owner", "region", "source", "status", "stage", "outcome",
            "amount", "probability", "category", "decision_step", "created",
            "expected_close", "closed", "attributes"))
        return lead

    def _set_fields(self, record, fields, allowed):
        try:
            for key, value in fields.items():
                if key not in allowed:
                    raise TypeError("unknown field %r for %s" % (key, _KIND_NAMES[record._kind]))
                setattr(record, key, value)
        except BaseException:
            self._remove(record)
            raise

    def remove(self, record):
        """Remove a Segment, Customer or Lead (its wrapper goes dead).

        InUseError while others refer to it (a customer with leads ...).
        """
        self._remove(record)

    def add_leads(self, ids, **columns):
        """Append many leads in one C call (mtl_lead_append_columns).

        See :func:`mtl._bulk.append` for the columns and the accepted array
        types (sequences, array.array, numpy arrays, dictionary-encoded
        strings).  All or nothing; a bad row raises with ``.row`` set.
        Returns the number of leads added.
        """
        from . import _bulk
        return _bulk.append(self, ids, **columns)

    # -- CSV and snapshots -------------------------------------------------

    def import_csv(self, source, map=None, stages=None, sep=None, kind="leads",
                   strict=False, skip_bad=False, progress=None):
        """Import CSV (a file path, or bytes) into this market.

        Same arguments as :meth:`from_csv`.  Returns the result dict:
        rows, imported, skipped, customers_created, segments_created,
        separator and errors (a list of dicts with line, column, status,
        status_name, message).  In stop-at-first-error mode a bad row raises
        (with line and column) and leaves the market unchanged.
        """
        ptr = self._p()
        opts = _init(L.mtl_csv_options_init, _lib.CsvOptions())
        opts.kind = cv.KIND.code(kind)
        opts.separator = _separator(sep)
        opts.field_map = _map_text(map, "field map")
        opts.stage_map = _map_text(stages, "stage map")
        opts.skip_bad_rows = 1 if skip_bad else 0
        opts.strict = 1 if strict else 0
        failures = []
        if progress is not None:
            def _progress(done, total, _user):
                try:
                    progress(done, total)
                except BaseException as exc:  # reported after the import
                    failures.append(exc)
            callback = _lib.PROGRESS_FN(_progress)
            opts.progress = callback
        res = _init(L.mtl_csv_result_init, _lib.CsvResult())
        if isinstance(source, (bytes, bytearray, memoryview)):
            data = bytes(source)
            st = L.mtl_csv_import(ptr, data, len(data), byref(opts), byref(res))
        else:
            st = L.mtl_csv_import_file(ptr, os.fsencode(source), byref(opts), byref(res))
        if st:
            err = errors.last(st)
            err.result = _csv_result(res)
            raise err
        result = _csv_result(res)
        self.last_import = result
        if failures:
            raise failures[0]
        return result

    def export_csv(self, kind, path, sep=None):
        """Write one record kind ("leads", "customers", "segments") as CSV
        to path (mtl_csv_export_file: a temporary file, then renamed)."""
        _check(L.mtl_csv_export_file(self._p(), cv.KIND.code(kind), _separator(sep),
                                     os.fsencode(path)))

    def to_csv(self, kind="leads", sep=None):
        """One record kind as CSV text (mtl_csv_export)."""
        w = _Writer()
        st = L.mtl_csv_export(self._p(), cv.KIND.code(kind), _separator(sep), w.fn, None)
        if w.exc is not None:
            raise w.exc
        _check(st)
        return w.value().decode("utf-8", "surrogateescape")

    def save(self, path):
        """Save a snapshot of the whole market (mtl_market_save)."""
        _check(L.mtl_market_save(self._p(), os.fsencode(path)))

    def to_bytes(self):
        """The snapshot as bytes (mtl_market_write)."""
        w = _Writer()
        st = L.mtl_market_write(self._p(), w.fn, None)
        if w.exc is not None:
            raise w.exc
        _check(st)
        return w.value()

    # -- analysis ----------------------------------------------------------

    def funnel_stages(self, segment=None):
        """One segment's (or the whole market's) stage table from the live
        counters (mtl_funnel_stages): a list of dicts, one per stage.

        O(stages) whatever the number of leads.  Days-in-stage fields are
        NaN (the counters do not keep them).
        """
        ptr = self._p()
        seg = self._segment_ptr(segment)
        n = len(self._stage_names)
        rows = (_lib.FunnelStage * n)()
        size = sizeof(_lib.FunnelStage)
        for r in rows:
            r.struct_size = size
        _check(L.mtl_funnel_stages(ptr, seg, rows, n))
        return _stage_dicts(self._stage_names, rows)

    def funnel_by_segment(self, include_total=False):
        """The segment × stage table from the live counters, as a list of
        dicts (one per segment and stage, with a "segment" key), in segment
        storage order.  With include_total, the whole market's rows follow
        with segment None.
        """
        ptr = self._p()
        n = len(self._stage_names)
        size = sizeof(_lib.FunnelStage)
        rows = (_lib.FunnelStage * n)()
        for r in rows:
            r.struct_size = size
        names = self._stage_names
        out = []
        fs = L.mtl_funnel_stages
        p = L.mtl_segment_next(ptr, None)
        targets = []
        while p:
            targets.append((cv.dec(L.mtl_segment_id(p)), p))
            p = L.mtl_segment_next(ptr, p)
        if include_total:
            targets.append((None, None))
        fields = _STAGE_LAYOUT.names
        cal = cv.CALIBRATION.names
        for sid, sp in targets:
            _check(fs(ptr, sp, rows, n))
            for i, t in enumerate(_STAGE_LAYOUT.rows(rows)):
                d = dict(zip(fields, t))
                d["calibration"] = cal.get(d["calibration"], d["calibration"])
                d["segment"] = sid
                d["stage"] = names[i]
                d["index"] = i
                out.append(d)
        return out

    def funnel(self, group_by=None, **options):
        """A funnel report (mtl_funnel_compute); see :class:`mtl.Funnel`."""
        from .funnel import Funnel
        return Funnel(self, group_by=group_by, **options)

    def forecast(self, period, **options):
        """A revenue forecast for period (start, end); see :class:`mtl.Forecast`."""
        from .forecast import Forecast
        return Forecast(self, period, **options)

    def target_tree(self, year, **options):
        """An empty target tree for year; see :class:`mtl.TargetTree`."""
        from .targets import TargetTree
        return TargetTree(self, year, **options)

    def strategy(self, **options):
        """Five looks, SPAN, decisions and priority of every segment (a list
        of dicts in priority order); see :func:`mtl.strategy.strategy`."""
        from . import strategy
        return strategy.strategy(self, **options)

    def bon(self, **options):
        """The BON pain report (a list of dicts); see :func:`mtl.strategy.bon`."""
        from . import strategy
        return strategy.bon(self, **options)

    def grading(self, **options):
        """Customer value, grade, relationship and decision-chain coverage
        (a list of dicts); see :func:`mtl.strategy.grading`."""
        from . import strategy
        return strategy.grading(self, **options)

    def verification(self, **options):
        """The lead review: verdict, class and priority of every lead in
        scope (a list of dicts); see :func:`mtl.strategy.verification`."""
        from . import strategy
        return strategy.verification(self, **options)


def _stage_dicts(names, rows):
    out = []
    fields = _STAGE_LAYOUT.names
    cal = cv.CALIBRATION.names
    for i, t in enumerate(_STAGE_LAYOUT.rows(rows)):
        d = dict(zip(fields, t))
        d["calibration"] = cal.get(d["calibration"], d["calibration"])
        d["stage"] = names[i]
        d["index"] = i
        out.append(d)
    return out
