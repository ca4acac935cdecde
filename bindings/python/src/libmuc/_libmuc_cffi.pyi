# Types for the compiled cffi module (see libmuc_build.py): everything is
# dynamic except what mypy needs to type the trampolines in _hooks.py.
from typing import Any, Callable, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])

class _FFI:
    NULL: Any
    errno: int
    def def_extern(self, name: str = ..., error: Any = ...,
                   onerror: Any = ...) -> Callable[[_F], _F]: ...
    def __getattr__(self, name: str) -> Any: ...

ffi: _FFI
lib: Any
