"""Exploration notebooks (issue 12, section 4): French tables, partial years, widgets, the inline map.

Unit tests of :mod:`relais_analysis.report.exploration` and its views, then four real papermill
runs (the small fixture where it is enough, the demo data where the small fixture's counts would
all be masked), each checked against tables computed independently through ``Analysis``.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import nbformat
import pandas as pd
import pytest

from relais_analysis.analysis import Analysis
from relais_analysis.errors import ParameterError
from relais_analysis.i18n import format_int, format_percent
from relais_analysis.privacy.masked import SUPPRESSED
from relais_analysis.report import exploration as ex
from relais_analysis.report import exploration_views as views
from paths import DEMO, ROOT, SMALL

AS_OF = dt.date(2025, 10, 31)
NNBSP, NBSP = "\u202f", "\u00a0"
#: A float printed raw (0.842069, 2.82 in English): digits, a dot, two or more digits.
RAW_FLOAT = re.compile(r"(?<![\w.])\d+\.\d{2,}(?![\w.])")
#: The only absolute links the self-contained map may hold (attributions a reader may click).
ALLOWED_LINKS = ("https://leafletjs.com", "https://www.openstreetmap.org", "https://openstreetmap.org")


# --------------------------------------------------------------------------- helpers


def _visible_html(nb) -> str:
    """Every text/html output of a notebook, images' base64 data dropped."""
    parts = [o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", [])]
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "data:", "\n".join(parts))


def _rows(page: str, title: str) -> list[list[str]]:
    """Cells (unescaped text) of the body rows of the table under ``<h4>title</h4>``."""
    start = page.index(f"<h4>{html.escape(title)}</h4>")
    table = page[start:page.index("</table>", start)]
    body = table[table.index("<tbody>"):]
    return [[html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body)]


def _run(kernel, name: str, tmp_path, **parameters):
    """Run notebook ``name`` under papermill on the session's warm kernel (reset first: a clean state, as a fresh
    kernel; conftest.py, ``warm_kernel``) and return it executed, failing on any error output."""
    out = tmp_path / f"{name}.ipynb"
    kernel.execute_notebook(ROOT / "notebooks" / f"{name}.ipynb", out, parameters)
    nb = nbformat.read(out, as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    return nb


# --------------------------------------------------------------------------- partial years


def test_year_label_names_the_months_of_a_partial_year():
    assert ex.year_label(2025, AS_OF) == f"2025{NBSP}: janvier-octobre"
    assert ex.year_label(2025, AS_OF, "en") == "2025: January-October"
    assert ex.year_label(2025, dt.date(2025, 1, 31)) == f"2025{NBSP}: janvier-janvier"
    assert ex.year_label(2024, AS_OF) == "2024"
    assert ex.year_label(2025, dt.date(2025, 12, 31)) == "2025"
    assert ex.year_label(None, AS_OF) == "\u2013"
    with pytest.raises(ParameterError):
        ex.year_label(2025, AS_OF, "de")


def test_year_changes_never_compare_a_partial_year_and_mask_with_their_counts():
    table = pd.DataFrame({"year": [2021, 2023, 2024, 2025], "parents": [10, 1000, 1500, 1300],
                          "children": [8, SUPPRESSED, 900, 800]})
    changes = ex.year_changes(table, AS_OF)
    assert changes["change_parents"].tolist() == [None, None, 0.5, None]  # 2023 follows a gap; 2025 is partial
    assert changes["change_children"].tolist()[2] is SUPPRESSED
    assert changes["parents"].tolist() == table["parents"].tolist()  # the input is left as it was
    assert "change_parents" not in table.columns


# --------------------------------------------------------------------------- tables


def test_french_table_headers_and_numbers():
    frame = pd.DataFrame({"year": [2024, 2025], "relay_name": ["Relais A", "Relais B"], "parents": [1500, SUPPRESSED],
                          "share_new": [0.842069, SUPPRESSED], "distance_km": [12.34, None],
                          "covered": [True, False], "people_countable": ["yes", "yes"]})
    shown = ex.french_table(frame, as_of=AS_OF, threshold=5)
    assert list(shown.columns) == ["Année", "Relais", "Parents", "Part de nouveaux parents",
                                   "Distance au relais le plus proche (km)", "Couverte"]
    assert shown.iloc[0].tolist() == ["2024", "Relais A", f"1{NNBSP}500", f"84,2{NBSP}%", f"12,3{NBSP}km", "Couverte"]
    assert shown.iloc[1].tolist() == [f"2025{NBSP}: janvier-octobre", "Relais B", "n.p.", "n.p.", "\u2013",
                                      "Non couverte (zone blanche)"]
    english = ex.french_table(frame, "en", columns=["year", "parents", "share_new"])
    assert list(english.columns) == ["Year", "Parents", "Share of new parents"]
    assert english.iloc[0].tolist() == ["2024", "1,500", "84.2%"]
    with pytest.raises(KeyError, match="nope"):
        ex.french_table(frame, columns=["nope"])


def test_every_column_of_the_protected_tables_has_a_header(small_dataset):
    a = Analysis(SMALL, 2024)
    for name, frame in a.tables.tables.items():
        shown = ex.french_table(frame, as_of=AS_OF)
        unnamed = [c for c in shown.columns if re.fullmatch(r"[a-z_0-9]+", c)]
        assert not unnamed, (name, unnamed)
        text = " ".join(shown.to_numpy().ravel().tolist())
        assert not RAW_FLOAT.search(text), (name, RAW_FLOAT.findall(text))


def test_table_html_escapes_user_strings():
    frame = pd.DataFrame({"relay_name": ["<script>alert(1)</script>"], "parents": [12]})
    page = ex.table_html(frame, title="Par relais & co")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<h4>Par relais &amp; co</h4>" in page
    assert _rows(page, "Par relais & co") == [["<script>alert(1)</script>", "12"]]


def test_mean_activities_from_the_protected_distribution():
    dist = pd.DataFrame({"activities": [1, 2], "parents": [40, 40], "share": [0.5, 0.5]})
    assert views._mean_activities(dist, "fr", 5) == "1,50"
    assert views._mean_activities(dist.assign(parents=[SUPPRESSED, 40]), "fr", 5) == "n.p."


# --------------------------------------------------------------------------- scopes and widgets


def test_scopes_share_one_dataset_and_give_the_front_door_tables(small_dataset):
    explorer = ex.Explorer(SMALL, 2024)
    liege = explorer.scoped(2024, "Liège")
    assert liege.dataset is explorer.analysis.dataset and explorer.scoped(2024, "60000") is liege
    direct = Analysis(SMALL, 2024, province="Liège").tables.tables
    for name, frame in liege.tables.tables.items():
        pd.testing.assert_frame_equal(frame.astype(str), direct[name].astype(str))
    with pytest.raises(ParameterError, match="R9"):
        explorer.scoped(2024, relay_id="R9")
    with pytest.raises(ParameterError):
        explorer.scoped(2021)  # no activity that year
    assert "R9" in explorer.render(views.heading_html, 2024, relay_id="R9")  # one line, no traceback


def test_widgets_redraw_the_view_in_place(small_dataset):
    explorer = ex.Explorer(SMALL, 2024)
    box = explorer.show(lambda a: f"<p>view {a.year} {a.province} {a.relay_id}</p>")
    year, province, relay = box.children
    assert year.options == (2023, 2024, 2025)
    assert province.label == "Wallonie" and relay.label == "(tous les relais)"  # a None value would show nothing
    assert explorer.current == "<p>view 2024 None None</p>"
    relay.value = "R3"
    assert explorer.current == "<p>view 2024 None R3</p>"
    year.value = 2025
    assert explorer.current == "<p>view 2025 None R3</p>"
    province.value = "90000"
    assert explorer.current == "<p>view 2025 90000 R3</p>"
    relay.value = ""
    assert explorer.current == "<p>view 2025 90000 None</p>"


def test_quality_view_keeps_the_scope_relays(small_dataset):
    a = Analysis(SMALL, 2024, province="Namur")
    page = views.quality_view(a)
    complete = _rows(page, "Complétude par relais (2024)")
    assert [row[0] for row in complete] == ["R2"]
    assert "Aucune ligne rejetée." in page


# --------------------------------------------------------------------------- papermill runs


@pytest.mark.slow
def test_explore_reach_marks_the_partial_year(tmp_path, small_dataset, warm_kernel):
    nb = _run(warm_kernel, "explore_reach", tmp_path, data_dir=str(SMALL), year=2025)
    page = _visible_html(nb)
    label = f"2025{NBSP}: janvier-octobre"
    assert f"<h3>Wallonie – {label}</h3>" in page and "laissée hors des évolutions sur un an" in page
    rows = _rows(page, "Personnes touchées par année")
    per_year = Analysis(SMALL, 2025).tables.tables["reach_per_year"]
    expected = [[ex.year_label(r.year, AS_OF)] + [format_int(getattr(r, c)) for c in
                                                  ("parents", "children", "families", "attendances", "activities")]
                for r in per_year.itertuples()]
    assert [row[:6] for row in rows] == expected
    assert rows[-1][0] == label and rows[-1][6:] == ["\u2013", "\u2013"]  # never compared to a full year
    assert not RAW_FLOAT.search(re.sub(r"<[^>]+>", " ", page))
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
               for c in nb.cells for o in c.get("outputs", []))
    assert page.count('<img src="data:') >= 3 and 'alt=""' not in page


@pytest.mark.slow
def test_explore_coverage_province_tables_and_offline_map(tmp_path, small_dataset, warm_kernel):
    nb = _run(warm_kernel, "explore_coverage", tmp_path, data_dir=str(SMALL), year=2024, province="Liège")
    page = _visible_html(nb)
    cov = Analysis(SMALL, 2024, province="Liège").tables.tables["population_coverage"]
    expected = [[r.province_name, format_int(r.n_communes), format_int(r.communes_covered),
                 format_int(r.population), format_int(r.population_covered), format_percent(r.share_covered)]
                for r in cov.itertuples()]
    assert _rows(page, "Population couverte") == expected
    frames = re.findall(r'<iframe srcdoc="([^"]*)"', page)
    assert len(frames) == 1
    document = html.unescape(frames[0])
    assert "leaflet" in document.lower() and "L.map(" in document
    links = re.findall(r"""(?:src|href)\s*=\s*["']?(https?://[^"'\s>]+)""", document)
    assert all(link.startswith(ALLOWED_LINKS) for link in links), links
    assert not re.search(r"""<(?:script|link|img)[^>]+(?:src|href)\s*=\s*["']?(?:https?:)?//""", document)
    assert not RAW_FLOAT.search(re.sub(r"<[^>]+>", " ", page.replace(frames[0], "")))


@pytest.mark.slow
def test_explore_reach_of_one_relay_matches_its_sheet(tmp_path, demo_dataset, warm_kernel):
    nb = _run(warm_kernel, "explore_reach", tmp_path, data_dir=str(DEMO), year=2024, relay_id="R07")
    page = _visible_html(nb)
    name = demo_dataset.relays.set_index("relay_id").loc["R07", "name"]
    assert f"<h3>R07 – {html.escape(name)} – 2024</h3>" in page
    tables = Analysis(DEMO, 2024, relay_id="R07").tables.tables
    rows = _rows(page, "Personnes touchées par année")
    assert [row[1] for row in rows] == [format_int(v) for v in tables["reach_per_year"]["parents"]]
    new = _rows(page, "Nouveaux parents et parents revenus")
    assert [row[4] for row in new] == [format_percent(v) for v in tables["new_vs_returning"]["share_new"]]
    assert "Par province" not in page  # a relay's view, not a region's
    assert not RAW_FLOAT.search(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.slow
def test_explore_outcomes_province_rows_in_french(tmp_path, warm_kernel):
    nb = _run(warm_kernel, "explore_outcomes", tmp_path, data_dir=str(DEMO), year=2024, province="Namur")
    page = _visible_html(nb)
    by_province = _rows(page, "Évolution par province (DJG-6)")
    assert [row[0] for row in by_province] == ["Namur"]
    change = _rows(page, "Évolution entre l'entrée et le suivi (tout le programme)")
    assert change and all("," in row[4] or row[4] in ("n.p.", "\u2013") for row in change)  # 45,4 %
    assert not RAW_FLOAT.search(re.sub(r"<[^>]+>", " ", page))
    json.dumps(nb)  # the stored notebook is plain JSON (no Python objects left in outputs)
