"""Resolve what people type (code, postal code or name) to a Walloon commune code.

Social workers write communes in many ways: REFNIS codes of either vintage
(``62063``, ``82039``), postal codes (``4000``), and names in French, Dutch or German,
with or without accents, hyphens or capitals (``Liège``, ``liege``, ``LIEGE``,
``Luik``, ``La Louviere``, ``Sankt Vith``, ``Saint-Vith``, ``St-Vith``), and villages or
former communes (``Jambes``, ``5100 Jambes``, ``Jambes (5100)`` -> Namur), from the
1,577 localities of ``data/reference/localities.csv``.
:class:`CommuneResolver` turns each into a code of the base vintage (2019-2024, see
:mod:`relais_analysis.geography.reference`), or raises an error that lists the closest matches. A
name found in several communes (``Noville``, ``Celles``...) is refused with the
candidates and their postal codes; with the postal code it resolves.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

import pandas as pd

from relais_analysis.geography import reference
from relais_analysis.geography.names import normalise_name
from relais_analysis.errors import AmbiguousPlaceError, ReferenceDataError, UnknownCommuneError
from relais_analysis.text_folding import plain
from relais_analysis.texts import text, text_pair

__all__ = ["CommuneResolver", "Resolution", "get_resolver", "place_choices", "resolve_commune"]

#: "5100 Jambes", "Jambes 5100", "Jambes (5100)", "Jambes (5100, Namur)", "Jambes - 5100".
_WITH_POSTAL = (
    re.compile(r"^(?:B-?)?(?P<pc>\d{4})\s*[-,]?\s+(?P<name>\D.*)$"),
    re.compile(r"^(?P<name>.*?\D)\s*\((?:B-?)?(?P<pc>\d{4})\b[^)]*\)$"),
    re.compile(r"^(?P<name>.*?\D)\s*[-,]?\s+(?:B-?)?(?P<pc>\d{4})$"),
)

def _full_key(text: str) -> str:
    """Like :func:`normalise_name` but keeping what is in brackets: ``"Celles (Tournai)"`` -> ``"celles tournai"``."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain(text).lower()).split())


@dataclass(frozen=True)
class Resolution:
    """Outcome of resolving one user string.

    Attributes
    ----------
    nis : str
        Commune code in the base vintage (2019-2024).
    matched_by : str
        ``"code"``, ``"postal_code"``, ``"name"`` (a commune name) or ``"locality"``
        (a village or former commune, with or without its postal code).
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
        base = reference.communes_table(2024)
        merged = reference.communes_table(reference.MERGER_YEAR)
        self._names_fr = dict(zip(base["nis"], base["name_fr"]))
        self._codes = set(base["nis"]) | set(merged["nis"])
        self._by_name: dict[str, set[str]] = {}
        for frame in (base,):
            for col in ("name_fr", "name_nl", "name_de"):
                for nis, name in zip(frame["nis"], frame[col]):
                    if isinstance(name, str) and name:
                        self._by_name.setdefault(normalise_name(name), set()).add(nis)
        aliases = pd.read_csv(reference.reference_file("commune_aliases.csv"), dtype=str)
        for nis, alias in zip(aliases["nis"], aliases["alias"]):
            self._by_name.setdefault(normalise_name(alias), set()).add(nis)
        #: normalised commune name (fr, nl, de, alias) -> communes of that name
        self._communes_named = {key: set(codes) for key, codes in self._by_name.items()}
        #: official names that carry their arrondissement, "Celles (Tournai)", read in full
        self._full_names = {_full_key(name): nis for nis, name in self._names_fr.items() if "(" in name}
        locs = reference.localities()
        #: normalised name -> {nis: [postal codes]} for every locality
        self._localities: dict[str, dict[str, list[str]]] = {}
        self._locality_label: dict[tuple[str, str], str] = {}
        for name, pc, nis in zip(locs["locality_fr"], locs["postal_code"], locs["nis"]):
            key = normalise_name(name)
            self._localities.setdefault(key, {}).setdefault(nis, []).append(pc)
            self._by_name.setdefault(key, set()).add(nis)
            self._locality_label.setdefault((key, nis), name)
        self._postal_of_commune: dict[str, list[str]] = {}
        for pc, nis in sorted(set(zip(locs["postal_code"], locs["nis"]))):
            self._postal_of_commune.setdefault(nis, []).append(pc)
        postal = pd.read_csv(reference.reference_file("postal_codes.csv"), dtype=str)
        self._postal_wallonia: dict[str, list[str]] = {}
        self._postal_other: dict[str, str] = {}
        for pc, nis19, region in zip(postal["postal_code"], postal["nis_2019"], postal["region_nis"]):
            if region == "03000":
                self._postal_wallonia.setdefault(pc, [])
                if nis19 not in self._postal_wallonia[pc]:
                    self._postal_wallonia[pc].append(nis19)
            else:
                self._postal_other[pc] = nis19
        belgium = pd.read_csv(reference.reference_file("municipalities_belgium.csv"), dtype=str)
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
        """Closest commune and locality names to ``text``, best first.

        Communes read ``"Charleroi (52011)"``; localities read ``"Jambes (5100, Namur)"``,
        a form the resolver accepts as typed.
        """
        key = normalise_name(text)
        close = difflib.get_close_matches(key, list(self._by_name), n=n, cutoff=0.6)
        out: list[str] = []
        for match in close:
            for nis in sorted(self._by_name[match]):
                if nis in self._communes_named.get(match, ()):
                    label = f"{self._names_fr[nis]} ({nis})"
                else:
                    pcs = self._localities[match][nis]
                    label = f"{self._locality_label[(match, nis)]} ({pcs[0]}, {self._names_fr[nis]})"
                if label not in out:
                    out.append(label)
        return out[:n]

    def _how(self, key: str, nis: str) -> str:
        return "name" if nis in self._communes_named.get(key, ()) else "locality"

    def choices(self) -> list[str]:
        """See :func:`place_choices`."""
        out = set()
        for nis, name in self._names_fr.items():
            key = normalise_name(name)
            if len(self._by_name.get(key, ())) == 1:
                out.add(name)
            elif not self._localities.get(key, {}).get(nis):
                # a commune whose bare name is ambiguous and that has no locality of that name
                out.add(f"{name} ({self._postal_of_commune[nis][0]})")
            # else: offered below as its own locality, "Celles (7760)"
        for key, by_nis in self._localities.items():
            for nis, pcs in by_nis.items():
                for pc in pcs:
                    out.add(f"{self._locality_label[(key, nis)]} ({pc})")
        return sorted(out, key=lambda s: (normalise_name(s), s))

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
            raise ReferenceDataError(*text_pair("geography_error.empty_commune"))
        digits = key.removesuffix(".0")
        if digits.isdigit() and len(digits) == 5:
            if digits in self._codes:
                base = reference.base_code(digits)
                note = "" if base == digits else text("geography_error.merged_code", code=digits, base=base,
                                                      name=self._names_fr[base])
                return Resolution(base, "code", (base,), note)
            if digits in self._outside_codes:
                raise self._outside_error(key, digits, self._outside_codes[digits])
            raise _unknown(key, [])
        if digits.isdigit() and len(digits) == 4:
            if digits in self._postal_wallonia:
                cands = tuple(self._postal_wallonia[digits])
                note = ""
                if len(cands) > 1:
                    names = ", ".join(f"{self._names_fr[c]} ({c})" for c in cands)
                    note = text("geography_error.shared_postal_code", code=digits, names=names)
                return Resolution(cands[0], "postal_code", cands, note)
            if digits in self._postal_other:
                nis = self._postal_other[digits]
                raise self._outside_error(key, nis, self._outside_codes.get(nis, nis))
            raise _unknown(key, [])
        if _full_key(key) in self._full_names:
            nis = self._full_names[_full_key(key)]
            return Resolution(nis, "name", (nis,))
        for pattern in _WITH_POSTAL:
            found = pattern.match(key)
            if found:
                return self._resolve_with_postal(key, found["name"].strip(" -,"), found["pc"])
        norm = normalise_name(key)
        matches = self._by_name.get(norm)
        if matches:
            ordered = tuple(sorted(matches))
            if len(ordered) > 1:
                raise self._ambiguous(key, norm, ordered)
            return Resolution(ordered[0], self._how(norm, ordered[0]), ordered)
        if norm in self._outside:
            nis, fr = self._outside[norm]
            raise self._outside_error(key, nis, fr)
        raise _unknown(key, self.suggestions(key))

    def _resolve_with_postal(self, key: str, name: str, pc: str) -> Resolution:
        """A name with its postal code: the commune must hold both."""
        norm = normalise_name(name)
        in_postal = set(self._postal_wallonia.get(pc, ()))
        in_postal |= {nis for nis, pcs in self._localities.get(norm, {}).items() if pc in pcs}
        if not in_postal:
            if pc in self._postal_other:
                nis = self._postal_other[pc]
                raise self._outside_error(key, nis, self._outside_codes.get(nis, nis))
            raise _unknown(key, self.suggestions(name))
        named = self._by_name.get(norm, set())
        both = sorted(named & in_postal)
        if len(both) == 1:
            return Resolution(both[0], self._how(norm, both[0]), (both[0],))
        if not named:
            raise _unknown(key, self.suggestions(name))
        communes = ", ".join(f"{self._names_fr[c]} ({c})" for c in sorted(in_postal))
        fields = dict(typed=key, pc=pc, communes=communes, name=name)
        raise ReferenceDataError(*(text("geography_error.postal_code_mismatch", lang, hint=self._hint(norm, lang), **fields)
                                   for lang in ("fr", "en")))

    def _hint(self, norm: str, lang: str = "fr") -> str:
        labels = self._labels(norm, tuple(sorted(self._by_name.get(norm, ()))))
        if not labels:
            return ""
        listed = ", ".join(label for label, *_ in labels)
        return text("geography_error.possible_places", lang, listed=listed)

    def _labels(self, norm: str, codes: tuple[str, ...]) -> list[tuple[str, str, str, str]]:
        out = []
        for nis in codes:
            pcs = self._localities.get(norm, {}).get(nis) or self._postal_of_commune.get(nis, [])[:1]
            name = self._locality_label.get((norm, nis), self._names_fr[nis])
            out.append((f"{name} ({pcs[0]})", ", ".join(pcs), nis, self._names_fr[nis]))
        return out

    def _ambiguous(self, key: str, norm: str, codes: tuple[str, ...]) -> AmbiguousPlaceError:
        candidates = self._labels(norm, codes)
        listed = {lang: "; ".join(text("geography_error.ambiguous_candidate", lang, label=label, commune=commune,
                                       nis=nis) for label, _pc, nis, commune in candidates) for lang in ("fr", "en")}
        example = candidates[0][0] if candidates else ""
        return AmbiguousPlaceError(
            *(text("geography_error.ambiguous_place", lang, text=key, listed=listed[lang], example=example)
              for lang in ("fr", "en")),
            text=key, candidates=candidates)

    @staticmethod
    def _outside_error(text: str, nis: str, name: str) -> ReferenceDataError:
        return ReferenceDataError(*text_pair("geography_error.outside_wallonia", text=text, name=name, nis=nis))


def _unknown(key: str, suggestions: list[str]) -> UnknownCommuneError:
    """The error for a place that matches no commune, with the closest names (if any) as a hint."""
    hints = {lang: text("geography_error.did_you_mean", lang, suggestions=", ".join(suggestions)) if suggestions else ""
             for lang in ("fr", "en")}
    return UnknownCommuneError(*(text("geography_error.unknown_commune", lang, text=key, hint=hints[lang])
                                 for lang in ("fr", "en")), text=key, suggestions=suggestions)


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


def place_choices() -> list[str]:
    """Every place a template's "place of residence" dropdown offers.

    Each commune by its French name, and each locality as ``"Locality (postal code)"``;
    de-duplicated and sorted as a French reader expects (accents and case ignored).
    A commune whose name is also a village of another commune (Celles, Neufchâteau,
    Saint-Léger) is offered with its postal code only, since the bare name is
    ambiguous. The resolver accepts every string of the list and resolves it to
    exactly one commune (tested for all of them).

    Returns
    -------
    list of str

    Raises
    ------
    ReferenceDataError
        If the reference files are missing.

    Examples
    --------
    >>> choices = place_choices()
    >>> "Jambes (5100)" in choices and "Namur" in choices and "Celles (7760)" in choices
    True
    >>> "Celles" in choices
    False
    >>> resolve_commune("Jambes (5100)")
    '92094'
    """
    return get_resolver().choices()
