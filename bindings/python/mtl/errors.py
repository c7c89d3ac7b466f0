"""Exceptions: one class per libmtl status, all derived from :class:`Error`.

Every failing C call is turned into an exception right after it returns,
from the calling thread's error detail (``mtl_last_error_status``,
``mtl_last_error_message``, ``mtl_last_error_line``,
``mtl_last_error_column``).  Programs decide on the class (or ``.status``);
the message is for people and may change between versions.

The classes also derive from the closest built-in exception, so that
``except KeyError`` catches :class:`NotFound`, ``except ValueError`` catches
:class:`RangeError` and :class:`ParseError`, and ``except OSError`` catches
:class:`IOError`.
"""

from . import _lib

_STATUS_NAMES = {
    0: "MTL_OK", 1: "MTL_E_INVALID_ARGUMENT", 2: "MTL_E_NO_MEMORY",
    3: "MTL_E_NOT_FOUND", 4: "MTL_E_DUPLICATE", 5: "MTL_E_RANGE",
    6: "MTL_E_PARSE", 7: "MTL_E_LIMIT", 8: "MTL_E_VERSION", 9: "MTL_E_IN_USE",
    10: "MTL_E_STATE", 11: "MTL_E_IO", 12: "MTL_E_CORRUPT",
}


class Error(Exception):
    """A libmtl failure.

    Attributes:
        status: the ``mtl_status`` code (an int, e.g. 5 for MTL_E_RANGE).
        status_name: its name, e.g. ``"MTL_E_RANGE"``.
        message: the library's description of the failure.
        line, column: where in the input (1-based), 0 when the failure has
            no position.  For a bulk append the line is the row index + 1.
        row: for :meth:`mtl.Market.add_leads`, the 0-based index of the bad
            row (``line - 1``); None otherwise.
    """

    def __init__(self, status, message, line=0, column=0):
        super().__init__(message)
        self.status = int(status)
        self.message = message
        self.line = int(line)
        self.column = int(column)
        self.row = None

    @property
    def status_name(self):
        """The status's static name from mtl_status_string()."""
        raw = _lib.lib.mtl_status_string(self.status)
        return raw.decode("ascii") if raw else "MTL_E_UNKNOWN"

    def __str__(self):
        text = self.message or self.status_name
        if self.line:
            where = "line %d" % self.line
            if self.column:
                where += ", column %d" % self.column
            text = "%s (%s)" % (text, where)
        return text

    def __repr__(self):
        return "%s(%s, %r, line=%d, column=%d)" % (
            type(self).__name__, self.status_name, self.message, self.line,
            self.column)

    def __reduce__(self):
        return (_rebuild, (type(self), self.status, self.message, self.line,
                           self.column))


def _rebuild(cls, status, message, line, column):
    return cls(status, message, line, column)


class InvalidArgument(Error, ValueError):
    """MTL_E_INVALID_ARGUMENT: a NULL handle or a malformed argument."""


class NoMemory(Error, MemoryError):
    """MTL_E_NO_MEMORY: the allocator returned NULL."""


class NotFound(Error, KeyError):
    """MTL_E_NOT_FOUND: no record or name with that id."""


class Duplicate(Error, ValueError):
    """MTL_E_DUPLICATE: a record with that id already exists."""


class RangeError(Error, ValueError):
    """MTL_E_RANGE: a value outside its documented range."""


class ParseError(Error, ValueError):
    """MTL_E_PARSE: text that does not parse (dates, numbers, CSV)."""


class LimitError(Error):
    """MTL_E_LIMIT: a size or count above the library's limits."""


class VersionError(Error):
    """MTL_E_VERSION: an unknown struct_size or file version."""


class InUseError(Error):
    """MTL_E_IN_USE: the record is still referenced by others."""


class StateError(Error):
    """MTL_E_STATE: values that contradict each other.

    The binding also raises it (status MTL_E_STATE) when a record is used
    after it was removed, or anything is used after its market was closed.
    """


class IOError(Error, OSError):  # noqa: A001 - the libmtl name, scoped to mtl
    """MTL_E_IO: a file could not be read or written.  Also an OSError."""


class CorruptError(Error):
    """MTL_E_CORRUPT: a file or byte string failed its checks."""


#: status -> exception class
CLASSES = {
    _lib.E_INVALID_ARGUMENT: InvalidArgument,
    _lib.E_NO_MEMORY: NoMemory,
    _lib.E_NOT_FOUND: NotFound,
    _lib.E_DUPLICATE: Duplicate,
    _lib.E_RANGE: RangeError,
    _lib.E_PARSE: ParseError,
    _lib.E_LIMIT: LimitError,
    _lib.E_VERSION: VersionError,
    _lib.E_IN_USE: InUseError,
    _lib.E_STATE: StateError,
    _lib.E_IO: IOError,
    _lib.E_CORRUPT: CorruptError,
}


def make(status, message, line=0, column=0):
    """An exception of the class that belongs to status."""
    return CLASSES.get(status, Error)(status, message, line, column)


def last(status=None):
    """The exception describing the last failure on this thread.

    status, when given, is the code the failing call returned; it wins over
    the thread's detail if they differ (they never should).
    """
    L = _lib.lib
    code = L.mtl_last_error_status()
    raw = L.mtl_last_error_message()
    message = raw.decode("utf-8", "replace") if raw else ""
    line = L.mtl_last_error_line()
    column = L.mtl_last_error_column()
    if status is not None and status != code:
        # The detail belongs to an older failure: report the bare status.
        code, line, column = status, 0, 0
        message = _STATUS_NAMES.get(status, "MTL_E_UNKNOWN")
    return make(code, message, line, column)


def check(status):
    """Raise the thread's last error when status is not MTL_OK."""
    if status:
        raise last(status)


def removed(kind, ident):
    """The exception for a record used after it was removed."""
    return StateError(_lib.E_STATE, "%s %r was removed from its market"
                      % (kind, ident))


def closed(what="market"):
    """The exception for anything used after its market or object closed."""
    return StateError(_lib.E_STATE, "the %s is closed" % what)
