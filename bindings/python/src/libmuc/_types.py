"""Plain values that cross the binding: enumerations, stanzas, snapshots."""
from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Optional, Type, TypeVar, Union

from ._libmuc_cffi import ffi, lib


_E = TypeVar("_E", bound="_Named")


class _Named(IntEnum):
    """An enumeration that also accepts its XEP-0045 / option name."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, str):
            for member in cls:
                if member.name.lower() == value.lower().replace("-", "_"):
                    return member
        return None

    @classmethod
    def coerce(cls: Type[_E], value: Union[int, str]) -> _E:
        """A member from itself, its value or its name ("owner")."""
        return cls(value)  # type: ignore[arg-type]  # names: _missing_


class Role(_Named):
    """``muc_role`` (XEP-0045 §5.1); ordered by rank. ``str()`` gives the
    protocol name: ``str(Role.MODERATOR) == "moderator"``."""

    NONE = lib.MUC_ROLE_NONE
    VISITOR = lib.MUC_ROLE_VISITOR
    PARTICIPANT = lib.MUC_ROLE_PARTICIPANT
    MODERATOR = lib.MUC_ROLE_MODERATOR

    def __str__(self) -> str:
        return from_c(lib.muc_role_name(self))


class Affiliation(_Named):
    """``muc_affiliation`` (XEP-0045 §5.2); ordered by rank. ``str()`` gives
    the protocol name, and ``Affiliation("owner")`` parses one."""

    OUTCAST = lib.MUC_AFFIL_OUTCAST
    NONE = lib.MUC_AFFIL_NONE
    MEMBER = lib.MUC_AFFIL_MEMBER
    ADMIN = lib.MUC_AFFIL_ADMIN
    OWNER = lib.MUC_AFFIL_OWNER

    def __str__(self) -> str:
        return from_c(lib.muc_affiliation_name(self))


class LogLevel(_Named):
    """``muc_log_level``"""

    DEBUG = lib.MUC_LOG_DEBUG
    INFO = lib.MUC_LOG_INFO
    WARN = lib.MUC_LOG_WARN
    ERROR = lib.MUC_LOG_ERROR


class Option(_Named):
    """``muc_option``: service limits and the defaults of new rooms, for
    :meth:`Service.set_option` (names are accepted in lower case too:
    ``"default_persistent"``). Booleans are 0/1."""

    MAX_STANZA_BYTES = lib.MUC_OPT_MAX_STANZA_BYTES
    MAX_DEPTH = lib.MUC_OPT_MAX_DEPTH
    MAX_ROOMS = lib.MUC_OPT_MAX_ROOMS
    MAX_OCCUPANTS = lib.MUC_OPT_MAX_OCCUPANTS
    MAX_HISTORY = lib.MUC_OPT_MAX_HISTORY
    RESTRICT_CREATION = lib.MUC_OPT_RESTRICT_CREATION
    DEFAULT_PERSISTENT = lib.MUC_OPT_DEFAULT_PERSISTENT
    DEFAULT_PUBLIC = lib.MUC_OPT_DEFAULT_PUBLIC
    DEFAULT_MEMBERS_ONLY = lib.MUC_OPT_DEFAULT_MEMBERS_ONLY
    DEFAULT_MODERATED = lib.MUC_OPT_DEFAULT_MODERATED
    DEFAULT_WHOIS_ANYONE = lib.MUC_OPT_DEFAULT_WHOIS_ANYONE
    DEFAULT_CHANGE_SUBJECT = lib.MUC_OPT_DEFAULT_CHANGE_SUBJECT
    DEFAULT_HISTORY_LENGTH = lib.MUC_OPT_DEFAULT_HISTORY_LENGTH
    LOCK_NEW_ROOMS = lib.MUC_OPT_LOCK_NEW_ROOMS
    ENFORCE_REGISTERED_NICK = lib.MUC_OPT_ENFORCE_REGISTERED_NICK
    ADMINS_ARE_OWNERS = lib.MUC_OPT_ADMINS_ARE_OWNERS
    DEFAULT_ALLOW_PM = lib.MUC_OPT_DEFAULT_ALLOW_PM
    DEFAULT_ALLOW_MODPM = lib.MUC_OPT_DEFAULT_ALLOW_MODPM
    ARCHIVING = lib.MUC_OPT_ARCHIVING
    DEFAULT_ARCHIVING = lib.MUC_OPT_DEFAULT_ARCHIVING
    CONFIG_XEP_FIELDS = lib.MUC_OPT_CONFIG_XEP_FIELDS
    WHOIS_REPUBLISH = lib.MUC_OPT_WHOIS_REPUBLISH


@dataclass(frozen=True)
class Stanza:
    """One stanza the service sends: its addresses and its serialized XML
    (UTF-8 bytes, no trailing newline). ``str(stanza)`` is the XML text."""

    to: str
    from_: str
    xml: bytes

    @property
    def text(self) -> str:
        """The XML as text."""
        return self.xml.decode("utf-8")

    def __str__(self) -> str:
        return self.text

    def __bytes__(self) -> bytes:
        return self.xml


@dataclass(frozen=True)
class Occupant:
    """A snapshot of one occupant (``muc_occupant_info``)."""

    nick: str
    role: Role
    affiliation: Affiliation
    bare_jid: str
    real_jids: tuple[str, ...]


@dataclass(frozen=True)
class AffiliationEntry:
    """One entry of a room's affiliation list (``muc_affiliation_info``);
    ``reason`` and ``nick`` (the reserved nickname) may be None."""

    jid: str
    affiliation: Affiliation
    reason: Optional[str]
    nick: Optional[str]


Text = Union[str, bytes]


def to_c(value: Text, what: str) -> bytes:
    """A str or bytes argument as the bytes of a C string."""
    if isinstance(value, str):
        value = value.encode("utf-8")
    elif not isinstance(value, bytes):
        raise TypeError(f"{what} must be str or bytes, not "
                        f"{type(value).__name__}")
    if b"\0" in value:
        raise ValueError(f"{what} contains a NUL character")
    return value


def to_c_opt(value: Optional[Text], what: str) -> Any:
    """Like to_c, with None as the C NULL pointer."""
    return ffi.NULL if value is None else to_c(value, what)


def from_c(ptr: Any) -> str:
    """A NUL-terminated UTF-8 C string as str."""
    return str(ffi.string(ptr).decode("utf-8"))


def from_c_opt(ptr: Any) -> Optional[str]:
    return None if ptr == ffi.NULL else from_c(ptr)
