"""One call for the whole outcome analysis: score, describe, compare, protect, write sentences.

:func:`analyse_outcomes` is what the notebook, the report and the benchmark use; it
takes the validated ``questionnaires`` table (see :mod:`.validate`) and returns an
:class:`OutcomeResults` holding raw results (for exploration, never published) and
protected tables and sentences (for publication).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from relais_analysis.config import DEFAULT_THRESHOLD
from relais_analysis.errors import ParameterError
from relais_analysis.i18n import text_pair
from relais_analysis.privacy.masked import check_threshold
from relais_analysis.outcomes.groups import change_by_group
from relais_analysis.outcomes.instruments import Instrument, load_instruments
from relais_analysis.outcomes.scoring import score_questionnaires
from relais_analysis.outcomes.sentences import attrition_sentence, change_sentence, honesty_note
from relais_analysis.outcomes.statistics import Attrition, PairedChange, attrition, paired_change, wave_summary
from relais_analysis.outcomes.tables import attrition_table, band_shift_table, change_table, wave_table

__all__ = ["OutcomeResults", "analyse_outcomes", "write_sentences"]


@dataclass
class OutcomeResults:
    """Everything the outcome chapter shows.

    Attributes
    ----------
    scored : dict of str to DataFrame
        Per instrument, one row per questionnaire with its scores (internal, not for publication).
    changes : list of PairedChange
        Raw paired results (internal).
    attrition : list of Attrition
        Raw attrition results (internal).
    tables : dict of str to DataFrame
        Protected tables: ``outcomes_change``, ``outcomes_attrition``, ``outcomes_waves_<id>``,
        ``outcomes_bands_<id>`` (ready for :func:`~.tables.write_outcome_tables`).
    sentences : list of str
        French (or English) sentences, checked for causal wording, protected counts.
    """

    instruments: dict[str, Instrument]
    wave_from: str
    wave_to: str
    lang: str
    threshold: int
    scored: dict[str, pd.DataFrame] = field(default_factory=dict)
    changes: list[PairedChange] = field(default_factory=list)
    attrition: list[Attrition] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    sentences: list[str] = field(default_factory=list)
    attrition_sentences: list[str] = field(default_factory=list)

    @property
    def note(self) -> str:
        """The honesty rules, stated with every output."""
        return honesty_note(self.lang, self.threshold)


def _score_columns(inst: Instrument) -> list[str]:
    cols = ["score"] + [f"subscale_{s.id}" for s in inst.subscales]
    return cols + ([inst.conversion_name] if inst.conversion_name else [])


def analyse_outcomes(questionnaires: pd.DataFrame, instruments: dict[str, Instrument] | None = None, *,
                     wave_from: str = "entree", wave_to: str = "suivi", lang: str = "fr",
                     threshold: int = DEFAULT_THRESHOLD, groups: pd.DataFrame | None = None) -> OutcomeResults:
    """Score every questionnaire and compute the protected outcome tables and sentences.

    Parameters
    ----------
    questionnaires : DataFrame
        Validated table: ``participant_id``, ``wave``, ``instrument`` and item columns (codes).
    instruments : dict, optional
        Default: :func:`~.instruments.load_instruments`.
    wave_from, wave_to : str
        Waves compared (default entry and follow-up).
    lang : {"fr", "en"}
    threshold : int, default 5
    groups : DataFrame, optional
        Output of :func:`~.groups.participant_groups`: adds ``outcomes_by_relay``,
        ``outcomes_by_province``, ``outcomes_by_year`` and ``outcomes_by_dose``.

    Returns
    -------
    OutcomeResults

    Raises
    ------
    ParameterError
        If the threshold is invalid, the waves are equal, or an instrument of the table is unknown.
    """
    threshold = check_threshold(threshold)
    if wave_from == wave_to:
        raise ParameterError(*text_pair("outcome_error.same_waves"))
    instruments = instruments if instruments is not None else load_instruments()
    unknown = sorted(set(questionnaires["instrument"].dropna()) - set(instruments))
    if unknown:
        raise ParameterError(*text_pair("outcome_error.unknown_instruments", unknown=unknown))
    res = OutcomeResults(instruments, wave_from, wave_to, lang, threshold)
    for inst_id, inst in instruments.items():
        rows = questionnaires.loc[questionnaires["instrument"] == inst_id]
        if not len(rows):
            continue
        scored = score_questionnaires(rows[["participant_id", "wave"] + inst.item_ids].reset_index(drop=True), inst)
        scored["_pid"] = pd.factorize(scored["participant_id"])[0]  # integer codes: fast pairing
        res.scored[inst_id] = scored
        for score in _score_columns(inst):
            res.changes.append(paired_change(scored, inst, wave_from=wave_from, wave_to=wave_to, score=score))
        res.attrition.append(attrition(scored, inst, wave_from=wave_from, wave_to=wave_to))
        res.tables[f"outcomes_waves_{inst_id}"] = wave_table(
            wave_summary(scored, inst, wave_from=wave_from, wave_to=wave_to), inst, threshold=threshold)
        main = next(c for c in res.changes if c.instrument == inst_id and c.score == "score")
        shift = band_shift_table(main, inst, lang=lang, threshold=threshold)
        if shift is not None:
            res.tables[f"outcomes_bands_{inst_id}"] = shift
    if groups is not None:
        for by in ("relay", "province", "year", "dose"):
            parts = [change_by_group(res.scored[i], instruments[i], groups, by, wave_from=wave_from, wave_to=wave_to,
                                     threshold=threshold) for i in res.scored]
            parts = [p for p in parts if len(p)]
            if parts:
                table = pd.concat(parts, ignore_index=True)
                table.attrs["threshold"] = threshold
                res.tables[f"outcomes_by_{by}"] = table
    res.tables["outcomes_change"] = change_table(res.changes, instruments, lang=lang, threshold=threshold)
    res.tables["outcomes_attrition"] = attrition_table(res.attrition, threshold=threshold)
    write_sentences(res)
    return res


def write_sentences(res: OutcomeResults) -> OutcomeResults:
    """(Re)write the sentences of ``res`` from its protected tables (after a joint protection masked more)."""
    res.sentences, res.attrition_sentences = [], []
    for _, row in res.tables["outcomes_change"].iterrows():
        if row["score"] == "score":
            res.sentences.append(change_sentence(row, res.instruments[row["instrument"]], lang=res.lang,
                                                 threshold=res.threshold))
    published_left = res.tables["outcomes_attrition"].set_index("instrument")["n_left"]
    for att in res.attrition:
        res.attrition_sentences.append(attrition_sentence(att, res.instruments[att.instrument], lang=res.lang,
                                                          threshold=res.threshold,
                                                          n_left=published_left.get(att.instrument)))
    return res
