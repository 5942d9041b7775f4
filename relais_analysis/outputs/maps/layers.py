"""Layers of a coverage map: commune choropleth with tooltips, outlines, relay markers.

Every text from the data or the caller goes through :func:`escape_text` (HTML, JS
template literal and Jinja safe); numbers are formatted in Python (never by the
browser's locale); coordinates are rounded to :data:`COORD_DECIMALS` decimals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from relais_analysis import i18n
from relais_analysis.errors import ParameterError
from relais_analysis.outputs.classes import MapClasses, format_number
from relais_analysis.outputs.offline import escape_for_folium
from relais_analysis.outputs.maps.validation import REQUIRED_COMMUNE_COLUMNS
from relais_analysis.privacy.suppression import is_missing, is_suppressed, masked_label

__all__ = [
    "BORDER",
    "COORD_DECIMALS",
    "DOTS_ID",
    "HATCH_ID",
    "NO_DATA_FILL",
    "PROVINCE_STYLE",
    "RELAY_FILL",
    "RELAY_STROKE",
    "TERRITORY_STYLE",
    "add_communes",
    "add_outlines",
    "add_relays",
    "cell_text",
    "escape_text",
]


#: Decimals kept in longitude/latitude: 1e-4 degree is 7 m (east-west) by 11 m in
#: Wallonia, far below the 120 m tolerance of the web polygons of :mod:`geo` (no
#: visible change even at zoom 12), and about 40 kB less than 5 decimals.
COORD_DECIMALS = 4


HATCH_ID = "rfm-hatch"  # SVG pattern of communes not covered


DOTS_ID = "rfm-masked"  # SVG pattern of masked values


NO_DATA_FILL = "#bdbdbd"


BORDER = "#7a7a7a"


RELAY_FILL = "#d95f02"


RELAY_STROKE = "#3d1a00"


TERRITORY_STYLE = {"fill": False, "color": "#1a1a1a", "weight": 1.4, "opacity": 1}


PROVINCE_STYLE = {"fill": False, "color": "#54278f", "weight": 4, "opacity": 0.55}


def escape_text(text: object) -> str:
    """Escape any text shown by the map (HTML, JS template literal and Jinja safe)."""
    return escape_for_folium(str(text))


def cell_text(value: object, fmt: Callable[[Any], str], lang: str, threshold: int) -> str:
    """Masked label, no-data dash, or ``fmt(value)``."""
    if is_suppressed(value):
        return masked_label(threshold, lang)
    if is_missing(value):
        return i18n.NO_DATA
    return fmt(value)


def _fill(status: str, value: object, classes: MapClasses) -> str:
    if status == "not_covered":
        return f"url(#{HATCH_ID})"
    if status == "no_data":
        return NO_DATA_FILL
    if status == "masked":
        return f"url(#{DOTS_ID})"
    return classes.color_for(float(value))  # type: ignore[arg-type]


def _commune_style(fill: str, fill_opacity: float) -> dict[str, Any]:
    return {
        "fillColor": fill, "fillOpacity": fill_opacity, "color": BORDER, "weight": 0.6,
        "opacity": 1,
    }


def _round_geometries(geometries: gpd.GeoSeries) -> list[dict[str, Any]]:
    """GeoJSON geometries with coordinates rounded to :data:`COORD_DECIMALS`."""
    rounded = shapely.transform(
        np.asarray(geometries.values), lambda xy: np.round(xy, COORD_DECIMALS)
    )
    return [shapely.geometry.mapping(g) for g in rounded]


def _feature_collection(
    frame: gpd.GeoDataFrame, ids: Sequence[str], properties: Sequence[dict[str, str]]
) -> dict[str, Any]:
    features = [
        {"type": "Feature", "id": fid, "properties": props, "geometry": geometry}
        for fid, props, geometry in zip(ids, properties, _round_geometries(frame.geometry),
                                        strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def _tooltip_fields(value_column: str, value_label: str, lang: str) -> list[tuple[str, str]]:
    """(property, header) of each row of a commune tooltip."""
    fields = [
        ("name", i18n.label("commune", lang)),
        ("population", i18n.label("population", lang)),
        ("relays", i18n.text("map.covering_relays", lang)),
        ("parents", i18n.text("map.parents_reached", lang)),
        ("distance", i18n.text("map.distance", lang)),
    ]
    if value_column not in REQUIRED_COMMUNE_COLUMNS:
        fields.append(("value", value_label))
    return fields


def _commune_properties(
    row: pd.Series, value: object, value_kind: str, lang: str, threshold: int
) -> dict[str, str]:
    """Pre-formatted, escaped tooltip strings of one commune."""
    relays = "" if is_missing(row["relays"]) else str(row["relays"]).strip()

    def cell(v: object, fmt: Callable[[Any], str]) -> str:
        return escape_text(cell_text(v, fmt, lang, threshold))

    return {
        "name": escape_text(row["name_fr"]),
        "population": cell(row["population"], lambda v: i18n.format_int(v, lang)),
        "relays": escape_text(relays or i18n.text("map.none", lang)),
        "parents": cell(row["parents"], lambda v: i18n.format_int(v, lang)),
        "distance": cell(row["distance_km"], lambda v: i18n.format_km(v, lang)),
        "value": cell(value, lambda v: format_number(v, value_kind, lang)),
    }


def add_communes(
    m: folium.Map,
    communes: gpd.GeoDataFrame,
    *,
    value_column: str,
    value_label: str,
    value_kind: str,
    classes: MapClasses,
    statuses: list[str],
    fill_opacity: float,
    lang: str,
    threshold: int,
) -> folium.GeoJson:
    """The commune choropleth with its tooltips (pre-formatted, escaped), added to ``m``."""
    ids = [str(nis) for nis in communes["nis"]]
    values = communes[value_column].tolist()
    properties = [
        _commune_properties(row, value, value_kind, lang, threshold)
        for (_, row), value in zip(communes.iterrows(), values, strict=True)
    ]
    fields = _tooltip_fields(value_column, value_label, lang)
    keep = [name for name, _ in fields]
    properties = [{key: props[key] for key in keep} for props in properties]
    styles = {
        fid: _commune_style(_fill(status, value, classes), fill_opacity)
        for fid, status, value in zip(ids, statuses, values, strict=True)
    }
    layer = folium.GeoJson(
        _feature_collection(communes, ids, properties),
        name=escape_text(value_label),
        style_function=lambda feature: styles[feature["id"]],
        highlight_function=lambda feature: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(
            fields=keep, aliases=[escape_text(header) for _, header in fields], sticky=True
        ),
        smooth_factor=0.5,
    )
    return layer.add_to(m)


def _outline(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The borders of ``frame``'s polygons as one multi-line, each border once.

    Two neighbours share a border: drawing each polygon's outline would embed it twice.
    """
    lines = shapely.line_merge(shapely.union_all(frame.geometry.boundary.values))
    return gpd.GeoDataFrame(geometry=[lines], crs=frame.crs)


def add_outlines(
    m: folium.Map, frame: gpd.GeoDataFrame, *, name: str, style: dict[str, Any]
) -> folium.GeoJson:
    """Borders without fill, properties or mouse events, as one layer of one feature."""
    layer = folium.GeoJson(
        _feature_collection(_outline(frame), ["0"], [{}]),
        name=escape_text(name),
        style_function=lambda feature: style,
        interactive=False,
        smooth_factor=0.5,
    )
    return layer.add_to(m)


def _relay_popup(row: pd.Series, lang: str, threshold: int) -> str:
    rows = [
        (i18n.text("map.organisation", lang), escape_text(row["organisation"])),
        (
            i18n.label("activities", lang),
            escape_text(cell_text(row["activities"], lambda v: i18n.format_int(v, lang), lang,
                               threshold)),
        ),
        (
            i18n.text("map.parents_reached", lang),
            escape_text(cell_text(row["parents"], lambda v: i18n.format_int(v, lang), lang,
                               threshold)),
        ),
    ]
    cells = "".join(
        f'<tr><th scope="row">{escape_text(header)}</th><td>{value}</td></tr>'
        for header, value in rows
    )
    return (
        f'<div class="rfm-popup"><div class="rfm-popup-name">{escape_text(row["name"])}</div>'
        f"<table>{cells}</table></div>"
    )


def add_relays(
    m: folium.Map, relays: pd.DataFrame, lang: str, threshold: int
) -> folium.FeatureGroup:
    """One circle marker per relay with tooltip and popup, as a feature group of ``m``.

    Raises
    ------
    ParameterError
        If a relay has no coordinates.
    """
    group = folium.FeatureGroup(name=escape_text(i18n.label("relays", lang)))
    for index, row in relays.iterrows():
        lat, lon = row["latitude"], row["longitude"]
        if is_missing(lat) or is_missing(lon):
            raise ParameterError(
                *i18n.text_pair("output_error.relay_without_coordinates", relay_id=row['relay_id'], index=index),
            )
        folium.CircleMarker(
            location=[round(float(lat), COORD_DECIMALS), round(float(lon), COORD_DECIMALS)],
            radius=7,
            color=RELAY_STROKE,
            weight=1.5,
            fill=True,
            fill_color=RELAY_FILL,
            fill_opacity=1,
            tooltip=folium.Tooltip(escape_text(row["name"])),
            popup=folium.Popup(_relay_popup(row, lang, threshold), max_width=320),
        ).add_to(group)
    return group.add_to(m)
