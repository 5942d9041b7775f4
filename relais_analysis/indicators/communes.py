"""The commune frames every territorial indicator starts from, and the sums they end with.

The territorial indicators (:mod:`~relais_analysis.indicators.territory`,
:mod:`~relais_analysis.indicators.access`, :mod:`~relais_analysis.indicators.rates`,
:mod:`~relais_analysis.indicators.planning`) all work on the communes in force in a
year, with their population (the bundled 1 January 2020 figures, or newer ones from a
Statbel file), optionally the households of each commune, and report totals per
province followed by a row for the whole region, ``province_nis`` ``"03000"``,
``province_name`` ``"Wallonie"``. These helpers take an already checked ``year`` and
``province`` (the public indicator functions check them once, at their top).
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from relais_analysis.config import WALLONIA_NIS
from relais_analysis.errors import ParameterError
from relais_analysis.i18n import text_pair
from relais_analysis.geography import reference

__all__ = ["COMMUNE_COLUMNS", "WALLONIA_NAME", "communes_of_year", "households_by_commune", "representative_xy",
           "share", "with_region", "xy"]

#: Name of the region row appended after the provinces.
WALLONIA_NAME = "Wallonie"

#: Descriptive columns of a commune row in the coverage tables.
COMMUNE_COLUMNS = ["nis", "name_fr", "province_nis", "province_name", "population"]


def communes_of_year(year: int, province: str | None = None, population: pd.Series | None = None) -> gpd.GeoDataFrame:
    """Communes of ``year`` (EPSG:3812), optionally of one province, sorted by code.

    Parameters
    ----------
    year : int
        Calendar year, already checked (:func:`relais_analysis.geography.reference.check_year`).
    province : str, optional
        Province code, already checked; default: all of Wallonia.
    population : pandas.Series, optional
        Newer figures by base-vintage code (``Dataset.population``) replacing the
        bundled 1 January 2020 population.

    Returns
    -------
    geopandas.GeoDataFrame
        The reference communes (see :func:`relais_analysis.geography.reference.load_communes`).

    Raises
    ------
    ReferenceDataError
        If ``population`` misses a commune of ``year``.
    """
    communes = reference.load_communes(year)
    if population is not None:
        from relais_analysis.geography.population import with_population

        communes = with_population(communes, population)
    if province is not None:
        communes = communes.loc[communes["province_nis"] == province]
    return communes.sort_values("nis").reset_index(drop=True)


def xy(points: gpd.GeoSeries) -> np.ndarray:
    """(n, 2) array of point coordinates in metres."""
    return np.column_stack([points.x.to_numpy(), points.y.to_numpy()])


def representative_xy(communes: gpd.GeoDataFrame) -> np.ndarray:
    """(n, 2) coordinates of each commune's representative point (a point inside its polygon)."""
    return xy(communes.geometry.representative_point())


def with_region(frame: pd.DataFrame, sums: Sequence[str]) -> pd.DataFrame:
    """Sum ``sums`` per province (sorted by code), then append the Wallonia row (int64 sums).

    >>> frame = pd.DataFrame({"province_nis": ["60000", "50000", "60000"],
    ...                       "province_name": ["Liège", "Hainaut", "Liège"], "n": [1, 2, 3]})
    >>> with_region(frame, ["n"]).values.tolist()
    [['50000', 'Hainaut', 2], ['60000', 'Liège', 4], ['03000', 'Wallonie', 6]]
    """
    provinces = (
        frame.groupby(["province_nis", "province_name"], as_index=False, sort=True)[list(sums)].sum()
    )
    total = {"province_nis": WALLONIA_NIS, "province_name": WALLONIA_NAME}
    total.update({col: frame[col].sum() for col in sums})
    out = pd.concat([provinces, pd.DataFrame([total])], ignore_index=True)
    for col in sums:
        out[col] = out[col].astype("int64")
    return out


def share(part: pd.Series, whole: pd.Series) -> pd.Series:
    """``part / whole`` as float, NaN where ``whole`` is 0.

    >>> share(pd.Series([1, 2]), pd.Series([4, 0])).tolist()
    [0.25, nan]
    """
    whole = whole.astype("float64")
    return (part.astype("float64") / whole.where(whole > 0)).astype("float64")


def households_by_commune(households: pd.DataFrame, year: int) -> pd.DataFrame:
    """Households table (base-vintage ``nis``) summed per commune code of ``year``.

    Parameters
    ----------
    households : pandas.DataFrame
        ``nis``, ``households_total``, ``households_single_parent`` (see
        :func:`relais_analysis.geography.population.load_households`).
    year : int
        Calendar year, already checked.

    Returns
    -------
    pandas.DataFrame
        The same columns, one row per commune code of ``year``, sorted by code (from
        2025, Bastogne 82003 and Bertogne 82005 are summed into 82039).

    Raises
    ------
    ParameterError
        If ``households`` is not a table with those columns.
    """
    required = {"nis", "households_total", "households_single_parent"}
    if not isinstance(households, pd.DataFrame) or not required <= set(households.columns):
        found = list(households.columns) if isinstance(households, pd.DataFrame) else type(households).__name__
        raise ParameterError(*text_pair("indicator_error.invalid_households", expected=sorted(required), found=found))
    frame = pd.DataFrame(
        {
            "nis": reference.codes_to_year(households["nis"].astype("string").str.strip(), year).to_numpy(),
            "households_total": pd.to_numeric(households["households_total"]).to_numpy(),
            "households_single_parent": pd.to_numeric(households["households_single_parent"]).to_numpy(),
        }
    )
    out = frame.groupby("nis", as_index=False, sort=True)[["households_total", "households_single_parent"]].sum()
    out["nis"] = out["nis"].astype(str)
    return out
