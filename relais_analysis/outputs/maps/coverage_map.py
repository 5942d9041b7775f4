"""The coverage choropleth for funders (:func:`coverage_map`), see :mod:`relais_analysis.outputs.maps`."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from relais_analysis import i18n
from relais_analysis.config import DEFAULT_THRESHOLD
from relais_analysis.outputs.classes import SCHEMES, VALUE_KINDS, check_choice, check_k, classify
from relais_analysis.outputs.maps.layers import PROVINCE_STYLE, TERRITORY_STYLE, add_communes, add_outlines, add_relays, \
    escape_text
from relais_analysis.outputs.maps.legend import furniture, legend_html, source_html, title_html
from relais_analysis.outputs.maps.tiles import NetworkTiles
from relais_analysis.outputs.maps.validation import REQUIRED_RELAY_COLUMNS, check_columns, prepare_communes, \
    refuse_small_counts, to_web
from relais_analysis.outputs.offline import make_offline_map
from relais_analysis.privacy.suppression import check_threshold

__all__ = [
    "coverage_map",
]


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
    value_kind = check_choice(value_kind, VALUE_KINDS, "value_kind")
    scheme = check_choice(scheme, SCHEMES, "scheme")
    k = check_k(k)
    communes, statuses = prepare_communes(communes, value_column, threshold)
    check_columns(relays, REQUIRED_RELAY_COLUMNS, "relays")
    refuse_small_counts(relays["parents"], "parents", "relays", threshold)

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
        NetworkTiles(lang).add_to(m)
    add_communes(
        m, communes, value_column=value_column, value_label=value_label,
        value_kind=value_kind, classes=classes, statuses=statuses,
        fill_opacity=fill_opacity, lang=lang, threshold=threshold,
    )
    if provinces is not None:
        add_outlines(
            m, to_web(provinces, "provinces"), name=i18n.text("map.layer_provinces", lang),
            style=PROVINCE_STYLE,
        )
    if territories is not None:
        add_outlines(
            m, to_web(territories, "territories"), name=i18n.text("map.layer_territories", lang),
            style=TERRITORY_STYLE,
        )
    add_relays(m, relays, lang, threshold)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    furniture(
        title_html=title_html(title, synthetic, lang),
        legend_html=legend_html(
            value_label=value_label, classes=classes, lang=lang, threshold=threshold,
            relays=not relays.empty, territories=territories is not None,
            provinces=provinces is not None,
        ),
        source_html=source_html(source, synthetic, lang),
        bounds=[[south, west], [north, east]],
        lang=lang,
    ).add_to(m)
    m.get_root().title = escape_text(title)  # the page's <title>
    return m
