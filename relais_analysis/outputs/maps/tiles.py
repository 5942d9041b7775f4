"""OpenStreetMap tiles, opt-in: a network resource that the offline save refuses."""

from __future__ import annotations

import json

from branca.element import MacroElement
from folium.template import Template

from relais_analysis import i18n

__all__ = [
    "NetworkTiles",
    "OSM_TILE_URL",
    "network_tiles",
]


#: OpenStreetMap tiles, only with ``tiles=True`` and ``save_map(..., allow_network=True)``.
OSM_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def _tile_script(lang: str) -> str:
    """JS adding OpenStreetMap tiles to the page's map.

    The map is found through its ``div.folium-map`` (whose id is the name of the map
    variable), so the script survives any renaming of folium's ids on save.
    """
    options = {"attribution": i18n.text("map.osm_attribution", lang), "maxZoom": 19}
    as_js = json.dumps(options, ensure_ascii=False).replace("<", "\\u003c")
    return (
        "(function () {\n"
        '    var map = window[document.querySelector(".folium-map").id];\n'
        f"    L.tileLayer({json.dumps(OSM_TILE_URL)}, {as_js}).addTo(map);\n"
        "})();"
    )


class NetworkTiles(MacroElement):
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


def network_tiles(m: folium.Map) -> list[NetworkTiles]:
    """The tile elements of ``m`` (empty for an offline map)."""
    return [child for child in m._children.values() if isinstance(child, NetworkTiles)]
