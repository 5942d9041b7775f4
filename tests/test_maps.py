"""Tests of relais_analysis.outputs.maps: the coverage choropleth for funders.

Test data (built once per module by :func:`build_tables`, deterministic):

- communes: the 262 communes of 2024 (``reference.load_communes(2024, web=True)``);
  a commune is *not covered* when its code is divisible by 9 (20 communes, none of
  them a relay seat); parents reached are ``population * (3 + (nis * 7919 % 101) / 3)
  / 10 000`` rounded, then 0 when the code is divisible by 13, NA when ``nis % 17 ==
  1``, and SUPPRESSED when between 1 and 4; the mapped value is parents per 10 000
  inhabitants (same NA/SUPPRESSED/0); distance to the nearest relay is NA when the
  code is divisible by 31;
- relays: 19, one at the representative point of the most populous commune of 19 of
  the 20 arrondissements; the one in Namur has a hostile name and organisation;
  each commune's ``relays`` is its nearest relay (empty when not covered);
- territories: covered communes dissolved by nearest relay (19 features);
  provinces: ``reference.load_provinces(2024, web=True)``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd
import pytest
import shapely

from relais_analysis import i18n
from relais_analysis.geography import reference
from relais_analysis.outputs import maps
from relais_analysis.errors import ParameterError, PrivacyError
from relais_analysis.outputs.offline import OfflineAssetError, save_offline_map
from relais_analysis.privacy.masked import SUPPRESSED, footnote
from paths import ARTIFACTS


#: HTML with an event handler, template-literal placeholder, backslash-backtick.
HOSTILE_NAME = r"<img src=x onerror=alert(1)>${alert(2)}\`"
#: Script end tag, Jinja expression (folium re-renders its output as Jinja), `&`.
HOSTILE_ORG = "Asbl </script><script>alert(3)</script> & {{ 7*7 }} ${alert(4)}"
HOSTILE_SEAT = "92094"  # Namur

VALUE_LABEL = {"fr": "Parents touchés pour 10\u202f000 habitants",
               "en": "Parents reached per 10,000 inhabitants"}
TITLE = {"fr": "Parents touchés en 2024", "en": "Parents reached in 2024"}
SOURCE = "Relais Familles Mono, Statbel (population 2020), 2024"

N_COMMUNES = 262
N_RELAYS = 19
#: Outline layers draw every border once, as one multi-line feature each.
N_OUTLINE_PATHS = 1 + 1  # territories + provinces

MapFile = tuple[folium.Map, Path]


# --------------------------------------------------------------------------- test data


def _nearest_seat(points: gpd.GeoSeries, seats: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest seat of each point and the distance in km (EPSG:3812)."""
    xy = np.c_[points.x, points.y]
    seat_xy = np.c_[seats.x, seats.y]
    km = np.hypot(*(xy[:, None, :] - seat_xy[None, :, :]).transpose(2, 0, 1)) / 1000
    return km.argmin(axis=1), km.min(axis=1)


def _relays(communes: gpd.GeoDataFrame, seats: pd.DataFrame, points: gpd.GeoSeries) -> pd.DataFrame:
    relays = pd.DataFrame({
        "relay_id": [f"R{i + 1}" for i in range(len(seats))],
        "name": [f"Relais de {name}" for name in seats["name_fr"]],
        "organisation": [f"CPAS de {name}" for name in seats["name_fr"]],
    })
    hostile = list(seats["nis"]).index(HOSTILE_SEAT)
    relays.loc[hostile, ["name", "organisation"]] = [HOSTILE_NAME, HOSTILE_ORG]
    location = points.loc[seats.index].to_crs(4326)
    relays["latitude"] = location.y.to_numpy()
    relays["longitude"] = location.x.to_numpy()
    relays["activities"] = [SUPPRESSED if i % 7 == 3 else 10 + 3 * i for i in range(len(seats))]
    relays["parents"] = [SUPPRESSED if i % 5 == 2 else 20 + 11 * i for i in range(len(seats))]
    return relays


def _parents(communes: gpd.GeoDataFrame, code: pd.Series) -> pd.Series:
    per_10k = 3 + (code * 7919 % 101) / 3
    counts = (communes["population"] * per_10k / 10_000).round().astype(int)
    counts[code % 13 == 0] = 0
    values: list[Any] = [SUPPRESSED if 0 < n < 5 else int(n) for n in counts]
    parents = pd.Series(values, index=communes.index, dtype=object)
    parents[code % 17 == 1] = pd.NA
    return parents


def _rate(parents: object, population: int) -> object:
    if parents is SUPPRESSED or parents is pd.NA:
        return parents
    return parents / population * 10_000


def build_tables() -> dict[str, Any]:
    """Communes, relays, territories and provinces described in the module docstring."""
    communes = reference.load_communes(2024, web=True).drop(columns=["name_nl", "name_de"])
    points = communes.to_crs(3812).representative_point()
    largest = communes.groupby("arrondissement_nis")["population"].idxmax()
    seats = communes.loc[largest].nlargest(N_RELAYS, "population").sort_values("nis")
    relays = _relays(communes, seats, points)
    nearest, km = _nearest_seat(points, points.loc[seats.index])
    code = communes["nis"].astype(int)
    covered = ((code % 9 != 0) | communes["nis"].isin(seats["nis"])).to_numpy()
    communes["covered"] = covered
    communes["relays"] = [relays.at[j, "name"] if c else "" for j, c in zip(nearest, covered)]
    communes["parents"] = _parents(communes, code)
    distance = pd.Series(km.round(2), index=communes.index, dtype=object)
    distance[code % 31 == 0] = pd.NA
    communes["distance_km"] = distance
    communes["rate"] = pd.Series(
        [_rate(p, n) for p, n in zip(communes["parents"], communes["population"])],
        index=communes.index, dtype=object,
    )
    territories = (
        communes[covered].assign(relay_id=relays["relay_id"].to_numpy()[nearest[covered]])
        .dissolve(by="relay_id").reset_index()[["relay_id", "geometry"]]
        .merge(relays[["relay_id", "name"]], on="relay_id")
    )
    return {
        "communes": communes, "relays": relays, "territories": territories,
        "provinces": reference.load_provinces(2024, web=True),
        "seats": list(seats["nis"]),
        "hostile_index": list(seats["nis"]).index(HOSTILE_SEAT),
    }


def make_map(tables: dict[str, Any], lang: str = "fr", **kwargs: Any) -> folium.Map:
    return maps.coverage_map(
        tables["communes"], tables["relays"], value_column="rate",
        value_label=VALUE_LABEL[lang], provinces=tables["provinces"],
        territories=tables["territories"], title=TITLE[lang], source=SOURCE,
        synthetic=True, lang=lang, **kwargs,
    )


@pytest.fixture(scope="module")
def tables() -> dict[str, Any]:
    return build_tables()


@pytest.fixture(scope="module")
def fr_map(tables: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> MapFile:
    m = make_map(tables)
    return m, maps.save_map(m, tmp_path_factory.mktemp("maps") / "carte_fr.html")


@pytest.fixture(scope="module")
def en_map(tables: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> MapFile:
    m = make_map(tables, lang="en")
    return m, maps.save_map(m, tmp_path_factory.mktemp("maps") / "map_en.html")


def legend_labels(page: str) -> list[str]:
    """Text of each legend row, in order, as the reader sees it."""
    return [html.unescape(t) for t in re.findall(r'<span class="rfm-label">(.*?)</span>', page)]


def legend_swatches(page: str) -> list[str]:
    """Fill of each class swatch of the legend (classes only, zero first)."""
    legend = page.split('class="rfm-legend-title"', 1)[1].split('class="rfm-sep"', 1)[0]
    return re.findall(r'<rect width="20" height="13" fill="([^"]+)"', legend)


def commune_layer(m: folium.Map) -> folium.GeoJson:
    """The communes layer: the only GeoJson layer with a tooltip."""
    return next(
        child for child in m._children.values()
        if isinstance(child, folium.GeoJson)
        and any(isinstance(c, folium.GeoJsonTooltip) for c in child._children.values())
    )


def classified_values(tables: dict[str, Any]) -> np.ndarray:
    """Values drawn in a class: covered, neither missing nor masked."""
    communes = tables["communes"]
    keep = [
        c and v is not SUPPRESSED and v is not pd.NA
        for c, v in zip(communes["covered"], communes["rate"])
    ]
    return np.array(communes.loc[keep, "rate"].tolist(), dtype=float)


# --------------------------------------------------------------------------- no browser


def test_test_data_has_every_status(tables: dict[str, Any]) -> None:
    communes = tables["communes"]
    statuses = [maps._status(c, v) for c, v in zip(communes["covered"], communes["rate"])]
    values = classified_values(tables)
    assert len(communes) == N_COMMUNES and len(tables["relays"]) == N_RELAYS
    assert len(tables["territories"]) == N_RELAYS
    assert statuses.count("not_covered") == 20
    assert statuses.count("no_data") > 0 and statuses.count("masked") > 0
    assert (values == 0).sum() > 0 and (values > 0).sum() > 100


def test_map_file_is_small(fr_map: MapFile) -> None:
    size = fr_map[1].stat().st_size
    print(f"full Wallonia map (262 communes, 19 relays): {size:,} bytes")
    assert size < 1_000_000


@pytest.mark.filterwarnings("ignore:Numba not installed")
@pytest.mark.parametrize("scheme", ["natural_breaks", "quantiles"])
def test_legend_matches_mapclassify(tables: dict[str, Any], scheme: str, tmp_path: Path) -> None:
    values = np.array([round(v, 3) for v in classified_values(tables)])  # maps classifies at 1e-3
    positive = np.sort(values[values > 0])
    classifier = mapclassify.FisherJenks if scheme == "natural_breaks" else mapclassify.Quantiles
    bins = classifier(positive, k=5).bins
    assert len(bins) == 5
    bounds = [positive.min(), *bins]
    text = [i18n.format_decimal(bound, "fr", 1) for bound in bounds]
    expected_classes = [low + maps.RANGE_SEPARATOR + high for low, high in zip(text, text[1:])]
    page = maps.save_map(make_map(tables, scheme=scheme), tmp_path / "m.html").read_text("utf-8")
    assert legend_labels(page) == [
        "0", *expected_classes,
        "n.p.\u00a0: valeur non publiée pour protéger les petits effectifs", "Pas de données", "Non couverte (zone blanche)",
        "Relais", "Limite de territoire d'un relais", "Limite de province",
    ]
    swatches = legend_swatches(page)
    assert len(set(swatches)) == 6  # zero + 5 classes, all distinct


def test_zero_not_styled_as_no_data(tables: dict[str, Any], fr_map: MapFile) -> None:
    communes = tables["communes"]
    style = commune_layer(fr_map[0]).style_function

    def fill_of(mask: pd.Series) -> set[str]:
        return {style({"id": nis})["fillColor"] for nis in communes.loc[mask, "nis"]}

    covered = communes["covered"]
    rate = communes["rate"]
    zero = covered & rate.map(lambda v: v is not SUPPRESSED and v is not pd.NA and v == 0)
    no_data = covered & rate.map(lambda v: v is pd.NA)
    masked = covered & rate.map(lambda v: v is SUPPRESSED)
    zero_fill, no_data_fill = fill_of(zero), fill_of(no_data)
    assert len(zero_fill) == 1 and len(no_data_fill) == 1 and zero_fill != no_data_fill
    assert fill_of(masked) == {"url(#rfm-masked)"}
    assert fill_of(~covered) == {"url(#rfm-not-covered)"}  # dots; hatching means masked (issue 12)
    page = fr_map[1].read_text("utf-8")
    assert legend_swatches(page)[0] == zero_fill.pop()  # the "0" row of the legend
    assert no_data_fill.pop() not in legend_swatches(page)


def test_no_raw_hostile_string(fr_map: MapFile) -> None:
    page = fr_map[1].read_text("utf-8")
    raw_pieces = (HOSTILE_NAME, HOSTILE_ORG, "<img src=x", "${alert", "<script>alert(3)", "{{ 7")
    for raw in raw_pieces:
        assert raw not in page
    assert "& 49 " not in page  # folium's Jinja pass did not evaluate the organisation
    # escape_for_folium, plus braces (folium's Jinja pass)
    assert "&lt;img src=x onerror=alert(1)&gt;&#36;&#123;alert(2)&#125;&#92;&#96;" in page
    assert "Asbl &lt;/script&gt;&lt;script&gt;alert(3)&lt;/script&gt; &amp; &#123;&#123; 7*7" in (
        page
    )


def test_tooltips_are_preformatted(fr_map: MapFile) -> None:
    layer = commune_layer(fr_map[0])
    tooltip = next(c for c in layer._children.values() if isinstance(c, folium.GeoJsonTooltip))
    assert tooltip.localize is False
    liege = next(f for f in layer.data["features"] if f["id"] == "62063")["properties"]
    assert liege["name"] == "Liège" and liege["population"] == "197\u202f217"
    assert set(liege) == {"name", "population", "relays", "parents", "distance", "value"}
    assert re.fullmatch(r"\d+,\d\u00a0km|\u2013", liege["distance"])
    geometry = shapely.geometry.shape(layer.data["features"][0]["geometry"])
    coordinates = shapely.get_coordinates(geometry)
    assert np.array_equal(coordinates, np.round(coordinates, maps.COORD_DECIMALS))


def test_province_map_fits_its_communes(tables: dict[str, Any]) -> None:
    communes, relays = tables["communes"], tables["relays"]
    namur = communes[communes["province_nis"] == "90000"]
    m = maps.coverage_map(
        namur, relays[relays["relay_id"].isin(["R1", "R2"])], value_column="rate",
        value_label=VALUE_LABEL["fr"], title="Province de Namur", source=SOURCE,
        provinces=tables["provinces"][tables["provinces"]["province_nis"] == "90000"],
    )
    furniture = next(c for c in m._children.values() if type(c).__name__ == "_MapFurniture")
    west, south, east, north = namur.total_bounds
    assert furniture.bounds == [[south, west], [north, east]]
    assert len(commune_layer(m).data["features"]) == len(namur) == 38
    page = m.get_root().render()
    assert 'class="rfm-synthetic"' not in page  # synthetic=False: no banner


def test_tiles_are_an_explicit_opt_in(tables: dict[str, Any], fr_map: MapFile,
                                      tmp_path: Path) -> None:
    assert "openstreetmap" not in fr_map[1].read_text("utf-8")
    m = make_map(tables, tiles=True)
    with pytest.raises(OfflineAssetError) as info:
        maps.save_map(m, tmp_path / "refused.html")
    assert info.value.urls == [maps.OSM_TILE_URL]
    with pytest.raises(OfflineAssetError):
        save_offline_map(m, tmp_path / "refused_too.html")
    assert not list(tmp_path.iterdir())
    page = maps.save_map(m, tmp_path / "online.html", allow_network=True).read_text("utf-8")
    assert page.count(maps.OSM_TILE_URL) == 1
    tail = page[page.rindex("<script>"):]
    assert maps.OSM_TILE_URL in tail and "OpenStreetMap" in tail and tail.endswith("</html>")
    assert "cdn.jsdelivr" not in page and "<script src" not in page


def test_classify_small_samples() -> None:
    few = maps.classify([0, 2.5, 2.5, 7.0], k=5)
    assert few.bins == (2.5, 7.0) and few.labels == ("2,5", "7,0") and few.zero_label == "0"
    assert few.color_for(0) == few.zero_color and few.color_for(7.0) == few.colors[-1]
    assert len({few.zero_color, *few.colors}) == 3
    none = maps.classify([], k=5)
    assert none.bins == () and none.legend() == []
    counts = maps.classify(range(0, 100), k=4, value_kind="count", scheme="quantiles")
    assert counts.labels[0].startswith("1" + maps.RANGE_SEPARATOR)
    assert counts.labels[-1].endswith(maps.RANGE_SEPARATOR + "99")
    km = maps.classify([0.0, 1.0, 2.0, 8.5, 12.25, 30.0], k=2, value_kind="km")
    assert all("km" not in text for text in km.labels)  # the legend title gives the unit
    near = maps.classify([0.01, 0.04, 5.0, 9.0, 13.3, 16.5], k=3, value_kind="km").labels
    assert near[0] == "0,01" + maps.RANGE_SEPARATOR + "0,04"  # not "0,0 – 0,0"
    sub_metre = maps.classify([0.0002, 0.0003, 5.0, 7.0], k=3, value_kind="km")
    assert sub_metre.zero_label == "0" and sub_metre.bins == (5.0, 7.0)
    assert sub_metre.color_for(0.0002) == sub_metre.zero_color
    shares = maps.classify([0.1, 0.2, 0.3], k=2, value_kind="share", lang="en")
    assert shares.labels == ("10.0%" + maps.RANGE_SEPARATOR + "20.0%",
                             "20.0%" + maps.RANGE_SEPARATOR + "30.0%")


def test_small_non_people_counts_are_allowed(tables: dict[str, Any]) -> None:
    """Only people counts (``parents``) are checked against the threshold."""
    communes = tables["communes"].assign(n_relays=lambda df: df["nis"].astype(int) % 3 + 1)
    m = maps.coverage_map(communes, tables["relays"], value_column="n_relays",
                          value_label="Nombre de relais", title="t", source="s",
                          value_kind="count")
    labels = legend_labels(m.get_root().render())
    assert labels[:3] == ["1", "2", "3"]
    liege = next(f for f in commune_layer(m).data["features"] if f["id"] == "62063")
    assert liege["properties"]["value"] == str(62063 % 3 + 1)


def test_invalid_parameters(tables: dict[str, Any]) -> None:
    communes, relays = tables["communes"], tables["relays"]
    with pytest.raises(ParameterError, match="scheme"):
        make_map(tables, scheme="jenks")
    with pytest.raises(ParameterError):
        make_map(tables, k=0)
    with pytest.raises(ParameterError, match="de"):
        maps.coverage_map(communes, relays, value_column="rate", value_label="x", title="t",
                          source="s", lang="de")
    with pytest.raises(ParameterError, match="distance_km"):
        maps.coverage_map(communes.drop(columns="distance_km"), relays, value_column="rate",
                          value_label="x", title="t", source="s")
    leaky = communes.copy()
    leaky.loc[leaky.index[0], "parents"] = 3
    with pytest.raises(PrivacyError, match="parents"):
        maps.coverage_map(leaky, relays, value_column="rate", value_label="x", title="t",
                          source="s")


# --------------------------------------------------------------------------- browser


def _inside_away_from(polygon: shapely.Geometry, point: tuple[float, float],
                      clearance: float = 0.03) -> tuple[float, float]:
    """(lat, lon) of a point of ``polygon`` at least ``clearance`` degrees from ``point``."""
    lon, lat = point
    area = polygon.difference(shapely.Point(lon, lat).buffer(clearance))
    assert not area.is_empty
    inside = area.representative_point()
    return inside.y, inside.x


def _hover(page: Any, latlon: tuple[float, float]) -> None:
    """Move the mouse over ``latlon`` of the page's map."""
    x, y = page.evaluate(
        """([lat, lon]) => {
            const map = window[document.querySelector(".folium-map").id];
            const p = map.latLngToContainerPoint([lat, lon]);
            const box = map.getContainer().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
        list(latlon),
    )
    page.mouse.move(0, 0)
    page.mouse.move(x, y, steps=3)


def _commune_tooltip(page: Any, name: str) -> dict[str, str]:
    page.wait_for_function(
        "name => document.querySelector('.leaflet-tooltip td')?.textContent === name", arg=name
    )
    tooltip = page.locator(".leaflet-tooltip")
    headers = tooltip.locator("th").all_inner_texts()
    return dict(zip(headers, tooltip.locator("td").all_inner_texts(), strict=True))


def _relay_point(tables: dict[str, Any], nis: str) -> tuple[float, float]:
    """(lon, lat) of the relay seated in commune ``nis``."""
    relay = tables["relays"].iloc[tables["seats"].index(nis)]
    return float(relay["longitude"]), float(relay["latitude"])


def _polygon(tables: dict[str, Any], nis: str) -> shapely.Geometry:
    communes = tables["communes"]
    return communes.loc[communes["nis"] == nis, "geometry"].item()


@pytest.mark.browser
def test_coverage_map_in_browser(browser_page, tables: dict[str, Any],
                                 fr_map: MapFile) -> None:
    page = browser_page.goto(fr_map[1])
    assert browser_page.problems() == []

    # communes and relays are interactive; outlines are drawn but let the mouse through
    assert page.locator("path.leaflet-interactive").count() == N_COMMUNES + N_RELAYS
    assert page.locator(".leaflet-overlay-pane path").count() == (
        N_COMMUNES + N_RELAYS + N_OUTLINE_PATHS
    )

    # hover Liège (away from its relay): French name and French-formatted population
    _hover(page, _inside_away_from(_polygon(tables, "62063"), _relay_point(tables, "62063")))
    rows = _commune_tooltip(page, "Liège")
    assert rows["Population"] == "197\u202f217" == i18n.format_int(197217)
    assert list(rows) == ["Commune", "Population", "Relais couvrant la commune",
                          "Parents touchés", "Distance au relais le plus proche",
                          VALUE_LABEL["fr"]]
    assert rows["Relais couvrant la commune"] == "Relais de Liège"

    # hover Namur: the hostile relay name shows literally in a GeoJsonTooltip
    _hover(page, _inside_away_from(_polygon(tables, HOSTILE_SEAT),
                                      _relay_point(tables, HOSTILE_SEAT)))
    rows = _commune_tooltip(page, "Namur")
    assert rows["Relais couvrant la commune"] == HOSTILE_NAME

    # click the hostile relay: the popup shows its name and organisation literally
    page.locator("path.leaflet-interactive").nth(N_COMMUNES + tables["hostile_index"]).click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert HOSTILE_NAME in text and HOSTILE_ORG in text
    assert "Organisation porteuse" in text and "Parents touchés" in text
    page.wait_for_timeout(200)  # give an injected onerror handler time to fire

    # legend, title banner, source line: visible and in French
    legend = page.locator(".rfm-legend")
    assert legend.is_visible()
    legend_text = legend.inner_text()
    for entry in ("Pas de données", footnote(5), "n.p.\u00a0: valeur non publiée pour protéger les petits effectifs", "Non couverte (zone blanche)"):
        assert entry in legend_text
    banner = page.locator(".rfm-synthetic")
    assert banner.is_visible() and banner.inner_text() == "Données synthétiques"
    source = page.locator(".rfm-source")
    assert source.is_visible()
    assert source.inner_text() == f"Source\u00a0: {SOURCE} \u2014 données synthétiques"
    for box in (banner, source, legend):
        bounds = box.bounding_box()
        assert bounds and bounds["x"] >= 0 and bounds["y"] >= 0
        assert bounds["x"] + bounds["width"] <= 1000 and bounds["y"] + bounds["height"] <= 700

    browser_page.screenshot(ARTIFACTS / "coverage_map.png")
    assert page.locator(".leaflet-popup-content img, .leaflet-tooltip img").count() == 0
    assert browser_page.problems() == []  # no dialog: alert() never ran


@pytest.mark.browser
def test_english_map_in_browser(browser_page, tables: dict[str, Any],
                                en_map: MapFile) -> None:
    page = browser_page.goto(en_map[1])
    legend_text = page.locator(".rfm-legend").inner_text()
    for entry in ("No data", "n.p.: value not published to protect small counts", "Not covered (blank area)", "Relay",
                  "Classes: natural breaks (Jenks)", VALUE_LABEL["en"]):
        assert entry in legend_text
    assert "Pas de données" not in legend_text and "Valeur" not in legend_text
    assert page.locator(".rfm-synthetic").inner_text() == "Synthetic data"
    assert page.locator(".rfm-source").inner_text().endswith("\u2014 synthetic data")
    _hover(page, _inside_away_from(_polygon(tables, "62063"), _relay_point(tables, "62063")))
    rows = _commune_tooltip(page, "Liège")
    assert rows["Municipality"] == "Liège" and rows["Population"] == "197,217"
    assert "Covering relay(s)" in rows
    browser_page.screenshot(ARTIFACTS / "coverage_map_en.png")
    assert browser_page.problems() == []


@pytest.mark.browser
def test_tiles_page_requests_only_tiles(browser_page, tables: dict[str, Any],
                                        tmp_path: Path) -> None:
    """With the opt-in, the page works and its only network requests are OSM tiles."""
    path = maps.save_map(make_map(tables, tiles=True), tmp_path / "online.html",
                         allow_network=True)
    page = browser_page.goto(path)
    page.wait_for_function("() => document.querySelectorAll('.leaflet-tile-pane img').length > 0")
    assert browser_page.page_errors == [] and browser_page.dialogs == []
    assert browser_page.blocked_requests
    assert all(url.startswith("https://tile.openstreetmap.org/")
               for url in browser_page.blocked_requests)
    assert "OpenStreetMap" in page.locator(".leaflet-control-attribution").inner_text()
    assert page.locator("path.leaflet-interactive").count() == N_COMMUNES + N_RELAYS
