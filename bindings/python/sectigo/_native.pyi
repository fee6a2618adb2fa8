# Stub of the native extension (crates/sectigo-python); checked against it by mypy's stubtest.
from typing import Optional, Sequence, Tuple, Union

from typing_extensions import final

__all__ = [
    "NativeClient",
    "NativeCancel",
    "NativePending",
    "NativeSandbox",
    "prepare",
    "decode",
    "page_url",
    "end_idle_call_threads",
    "sandbox_main",
    "NativeError",
    "__version__",
]

__version__: str

_Answer = Tuple[int, list[Tuple[str, str]], str, list[str], int]
# status, content type, body, code, format, message, lines, pairs, retries
_RawAnswer = Tuple[
    int, Optional[str], bytes, Optional[int], Optional[str], Optional[str], list[str], list[Tuple[str, str]], int
]

class NativeError(Exception): ...

@final
class NativeClient:
    # The keywords of ClientSettings (generated from spec/client.toml), as it passes them: each
    # read by its setting's type.
    def __new__(cls, **settings: object) -> NativeClient: ...
    def call(
        self,
        endpoint: str,
        params: Sequence[Tuple[str, str]],
        cancel: Optional[NativeCancel] = None,
        interruptible: bool = False,
    ) -> _Answer: ...
    def call_raw(
        self,
        path: str,
        params: Sequence[Tuple[str, str]],
        read_only: bool = False,
        credentials: bool = True,
        cancel: Optional[NativeCancel] = None,
        interruptible: bool = False,
    ) -> _RawAnswer: ...

@final
class NativeCancel:
    def __new__(cls) -> NativeCancel: ...
    def stop(self) -> bool: ...
    def request(self) -> Optional[list[Tuple[str, str]]]: ...

@final
class NativePending:
    def wait(self) -> Union[_Answer, _RawAnswer]: ...

def prepare(endpoint: str, params: Sequence[Tuple[str, str]]) -> str: ...
def decode(
    endpoint: str, params: Sequence[Tuple[str, str]], status: int, location: Optional[str], body: bytes
) -> _Answer: ...

@final
class NativeSandbox:
    def __new__(
        cls,
        *,
        rate_limit: Optional[str] = None,
        legacy: bool = False,
        quirks: bool = False,
        accept_plain_http: bool = False,
        signup_path: Optional[str] = None,
        seed: Optional[str] = None,
        log: bool = False,
        private: bool = False,
        tinyproxy: bool = False,
    ) -> NativeSandbox: ...
    def info(self) -> str: ...
    def ca_pem(self) -> str: ...
    def mint_client_certificate(self, login_name: str, pkcs12_password: str) -> Tuple[str, str, bytes]: ...
    def counters(self) -> str: ...
    def reset_counters(self) -> None: ...
    def state(self) -> str: ...
    def fault(self, fields: Sequence[Tuple[str, str]]) -> None: ...
    def answer(self, fields: Sequence[Tuple[str, str]]) -> None: ...
    def answered(self) -> str: ...
    def close(self) -> None: ...

def page_url(page: str, template: Optional[str], sid: str, order_number: str) -> str: ...
def end_idle_call_threads() -> None: ...
def sandbox_main(argv: Sequence[str]) -> int: ...
