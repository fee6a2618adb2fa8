"""Answers: a spec endpoint's, read by field name, and a raw call's."""

from __future__ import annotations

from typing import Optional, Sequence, Tuple


def _field(fields: Sequence[Tuple[str, str]], name: str) -> Optional[str]:
    """The value of the first pair named `name` (case-insensitive), or None."""
    wanted = name.lower()
    for field, value in fields:
        if field.lower() == wanted:
            return value
    return None


class Response:
    """Every field of a successful answer, its code, raw body and the leniencies applied."""

    __slots__ = ("code", "fields", "raw", "quirks", "retries")

    def __init__(
        self, code: int, fields: Sequence[Tuple[str, str]], raw: str, quirks: Sequence[str], retries: int = 0
    ) -> None:
        self.code = code
        """The ``errorCode`` (0; also when a success answer left it out)."""
        self.fields: Tuple[Tuple[str, str], ...] = tuple(fields)
        """(name, value) pairs in the order received."""
        self.raw = raw
        """The body as received (for a redirect, the Location URL)."""
        self.quirks: Tuple[str, ...] = tuple(quirks)
        """What the decoder tolerated: ``error_code_missing``, ``message_in_error_item``, ``redirect``."""
        self.retries = retries
        """How many times the call was sent again before this answer."""

    def get(self, name: str) -> Optional[str]:
        """A field by name (case-insensitive), or None."""
        return _field(self.fields, name)

    def to_dict(self) -> dict[str, str]:
        """The fields as a dict."""
        return dict(self.fields)

    def __repr__(self) -> str:
        from .generated import SECRET_FIELDS

        shown = {name: ("<redacted>" if name in SECRET_FIELDS else value) for name, value in self.fields}
        return f"Response(code={self.code}, fields={shown!r}, quirks={self.quirks!r}, retries={self.retries})"


class RawAnswer:
    """The answer to :meth:`Client.call_raw`: the HTTP status, content type and body as
    received, and, when the body is text in one of the documents' formats, what it says."""

    __slots__ = ("status", "content_type", "body", "code", "format", "message", "lines", "fields", "retries")

    def __init__(
        self,
        status: int,
        content_type: Optional[str],
        body: bytes,
        code: Optional[int],
        format: Optional[str],
        message: Optional[str],
        lines: Sequence[str],
        fields: Sequence[Tuple[str, str]],
        retries: int = 0,
    ) -> None:
        self.status = status
        """The HTTP status."""
        self.content_type = content_type
        """The ``Content-Type`` header, when one came."""
        self.body = body
        """The body, byte for byte (a ZIP or PKCS #7 file comes back whole)."""
        self.code = code
        """The ``errorCode`` (line 1, or ``errorCode=``); None when the body is in neither format
        (a binary file, HTML, free text)."""
        self.format = format
        """``"newline"``, ``"url_encoded"``, or None."""
        self.message = message
        """The error text: line 2 of a newline answer with a negative code, or ``errorMessage``."""
        self.lines: Tuple[str, ...] = tuple(lines)
        """A newline answer's lines after the first (the code), in order."""
        self.fields: Tuple[Tuple[str, str], ...] = tuple(fields)
        """A URL-encoded answer's (name, value) pairs in the order received, ``errorCode`` included."""
        self.retries = retries
        """How many times the call was sent again before this answer."""

    def get(self, name: str) -> Optional[str]:
        """A pair of a URL-encoded answer by name (case-insensitive), or None."""
        return _field(self.fields, name)

    def __repr__(self) -> str:
        return (
            f"RawAnswer(status={self.status}, content_type={self.content_type!r}, body=<{len(self.body)} bytes>, "
            f"code={self.code!r}, format={self.format!r}, message={self.message!r}, retries={self.retries})"
        )
