"""The validated dataset: typed tables of accepted rows, their row accounting and provenance.

:func:`relais_analysis.intake.ingest.load_dataset` builds a :class:`Dataset`; every later
stage reads it. Besides the tables, it carries two typed derived fields, never compared
or shown: the :class:`AttendanceIndex` that ingest computes while checking the
attendance references, and the :class:`Derived` tables that later stages compute once
(the attendance facts of :func:`relais_analysis.indicators.reach.attendance_facts`).
Neither is carried over by :func:`dataclasses.replace` (a copy whose tables changed
recomputes them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from relais_analysis.geography.population import BUNDLED_POPULATION, PopulationSource
from relais_analysis.intake.row_losses import TABLE_ORDER, row_losses

__all__ = ["REJECTION_COLUMNS", "AttendanceIndex", "Dataset", "Derived", "TableReport"]

#: Columns of ``Dataset.rejections`` and ``Dataset.warnings``; ``sheet`` is empty for CSV files.
REJECTION_COLUMNS = ["table", "file", "sheet", "row", "column", "value", "reason_fr", "reason_en", "suggestion"]
_ORDER = TABLE_ORDER + ("questionnaires",)  # summary order; questionnaires are outcomes, not reach


@dataclass
class TableReport:
    """Row accounting for one input file: ``rows_read == accepted + rejected``."""

    table: str
    source: str
    rows_read: int
    accepted: int
    rejected: int
    encoding: str = ""
    separator: str = ""
    sha256: str = ""
    warnings: int = 0


@dataclass(frozen=True, eq=False)
class AttendanceIndex:
    """Where each accepted attendance row points, as row numbers (cheap to join and count).

    Attributes
    ----------
    activity_rows : numpy.ndarray
        int64, one entry per row of ``Dataset.attendance``: the row of its activity in
        ``Dataset.activities``.
    participant_rows : numpy.ndarray
        int64, same length: the row of its participant in ``Dataset.participants``.
    """

    activity_rows: np.ndarray
    participant_rows: np.ndarray

    def __len__(self) -> int:
        return len(self.activity_rows)


@dataclass
class Derived:
    """Tables later stages derive from a dataset and keep with it: computed once, never compared or shown.

    Attributes
    ----------
    attendance_facts : DataFrame or None
        One row per attendance joined with its activity and participant, built by
        :func:`relais_analysis.indicators.reach.attendance_facts` on first use.
    relay_province : Series or None
        Province code of each relay (:func:`relais_analysis.indicators.scope.relay_province`).
    scopes : dict of str to Dataset
        The parts of this dataset organised by one province (``"P:<code>"``) or one relay
        (``"R:<id>"``) (:mod:`relais_analysis.indicators.scope`): the canonical protection of a
        year and of each past year scope the same dataset every time, and each part keeps
        what is derived from it.
    reach_per_year : dict of str to DataFrame
        :func:`relais_analysis.indicators.reach.reach_per_year` by grouping (every year: it does
        not depend on the year asked for); callers get copies.
    new_and_returning : DataFrame or None
        :func:`relais_analysis.indicators.reach.new_and_returning_parents` (a copy is returned).

    Every field is a function of the dataset's tables, which are never changed once validated.
    """

    attendance_facts: pd.DataFrame | None = None
    relay_province: pd.Series | None = None
    scopes: dict[str, Dataset] = field(default_factory=dict)
    reach_per_year: dict[str, pd.DataFrame] = field(default_factory=dict)
    new_and_returning: pd.DataFrame | None = None


@dataclass
class Dataset:
    """A validated dataset: typed tables of accepted rows plus the rejection report.

    Attributes
    ----------
    relays : DataFrame
        ``relay_id``, ``name``, ``organisation``, ``commune`` (base-vintage REFNIS
        code), ``latitude``, ``longitude`` (float, may be NaN), ``opened``, ``closed``
        (datetime64, ``closed`` NaT while open).
    territories : DataFrame
        ``relay_id``, ``commune``, ``valid_from``, ``valid_to`` (NaT = open-ended).
    activities : DataFrame
        ``activity_id``, ``relay_id``, ``date`` (datetime64), ``year`` (int),
        ``type`` (canonical code), ``commune`` (may be NA), ``title``.
    participants : DataFrame
        ``participant_id``, ``family_id``, ``role`` (``parent``/``child``),
        ``gender`` (F, M, X, unknown), ``birth_year`` (Int64), ``residence`` (may be NA).
    attendance : DataFrame
        ``activity_id``, ``participant_id``.
    activity_counts : DataFrame
        ``activity_id``, ``n_parents``, ``n_children`` (aggregate-only relays).
    as_of : datetime.date
        Extraction date: no activity may be later.
    synthetic : bool
        True for the demo data (every output built on it says so).
    reports : dict of str to TableReport
        Row accounting per table.
    rejections : DataFrame
        One row per problem: ``table``, ``file``, ``sheet`` (empty for CSV), ``row``,
        ``column``, ``value``, ``reason_fr``, ``reason_en``, ``suggestion``.
    warnings : DataFrame
        Same columns: values of optional fields that were not recognised and were
        blanked (the row itself is accepted).
    notes : list of str
        Remarks that are not rejections (ignored columns, sheets and files, translated
        merger codes).
    population : pandas.Series or None
        Population by base-vintage commune code replacing the bundled 1 January 2020
        figures (see :func:`relais_analysis.geography.population.use_population_file`);
        None: bundled figures.
    population_source : PopulationSource
        Where the population figures come from; ``str()`` of it is the text of the
        methodology note.
    attendance_index : AttendanceIndex or None
        Set by :func:`~relais_analysis.intake.ingest.load_dataset` (not an argument of
        the constructor): the activity and participant row of each attendance row.
        None on a copy made with :func:`dataclasses.replace` or without attendance.
    derived : Derived
        Tables computed once from this dataset by later stages (not an argument of
        the constructor); internal, never published.
    """

    relays: pd.DataFrame
    territories: pd.DataFrame
    activities: pd.DataFrame
    participants: pd.DataFrame
    attendance: pd.DataFrame
    activity_counts: pd.DataFrame
    as_of: dt.date
    synthetic: bool = False
    data_dir: Path | None = None
    reports: dict[str, TableReport] = field(default_factory=dict)
    rejections: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECTION_COLUMNS))
    notes: list[str] = field(default_factory=list)
    warnings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECTION_COLUMNS))
    #: Per table, every row read with its relay keys and whether it was accepted (see :meth:`losses`).
    row_status: dict = field(default_factory=dict, repr=False, compare=False)
    metadata: dict = field(default_factory=dict)
    #: Accepted questionnaires (optional table; see :mod:`relais_analysis.outcomes.validate`).
    questionnaires: pd.DataFrame = field(default_factory=pd.DataFrame)
    population: pd.Series | None = None
    population_source: PopulationSource = BUNDLED_POPULATION
    attendance_index: AttendanceIndex | None = field(default=None, init=False, repr=False, compare=False)
    derived: Derived = field(default_factory=Derived, init=False, repr=False, compare=False)

    @property
    def has_people(self) -> bool:
        """Whether unique people can be counted (person-level attendance is present)."""
        return len(self.attendance) > 0

    def summary(self) -> pd.DataFrame:
        """Per-table counts: ``table``, ``file``, ``read``, ``accepted``, ``rejected``, ``warnings``."""
        rows = [
            {"table": r.table, "file": r.source, "read": r.rows_read, "accepted": r.accepted, "rejected": r.rejected,
             "warnings": r.warnings}
            for name in _ORDER
            if (r := self.reports.get(name)) is not None
        ]
        return pd.DataFrame(rows, columns=["table", "file", "read", "accepted", "rejected", "warnings"])

    def losses(self) -> pd.DataFrame:
        """Rows read, accepted and rejected per relay and table.

        Activities, territories and relays carry their relay code; attendance rows
        belong to the relay of their activity, participants to the relay of their first
        attendance row, counts to the relay of their activity (as typed, rejected rows
        included). Rows that cannot be tied to a relay (blank rows, unknown activity)
        get ``relay_id`` ``""``.

        Returns
        -------
        pandas.DataFrame
            ``relay_id``, ``table``, ``read``, ``accepted``, ``rejected``, ``blank`` (empty
            lines, counted as read and rejected), ``share_rejected`` (0-1, of the rows that
            held something); for every relay and table, ``read == accepted + rejected``.
        """
        return row_losses(self.row_status)
