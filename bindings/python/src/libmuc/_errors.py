"""libmuc's error codes as Python exceptions.

Every failing libmuc call raises a subclass of :class:`Error` carrying the
library's code (``code``, a negative :class:`ErrorCode`) and the words of
``muc_strerror()`` (``strerror``). Where it fits, the subclass also derives
from the matching built-in exception, so ``except ValueError`` catches a
malformed JID and ``except LookupError`` a missing room.
"""
from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Iterable, Optional

from ._libmuc_cffi import ffi, lib

if TYPE_CHECKING:
    from ._types import Stanza


class ErrorCode(IntEnum):
    """The ``muc_error`` enumeration."""

    OK = lib.MUC_OK
    NOMEM = lib.MUC_ERR_NOMEM
    INVALID = lib.MUC_ERR_INVALID
    PARSE = lib.MUC_ERR_PARSE
    TOO_LARGE = lib.MUC_ERR_TOO_LARGE
    NOT_FOUND = lib.MUC_ERR_NOT_FOUND
    NOT_ALLOWED = lib.MUC_ERR_NOT_ALLOWED
    CONFLICT = lib.MUC_ERR_CONFLICT
    JID = lib.MUC_ERR_JID
    CALLBACK = lib.MUC_ERR_CALLBACK
    NOT_FOR_US = lib.MUC_ERR_NOT_FOR_US
    IO = lib.MUC_ERR_IO


def strerror(code: int) -> str:
    """``muc_strerror()``: words a person can read for any code."""
    return str(ffi.string(lib.muc_strerror(code)).decode())


class Error(Exception):
    """A libmuc call failed.

    Attributes: ``code`` (the negative libmuc code, an :class:`ErrorCode`
    when known), ``strerror`` (``muc_strerror(code)``), ``function`` (the C
    function that failed, or None) and ``stanzas`` (what was delivered before
    the failure, for calls that deliver output).
    """

    def __init__(self, code: int, function: Optional[str] = None,
                 stanzas: Iterable["Stanza"] = ()) -> None:
        super().__init__(code, function)
        try:
            self.code: int = ErrorCode(code)
        except ValueError:
            self.code = code
        self.strerror: str = strerror(code)
        self.function: Optional[str] = function
        self.stanzas: list[Stanza] = list(stanzas)

    def __str__(self) -> str:
        name = self.code.name if isinstance(self.code, ErrorCode) else "?"
        where = f"{self.function}: " if self.function else ""
        return f"{where}{self.strerror} (MUC_ERR_{name}, {int(self.code)})"


class OutOfMemoryError(Error, MemoryError):
    """MUC_ERR_NOMEM"""


class InvalidArgumentError(Error, ValueError):
    """MUC_ERR_INVALID"""


class ParseError(Error, ValueError):
    """MUC_ERR_PARSE: the input is not one well-formed XMPP stanza."""


class TooLargeError(Error, ValueError):
    """MUC_ERR_TOO_LARGE"""


class NotFoundError(Error, LookupError):
    """MUC_ERR_NOT_FOUND: no such room, occupant or entry."""


class NotAllowedError(Error):
    """MUC_ERR_NOT_ALLOWED: the actor may not do this."""


class ConflictError(Error):
    """MUC_ERR_CONFLICT, e.g. removing the last owner or restoring a room
    that exists."""


class JIDError(Error, ValueError):
    """MUC_ERR_JID: a JID or nickname fails stringprep."""


class CallbackError(Error):
    """MUC_ERR_CALLBACK: a hook failed. When a Python hook raised, that
    exception is this one's ``__cause__``."""


class NotForUsError(Error, ValueError):
    """MUC_ERR_NOT_FOR_US: the stanza or room belongs to another service."""


class StoreIOError(Error):
    """MUC_ERR_IO: a file operation of the directory store failed;
    ``errno`` is the C library's errno at the failure."""

    errno: int = 0


_BY_CODE: dict[int, type[Error]] = {
    ErrorCode.NOMEM: OutOfMemoryError,
    ErrorCode.INVALID: InvalidArgumentError,
    ErrorCode.PARSE: ParseError,
    ErrorCode.TOO_LARGE: TooLargeError,
    ErrorCode.NOT_FOUND: NotFoundError,
    ErrorCode.NOT_ALLOWED: NotAllowedError,
    ErrorCode.CONFLICT: ConflictError,
    ErrorCode.JID: JIDError,
    ErrorCode.CALLBACK: CallbackError,
    ErrorCode.NOT_FOR_US: NotForUsError,
    ErrorCode.IO: StoreIOError,
}


def error_for(code: int, function: Optional[str] = None,
              stanzas: Iterable["Stanza"] = ()) -> Error:
    """The exception for a libmuc return code (negative)."""
    return _BY_CODE.get(code, Error)(code, function, stanzas)


def check(code: int, function: str) -> None:
    """Raise the matching :class:`Error` when ``code`` is negative."""
    if code < 0:
        raise error_for(code, function)
