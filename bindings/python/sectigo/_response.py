"""A successful answer, read by field name."""

from __future__ import annotations

from typing import Optional, Sequence, Tuple


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
        wanted = name.lower()
        for field, value in self.fields:
            if field.lower() == wanted:
                return value
        return None

    def to_dict(self) -> dict[str, str]:
        """The fields as a dict."""
        return dict(self.fields)

    def __repr__(self) -> str:
        from .generated import SECRET_FIELDS

        shown = {name: ("<redacted>" if name in SECRET_FIELDS else value) for name, value in self.fields}
        return f"Response(code={self.code}, fields={shown!r}, quirks={self.quirks!r}, retries={self.retries})"
