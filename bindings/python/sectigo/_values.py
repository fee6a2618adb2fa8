"""Turning Python values into the API's (name, value) pairs, and answers back into values."""

from __future__ import annotations

import enum
import os
from typing import TYPE_CHECKING, List, Mapping, Optional, Sequence, Tuple, Union

if TYPE_CHECKING:
    from ._response import Response

Params = List[Tuple[str, str]]
"""(wire name, value) pairs, in the order given."""

Value = Union[str, int, bool, None, enum.Enum]


def text(value: Value) -> str:
    """The wire text of a value: booleans are Y/N, enums their value, integers decimal."""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, enum.Enum):
        return text(value.value)
    if isinstance(value, (str, int)):
        return str(value)
    raise TypeError(f"a parameter value must be a str, int or bool, not {type(value).__name__}")


def add(params: Params, name: str, value: Value) -> None:
    """Appends a parameter unless its value is None."""
    if value is not None:
        params.append((name, text(value)))


def add_items(params: Params, items: Sequence[object]) -> None:
    """Appends items numbered from 1: item objects (with ``params``) or mappings of names."""
    for index, item in enumerate(items, start=1):
        to_params = getattr(item, "params", None)
        if callable(to_params):
            params.extend(to_params(index))
        elif isinstance(item, Mapping):
            for name, value in item.items():
                add(params, f"{index}_{name}", value)
        else:
            raise TypeError(f"item {index} must be an item object or a mapping, not {type(item).__name__}")


def required(response: Response, name: str) -> str:
    """A field every success carries (the native layer has checked it is there)."""
    value = response.get(name)
    if value is None:  # pragma: no cover - the native decoder refuses such answers
        raise KeyError(name)
    return value


def required_int(response: Response, name: str) -> int:
    return int(required(response, name))


def optional_int(response: Response, name: str) -> int | None:
    value = response.get(name)
    return None if value is None else int(value)


# The settings' values as the native client takes them (the generated ClientSettings uses these).

StrPath = Union[str, "os.PathLike[str]"]
"""A file's path: text, or a path object (``pathlib.Path``)."""


def path_of(value: Optional[StrPath]) -> Optional[str]:
    """A path setting's text."""
    return None if value is None else os.fspath(value)


def paths_of(value: Union[StrPath, Sequence[StrPath], None]) -> List[str]:
    """A repeatable path setting's texts: one path or several."""
    if value is None:
        return []
    if isinstance(value, (str, os.PathLike)):
        return [os.fspath(value)]
    return [os.fspath(v) for v in value]


def texts_of(value: Optional[Sequence[str]]) -> Optional[List[str]]:
    """A repeatable text setting's texts: one text or several."""
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def pairs_of(value: Optional[Mapping[str, str]]) -> Params:
    """A map setting's (key, value) pairs."""
    return list((value or {}).items())
