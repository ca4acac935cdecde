"""The C hooks: trampolines from libmuc back into Python.

A service's ``user_data`` is a cffi handle to its :class:`Hooks`, which holds
the Python callables and collects what one library call produces. Python
exceptions must not unwind through C, so a hook that raises is caught here:
the exception is kept (the first one wins), the hook returns libmuc's failure
value (deliver and store: -1, which stops the call with MUC_ERR_CALLBACK;
clock: 0; id: 0, "failure") and the service raises it, chained to a
:class:`CallbackError`, once the C call has returned. Hooks never see the
service itself, so there is no reference cycle: dropping the last reference
to a Service frees the C service at once.
"""
from __future__ import annotations

import logging
import os
from typing import Any, Callable, Optional, Protocol

from ._libmuc_cffi import ffi, lib
from ._types import (AffiliationEntry, Affiliation, LogLevel, Occupant, Role,
                     Stanza, from_c, from_c_opt)

_log = logging.getLogger("libmuc")
_LEVELS = {
    LogLevel.DEBUG: logging.DEBUG,
    LogLevel.INFO: logging.INFO,
    LogLevel.WARN: logging.WARNING,
    LogLevel.ERROR: logging.ERROR,
}


class Store(Protocol):
    """What a service needs to persist rooms (``muc_callbacks_set_store``).

    ``save`` receives a persistent room's whole durable state (the document
    of ``Room.save()``) each time it changes and must return once it is
    safely stored; ``remove`` is called when the room is destroyed or becomes
    temporary. Either may raise: the call that caused it then raises
    :class:`CallbackError`.
    """

    def save(self, room_jid: str, data: bytes) -> None: ...

    def remove(self, room_jid: str) -> None: ...


def default_log(level: LogLevel, message: str) -> None:
    """Routes libmuc's log lines to the ``logging`` logger "libmuc"."""
    _log.log(_LEVELS.get(level, logging.ERROR), "%s", message)


class Hooks:
    """The Python side of one service's callbacks."""

    def __init__(self, deliver: Optional[Callable[[Stanza], object]],
                 clock: Optional[Callable[[], int]],
                 id_source: Optional[Callable[[], str]],
                 log: Optional[Callable[[LogLevel, str], object]],
                 store: Optional[Store]) -> None:
        self.deliver = deliver
        self.clock = clock
        self.id_source = id_source
        self.log = log if log is not None else default_log
        self.store = store
        self.busy = False
        self.out: list[Stanza] = []
        self.exc: Optional[BaseException] = None
        self.handle = ffi.new_handle(self)

    def failed(self, exc: BaseException) -> None:
        if self.exc is None:
            self.exc = exc

    def install(self, cb: Any) -> None:
        """Sets the C hooks on a muc_callbacks."""
        lib.muc_callbacks_set_deliver(cb, lib._libmuc_deliver)
        lib.muc_callbacks_set_log(cb, lib._libmuc_log)
        if self.clock is not None:
            lib.muc_callbacks_set_clock(cb, lib._libmuc_clock)
        if self.id_source is not None:
            lib.muc_callbacks_set_id(cb, lib._libmuc_id)
        if self.store is not None:
            lib.muc_callbacks_set_store(cb, lib._libmuc_store_save,
                                        lib._libmuc_store_remove)


@ffi.def_extern()
def _libmuc_deliver(st: Any, ud: Any) -> int:
    hooks: Hooks = ffi.from_handle(ud)
    try:
        stanza = Stanza(from_c(st.to), from_c(getattr(st, "from")),
                        ffi.unpack(st.xml, st.len))
        if hooks.deliver is not None:
            hooks.deliver(stanza)
        hooks.out.append(stanza)
        return 0
    except BaseException as exc:  # noqa: B902 - nothing may unwind into C
        hooks.failed(exc)
        return -1


@ffi.def_extern()
def _libmuc_clock(ud: Any) -> int:
    hooks: Hooks = ffi.from_handle(ud)
    try:
        assert hooks.clock is not None
        return int(hooks.clock())
    except BaseException as exc:
        hooks.failed(exc)
        return 0


@ffi.def_extern()
def _libmuc_id(buf: Any, cap: int, ud: Any) -> int:
    hooks: Hooks = ffi.from_handle(ud)
    try:
        assert hooks.id_source is not None
        ident = hooks.id_source().encode("ascii")
        if not ident or len(ident) >= cap or any(
                c < 0x21 or c > 0x7e or c in b"\"'<&>" for c in ident):
            raise ValueError(f"id_source returned an unusable id {ident!r} "
                             f"(1..{cap - 1} printable ASCII, no quotes "
                             "or <&>)")
        ffi.memmove(buf, ident, len(ident))
        return len(ident)
    except BaseException as exc:
        hooks.failed(exc)
        return 0


@ffi.def_extern()
def _libmuc_log(level: int, message: Any, ud: Any) -> None:
    hooks: Hooks = ffi.from_handle(ud)
    try:
        hooks.log(LogLevel(level), ffi.string(message).decode("utf-8",
                                                                "replace"))
    except BaseException as exc:
        hooks.failed(exc)


@ffi.def_extern()
def _libmuc_store_save(room_jid: Any, data: Any, size: int, ud: Any) -> int:
    hooks: Hooks = ffi.from_handle(ud)
    try:
        assert hooks.store is not None
        hooks.store.save(from_c(room_jid), ffi.unpack(data, size))
        return 0
    except BaseException as exc:
        hooks.failed(exc)
        return -1


@ffi.def_extern()
def _libmuc_store_remove(room_jid: Any, ud: Any) -> int:
    hooks: Hooks = ffi.from_handle(ud)
    try:
        assert hooks.store is not None
        hooks.store.remove(from_c(room_jid))
        return 0
    except BaseException as exc:
        hooks.failed(exc)
        return -1


# ---- foreach callbacks: copy what C lends into plain Python values -------

class Collector:
    """user_data of a foreach call; ``items`` gets one value per entry."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self.exc: Optional[BaseException] = None
        self.handle = ffi.new_handle(self)

    def done(self) -> list[Any]:
        if self.exc is not None:
            raise self.exc
        return self.items


def _collect(ud: Any, make: Callable[[], Any]) -> int:
    col: Collector = ffi.from_handle(ud)
    try:
        col.items.append(make())
        return 0
    except BaseException as exc:
        col.exc = exc
        return 1  # stops the iteration


@ffi.def_extern()
def _libmuc_each_room(room: Any, ud: Any) -> int:
    return _collect(ud, lambda: from_c(lib.muc_room_jid(room)))


@ffi.def_extern()
def _libmuc_each_occupant(info: Any, ud: Any) -> int:
    return _collect(ud, lambda: Occupant(
        nick=from_c(info.nick),
        role=Role(info.role),
        affiliation=Affiliation(info.affiliation),
        bare_jid=from_c(info.bare_jid),
        real_jids=tuple(from_c(info.real_jids[i])
                        for i in range(info.real_jid_count))))


@ffi.def_extern()
def _libmuc_each_affiliation(info: Any, ud: Any) -> int:
    return _collect(ud, lambda: AffiliationEntry(
        jid=from_c(info.jid),
        affiliation=Affiliation(info.affiliation),
        reason=from_c_opt(info.reason),
        nick=from_c_opt(info.nick)))


@ffi.def_extern()
def _libmuc_report(file: Any, reason: Any, ud: Any) -> None:
    _collect(ud, lambda: (os.fsdecode(ffi.string(file)),
                          ffi.string(reason).decode("utf-8", "replace")))
