"""Owned C handles: one base for the objects that release a C handle."""

from . import errors


class Owned:
    """Owns one C handle (``_ptr``), released once by ``_release(ptr)``.

    ``close()`` releases it now and is idempotent; the object is also a
    context manager and releases the handle when garbage collected.  After
    closing, :meth:`_p` raises :class:`mtl.StateError`.
    """

    _what = "object"
    _ptr = None

    def _p(self):
        ptr = self._ptr
        if ptr is None:
            raise errors.closed(self._what)
        return ptr

    @property
    def closed(self):
        """True after close()."""
        return self._ptr is None

    def _release(self, ptr):  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def close(self):
        """Release the C object now.  Idempotent."""
        ptr, self._ptr = self._ptr, None
        if ptr is not None:
            self._release(ptr)

    def __del__(self):
        try:
            if self._ptr is not None:
                self.close()
        except Exception:  # interpreter shutdown: modules may be gone
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
