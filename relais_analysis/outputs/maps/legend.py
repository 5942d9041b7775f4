"""Title box, legend and source line of a coverage map (:func:`furniture`).

The boxes' markup and CSS live in ``relais_analysis/templates/map_furniture.html.j2``
and ``map_furniture.css``; the legend rows are built here from the map's classes.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from branca.element import MacroElement
from folium.template import Template

from relais_analysis import i18n
from relais_analysis.outputs.classes import MapClasses
from relais_analysis.outputs.maps.layers import (
    DOTS_ID,
    HATCH_ID,
    NO_DATA_FILL,
    PROVINCE_STYLE,
    RELAY_FILL,
    RELAY_STROKE,
    TERRITORY_STYLE,
    escape_text,
)
from relais_analysis.privacy.suppression import footnote

__all__ = [
    "furniture",
    "legend_html",
    "source_html",
    "title_html",
]


def _template_text(name: str) -> str:
    """A file of ``relais_analysis/templates/``, exactly as written."""
    return (resources.files("relais_analysis") / "templates" / name).read_text(encoding="utf-8")


#: CSS of the title box, legend, source line and relay popups (``templates/map_furniture.css``).
_CSS = _template_text("map_furniture.css")

_PATTERNS = f"""<svg class="rfm-defs" width="0" height="0" aria-hidden="true" focusable="false"
 style="position:absolute;width:0;height:0;overflow:hidden"><defs>
<pattern id="{HATCH_ID}" patternUnits="userSpaceOnUse" width="6" height="6"
 patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>
<line x1="0" y1="0" x2="0" y2="6" stroke="#9a9a9a" stroke-width="1.6"/></pattern>
<pattern id="{DOTS_ID}" patternUnits="userSpaceOnUse" width="5" height="5">
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
    return f'<div class="rfm-row">{symbol}<span class="rfm-label">{escape_text(text)}</span></div>'


def legend_html(
    *,
    value_label: str,
    classes: MapClasses,
    lang: str,
    threshold: int,
    relays: bool,
    territories: bool,
    provinces: bool,
) -> str:
    """Legend rows (classes, masked, no data, not covered, symbols) as escaped HTML."""
    rows = [_legend_row(_swatch(color), text) for color, text in classes.legend()]
    rows.append('<div class="rfm-sep"></div>')
    rows.append(_legend_row(_swatch(f"url(#{DOTS_ID})"), footnote(threshold, lang)))
    rows.append(_legend_row(_swatch(NO_DATA_FILL), i18n.label("no_data", lang)))
    rows.append(_legend_row(_swatch(f"url(#{HATCH_ID})"), i18n.label("not_covered", lang)))
    symbols = []
    if relays:
        circle = (
            '<svg class="rfm-symbol" viewBox="0 0 20 13" aria-hidden="true">'
            f'<circle cx="10" cy="6.5" r="5" fill="{RELAY_FILL}" stroke="{RELAY_STROKE}"'
            ' stroke-width="1.5"/></svg>'
        )
        symbols.append(_legend_row(circle, i18n.label("relay", lang)))
    if territories:
        symbols.append(
            _legend_row(_line_symbol(TERRITORY_STYLE), i18n.text("map.legend_territory", lang))
        )
    if provinces:
        symbols.append(
            _legend_row(_line_symbol(PROVINCE_STYLE), i18n.text("map.legend_province", lang))
        )
    if symbols:
        rows.append('<div class="rfm-sep"></div>')
        rows.extend(symbols)
    title = f'<summary class="rfm-legend-title">{escape_text(value_label)}</summary>'  # click to fold
    note = f'<div class="rfm-note">{escape_text(i18n.text(f"map.{classes.scheme}", lang))}</div>'
    return title + "".join(rows) + note


def title_html(title: str, synthetic: bool, lang: str) -> str:
    """Title box content, with the synthetic-data banner when asked."""
    html = f'<h1 class="rfm-title-text">{escape_text(title)}</h1>'
    if synthetic:
        html += f'<div class="rfm-synthetic">{escape_text(i18n.text("map.synthetic_banner", lang))}</div>'
    return html


def source_html(source: str, synthetic: bool, lang: str) -> str:
    """The source line ("Source : ..."), escaped."""
    text = i18n.text("map.source_prefix", lang) + source
    if synthetic:
        text += " \u2014 " + i18n.label("synthetic_data", lang)
    return escape_text(text)


class _MapFurniture(MacroElement):
    """Title box (top left), legend and source line (bottom left), initial view.

    The boxes are written into the page body (already escaped) and moved into Leaflet
    control corners by a short script, so they never cover the zoom or layer controls.
    The SVG hatch/dot patterns used by communes and legend swatches are defined here.
    The map is fitted to ``bounds`` without animation (folium's ``fit_bounds`` animates
    the first zoom, and Leaflet ignores any zoom asked for during that animation).
    The legend is a ``<details>`` box: open on a desktop, folded (its title still shown,
    a tap opens it) on a screen at most 640 px wide or 480 px high.
    """

    _template = Template(_template_text("map_furniture.html.j2"))

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


def furniture(
    *, title_html: str, legend_html: str, source_html: str, bounds: list[list[float]], lang: str = "fr"
) -> MacroElement:
    """The title box, legend and source line of a map (already escaped HTML), fitted to ``bounds``."""
    return _MapFurniture(
        title_html=title_html, legend_html=legend_html, source_html=source_html, bounds=bounds, lang=lang
    )
