"""The base of every model: typed attributes from snake_case dicts."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Dict, FrozenSet

__all__ = ["BaseModel"]


def _parse_datetime(value: Any) -> Any:
    if isinstance(value, str):
        text = value[:-1] + "+00:00" if value.endswith("Z") else value
        try:
            return datetime.datetime.fromisoformat(text)
        except ValueError:
            return value  # keep what a newer server sent rather than fail
    return value


def _parse_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _dump(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.to_dict()
    if isinstance(value, list):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    return value


class BaseModel:
    """A model of the API: attributes in snake_case, timestamps as `datetime`, enums as `str`
    (values a newer server adds are kept as they are). Equality compares every field;
    `to_dict()` gives plain data; `repr` never shows secrets."""

    __slots__ = ("_extra",)
    _extra: Dict[str, Any]
    _FIELDS_: ClassVar[Dict[str, Any]] = {}
    _SECRETS_: ClassVar[FrozenSet[str]] = frozenset()
    # Attribute name -> data key, where the key is a Python keyword (`from_` -> `from`).
    _ALIASES_: ClassVar[Dict[str, str]] = {}

    def __init__(self, **data: Any) -> None:
        fields = self._FIELDS_
        aliases = self._ALIASES_
        for name, spec in fields.items():
            key = aliases.get(name, name)
            value = data.get(key, data.get(name))
            object.__setattr__(self, name, self._convert_(spec, value))
        known = set(fields) | set(aliases.values())
        extra = {k: v for k, v in data.items() if k not in known}
        object.__setattr__(self, "_extra", extra)

    @classmethod
    def _resolve_fields_(cls, namespace: Dict[str, Any]) -> None:
        """Turns `"model:Name"` references into classes once every class exists."""

        def resolve(spec: Any) -> Any:
            if isinstance(spec, str) and spec.startswith("model:"):
                return namespace[spec[6:]]
            if isinstance(spec, tuple):
                return tuple(resolve(s) for s in spec)
            return spec

        cls._FIELDS_ = {k: resolve(v) for k, v in cls._FIELDS_.items()}

    @staticmethod
    def _convert_(spec: Any, value: Any) -> Any:
        if value is None or spec is None:
            return value
        if spec == "datetime":
            return _parse_datetime(value)
        if spec == "date":
            return _parse_date(value)
        if isinstance(spec, tuple) and spec[0] == "list":
            if not isinstance(value, list):
                return value
            return [BaseModel._convert_(spec[1], v) for v in value]
        if isinstance(spec, type) and issubclass(spec, BaseModel) and isinstance(value, dict):
            return spec(**value)
        return value

    # Fields a newer server sends are reachable as attributes too, at run time only: type
    # checkers see the declared fields, so a misspelt attribute is an error, not `Any`.
    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            try:
                extra = object.__getattribute__(self, "_extra")
            except AttributeError:
                raise AttributeError(name) from None
            if name in extra:
                return extra[name]
            raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self._FIELDS_:
            object.__setattr__(self, name, value)
        else:
            raise AttributeError(f"{type(self).__name__} has no field {name!r}")

    def to_dict(self) -> Dict[str, Any]:
        """The model as plain data (snake_case keys; timestamps stay `datetime`)."""
        aliases = self._ALIASES_
        out = {aliases.get(name, name): _dump(getattr(self, name)) for name in self._FIELDS_}
        out.update(_dump(self._extra))
        return out

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.to_dict() == other.to_dict()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        parts = []
        for name in self._FIELDS_:
            value = getattr(self, name)
            if name in self._SECRETS_ and value is not None:
                parts.append(f"{name}='[redacted]'")
            else:
                parts.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"
