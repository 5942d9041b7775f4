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
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ParameterError(
            f"Colonnes absentes du tableau {table} : {missing!r}. "
            f"Colonnes présentes : {list(frame.columns)!r}.",
            f"Columns missing from the {table} table: {missing!r}. "
            f"Columns present: {list(frame.columns)!r}.",
        )


def to_web(frame: gpd.GeoDataFrame, table: str) -> gpd.GeoDataFrame:
    """``frame`` in EPSG:4326 (the only reprojection of the package happens here)."""
    if not isinstance(frame, gpd.GeoDataFrame):
        raise ParameterError(
            f"Le tableau {table} doit être un GeoDataFrame, pas {type(frame).__name__}.",
            f"The {table} table must be a GeoDataFrame, not {type(frame).__name__}.",
        )
    if frame.crs is None:
        raise ParameterError(
            f"Le tableau {table} n'a pas de système de coordonnées (crs) : "
            "utilisez geo.load_communes(year, web=True) ou set_crs().",
            f"The {table} table has no coordinate reference system (crs): "
            "use geo.load_communes(year, web=True) or set_crs().",
        )
    if frame.geometry.isna().any() or frame.geometry.is_empty.any():
        raise ParameterError(
            f"Le tableau {table} contient des géométries vides.",
            f"The {table} table holds empty geometries.",
        )
    return frame if frame.crs == CRS_WEB else frame.to_crs(CRS_WEB)


def refuse_small_counts(values: pd.Series, column: str, table: str, threshold: int) -> None:
    """Refuse counts from 1 to ``threshold - 1`` that are not masked (defence in depth)."""
    for row, value in values.items():
        if is_suppressed(value) or is_missing(value):
            continue
        if 0 < check_number(value, column, row) < threshold:
            raise PrivacyError(
                f"Le tableau {table} contient un effectif non masqué de {value!r} dans la "
                f"colonne {column!r} (ligne {row!r}) : les effectifs de 1 à {threshold - 1} "
                "doivent être masqués (privacy.suppress_small_counts) avant la carte.",
                f"The {table} table holds an unmasked count of {value!r} in column "
                f"{column!r} (row {row!r}): counts from 1 to {threshold - 1} must be masked "
                "(privacy.suppress_small_counts) before mapping.",
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
    flags = []
    for row, value in values.items():
        if not isinstance(value, (bool, np.bool_)):
            raise ParameterError(
                f"La colonne 'covered' doit contenir True ou False ; trouvé {value!r} "
                f"(ligne {row!r}).",
                f"Column 'covered' must hold True or False; found {value!r} (row {row!r}).",
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
            f"value_column doit être un nom de colonne, pas {value_column!r}.",
            f"value_column must be a column name, not {value_column!r}.",
        )
    check_columns(communes, (*REQUIRED_COMMUNE_COLUMNS, value_column), "communes")
    communes = to_web(communes, "communes")
    if communes.empty:
        raise ParameterError("Aucune commune à cartographier.", "No commune to map.")
    duplicated = sorted(set(communes.loc[communes["nis"].duplicated(), "nis"].astype(str)))
    if duplicated:
        raise ParameterError(
            f"Communes en double dans le tableau communes : {duplicated!r}.",
            f"Duplicated communes in the communes table: {duplicated!r}.",
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
