"""Sales targets set and broken down (targets.h, docs/methods/targets.md).

A :class:`TargetTree` is company -> region -> owner, each with its quarters
and (by default) months.  Nodes are addressed by index (the company is 0);
:meth:`TargetTree.find` and :meth:`TargetTree.add` return indexes.  After
building or changing the tree call :meth:`TargetTree.reconcile`, then read
:meth:`TargetTree.nodes` (list of dicts) or :meth:`TargetTree.evaluate`
against a market first.

The tree is a plain value: it does not refer to the market after it was
created.
"""

from ctypes import addressof, byref, c_char_p, c_double, c_size_t, c_void_p, sizeof

from . import _convert as cv
from . import _lib
from . import errors
from ._lib import lib as L
from ._handle import Owned
from ._report import to_numpy

_check = errors.check

_NODE_FIELDS = [name for name, _ in _lib.TargetNode._fields_ if name != "struct_size"]
_AMOUNTS = ("commitment", "bottom_up", "gap", "actual")


def _init(fn, struct):
    _check(fn(byref(struct), sizeof(struct)))
    return struct


def _shares(values, count, what):
    """Shares as basis points: fractions (each group summing to 1), percents
    (to 100) or basis points (to 10000).  Fractions and percents are rounded
    by largest remainder so that each group sums to exactly 10000 (thirds
    become 3334 / 3333 / 3333)."""
    values = [float(v) for v in values]
    if len(values) != count:
        raise errors.InvalidArgument(_lib.E_INVALID_ARGUMENT,
                                     "%s: %d values expected, got %d" % (what, count, len(values)))
    size = 3 if count == 12 else count
    out = []
    for g in range(0, count, size):
        group = values[g:g + size]
        total = sum(group)
        scale = 10000.0 if abs(total - 1) < 1e-9 else 100.0 if abs(total - 100) < 1e-9 else None
        if scale is None:                  # basis points (the library checks the sum)
            out += [int(round(v)) for v in group]
            continue
        raw = [v * scale for v in group]
        bp = [int(r // 1) for r in raw]
        left = 10000 - sum(bp)
        for i in sorted(range(size), key=lambda i: raw[i] - bp[i], reverse=True)[:max(left, 0)]:
            bp[i] += 1
        out += bp
    return out


def _target_options(year, periods, quarter_shares, month_shares, company, keep):
    opts = _init(L.mtl_target_options_init, _lib.TargetOptions())
    opts.year = int(year)
    opts.periods = cv.PERIODS.code(periods) if periods is not None else 0
    if quarter_shares is not None:
        for i, bp in enumerate(_shares(quarter_shares, 4, "quarter_shares")):
            opts.quarter_bp[i] = bp
    if month_shares is not None:
        for i, bp in enumerate(_shares(month_shares, 12, "month_shares")):
            opts.month_bp[i] = bp
    if company is not None:
        raw = cv.enc(company, "company")
        keep.append(raw)
        opts.company = raw
    return opts


def _inputs(formula=None, amount=None, base=None, growth=None, k=None, years=None,
            resource=None, potential=None, rank=None):
    inp = _init(L.mtl_target_inputs_init, _lib.TargetInputs())
    if formula is None:
        formula = "given"
    inp.formula = cv.FORMULA.code(formula)
    for name, value in (("amount", amount), ("base", base), ("years", years)):
        if value is not None:
            setattr(inp, name, int(value))
    for name, value in (("growth", growth), ("k", k), ("resource", resource),
                        ("potential", potential), ("rank", rank)):
        if value is not None:
            setattr(inp, name, float(value))
    return inp


class TargetTree(Owned):
    """A target tree (mtl_target_tree_*).

    Args:
        market: the Market whose currency unit (and allocator) the tree uses.
        year: the target year.
        periods: "months" (default), "quarters" or "year".
        quarter_shares: 4 shares of the year (fractions summing to 1,
            percents summing to 100, or basis points summing to 10000);
            default 15/20/30/35 %.
        month_shares: 12 shares, each quarter's three summing to 1 (100,
            10000); default even.
        company: the root node's name (default "company").

    Build with :meth:`set_inputs` (node 0 is the company), :meth:`add`
    (regions under 0, owners under regions) and :meth:`set_commitment`;
    then :meth:`reconcile`; optionally :meth:`evaluate`.
    """

    def __init__(self, market, year, periods=None, quarter_shares=None,
                 month_shares=None, company=None):
        keep = []
        opts = _target_options(year, periods, quarter_shares, month_shares, company, keep)
        out = c_void_p()
        _check(L.mtl_target_tree_create(byref(out), market._p(), byref(opts)))
        self._ptr = out.value

    @classmethod
    def from_history(cls, market, year, growth=0.0, k=None, regions=None, periods=None,
                     quarter_shares=None, month_shares=None, company=None):
        """Build and reconcile a tree from a market's won deals
        (mtl_target_tree_from_history).

        growth, k: the HQ formula's industry growth and multiple.
        regions: optional overrides {region name: {"growth": g,
        "resource": r, "potential": p}} (missing keys keep the defaults).
        """
        keep = []
        opts = _target_options(year, periods, quarter_shares, month_shares, company, keep)
        hist = _init(L.mtl_target_history_options_init, _lib.TargetHistoryOptions())
        hist.growth = float(growth or 0.0)
        if k is not None:
            hist.k = float(k)
        if regions:
            items = list(regions.items())
            n = len(items)
            names = (c_char_p * n)(*[cv.enc(name, "region") for name, _ in items])
            nan = float("nan")
            g = (c_double * n)(*[float(o.get("growth", nan)) for _, o in items])
            r = (c_double * n)(*[float(o.get("resource", 0.0)) for _, o in items])
            p = (c_double * n)(*[float(o.get("potential", 0.0)) for _, o in items])
            keep.extend((names, g, r, p))
            hist.region_count = n
            hist.regions = addressof(names)
            hist.region_growth = addressof(g)
            hist.region_resource = addressof(r)
            hist.region_potential = addressof(p)
        out = c_void_p()
        _check(L.mtl_target_tree_from_history(byref(out), market._p(), byref(opts),
                                              byref(hist)))
        tree = cls.__new__(cls)
        tree._ptr = out.value
        return tree

    _what = "target tree"

    def _release(self, ptr):
        """Free the tree (mtl_target_tree_destroy)."""
        L.mtl_target_tree_destroy(ptr)

    # -- building --------------------------------------------------------------

    def _node(self, node):
        if isinstance(node, str):
            return self.find(_lib.TARGET_ROOT, node)
        return int(node)

    def add(self, parent, name, **inputs):
        """Add a region (parent 0) or an owner (parent a region's index or
        name) with the given formula inputs; returns its index.

        Inputs: formula ("given", "hq", "region", "individual"), amount,
        base, growth, k, years, resource, potential, rank.
        """
        out = c_size_t()
        inp = _inputs(**inputs)
        _check(L.mtl_target_tree_add(byref(out), self._p(), self._node(parent),
                                     cv.enc(name, "name"), byref(inp)))
        return out.value

    def set_inputs(self, node, **inputs):
        """Set a company, region or owner node's formula and inputs."""
        inp = _inputs(**inputs)
        _check(L.mtl_target_tree_set_inputs(self._p(), self._node(node), byref(inp)))

    def set_commitment(self, node, amount):
        """Set a node's own commitment (minor units); None clears it."""
        value = _lib.TARGET_NONE if amount is None else int(amount)
        _check(L.mtl_target_tree_set_commitment(self._p(), self._node(node), value))

    def reconcile(self, bottom_up="commitments", rescale=False):
        """Derive every target, split the periods, compute bottom-up and gaps.

        bottom_up: "commitments" or "forecasts"; rescale: rescale the
        children to their parent's target (largest remainder).
        """
        opts = _init(L.mtl_target_reconcile_options_init, _lib.TargetReconcileOptions())
        opts.bottom_up = cv.BOTTOM_UP.code(bottom_up)
        opts.rescale = 1 if rescale else 0
        _check(L.mtl_target_tree_reconcile(self._p(), byref(opts)))

    def evaluate(self, market, as_of=None, probability_source="stage", method="exact",
                 draws=0, seed=0):
        """Evaluate every node against a market (one forecast per node)."""
        opts = _init(L.mtl_target_evaluate_options_init, _lib.TargetEvaluateOptions())
        if as_of is not None:
            opts.as_of = cv.to_day(as_of, "as_of")
        opts.probability_source = cv.PROBABILITY_SOURCE.code(probability_source)
        opts.method = cv.METHOD.code(method)
        opts.draws = int(draws or 0)
        opts.seed = int(seed or 0)
        _check(L.mtl_target_tree_evaluate(self._p(), market._p(), byref(opts)))

    # -- reading ---------------------------------------------------------------

    def __len__(self):
        """Number of nodes, period nodes included."""
        return L.mtl_target_tree_node_count(self._p())

    @property
    def minor_per_major(self):
        """Minor units per major unit, copied from the market."""
        return L.mtl_target_tree_minor_per_major(self._p())

    def find(self, parent, name):
        """Index of parent's child called name (a region, owner or period
        such as "2025-Q1"); NotFound when there is none."""
        out = c_size_t()
        _check(L.mtl_target_tree_find(byref(out), self._p(), self._node(parent),
                                      cv.enc(name, "name")))
        return out.value

    def node(self, index):
        """One node as a dict (the tree must be reconciled)."""
        n = _lib.TargetNode()
        n.struct_size = sizeof(n)
        _check(L.mtl_target_tree_node(self._p(), int(index), byref(n)))
        d = {"index": int(index)}
        for name in _NODE_FIELDS:
            d[name] = getattr(n, name)
        d["name"] = cv.dec(d["name"])
        d["kind"] = cv.TARGET_KIND.name(d["kind"])
        d["formula"] = cv.FORMULA.name(d["formula"])
        d["rescale"] = cv.RESCALE.name(d["rescale"])
        d["evaluated"] = bool(d["evaluated"])
        for key in ("parent", "first_child", "next_sibling"):
            if d[key] < 0:
                d[key] = None
        for key in ("period_start", "period_end"):
            d[key] = cv.day_to_date(d[key])
        for key in _AMOUNTS:
            if d[key] == _lib.TARGET_NONE:
                d[key] = None
        return d

    def nodes(self):
        """Every node as a dict, in index order."""
        return [self.node(i) for i in range(len(self))]

    def children(self, node):
        """The child nodes (dicts) of a node: periods first, then regions
        or owners."""
        out = []
        child = self.node(self._node(node))["first_child"]
        while child is not None:
            d = self.node(child)
            out.append(d)
            child = d["next_sibling"]
        return out

    def to_numpy(self):
        """nodes() as a dict of numpy arrays."""
        return to_numpy(self.nodes())

    def __repr__(self):
        if self._ptr is None:
            return "<mtl.TargetTree (closed)>"
        return "<mtl.TargetTree: %d nodes>" % len(self)
