"""The last check before publication: no small count, no column identifying people.

:func:`check_publishable` refuses a table that still holds a count from 1 to
``threshold - 1`` or a column (or index level) named like an identifier of people
(:func:`is_identifier_column`). Every writer of published tables calls it
(:func:`relais_analysis.privacy.export.write_published_csv`).
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Iterable, Sequence

import numpy as np
import pandas as pd

from relais_analysis.config import DEFAULT_THRESHOLD
from relais_analysis.errors import ParameterError, PrivacyError
from relais_analysis.intake.personal_data import personal_header_kind
from relais_analysis.intake.schema import fold
from relais_analysis.privacy.masked import check_threshold, is_missing, is_number
from relais_analysis.texts import text_pair

__all__ = [
    "FORBIDDEN_COLUMNS",
    "PUBLISHABLE_ID_COLUMNS",
    "check_columns",
    "check_publishable",
    "is_identifier_column",
]

#: Column names (folded: lower case, no accents, ``_`` between words) that identify
#: people and may never be published. :func:`is_identifier_column` also refuses the
#: personal-data headers of :mod:`relais_analysis.intake.personal_data` and ``*_id`` columns.
FORBIDDEN_COLUMNS: frozenset[str] = frozenset(
    {
        # identifiers of people, families and activity sessions
        "id", "participant_id", "family_id", "activity_id", "parent_id", "child_id",
        "person_id", "niss", "rrn", "national_number", "numero_national", "registre_national",
        # names
        "name", "nom", "prenom", "first_name", "firstname", "last_name", "lastname",
        "full_name", "surname", "nom_de_famille",
        # contact details
        "email", "e_mail", "mail", "courriel", "phone", "telephone", "tel", "gsm",
        "mobile", "address", "adresse", "street", "rue",
        # date of birth
        "birth_date", "birthdate", "date_of_birth", "date_naissance", "date_de_naissance",
    }
)
#: Columns ending in ``_id`` that ARE publishable: they identify programme sites or
#: places, not people. Every other ``*_id`` column is refused.
PUBLISHABLE_ID_COLUMNS: frozenset[str] = frozenset(
    {"relay_id", "commune_id", "province_id", "region_id"}
)


def check_columns(table: pd.DataFrame, columns: Iterable[Hashable]) -> list[Hashable]:
    """Return ``columns`` as a list after checking each is present once in ``table``.

    Raises
    ------
    ParameterError
        If a column is missing from ``table`` or named twice (in ``table`` or in ``columns``).
    """
    columns = list(columns)
    present = list(table.columns)
    missing = [c for c in columns if c not in present]
    if missing:
        raise ParameterError(*text_pair("privacy_error.missing_columns", missing=missing, present=present))
    duplicated = sorted({str(c) for c in columns if present.count(c) > 1 or columns.count(c) > 1})
    if duplicated:
        raise ParameterError(*text_pair("privacy_error.duplicated_columns", duplicated=duplicated))
    return columns


def is_identifier_column(name: object) -> bool:
    """Whether a column name designates data identifying people.

    True for the names in :data:`FORBIDDEN_COLUMNS`, for the personal-data headers
    refused at input (:func:`relais_analysis.intake.personal_data.personal_header_kind`:
    names, e-mail, phone, address, national register number, birth date, in French,
    English and Dutch), and for any name ending in ``_id`` that is not in
    :data:`PUBLISHABLE_ID_COLUMNS` (``relay_id`` is publishable: relays are
    programme sites). Names are folded first (``"Prénom"`` -> ``"prenom"``,
    ``"Family ID"`` -> ``"family_id"``); a MultiIndex column is joined with ``_``.
    """
    key = fold("_".join(map(str, name)) if isinstance(name, tuple) else name)
    if key in PUBLISHABLE_ID_COLUMNS:
        return False
    return key in FORBIDDEN_COLUMNS or key.endswith("_id") or personal_header_kind(key) is not None


def _plain(value: object) -> object:
    """Python scalar for messages (``3`` rather than ``np.int64(3)``)."""
    return value.item() if isinstance(value, np.generic) else value


def _looks_like_counts(series: pd.Series) -> bool:
    """Default choice of count columns for :func:`check_publishable`."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return False
    if pd.api.types.is_integer_dtype(dtype):
        return True
    if pd.api.types.is_float_dtype(dtype):
        present = series.dropna().to_numpy(dtype=float)
        return bool(len(present)) and bool(np.all(np.mod(present, 1) == 0))
    if dtype == object:
        return any(is_number(v) and isinstance(v, numbers.Integral) for v in series)
    return False


def check_publishable(
    table: pd.DataFrame,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    count_columns: Sequence[Hashable] | None = None,
) -> None:
    """Refuse a table that would disclose a small count or identify people.

    Parameters
    ----------
    table : pandas.DataFrame
        Table about to be published (usually the output of
        :func:`~relais_analysis.privacy.suppress.suppress_small_counts`).
    threshold : int, default 5
        Any value ``v`` with ``0 < v < threshold`` in a count column is refused.
    count_columns : sequence of column labels, optional
        Columns to check. By default: integer columns, float columns whose values
        are all whole numbers (so rates such as 3.4 per 10 000 are not taken for
        counts), and object columns holding at least one integer. Pass the list
        explicitly to exclude small numbers that are not counts of people
        (month, number of relays...).

    Raises
    ------
    PrivacyError
        If a column (or index level) is named like an identifier of people (see
        :func:`is_identifier_column`), or a count column holds a small count.
        The message names the column, the row labels and the fix.
    ParameterError
        If ``threshold`` is below 3 or ``count_columns`` names a missing column.
    """
    threshold = check_threshold(threshold)
    names = list(table.columns) + [n for n in table.index.names if n is not None]
    identifiers = [n for n in names if is_identifier_column(n)]
    if identifiers:
        raise PrivacyError(*text_pair("privacy_error.identifier_columns", identifiers=identifiers),
                           column=str(identifiers[0]))
    if count_columns is None:
        positions = [k for k in range(table.shape[1]) if _looks_like_counts(table.iloc[:, k])]
    else:
        check_columns(table, count_columns)
        positions = [list(table.columns).index(c) for c in count_columns]
    for k in positions:
        column = table.columns[k]
        small = [
            (label, v)
            for label, v in table.iloc[:, k].items()
            if is_number(v) and not is_missing(v) and 0 < v < threshold
        ]
        if small:
            shown = ", ".join(f"{_plain(label)!r} ({_plain(v)!r})" for label, v in small[:5])
            more = f" (+{len(small) - 5})" if len(small) > 5 else ""
            raise PrivacyError(*text_pair("privacy_error.small_counts", column=column, below=threshold - 1,
                                          rows=shown, more=more, threshold=threshold),
                               column=str(column))
