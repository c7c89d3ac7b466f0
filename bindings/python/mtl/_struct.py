"""Size-versioned structs to and from Python values, field by field.

The strategy and qualification API (looks.h, pain.h, customer.h,
strategy.h, grading.h, verification.h) passes rows and options as
size-versioned structs and returns reports whose scores are embedded
``mtl_score`` values.  One pair of functions serves all of them:

* :func:`fill` sets the fields named by keyword arguments on a struct that
  its ``_init`` function prepared (so every field not given keeps the
  library's default): strings are encoded, floats given as None become NaN
  ("not known"), arrays take a sequence of their length or a dict keyed by
  the element names, and per-field converters turn names into codes;
* :func:`to_dict` reads every field back (``struct_size`` left out):
  strings decoded, arrays as lists, scores as
  ``{"value": v, "terms": [{"factor", "weight", "value", "contribution"}]}``,
  with per-field converters for codes, bit sets and "unknown" markers.
"""

import ctypes
from ctypes import Array, byref, c_char_p, c_double, sizeof

from . import _convert as cv
from . import _lib
from . import errors
from ._report import Layout

NAN = float("nan")
_TERM = Layout(_lib.Term)


def init(fn, struct_type):
    """A new struct filled with its defaults by the library's _init function."""
    s = struct_type()
    errors.check(fn(byref(s), sizeof(s)))
    return s


def score_dict(score):
    """An mtl_score as {"value": v, "terms": [dict per term]}."""
    n = score.term_count
    terms = []
    if n:
        array = ctypes.cast(score.terms, ctypes.POINTER(_lib.Term * n)).contents
        for factor, weight, value, contribution in _TERM.rows(array):
            terms.append({"factor": cv.dec(ctypes.string_at(factor)) if factor else None,
                          "weight": weight, "value": value,
                          "contribution": contribution})
    return {"value": score.value, "terms": terms}


def _element(ctype, value):
    if ctype is _lib.Score:
        return score_dict(value)
    if ctype is c_char_p:
        return cv.dec(value)
    return value


def to_dict(struct, convert=None):
    """Every field of struct but struct_size as a dict; convert maps a field
    name to a function applied to its Python value (None drops the field)."""
    convert = convert or {}
    out = {}
    for name, ctype in struct._fields_:
        if name == "struct_size":
            continue
        value = getattr(struct, name)
        if isinstance(ctype, type) and issubclass(ctype, Array):
            value = [_element(ctype._type_, v) for v in value]
        else:
            value = _element(ctype, value)
        if name in convert:
            fn = convert[name]
            if fn is None:
                continue
            value = fn(value)
        out[name] = value
    return out


def none_if_nan(x):
    """NaN (not known) as None."""
    return None if x != x else x


def none_if_negative(x):
    """-1 (not known) as None."""
    return None if x < 0 else x


def none_if_empty(x):
    """"" as None."""
    return x or None


def named(names, unknown=none_if_nan):
    """A converter from a list (an array field) to {name: value}."""
    return lambda values: {n: unknown(v) for n, v in zip(names, values)}


def _number(ctype, value, what):
    if ctype is c_double:
        if value is None:
            return NAN
        if isinstance(value, (str, bytes)):
            raise TypeError("%s: expected a number, got %s" % (what, type(value).__name__))
        return float(value)
    if isinstance(value, bool):
        return int(value)
    if not isinstance(value, int) and not hasattr(value, "__index__"):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise TypeError("%s: expected an int, got %r" % (what, value))
    return int(value)


def fill_array(array, value, names, what):
    n = len(array)
    ctype = array._type_
    if hasattr(value, "items"):
        if names is None:
            raise TypeError("%s: a sequence of %d values expected" % (what, n))
        for key, v in value.items():
            try:
                i = names.index(key)
            except ValueError:
                raise errors.RangeError(_lib.E_RANGE, "%s: unknown key %r (one of %s)"
                                        % (what, key, ", ".join(names))) from None
            array[i] = _number(ctype, v, what)
        return
    if isinstance(value, (str, bytes)):
        raise TypeError("%s: a sequence of %d values expected" % (what, n))
    values = list(value)
    if len(values) != n:
        raise errors.InvalidArgument(_lib.E_INVALID_ARGUMENT, "%s: %d values expected, got %d"
                                     % (what, n, len(values)))
    for i, v in enumerate(values):
        array[i] = _number(ctype, v, what)


def fill(struct, values, convert=None, names=None, what="option"):
    """Set the fields named in values (a dict) on struct.

    convert: field -> function turning the given value into the C value
    (codes from names, bit sets); names: array field -> element names (a
    dict value sets those elements, the others keep their defaults).
    Unknown keys raise TypeError.  Returns struct.
    """
    convert = convert or {}
    names = names or {}
    fields = dict(struct._fields_)
    for key, value in values.items():
        ctype = fields.get(key)
        if ctype is None or key == "struct_size":
            raise TypeError("unknown %s %r (one of %s)" % (
                what, key, ", ".join(k for k in fields if k != "struct_size")))
        if key in convert:
            value = convert[key](value)
        if isinstance(ctype, type) and issubclass(ctype, Array):
            fill_array(getattr(struct, key), value, names.get(key), key)
        elif ctype is c_char_p:
            setattr(struct, key, cv.enc_opt(value, key))
        else:
            setattr(struct, key, _number(ctype, value, key))
    return struct


def read_rows(at, args, n, struct_type, convert=None):
    """Rows k = 0 .. n-1 of ``at(*args, k, &row)`` as dicts: a record's
    list (args: the record) or a report's (args: the report, and the
    segment or group of a nested list)."""
    row = struct_type()
    row.struct_size = sizeof(row)
    out = []
    for k in range(n):
        errors.check(at(*(args + (k, byref(row)))))
        out.append(to_dict(row, convert))
    return out
