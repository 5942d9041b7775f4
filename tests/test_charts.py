"""Tests of relais_analysis.outputs.charts: what is drawn, French formatting, privacy marks, files.

Tests read the drawn artists (bars in ``ax.patches``, texts in ``ax.texts``, tick
labels after a draw) and compare them with the tables, rather than only checking
that files exist.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PatchCollection
from matplotlib.colors import to_hex
from PIL import Image

from relais_analysis.outputs import classes
from relais_analysis.outputs import static_map
from relais_analysis.indicators import tables
from relais_analysis.outputs import charts
from relais_analysis.indicators import territory
from relais_analysis.geography import reference
from relais_analysis.indicators import reach
from relais_analysis.errors import ParameterError, PrivacyError
from relais_analysis.privacy.masked import SUPPRESSED, is_suppressed
from relais_analysis.privacy.masked import footnote as masked_footnote
from relais_analysis.privacy.suppress import suppress_small_counts
from relais_analysis.privacy.published_columns import figure_data_stem
from relais_analysis.privacy.published_csv import read_published_table, read_published_text
from paths import ROOT

NNBSP = "\u202f"  # Babel's French thousands separator
NBSP = "\u00a0"
MASKED = "n.p."


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def demo(demo_dataset):
    return demo_dataset


@pytest.fixture(scope="module")
def small(small_dataset):
    return small_dataset


@pytest.fixture(scope="module")
def per_year(demo) -> pd.DataFrame:
    table = reach.reach_per_year(demo)[["year", "parents", "children"]]
    return suppress_small_counts(table, ["parents", "children"], additive_rows=False)


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def footnote(ax) -> str:
    notes = [t.get_text() for t in ax.texts if t.get_gid() == "footnote"]
    assert len(notes) == 1
    return notes[0]


def bars(ax, color: str) -> list:
    return [p for p in ax.patches if to_hex(p.get_facecolor(), keep_alpha=False) == color.lower()]


def tick_labels(ax, axis: str = "y") -> list[str]:
    ax.figure.draw_without_rendering()
    labels = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in labels]


# --------------------------------------------------------------------------- bar charts


def test_people_per_year_bar_heights_and_french_labels(per_year):
    ax = charts.people_per_year(per_year)
    parents = sorted(bars(ax, charts.PALETTE["parents"]), key=lambda p: p.get_x())
    children = sorted(bars(ax, charts.PALETTE["children"]), key=lambda p: p.get_x())
    assert [p.get_height() for p in parents] == [696, 1184, 1500, 1300]
    assert [p.get_height() for p in children] == [569, 1035, 1264, 1058]
    assert f"1{NNBSP}500" in texts(ax)  # bar label, Babel's narrow no-break space
    assert f"1{NNBSP}500" in tick_labels(ax) and f"1{NNBSP}000" in tick_labels(ax)
    assert [t for t in tick_labels(ax, "x")] == ["2022", "2023", "2024", "2025"]  # years not grouped
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Parents", "Enfants"]
    assert ax.get_title(loc="left") == "Parents et enfants touchés par année"
    assert not any(t.get_gid() == "footnote" for t in ax.texts)  # nothing masked, no note


def test_people_per_year_in_english(per_year):
    ax = charts.people_per_year(per_year, lang="en")
    assert "1,500" in texts(ax) and "1,500" in tick_labels(ax)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Parents", "Children"]
    assert ax.get_title(loc="left") == "Parents and children reached per year"


def test_masked_and_missing_cells_draw_no_bar():
    table = suppress_small_counts(
        pd.DataFrame({"year": [2022, 2023], "parents": [3, 12], "children": [7, pd.NA]}),
        ["parents", "children"], additive_rows=False,
    )
    assert table["parents"].iloc[0] is SUPPRESSED
    ax = charts.people_per_year(table)
    parents = bars(ax, charts.PALETTE["parents"])
    children = bars(ax, charts.PALETTE["children"])
    assert [(round(p.get_x() + p.get_width() / 2, 2), p.get_height()) for p in parents] == [(0.8, 12)]
    assert [(round(p.get_x() + p.get_width() / 2, 2), p.get_height()) for p in children] == [(0.2, 7)]
    assert MASKED in texts(ax) and "\u2013" in texts(ax)  # "n.p." for masked, en dash for no data
    note = footnote(ax)
    assert masked_footnote() in note and "n.p.\u00a0: valeur non publiée pour protéger les petits effectifs" in note
    assert "pas de données" in note
    # the value axis reaches the threshold, so "n.p." has a scale
    assert ax.get_ylim()[1] >= 12


def test_people_by_province_from_small_fixture(small):
    cols = ["year", "province_nis", "province_name", "parents", "children"]
    table = suppress_small_counts(reach.reach_by(small, 2024, "province")[cols], ["parents", "children"])
    # README: Liège 5, Namur 3, Luxembourg 1 parents; nothing in Brabant wallon and Hainaut
    assert table["parents"].tolist() == [0, 0, 5, SUPPRESSED, SUPPRESSED]
    ax = charts.people_by_province(table)
    parents = sorted(bars(ax, charts.PALETTE["parents"]), key=lambda p: p.get_y())
    assert [p.get_width() for p in parents] == [0, 0, 5]  # zeros are bars of 0, masked ones are absent
    masked_cells = sum(is_suppressed(v) for c in ("parents", "children") for v in table[c])
    assert texts(ax).count(MASKED) == masked_cells == 5
    assert tick_labels(ax) == ["Brabant wallon", "Hainaut", "Liège", "Luxembourg", "Namur"]
    assert "n.p.\u00a0: valeur non publiée pour protéger les petits effectifs" in footnote(ax)
    assert "plusieurs provinces" in footnote(ax)
    assert ax.get_title(loc="left") == "Parents et enfants touchés par province, 2024"


def test_activity_types_french_labels_and_widths(demo):
    table = reach.reach_by(demo, 2024, "activity_type")[["year", "type", "attendances"]]
    table = suppress_small_counts(table, ["attendances"])
    ax = charts.activity_types(table)
    drawn = dict(zip(tick_labels(ax), [p.get_width() for p in sorted(ax.patches, key=lambda p: p.get_y())]))
    expected = {charts.i18n.label(t): int(v) for t, v in zip(table["type"], table["attendances"])}
    assert drawn == expected
    assert tick_labels(ax)[:2] == ["Atelier créatif", "Sortie culturelle"]  # fixed display order
    assert sum(expected.values()) == reach.reach_by(demo, 2024)["attendances"].iloc[0]
    ax_en = charts.activity_types(table, lang="en")
    assert "Creative workshop" in tick_labels(ax_en)
    assert ax_en.get_title(loc="left") == "Attendances by activity type, 2024"


def test_new_vs_returning_stacks(demo):
    table = reach.new_and_returning_parents(demo)
    ax = charts.new_vs_returning(table, partial_year=2025)
    returning = sorted(bars(ax, charts.PALETTE["returning_parents"]), key=lambda p: p.get_x())
    new = sorted(bars(ax, charts.PALETTE["new_parents"]), key=lambda p: p.get_x())
    assert [p.get_height() for p in returning] == table["returning_parents"].tolist()
    assert [p.get_height() for p in new] == table["new_parents"].tolist()
    assert [p.get_y() for p in new] == table["returning_parents"].tolist()  # stacked on returning
    assert [p.get_y() + p.get_height() for p in new] == table["parents"].tolist()
    assert f"1{NNBSP}077" in texts(ax) and f"1{NNBSP}500" in texts(ax)
    assert [p.get_linestyle() for p in new][-1] == "--" and {p.get_linestyle() for p in new[:-1]} == {"solid"}
    assert {p.get_hatch() for p in ax.patches} == {None}  # 2025 incomplete: dashed, never hatched (hatching = masked)
    assert "2025 : année incomplète" in footnote(ax).replace(NBSP, " ")


def test_new_vs_returning_masked_segment_is_not_stacked():
    table = pd.DataFrame({"year": [2024], "parents": [12], "new_parents": [SUPPRESSED],
                          "returning_parents": [SUPPRESSED]}).astype(object)
    ax = charts.new_vs_returning(table)
    assert len(ax.patches) == 0
    assert f"nouveaux{NBSP}: {MASKED}" in texts(ax) and "12" in texts(ax)


def test_retention_rate_marks_partial_years(demo):
    table = reach.retention(demo)
    ax = charts.retention_rate(table)
    drawn = sorted(ax.patches, key=lambda p: p.get_x())
    assert np.allclose([p.get_height() for p in drawn], table["retention_rate"])
    assert [p.get_linestyle() for p in drawn] == ["solid", "solid", "--"]  # 2024 -> 2025 is partial
    assert {p.get_hatch() for p in drawn} == {None}  # hatching means masked, on the maps and in the guide
    assert tick_labels(ax, "x") == ["2022 → 2023", "2023 → 2024", "2024 → 2025"]
    assert f"35,6{NBSP}%" in texts(ax)
    assert f"40{NBSP}%" in tick_labels(ax)
    assert "minimum" in footnote(ax)
    assert "36.0%" in texts(charts.retention_rate(table, lang="en"))


def test_empty_table_says_no_data():
    table = pd.DataFrame({"year": [], "type": [], "attendances": []})
    ax = charts.activity_types(table)
    assert len(ax.patches) == 0 and "Pas de données" in texts(ax)


def test_alt_text_is_built_from_the_table(per_year):
    expected = (
        "Parents et enfants touchés par année : 2022 : 696 parents, 569 enfants ; "
        "2023 : 1 184 parents, 1 035 enfants ; 2024 : 1 500 parents, 1 264 enfants ; "
        "2025 : 1 300 parents, 1 058 enfants."
    )
    assert charts.alt_text_people_per_year(per_year).replace(NBSP, " ").replace(NNBSP, " ") == expected
    masked = per_year.copy()
    masked.loc[0, "children"] = SUPPRESSED
    assert "enfants\u00a0: non publié" in charts.alt_text_people_per_year(masked)
    assert "children: not published" in charts.alt_text_people_per_year(masked, "en")
    assert "moins de" not in charts.alt_text_people_per_year(masked)  # a masked cell is not said to be small


def test_style_does_not_leak_into_global_rcparams(per_year):
    before = dict(matplotlib.rcParams)
    charts.people_per_year(per_year)
    with charts.house_style():
        assert matplotlib.rcParams["font.family"] == ["DejaVu Sans"]
    assert dict(matplotlib.rcParams) == before


def test_invalid_parameters_raise(per_year):
    with pytest.raises(ParameterError):
        charts.people_per_year(per_year, lang="nl")
    with pytest.raises(ParameterError):
        charts.people_per_year(per_year.drop(columns="children"))
    with pytest.raises(ParameterError):
        charts.activity_types(per_year, measure="smiles")


# --------------------------------------------------------------------------- choropleth


@pytest.fixture(scope="module")
def communes_2024() -> pd.DataFrame:
    communes = reference.load_communes(2024)
    values = list(np.round(np.random.default_rng(7).gamma(2.0, 6.0, len(communes)), 1))
    values[:6] = [SUPPRESSED] * 6
    values[10:13] = [pd.NA] * 3
    values[20:30] = [0.0] * 10
    communes["rate"] = pd.Series(values, index=communes.index, dtype=object)
    return communes


def test_choropleth_draws_every_commune_with_scale_bar(demo, communes_2024):
    relays = territory.relay_points(demo, 2024)
    ax = static_map.choropleth(communes_2024, column="rate", relays=relays, provinces=reference.load_provinces(2024),
                           legend_title="Taux")
    collections = {c.get_gid(): c for c in ax.collections}
    polygons = collections["communes"]
    assert isinstance(polygons, PatchCollection) and len(polygons.get_paths()) == 262
    faces = [to_hex(f) for f in polygons.get_facecolors()]
    assert set(faces[:6]) == {"#ffffff"} and len(collections["communes-masked"].get_paths()) == 6
    assert set(faces[10:13]) == {"#bdbdbd"}  # no data: grey, distinct from zero
    numbers = [float(v) for v in communes_2024["rate"] if isinstance(v, float)]
    shared = classes.classify(numbers)  # the interactive map's classes: the two maps agree
    assert set(faces[20:30]) == {shared.zero_color.lower()}  # zero: its own class, lightest colour
    legend_rows = [t.get_text() for t in ax.get_legend().get_texts()][: len(shared.legend())]
    assert legend_rows == [label for _, label in shared.legend()]
    assert len(collections["provinces"].get_paths()) == 5
    assert len(collections["relays"].get_offsets()) == len(relays) == 19
    scale = [t for t in ax.texts if t.get_gid() == "scale-bar"]
    assert [t.get_text() for t in scale] == [f"20{NBSP}km"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "n.p.\u00a0: valeur non publiée pour protéger les petits effectifs" in legend and "Pas de données" in legend and "Relais" in legend
    assert ax.get_legend().get_title().get_text() == "Taux"
    # the legend stays inside the figure
    ax.figure.draw_without_rendering()
    box = ax.get_legend().get_window_extent()
    assert box.x1 <= ax.figure.bbox.x1 and box.y0 >= 0


def test_choropleth_classes_and_alt_text(communes_2024):
    alt = static_map.alt_text_choropleth(communes_2024, column="rate", legend_title="Taux", scheme="quantiles")
    numbers = re.findall(r"(\d+) communes?", alt.replace(NNBSP, ""))
    assert sum(int(n) for n in numbers[1:]) == 262  # first number is the map size
    assert "n.p.\u00a0: valeur non publiée pour protéger les petits effectifs\u00a0: 6 communes" in alt and "pas de données\u00a0: 3 communes" in alt
    with pytest.raises(ParameterError):
        static_map.choropleth(communes_2024, column="rate", scheme="jenks")


# --------------------------------------------------------------------------- saving


def _digests(paths: list[Path]) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def test_save_figure_is_byte_identical(per_year, tmp_path):
    runs = []
    for run in ("a", "b"):
        ax = charts.people_per_year(per_year)  # a fresh figure each time
        paths = charts.save_figure(ax.figure, tmp_path / run / "people", table=per_year,
                                   alt_text=charts.alt_text_people_per_year(per_year),
                                   formats=("png", "svg", "pdf"))
        runs.append(_digests(paths))
    assert runs[0] == runs[1]
    assert set(runs[0]) == {"people.png", "people.svg", "people.pdf", "donnees_people.csv", "people.alt.txt"}

    png = Image.open(tmp_path / "a" / "people.png")
    assert png.size == (1260, 720)  # 6.3 x 3.6 in at 200 dpi
    assert "Software" not in png.info and png.info["Description"].startswith("Parents et enfants")
    svg = (tmp_path / "a" / "people.svg").read_text(encoding="utf-8")
    assert '<title id="people-title">Parents et enfants touchés par année</title>' in svg
    assert '<desc id="people-desc">Parents et enfants touchés par année' in svg
    assert "<dc:date>" not in svg and "Matplotlib" not in svg.split("<metadata>")[1].split("</metadata>")[0]
    pdf = (tmp_path / "a" / "people.pdf").read_bytes()
    assert b"/CreationDate" not in pdf and b"/Producer" not in pdf


def test_save_figure_writes_table_and_alt_text(tmp_path):
    table = suppress_small_counts(
        pd.DataFrame({"year": [2022, 2023], "parents": [3, 12], "children": [7, 9]}),
        ["parents", "children"], additive_rows=False,
    )
    ax = charts.people_per_year(table)
    alt = charts.alt_text_people_per_year(table)
    paths = charts.save_figure(ax.figure, tmp_path / "fig", table=table, alt_text=alt)
    assert [p.name for p in paths] == ["fig.png", "fig.svg", "donnees_fig.csv", "fig.alt.txt"]
    assert (tmp_path / "donnees_fig.csv").read_text(encoding="utf-8") == (  # published-table path: ';', BOM, French
        f"\ufeffAnnée;Parents;Enfants\n2022;{MASKED};7\n2023;12;9\n"
    )
    assert (tmp_path / "fig.alt.txt").read_text(encoding="utf-8") == alt + "\n"
    assert "parents\u00a0: non publié" in alt


def test_save_figure_refuses_unsuppressed_small_count(tmp_path):
    table = pd.DataFrame({"year": [2022, 2023], "parents": [3, 12], "children": [7, 9]})
    ax = charts.people_per_year(table)
    with pytest.raises(PrivacyError):
        charts.save_figure(ax.figure, tmp_path / "fig", table=table, alt_text="Parents")
    assert list(tmp_path.iterdir()) == []  # nothing written, not even the image
    with pytest.raises(ParameterError):
        charts.save_figure(ax.figure, tmp_path / "fig", alt_text="")
    with pytest.raises(ParameterError):
        charts.save_figure(ax.figure, tmp_path / "fig", alt_text="Parents", formats=("jpg",))


# --------------------------------------------------------------------------- annual figures


def _published(dataset, province=None):
    return tables.publish_tables(tables.indicator_tables(dataset, 2024, province=province))


def test_annual_figures_small_fixture(small, tmp_path):
    result = charts.figures_from_tables(_published(small), tmp_path, synthetic=small.synthetic, as_of=small.as_of)
    assert list(result) == ["people_per_year", "people_by_province", "activity_types", "new_vs_returning",
                            "retention_rate"]
    for key, paths in result.items():
        assert [p.name for p in paths] == [f"{key}.png", f"{key}.svg", f"{figure_data_stem(key)}.csv",
                                           f"{key}.alt.txt"]
        assert all(p.exists() for p in paths)
    by_province = read_published_text(tmp_path / f"{figure_data_stem('people_by_province')}.csv")
    assert by_province["parents"].tolist() == ["0", "0", "5", MASKED, MASKED]
    per_year = read_published_text(tmp_path / f"{figure_data_stem('people_per_year')}.csv")
    assert per_year["year"].tolist() == ["2023", "2024"] and per_year["parents"].tolist() == [MASKED, "8"]
    alt = (tmp_path / "people_by_province.alt.txt").read_text(encoding="utf-8")
    assert "Liège\u00a0: 5 parents, enfants\u00a0: non publié" in alt and "données synthétiques" in alt


def test_annual_figures_one_province_in_english(demo, tmp_path):
    result = charts.figures_from_tables(_published(demo, "Namur"), tmp_path, lang="en", formats=("png",),
                                        synthetic=True, as_of=demo.as_of)
    assert "people_by_relay" in result and "people_by_province" not in result
    relays = read_published_table(tmp_path / f"{figure_data_stem('people_by_relay', 'en')}.csv")
    assert set(relays["province_nis"]) == {"90000"}
    per_year = read_published_table(tmp_path / f"{figure_data_stem('people_per_year', 'en')}.csv")
    namur = reach.reach_per_year(demo, "province")
    namur = namur[(namur["province_nis"] == "90000") & (namur["year"] <= 2024)]
    assert per_year["parents"].tolist() == namur["parents"].astype(int).tolist()
    assert "Parents and children reached per year: 2022:" in (tmp_path / "people_per_year.alt.txt").read_text()
