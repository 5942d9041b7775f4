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
from relais_analysis.i18n import format_decimal, format_int, format_percent, templates, text, text_pair
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
            raise CausalWordingError(*text_pair("outcome_error.causal_wording", phrase=phrase))
    return text


def translation_flag(instrument: Instrument, lang: str = "fr") -> str:
    """Short flag for outputs showing the instrument: working translation, not validated.

    Examples
    --------
    >>> from relais_analysis.outcomes import load_instruments
    >>> translation_flag(load_instruments()["programme"])
    'échelle non validée'
    """
    lang = "fr" if lang == "fr" else "en"
    flags = []
    if instrument.working_translation:
        flags.append(text("outcome.flag.working_translation", lang))
    if not instrument.validated:
        flags.append(text("outcome.flag.not_validated", lang))
    return text("punct.semicolon", lang).join(flags)


def _count(value: object, lang: str, threshold: int) -> str:
    return format_int(value, lang, threshold=threshold)


def _signed(value: float, lang: str) -> str:
    text = format_decimal(abs(value), lang, 1)
    if round(value, 1) == 0:
        return text
    return ("+" if value > 0 else "\u2212") + text


def honesty_note(lang: str = "fr", threshold: int = DEFAULT_THRESHOLD) -> str:
    """The rules every outcome output states."""
    note = text("outcome.honesty_note", "en" if lang == "en" else "fr", min_pairs=MIN_PAIRS, threshold=threshold)
    return check_no_causal_wording(note)


def _waves(lang: str) -> dict[str, str]:
    """How each wave reads in a sentence ("à l'entrée"), by wave code."""
    return templates("outcome.wave.", lang)


def change_sentence(row: pd.Series, instrument: Instrument, *, lang: str = "fr",
                    threshold: int = DEFAULT_THRESHOLD) -> str:
    """One sentence for one row of the protected :func:`~.tables.change_table`.

    Raises
    ------
    CausalWordingError
        Never for the built-in wording (tested); guards future edits.
    """
    lang = "en" if lang == "en" else "fr"
    waves = _waves(lang)
    w_from, w_to = waves.get(row["wave_from"], row["wave_from"]), waves.get(row["wave_to"], row["wave_to"])
    name = f"{row['measure']}"
    flag = translation_flag(instrument, lang)
    flag = f" ({flag})" if flag else ""
    n = _count(row["n_pairs"], lang, threshold)
    if is_suppressed(row["n_pairs"]):  # masked: below the threshold, or (with estimates) to protect another cell
        if is_missing(row["hl_estimate"]) and str(row.get("note") or ""):  # blanked below 10 pairs
            n = text("outcome.change.fewer_than_10", lang)
        else:
            n = text("outcome.unpublished_number", lang)
    if is_missing(row["hl_estimate"]):
        return check_no_causal_wording(text("outcome.change.too_few", lang, name=name, flag=flag, n=n, w_from=w_from,
                                            w_to=w_to, min_pairs=MIN_PAIRS))
    better_low = instrument.direction == "lower_is_better"
    hl, low, high = row["hl_estimate"], row["hl_ci_low"], row["hl_ci_high"]

    hidden = text("outcome.change.hidden_share", lang)

    def part(count_col: str, share_col: str) -> str:
        if is_suppressed(row[count_col]) or is_suppressed(row[share_col]):
            return hidden
        return format_percent(row[share_col], lang, 0)

    unchanged = row["n_unchanged"]
    share_same = (unchanged / row["n_pairs"]) if not is_suppressed(unchanged) and not is_suppressed(row["n_pairs"]) \
        else None
    same = format_percent(share_same, lang, 0) if share_same is not None else hidden
    direction = text("outcome.change.lower_is_better" if better_low else "outcome.change.higher_is_better", lang)
    sentence = text(
        "outcome.change.sentence", lang, name=name, flag=flag, article=text("outcome.change.article", lang)
        if n[0].isdigit() else "", n=n, w_from=w_from, w_to=w_to, direction=direction, hl=_signed(hl, lang),
        low=_signed(low, lang), high=_signed(high, lang), improved=part("n_improved", "share_improved"), same=same,
        worse=part("n_worse", "share_worse"),
    )
    return check_no_causal_wording(sentence)


def attrition_sentence(att: Attrition, instrument: Instrument, *, lang: str = "fr",
                       threshold: int = DEFAULT_THRESHOLD, n_left: object = None) -> str:
    """Plain sentence on who did not answer the follow-up and how they compared at entry.

    ``n_left`` is the count as published in the protected attrition table (it may be
    masked there to protect another cell); default: ``att.n_left`` if not small.
    """
    lang = "en" if lang == "en" else "fr"
    w_to = _waves(lang).get(att.wave_to, att.wave_to)
    published = n_left if n_left is not None else (att.n_left if not 0 < att.n_left < threshold else None)
    if published is None or is_suppressed(published):
        left = text("outcome.unpublished_number", lang)
    else:
        left = _count(published, lang, threshold)
    means = {"mean_left": format_decimal(att.mean_left, lang), "mean_stayed": format_decimal(att.mean_stayed, lang)}
    if not att.compared:
        sentence = text("outcome.attrition.not_compared", lang, name=instrument.short_name, left=left, w_to=w_to)
    elif att.left_worse:
        sentence = text("outcome.attrition.left_worse", lang, name=instrument.short_name, w_to=w_to,
                        left=left.replace(text("outcome.attrition.count_article", lang), ""),
                        worse=instrument.word("worse", lang), **means)
    else:
        sentence = text("outcome.attrition.no_difference", lang, name=instrument.short_name, left=left, w_to=w_to,
                        **means)
    return check_no_causal_wording(sentence)

