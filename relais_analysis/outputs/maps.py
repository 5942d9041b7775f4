"""Coverage maps of Wallonia for funders: self-contained HTML, French by default.

:func:`coverage_map` draws, from tables prepared upstream (coverage, reach, privacy):

- a choropleth of the communes, classified with mapclassify on a colour-blind-safe
  sequential palette (ColorBrewer YlGnBu), with four statuses drawn apart and listed
  in the legend: *not covered* (white hatching: "zone blanche"), *no data* (grey),
  *masked* (grey dots: small count hidden by :mod:`relais_analysis.privacy.suppress`) and
  *zero* (its own class, the palette's lightest colour: zero is a result, not a gap);
- one circle marker per relay, with a popup (name, host organisation, activities,
  parents reached);
- province and relay-territory outlines, each in its own layer, a layer control, a
  title box (with a "données synthétiques" banner for demo data), a legend and a
  source line.

:func:`save_map` writes the map as one self-contained HTML file (no CDN, no tiles, no
network request: :func:`relais_analysis.outputs.offline.save_offline_map`).

Design choices
--------------
- Every text the reader sees is formatted in Python (:mod:`relais_analysis.i18n`,
  Babel): tooltips never depend on the browser's locale.
- Every text from the data or the caller (names, title, source, labels) goes through
  :func:`_escape`: :func:`~relais_analysis.outputs.offline.escape_for_folium` plus ``{`` and
  ``}``. folium 0.20 re-renders the output of each element as a Jinja template, so a
  name containing ``{{ ... }}`` would otherwise be *evaluated in Python* when the map
  is rendered (checked: a tooltip ``"{{ 7*7 }}"`` shows ``49``).
- Only what the map shows travels to the browser: pre-formatted strings, coordinates
  rounded to :data:`COORD_DECIMALS` decimals, outlines without properties.
- Outlines (provinces, territories) are not interactive: hovering a border still shows
  the commune underneath. Only communes and relays are ``path.leaflet-interactive``.
- ``scheme="natural_breaks"`` uses :class:`mapclassify.FisherJenks` (Jenks' optimal
  natural breaks). :class:`mapclassify.NaturalBreaks` is k-means with random starts:
  run twice on the same values it can return different breaks, which would change a
  published map between two builds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.template import Template

from relais_analysis import i18n
from relais_analysis.config import CRS_WEB, DEFAULT_THRESHOLD
from relais_analysis.outputs.classes import (
    MAX_CLASSES,
    RANGE_SEPARATOR,
    SCHEMES,
    VALUE_KINDS,
    MapClasses,
    _check_choice,
    _check_k,
    _format_number,
    _number,
    classify,
)
from relais_analysis.errors import ParameterError, PrivacyError
from relais_analysis.outputs.offline import OfflineAssetError, escape_for_folium, make_offline_map, save_offline_map
from relais_analysis.privacy.masked import check_threshold, footnote, is_missing, is_suppressed, masked_label

__all__ = [
    "COORD_DECIMALS",
    "MAX_CLASSES",
    "OSM_TILE_URL",
    "RANGE_SEPARATOR",
    "SCHEMES",
    "VALUE_KINDS",
    "MapClasses",
    "classify",
    "coverage_map",
    "save_map",
]

#: Decimals kept in longitude/latitude: 1e-4 degree is 7 m (east-west) by 11 m in
#: Wallonia, far below the 120 m tolerance of the web polygons of :mod:`geo` (no
#: visible change even at zoom 12), and about 40 kB less than 5 decimals.
COORD_DECIMALS = 4
#: OpenStreetMap tiles, only with ``tiles=True`` and ``save_map(..., allow_network=True)``.
OSM_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
_OSM_ATTRIBUTION = {
    "fr": '&copy; les contributeurs d\'<a href="https://www.openstreetmap.org/copyright">'
    "OpenStreetMap</a>",
    "en": '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
    "contributors",
}

_HATCH_ID = "rfm-hatch"  # SVG pattern of communes not covered
_DOTS_ID = "rfm-masked"  # SVG pattern of masked values
_NO_DATA_FILL = "#bdbdbd"
_BORDER = "#7a7a7a"
_RELAY_FILL = "#d95f02"
_RELAY_STROKE = "#3d1a00"
_TERRITORY_STYLE = {"fill": False, "color": "#1a1a1a", "weight": 1.4, "opacity": 1}
_PROVINCE_STYLE = {"fill": False, "color": "#54278f", "weight": 4, "opacity": 0.55}

_NBSP = "\u00a0"
_REQUIRED_COMMUNE_COLUMNS = (
    "nis", "name_fr", "population", "covered", "relays", "parents", "distance_km",
)
_REQUIRED_RELAY_COLUMNS = (
    "relay_id", "name", "organisation", "latitude", "longitude", "activities", "parents",
)

#: Texts of the map that :func:`relais_analysis.i18n.label` does not have.
_TEXT: dict[str, dict[str, str]] = {
    "covering_relays": {"fr": "Relais couvrant la commune", "en": "Covering relay(s)"},
    "parents_reached": {"fr": "Parents touchés", "en": "Parents reached"},
    "distance": {
        "fr": "Distance au relais le plus proche", "en": "Distance to the nearest relay",
    },
    "none": {"fr": "Aucun", "en": "None"},
    "organisation": {"fr": "Organisation porteuse", "en": "Host organisation"},
    "layer_provinces": {"fr": "Limites des provinces", "en": "Province boundaries"},
    "layer_territories": {"fr": "Territoires des relais", "en": "Relay territories"},
    "legend_relay": {"fr": "Relais", "en": "Relay"},
    "legend_territory": {
        "fr": "Limite de territoire d'un relais", "en": "Relay territory boundary",
    },
    "legend_province": {"fr": "Limite de province", "en": "Province boundary"},
    "natural_breaks": {
        "fr": f"Classes{_NBSP}: seuils naturels (Jenks)", "en": "Classes: natural breaks (Jenks)",
    },
    "quantiles": {
        "fr": f"Classes{_NBSP}: quantiles (effectifs égaux)",
        "en": "Classes: quantiles (equal counts)",
    },
    "synthetic_banner": {"fr": "Données synthétiques", "en": "Synthetic data"},
    "source_prefix": {"fr": f"Source{_NBSP}: ", "en": "Source: "},
}


def _text(key: str, lang: str) -> str:
    return _TEXT[key][lang]


def _escape(text: object) -> str:
    """Escape any text shown by the map (HTML, JS template literal and Jinja safe)."""
    return escape_for_folium(str(text))


# --------------------------------------------------------------------------- validation


def _check_columns(frame: pd.DataFrame, required: Iterable[str], table: str) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ParameterError(
            f"Colonnes absentes du tableau {table} : {missing!r}. "
            f"Colonnes présentes : {list(frame.columns)!r}.",
            f"Columns missing from the {table} table: {missing!r}. "
            f"Columns present: {list(frame.columns)!r}.",
        )


def _to_web(frame: gpd.GeoDataFrame, table: str) -> gpd.GeoDataFrame:
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


def _refuse_small_counts(values: pd.Series, column: str, table: str, threshold: int) -> None:
    """Refuse counts from 1 to ``threshold - 1`` that are not masked (defence in depth)."""
    for row, value in values.items():
        if is_suppressed(value) or is_missing(value):
            continue
        if 0 < _number(value, column, row) < threshold:
            raise PrivacyError(
                f"Le tableau {table} contient un effectif non masqué de {value!r} dans la "
                f"colonne {column!r} (ligne {row!r}) : les effectifs de 1 à {threshold - 1} "
                "doivent être masqués (privacy.suppress_small_counts) avant la carte.",
                f"The {table} table holds an unmasked count of {value!r} in column "
                f"{column!r} (row {row!r}): counts from 1 to {threshold - 1} must be masked "
                "(privacy.suppress_small_counts) before mapping.",
                column=column,
            )


# --------------------------------------------------------------------------- formatting


def _cell_text(value: object, fmt: Callable[[Any], str], lang: str, threshold: int) -> str:
    """Masked label, no-data dash, or ``fmt(value)``."""
    if is_suppressed(value):
        return masked_label(threshold, lang)
    if is_missing(value):
        return i18n.NO_DATA
    return fmt(value)


# --------------------------------------------------------------------------- classification


# --------------------------------------------------------------------------- statuses and styles


def _status(covered: object, value: object) -> str:
    """``"not_covered"``, ``"no_data"``, ``"masked"`` or ``"value"`` (zero included)."""
    if not covered:
        return "not_covered"
    if is_missing(value):
        return "no_data"
    if is_suppressed(value):
        return "masked"
    return "value"


def _check_covered(values: pd.Series) -> list[bool]:
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


def _fill(status: str, value: object, classes: MapClasses) -> str:
    if status == "not_covered":
        return f"url(#{_HATCH_ID})"
    if status == "no_data":
        return _NO_DATA_FILL
    if status == "masked":
        return f"url(#{_DOTS_ID})"
    return classes.color_for(float(value))  # type: ignore[arg-type]


def _commune_style(fill: str, fill_opacity: float) -> dict[str, Any]:
    return {
        "fillColor": fill, "fillOpacity": fill_opacity, "color": _BORDER, "weight": 0.6,
        "opacity": 1,
    }


# --------------------------------------------------------------------------- geometry


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


# --------------------------------------------------------------------------- layers


def _tooltip_fields(value_column: str, value_label: str, lang: str) -> list[tuple[str, str]]:
    """(property, header) of each row of a commune tooltip."""
    fields = [
        ("name", i18n.label("commune", lang)),
        ("population", i18n.label("population", lang)),
        ("relays", _text("covering_relays", lang)),
        ("parents", _text("parents_reached", lang)),
        ("distance", _text("distance", lang)),
    ]
    if value_column not in _REQUIRED_COMMUNE_COLUMNS:
        fields.append(("value", value_label))
    return fields


def _commune_properties(
    row: pd.Series, value: object, value_kind: str, lang: str, threshold: int
) -> dict[str, str]:
    """Pre-formatted, escaped tooltip strings of one commune."""
    relays = "" if is_missing(row["relays"]) else str(row["relays"]).strip()

    def cell(v: object, fmt: Callable[[Any], str]) -> str:
        return _escape(_cell_text(v, fmt, lang, threshold))

    return {
        "name": _escape(row["name_fr"]),
        "population": cell(row["population"], lambda v: i18n.format_int(v, lang)),
        "relays": _escape(relays or _text("none", lang)),
        "parents": cell(row["parents"], lambda v: i18n.format_int(v, lang)),
        "distance": cell(row["distance_km"], lambda v: i18n.format_km(v, lang)),
        "value": cell(value, lambda v: _format_number(v, value_kind, lang)),
    }


def _add_communes(
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
        name=_escape(value_label),
        style_function=lambda feature: styles[feature["id"]],
        highlight_function=lambda feature: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(
            fields=keep, aliases=[_escape(header) for _, header in fields], sticky=True
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


def _add_outlines(
    m: folium.Map, frame: gpd.GeoDataFrame, *, name: str, style: dict[str, Any]
) -> folium.GeoJson:
    """Borders without fill, properties or mouse events, as one layer of one feature."""
    layer = folium.GeoJson(
        _feature_collection(_outline(frame), ["0"], [{}]),
        name=_escape(name),
        style_function=lambda feature: style,
        interactive=False,
        smooth_factor=0.5,
    )
    return layer.add_to(m)


def _relay_popup(row: pd.Series, lang: str, threshold: int) -> str:
    rows = [
        (_text("organisation", lang), _escape(row["organisation"])),
        (
            i18n.label("activities", lang),
            _escape(_cell_text(row["activities"], lambda v: i18n.format_int(v, lang), lang,
                               threshold)),
        ),
        (
            _text("parents_reached", lang),
            _escape(_cell_text(row["parents"], lambda v: i18n.format_int(v, lang), lang,
                               threshold)),
        ),
    ]
    cells = "".join(
        f'<tr><th scope="row">{_escape(header)}</th><td>{value}</td></tr>'
        for header, value in rows
    )
    return (
        f'<div class="rfm-popup"><div class="rfm-popup-name">{_escape(row["name"])}</div>'
        f"<table>{cells}</table></div>"
    )


def _add_relays(
    m: folium.Map, relays: pd.DataFrame, lang: str, threshold: int
) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=_escape(i18n.label("relays", lang)))
    for index, row in relays.iterrows():
        lat, lon = row["latitude"], row["longitude"]
        if is_missing(lat) or is_missing(lon):
            raise ParameterError(
                f"Le relais {row['relay_id']!r} (ligne {index!r}) n'a pas de coordonnées.",
                f"Relay {row['relay_id']!r} (row {index!r}) has no coordinates.",
            )
        folium.CircleMarker(
            location=[round(float(lat), COORD_DECIMALS), round(float(lon), COORD_DECIMALS)],
            radius=7,
            color=_RELAY_STROKE,
            weight=1.5,
            fill=True,
            fill_color=_RELAY_FILL,
            fill_opacity=1,
            tooltip=folium.Tooltip(_escape(row["name"])),
            popup=folium.Popup(_relay_popup(row, lang, threshold), max_width=320),
        ).add_to(group)
    return group.add_to(m)


# --------------------------------------------------------------------------- title, legend, source

_CSS = """
.leaflet-container { background: #eef1f3; }
.leaflet-control-layers label { font-size: 13px; }
.rfm-box { background: rgba(255, 255, 255, 0.94); padding: 7px 10px; border-radius: 5px;
  box-shadow: 0 1px 5px rgba(0, 0, 0, 0.35); color: #1a1a1a;
  font: 13px/1.35 "Helvetica Neue", Arial, Helvetica, sans-serif; }
.rfm-title { max-width: 360px; }
.rfm-title-text { font-size: 16px; font-weight: bold; }
.rfm-synthetic { display: inline-block; margin-top: 5px; padding: 2px 7px; border-radius: 3px;
  background: #b2182b; color: #ffffff; font-weight: bold; font-size: 12px; }
.rfm-legend { max-width: 280px; }
.rfm-legend-title { font-weight: bold; margin-bottom: 4px; cursor: pointer; }
.rfm-legend:not([open]) .rfm-legend-title { margin-bottom: 0; }
h1.rfm-title-text { margin: 0; }
.rfm-row { display: flex; align-items: center; gap: 7px; margin: 2px 0; }
.rfm-swatch { flex: none; width: 20px; height: 13px; box-sizing: border-box;
  border: 1px solid #7a7a7a; }
.rfm-symbol { flex: none; width: 20px; height: 13px; }
.rfm-sep { border-top: 1px solid #d0d0d0; margin: 5px 0; }
.rfm-note { color: #555555; font-size: 11px; margin-top: 4px; }
.rfm-source { font-size: 11px; max-width: 520px; }
.rfm-popup-name { font-weight: bold; font-size: 14px; margin-bottom: 4px; }
.rfm-popup th { text-align: left; font-weight: normal; color: #555555; padding-right: 8px; }
.rfm-popup td { font-weight: bold; }
@media (max-width: 640px) {
  .rfm-title, .rfm-source, .rfm-legend { max-width: calc(100vw - 80px); }
  .rfm-title-text { font-size: 14px; }
  .rfm-legend[open] { max-height: 55vh; overflow-y: auto; }
}
"""

_PATTERNS = f"""<svg class="rfm-defs" width="0" height="0" aria-hidden="true" focusable="false"
 style="position:absolute;width:0;height:0;overflow:hidden"><defs>
<pattern id="{_HATCH_ID}" patternUnits="userSpaceOnUse" width="6" height="6"
 patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>
<line x1="0" y1="0" x2="0" y2="6" stroke="#9a9a9a" stroke-width="1.6"/></pattern>
<pattern id="{_DOTS_ID}" patternUnits="userSpaceOnUse" width="5" height="5">
<rect width="5" height="5" fill="#e3e3e3"/><circle cx="2.5" cy="2.5" r="1.1" fill="#5e5e5e"/>
</pattern></defs></svg>"""


def _swatch(fill: str) -> str:
    return (
        '<svg class="rfm-swatch" viewBox="0 0 20 13" aria-hidden="true">'
        f'<rect width="20" height="13" fill="{fill}"/></svg>'
    )


def _line_symbol(style: dict[str, Any]) -> str:
    return (
        '<svg class="rfm-symbol" viewBox="0 0 20 13" aria-hidden="true">'
        f'<line x1="1" y1="6.5" x2="19" y2="6.5" stroke="{style["color"]}" '
        f'stroke-width="{style["weight"]}" stroke-opacity="{style["opacity"]}"/></svg>'
    )


def _legend_row(symbol: str, text: str) -> str:
    return f'<div class="rfm-row">{symbol}<span class="rfm-label">{_escape(text)}</span></div>'


def _legend_html(
    *,
    value_label: str,
    classes: MapClasses,
    lang: str,
    threshold: int,
    relays: bool,
    territories: bool,
    provinces: bool,
) -> str:
    rows = [_legend_row(_swatch(color), text) for color, text in classes.legend()]
    rows.append('<div class="rfm-sep"></div>')
    rows.append(_legend_row(_swatch(f"url(#{_DOTS_ID})"), footnote(threshold, lang)))
    rows.append(_legend_row(_swatch(_NO_DATA_FILL), i18n.label("no_data", lang)))
    rows.append(_legend_row(_swatch(f"url(#{_HATCH_ID})"), i18n.label("not_covered", lang)))
    symbols = []
    if relays:
        circle = (
            '<svg class="rfm-symbol" viewBox="0 0 20 13" aria-hidden="true">'
            f'<circle cx="10" cy="6.5" r="5" fill="{_RELAY_FILL}" stroke="{_RELAY_STROKE}"'
            ' stroke-width="1.5"/></svg>'
        )
        symbols.append(_legend_row(circle, _text("legend_relay", lang)))
    if territories:
        symbols.append(
            _legend_row(_line_symbol(_TERRITORY_STYLE), _text("legend_territory", lang))
        )
    if provinces:
        symbols.append(
            _legend_row(_line_symbol(_PROVINCE_STYLE), _text("legend_province", lang))
        )
    if symbols:
        rows.append('<div class="rfm-sep"></div>')
        rows.extend(symbols)
    title = f'<summary class="rfm-legend-title">{_escape(value_label)}</summary>'  # click to fold
    note = f'<div class="rfm-note">{_escape(_text(classes.scheme, lang))}</div>'
    return title + "".join(rows) + note


def _title_html(title: str, synthetic: bool, lang: str) -> str:
    html = f'<h1 class="rfm-title-text">{_escape(title)}</h1>'
    if synthetic:
        html += f'<div class="rfm-synthetic">{_escape(_text("synthetic_banner", lang))}</div>'
    return html


def _source_html(source: str, synthetic: bool, lang: str) -> str:
    text = _text("source_prefix", lang) + source
    if synthetic:
        text += " \u2014 " + i18n.label("synthetic_data", lang)
    return _escape(text)


class _MapFurniture(MacroElement):
    """Title box (top left), legend and source line (bottom left), initial view.

    The boxes are written into the page body (already escaped) and moved into Leaflet
    control corners by a short script, so they never cover the zoom or layer controls.
    The legend is a ``<details>`` box: open on a desktop, folded (its title still shown,
    a tap opens it) on a screen at most 640 px wide or 480 px high.
    The SVG hatch/dot patterns used by communes and legend swatches are defined here.
    The map is fitted to ``bounds`` without animation (folium's ``fit_bounds`` animates
    the first zoom, and Leaflet ignores any zoom asked for during that animation).
    """

    _template = Template(
        """
{% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}
{% macro html(this, kwargs) %}
{{ this.patterns }}
<div id="{{ this.get_name() }}_title" class="rfm-box rfm-title">{{ this.title_html }}</div>
<details id="{{ this.get_name() }}_legend" class="rfm-box rfm-legend" open>{{ this.legend_html }}</details>
<div id="{{ this.get_name() }}_source" class="rfm-box rfm-source">{{ this.source_html }}</div>
{% endmacro %}
{% macro script(this, kwargs) %}
(function () {
    var map = {{ this._parent.get_name() }};
    function place(id, position) {
        var element = document.getElementById(id);
        var Box = L.Control.extend({ options: { position: position },
                                     onAdd: function () { return element; } });
        new Box().addTo(map);
        L.DomEvent.disableClickPropagation(element);
        L.DomEvent.disableScrollPropagation(element);
    }
    place("{{ this.get_name() }}_title", "topleft");
    place("{{ this.get_name() }}_source", "bottomleft");
    place("{{ this.get_name() }}_legend", "bottomleft");  /* stacked above the source */
    if (window.matchMedia("(max-width: 640px), (max-height: 480px)").matches) {
        document.getElementById("{{ this.get_name() }}_legend").open = false;  /* folded on a phone */
    }
    map.fitBounds({{ this.bounds|tojson }}, { paddingTopLeft: [10, 70],
                  paddingBottomRight: [10, 10], animate: false });
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        *,
        title_html: str,
        legend_html: str,
        source_html: str,
        bounds: list[list[float]],
        lang: str = "fr",
    ) -> None:
        super().__init__()
        self.bounds = bounds
        self.lang = lang
        self._name = "MapFurniture"
        self.css = _CSS
        self.patterns = _PATTERNS
        self.title_html = title_html
        self.legend_html = legend_html
        self.source_html = source_html


# --------------------------------------------------------------------------- tiles (opt-in)


def _tile_script(lang: str) -> str:
    """JS adding OpenStreetMap tiles to the page's map.

    The map is found through its ``div.folium-map`` (whose id is the name of the map
    variable), so the script survives any renaming of folium's ids on save.
    """
    options = {"attribution": _OSM_ATTRIBUTION[lang], "maxZoom": 19}
    as_js = json.dumps(options, ensure_ascii=False).replace("<", "\\u003c")
    return (
        "(function () {\n"
        '    var map = window[document.querySelector(".folium-map").id];\n'
        f"    L.tileLayer({json.dumps(OSM_TILE_URL)}, {as_js}).addTo(map);\n"
        "})();"
    )


class _NetworkTiles(MacroElement):
    """OpenStreetMap tiles: a network resource, refused by the offline save.

    :func:`save_map` with ``allow_network=True`` saves the map without this element
    (:func:`~relais_analysis.outputs.offline.save_offline_map`: inlined, checked offline-clean),
    then appends the same script to the file.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}{% if this.enabled %}{{ this.js }}{% endif %}{% endmacro %}
"""
    )

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "NetworkTiles"
        self.lang = lang
        self.enabled = True

    @property
    def js(self) -> str:
        return _tile_script(self.lang)


def _network_tiles(m: folium.Map) -> list[_NetworkTiles]:
    return [child for child in m._children.values() if isinstance(child, _NetworkTiles)]


# --------------------------------------------------------------------------- public API


def _prepare_communes(
    communes: gpd.GeoDataFrame, value_column: str, threshold: int
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Validated communes in EPSG:4326 and the status of each."""
    if not isinstance(value_column, str) or not value_column:
        raise ParameterError(
            f"value_column doit être un nom de colonne, pas {value_column!r}.",
            f"value_column must be a column name, not {value_column!r}.",
        )
    _check_columns(communes, (*_REQUIRED_COMMUNE_COLUMNS, value_column), "communes")
    communes = _to_web(communes, "communes")
    if communes.empty:
        raise ParameterError("Aucune commune à cartographier.", "No commune to map.")
    duplicated = sorted(set(communes.loc[communes["nis"].duplicated(), "nis"].astype(str)))
    if duplicated:
        raise ParameterError(
            f"Communes en double dans le tableau communes : {duplicated!r}.",
            f"Duplicated communes in the communes table: {duplicated!r}.",
            column="nis",
        )
    _refuse_small_counts(communes["parents"], "parents", "communes", threshold)
    covered = _check_covered(communes["covered"])
    values = communes[value_column].tolist()
    statuses = [_status(c, v) for c, v in zip(covered, values, strict=True)]
    for row, status, value in zip(communes.index, statuses, values, strict=True):
        if status == "value":
            _number(value, value_column, row)
    return communes, statuses


def coverage_map(
    communes: gpd.GeoDataFrame,
    relays: pd.DataFrame,
    *,
    value_column: str,
    value_label: str,
    title: str,
    source: str,
    provinces: gpd.GeoDataFrame | None = None,
    territories: gpd.GeoDataFrame | None = None,
    synthetic: bool = False,
    lang: str = "fr",
    scheme: str = "natural_breaks",
    k: int = 5,
    tiles: bool = False,
    threshold: int = DEFAULT_THRESHOLD,
    value_kind: str = "rate",
) -> folium.Map:
    """Choropleth of a commune indicator with relays, outlines, legend and title.

    Parameters
    ----------
    communes : geopandas.GeoDataFrame
        One row per commune to draw (all of Wallonia, or one province): the
        polygons of ``geo.load_communes(year, web=True)`` (any CRS is reprojected to
        EPSG:4326) with columns ``nis``, ``name_fr``, ``population`` (int),
        ``covered`` (bool), ``relays`` (str, names of the covering relays, may be
        empty), ``parents`` (int, SUPPRESSED or NA), ``distance_km`` (float or NA)
        and ``value_column``.
    relays : pandas.DataFrame
        One row per relay to show (all of them, or those of one province):
        ``relay_id``, ``name``, ``organisation``, ``latitude``, ``longitude``,
        ``activities`` and ``parents`` (int or SUPPRESSED) of the year.
    value_column : str
        Column of ``communes`` to map: numbers >= 0, SUPPRESSED (drawn as "masked")
        or NA (drawn as "no data"). Communes with ``covered`` False are drawn as
        "not covered" whatever their value, and do not take part in the classes.
    value_label : str
        Name of the indicator (legend title, tooltip header, layer name), in ``lang``.
    title : str
        Title box text, in ``lang``.
    source : str
        Sources and year, without the "Source :" prefix, e.g.
        ``"Relais Familles Mono, Statbel (population 2020), 2024"``.
    provinces : geopandas.GeoDataFrame, optional
        Province polygons, drawn as outlines (layer "Limites des provinces").
    territories : geopandas.GeoDataFrame, optional
        Relay territories (``relay_id``, ``name``, ``geometry``), drawn as outlines
        (layer "Territoires des relais"); their names are not shown.
    synthetic : bool, default False
        Demo data: adds a red "Données synthétiques" banner under the title and
        "— données synthétiques" to the source line.
    lang : {"fr", "en"}
        Language of every label, legend and tooltip header, and of number formats.
    scheme : {"natural_breaks", "quantiles"}
        Classification of the positive values (see :func:`classify`).
    k : int, default 5
        Number of classes of positive values (fewer when there are fewer distinct
        values); zeros always form a class of their own.
    tiles : bool, default False
        Add OpenStreetMap tiles. Such a map needs the network: :func:`save_map` then
        refuses it unless ``allow_network=True`` (and OpenStreetMap refuses tiles to
        pages opened from ``file://``: publish the file on a web server).
    threshold : int, default 5
        Small-cell threshold (checked; every masked cell reads ``"n.p."``).
    value_kind : {"rate", "count", "km", "share"}
        Formatting of the values: 1 decimal; whole number; 1 decimal ("12,3 km" in
        tooltips, "12,3" in the legend, whose title ``value_label`` gives the unit);
        percentage of a fraction (0.25 -> 25,0 %).

    Returns
    -------
    folium.Map
        Ready for :func:`save_map`; fitted to the communes' bounds.

    Raises
    ------
    ParameterError
        If a parameter is invalid, a column is missing, a commune code is duplicated,
        a table has no CRS or empty geometries, a value is not a number >= 0,
        ``covered`` is not boolean, or a relay has no coordinates.
    PrivacyError
        If ``parents`` (communes or relays) holds an unmasked count from 1 to
        ``threshold - 1``. ``value_column`` is not checked: it may count things other
        than people (relays covering a commune); protect it upstream.
    """
    lang = i18n.check_lang(lang)
    threshold = check_threshold(threshold)
    value_kind = _check_choice(value_kind, VALUE_KINDS, "value_kind")
    scheme = _check_choice(scheme, SCHEMES, "scheme")
    k = _check_k(k)
    communes, statuses = _prepare_communes(communes, value_column, threshold)
    _check_columns(relays, _REQUIRED_RELAY_COLUMNS, "relays")
    _refuse_small_counts(relays["parents"], "parents", "relays", threshold)

    values = communes[value_column].tolist()
    classes = classify(
        [v for v, s in zip(values, statuses, strict=True) if s == "value"],
        scheme=scheme, k=k, value_kind=value_kind, lang=lang,
    )
    west, south, east, north = (float(b) for b in communes.total_bounds)
    m = make_offline_map(
        location=[(south + north) / 2, (west + east) / 2], zoom_start=8, zoom_snap=0.25,
        zoom_control="bottomright", font_size="13px",
    )
    fill_opacity = 0.7 if tiles else 1.0
    if tiles:
        _NetworkTiles(lang).add_to(m)
    _add_communes(
        m, communes, value_column=value_column, value_label=value_label,
        value_kind=value_kind, classes=classes, statuses=statuses,
        fill_opacity=fill_opacity, lang=lang, threshold=threshold,
    )
    if provinces is not None:
        _add_outlines(
            m, _to_web(provinces, "provinces"), name=_text("layer_provinces", lang),
            style=_PROVINCE_STYLE,
        )
    if territories is not None:
        _add_outlines(
            m, _to_web(territories, "territories"), name=_text("layer_territories", lang),
            style=_TERRITORY_STYLE,
        )
    _add_relays(m, relays, lang, threshold)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    _MapFurniture(
        title_html=_title_html(title, synthetic, lang),
        legend_html=_legend_html(
            value_label=value_label, classes=classes, lang=lang, threshold=threshold,
            relays=not relays.empty, territories=territories is not None,
            provinces=provinces is not None,
        ),
        source_html=_source_html(source, synthetic, lang),
        bounds=[[south, west], [north, east]],
        lang=lang,
    ).add_to(m)
    m.get_root().title = _escape(title)  # the page's <title>
    return m


def save_map(m: folium.Map, path: str | Path, *, allow_network: bool = False) -> Path:
    """Write a map as one self-contained HTML file.

    Parameters
    ----------
    m : folium.Map
        A map from :func:`coverage_map`.
    path : str or Path
        Output file; parent folders are created.
    allow_network : bool, default False
        Only matters for a map made with ``tiles=True``. False: such a map is refused
        (a saved map must open offline). True: everything but the tiles is still
        inlined and checked offline-clean, then the OpenStreetMap tile layer is
        appended; the page then requests tiles (and shows none offline, or when
        opened from ``file://``, which OpenStreetMap refuses).

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    OfflineAssetError
        If the map would load anything from the network (tiles without
        ``allow_network=True``, or anything else in any case).
    TypeError
        If ``m`` is not a :class:`folium.Map`.
    """
    if not isinstance(m, folium.Map):
        raise TypeError(f"expected a folium.Map, got {type(m).__name__}")
    tiles = _network_tiles(m)
    if not tiles:
        return _declare_language(save_offline_map(m, path), m)
    if not allow_network:
        raise OfflineAssetError(
            "Cette carte a un fond OpenStreetMap (tiles=True), chargé depuis Internet. "
            "Recréez-la sans fond (tiles=False) ou enregistrez-la avec "
            "save_map(..., allow_network=True) pour une publication en ligne.",
            "This map has an OpenStreetMap background (tiles=True), loaded from the "
            "internet. Rebuild it without tiles (tiles=False) or save it with "
            "save_map(..., allow_network=True) for online publication.",
            urls=[OSM_TILE_URL],
        )
    for element in tiles:
        element.enabled = False
    try:
        out = save_offline_map(m, path)
    finally:
        for element in tiles:
            element.enabled = True
    page = out.read_text(encoding="utf-8")
    script = "".join(f"<script>\n{element.js}\n</script>\n" for element in tiles)
    end = page.rfind("</html>")
    page = page + script if end < 0 else page[:end] + script + page[end:]
    out.write_text(page, encoding="utf-8", newline="\n")
    return _declare_language(out, m)


def _declare_language(out: Path, m: folium.Map) -> Path:
    """Write the map's language on the saved page's ``<html>`` tag (branca's template has none)."""
    furniture = next((child for child in m._children.values() if isinstance(child, _MapFurniture)), None)
    if furniture is None:
        return out
    page = out.read_text(encoding="utf-8")
    if page.count("<html>") and "<html lang=" not in page:
        page = page.replace("<html>", f'<html lang="{furniture.lang}">', 1)
        out.write_text(page, encoding="utf-8", newline="\n")
    return out
