"""Checks of the tables a coverage map is drawn from, and the status of each commune.

Counts from 1 to ``threshold - 1`` that are not masked are refused here as well
(defence in depth: the tables should come protected from
:mod:`relais_analysis.privacy`).
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd

from relais_analysis import i18n
from relais_analysis.config import CRS_WEB
from relais_analysis.errors import ParameterError, PrivacyError
from relais_analysis.outputs.classes import check_number
from relais_analysis.privacy.suppression import is_missing, is_suppressed

__all__ = [
    "REQUIRED_COMMUNE_COLUMNS",
    "REQUIRED_RELAY_COLUMNS",
    "check_columns",
    "check_covered",
    "prepare_communes",
    "refuse_small_counts",
    "commune_status",
    "to_web",
]


REQUIRED_COMMUNE_COLUMNS = (
    "nis", "name_fr", "population", "covered", "relays", "parents", "distance_km",
)


REQUIRED_RELAY_COLUMNS = (
    "relay_id", "name", "organisation", "latitude", "longitude", "activities", "parents",
)


def check_columns(frame: pd.DataFrame, required: Iterable[str], table: str) -> None:
    """Check that ``frame`` has the ``required`` columns.

    Raises
    ------
    ParameterError
        Listing the missing and present columns.
    """
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ParameterError(
            *i18n.text_pair("output_error.map_missing_columns", table=table, missing=missing,
                            found=list(frame.columns)),
        )


def to_web(frame: gpd.GeoDataFrame, table: str) -> gpd.GeoDataFrame:
    """``frame`` in EPSG:4326 (the only reprojection of the package happens here)."""
    if not isinstance(frame, gpd.GeoDataFrame):
        raise ParameterError(
            *i18n.text_pair("output_error.map_not_geodataframe", table=table, type_name=type(frame).__name__),
        )
    if frame.crs is None:
        raise ParameterError(
            *i18n.text_pair("output_error.map_no_crs", table=table),
        )
    if frame.geometry.isna().any() or frame.geometry.is_empty.any():
        raise ParameterError(
            *i18n.text_pair("output_error.map_empty_geometries", table=table),
        )
    return frame if frame.crs == CRS_WEB else frame.to_crs(CRS_WEB)


def refuse_small_counts(values: pd.Series, column: str, table: str, threshold: int) -> None:
    """Refuse counts from 1 to ``threshold - 1`` that are not masked (defence in depth)."""
    for row, value in values.items():
        if is_suppressed(value) or is_missing(value):
            continue
        if 0 < check_number(value, column, row) < threshold:
            raise PrivacyError(
                *i18n.text_pair("output_error.unmasked_count", table=table, value=value, column=column, row=row,
                                highest_small=threshold - 1),
                column=column,
            )


def commune_status(covered: object, value: object) -> str:
    """``"not_covered"``, ``"no_data"``, ``"masked"`` or ``"value"`` (zero included)."""
    if not covered:
        return "not_covered"
    if is_missing(value):
        return "no_data"
    if is_suppressed(value):
        return "masked"
    return "value"


def check_covered(values: pd.Series) -> list[bool]:
    """The ``covered`` column as a list of bools.

    Raises
    ------
    ParameterError
        If a value is not a boolean.
    """
    flags = []
    for row, value in values.items():
        if not isinstance(value, (bool, np.bool_)):
            raise ParameterError(
                *i18n.text_pair("output_error.covered_not_boolean", value=value, row=row),
                column="covered",
            )
        flags.append(bool(value))
    return flags


def prepare_communes(
    communes: gpd.GeoDataFrame, value_column: str, threshold: int
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Validated communes in EPSG:4326 and the status of each."""
    if not isinstance(value_column, str) or not value_column:
        raise ParameterError(
            *i18n.text_pair("output_error.value_column_invalid", value_column=value_column),
        )
    check_columns(communes, (*REQUIRED_COMMUNE_COLUMNS, value_column), "communes")
    communes = to_web(communes, "communes")
    if communes.empty:
        raise ParameterError(*i18n.text_pair("output_error.no_commune"))
    duplicated = sorted(set(communes.loc[communes["nis"].duplicated(), "nis"].astype(str)))
    if duplicated:
        raise ParameterError(
            *i18n.text_pair("output_error.duplicated_communes", duplicated=duplicated),
            column="nis",
        )
    refuse_small_counts(communes["parents"], "parents", "communes", threshold)
    covered = check_covered(communes["covered"])
    values = communes[value_column].tolist()
    statuses = [commune_status(c, v) for c, v in zip(covered, values, strict=True)]
    for row, status, value in zip(communes.index, statuses, values, strict=True):
        if status == "value":
            check_number(value, value_column, row)
    return communes, statuses
