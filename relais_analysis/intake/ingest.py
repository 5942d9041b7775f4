"""Read, normalise and validate a data folder into a :class:`~relais_analysis.intake.dataset.Dataset`.

Every input row is either accepted or reported: for each file, rows read =
rows accepted + rows rejected, and each rejected row appears in the rejection report
with its file, row number (as seen in a spreadsheet, header = row 1), column, value
and reason, in French and English. In strict mode the first problem stops the run.

Checks, per table (see :mod:`relais_analysis.intake.schema` for the contract): required
columns and values, types (dates ISO or dd/mm/yyyy, integers, coordinates),
controlled vocabularies (activity type, role, gender), communes (REFNIS code of
either vintage, postal code or name, resolved by :mod:`relais_analysis.geography.resolve`),
unique identifiers, referential integrity (territories and activities -> relays,
attendance -> activities and participants, counts -> activities), activity dates
from 2022-01-01 to the extraction date and within the relay's opening period, a
participant listed both as parent and as child, implausible parents' birth years,
duplicated attendance rows. Columns that look like personal data stop the run.

:func:`load_dataset` runs the steps in order; headers are mapped by
:mod:`relais_analysis.intake.columns`, rows checked by :mod:`relais_analysis.intake.validate`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

from relais_analysis.config import PROGRAMME_START
from relais_analysis.errors import InputDataError
from relais_analysis.intake.columns import map_columns
from relais_analysis.intake.dataset import REJECTION_COLUMNS, AttendanceIndex, Dataset, TableReport
from relais_analysis.intake.losses import LOSS_THRESHOLD, check_losses, loss_problems
from relais_analysis.intake.readers import RawTable, discover_tables
from relais_analysis.intake.schema import (ACTIVITY_TYPES, GENDERS, ROLES, TABLES, canonical_activity_type, canonical_gender,
                                           canonical_role)
from relais_analysis.intake.validate import (Problems, Sink, check_communes, check_dates, check_duplicates, check_foreign,
                                             check_numbers, check_required, check_vocabulary, empty_table, finish_table,
                                             id_positions)
from relais_analysis.texts import text, text_pair

__all__ = ["LOSS_THRESHOLD", "check_losses", "load_dataset", "loss_problems", "read_metadata", "write_rejections"]

#: A parent must be at least this old in the extraction year.
MIN_PARENT_AGE = 12


def read_metadata(data_dir: Path) -> dict:
    """The optional ``dataset.json`` of a data folder (``as_of``, ``synthetic``, ``title``)."""
    path = Path(data_dir) / "dataset.json"
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputDataError(*text_pair("intake_error.unreadable_metadata", exc=exc),
                             file="dataset.json") from exc


def _as_date(value: object, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise InputDataError(
            *text_pair("intake_error.invalid_iso_date", what=what, value=value),
        ) from exc



def load_dataset(
    data_dir: str | Path,
    *,
    as_of: dt.date | str | None = None,
    strict: bool = False,
) -> Dataset:
    """Read and validate every table of a data folder.

    Parameters
    ----------
    data_dir : str or Path
        Folder with one file per table (``relays.csv``, ``activites.xlsx``...) or one
        workbook with a sheet per table, and optionally ``dataset.json``.
    as_of : date or str, optional
        Extraction date; activities after it are rejected. Default: ``as_of`` of
        ``dataset.json`` if present, else today.
    strict : bool, default False
        Stop at the first problem (raise) instead of rejecting rows and going on.

    Returns
    -------
    Dataset

    Raises
    ------
    InputDataError
        A file cannot be read, a required column or table is missing, or (strict
        mode) any row is invalid.
    PersonalDataError
        A column looks like names, e-mails, phone numbers, addresses or national
        register numbers.
    """
    data_dir = Path(data_dir)
    metadata = read_metadata(data_dir) if data_dir.is_dir() else {}
    notes: list[str] = []
    raws = discover_tables(data_dir, notes)
    if as_of is None:
        as_of = metadata.get("as_of") or dt.date.today()
    as_of = _as_date(as_of, "date d'extraction (as_of)")
    as_of_ts = pd.Timestamp(as_of)
    start_ts = pd.Timestamp(PROGRAMME_START)
    for name in ("relays", "activities"):
        if name not in raws:
            raise InputDataError(
                *text_pair("intake_error.required_table_missing", name=name),
                file=str(data_dir),
            )
    if "attendance" in raws and "participants" not in raws:
        raise InputDataError(*text_pair("intake_error.attendance_without_participants"),
                             file=raws["attendance"].source)
    if "attendance" not in raws and "activity_counts" not in raws:
        raise InputDataError(
            *text_pair("intake_error.nothing_to_analyse"),
            file=str(data_dir),
        )

    attendance_index = None
    reports: dict[str, TableReport] = {}
    rejections = Sink()
    out: dict[str, pd.DataFrame] = {}

    def begin(name: str) -> tuple[RawTable, pd.DataFrame, Problems] | None:
        raw = raws.get(name)
        if raw is None:
            return None
        frame = map_columns(raw, TABLES[name], notes)
        problems = Problems(raw, strict)
        check_required(frame, TABLES[name], problems)
        return raw, frame, problems

    # relays
    raw, frame, problems = begin("relays")
    check_dates(frame, ["opened", "closed"], problems)
    check_numbers(frame, TABLES["relays"], problems, {})
    check_communes(frame, "commune", problems, notes, raw.source)
    problems.add((frame["opened"] > as_of_ts).to_numpy(), "opened", frame["opened"].dt.strftime("%Y-%m-%d"),
                 *text_pair("intake.opened_after_extraction", as_of=as_of))
    problems.add((frame["closed"] < frame["opened"]).to_numpy(), "closed", frame["closed"].dt.strftime("%Y-%m-%d"),
                 *text_pair("intake.closing_before_opening"))
    check_duplicates(frame, ["relay_id"], problems, "relay_id", *text_pair("intake.duplicate_relay"))
    relays = finish_table(raw, frame, problems, reports, rejections)
    out["relays"] = relays

    # territories
    if (begun := begin("territories")) is not None:
        raw, frame, problems = begun
        check_dates(frame, ["valid_from", "valid_to"], problems)
        check_communes(frame, "commune", problems, notes, raw.source)
        check_foreign(frame, "relay_id", relays["relay_id"], "relays", problems)
        problems.add((frame["valid_to"] < frame["valid_from"]).to_numpy(), "valid_to", frame["valid_to"],
                     *text_pair("intake.valid_to_before_valid_from"))
        check_duplicates(frame, ["relay_id", "commune", "valid_from"], problems, "commune",
                          *text_pair("intake.commune_already_assigned"))
        out["territories"] = finish_table(raw, frame, problems, reports, rejections)
    else:
        out["territories"] = empty_table("territories")
        notes.append(text("intake.note.no_territories"))

    # activities
    raw, frame, problems = begin("activities")
    check_dates(frame, ["date"], problems)
    check_vocabulary(frame, "type", canonical_activity_type, problems, ", ".join(ACTIVITY_TYPES), ACTIVITY_TYPES)
    check_communes(frame, "commune", problems, notes, raw.source, optional=True)
    problems.add((frame["date"] < start_ts).to_numpy(), "date", frame["date"].dt.strftime("%Y-%m-%d"),
                 *text_pair("intake.date_before_programme"))
    problems.add((frame["date"] > as_of_ts).to_numpy(), "date", frame["date"].dt.strftime("%Y-%m-%d"),
                 *text_pair("intake.date_after_extraction", as_of=as_of))
    check_foreign(frame, "relay_id", relays["relay_id"], "relays", problems)
    periods = relays.set_index("relay_id")[["opened", "closed"]]
    opened = frame["relay_id"].map(periods["opened"])
    closed = frame["relay_id"].map(periods["closed"])
    problems.add((frame["date"] < opened).to_numpy(), "date", frame["date"].dt.strftime("%Y-%m-%d"),
                 *text_pair("intake.activity_before_relay_opened"))
    problems.add((frame["date"] > closed).to_numpy(), "date", frame["date"].dt.strftime("%Y-%m-%d"),
                 *text_pair("intake.activity_after_relay_closed"))
    check_duplicates(frame, ["activity_id"], problems, "activity_id", *text_pair("intake.duplicate_activity"))
    activities = finish_table(raw, frame, problems, reports, rejections)
    activities["year"] = activities["date"].dt.year.astype("int64")
    out["activities"] = activities

    # participants
    if (begun := begin("participants")) is not None:
        raw, frame, problems = begun
        check_vocabulary(frame, "role", canonical_role, problems, "parent, enfant", ROLES)
        check_vocabulary(frame, "gender", canonical_gender, problems, "F, M, X, inconnu", GENDERS, optional=True)
        check_numbers(frame, TABLES["participants"], problems, {"birth_year": as_of.year})
        check_communes(frame, "residence", problems, notes, raw.source, optional=True)
        young = (frame["role"] == "parent") & (frame["birth_year"] > as_of.year - MIN_PARENT_AGE)
        problems.add(young.fillna(False).to_numpy(), "birth_year", frame["birth_year"],
                     *text_pair("intake.parent_too_young", year=as_of.year - MIN_PARENT_AGE))
        repeated = frame.loc[frame["participant_id"].duplicated(keep=False) & frame["role"].notna()]
        roles = repeated.groupby("participant_id")["role"].nunique()
        both = frame["participant_id"].isin(roles[roles > 1].index)
        problems.add(both.to_numpy(), "role", frame["role"],
                     *text_pair("intake.parent_and_child"))
        check_duplicates(frame, ["participant_id"], problems, "participant_id",
                         *text_pair("intake.duplicate_participant"))
        frame["gender"] = frame["gender"].fillna("unknown")
        out["participants"] = finish_table(raw, frame, problems, reports, rejections)
    else:
        out["participants"] = empty_table("participants")

    # attendance
    if (begun := begin("attendance")) is not None:
        raw, frame, problems = begun
        act_pos = id_positions(frame["activity_id"], activities["activity_id"])
        part_pos = id_positions(frame["participant_id"], out["participants"]["participant_id"])
        check_foreign(frame, "activity_id", activities["activity_id"], "activities", problems, act_pos)
        check_foreign(frame, "participant_id", out["participants"]["participant_id"], "participants", problems,
                       part_pos)
        check_duplicates(frame, ["activity_id", "participant_id"], problems, "participant_id",
                          *text_pair("intake.duplicate_attendance"),
                          codes=act_pos * (len(out["participants"]) + 1) + part_pos)
        out["attendance"] = finish_table(raw, frame, problems, reports, rejections)
        # row of the accepted activity / participant of each accepted attendance row, reused by reach
        attendance_index = AttendanceIndex(act_pos[~problems.bad], part_pos[~problems.bad])
    else:
        out["attendance"] = empty_table("attendance")

    # activity_counts
    if (begun := begin("activity_counts")) is not None:
        raw, frame, problems = begun
        check_numbers(frame, TABLES["activity_counts"], problems, {})
        check_foreign(frame, "activity_id", activities["activity_id"], "activities", problems)
        check_duplicates(frame, ["activity_id"], problems, "activity_id", *text_pair("intake.duplicate_count"))
        out["activity_counts"] = finish_table(raw, frame, problems, reports, rejections)
    else:
        out["activity_counts"] = empty_table("activity_counts")

    from relais_analysis.outcomes.validate import ingest_questionnaires  # optional table: outcome questionnaires

    questionnaires = ingest_questionnaires(raws, out["participants"], as_of, strict=strict, reports=reports,
                                           rejections=rejections, notes=notes)
    rejection_frame = (
        pd.concat(rejections.rejections, ignore_index=True) if rejections.rejections
        else pd.DataFrame(columns=REJECTION_COLUMNS)
    )
    warning_frame = (
        pd.concat(rejections.warnings, ignore_index=True) if rejections.warnings
        else pd.DataFrame(columns=REJECTION_COLUMNS)
    )
    dataset = Dataset(
        relays=out["relays"],
        territories=out["territories"],
        activities=out["activities"],
        participants=out["participants"],
        attendance=out["attendance"],
        activity_counts=out["activity_counts"],
        as_of=as_of,
        synthetic=bool(metadata.get("synthetic", False)),
        data_dir=data_dir,
        reports=reports,
        rejections=rejection_frame[REJECTION_COLUMNS],
        warnings=warning_frame[REJECTION_COLUMNS],
        row_status=rejections.status,
        notes=notes,
        metadata=metadata,
        questionnaires=questionnaires,
    )
    dataset.attendance_index = attendance_index
    return dataset



def write_rejections(dataset: Dataset, path: str | Path, *, warnings: bool = True) -> Path:
    """Write the rejection report (and the warnings) as a CSV that a French Excel opens by a double click.

    As the published tables: UTF-8 with a BOM, columns separated by ``;``, headers in French:
    ``niveau`` (``rejet`` or ``avertissement``), ``table``, ``fichier``, ``feuille`` (empty for
    CSV), ``ligne`` (as seen in a spreadsheet), ``colonne``, ``valeur``, ``motif``,
    ``motif en anglais``, ``suggestion`` (catalogue keys ``intake.report_column.*``); sorted by
    file, sheet and row. Formula-like cells are neutralised
    (:func:`relais_analysis.privacy.safe_csv.write_csv`).

    Raises
    ------
    InputDataError
        If ``path`` is an existing folder, or its parent is a file.
    """
    from relais_analysis.privacy.safe_csv import write_csv

    path = Path(path)
    if path.is_dir():
        raise InputDataError(*text_pair("intake_error.report_path_is_folder", path=path))
    if any(parent.exists() and not parent.is_dir() for parent in path.parents):
        raise InputDataError(*text_pair("intake_error.report_parent_is_file", path=path))
    parts = [dataset.rejections.assign(level=text("intake.report_level.rejection", "fr"))]
    if warnings and len(dataset.warnings):
        parts.append(dataset.warnings.assign(level=text("intake.report_level.warning", "fr")))
    frame = pd.concat(parts, ignore_index=True)[["level", *REJECTION_COLUMNS]]
    frame = frame.sort_values(["file", "sheet", "row"], kind="stable")
    frame = frame.rename(columns={c: text(f"intake.report_column.{c}", "fr") for c in frame.columns})
    return write_csv(frame, path, sep=";", bom=True)
