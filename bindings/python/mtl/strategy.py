"""Strategy and qualification reports: five looks and SPAN, BON pains,
customer grading, lead verification (strategy.h, pain.h, grading.h,
verification.h; docs/methods/).

Each report is computed in one C call, read into Python data and released
at once, so the result is a plain list of dicts that outlives the market.
Options are keyword arguments named as the fields of the C options struct;
a field not given keeps the default of its ``_init`` function.  Array
options take a sequence of their length or a dict by element name (the
others keep their defaults).  An option out of range raises
:class:`mtl.RangeError` with the library's message naming it.

Every score is a dict ``{"value": v, "terms": [{"factor", "weight",
"value", "contribution"}, ...]}``; summing the contributions in order
gives the value exactly (score.h).  NaN stays NaN ("not enough inputs").
"""

from ctypes import byref, c_void_p

from . import _convert as cv
from . import _lib
from . import _struct as S
from . import errors
from ._lib import lib as L

_check = errors.check

_QUESTIONS = ("q1", "q2", "q3")
_GRADES = ("strategic", "partner", "commercial")


def _bits(codes, shift=True):
    return lambda bits: cv.bits_to_names(bits, codes, shift)


def _rank(rows):
    for k, row in enumerate(rows):
        row["rank"] = k + 1
    return rows


def _report(market, fns, options_type, options, convert_in, names, row_type,
            convert_out, extra=None):
    """Compute a report (fns: its compute, destroy, options _init, count
    and row functions) with the options, read its rows as dicts, let
    extra(report, i, row) add the nested lists, free it."""
    compute, destroy, init_fn, count, at = fns
    opts = S.fill(S.init(init_fn, options_type), options, convert_in, names)
    out = c_void_p()
    _check(compute(byref(out), market._p(), byref(opts)))
    r = out.value
    try:
        rows = S.read_rows(at, (r,), count(r), row_type, convert_out)
        if extra is not None:
            for i, row in enumerate(rows):
                extra(r, i, row)
        return rows
    finally:
        destroy(r)


# ---------------------------------------------------------------- strategy --

_STRATEGY_IN = {"normalise": cv.NORMALISE.code}
_STRATEGY_NAMES = {
    "window_weights": ("near", "mid", "long"),
    "attractiveness_weights": ("market_size", "growth", "profit_potential",
                               "strategic_value"),
    "priority_weights": ("attractiveness", "position", "pain_index", "look_balance"),
}
_SEGMENT_OUT = {
    "competitor": S.none_if_empty, "profit_from_forces": bool,
    "quadrant": cv.QUADRANT.name, "gate_veto": _bits(cv.GATE, shift=False),
    "strategy": cv.STRATEGY.name, "market_size": S.none_if_negative,
    "revenue": S.none_if_negative, "target_basis": cv.TARGET_BASIS.name,
}
_LOOK_OUT = {"look": cv.LOOK.name, "evidence": S.none_if_empty}
_POINT_OUT = {"kind": cv.CONTROL.name}


def strategy(market, **options):
    """Five looks, SPAN, the three decisions and the priority of every
    segment (mtl_strategy_compute), in priority order.

    Options: window_weights (near, mid, long), attractiveness_weights
    (market_size, growth, profit_potential, strategic_value), normalise
    ("relative" or "bands"), size_low, size_high, growth_low, growth_high,
    cut_attractiveness, cut_position, min_revenue, min_gross_margin (None:
    no margin gate), priority_weights (attractiveness, position,
    pain_index, look_balance), top_items.

    Returns one dict per segment: id, name, rank, the scores priority,
    attractiveness, position, look_balance and pain_index,
    profit_potential, profit_from_forces, competitor (None: the par
    competitor), quadrant, gate_veto (names of the gates that vetoed
    grow), strategy, market_size and revenue (None when not known),
    target, target_basis, "looks" (the ranked look items, each with rank,
    index, look, text, evidence, impact, likelihood, window_months,
    window_weight, rank_score, top) and "control_points" (ranked: rank,
    index, kind, text, attainability, score).
    """
    def nested(r, i, seg):
        seg["looks"] = _rank(S.read_rows(L.mtl_strategy_look_at, (r, i), seg.pop("look_count"),
                                    _lib.StrategyLook, _LOOK_OUT))
        seg["control_points"] = _rank(S.read_rows(
            L.mtl_strategy_control_point_at, (r, i), seg.pop("control_point_count"),
            _lib.StrategyControlPoint, _POINT_OUT))

    return _report(market, (L.mtl_strategy_compute, L.mtl_strategy_destroy,
                            L.mtl_strategy_options_init, L.mtl_strategy_segment_count,
                            L.mtl_strategy_segment_at),
                   _lib.StrategyOptions, options, _STRATEGY_IN, _STRATEGY_NAMES,
                   _lib.StrategySegment, _SEGMENT_OUT, nested)


# --------------------------------------------------------------------- BON --

_GROUP_OUT = {"owner": cv.PAIN_OWNER.name, "segment_id": S.none_if_empty}
_PAIN_OUT = {"role": cv.ROLE.name}


def bon(market, **options):
    """The BON pain report (mtl_bon_compute): one dict per segment, then
    per customer, with pains (option include_empty=True: also those
    without, their index NaN): owner ("segment" or
    "customer"), id, name, segment_id (a customer's segment), index (the
    pain index score, 0 ... 100), "pains" (ranked: rank, index, layer,
    text, severity, urgency, breadth, budget, fit, role, score,
    addressable) and "layers" (layer, pain_count, addressable,
    index_points)."""
    def nested(r, g, group):
        group["pains"] = S.read_rows(L.mtl_bon_pain_at, (r, g), group.pop("pain_count"),
                                _lib.BonPain, _PAIN_OUT)
        group["layers"] = S.read_rows(L.mtl_bon_layer_at, (r, g), group.pop("layer_count"),
                                 _lib.BonLayer, None)

    return _report(market, (L.mtl_bon_compute, L.mtl_bon_destroy, L.mtl_bon_options_init,
                            L.mtl_bon_group_count, L.mtl_bon_group_at),
                   _lib.BonOptions, options, None, None,
                   _lib.BonGroup, _GROUP_OUT, nested)


# ----------------------------------------------------------------- grading --

_GRADING_IN = {"grade_by": cv.GRADE_BY.code,
               "roles": lambda v: cv.names_to_bits(v or (), cv.ROLE)}
_GRADING_NAMES = {"quantiles": _GRADES, "thresholds": _GRADES,
                  "relationship_weights": cv.RELATIONSHIP}
_GRADING_OUT = {"segment_id": S.none_if_empty, "grade": cv.GRADE.name,
                "recorded_grade": cv.GRADE.name, "supported_roles": _bits(cv.ROLE),
                "missing_roles": _bits(cv.ROLE), "opposed_roles": _bits(cv.ROLE)}


def grading(market, **options):
    """Value, grade, relationship and decision-chain coverage of every
    customer (mtl_grading_compute), by value rank.

    Options: grade_by ("quantiles" or "thresholds"), quantiles and
    thresholds (strategic, partner, commercial), relationship_weights
    (the six dimensions), roles (the decision roles coverage counts: a
    list of role names; empty for all seven).

    Returns one dict per customer: id, name, segment_id, rank, value
    (score), grade, recorded_grade, grade_reason, relationship (score,
    0 ... 100), coverage (score, 0 ... 1), contact_count, coach_count,
    supported_roles, missing_roles, opposed_roles (lists of role names),
    pain_index (score).
    """
    return _report(market, (L.mtl_grading_compute, L.mtl_grading_destroy,
                            L.mtl_grading_options_init, L.mtl_grading_count, L.mtl_grading_at),
                   _lib.GradingOptions, options, _GRADING_IN, _GRADING_NAMES,
                   _lib.CustomerGrading, _GRADING_OUT)


# ------------------------------------------------------------ verification --

_VERIFY_IN = {"scope": cv.SCOPE.code}
_VERIFY_NAMES = {"weights": tuple(name for _, name in sorted(cv.CRITERION.names.items())),
                 "pass": _QUESTIONS, "priority_weights": _QUESTIONS + ("size",)}
_VERDICT_OUT = {"customer_id": S.none_if_empty, "segment_id": S.none_if_empty,
                "verdict": cv.VERDICT.name, "lead_class": cv.LEAD_CLASS.name,
                "answered": _bits(cv.CRITERION), "derived": _bits(cv.CRITERION)}


def verification(market, **options):
    """Verify the leads and order them for the lead review
    (mtl_verification_compute).

    Options: weights (the twelve criteria, by name or a list), pass (the
    thresholds of questions 1-3; also ``pass_``, as ``pass`` is a Python
    keyword), hard_fail, budget_mature, priority_weights (q1, q2, q3,
    size), scope ("pending": status new or nurture, the default; "all").

    Returns one dict per lead, in review order: id, customer_id,
    segment_id, rank, amount, questions (three scores), verdict
    ("nurture", "convert", "close"), lead_class ("early", "mature"),
    priority (score, 0 ... 100), reasons, answered and derived (criterion
    names).
    """
    if "pass_" in options:
        options["pass"] = options.pop("pass_")

    return _report(market, (L.mtl_verification_compute, L.mtl_verification_destroy,
                            L.mtl_verification_options_init, L.mtl_verification_count,
                            L.mtl_verification_at),
                   _lib.VerificationOptions, options, _VERIFY_IN, _VERIFY_NAMES,
                   _lib.LeadVerdict, _VERDICT_OUT)
