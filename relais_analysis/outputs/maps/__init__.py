"""Coverage maps of Wallonia for funders: self-contained HTML, French by default.

:func:`coverage_map` draws, from tables prepared upstream (coverage, reach, privacy):

- a choropleth of the communes, classified with mapclassify on a colour-blind-safe
  sequential palette (ColorBrewer YlGnBu), with four statuses drawn apart and listed
  in the legend: *not covered* (white hatching: "zone blanche"), *no data* (grey),
  *masked* (grey dots: small count hidden by :mod:`relais_analysis.privacy.suppression`) and
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

The package, one job per module: :mod:`.validation` (input tables, statuses),
:mod:`.layers` (communes, outlines, relays), :mod:`.legend` (title, legend, source;
markup and CSS in ``relais_analysis/templates/map_furniture.*``), :mod:`.tiles`
(opt-in OpenStreetMap), :mod:`.coverage_map` and :mod:`.save`. Texts are the ``map.*``
keys of the catalogue (:func:`relais_analysis.i18n.text`).
"""
from __future__ import annotations

from relais_analysis.outputs.classes import MAX_CLASSES, RANGE_SEPARATOR, SCHEMES, VALUE_KINDS, MapClasses, classify
from relais_analysis.outputs.maps.coverage_map import coverage_map
from relais_analysis.outputs.maps.layers import COORD_DECIMALS
from relais_analysis.outputs.maps.save import save_map
from relais_analysis.outputs.maps.tiles import OSM_TILE_URL
from relais_analysis.outputs.maps.validation import commune_status as _status  # noqa: F401 (used by tests)

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
