"""Layers of the interactive maps, assembled from published (protected) tables.

:func:`annual_map` is what the CLI (``relais map``), the notebooks and the report
call: it joins the reference geography (coverage-simplified WGS84 polygons) with the
published tables of a :class:`~relais_analysis.indicators.tables.TableSet` and hands them to
:func:`relais_analysis.outputs.maps.coverage_map`. Only published values reach the map, so
no count below the threshold can leak into a tooltip or popup.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from relais_analysis import i18n
from relais_analysis.indicators import coverage
from relais_analysis.geography import reference
from relais_analysis.config import CRS_WEB
from relais_analysis.errors import ParameterError
from relais_analysis.i18n import check_lang, label, province_label, text
from relais_analysis.intake.ingest import Dataset
from relais_analysis.outputs.maps import coverage_map
from relais_analysis.indicators.tables import TableSet

__all__ = ["INDICATORS", "annual_map", "commune_layer", "relay_layer", "territory_layer"]

#: Map indicators: name -> (column of the commune layer, kind, catalogue key of its label).
INDICATORS: dict[str, tuple[str, str, str]] = {
    "reach_rate": ("rate_per_10000", "rate", "label.reach_rate"),
    "parents": ("parents", "count", "map.indicator_parents"),
    "coverage": ("n_relays", "count", "map.indicator_coverage"),
    "distance": ("distance_km", "km", "label.distance_km"),
}


def _check_indicator(indicator: str) -> tuple[str, str, str]:
    if indicator not in INDICATORS:
        raise ParameterError(
            *i18n.text_pair("output_error.unknown_indicator", indicator=indicator, valid=', '.join(INDICATORS)),
        )
    return INDICATORS[indicator]


def relay_layer(dataset: Dataset, tables: TableSet) -> pd.DataFrame:
    """Active relays with WGS84 position and their published activities and parents."""
    points = coverage.relay_points(dataset, tables.year)
    if tables.province_nis is not None:
        points = points[points["relay_id"].isin(tables.tables["reach_by_relay"]["relay_id"])]
    wgs = points.to_crs(CRS_WEB)
    reach = tables.tables["reach_by_relay"].set_index("relay_id")
    relays = dataset.relays.set_index("relay_id")
    return pd.DataFrame({
        "relay_id": wgs["relay_id"].to_numpy(),
        "name": wgs["relay_id"].map(relays["name"]).to_numpy(),
        "organisation": wgs["relay_id"].map(relays["organisation"]).to_numpy(),
        "latitude": wgs.geometry.y.round(5).to_numpy(),
        "longitude": wgs.geometry.x.round(5).to_numpy(),
        "activities": [reach["activities"].get(r, 0) for r in wgs["relay_id"]],
        "parents": [reach["parents"].get(r, pd.NA) for r in wgs["relay_id"]],
    })


def commune_layer(dataset: Dataset, tables: TableSet) -> gpd.GeoDataFrame:
    """Communes of the scope (WGS84) with coverage, published parents, rate and distance."""
    year = tables.year
    communes = reference.load_communes(year, web=True)
    cov = tables.tables["commune_coverage"].set_index("nis")
    communes = communes[communes["nis"].isin(cov.index)].reset_index(drop=True)
    names = dataset.relays.set_index("relay_id")["name"]
    rates = tables.tables["reach_rates"].set_index("nis")
    dist = tables.tables["access_distances"].set_index("nis")

    def relay_names(ids: str) -> str:
        return ", ".join(str(names.get(i.strip(), i.strip())) for i in str(ids).split(",") if i.strip())

    communes["covered"] = communes["nis"].map(cov["covered"]).astype(bool)
    communes["n_relays"] = communes["nis"].map(cov["n_relays"]).astype("int64")
    communes["relays"] = communes["nis"].map(cov["relays"]).fillna("").map(relay_names)
    communes["parents"] = communes["nis"].map(rates["parents"]) if tables.people_countable else pd.NA
    communes["rate_per_10000"] = communes["nis"].map(rates["rate_per_10000"]) if tables.people_countable else pd.NA
    communes["distance_km"] = communes["nis"].map(dist["distance_km"])
    return communes


def territory_layer(dataset: Dataset, tables: TableSet) -> gpd.GeoDataFrame:
    """One outline per relay territory (union of its communes), WGS84."""
    assignments = coverage.territory_communes(dataset, tables.year)
    communes = reference.load_communes(tables.year, web=True)[["nis", "geometry"]]
    joined = communes.merge(assignments, on="nis")
    if tables.province_nis is not None:
        joined = joined[joined["relay_id"].isin(tables.tables["reach_by_relay"]["relay_id"])]
    if joined.empty:
        return gpd.GeoDataFrame({"relay_id": [], "name": []}, geometry=[], crs=CRS_WEB)
    dissolved = joined.dissolve(by="relay_id").reset_index()[["relay_id", "geometry"]]
    dissolved["name"] = dissolved["relay_id"].map(dataset.relays.set_index("relay_id")["name"])
    return dissolved


def annual_map(
    dataset: Dataset,
    tables: TableSet,
    *,
    indicator: str = "reach_rate",
    lang: str = "fr",
    scheme: str = "natural_breaks",
    k: int = 5,
    tiles: bool = False,
):
    """The interactive map of one year and scope, built from published tables.

    Parameters
    ----------
    dataset : Dataset
        Validated dataset (relay names, organisations and positions).
    tables : TableSet
        Published tables of the year (see :func:`relais_analysis.indicators.tables.publish_tables`).
    indicator : {"reach_rate", "parents", "coverage", "distance"}
        Commune indicator of the choropleth.
    lang, scheme, k, tiles
        Passed to :func:`relais_analysis.outputs.maps.coverage_map`.

    Returns
    -------
    folium.Map

    Raises
    ------
    ParameterError
        Unknown indicator, or unprotected tables.
    """
    lang = check_lang(lang)
    column, kind, label_key = _check_indicator(indicator)
    if not tables.published:
        raise ParameterError(*i18n.text_pair("output_error.map_needs_published"))
    communes = commune_layer(dataset, tables)
    provinces = reference.load_provinces(tables.year, web=True)
    if tables.province_nis is not None:
        provinces = provinces[provinces["province_nis"] == tables.province_nis]
    scope = label("wallonia", lang) if tables.province_nis is None else province_label(tables.province_nis, lang)
    title = text("map.title", lang, scope=scope, year=tables.year)
    if dataset.population is None:
        source = text("map.source_default_population", lang, year=tables.year)
    else:
        name = dataset.population_source.split(" (SHA-256")[0]
        source = text("map.source_population_file", lang, year=tables.year, name=name)
    return coverage_map(
        communes, relay_layer(dataset, tables), value_column=column, value_label=text(label_key, lang), title=title,
        source=source, provinces=provinces, territories=territory_layer(dataset, tables),
        synthetic=dataset.synthetic, lang=lang, scheme=scheme, k=k, tiles=tiles, threshold=tables.threshold,
        value_kind=kind,
    )

