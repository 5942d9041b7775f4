"""The text catalogue: every word a reader sees, French and English side by side.

The texts are the ``<domain>.toml`` files of this folder (package data), loaded once;
:mod:`relais_analysis.i18n` re-exports the functions below and documents the key
scheme and how to add a text.
"""

from __future__ import annotations

import difflib
import functools
import string
import tomllib
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any

from relais_analysis.config import SUPPORTED_LANGS
from relais_analysis.errors import ParameterError

__all__ = ["catalogue", "check_lang", "templates", "text", "text_keys", "text_pair"]

_LANGS = ("fr", "en")


def check_lang(lang: object) -> str:
    """Return ``lang`` if it is a supported language (re-exported by :mod:`relais_analysis.i18n`).

    Raises
    ------
    ParameterError
        If ``lang`` is not one of :data:`~relais_analysis.config.SUPPORTED_LANGS` (the message lists them).
    """
    if lang not in SUPPORTED_LANGS:
        raise ParameterError(*text_pair("format_error.unknown_language", code=lang, valid=", ".join(SUPPORTED_LANGS)))
    return lang  # type: ignore[return-value]


_check_lang = check_lang


#: Package folder of the catalogue files (``<domain>.toml``).
TEXTS_PACKAGE = "relais_analysis.texts"


def _flatten(table: Mapping[str, Any], prefix: str, source: str, out: dict[str, dict[str, str]]) -> None:
    for name, value in table.items():
        key = f"{prefix}.{name}"
        if not isinstance(value, dict):
            raise ValueError(f"{source}: {key!r} must be a table with fr and en, not {value!r}")
        if "fr" in value or "en" in value:
            if set(value) != set(_LANGS) or not all(isinstance(v, str) for v in value.values()):
                raise ValueError(f"{source}: {key!r} must have exactly the strings fr and en, found {sorted(value)}")
            out[key] = {lang: value[lang] for lang in _LANGS}
        else:
            _flatten(value, key, source, out)


@functools.cache
def _load_catalogue() -> Mapping[str, Mapping[str, str]]:
    texts: dict[str, dict[str, str]] = {}
    for entry in sorted(resources.files(TEXTS_PACKAGE).iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        domain = entry.name.removesuffix(".toml")
        found: dict[str, dict[str, str]] = {}
        _flatten(tomllib.loads(entry.read_text(encoding="utf-8")), domain, entry.name, found)
        clash = sorted(set(found) & set(texts))
        if clash:  # pragma: no cover - one file per domain makes this impossible
            raise ValueError(f"{entry.name}: keys already defined in another file: {clash}")
        texts.update(found)
    return MappingProxyType({key: MappingProxyType(pair) for key, pair in texts.items()})


def catalogue() -> Mapping[str, Mapping[str, str]]:
    """Every text of the catalogue, key -> ``{"fr": ..., "en": ...}`` (read-only).

    Loaded once from ``relais_analysis/texts/*.toml``.

    Raises
    ------
    ValueError
        If a catalogue file is malformed (a key without both ``fr`` and ``en``).
    """
    return _load_catalogue()


def text_keys(prefix: str = "") -> list[str]:
    """Keys of the catalogue starting with ``prefix``, in file order.

    Examples
    --------
    >>> text_keys("province.")[:2]
    ['province.20002', 'province.50000']
    """
    return [key for key in catalogue() if key.startswith(prefix)]


def _unknown_key(key: object) -> KeyError:
    close = difflib.get_close_matches(str(key), list(catalogue()), n=3)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    return KeyError(f"Unknown text key {key!r}.{hint} The texts are in relais_analysis/texts/*.toml.")


def _fill(key: str, template: str, fields: Mapping[str, object]) -> str:
    try:
        return template.format(**fields)
    except (KeyError, IndexError) as exc:
        wanted = sorted({f for _, f, _, _ in string.Formatter().parse(template) if f})
        raise KeyError(f"Text {key!r} needs the fields {wanted}, got {sorted(fields)} (missing {exc}).") from None


def text(key: str, lang: str = "fr", **fields: object) -> str:
    """The catalogue text ``key`` in ``lang``, its ``{fields}`` filled.

    Examples
    --------
    >>> text("chart.of_parents", "en", n="1,184")
    'of 1,184 parents'
    >>> text("label.wallonia")
    'Wallonie'

    Raises
    ------
    KeyError
        If ``key`` is unknown (the message suggests close keys) or a field is missing.
    ParameterError
        If ``lang`` is not supported.
    """
    _check_lang(lang)
    pair = catalogue().get(key)
    if pair is None:
        raise _unknown_key(key)
    return _fill(key, pair[lang], fields)


def text_pair(key: str, **fields: object) -> tuple[str, str]:
    """``(french, english)`` of ``key``: the two messages of a :class:`~relais_analysis.errors.RelaisError`.

    Examples
    --------
    >>> text_pair("label.commune")
    ('Commune', 'Municipality')

    Raises
    ------
    KeyError
        If ``key`` is unknown or a field is missing.
    """
    return text(key, "fr", **fields), text(key, "en", **fields)


def templates(prefix: str, lang: str = "fr") -> dict[str, str]:
    """The texts under ``prefix`` in ``lang``, fields **not** filled, by the rest of their key.

    For code that picks several texts of one domain and fills them itself.

    Examples
    --------
    >>> templates("outcome.chart.", "en")["pairs"]
    '{n} pairs'

    Raises
    ------
    ParameterError
        If ``lang`` is not supported.
    """
    _check_lang(lang)
    return {key[len(prefix):]: pair[lang] for key, pair in catalogue().items() if key.startswith(prefix)}
