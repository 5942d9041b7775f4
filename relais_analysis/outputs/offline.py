"""Self-contained folium maps: no CDN, no tiles, no network request at all.

Funders open the saved maps in a browser, sometimes offline or years later, so a saved
map must carry every script and style inline. folium 0.20 writes ``<script src>`` and
``<link href>`` tags pointing at CDNs (Leaflet, jQuery, Bootstrap, Font Awesome,
awesome-markers, and d3 for branca legends). This module

1. trims a map's JS/CSS dependencies to what CircleMarker/GeoJson/Popup/Tooltip/
   LayerControl/branca-legend maps need (:func:`prepare_map`, :func:`make_offline_map`),
   on the map *instance*: folium's class-level ``default_js``/``default_css`` lists are
   shared by every map and are never mutated;
2. replaces each CDN tag by the same file vendored from npm under
   ``relais_analysis/vendor/`` (see ``scripts/vendor_assets.py`` and ``MANIFEST.json``),
   with the images of ``leaflet.css`` turned into ``data:`` URIs (:func:`inline_assets`);
3. refuses to write a page in which an external URL remains (:func:`save_offline_map`;
   the scan for external URLs is :mod:`relais_analysis.outputs.offline_scan`).

Default ``folium.Marker`` icons are not supported offline (Leaflet derives their image
path from the CSS, which no longer has one once inlined): use ``CircleMarker``.

Text placed in tooltips and popups must go through :func:`escape_for_folium`: folium
escapes nothing.
"""

from __future__ import annotations

import base64
import html as _html
import json
import mimetypes
import re
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath
from typing import Any

import folium

from relais_analysis import i18n
from relais_analysis.errors import RelaisError
from relais_analysis.outputs.offline_scan import TagFinder, external_urls

__all__ = [
    "OFFLINE_CSS",
    "OFFLINE_JS",
    "OfflineAssetError",
    "escape_for_folium",
    "inline_assets",
    "make_offline_map",
    "prepare_map",
    "save_offline_map",
]

LEAFLET_JS_URL = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
LEAFLET_CSS_URL = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"
JQUERY_URL = "https://code.jquery.com/jquery-3.7.1.min.js"

#: JS dependencies of an offline map, as (name, URL) pairs. The URLs are the ones folium
#: writes; :func:`inline_assets` swaps them for the vendored files. jQuery is needed by
#: ``Popup`` built from a string (``$(`<div>...</div>`)[0]``) and by ``keep_in_front``.
OFFLINE_JS: tuple[tuple[str, str], ...] = (("leaflet", LEAFLET_JS_URL), ("jquery", JQUERY_URL))
#: CSS dependencies of an offline map. Bootstrap/Font Awesome/awesome-markers only serve
#: ``folium.Icon`` markers and are left out.
OFFLINE_CSS: tuple[tuple[str, str], ...] = (("leaflet_css", LEAFLET_CSS_URL),)

_VENDOR_PACKAGE = "relais_analysis"
_VENDOR_DIR = "vendor"

# Characters special to folium's JS template literals, as HTML entities (the text is
# parsed as HTML afterwards); `&`, `<`, `>`, `"`, `'` come from html.escape(quote=True).
#: Beyond HTML: ``$``/backtick/backslash break folium's JS template literals, and ``{``/``}`` would be
#: evaluated by Jinja (folium 0.20 re-renders each element's output as a template: ``{{ 7*7 }}`` shows 49).
_EXTRA_ENTITIES = {"$": "&#36;", "`": "&#96;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"}

_SOURCE_MAP = re.compile(r"\n?[ \t]*//[#@] sourceMappingURL=[^\n]*\s*$")
_CSS_URL = re.compile(r"url\(\s*([\"']?)([^\"')]+)\1\s*\)")


class OfflineAssetError(RelaisError):
    """A map cannot be made self-contained: an external URL remains, or an asset is missing.

    Attributes
    ----------
    urls : list of str
        The offending URLs (empty when the problem is a missing vendored file).
    """

    def __init__(
        self,
        message_fr: str,
        message_en: str | None = None,
        *,
        urls: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.urls = list(urls or [])
        super().__init__(message_fr, message_en, **kwargs)


# --------------------------------------------------------------------------- map setup


def prepare_map(m: folium.Map, *, jquery: bool = True) -> folium.Map:
    """Restrict a map's JS/CSS dependencies to those that are vendored.

    Sets ``m.default_js`` and ``m.default_css`` on the instance (folium's class-level
    lists are left untouched, so other maps are unaffected).

    Parameters
    ----------
    m : folium.Map
        The map to modify in place.
    jquery : bool, default True
        Keep jQuery. Only a map with no string ``Popup`` and no ``keep_in_front``
        layer can do without it (it saves 87 kB).

    Returns
    -------
    folium.Map
        ``m`` itself, for chaining.

    Raises
    ------
    TypeError
        If ``m`` is not a :class:`folium.Map`.
    """
    if not isinstance(m, folium.Map):
        raise TypeError(f"expected a folium.Map, got {type(m).__name__}")
    m.default_js = [pair for pair in OFFLINE_JS if jquery or pair[0] != "jquery"]
    m.default_css = list(OFFLINE_CSS)
    return m


def make_offline_map(
    *, tiles: Any = None, jquery: bool = True, **folium_map_kwargs: Any
) -> folium.Map:
    """Create a :class:`folium.Map` ready to be saved with :func:`save_offline_map`.

    Parameters
    ----------
    tiles : default None
        Passed to :class:`folium.Map`. No tiles by default: tile servers are online
        resources (OpenStreetMap also refuses tiles to pages opened from ``file://``),
        and :func:`inline_assets` rejects any tile URL.
    jquery : bool, default True
        See :func:`prepare_map`.
    **folium_map_kwargs
        Any other :class:`folium.Map` argument (``location``, ``zoom_start``...).
        ``prefer_canvas=True`` works but draws no SVG paths.

    Returns
    -------
    folium.Map

    Raises
    ------
    TypeError, ValueError
        Whatever :class:`folium.Map` raises for invalid arguments.
    """
    m = folium.Map(tiles=tiles, **folium_map_kwargs)
    return prepare_map(m, jquery=jquery)


# --------------------------------------------------------------------------- escaping


def escape_for_folium(text: str) -> str:
    """Escape text for folium ``Tooltip``, ``Popup`` and ``GeoJsonTooltip``/``GeoJsonPopup``.

    Applies :func:`html.escape` with ``quote=True`` (``& < > " '``), then turns ``$``,
    the backtick and the backslash into the numeric entities ``&#36;``, ``&#96;`` and
    ``&#92;``. In all three contexts below the browser parses the text as HTML, so the
    entities decode and the reader sees exactly the original text (JS escapes such as
    ``\\$`` would instead show a stray backslash in GeoJSON tooltips). Checked in
    Chromium with folium 0.20 (``tests/test_offline.py``; removing any one of the
    replacements makes that test fail):

    - ``Tooltip(text)``: the text is pasted raw into a JS template literal passed to
      ``bindTooltip``, which sets it as ``innerHTML``. Unescaped, ``<img src=x
      onerror=...>`` runs, ``${...}`` runs, a backtick ends the literal (code
      injection), ``\\u`` is an invalid escape sequence (``SyntaxError`` that kills
      the whole map script), and ``</script>`` ends the script element.
    - ``Popup(html_string)``: the same template literal, parsed by jQuery ``$(`...`)``.
      folium escapes a bare backtick but not one preceded by a backslash, so two
      backslashes and a backtick still end the literal; ``${...}``, HTML event
      handlers, ``\\u`` and ``</script>`` behave as for ``Tooltip``.
    - ``GeoJsonTooltip``/``GeoJsonPopup``: properties travel as JSON (``<`` escaped by
      folium) and are interpolated with ``${...}``, so ``$``, backticks and
      backslashes in them are harmless, but the result is set as ``innerHTML``: HTML
      runs (an ``onerror`` fired once for the alias, once for the value). Escape the
      property values and the ``aliases``.

    Layer names shown by ``LayerControl`` are set by Leaflet with ``innerHTML`` too
    (folium writes them as JSON): escape them as well. Do not use it for text that is
    already treated as text, such as a branca colormap ``caption`` (d3 ``.text()``):
    the reader would see ``&lt;``. Pre-format numbers in Python (French format)
    before escaping.

    Parameters
    ----------
    text : str
        Plain text as the reader should see it.

    Returns
    -------
    str
        HTML-safe text with no character special to a JS template literal.

    Raises
    ------
    TypeError
        If ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise TypeError(f"escape_for_folium expects str, got {type(text).__name__}: {text!r}")
    escaped = _html.escape(text, quote=True)
    return "".join(_EXTRA_ENTITIES.get(char, char) for char in escaped)


# --------------------------------------------------------------------------- vendored assets


def _vendor_root() -> Traversable:
    return resources.files(_VENDOR_PACKAGE).joinpath(_VENDOR_DIR)


@lru_cache(maxsize=1)
def _manifest() -> dict[str, dict[str, Any]]:
    """Map each known CDN URL to its MANIFEST.json entry."""
    path = _vendor_root().joinpath("MANIFEST.json")
    if not path.is_file():
        raise OfflineAssetError(
            *i18n.text_pair("output_error.vendor_manifest_missing"),
        )
    entries = json.loads(path.read_text(encoding="utf-8"))["files"]
    return {url: entry for entry in entries for url in entry["urls"]}


def _read_vendor(rel: str) -> bytes:
    path = _vendor_root().joinpath(*PurePosixPath(rel).parts)
    if not path.is_file():
        raise OfflineAssetError(
            *i18n.text_pair("output_error.vendor_file_missing", rel=rel),
        )
    return path.read_bytes()


def _data_uri(rel: str) -> str:
    mime = mimetypes.guess_type(rel)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(_read_vendor(rel)).decode('ascii')}"


def _inline_css_urls(css: str, css_rel: str) -> str:
    """Turn relative ``url(...)`` of a vendored CSS file into data: URIs."""
    base = PurePosixPath(css_rel).parent

    def replace(match: re.Match[str]) -> str:
        target = match.group(2).strip()
        if target.startswith(("#", "data:")):
            return match.group(0)  # fragment (IE's #default#VML) or already inline
        if re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", target, re.IGNORECASE):
            raise OfflineAssetError(
                *i18n.text_pair("output_error.css_absolute_resource", css_rel=css_rel, target=target),
                urls=[target],
            )
        return f'url("{_data_uri(str(base / target))}")'

    return _CSS_URL.sub(replace, css)


@lru_cache(maxsize=None)
def _inline_tag(url: str) -> str:
    """The ``<script>`` or ``<style>`` element replacing the tag that loads ``url``."""
    entry = _manifest()[url]
    rel = entry["file"]
    text = _read_vendor(rel).decode("utf-8")
    if rel.endswith(".css"):
        text = _inline_css_urls(text, rel)
        text = re.sub(r"</(style)", r"<\\/\1", text, flags=re.IGNORECASE)
        return f"<style>/* {entry['source']} ({entry['licence']}) */\n{text}</style>"
    # A sourceMappingURL comment is harmless to readers but points at a missing file.
    text = _SOURCE_MAP.sub("\n", text)
    # The HTML tokenizer ends a script at "</script" and enters an "escaped" state at
    # "<!--"; both escapes keep the JS meaning inside strings and regexes.
    text = re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)
    text = text.replace("<!--", "\\x3C!--")
    return f"<script>/* {entry['source']} ({entry['licence']}) */\n{text}\n</script>"


def inline_assets(html: str) -> str:
    """Replace CDN ``<script src>``/``<link href>`` tags by the vendored files, inline.

    Each tag whose URL is listed in ``relais_analysis/vendor/MANIFEST.json`` becomes a
    ``<script>``/``<style>`` element holding the file (``</script`` escaped as
    ``<\\/script``; ``url(images/...)`` of ``leaflet.css`` as ``data:`` URIs). Then the
    rest of the page (everything but the vendored code, which holds harmless URL
    strings such as Leaflet's attribution link) is scanned for external URLs: in
    ``src``/``href``-like attributes, also inside JS strings (popup HTML, tile
    attributions), CSS ``url()``/``@import``, and JS string literals that are a URL
    (tile layers, image overlays).

    Parameters
    ----------
    html : str
        A rendered folium page (``m.get_root().render()``).

    Returns
    -------
    str
        The page with every known asset inline.

    Raises
    ------
    OfflineAssetError
        If any external URL remains (an unknown CDN asset, tiles, an image or a link in
        a popup...), listing them, or if a vendored file is missing.
    """
    finder = TagFinder(html)
    finder.feed(html)
    finder.close()
    known = _manifest()
    pieces: list[str] = []
    skeleton: list[str] = []
    cursor = 0
    for start, end, url in sorted(finder.loads):
        if url not in known:
            continue
        pieces.extend((html[cursor:start], _inline_tag(url)))
        skeleton.append(html[cursor:start])
        cursor = end
    pieces.append(html[cursor:])
    skeleton.append(html[cursor:])
    remaining = external_urls("".join(skeleton))
    if remaining:
        listed = ", ".join(remaining)
        raise OfflineAssetError(
            *i18n.text_pair("output_error.online_resources", listed=listed),
            urls=remaining,
        )
    return "".join(pieces)


_ELEMENT_ID = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")


def stable_ids(page: str) -> str:
    """Replace folium's random element ids (uuid4 hex) by ids numbered in order of appearance.

    The same map then renders to the same bytes every time, so reports can be
    compared from one run to the next. Run it before inlining vendored assets.
    """
    numbering: dict[str, str] = {}

    def number(match: re.Match[str]) -> str:
        return numbering.setdefault(match.group(0), f"{len(numbering):032x}")

    return _ELEMENT_ID.sub(number, page)


def save_offline_map(m: folium.Map, path: str | Path) -> Path:
    """Render ``m``, inline its assets and write a self-contained UTF-8 HTML file.

    Parameters
    ----------
    m : folium.Map
        A map created by :func:`make_offline_map` (or passed through
        :func:`prepare_map`); otherwise folium's Bootstrap/Font Awesome links remain
        and saving fails.
    path : str or Path
        Output file; parent folders are created.

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    OfflineAssetError
        If the page would still load anything from the network.
    TypeError
        If ``m`` is not a :class:`folium.Map`.
    """
    if not isinstance(m, folium.Map):
        raise TypeError(f"expected a folium.Map, got {type(m).__name__}")
    page = inline_assets(stable_ids(m.get_root().render()))
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8", newline="\n")
    return out
