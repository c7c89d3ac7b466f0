"""The strategy and qualification inputs recorded on records.

Mixed into :class:`mtl.Segment` (five-looks items, factors, $APPEALS
ratings, control points, pains), :class:`mtl.Customer` (relationship
assessment, decision-chain contacts, pains) and :class:`mtl.Lead`
(verification answers).  The C functions are in looks.h, pain.h,
customer.h and verification.h; each setter validates the whole row and
leaves the record unchanged on error, raising :class:`mtl.RangeError` (or
:class:`mtl.InvalidArgument`) with the library's message naming the field.

Codes are names in and out (``look="competition"``, ``role="decider"``,
``kind="value_chain"``); the integer codes are accepted too.  A value
that is not known is None (NaN and -1 in C).  Rows read back are dicts.
"""

from ctypes import byref, c_char_p, c_double

from . import _convert as cv
from . import _lib
from . import _struct as S
from . import errors
from ._lib import lib as L

_check = errors.check

_LOOK_IN = {"look": cv.LOOK.code, "window_months": cv.WINDOW.code}
_LOOK_OUT = {"look": cv.LOOK.name, "evidence": S.none_if_empty}
_UNKNOWN_INT = {"market_size": lambda v: -1 if v is None else v,
                "revenue": lambda v: -1 if v is None else v}
_ARRAY_NAMES = {"forces": cv.FORCES, "appeals_weights": cv.APPEALS, "ratings": cv.APPEALS}
_FACTORS_OUT = {
    "market_size": S.none_if_negative, "revenue": S.none_if_negative,
    "growth": S.none_if_nan, "profit_potential": S.none_if_nan,
    "strategic_value": S.none_if_nan, "gross_margin": S.none_if_nan,
    "share_goal": S.none_if_nan, "growth_goal": S.none_if_nan,
    "forces": S.named(cv.FORCES), "appeals_weights": S.named(cv.APPEALS),
}
_APPEALS_OUT = {"competitor": S.none_if_empty, "ratings": S.named(cv.APPEALS)}
_CONTROL_IN = {"kind": cv.CONTROL.code}
_CONTROL_OUT = {"kind": cv.CONTROL.name}
_PAIN_IN = {"role": cv.ROLE.code}
_PAIN_OUT = {"role": cv.ROLE.name}
_CONTACT_IN = {"role": cv.ROLE.code, "attitude": cv.ATTITUDE.code}
_CONTACT_OUT = {"role": cv.ROLE.name, "attitude": cv.ATTITUDE.name, "coach": bool,
                "title": S.none_if_empty}


def _add(fn, handle, init_fn, struct_type, fields, convert, what):
    row = S.fill(S.init(init_fn, struct_type), fields, convert, _ARRAY_NAMES, what)
    _check(fn(handle, byref(row)))


def _rows(handle, count, at, struct_type, convert):
    """A record's list, in the order added."""
    return S.read_rows(at, (handle,), count(handle), struct_type, convert)


class _Pains:
    """Pains (pain.h) of a segment or a customer."""

    __slots__ = ()
    #: (add, count, at, clear) of the record kind
    _pain_fns = None

    def add_pain(self, text, **fields):
        """Record a pain (BON, docs/methods/bon.md).

        Fields: layer ("B", "O", "N" or a host's own, default "B"),
        severity and urgency (1 ... 5, default 1), breadth (0 ... 1, share
        affected, default 1), budget (0 ... 1, default 0), fit (0 ... 1,
        default 1), role (the decision-chain role that feels it, or None).
        """
        fields["text"] = text
        _add(self._pain_fns[0], self._p(), L.mtl_pain_init, _lib.Pain, fields, _PAIN_IN,
             "pain field")

    def pains(self):
        """The pains in the order added (list of dicts)."""
        _, count, at, _ = self._pain_fns
        return _rows(self._p(), count, at, _lib.Pain, _PAIN_OUT)

    def clear_pains(self):
        """Remove every pain."""
        _check(self._pain_fns[3](self._p()))


class SegmentInputs(_Pains):
    """The five-looks inputs of a segment (looks.h) and its pains."""

    __slots__ = ()
    _pain_fns = (L.mtl_segment_add_pain, L.mtl_segment_pain_count, L.mtl_segment_pain_at,
                 L.mtl_segment_clear_pains)

    # -- look items ---------------------------------------------------------

    def add_look(self, text=None, **fields):
        """Record a look item.

        Fields: look ("trend" (default), "industry", "customer",
        "competition", "self", "opportunity"), impact (-5 ... +5; negative
        = threat or weakness), likelihood (0 ... 1, default 1),
        window_months (> 0, or "near" / "mid" / "long"; default 12), text
        (required), evidence.
        """
        fields["text"] = text
        _add(L.mtl_segment_add_look, self._p(), L.mtl_look_item_init, _lib.LookItem,
             fields, _LOOK_IN, "look item field")

    def looks(self):
        """The look items in the order added (list of dicts)."""
        return _rows(self._p(), L.mtl_segment_look_count, L.mtl_segment_look_at,
                     _lib.LookItem, _LOOK_OUT)

    def clear_looks(self):
        """Remove every look item."""
        _check(L.mtl_segment_clear_looks(self._p()))

    # -- factors ------------------------------------------------------------

    def set_factors(self, **factors):
        """Set the segment's factors, replacing the previous ones: a factor
        not given is not known.

        Factors: market_size and revenue (minor units), growth (3-year
        CAGR as a fraction), profit_potential (1 ... 10), forces (Porter's
        five, each 1 ... 5: a dict by name, "rivalry", "entrants",
        "substitutes", "buyers", "suppliers", or a list of five),
        strategic_value (1 ... 10), gross_margin (-1 ... 1), share_goal
        (0 ... 1), growth_goal, appeals_weights (the customers' weights of
        the eight $APPEALS criteria: a dict by name, the others 1, or a
        list of eight).  None means not known.
        ``seg.set_factors(**dict(seg.factors(), growth=0.1))`` changes one.
        """
        _add(L.mtl_segment_set_factors, self._p(), L.mtl_segment_factors_init,
             _lib.SegmentFactors, factors, _UNKNOWN_INT, "factor")

    def factors(self):
        """The factors as a dict (None = not known; forces and
        appeals_weights as dicts by name)."""
        out = S.init(L.mtl_segment_factors_init, _lib.SegmentFactors)
        _check(L.mtl_segment_factors_get(self._p(), byref(out)))
        return S.to_dict(out, _FACTORS_OUT)

    # -- $APPEALS -------------------------------------------------------------

    def add_appeals(self, competitor, ratings):
        """Rate a competitor (None or "" = us) on the eight $APPEALS
        criteria, each 1 ... 10 or None (not rated): a dict by criterion
        name ("price", "availability", "packaging", "performance",
        "ease_of_use", "assurances", "life_cycle_cost",
        "social_acceptance") or a list of eight.  A competitor already
        rated is replaced."""
        _add(L.mtl_segment_add_appeals, self._p(), L.mtl_appeals_rating_init,
             _lib.AppealsRating, {"competitor": competitor, "ratings": ratings}, None,
             "$APPEALS field")

    def appeals(self):
        """The rating rows: dicts {"competitor": name or None (us),
        "ratings": {criterion: rating or None}}."""
        return _rows(self._p(), L.mtl_segment_appeals_count, L.mtl_segment_appeals_at,
                     _lib.AppealsRating, _APPEALS_OUT)

    def clear_appeals(self):
        """Remove every rating row."""
        _check(L.mtl_segment_clear_appeals(self._p()))

    # -- control points ---------------------------------------------------

    def add_control_point(self, kind, text, attainability=None):
        """Record a candidate control point: kind ("cost", "product",
        "relationship", "brand", "standard", "value_chain"), its text and
        attainability (0 ... 1, default 1)."""
        fields = {"kind": kind, "text": text}
        if attainability is not None:
            fields["attainability"] = attainability
        _add(L.mtl_segment_add_control_point, self._p(), L.mtl_control_point_init,
             _lib.ControlPoint, fields, _CONTROL_IN, "control point field")

    def control_points(self):
        """The control points in the order added (list of dicts)."""
        return _rows(self._p(), L.mtl_segment_control_point_count,
                     L.mtl_segment_control_point_at, _lib.ControlPoint, _CONTROL_OUT)

    def clear_control_points(self):
        """Remove every control point."""
        _check(L.mtl_segment_clear_control_points(self._p()))


class CustomerInputs(_Pains):
    """A customer's relationship assessment, decision chain and pains."""

    __slots__ = ()
    _pain_fns = (L.mtl_customer_add_pain, L.mtl_customer_pain_count,
                 L.mtl_customer_pain_at, L.mtl_customer_clear_pains)

    def set_relationship(self, ratings):
        """Set the relationship assessment: the six dimensions rated 1 ...
        5 ("acceptance", "events", "information", "guidance", "support",
        "competition") as a dict (dimensions left out are not assessed) or
        a list of six (None = not assessed).  None clears the assessment."""
        ptr = self._p()
        if ratings is None:
            _check(L.mtl_customer_set_relationship(ptr, None))
            return
        values = (c_double * _lib.REL_COUNT)(*([S.NAN] * _lib.REL_COUNT))
        S.fill_array(values, ratings, cv.RELATIONSHIP, "relationship")
        _check(L.mtl_customer_set_relationship(ptr, values))

    def relationship(self):
        """The assessment as a dict by dimension (None = not assessed), or
        None when the customer was never assessed."""
        values = (c_double * _lib.REL_COUNT)()
        st = L.mtl_customer_relationship(self._p(), values)
        if st == _lib.E_NOT_FOUND:
            return None
        _check(st)
        return S.named(cv.RELATIONSHIP)(values)

    def add_contact(self, name, role, attitude="neutral", coach=False, title=None):
        """Add a decision-chain contact: role ("initiator", "user",
        "influencer", "decider", "approver", "buyer", "gatekeeper"),
        attitude ("neutral", "supporter", "opponent"), coach (our coach,
        教练), job title."""
        fields = {"name": name, "title": title, "role": role, "attitude": attitude,
                  "coach": bool(coach)}
        _add(L.mtl_customer_add_contact, self._p(), L.mtl_contact_init, _lib.Contact,
             fields, _CONTACT_IN, "contact field")

    def contacts(self):
        """The contacts in the order added (list of dicts)."""
        return _rows(self._p(), L.mtl_customer_contact_count, L.mtl_customer_contact_at,
                     _lib.Contact, _CONTACT_OUT)

    def clear_contacts(self):
        """Remove every contact."""
        _check(L.mtl_customer_clear_contacts(self._p()))


class LeadAnswers:
    """A lead's verification answers (verification.h)."""

    __slots__ = ()

    def set_answer(self, criterion, score, evidence=None):
        """Answer one criterion (a name such as "budget", or its code) with
        a score in 0 ... 1 and optional evidence; score None removes the
        answer."""
        value = S.NAN if score is None else float(score)
        _check(L.mtl_lead_set_answer(self._p(), cv.CRITERION.code(criterion), value,
                                     cv.enc_opt(evidence, "evidence")))

    def answer(self, criterion):
        """{"score", "evidence", "question"} of one criterion, None when
        it is unanswered."""
        code = cv.CRITERION.code(criterion)
        score, evidence = c_double(), c_char_p()
        st = L.mtl_lead_answer(self._p(), code, byref(score), byref(evidence))
        if st == _lib.E_NOT_FOUND:
            return None
        _check(st)
        return {"score": score.value, "evidence": cv.dec_unset(evidence.value),
                "question": cv.QUESTION[code]}

    def answers(self):
        """Every answer as a dict by criterion name, in criterion order."""
        if not L.mtl_lead_answer_count(self._p()):
            return {}
        out = {}
        for code, name in sorted(cv.CRITERION.names.items()):
            a = self.answer(code)
            if a is not None:
                out[name] = a
        return out

    def clear_answers(self):
        """Remove every answer."""
        _check(L.mtl_lead_clear_answers(self._p()))
