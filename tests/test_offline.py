"""Tests of relais_analysis.outputs.offline: self-contained folium maps.

The browser tests open a real map (3 square "communes" as GeoJSON with a
GeoJsonTooltip, 2 CircleMarkers with Tooltip and Popup, a branca StepColormap legend
and a LayerControl) in Debian's Chromium with every non-file request aborted.
One commune and one marker carry a hostile name that must show as literal text.
"""

from __future__ import annotations

import copy
import hashlib
import json
from importlib import resources
from pathlib import Path

import branca.colormap as cm
import folium
import pytest

from relais_analysis.outputs import offline
from relais_analysis.errors import RelaisError
from relais_analysis.outputs.offline import (
    OfflineAssetError,
    escape_for_folium,
    inline_assets,
    make_offline_map,
    prepare_map,
    save_offline_map,
)
from paths import ARTIFACTS


#: Every trick that broke folium 0.20 output when unescaped (checked in Chromium):
#: HTML with an event handler, a template-literal placeholder, a bare backtick, a
#: backslash-backtick pair that defeats folium's own backtick escaping, a script end
#: tag, and a backslash-u (invalid escape sequence in a template literal).
HOSTILE = (
    r'Relais <img src=x onerror="window.__pwned=1;alert(1)"> ${window.__pwned=2,alert(2)} '
    r"` + (window.__pwned=3) + ` \\` + (window.__pwned=4) + \\` "
    r"</script><script>window.__pwned=5</script> C:\users & 'Namur'"
)
POPUP_TEXT = "Relais de Namur : 12 familles"
LAYER_NAME = "Relais & <i>antennes</i>"  # Leaflet's LayerControl sets names as innerHTML

#: (name, families, lon, lat) of each square commune, 0.1 degree wide.
COMMUNES = [
    ("Andenne", 4, 4.80, 50.40),
    (HOSTILE, 15, 4.95, 50.40),
    ("Ciney", 30, 5.10, 50.40),
]
#: (lat, lon, tooltip, popup) of each relay, south of the communes.
RELAYS = [(50.30, 4.85, HOSTILE, HOSTILE), (50.30, 5.10, "Relais de Ciney", POPUP_TEXT)]


def _square(lon: float, lat: float, size: float = 0.1) -> list[list[list[float]]]:
    return [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]]


def build_map() -> folium.Map:
    """The map used by the browser tests (3 polygons + 2 circle markers)."""
    m = make_offline_map(location=[50.40, 5.00], zoom_start=10)
    colormap = cm.StepColormap(
        ["#fee5d9", "#fcae91", "#de2d26"], index=[0, 10, 20, 40], vmin=0, vmax=40,
        caption="Familles accompagnées",
    )
    features = [
        {
            "type": "Feature",
            "properties": {"name": escape_for_folium(name), "families": families},
            "geometry": {"type": "Polygon", "coordinates": _square(lon, lat)},
        }
        for name, families, lon, lat in COMMUNES
    ]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name="Communes",
        style_function=lambda f: {
            "fillColor": colormap(f["properties"]["families"]), "color": "#555", "weight": 1,
            "fillOpacity": 0.7,
        },
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "families"],
            aliases=[escape_for_folium("Commune"), escape_for_folium("Familles")],
        ),
    ).add_to(m)
    relays = folium.FeatureGroup(name=escape_for_folium(LAYER_NAME)).add_to(m)
    for lat, lon, tooltip, popup in RELAYS:
        folium.CircleMarker(
            [lat, lon], radius=12, fill=True, fill_opacity=0.9, color="#08519c",
            tooltip=folium.Tooltip(escape_for_folium(tooltip)),
            popup=folium.Popup(escape_for_folium(popup), max_width=300),
        ).add_to(relays)
    colormap.add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    return m


N_PATHS = len(COMMUNES) + len(RELAYS)


@pytest.fixture(scope="module")
def map_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_offline_map(build_map(), tmp_path_factory.mktemp("maps") / "carte.html")


# --------------------------------------------------------------------------- no browser


def test_vendored_files_match_manifest() -> None:
    vendor = resources.files("relais_analysis").joinpath("vendor")
    entries = json.loads(vendor.joinpath("MANIFEST.json").read_text(encoding="utf-8"))["files"]
    packages = {(e["package"], e["version"]) for e in entries}
    assert packages == {("leaflet", "1.9.3"), ("jquery", "3.7.1"), ("d3", "3.5.5")}
    for entry in entries:
        data = vendor.joinpath(*entry["file"].split("/")).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
        assert entry["licence"]
    licences = [e for e in entries if "LICENSE" in e["file"]]
    assert len(licences) == 3


def test_inline_assets_rejects_foreign_script() -> None:
    page = (
        '<html><head><script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js">'
        '</script><script src="https://evil.example.org/x.js"></script></head><body></body></html>'
    )
    with pytest.raises(OfflineAssetError) as info:
        inline_assets(page)
    assert isinstance(info.value, RelaisError)
    assert info.value.urls == ["https://evil.example.org/x.js"]
    assert "evil.example.org" in str(info.value)


@pytest.mark.parametrize(
    "fragment",
    [
        '<link rel="stylesheet" href="//fonts.example.org/a.css"/>',
        '<img src="http://example.org/logo.png">',
        "<script>var p = $(`<div><img src=\"https://example.org/a.png\"></div>`)[0];</script>",
        '<script>L.tileLayer("https://tile.example.org/{z}/{x}/{y}.png").addTo(m);</script>',
        "<style>body { background: url('https://example.org/bg.png'); }</style>",
    ],
)
def test_inline_assets_rejects_any_external_url(fragment: str) -> None:
    with pytest.raises(OfflineAssetError):
        inline_assets(f"<html><head>{fragment}</head><body></body></html>")


def test_inline_assets_inlines_known_assets() -> None:
    page = (
        '<html><head><script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js">'
        '</script><link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/'
        'leaflet.css"/></head><body><a href="#top">local</a></body></html>'
    )
    out = inline_assets(page)
    assert "<script src" not in out and "<link" not in out
    assert "Leaflet 1.9.3" in out
    assert "url(images/" not in out and 'url("data:image/png;base64,' in out
    assert "sourceMappingURL" not in out


def test_inlined_script_cannot_end_early(monkeypatch: pytest.MonkeyPatch) -> None:
    url = offline.JQUERY_URL
    monkeypatch.setattr(offline, "_read_vendor", lambda rel: b"var s = '</script><!-- x';")
    offline._inline_tag.cache_clear()
    try:
        out = inline_assets(f'<html><head><script src="{url}"></script></head></html>')
    finally:
        offline._inline_tag.cache_clear()
    assert "var s = '<\\/script>\\x3C!-- x';" in out
    assert out.lower().count("</script") == 1


def test_unprepared_map_or_tiles_refused(tmp_path: Path) -> None:
    with pytest.raises(OfflineAssetError) as info:
        save_offline_map(folium.Map(tiles=None), tmp_path / "cdn.html")
    assert any("bootstrap" in url for url in info.value.urls)
    with pytest.raises(OfflineAssetError) as info:
        save_offline_map(make_offline_map(tiles="OpenStreetMap"), tmp_path / "tiles.html")
    assert any("tile.openstreetmap.org" in url for url in info.value.urls)
    assert not (tmp_path / "cdn.html").exists() and not (tmp_path / "tiles.html").exists()


def test_class_level_defaults_untouched(tmp_path: Path) -> None:
    js_before = copy.deepcopy(folium.Map.default_js)
    css_before = copy.deepcopy(folium.Map.default_css)
    m = make_offline_map()
    prepare_map(folium.Map(), jquery=False)
    save_offline_map(m, tmp_path / "m.html")
    assert folium.Map.default_js == js_before and folium.Map.default_css == css_before
    assert len(folium.Map.default_js) == 4  # leaflet, jquery, bootstrap, awesome_markers
    assert [name for name, _ in m.default_js] == ["leaflet", "jquery"]
    assert folium.Map().default_js == js_before


def test_escape_for_folium() -> None:
    assert escape_for_folium("<a href=\"x\">'&$`\\") == (
        "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#36;&#96;&#92;"
    )
    assert escape_for_folium("Liège – 12 %") == "Liège – 12 %"
    with pytest.raises(TypeError):
        escape_for_folium(12)  # type: ignore[arg-type]


def test_saved_file_is_self_contained(map_file: Path) -> None:
    text = map_file.read_text(encoding="utf-8")
    assert "<script src" not in text and "<link " not in text
    assert "cdn.jsdelivr" not in text and "code.jquery.com" not in text
    assert "cdnjs" not in text
    size = map_file.stat().st_size
    # leaflet.js 147 kB + d3 151 kB + jquery 88 kB + css 15 kB + images + map: ~410 kB
    assert 380_000 < size < 600_000, size


# --------------------------------------------------------------------------- browser


@pytest.mark.browser
def test_offline_map_in_browser(browser_page, map_file: Path) -> None:
    page = browser_page.goto(map_file)
    assert browser_page.problems() == []  # e.g. a SyntaxError from badly escaped text
    page.wait_for_selector(".legend svg .caption")
    paths = page.locator("path.leaflet-interactive")
    assert paths.count() == N_PATHS

    # legend drawn by d3, LayerControl toggle image inlined as a data: URI
    assert page.locator(".legend .caption").text_content() == "Familles accompagnées"
    toggle_bg = page.eval_on_selector(
        ".leaflet-control-layers-toggle", "e => getComputedStyle(e).backgroundImage"
    )
    assert toggle_bg.startswith('url("data:image/png;base64,')
    page.hover(".leaflet-control-layers")
    labels = page.locator(".leaflet-control-layers-overlays label")
    assert [text.strip() for text in labels.all_inner_texts()] == ["Communes", LAYER_NAME]

    # hover a commune: GeoJsonTooltip with alias and value
    page.mouse.move(0, 0)
    paths.nth(0).hover()
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for()
    assert tooltip.locator("th").all_inner_texts() == ["Commune", "Familles"]
    assert tooltip.locator("td").all_inner_texts() == ["Andenne", "4"]

    # hostile commune name shows literally
    paths.nth(1).hover()
    page.wait_for_function("() => document.querySelector('.leaflet-tooltip td')"
                           "?.textContent.startsWith('Relais')")
    assert page.locator(".leaflet-tooltip td").first.inner_text() == HOSTILE

    # hostile marker tooltip (folium.Tooltip) shows literally
    paths.nth(len(COMMUNES)).hover()
    page.wait_for_function("() => !document.querySelector('.leaflet-tooltip table')")
    assert page.locator(".leaflet-tooltip").inner_text() == HOSTILE

    # clicking markers opens popups with literal text
    paths.nth(len(COMMUNES) + 1).click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.inner_text() == POPUP_TEXT
    page.locator(".leaflet-popup-close-button").click()
    paths.nth(len(COMMUNES)).click()
    page.wait_for_function("() => document.querySelector('.leaflet-popup-content')"
                           "?.textContent.startsWith('Relais <img')")
    assert popup.inner_text() == HOSTILE
    page.wait_for_timeout(200)  # give an injected onerror handler time to fire

    page.mouse.move(5, 690)  # close the tooltip, keep the popup open
    browser_page.screenshot(ARTIFACTS / "offline_map.png")

    assert page.evaluate("window.__pwned") is None
    assert page.locator(".leaflet-popup-content img, .leaflet-tooltip img").count() == 0
    assert browser_page.problems() == []
    page_uri = map_file.resolve().as_uri()
    assert [url for url in browser_page.requests if not url.startswith("data:")] == [page_uri]


def test_braces_are_not_evaluated_by_folium_templates(tmp_path):
    """folium re-renders element output as Jinja: ``{{ 7*7 }}`` in a name must not become 49."""
    import folium

    from relais_analysis.outputs.offline import escape_for_folium, make_offline_map, save_offline_map

    hostile = "Relais {{ 7*7 }} {% if true %}x{% endif %}"
    m = make_offline_map(location=[50.5, 4.8], zoom_start=8)
    folium.CircleMarker([50.5, 4.8], radius=6, fill=True, popup=folium.Popup(escape_for_folium(hostile)),
                        tooltip=folium.Tooltip(escape_for_folium(hostile))).add_to(m)
    page = save_offline_map(m, tmp_path / "braces.html").read_text(encoding="utf-8")
    assert "Relais 49" not in page
    assert "Relais &#123;&#123; 7*7 &#125;&#125;" in page
