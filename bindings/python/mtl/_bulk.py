"""Bulk append of leads: Python columns to one mtl_lead_columns, one C call.

:meth:`mtl.Market.add_leads` lands here.  Each column is turned into the C
array the descriptor points at, without a Python call per row wherever the
input allows it:

* numeric columns (stages, outcomes, statuses, amounts, probabilities,
  categories, dates, decision steps): a numpy array or an ``array.array``
  of exactly the C type is passed by address, without a copy; other
  integer or float arrays are converted in one vectorised step; lists go
  through ``array.array`` (C speed) and, only when they hold names, dates
  or None, through a per-item conversion;
* string columns: ``(codes, dictionary)`` pairs, pandas categoricals and
  anything with ``.codes``/``.categories`` are passed dictionary-encoded
  (codes by address when they are uint32 already); lists of str are
  dictionary-encoded here (owners, regions ... repeat) or, for ids, packed
  into one buffer with a pointer per row; integer ids (numpy, array.array
  or lists of int) are formatted as decimal text in bulk.
"""

import array
import ctypes
import datetime
import itertools
import sys
from ctypes import byref, sizeof

from . import _convert as cv
from . import _lib
from . import errors
from ._lib import lib as L

_INT32_MIN, _INT32_MAX = -(1 << 31), (1 << 31) - 1
_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1


class Dictionary:
    """A dictionary-encoded string column: codes (one per row) into values.

    ``Dictionary(codes, values)``; a code of -1 (numpy signed codes) or
    0xFFFFFFFF means "absent" for that row.  A plain ``(codes, values)``
    tuple is accepted too.
    """

    __slots__ = ("codes", "values")

    def __init__(self, codes, values):
        self.codes = codes
        self.values = values

    def __len__(self):
        return len(self.codes)


def _np():
    return sys.modules.get("numpy")


def _is_ndarray(obj):
    np = _np()
    return np is not None and isinstance(obj, np.ndarray)


class _Spec:
    """How one numeric column is stored in C."""

    def __init__(self, typecode, ctype, np_dtype, lo, hi, kind):
        self.typecode = typecode      # array.array typecode
        self.ctype = ctype
        self.np_dtype = np_dtype      # numpy dtype name
        self.lo, self.hi = lo, hi
        self.kind = kind              # "int" or "float"


def _typecode(size, signed=True):
    for tc in (("i", "l", "q") if signed else ("I", "L", "Q")):
        if array.array(tc).itemsize == size:
            return tc
    raise RuntimeError("no array typecode of %d bytes" % size)


_I32 = _Spec(_typecode(4), ctypes.c_int32, "int32", _INT32_MIN, _INT32_MAX, "int")
_I64 = _Spec(_typecode(8), ctypes.c_int64, "int64", _INT64_MIN, _INT64_MAX, "int")
_F64 = _Spec("d", ctypes.c_double, "float64", None, None, "float")
_U32_TC = _typecode(4, signed=False)
_PTR_TC = _typecode(ctypes.sizeof(ctypes.c_void_p), signed=False)


def _bad(name, message, exc=errors.InvalidArgument, status=_lib.E_INVALID_ARGUMENT):
    return exc(status, "add_leads: %s: %s" % (name, message))


def _address_of_buffer(obj, spec, n, name, keep):
    """Address of a buffer-protocol object holding n items of spec, or None."""
    try:
        mv = memoryview(obj)
    except TypeError:
        return None
    if mv.ndim != 1 or not mv.c_contiguous:
        raise _bad(name, "a 1-D contiguous array is needed")
    fmt = mv.format.lstrip("@=<")
    ok = (mv.itemsize == ctypes.sizeof(spec.ctype)
          and ((spec.kind == "int" and fmt in "bhilqnBHILQN" and fmt.islower())
               or (spec.kind == "float" and fmt == "d")))
    if not ok:
        return None
    if len(mv) != n:
        raise _bad(name, "%d rows, the ids have %d" % (len(mv), n))
    if n == 0:
        return 0
    if mv.readonly:
        holder = (spec.ctype * n).from_buffer_copy(mv)
    else:
        holder = (spec.ctype * n).from_buffer(mv)
    keep.append(holder)
    return ctypes.addressof(holder)


def _numeric(obj, spec, n, name, keep, item=None, np_convert=None, nan_to=None):
    """The address of a C array of n values of spec for column obj (None: absent).

    item: converts one Python value (a name, a date, None) to the C value;
    np_convert(np, array): converts a numpy array that is not numeric
    already (names, datetime64), or returns None; nan_to: the C value that
    replaces NaN in a float column.
    """
    if obj is None:
        return None
    np = _np()
    if np is not None and isinstance(obj, np.ndarray):
        return _numeric_numpy(np, obj, spec, n, name, keep, item, np_convert, nan_to)
    if isinstance(obj, array.array):
        if obj.itemsize == ctypes.sizeof(spec.ctype) and (
                (spec.kind == "int" and obj.typecode in "ilq") or
                (spec.kind == "float" and obj.typecode == "d")):
            if len(obj) != n:
                raise _bad(name, "%d rows, the ids have %d" % (len(obj), n))
            if n == 0:
                return 0
            if nan_to is not None and any(v != v for v in obj):
                obj = array.array(obj.typecode, [nan_to if v != v else v for v in obj])
            keep.append(obj)
            return obj.buffer_info()[0]       # zero copy
        if spec.kind == "int" and obj.typecode in "fd":
            raise _bad(name, "expected integers, got floats", TypeError)
        obj = obj.tolist()
    elif isinstance(obj, (str, bytes)) or not hasattr(obj, "__iter__"):
        # One value for every row.
        value = obj
        if item is not None and not (type(obj) is int):
            value = item(obj)
        elif spec.kind == "int":
            value = int(obj)
        if spec.kind == "int":
            _range(value, spec, name, 0)
        out = array.array(spec.typecode, [value]) * n
        keep.append(out)
        return out.buffer_info()[0] if n else 0
    elif not isinstance(obj, (list, tuple)):
        addr = _address_of_buffer(obj, spec, n, name, keep)
        if addr is not None:
            return addr
    seq = obj if hasattr(obj, "__len__") else list(obj)
    if len(seq) != n:
        raise _bad(name, "%d rows, the ids have %d" % (len(seq), n))
    try:
        out = _array(spec, seq, name)
    except TypeError:
        if item is None:
            raise _bad(name, "expected numbers", TypeError) from None
        values = []
        for row, v in enumerate(seq):
            try:
                values.append(v if type(v) is int else item(v))
            except errors.Error as exc:
                exc.message = "add_leads: %s: row %d: %s" % (name, row, exc.message)
                exc.row, exc.line = row, row + 1
                exc.args = (exc.message,)
                raise
        out = _array(spec, values, name)
    if nan_to is not None and any(v != v for v in out):
        out = array.array(out.typecode, [nan_to if v != v else v for v in out])
    keep.append(out)
    return out.buffer_info()[0] if n else 0


def _numeric_numpy(np, obj, spec, n, name, keep, item, np_convert, nan_to):
    if obj.ndim != 1:
        raise _bad(name, "a 1-D array is needed")
    if obj.shape[0] != n:
        raise _bad(name, "%d rows, the ids have %d" % (obj.shape[0], n))
    arr = obj
    if np_convert is not None and arr.dtype.kind not in "iufb":
        converted = np_convert(np, arr)
        if converted is not None:
            arr = converted
    kind = arr.dtype.kind
    if kind in "OUS":
        if item is None:
            raise _bad(name, "expected numbers, got %s" % arr.dtype, TypeError)
        arr = np.array([item(v) for v in arr.tolist()], dtype=spec.np_dtype)
    elif kind == "b":
        arr = arr.astype(spec.np_dtype)
    elif spec.kind == "int":
        if kind == "f":
            raise _bad(name, "expected integers, got %s (amounts are minor units: "
                       "convert with round(x * minor_per_major))" % arr.dtype, TypeError)
        if kind not in "iu":
            raise _bad(name, "cannot use %s" % arr.dtype, TypeError)
        if arr.dtype != np.dtype(spec.np_dtype) and arr.dtype.itemsize >= 4 and n:
            lo, hi = int(arr.min()), int(arr.max())
            if lo < spec.lo or hi > spec.hi:
                bad = lo if lo < spec.lo else hi
                row = int(np.argmax(arr == bad))
                exc = _bad(name, "row %d: %d outside %s" % (row, bad, spec.np_dtype),
                           errors.RangeError, _lib.E_RANGE)
                exc.row, exc.line = row, row + 1
                raise exc
    elif kind not in "iuf":
        raise _bad(name, "cannot use %s" % arr.dtype, TypeError)
    arr = np.ascontiguousarray(arr, dtype=spec.np_dtype)   # no copy when it fits
    if nan_to is not None and n and np.isnan(arr).any():
        arr = np.where(np.isnan(arr), nan_to, arr)
    keep.append(arr)
    return arr.ctypes.data if n else 0


def _array(spec, values, name):
    """array.array of spec from values; RangeError naming the row that overflows."""
    try:
        return array.array(spec.typecode, values)
    except OverflowError:
        for row, v in enumerate(values):
            _range(v, spec, name, row)
        raise


def _range(value, spec, name, row):
    if spec.kind == "int" and isinstance(value, int) and not spec.lo <= value <= spec.hi:
        exc = _bad(name, "row %d: %d outside %s" % (row, value, spec.np_dtype),
                   errors.RangeError, _lib.E_RANGE)
        exc.row, exc.line = row, row + 1
        raise exc


# ------------------------------------------------------------ string columns --


def _pointer_array(addresses, keep):
    out = array.array(_PTR_TC, addresses)
    keep.append(out)
    return out.buffer_info()[0]


def _bytes_address(data, keep):
    keep.append(data)
    return ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p).value


def _pack_strs(strs, n, name, keep):
    """Pointers (address) to n NUL-terminated UTF-8 strings packed in one buffer."""
    if n == 0:
        return 0
    try:
        joined = "\0".join(strs)
    except TypeError:
        strs = ["" if s is None else s if isinstance(s, str) else
                s.decode("utf-8", "surrogateescape") if isinstance(s, bytes) else str(s)
                for s in strs]
        joined = "\0".join(strs)
    if joined.count("\0") != n - 1:
        raise _bad(name, "a value contains a NUL character")
    if joined.isascii():
        data = joined.encode("ascii") + b"\0"
        lens = map(len, strs)
    else:
        enc = [s.encode("utf-8", "surrogateescape") for s in strs]
        data = b"\0".join(enc) + b"\0"
        lens = map(len, enc)
    base = _bytes_address(data, keep)
    np = _np()
    if np is not None and n > 1000:
        lengths = np.fromiter(lens, dtype=np.int64, count=n) + 1
        ptrs = np.empty(n, dtype=np.uint64)
        ptrs[0] = base
        np.cumsum(lengths[:-1], out=ptrs[1:])
        ptrs[1:] += base
        keep.append(ptrs)
        return ptrs.ctypes.data
    starts = itertools.accumulate(itertools.chain((base,), map((1).__add__, lens)))
    return _pointer_array(itertools.islice(starts, n), keep)


def _format_int_ids_numpy(np, arr, prefix, keep):
    """Pointers to the decimal text of a non-negative integer array.

    Vectorised: one fixed-width row per id, digits right-aligned and
    written a decimal place at a time for all rows, the prefix placed just
    before each id's first digit, a NUL after the last; each row's pointer
    is its first byte of text.
    """
    n = arr.shape[0]
    top = int(arr.max())
    width = len(str(top))
    x = arr.astype(np.uint32 if top < (1 << 32) else np.uint64)
    ten = x.dtype.type(10)
    digits = np.ones(n, dtype=np.int64)
    for k in range(1, width):
        digits += x >= x.dtype.type(10 ** k)
    plen = len(prefix)
    row = plen + width + 1
    buf = np.zeros((n, row), dtype=np.uint8)
    for k in range(width):
        q = x // ten
        buf[:, plen + width - 1 - k] = x - q * ten
        x = q
    buf[:, plen:plen + width] += 48
    start = width - digits                       # column of the prefix / first digit
    if plen:
        pre = np.frombuffer(prefix, dtype=np.uint8)
        for d in np.unique(digits).tolist():
            rows = digits == d
            buf[rows, width - d:width - d + plen] = pre
    keep.append(buf)
    ptrs = np.arange(n, dtype=np.uint64) * np.uint64(row)
    ptrs += np.uint64(buf.ctypes.data)
    ptrs += start.astype(np.uint64)
    keep.append(ptrs)
    return ptrs.ctypes.data


def _format_int_ids_python(values, prefix, keep):
    """Pointers to the decimal text of a sequence of ints, without numpy.

    One %-format over all values into fixed-width rows (no str object per
    id), the padding turned into NULs, and the row pointers from a range.
    """
    n = len(values)
    lo, hi = min(values), max(values)
    width = max(len(str(lo)), len(str(hi)))
    p = prefix.decode("utf-8", "surrogateescape")
    if " " in p or "\0" in p:
        return _pack_strs(_int_ids_text(values, prefix), n, "ids", keep)
    text = ((p.replace("%", "%%") + "%%-%dd\0" % width) * n) % tuple(values)
    data = text.encode("utf-8", "surrogateescape").replace(b" ", b"\0")
    row = len(data) // n
    base = _bytes_address(data, keep)
    out = array.array(_PTR_TC, range(base, base + n * row, row))
    keep.append(out)
    return out.buffer_info()[0]


def _int_ids_text(values, prefix):
    p = prefix.decode("utf-8", "surrogateescape")
    return [p + str(v) for v in values] if p else list(map(str, values))


def _dict_column(col, codes_obj, values, n, name, keep):
    """Fill col from codes and a dictionary of values."""
    np = _np()
    vals = ["" if v is None else v if isinstance(v, str) else
            v.decode("utf-8", "surrogateescape") if isinstance(v, bytes) else str(v)
            for v in values]
    if np is not None and isinstance(codes_obj, np.ndarray):
        if codes_obj.ndim != 1 or codes_obj.shape[0] != n:
            raise _bad(name, "codes: %d rows, the ids have %d" % (codes_obj.size, n))
        if codes_obj.dtype.kind == "i":
            c = codes_obj.astype(np.int64)
            c = np.where(c < 0, _lib.CODE_NONE, c)
            codes = np.ascontiguousarray(c, dtype=np.uint32)
        elif codes_obj.dtype.kind == "u":
            codes = np.ascontiguousarray(codes_obj, dtype=np.uint32)
        else:
            raise _bad(name, "codes must be integers, got %s" % codes_obj.dtype, TypeError)
        keep.append(codes)
        addr = codes.ctypes.data
    elif isinstance(codes_obj, array.array) and codes_obj.typecode == _U32_TC:
        if len(codes_obj) != n:
            raise _bad(name, "codes: %d rows, the ids have %d" % (len(codes_obj), n))
        keep.append(codes_obj)
        addr = codes_obj.buffer_info()[0]
    else:
        seq = list(codes_obj)
        if len(seq) != n:
            raise _bad(name, "codes: %d rows, the ids have %d" % (len(seq), n))
        try:
            codes = array.array(_U32_TC, seq)
        except (OverflowError, TypeError):
            codes = array.array(_U32_TC, [_lib.CODE_NONE if c is None or c < 0 else c
                                          for c in seq])
        keep.append(codes)
        addr = codes.buffer_info()[0]
    col.codes = addr if n else None
    col.dict = _pack_strs(vals, len(vals), name, keep) if vals else None
    col.dict_count = len(vals)
    if n == 0:
        col.codes = None
        col.dict = None
        col.dict_count = 0


def _encode_list(col, seq, n, name, keep):
    """Dictionary-encode a list of strings (None / "" = absent)."""
    index = {}
    setdefault = index.setdefault
    try:
        codes = array.array(_U32_TC, [setdefault(s, len(index)) for s in seq])
    except TypeError:  # unhashable items
        raise _bad(name, "expected strings", TypeError) from None
    keep.append(codes)
    _dict_column(col, codes, list(index), n, name, keep)


def _strings(col, obj, n, name, keep, ids=False, prefix=b""):
    """Fill the mtl_string_column col from a Python column."""
    if obj is None:
        return
    np = _np()
    # Dictionary-encoded forms.
    if isinstance(obj, Dictionary):
        return _dict_column(col, obj.codes, list(obj.values), n, name, keep)
    if (isinstance(obj, tuple) and len(obj) == 2
            and not isinstance(obj[0], (str, bytes)) and hasattr(obj[0], "__len__")
            and not isinstance(obj[1], (str, bytes)) and hasattr(obj[1], "__len__")):
        return _dict_column(col, obj[0], list(obj[1]), n, name, keep)
    cat = getattr(obj, "cat", None)          # a pandas Series of category dtype
    if cat is not None and hasattr(cat, "codes"):
        obj = cat
    if hasattr(obj, "codes") and hasattr(obj, "categories"):
        codes = obj.codes
        codes = getattr(codes, "to_numpy", lambda: codes)()
        return _dict_column(col, codes, list(obj.categories), n, name, keep)
    if isinstance(obj, (str, bytes)):
        if ids:
            raise _bad(name, "ids need one value per row")
        if n:
            _dict_column(col, array.array(_U32_TC, [0]) * n, [obj], n, name, keep)
        return
    # numpy arrays.
    if np is not None and isinstance(obj, np.ndarray):
        if obj.ndim != 1 or obj.shape[0] != n:
            raise _bad(name, "%d rows, the ids have %d" % (obj.size, n))
        kind = obj.dtype.kind
        if kind in "iu":
            if ids:
                if n and obj.min() < 0:
                    return _strings(col, _int_ids_text(obj.tolist(), prefix), n, name, keep, ids)
                col.values = _format_int_ids_numpy(np, obj, prefix, keep) if n else None
                return
            uniq, inverse = np.unique(obj, return_inverse=True)
            return _dict_column(col, inverse.astype(np.uint32),
                                _int_ids_text(uniq.tolist(), prefix), n, name, keep)
        if kind == "S" and ids and n:
            width = obj.dtype.itemsize + 1
            buf = np.zeros(n, dtype="S%d" % width)
            buf[:] = obj
            keep.append(buf)
            ptrs = np.arange(n, dtype=np.uint64) * np.uint64(width) + np.uint64(buf.ctypes.data)
            keep.append(ptrs)
            col.values = ptrs.ctypes.data
            return
        obj = obj.tolist()
    elif isinstance(obj, array.array):
        if obj.typecode in "fdu":
            raise _bad(name, "expected integers, got array('%s')" % obj.typecode, TypeError)
        if len(obj) != n:
            raise _bad(name, "%d rows, the ids have %d" % (len(obj), n))
        if ids:
            if n == 0:
                return
            if np is not None and min(obj) >= 0:
                col.values = _format_int_ids_numpy(np, np.frombuffer(obj, dtype="i%d" % obj.itemsize
                                                                     if obj.typecode.islower()
                                                                     else "u%d" % obj.itemsize),
                                                   prefix, keep)
            else:
                col.values = _format_int_ids_python(obj, prefix, keep)
            return
        else:
            index = {}
            setdefault = index.setdefault
            codes = array.array(_U32_TC, [setdefault(v, len(index)) for v in obj])
            return _dict_column(col, codes, _int_ids_text(list(index), prefix),
                                n, name, keep)
    elif not isinstance(obj, (list, tuple)):
        obj = list(obj)
    if len(obj) != n:
        raise _bad(name, "%d rows, the ids have %d" % (len(obj), n))
    if ids:
        if n and type(obj[0]) is int:
            try:
                packed = array.array(_I64.typecode, obj)
            except (TypeError, OverflowError):
                packed = None
            if packed is not None:
                return _strings(col, packed, n, name, keep, ids, prefix)
        if n and not isinstance(obj[0], str):
            p = prefix.decode("utf-8", "surrogateescape")
            obj = [p + str(v.__index__()) if hasattr(v, "__index__") else v for v in obj]
        col.values = _pack_strs(obj, n, name, keep)
        return
    _encode_list(col, obj, n, name, keep)


# ------------------------------------------------------------------ append --


def _length(ids):
    if isinstance(ids, Dictionary):
        return len(ids.codes)
    if isinstance(ids, tuple) and len(ids) == 2 and hasattr(ids[0], "__len__") \
            and not isinstance(ids[0], (str, bytes)):
        return len(ids[0])
    cat = getattr(ids, "cat", None)
    if cat is not None and hasattr(cat, "codes"):
        return len(cat.codes)
    try:
        return len(ids)
    except TypeError:
        raise _bad("ids", "expected a sequence or an array", TypeError) from None


def _stage_item(market):
    def item(v):
        if v is None:
            return 0
        return market._stage_code(v)
    return item


def _stage_np(market):
    def conv(np, arr):
        if arr.dtype.kind not in "OUS":
            return None
        uniq, inverse = np.unique(arr.astype(str), return_inverse=True)
        codes = np.array([market._stage_code(u) for u in uniq.tolist()], dtype=np.int32)
        return codes[inverse] if len(codes) else np.zeros(arr.shape[0], np.int32)
    return conv


def _codes_item(codes):
    def item(v):
        return codes.code(v) if v is not None or codes.none is not None else 0
    return item


def _codes_np(codes):
    def conv(np, arr):
        if arr.dtype.kind not in "OUS":
            return None
        values = arr.tolist()
        uniq = {v: codes.code(v) for v in set(values)}
        return np.array([uniq[v] for v in values], dtype=np.int32)
    return conv


def _date_item(v):
    return cv.to_day(v)


def _date_np(np, arr):
    if arr.dtype.kind == "M":
        days = arr.astype("datetime64[D]").astype(np.int64)
        days = np.where(np.isnat(arr), _lib.DATE_NONE, days)
        return days
    return None


def _prob_item(v):
    if v is None or v != v:
        return _lib.PROBABILITY_NONE
    return float(v)


_INT64_MAX = (1 << 63) - 1


def _int64_ids(ids, np, keep):
    """The address of the ids as int64 values when they are integers the
    library can write in decimal itself (mtl_lead_columns.id_numbers), else
    None: an array.array or numpy array of integers, or a list of ints."""
    if np is not None and isinstance(ids, np.ndarray):
        if ids.ndim != 1 or ids.dtype.kind not in "iu":
            return None
        if ids.dtype.kind == "u" and ids.size and ids.max() > _INT64_MAX:
            return None
        arr = np.ascontiguousarray(ids, dtype=np.int64)
        keep.append(arr)
        return arr.ctypes.data if arr.size else None
    if isinstance(ids, array.array):
        if ids.typecode in "fdu":
            return None
        if ids.typecode in "QL" and len(ids) and max(ids) > _INT64_MAX:
            return None
        arr = ids if ids.typecode == "q" else array.array("q", ids)
    elif isinstance(ids, list) and ids and all(type(v) is int for v in ids):
        try:
            arr = array.array("q", ids)  # raises on a str, a float or a big int
        except (TypeError, OverflowError):
            return None
    else:
        return None
    if not len(arr):
        return None
    keep.append(arr)
    return arr.buffer_info()[0]


def append(market, ids, customers=None, segments=None, owners=None, regions=None,
           sources=None, stages=None, outcomes=None, statuses=None, amounts=None,
           probabilities=None, categories=None, created=None, expected_close=None,
           closed=None, decision_steps=None, attributes=None,
           keep_absent_segment=False, keep_absent_region=False, id_prefix=None):
    """Append len(ids) leads in one mtl_lead_append_columns call.

    Columns (each one value per row, or a single value for every row; None
    or absent = the default of a new lead):

    ids
        str per row; or integers (numpy / array.array / list of int),
        formatted as decimal text, after ``id_prefix`` when given.
    customers, segments, owners, regions, sources
        str per row (None or "" = absent), integers (formatted like ids), or
        dictionary-encoded: ``(codes, values)``, :class:`Dictionary`, a
        pandas Categorical / category Series.  Customers and segments must
        exist.  A lead without a segment (region) takes its customer's,
        unless keep_absent_segment (keep_absent_region) is set.
    stages
        indexes or stage names.
    outcomes, statuses, categories, decision_steps
        codes or names ("won", "converted", "best_case", ...).
    amounts
        integers, minor units.
    probabilities
        floats in [0, 1]; None or NaN = no override.
    created, expected_close, closed
        day numbers, datetime.date, "YYYY-MM-DD", numpy datetime64, None.
    attributes
        a dict {key: string column}.

    All or nothing: on a bad row nothing is added and the exception has
    ``.row`` (0-based) and ``.line`` (row + 1).  Returns the number added.
    """
    ptr = market._p()
    n = _length(ids)
    keep = []
    c = _lib.LeadColumns()
    errors.check(L.mtl_lead_columns_init(byref(c), sizeof(c)))
    c.count = n
    prefix = cv.enc(id_prefix, "id_prefix") if id_prefix else b""
    numbers = None if prefix else _int64_ids(ids, _np(), keep)
    if numbers is not None:
        c.id_numbers = numbers  # the library writes them in decimal
    else:
        _strings(c.ids, ids, n, "ids", keep, ids=True, prefix=prefix)
    _strings(c.customers, customers, n, "customers", keep)
    _strings(c.segments, segments, n, "segments", keep)
    _strings(c.owners, owners, n, "owners", keep)
    _strings(c.regions, regions, n, "regions", keep)
    _strings(c.sources, sources, n, "sources", keep)
    c.stages = _numeric(stages, _I32, n, "stages", keep, _stage_item(market),
                        _stage_np(market))
    c.outcomes = _numeric(outcomes, _I32, n, "outcomes", keep, _codes_item(cv.OUTCOME),
                          _codes_np(cv.OUTCOME))
    c.statuses = _numeric(statuses, _I32, n, "statuses", keep, _codes_item(cv.STATUS),
                          _codes_np(cv.STATUS))
    c.amounts = _numeric(amounts, _I64, n, "amounts", keep)
    c.probabilities = _numeric(probabilities, _F64, n, "probabilities", keep, _prob_item,
                               None, nan_to=_lib.PROBABILITY_NONE)
    c.categories = _numeric(categories, _I32, n, "categories", keep,
                            _codes_item(cv.CATEGORY), _codes_np(cv.CATEGORY))
    c.created = _numeric(created, _I32, n, "created", keep, _date_item, _date_np)
    c.expected_close = _numeric(expected_close, _I32, n, "expected_close", keep,
                                _date_item, _date_np)
    c.closed = _numeric(closed, _I32, n, "closed", keep, _date_item, _date_np)
    c.decision_steps = _numeric(decision_steps, _I32, n, "decision_steps", keep,
                                _codes_item(cv.DECISION), _codes_np(cv.DECISION))
    if attributes:
        items = list(attributes.items())
        keys = (ctypes.c_char_p * len(items))(*[cv.enc(k, "attribute key") for k, _ in items])
        cols = (_lib.StringColumn * len(items))()
        for i, (key, column) in enumerate(items):
            _strings(cols[i], column, n, "attribute %r" % (key,), keep)
        keep.extend((keys, cols))
        c.attribute_count = len(items)
        c.attribute_keys = ctypes.addressof(keys)
        c.attributes = ctypes.addressof(cols)
    c.keep_absent = ((_lib.KEEP_SEGMENT if keep_absent_segment else 0)
                     | (_lib.KEEP_REGION if keep_absent_region else 0))
    st = L.mtl_lead_append_columns(ptr, byref(c))
    if st:
        exc = errors.last(st)
        if exc.line > 0:
            exc.row = exc.line - 1
        raise exc
    del keep
    return n
