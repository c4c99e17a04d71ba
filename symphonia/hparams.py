"""Immutable hyperparameters, Magenta's ``--hparams`` syntax, and JSON.

A model family declares its hyperparameters as a frozen dataclass deriving from
:class:`HParams`, with one type per field: ``int``, ``float``, ``bool``,
``str`` or a tuple of one of those (written as a list). Overrides never change
an object; they make a validated copy.

``--hparams`` strings are parsed the way Magenta's users write them,
``"batch_size=64,rnn_layer_sizes=[64,64],dropout_keep_prob=0.8"``, with a small
tokenizer and explicit conversions, never ``eval``. Every mistake (an unknown
name, a value of the wrong type, a malformed item) is a :class:`ValueError`
whose one-line message lists the valid names and their types, so a command-line
user can fix it without reading code.
"""

import dataclasses
import re
import typing

_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_BOOLS = {"true": True, "false": False, "1": True, "0": False}
_TYPE_NAMES = {int: "int", float: "float", bool: "bool", str: "string"}


@dataclasses.dataclass(frozen=True)
class HParams:
    """Base class of frozen hyperparameter sets: parsing, copying, JSON.

    Subclasses are frozen dataclasses; they check value ranges in
    ``__post_init__`` by calling :meth:`_require`.
    """

    @classmethod
    def field_types(cls):
        """``{name: type}`` in declaration order."""
        hints = typing.get_type_hints(cls)
        return {field.name: hints[field.name] for field in dataclasses.fields(cls)}

    @classmethod
    def describe_fields(cls):
        """One line naming every field with its type, for error messages."""
        return ", ".join(f"{name} ({_type_name(kind)})" for name, kind in cls.field_types().items())

    def _require(self, condition, message):
        if not condition:
            raise ValueError(f"{message}; valid hparams: {self.describe_fields()}")

    def override(self, text):
        """A copy with the overrides of a Magenta ``--hparams`` string applied.

        Raises
        ------
        ValueError
            One line, for an unknown name, a malformed item, a value of the
            wrong type or out of range, or a name given twice.
        """
        types_ = self.field_types()
        values = {}
        for name, raw in parse_assignments(text, self.describe_fields()):
            if name not in types_:
                raise ValueError(f"unknown hparam {name!r}; valid hparams: {self.describe_fields()}")
            if name in values:
                raise ValueError(f"hparam {name!r} is given twice; valid hparams: {self.describe_fields()}")
            try:
                values[name] = _parse_value(types_[name], raw)
            except ValueError:
                raise ValueError(f"hparam {name!r} must be {_a(_type_name(types_[name]))}, got {raw!r}; "
                                 f"valid hparams: {self.describe_fields()}") from None
        return dataclasses.replace(self, **values)

    def to_dict(self):
        """JSON-ready values (tuples as lists)."""
        return {name: list(value) if isinstance(value, tuple) else value
                for name, value in ((field.name, getattr(self, field.name)) for field in dataclasses.fields(self))}

    @classmethod
    def from_dict(cls, values):
        """The inverse of :meth:`to_dict`, checking names and types like :meth:`override`.

        Missing names take their defaults, so a config written before a new
        hyperparameter existed still loads.
        """
        types_ = cls.field_types()
        unknown = sorted(set(values) - set(types_))
        if unknown:
            raise ValueError(f"unknown hparam {unknown[0]!r}; valid hparams: {cls.describe_fields()}")
        checked = {}
        for name, value in values.items():
            try:
                checked[name] = _check_value(types_[name], value)
            except (TypeError, ValueError):
                raise ValueError(f"hparam {name!r} must be {_a(_type_name(types_[name]))}, got {value!r}; "
                                 f"valid hparams: {cls.describe_fields()}") from None
        return cls(**checked)


def parse_assignments(text, valid_names=""):
    """Splits ``"a=1,b=[2,3], c = x"`` into ``[("a", "1"), ("b", "[2,3]"), ("c", "x")]``.

    Commas inside brackets or quotes do not split; empty items (a trailing
    comma) are ignored.
    """
    items, depth, quote, start = [], 0, None, 0
    for position, char in enumerate(text + ","):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "," and depth == 0:
            items.append(text[start:position])
            start = position + 1
    assignments = []
    for item in filter(str.strip, items):
        name, equals, value = item.partition("=")
        name = name.strip()
        if not equals or not re.fullmatch(r"[A-Za-z_]\w*", name) or depth or quote:
            raise ValueError(f"cannot parse hparams item {item.strip()!r}: expected name=value; "
                             f"valid hparams: {valid_names}")
        assignments.append((name, value.strip()))
    return assignments


def _a(noun):
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _type_name(kind):
    if typing.get_origin(kind) is tuple:
        return f"list of {_TYPE_NAMES[typing.get_args(kind)[0]]}"
    return _TYPE_NAMES[kind]


def _parse_value(kind, text):
    """Converts override text to ``kind``; raises ValueError when it does not fit."""
    if typing.get_origin(kind) is tuple:
        if not (text.startswith("[") and text.endswith("]")):
            raise ValueError(text)
        inner = text[1:-1].strip()
        return tuple(_parse_value(typing.get_args(kind)[0], part.strip()) for part in inner.split(",")) \
            if inner else ()
    if kind is bool and text.lower() in _BOOLS:
        return _BOOLS[text.lower()]
    if kind is int and _INT.fullmatch(text):
        return int(text)
    if kind is float and _FLOAT.fullmatch(text):
        return float(text)
    if kind is str:
        return text[1:-1] if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"" else text
    raise ValueError(text)


def _check_value(kind, value):
    """Checks a JSON value against ``kind``; ints are accepted for floats, lists for tuples."""
    if typing.get_origin(kind) is tuple:
        if not isinstance(value, (list, tuple)):
            raise TypeError(value)
        return tuple(_check_value(typing.get_args(kind)[0], item) for item in value)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if type(value) is not kind:
        raise TypeError(value)
    return value


class StoredConfig:
    """What a model's frozen configuration needs to be stored beside checkpoints and in bundles.

    Mixed into a frozen dataclass with an ``hparams`` field. The subclass names
    its JSON tag (``STORED_FORMAT``, ``STORED_VERSION``), a ``STORED_LABEL`` for
    error messages and its hyperparameter class (``HPARAMS_TYPE``); these are
    plain class attributes, not dataclass fields.
    """

    STORED_VERSION = 1

    def with_hparams(self, text):
        """A copy with a Magenta ``--hparams`` string applied; ValueError (one line) when it is wrong."""
        return dataclasses.replace(self, hparams=self.hparams.override(text))

    def to_dict(self):
        """A JSON-ready dict holding the full configuration, tagged with its format and version."""
        values = {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}
        return {"format": self.STORED_FORMAT, "version": self.STORED_VERSION, **values,
                "hparams": self.hparams.to_dict()}

    @classmethod
    def from_dict(cls, values):
        """The inverse of :meth:`to_dict`; ValueError for another format or a newer version."""
        values = dict(values)
        if values.pop("format", None) != cls.STORED_FORMAT or values.pop("version", None) != cls.STORED_VERSION:
            raise ValueError(f"not a version-{cls.STORED_VERSION} {cls.STORED_LABEL} configuration")
        names = {field.name for field in dataclasses.fields(cls)}
        if set(values) != names:
            raise ValueError(f"an {cls.STORED_LABEL} configuration needs exactly the keys {', '.join(sorted(names))}")
        return cls(**{**values, "hparams": cls.HPARAMS_TYPE.from_dict(values["hparams"])})
