"""Plain French (and English) sentences about outcomes, never causal.

There is no comparison group, so a sentence may say that answers *evolved*
("a évolué"), never that the programme caused it. Every sentence goes through
:func:`check_no_causal_wording`, which refuses the phrases of
:data:`FORBIDDEN_PHRASES`. Counts come from the *protected* tables (a masked count
reads "< 5"), never from raw results.
"""

from __future__ import annotations

import re

import pandas as pd

from relais_analysis.config import DEFAULT_THRESHOLD
from relais_analysis.errors import RelaisError
from relais_analysis.i18n import format_decimal, format_int, format_percent
from relais_analysis.privacy.masked import is_missing, is_suppressed
from relais_analysis.outcomes.instruments import Instrument
from relais_analysis.outcomes.statistics import MIN_PAIRS, Attrition

__all__ = [
    "FORBIDDEN_PHRASES",
    "CausalWordingError",
    "attrition_sentence",
    "change_sentence",
    "check_no_causal_wording",
    "honesty_note",
    "translation_flag",
]

#: Causal phrases no generated text may contain (folded: case and accents ignored).
FORBIDDEN_PHRASES: tuple[str, ...] = (
    "grâce au programme", "grâce à", "grâce au", "grâce aux", "a permis", "ont permis", "a amélioré",
    "ont amélioré", "effet du programme", "impact du programme", "le programme a", "a réduit", "ont réduit",
    "a fait baisser", "a entraîné", "a provoqué", "est dû", "sont dus", "en raison du programme",
    "thanks to", "because of the programme", "caused by", "led to", "resulted in", "the programme improved",
    "impact of the programme", "effect of the programme", "due to the programme", "the programme reduced", "because of",
)


class CausalWordingError(RelaisError):
    """A generated text claims a cause the data cannot show."""


def _fold(text: str) -> str:
    from relais_analysis.text_folding import strip_accents

    text = text.replace("\u2019", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return strip_accents(text).lower()


_FORBIDDEN = [(p, re.compile(r"\b" + re.escape(_fold(p)) + r"\b")) for p in FORBIDDEN_PHRASES]


def check_no_causal_wording(text: str) -> str:
    """Return ``text`` unchanged, or raise if it contains a causal phrase.

    Raises
    ------
    CausalWordingError
        Naming the phrase found.

    Examples
    --------
    >>> check_no_causal_wording("Le score a évolué de -1 point.")
    'Le score a évolué de -1 point.'
    >>> check_no_causal_wording("La solitude a baissé grâce au programme.")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    relais_analysis.outcomes.sentences.CausalWordingError: Formulation causale interdite ...
    """
    folded = _fold(text)
    for phrase, pattern in _FORBIDDEN:
        if pattern.search(folded):
            raise CausalWordingError(
                f"Formulation causale interdite : « {phrase} » (il n'y a pas de groupe de comparaison).",
                f"Causal wording not allowed: '{phrase}' (there is no comparison group).")
    return text


def translation_flag(instrument: Instrument, lang: str = "fr") -> str:
    """Short flag for outputs showing the instrument: working translation, not validated.

    Examples
    --------
    >>> from relais_analysis.outcomes import load_instruments
    >>> translation_flag(load_instruments()["programme"])
    'échelle non validée'
    """
    flags = []
    if instrument.working_translation:
        flags.append("traduction française de travail, à valider" if lang == "fr"
                     else "working French translation, to be validated")
    if not instrument.validated:
        flags.append("échelle non validée" if lang == "fr" else "not a validated scale")
    return " ; ".join(flags) if lang == "fr" else "; ".join(flags)


def _count(value: object, lang: str, threshold: int) -> str:
    return format_int(value, lang, threshold=threshold)


def _signed(value: float, lang: str) -> str:
    text = format_decimal(abs(value), lang, 1)
    if round(value, 1) == 0:
        return text
    return ("+" if value > 0 else "\u2212") + text


def honesty_note(lang: str = "fr", threshold: int = DEFAULT_THRESHOLD) -> str:
    """The rules every outcome output states."""
    if lang == "en":
        text = (f"No estimate is shown for fewer than {MIN_PAIRS} parents who answered both times; every estimate "
                "comes with its 95% confidence interval; counts below "
                f"{threshold} are masked. There is no comparison group: these figures describe how answers "
                "evolved, they cannot attribute the change to the programme.")
    else:
        text = (f"Aucune estimation n'est publiée pour moins de {MIN_PAIRS} parents ayant répondu aux deux "
                "moments ; chaque estimation est donnée avec son intervalle de confiance à 95 % ; les effectifs "
                f"inférieurs à {threshold} sont masqués. Il n'y a pas de groupe de comparaison : ces chiffres "
                "décrivent comment les réponses ont évolué, ils ne permettent pas d'attribuer l'évolution au "
                "programme.")
    return check_no_causal_wording(text)


_WAVES = {"fr": {"entree": "à l'entrée", "suivi": "au suivi", "sortie": "à la sortie"},
          "en": {"entree": "at entry", "suivi": "at follow-up", "sortie": "at exit"}}


def change_sentence(row: pd.Series, instrument: Instrument, *, lang: str = "fr",
                    threshold: int = DEFAULT_THRESHOLD) -> str:
    """One sentence for one row of the protected :func:`~.tables.change_table`.

    Raises
    ------
    CausalWordingError
        Never for the built-in wording (tested); guards future edits.
    """
    waves = _WAVES["en" if lang == "en" else "fr"]
    w_from, w_to = waves.get(row["wave_from"], row["wave_from"]), waves.get(row["wave_to"], row["wave_to"])
    name = f"{row['measure']}"
    flag = translation_flag(instrument, lang)
    flag = f" ({flag})" if flag else ""
    n = _count(row["n_pairs"], lang, threshold)
    if is_suppressed(row["n_pairs"]):  # masked: below the threshold, or (with estimates) to protect another cell
        if is_missing(row["hl_estimate"]) and str(row.get("note") or ""):  # blanked below 10 pairs
            n = "moins de 10" if lang != "en" else "fewer than 10"
        else:
            n = "un nombre non publié de" if lang != "en" else "an unpublished number of"
    if is_missing(row["hl_estimate"]):
        if lang == "en":
            text = (f"{name}{flag}: too few parents answered both {w_from} and {w_to} ({n}; at least "
                    f"{MIN_PAIRS} are needed) to describe a change.")
        else:
            text = (f"{name}{flag} : effectif insuffisant pour décrire une évolution ({n} parents ont répondu "
                    f"{w_from} et {w_to} ; il en faut au moins {MIN_PAIRS}).")
        return check_no_causal_wording(text)
    better_low = instrument.direction == "lower_is_better"
    hl, low, high = row["hl_estimate"], row["hl_ci_low"], row["hl_ci_high"]

    hidden = "une part non publiée" if lang != "en" else "an unpublished share"

    def part(count_col: str, share_col: str) -> str:
        if is_suppressed(row[count_col]) or is_suppressed(row[share_col]):
            return hidden
        return format_percent(row[share_col], lang, 0)

    unchanged = row["n_unchanged"]
    share_same = (unchanged / row["n_pairs"]) if not is_suppressed(unchanged) and not is_suppressed(row["n_pairs"]) \
        else None
    same = format_percent(share_same, lang, 0) if share_same is not None else hidden
    if lang == "en":
        direction = "lower is better" if better_low else "higher is better"
        text = (f"{name}{flag}, among {'the ' if n[0].isdigit() else ''}{n} parents who answered {w_from} and {w_to} ({direction}): "
                f"the score evolved by {_signed(hl, lang)} points (Hodges-Lehmann median change, 95% CI "
                f"{_signed(low, lang)} to {_signed(high, lang)}); {part('n_improved', 'share_improved')} moved "
                f"in the better direction, {same} did not change and {part('n_worse', 'share_worse')} moved in "
                "the worse direction.")
    else:
        direction = "plus bas = mieux" if better_low else "plus haut = mieux"
        text = (f"{name}{flag}, parmi {'les ' if n[0].isdigit() else ''}{n} parents qui ont répondu {w_from} et {w_to} ({direction}) : "
                f"le score a évolué de {_signed(hl, lang)} point en médiane (estimation de Hodges-Lehmann, "
                f"IC à 95 % : {_signed(low, lang)} à {_signed(high, lang)}) ; "
                f"{part('n_improved', 'share_improved')} ont évolué dans le bon sens, {same} sont restés au "
                f"même niveau et {part('n_worse', 'share_worse')} dans le mauvais sens.")
    return check_no_causal_wording(text)


def attrition_sentence(att: Attrition, instrument: Instrument, *, lang: str = "fr",
                       threshold: int = DEFAULT_THRESHOLD, n_left: object = None) -> str:
    """Plain sentence on who did not answer the follow-up and how they compared at entry.

    ``n_left`` is the count as published in the protected attrition table (it may be
    masked there to protect another cell); default: ``att.n_left`` if not small.
    """
    waves = _WAVES["en" if lang == "en" else "fr"]
    w_to = waves.get(att.wave_to, att.wave_to)
    published = n_left if n_left is not None else (att.n_left if not 0 < att.n_left < threshold else None)
    if published is None or is_suppressed(published):
        left = "un nombre non publié de" if lang != "en" else "an unpublished number of"
    else:
        left = _count(published, lang, threshold)
    if lang == "en":
        if not att.compared:
            text = (f"{instrument.short_name}: {left} parents did not answer {w_to}; too few answers to compare "
                    "their entry scores with the others'.")
        elif att.left_worse:
            text = (f"{instrument.short_name}: the parents who did not answer {w_to} ({left.replace(' of', '')}) were "
                    f"{instrument.word('worse', 'en')} at entry (mean {format_decimal(att.mean_left, 'en')} against "
                    f"{format_decimal(att.mean_stayed, 'en')}): the change above describes parents who were "
                    "better off at the start.")
        else:
            text = (f"{instrument.short_name}: the entry scores of the {left} parents who did not answer the "
                    f"{w_to} do not clearly differ from the others' (mean {format_decimal(att.mean_left, 'en')} "
                    f"against {format_decimal(att.mean_stayed, 'en')}).")
    else:
        if not att.compared:
            text = (f"{instrument.short_name} : {left} parents n'ont pas répondu {w_to} ; trop peu de "
                    "réponses pour comparer leurs scores d'entrée à ceux des autres.")
        elif att.left_worse:
            text = (f"{instrument.short_name} : les parents qui n'ont pas répondu {w_to} ({left.replace(' de', '')}) "
                    f"étaient {instrument.word('worse', 'fr')} à l'entrée (moyenne "
                    f"{format_decimal(att.mean_left, 'fr')} contre {format_decimal(att.mean_stayed, 'fr')}) : "
                    "l'évolution décrite plus haut porte sur des parents qui allaient mieux au départ.")
        else:
            text = (f"{instrument.short_name} : les scores d'entrée des {left} parents qui n'ont pas répondu au "
                    f"{w_to} ne diffèrent pas nettement de ceux des autres (moyenne "
                    f"{format_decimal(att.mean_left, 'fr')} contre {format_decimal(att.mean_stayed, 'fr')}).")
    return check_no_causal_wording(text)

