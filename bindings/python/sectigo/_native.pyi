# Stub of the native extension (crates/sectigo-python); checked against it by mypy's stubtest.
from typing import Optional, Sequence, Tuple

from typing_extensions import final

__all__ = ["NativeClient", "prepare", "decode", "NativeError", "__version__"]

__version__: str

_Answer = Tuple[int, list[Tuple[str, str]], str, list[str]]

class NativeError(Exception): ...

@final
class NativeClient:
    def __new__(
        cls,
        *,
        login_name: Optional[str] = None,
        login_password: Optional[str] = None,
        base_url: Optional[str] = None,
        host: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        ca_file: Optional[Sequence[str]] = None,
        allow_http: bool = False,
        user_agent: Optional[str] = None,
        paths: Optional[Sequence[Tuple[str, str]]] = None,
    ) -> NativeClient: ...
    def call(self, endpoint: str, params: Sequence[Tuple[str, str]]) -> _Answer: ...

def prepare(endpoint: str, params: Sequence[Tuple[str, str]]) -> str: ...
def decode(
    endpoint: str, params: Sequence[Tuple[str, str]], status: int, location: Optional[str], body: bytes
) -> _Answer: ...
