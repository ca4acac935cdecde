"""Stores for persistent rooms: in memory, or libmuc's directory store."""
from __future__ import annotations

import logging
import os
from typing import Any, Callable, Optional

from ._errors import StoreIOError, error_for
from ._hooks import Collector
from ._libmuc_cffi import ffi, lib
from ._service import Service
from ._types import to_c

Report = Callable[[str, str], object]
_log = logging.getLogger("libmuc")


class MemoryStore(dict[str, bytes]):
    """A :class:`Store` that keeps each room's durable state in this dict
    (room JID -> document). Handy for tests, or to hand the documents to a
    storage of your own."""

    def save(self, room_jid: str, data: bytes) -> None:
        self[room_jid] = data

    def remove(self, room_jid: str) -> None:
        self.pop(room_jid, None)

    def load(self, service: Service) -> int:
        """Restores every stored room into ``service``; returns how many."""
        for data in self.values():
            service.restore_room(data)
        return len(self)


class DirStore:
    """libmuc's embedded default store (``muc_dir_store``): one file per
    room in ``path``, each written atomically. Pass it as a service's
    ``store``; bring the rooms back with :meth:`load`."""

    def __init__(self, path: "os.PathLike[str] | str") -> None:
        self.path = os.fspath(path)
        outp = ffi.new("muc_dir_store **")
        self._check(lib.muc_dir_store_open(outp, os.fsencode(self.path)),
                    "muc_dir_store_open")
        self._store: Any = outp[0]

    def _ptr(self) -> Any:
        if self._store is None:
            raise ValueError("the directory store is closed")
        return self._store

    @staticmethod
    def _check(rc: int, function: str) -> None:
        if rc < 0:
            err = error_for(rc, function)
            if isinstance(err, StoreIOError):
                err.errno = ffi.errno
            raise err

    def save(self, room_jid: str, data: bytes) -> None:
        self._check(lib.muc_dir_store_save(to_c(room_jid, "room JID"), data,
                                           len(data), self._ptr()),
                    "muc_dir_store_save")

    def remove(self, room_jid: str) -> None:
        self._check(lib.muc_dir_store_remove(to_c(room_jid, "room JID"),
                                             self._ptr()),
                    "muc_dir_store_remove")

    def load(self, service: Service,
             report: Optional[Report] = None) -> int:
        """Restores every room file into ``service``; returns the number
        restored. A corrupt, truncated or foreign file is left untouched
        (and never written over) and reported as ``report(file, reason)``
        (default: a warning on the "libmuc" logger); the others still
        load."""
        col = Collector()
        restored, _ = service._invoke(
            "muc_dir_store_load", lib.muc_dir_store_load, self._ptr(),
            service._svc, lib._libmuc_report, col.handle)
        problems = col.done()
        for file, reason in problems:
            if report is not None:
                report(file, reason)
            else:
                _log.warning("%s: %s: %s", self.path, file, reason)
        self._check(restored, "muc_dir_store_load")
        return restored

    def close(self) -> None:
        store, self._store = self._store, None
        if store is not None:
            lib.muc_dir_store_close(store)

    def __enter__(self) -> "DirStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_store", None) is not None:
            self.close()

    def __repr__(self) -> str:
        return f"<libmuc.DirStore {self.path!r}>"

