"""Turning arrays of C report structs into Python rows, and rows into columns.

Reports are lists of dicts.  Reading a ctypes array of structs field by
field costs a Python attribute lookup per field; instead each struct type
gets a :class:`struct.Struct` layout derived from its ctypes fields (same
offsets, ``x`` padding), so a whole array is unpacked from its bytes in one
pass.
"""

import ctypes
import struct
import sys

_CODE = {
    ctypes.c_int32: "i", ctypes.c_uint32: "I", ctypes.c_int64: "q",
    ctypes.c_uint64: "Q", ctypes.c_double: "d", ctypes.c_size_t: "N",
    ctypes.c_void_p: "P", ctypes.c_char_p: "P",
}


class Layout:
    """A struct.Struct reading the scalar fields of a ctypes Structure."""

    def __init__(self, cls, skip=("struct_size",)):
        fmt, names, pos = ["@"], [], 0
        for name, ctype in cls._fields_:
            code = _CODE.get(ctype)
            if code is None:
                raise TypeError("no scalar layout for %s.%s" % (cls.__name__, name))
            offset = getattr(cls, name).offset
            if offset > pos:
                fmt.append("%dx" % (offset - pos))
            size = ctypes.sizeof(ctype)
            if name in skip:
                fmt.append("%dx" % size)
            else:
                fmt.append(code)
                names.append(name)
            pos = offset + size
        if ctypes.sizeof(cls) > pos:
            fmt.append("%dx" % (ctypes.sizeof(cls) - pos))
        self.struct = struct.Struct("".join(fmt))
        if self.struct.size != ctypes.sizeof(cls):
            raise TypeError("layout of %s: %d bytes, ctypes says %d"
                            % (cls.__name__, self.struct.size, ctypes.sizeof(cls)))
        self.names = tuple(names)

    def rows(self, array):
        """Tuples of the field values of every struct in a ctypes array."""
        return self.struct.iter_unpack(memoryview(array).cast("B"))

    def dicts(self, array):
        """One dict per struct (field name -> value), struct_size left out."""
        names = self.names
        return [dict(zip(names, t)) for t in self.rows(array)]

    def one(self, obj):
        """A dict of one struct."""
        return dict(zip(self.names, self.struct.unpack(bytes(obj))))


def to_columns(rows):
    """A list of dicts as a dict of lists (one list per key, in key order).

    Keys missing from a row give None in that row's place.
    """
    keys = {}
    for row in rows:
        for k in row:
            keys.setdefault(k, None)
    return {k: [row.get(k) for row in rows] for k in keys}


def numpy_module():
    """numpy, imported on demand; ImportError with a clear message if absent."""
    np = sys.modules.get("numpy")
    if np is None:
        try:
            import numpy as np  # noqa: F811
        except ImportError:
            raise ImportError("this result needs numpy, which is not installed; "
                              "the list-of-dicts form works without it") from None
    return np


def to_numpy(rows):
    """A list of dicts as a dict of numpy arrays, one per key.

    Integer columns become int64, float columns float64 (None -> NaN),
    booleans bool, and anything else (names, dates) an object array.  Needs
    numpy.
    """
    np = numpy_module()
    out = {}
    for key, values in to_columns(rows).items():
        kinds = {type(v) for v in values}
        if kinds <= {bool} and values:
            out[key] = np.array(values, dtype=np.bool_)
        elif kinds <= {int} and values:
            out[key] = np.array(values, dtype=np.int64)
        elif kinds <= {int, float, type(None)} and float in kinds:
            out[key] = np.array([np.nan if v is None else v for v in values],
                                dtype=np.float64)
        else:
            arr = np.empty(len(values), dtype=object)
            arr[:] = values
            out[key] = arr
    return out
