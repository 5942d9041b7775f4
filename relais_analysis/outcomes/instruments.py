"""Questionnaire instruments as data: load and check the definition files.

An instrument is one YAML (or JSON) file in ``relais_analysis/instruments/`` (the
bundled ones) or in a folder the user names: its items, answer options and their
codes, points, reverse-coded items, missing-answer rule, score range, bands,
optional raw-to-metric conversion, and its source and licence. Every file is
checked against ``instrument.schema.json`` (JSON Schema) and then for consistency
(answer sets exist, points fit the score range, bands tile it without gap or
overlap, the conversion covers every raw score). Adding an instrument means adding
a file: no code changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from relais_analysis import i18n
from relais_analysis.config import package_dir
from relais_analysis.errors import InputDataError

__all__ = ["AnswerOption", "Band", "Instrument", "InstrumentError", "Item", "Subscale", "bundled_dir",
           "in_language", "load_instrument", "load_instruments"]


class InstrumentError(InputDataError):
    """An instrument definition file is unreadable or inconsistent."""


@dataclass(frozen=True)
class AnswerOption:
    """One answer option: the code typed in the data, its points, its labels."""

    code: int
    points: float | None
    missing: bool
    fr: str
    en: str

    def label(self, lang: str = "fr") -> str:
        """The option's label in ``lang``."""
        return self.en if lang == "en" else self.fr


@dataclass(frozen=True)
class Item:
    """One question of an instrument."""

    id: str
    fr: str
    en: str
    answer_set: str
    options: tuple[AnswerOption, ...]
    reverse: bool = False
    subscale: str | None = None

    def points_by_code(self) -> dict[int, float | None]:
        """Code -> points (``None`` for an answer that counts as missing), reverse applied."""
        scored = [o for o in self.options if not o.missing]
        points = [o.points for o in scored]
        if self.reverse:
            points = points[::-1]
        out: dict[int, float | None] = {o.code: p for o, p in zip(scored, points)}
        out.update({o.code: None for o in self.options if o.missing})
        return out

    def text(self, lang: str = "fr") -> str:
        """The question's wording in ``lang``."""
        return self.en if lang == "en" else self.fr


@dataclass(frozen=True)
class Band:
    """A published band of the score (e.g. 0-1 "not lonely")."""

    id: str
    min: float
    max: float
    fr: str
    en: str

    def label(self, lang: str = "fr") -> str:
        """The band's label in ``lang``."""
        return self.en if lang == "en" else self.fr


@dataclass(frozen=True)
class Subscale:
    """A subscale: items, range and its own missing rule."""

    id: str
    fr: str
    en: str
    min: float
    max: float
    max_missing: int
    items: tuple[str, ...]


@dataclass(frozen=True)
class Instrument:
    """A validated instrument definition (see ``instrument.schema.json``).

    Attributes
    ----------
    id : str
        Value of the ``instrument`` column of the questionnaires table.
    direction : {"higher_is_better", "lower_is_better"}
        Whether a rise of the score is an improvement.
    translation_fr : {"validated", "working", "original"}
        ``working`` marks a working translation to be validated; every output that
        shows the French wording says so (:attr:`working_translation`).
    raw : dict
        The file's content, for outputs that need more (sources, notes).
    """

    id: str
    version: str
    name_fr: str
    name_en: str
    short_name: str
    validated: bool
    audience: str
    translation_fr: str
    direction: str
    items: tuple[Item, ...]
    score_min: float
    score_max: float
    max_missing: int
    bands: tuple[Band, ...]
    subscales: tuple[Subscale, ...]
    conversion: dict[float, float] | None
    conversion_name: str | None
    path: Path
    raw: dict = field(repr=False, compare=False, hash=False)

    @property
    def item_ids(self) -> list[str]:
        """Item ids in questionnaire order (the data columns)."""
        return [item.id for item in self.items]

    @property
    def working_translation(self) -> bool:
        """Whether the French wording is a working translation still to be validated."""
        return self.translation_fr == "working"

    @property
    def higher_is_better(self) -> bool:
        """Whether a higher score is the better state."""
        return self.direction == "higher_is_better"

    def name(self, lang: str = "fr") -> str:
        """The instrument's full name in ``lang``."""
        return self.name_en if lang == "en" else self.name_fr

    def text(self, key: str, lang: str = "fr") -> str:
        """A bilingual text of the file (``translation_note``, ``instructions``...), or ``""``."""
        value = self.raw.get(key)
        return in_language(value, lang) if isinstance(value, dict) else ""

    def source(self, key: str, lang: str = "fr") -> str:
        """``source.<key>`` (``reference``, ``licence``...) in ``lang`` (:func:`in_language`), or ``""``."""
        return in_language(self.raw["source"].get(key, ""), lang)

    def word(self, key: str, lang: str = "fr") -> str:
        """A sentence word (``construct``, ``worse``) in ``lang``."""
        return self.raw["words"][f"{key}_{'en' if lang == 'en' else 'fr'}"]

    def band_of(self, scores: np.ndarray) -> np.ndarray:
        """Band id of each score (object array, ``None`` for NaN or no bands).

        Examples
        --------
        >>> djg = load_instruments()["djg6"]
        >>> djg.band_of(np.array([0.0, 3.0, 6.0, np.nan])).tolist()
        ['not_lonely', 'moderately_lonely', 'severely_lonely', None]
        """
        scores = np.asarray(scores, dtype=float)
        out = np.full(scores.shape, None, dtype=object)
        for band in self.bands:
            out[(scores >= band.min) & (scores <= band.max)] = band.id
        return out


def in_language(value: str | dict[str, str], lang: str = "fr") -> str:
    """A text of an instrument file in ``lang``: ``{"fr": ..., "en": ...}``, or one string (a citation, as published).

    Examples
    --------
    >>> in_language({"fr": "Libre.", "en": "Free."}, "fr"), in_language("Dalgard OS et al. (2006)", "fr")
    ('Libre.', 'Dalgard OS et al. (2006)')
    """
    return value.get("en" if lang == "en" else "fr", "") if isinstance(value, dict) else value


def bundled_dir() -> Path:
    """Folder of the instrument files shipped with the package."""
    return package_dir() / "instruments"


@lru_cache(maxsize=1)
def _schema() -> dict:
    return json.loads((bundled_dir() / "instrument.schema.json").read_text(encoding="utf-8"))


def _jsonschema():  # noqa: ANN202 - the jsonschema module
    """``jsonschema``, imported on first use without its optional IRI grammar.

    When ``rfc3987_syntax`` is installed (jupyterlab's dependencies bring it), importing
    jsonschema compiles its IRI grammars: about 1.1 s of CPU in every process that loads a
    dataset (the CLI, each worker and kernel of a report). The instrument schema checks no
    ``format``, so jsonschema is imported here without it; a process that imported
    jsonschema before keeps its own.
    """
    import sys

    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # makes its import fail: skipped
        try:
            import jsonschema
        finally:
            del sys.modules["rfc3987_syntax"]
    import jsonschema

    return jsonschema


def _fail(path: Path, key: str, **fields: object) -> InstrumentError:
    """The error of an invalid definition: ``instrument_error.invalid`` around ``instrument_error.<key>``."""
    return _fail_with(path, i18n.text_pair(f"instrument_error.{key}", **fields))


def _fail_with(path: Path, detail: tuple[str, str]) -> InstrumentError:
    fr, en = (i18n.text("instrument_error.invalid", lang, detail=part) for lang, part in zip(("fr", "en"), detail))
    return InstrumentError(fr, en, file=path)


def _read(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
        raise _fail(path, "unreadable", error=exc) from exc
    if not isinstance(data, dict):
        raise _fail(path, "not_mapping")
    errors = sorted(_jsonschema().Draft202012Validator(_schema()).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        err = errors[0]
        where = "/".join(str(p) for p in err.path) or i18n.text("instrument_error.root")
        raise _fail(path, "schema", where=where, message=err.message)
    return data


def _check_range(path: Path, what: tuple[str, str], low: float, high: float, lo_ok: float, hi_ok: float) -> None:
    """Refuse a stated range that the item points do not give; ``what`` is (french, english)."""
    if low != lo_ok or high != hi_ok:
        given, stated = f"{lo_ok:g}-{hi_ok:g}", f"{low:g}-{high:g}"
        fr, en = (i18n.text("instrument_error.range", lang, what=name, given=given, stated=stated)
                  for lang, name in zip(("fr", "en"), what))
        raise _fail_with(path, (fr, en))


def _build(path: Path, data: dict) -> Instrument:
    sets: dict[str, tuple[AnswerOption, ...]] = {}
    for name, options in data["answer_sets"].items():
        opts = tuple(AnswerOption(int(o["code"]), o.get("points"), bool(o.get("missing", False)), o["fr"], o["en"])
                     for o in options)
        codes = [o.code for o in opts]
        if len(set(codes)) != len(codes):
            raise _fail(path, "duplicate_codes", name=repr(name))
        if any(o.points is None and not o.missing for o in opts):
            raise _fail(path, "points_needed", name=repr(name))
        sets[name] = opts
    items = []
    for it in data["items"]:
        if it["answers"] not in sets:
            raise _fail(path, "unknown_answer_set", item=repr(it["id"]), answers=repr(it["answers"]))
        items.append(Item(it["id"], it["fr"], it["en"], it["answers"], sets[it["answers"]],
                          bool(it.get("reverse", False)), it.get("subscale")))
    ids = [i.id for i in items]
    if len(set(ids)) != len(ids):
        raise _fail(path, "duplicate_items")
    score = data["score"]
    mins = [min(p for p in i.points_by_code().values() if p is not None) for i in items]
    maxs = [max(p for p in i.points_by_code().values() if p is not None) for i in items]
    _check_range(path, ("score", "score"), score["min"], score["max"], sum(mins), sum(maxs))
    if score["max_missing"] >= len(items):
        raise _fail(path, "max_missing")
    bands = tuple(Band(b["id"], b["min"], b["max"], b["fr"], b["en"]) for b in score.get("bands", []))
    if bands:
        expected_starts = [score["min"]] + [b.max + 1 for b in bands[:-1]]
        step_ok = all(b.min == start for b, start in zip(bands, expected_starts))
        if not step_ok or bands[-1].max != score["max"] or any(b.min > b.max for b in bands):
            raise _fail(path, "bands")
    subscales = []
    for sid, sub in (data.get("subscales") or {}).items():
        members = [i for i in items if i.subscale == sid]
        if not members:
            raise _fail(path, "empty_subscale", subscale=repr(sid))
        _check_range(path, i18n.text_pair("instrument_error.subscale", subscale=sid), sub["min"], sub["max"],
                     sum(mins[ids.index(i.id)] for i in members), sum(maxs[ids.index(i.id)] for i in members))
        subscales.append(Subscale(sid, sub["fr"], sub["en"], sub["min"], sub["max"], sub["max_missing"],
                                  tuple(i.id for i in members)))
    unknown = {i.subscale for i in items if i.subscale} - {s.id for s in subscales}
    if unknown:
        raise _fail(path, "undeclared_subscales", subscales=sorted(unknown))
    conversion = conv_name = None
    if score.get("conversion"):
        table = {float(raw): float(metric) for raw, metric in score["conversion"]["table"]}
        needed = {float(v) for v in np.arange(score["min"], score["max"] + 1)}
        if set(table) != needed:
            raise _fail(path, "conversion")
        conversion, conv_name = table, score["conversion"]["name"]
    return Instrument(
        id=data["id"], version=str(data["version"]), name_fr=data["name"]["fr"], name_en=data["name"]["en"],
        short_name=data.get("short_name", data["id"]), validated=data["validated"], audience=data["audience"],
        translation_fr=data["translation_fr"], direction=data["direction"], items=tuple(items),
        score_min=float(score["min"]), score_max=float(score["max"]), max_missing=int(score["max_missing"]),
        bands=bands, subscales=tuple(subscales), conversion=conversion, conversion_name=conv_name,
        path=path, raw=data,
    )


def load_instrument(path: str | Path) -> Instrument:
    """Load and check one instrument file (``.yaml``, ``.yml`` or ``.json``).

    Raises
    ------
    InstrumentError
        If the file is unreadable, breaks the schema, or is inconsistent (unknown
        answer set, points that do not add up to the stated range, bands with a gap,
        an incomplete conversion table...). The message names the file and the key.
    """
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise _fail(path, "unreadable", error=exc) from exc
    return _load_cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _load_cached(path: str, mtime_ns: int, size: int) -> Instrument:
    """Parsed instrument, cached until the file changes (YAML parsing is slow)."""
    return _build(Path(path), _read(Path(path)))


def load_instruments(*folders: str | Path, bundled: bool = True) -> dict[str, Instrument]:
    """All instruments: the bundled ones plus every file of ``folders``.

    Parameters
    ----------
    *folders : str or Path
        Extra folders of instrument files (users add an instrument by adding a file).
    bundled : bool, default True
        Include the instruments shipped with the package.

    Returns
    -------
    dict of str to Instrument
        Keyed by instrument id, in file-name order.

    Raises
    ------
    InstrumentError
        If a file is invalid, a folder does not exist, or two files share an id.

    Examples
    --------
    >>> sorted(load_instruments())
    ['djg6', 'osss3', 'programme', 'swemwbs']
    """
    dirs = ([bundled_dir()] if bundled else []) + [Path(f) for f in folders]
    found: dict[str, Instrument] = {}
    for folder in dirs:
        if not folder.is_dir():
            raise InstrumentError(*i18n.text_pair("instrument_error.no_folder", folder=folder), file=folder)
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in {".yaml", ".yml", ".json"} or path.name.endswith(".schema.json"):
                continue
            inst = load_instrument(path)
            if inst.id in found:
                raise InstrumentError(*i18n.text_pair("instrument_error.defined_twice", instrument=repr(inst.id),
                                                      first=found[inst.id].path.name, second=path.name), file=path)
            found[inst.id] = inst
    return found
