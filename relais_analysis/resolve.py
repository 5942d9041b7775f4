"""Resolve what people type (code, postal code or name) to a Walloon commune code.

Social workers write communes in many ways: REFNIS codes of either vintage
(``62063``, ``82039``), postal codes (``4000``), and names in French, Dutch or German,
with or without accents, hyphens or capitals (``Liège``, ``liege``, ``LIEGE``,
``Luik``, ``La Louviere``, ``Sankt Vith``, ``Saint-Vith``, ``St-Vith``).
:class:`CommuneResolver` turns each into a code of the base vintage (2019-2024, see
:mod:`relais_analysis.geo`), or raises an error that lists the closest matches.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from . import geo
from .errors import ReferenceDataError, UnknownCommuneError

__all__ = ["CommuneResolver", "Resolution", "get_resolver", "normalise_name", "resolve_commune"]

_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sint": "sint"}


def normalise_name(text: str) -> str:
    """Fold a place name for matching: lower case, no accents, no punctuation.

    Examples
    --------
    >>> normalise_name("  La Louvière ")
    'la louviere'
    >>> normalise_name("St-Vith")
    'saint vith'
    """
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    folded = re.sub(r"\(.*?\)", " ", folded)
    folded = re.sub(r"[^a-z0-9]+", " ", folded).strip()
    words = [_ABBREVIATIONS.get(w, w) for w in folded.split()]
    return " ".join(words)


@dataclass(frozen=True)
class Resolution:
    """Outcome of resolving one user string.

    Attributes
    ----------
    nis : str
        Commune code in the base vintage (2019-2024).
    matched_by : str
        ``"code"``, ``"postal_code"`` or ``"name"``.
    candidates : tuple of str
        All communes the input could mean (more than one for a shared postal code;
        ``nis`` is then the first, and ``note`` says so).
    note : str
        Empty, or a remark worth reporting (translated merger code, shared postal code).
    """

    nis: str
    matched_by: str
    candidates: tuple[str, ...] = ()
    note: str = ""


class CommuneResolver:
    """Resolve commune codes, postal codes and names to base-vintage REFNIS codes.

    Built from ``data/reference`` (communes of both vintages, postal codes and the
    list of every Belgian municipality, used to say when a place exists but lies
    outside Wallonia). Results are cached per distinct input string, so resolving a
    column of 10^6 rows costs one lookup per distinct value.
    """

    def __init__(self) -> None:
        base = geo.communes_table(2024)
        merged = geo.communes_table(geo.MERGER_YEAR)
        self._names_fr = dict(zip(base["nis"], base["name_fr"]))
        self._codes = set(base["nis"]) | set(merged["nis"])
        self._by_name: dict[str, set[str]] = {}
        for frame in (base,):
            for col in ("name_fr", "name_nl", "name_de"):
                for nis, name in zip(frame["nis"], frame[col]):
                    if isinstance(name, str) and name:
                        self._by_name.setdefault(normalise_name(name), set()).add(nis)
        aliases = pd.read_csv(geo._ref_path("commune_aliases.csv"), dtype=str)
        for nis, alias in zip(aliases["nis"], aliases["alias"]):
            self._by_name.setdefault(normalise_name(alias), set()).add(nis)
        postal = pd.read_csv(geo._ref_path("postal_codes.csv"), dtype=str)
        self._postal_wallonia: dict[str, list[str]] = {}
        self._postal_other: dict[str, str] = {}
        for pc, nis19, region in zip(postal["postal_code"], postal["nis_2019"], postal["region_nis"]):
            if region == "03000":
                self._postal_wallonia.setdefault(pc, [])
                if nis19 not in self._postal_wallonia[pc]:
                    self._postal_wallonia[pc].append(nis19)
            else:
                self._postal_other[pc] = nis19
        belgium = pd.read_csv(geo._ref_path("municipalities_belgium.csv"), dtype=str)
        belgium = belgium[belgium["region_nis"] != "03000"]
        self._outside: dict[str, tuple[str, str]] = {}
        for nis, fr, nl in zip(belgium["nis"], belgium["name_fr"], belgium["name_nl"]):
            for name in (fr, nl):
                if isinstance(name, str):
                    self._outside[normalise_name(name)] = (nis, fr)
        self._outside_codes = {nis: fr for nis, fr in zip(belgium["nis"], belgium["name_fr"])}
        self._cache: dict[str, Resolution | ReferenceDataError] = {}

    def name_of(self, nis: str) -> str:
        """French name of a base-vintage commune code."""
        return self._names_fr[nis]

    def suggestions(self, text: str, n: int = 3) -> list[str]:
        """Closest commune names to ``text`` (French names, with codes)."""
        key = normalise_name(text)
        close = difflib.get_close_matches(key, list(self._by_name), n=n, cutoff=0.6)
        out = []
        for match in close:
            for nis in sorted(self._by_name[match]):
                label = f"{self._names_fr[nis]} ({nis})"
                if label not in out:
                    out.append(label)
        return out[:n]

    def resolve(self, text: object) -> Resolution:
        """Resolve one string to a commune.

        Parameters
        ----------
        text : object
            A REFNIS code (5 digits, either vintage), a Belgian postal code (4 digits)
            or a commune name in French, Dutch or German.

        Returns
        -------
        Resolution

        Raises
        ------
        UnknownCommuneError
            Nothing matches; the message lists the closest names.
        ReferenceDataError
            The place exists but is outside Wallonia, or the input is empty.
        """
        key = str(text).strip() if text is not None else ""
        cached = self._cache.get(key)
        if cached is None:
            try:
                cached = self._resolve(key)
            except ReferenceDataError as exc:
                cached = exc
            self._cache[key] = cached
        if isinstance(cached, ReferenceDataError):
            raise cached
        return cached

    def _resolve(self, key: str) -> Resolution:
        if not key or key.lower() in {"nan", "none"}:
            raise ReferenceDataError("Commune vide.", "Empty commune.")
        digits = key.removesuffix(".0")
        if digits.isdigit() and len(digits) == 5:
            if digits in self._codes:
                base = geo.base_code(digits)
                note = "" if base == digits else f"code fusionné {digits} lu comme {base} ({self._names_fr[base]})"
                return Resolution(base, "code", (base,), note)
            if digits in self._outside_codes:
                raise self._outside_error(key, digits, self._outside_codes[digits])
            raise UnknownCommuneError(key, [])
        if digits.isdigit() and len(digits) == 4:
            if digits in self._postal_wallonia:
                cands = tuple(self._postal_wallonia[digits])
                note = ""
                if len(cands) > 1:
                    names = ", ".join(f"{self._names_fr[c]} ({c})" for c in cands)
                    note = f"code postal {digits} partagé par {names} : première retenue"
                return Resolution(cands[0], "postal_code", cands, note)
            if digits in self._postal_other:
                nis = self._postal_other[digits]
                raise self._outside_error(key, nis, self._outside_codes.get(nis, nis))
            raise UnknownCommuneError(key, [])
        norm = normalise_name(key)
        matches = self._by_name.get(norm)
        if matches:
            ordered = tuple(sorted(matches))
            if len(ordered) > 1:
                names = ", ".join(f"{self._names_fr[c]} ({c})" for c in ordered)
                raise ReferenceDataError(
                    f"Nom ambigu {key!r} : {names}. Utilisez le code REFNIS.",
                    f"Ambiguous name {key!r}: {names}. Use the REFNIS code.",
                )
            return Resolution(ordered[0], "name", ordered)
        if norm in self._outside:
            nis, fr = self._outside[norm]
            raise self._outside_error(key, nis, fr)
        raise UnknownCommuneError(key, self.suggestions(key))

    @staticmethod
    def _outside_error(text: str, nis: str, name: str) -> ReferenceDataError:
        return ReferenceDataError(
            f"{text!r} désigne {name} ({nis}), qui n'est pas en Wallonie.",
            f"{text!r} is {name} ({nis}), which is not in Wallonia.",
        )


@functools.lru_cache(maxsize=1)
def get_resolver() -> CommuneResolver:
    """The shared resolver built from ``data/reference`` (built once per process)."""
    return CommuneResolver()


def resolve_commune(text: object) -> str:
    """Resolve one string to a base-vintage commune code; see :meth:`CommuneResolver.resolve`.

    Examples
    --------
    >>> resolve_commune("Luik")
    '62063'
    """
    return get_resolver().resolve(text).nis
