"""Validate the optional ``questionnaires`` input table.

One row per questionnaire: ``participant_id``, ``wave`` (``entree``, ``suivi``,
``sortie``, or a date), ``date``, ``instrument`` and one column per item (answer codes,
or the answer's label: ``oui``, ``plus ou moins``...). Every row is accepted or
reported (file, row, column, value, reason): rows read = accepted + rejected.

Rejected: unknown participant, a child answering an adult instrument (or the reverse),
unknown instrument, unreadable date or a date outside the programme (before
2022-01-01 or after the extraction date), unknown wave, the same wave twice for a
participant and instrument, an impossible answer code, an answer in a column of
another instrument. When ``wave`` holds dates, a participant's questionnaires of one
instrument are numbered in date order: first ``entree``, second ``suivi``, third
``sortie`` (a fourth is rejected).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from relais_analysis.config import PROGRAMME_START
from relais_analysis.errors import InputDataError
from relais_analysis.i18n import text, text_pair
from relais_analysis.intake.personal_data import check_no_personal_data
from relais_analysis.intake.readers import RawTable
from relais_analysis.intake.schema import fold
from relais_analysis.outcomes.instruments import Instrument, load_instruments

__all__ = ["BASE_COLUMNS", "WAVES", "canonical_wave", "validate_questionnaires"]

#: Canonical waves and accepted spellings.
WAVES: dict[str, tuple[str, ...]] = {
    "entree": ("entrée", "entree", "debut", "début", "premier contact", "t0", "entry", "baseline", "intake"),
    "suivi": ("suivi", "6 mois", "six mois", "mi-parcours", "t1", "follow-up", "follow up", "followup"),
    "sortie": ("sortie", "fin", "t2", "exit", "end"),
}
_WAVE_LOOKUP = {fold(s): w for w, spellings in WAVES.items() for s in (w, *spellings)}
_WAVE_ORDER = ["entree", "suivi", "sortie"]
#: Base columns: canonical name -> accepted header spellings (folded).
BASE_COLUMNS: dict[str, tuple[str, ...]] = {
    "participant_id": ("participant_id", "participant", "id_participant", "code_participant", "pseudonyme"),
    "wave": ("wave", "vague", "temps", "moment", "passation"),
    "date": ("date", "date_questionnaire", "date_de_passation", "date_du_questionnaire"),
    "instrument": ("instrument", "questionnaire", "echelle", "outil"),
}
_REQUIRED = ("participant_id", "wave", "instrument")
_COLUMNS = ["table", "file", "sheet", "row", "column", "value", "reason_fr", "reason_en", "suggestion"]


def _reason(key: str, **fields: object) -> tuple[str, str]:
    """``(french, english)`` of ``questionnaire_error.<key>``: a rejection reason or an error."""
    return text_pair(f"questionnaire_error.{key}", **fields)


def _file(raw: RawTable) -> str:
    """File name as the rejection report shows it (``file`` and ``sheet`` are separate columns)."""
    return getattr(raw, "file", None) or raw.source


def canonical_wave(value: object) -> str | None:
    """``entree``, ``suivi`` or ``sortie`` for a user spelling, else None.

    Examples
    --------
    >>> canonical_wave("Entrée"), canonical_wave("follow-up"), canonical_wave("demain")
    ('entree', 'suivi', None)
    """
    return _WAVE_LOOKUP.get(fold(value))


class _Rows:
    """Problems of the table, one record per (row, column)."""

    def __init__(self, raw: RawTable, strict: bool) -> None:
        self.raw, self.strict = raw, strict
        self.bad = np.zeros(len(raw.frame), dtype=bool)
        self.records: list[dict] = []

    def add(self, mask: np.ndarray, column: str, values: pd.Series | np.ndarray, fr: str, en: str) -> None:
        mask = pd.array(np.asarray(mask, dtype=object), dtype="boolean").fillna(False).to_numpy(dtype=bool)
        mask &= ~self.bad  # one reason per row is enough
        for i in np.flatnonzero(mask):
            value = values.iloc[i] if isinstance(values, pd.Series) else values[i]
            record = {"table": "questionnaires", "file": _file(self.raw), "sheet": getattr(self.raw, "sheet", ""),
                      "row": int(self.raw.row_numbers[i]), "column": column,
                      "value": "" if pd.isna(value) else str(value), "reason_fr": fr, "reason_en": en,
                      "suggestion": ""}
            if self.strict:
                raise InputDataError(fr, en, file=self.raw.source, row=record["row"], column=column)
            self.records.append(record)
        self.bad |= mask


def _map_headers(raw: RawTable, instruments: dict[str, Instrument], notes: list[str]) -> dict[str, str]:
    lookup = {fold(alias): name for name, aliases in BASE_COLUMNS.items() for alias in aliases}
    items = {fold(i): i for inst in instruments.values() for i in inst.item_ids}
    mapping: dict[str, str] = {}
    unmatched = []
    for header in raw.frame.columns:
        key = fold(header)
        name = lookup.get(key) or items.get(key)
        if name is None:
            unmatched.append(header)
        elif name in mapping.values():
            raise InputDataError(*_reason("two_columns", name=repr(name), header=repr(header)),
                                 file=raw.source, column=header)
        else:
            mapping[header] = name
    # a wave column may hold dates: checked like a date column, not as a possible birth date
    check_no_personal_data(raw.frame, raw.source, unmatched,
                           {h: ("date" if n == "wave" else n) for h, n in mapping.items()})
    missing = [c for c in _REQUIRED if c not in mapping.values()]
    if missing:
        raise InputDataError(*_reason("missing_columns", columns=missing), file=raw.source)
    if unmatched:
        notes.append(text("questionnaire_error.ignored_columns", source=raw.source, columns=unmatched))
    return mapping


def _map_unique(series: pd.Series, func) -> pd.Series:
    """``func`` applied once per distinct non-missing value (object Series, None where missing)."""
    codes, uniques = pd.factorize(series)  # missing -> -1, i.e. the final None
    mapped = np.array([func(value) for value in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes], index=series.index, dtype=object)


def _parse_date(text: pd.Series) -> pd.Series:
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    dmy = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
    excel = pd.to_datetime(text.str.replace(r" 00:00:00$", "", regex=True), format="%Y-%m-%d", errors="coerce")
    return iso.fillna(dmy).fillna(excel)


def _answer_lookup(inst: Instrument) -> dict[str, dict[str, int]]:
    out = {}
    for item in inst.items:
        codes = {}
        for opt in item.options:
            for key in (str(opt.code), f"{opt.code}.0", fold(opt.fr), fold(opt.en)):
                codes[key] = opt.code
        out[item.id] = codes
    return out


def empty_questionnaires(instruments: dict[str, Instrument] | None = None) -> pd.DataFrame:
    """The accepted-questionnaires frame with no rows (dataset without the table)."""
    instruments = instruments if instruments is not None else load_instruments()
    items = [i for inst in instruments.values() for i in inst.item_ids]
    frame = pd.DataFrame({"participant_id": pd.Series(dtype="string"), "wave": pd.Series(dtype="string"),
                          "date": pd.Series(dtype="datetime64[us]"), "instrument": pd.Series(dtype="string")})
    for item in items:
        frame[item] = pd.Series(dtype="Int64")
    return frame


def validate_questionnaires(raw: RawTable | None, participants: pd.DataFrame, as_of: dt.date, *,
                            strict: bool = False, instruments: dict[str, Instrument] | None = None,
                            notes: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Validate the raw ``questionnaires`` table.

    Parameters
    ----------
    raw : RawTable or None
        As read by :func:`relais_analysis.intake.readers.discover_tables`; None when the data
        folder has no such table (the result is then empty).
    participants : DataFrame
        Accepted participants (``participant_id``, ``role``).
    as_of : date
        Extraction date: later questionnaires are rejected.
    strict : bool, default False
        Raise at the first problem.
    instruments : dict, optional
        Default: the bundled instruments.
    notes : list of str, optional
        Receives remarks (ignored columns).

    Returns
    -------
    accepted : DataFrame
        ``participant_id``, ``wave`` (canonical), ``date`` (datetime64), ``instrument`` and
        one ``Int64`` column of answer codes per item of every instrument.
    rejections : DataFrame
        Columns ``table``, ``file``, ``sheet``, ``row``, ``column``, ``value``, ``reason_fr``,
        ``reason_en``, ``suggestion``.
    rows_read : int
        Data rows read, blank rows included (= accepted + rejected rows).

    Raises
    ------
    InputDataError
        A required column is missing, two headers mean the same column, or (strict) any problem.
    PersonalDataError
        A column looks like personal data.
    """
    instruments = instruments if instruments is not None else load_instruments()
    notes = notes if notes is not None else []
    if raw is None:
        return empty_questionnaires(instruments), pd.DataFrame(columns=_COLUMNS), 0
    mapping = _map_headers(raw, instruments, notes)
    frame = raw.frame[list(mapping)].rename(columns=mapping)
    rows = _Rows(raw, strict)
    for blank in raw.blank_rows:
        if strict:
            raise InputDataError(*_reason("empty_row"), file=raw.source, row=int(blank))
    for col in _REQUIRED:
        rows.add(frame[col].isna().to_numpy(), col, frame[col], *_reason("missing_value"))
    # participant
    known = participants.set_index("participant_id")["role"] if len(participants) else pd.Series(dtype="string")
    role = frame["participant_id"].map(known)
    rows.add((frame["participant_id"].notna() & role.isna()).to_numpy(), "participant_id", frame["participant_id"],
             *_reason("unknown_participant"))
    # instrument
    by_name = {}
    for inst in instruments.values():
        for key in (inst.id, inst.short_name):
            by_name[fold(key)] = inst.id
    inst_id = _map_unique(frame["instrument"], lambda v: by_name.get(fold(v)))
    rows.add((frame["instrument"].notna() & inst_id.isna()).to_numpy(), "instrument", frame["instrument"],
             *_reason("unknown_instrument", known=", ".join(instruments)))
    audience = _map_unique(inst_id, lambda i: instruments[i].audience)
    rows.add(((role == "child") & (audience == "adult")).to_numpy(), "instrument", frame["instrument"],
             *_reason("child_adult"))
    rows.add(((role == "parent") & (audience == "child")).to_numpy(), "instrument", frame["instrument"],
             *_reason("parent_child"))
    # wave and date
    wave_text = frame["wave"].astype("string")
    wave = _map_unique(wave_text, canonical_wave)
    wave_date = _parse_date(wave_text)
    date_text = frame["date"].astype("string") if "date" in frame else pd.Series(pd.NA, index=frame.index,
                                                                                 dtype="string")
    date = _parse_date(date_text)
    rows.add((date_text.notna() & date.isna()).to_numpy(), "date", date_text,
             *_reason("unreadable_date"))
    rows.add((wave_text.notna() & wave.isna() & wave_date.isna()).to_numpy(), "wave", wave_text,
             *_reason("unknown_wave"))
    date = date.fillna(wave_date)
    rows.add(date.isna().to_numpy() & wave_text.notna().to_numpy(), "date", date_text,
             *_reason("missing_date"))
    rows.add((date < pd.Timestamp(PROGRAMME_START)).to_numpy(), "date", date_text.fillna(wave_text),
             *_reason("before_start"))
    rows.add((date > pd.Timestamp(as_of)).to_numpy(), "date", date_text.fillna(wave_text),
             text("questionnaire_error.after_extraction", "fr", date=f"{as_of:%d/%m/%Y}"),
             text("questionnaire_error.after_extraction", "en", date=f"{as_of}"))
    # answers
    codes: dict[str, pd.Series] = {}
    for inst in instruments.values():
        lookup = _answer_lookup(inst)
        mine = (inst_id == inst.id).to_numpy()
        for item in inst.item_ids:
            if item not in frame:
                codes[item] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
                continue
            answers = frame[item].astype("string")
            mapped = _map_unique(answers, lambda v, codes=lookup[item]: codes.get(fold(v)))
            options = inst.items[inst.item_ids.index(item)].options
            rows.add(mine & answers.notna().to_numpy() & mapped.isna().to_numpy(), item, answers,
                     *(text("questionnaire_error.impossible_answer", lang,
                            answers=", ".join(f"{o.code} = {getattr(o, lang)}" for o in options))
                       for lang in ("fr", "en")))
            rows.add(~mine & inst_id.notna().to_numpy() & answers.notna().to_numpy(), item, answers,
                     *_reason("other_instrument", instrument=inst.id))
            codes[item] = pd.Series(mapped.where(pd.Series(mine, index=frame.index)), dtype="Int64")
    # dated waves: order per participant and instrument
    dated = wave.isna() & wave_date.notna()
    if dated.any():
        ok = dated & ~pd.Series(rows.bad, index=frame.index)
        order = date[ok].groupby([frame["participant_id"][ok], inst_id[ok]]).rank(method="first").astype(int)
        rank = order.reindex(frame.index)
        rows.add((ok & (rank > 3)).to_numpy(), "wave", wave_text,
                 *_reason("more_than_three"))
        named = rank.map(lambda k: _WAVE_ORDER[int(k) - 1] if pd.notna(k) and k <= 3 else None)
        wave = wave.mask(ok, named)
    # the same wave twice
    good = ~rows.bad
    key = frame["participant_id"].astype("string") + "\x1f" + inst_id.astype("string") + "\x1f" + wave.astype("string")
    dup = key.where(good).duplicated(keep="first").to_numpy() & good
    rows.add(dup, "wave", wave_text, *_reason("same_wave"))
    keep = ~rows.bad
    accepted = pd.DataFrame({"participant_id": frame["participant_id"].astype("string"), "wave": wave.astype("string"),
                             "date": date.astype("datetime64[us]"), "instrument": inst_id.astype("string")})
    for item, series in codes.items():
        accepted[item] = series
    accepted = accepted.loc[keep].reset_index(drop=True)
    records = rows.records + [
        {"table": "questionnaires", "file": _file(raw), "sheet": getattr(raw, "sheet", ""), "row": int(r),
         "column": "", "value": "", **dict(zip(("reason_fr", "reason_en"), _reason("empty_row"))), "suggestion": ""}
        for r in raw.blank_rows]
    rejections = pd.DataFrame(records, columns=_COLUMNS)
    return accepted, rejections, len(raw.frame) + len(raw.blank_rows)


def ingest_questionnaires(raws: dict[str, RawTable], participants: pd.DataFrame, as_of: dt.date, *, strict: bool,
                          reports: dict, rejections, notes: list[str]) -> pd.DataFrame:
    """The step :func:`relais_analysis.intake.ingest.load_dataset` runs: validate, record the row accounting.

    Adds a :class:`~relais_analysis.intake.dataset.TableReport` to ``reports`` and the rejected rows
    to ``rejections`` (a list of frames, or ingest's collector with a ``rejections`` list) when
    the folder holds a questionnaires table; returns the accepted rows (an empty frame otherwise).

    Raises
    ------
    InputDataError, PersonalDataError
        As :func:`validate_questionnaires`.
    """
    from relais_analysis.intake.dataset import TableReport

    raw = raws.get("questionnaires")
    accepted, rejected, n_read = validate_questionnaires(raw, participants, as_of, strict=strict, notes=notes)
    if raw is not None:
        reports["questionnaires"] = TableReport("questionnaires", raw.source, n_read, len(accepted),
                                                n_read - len(accepted), raw.encoding, raw.separator, raw.sha256)
        if len(rejected):
            target = rejections.rejections if hasattr(rejections, "rejections") else rejections
            target.append(rejected)
    return accepted
