"""One self-contained HTML file per map (:func:`save_map`)."""

from __future__ import annotations

from pathlib import Path

import folium

from relais_analysis import i18n
from relais_analysis.outputs.maps.legend import _MapFurniture
from relais_analysis.outputs.maps.tiles import OSM_TILE_URL, network_tiles
from relais_analysis.outputs.offline import OfflineAssetError, save_offline_map

__all__ = [
    "save_map",
]


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
    tiles = network_tiles(m)
    if not tiles:
        return _declare_language(save_offline_map(m, path), m)
    if not allow_network:
        raise OfflineAssetError(
            *i18n.text_pair("output_error.tiles_need_network"),
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
