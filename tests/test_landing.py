"""The index page: key figures, the programme since 2022, the relays compared (issue 12, section 1).

- the key figures and both tables of a real build's ``index.html`` equal an independent
  computation through :class:`relais_analysis.analysis.Analysis` (the same protected tables);
- the partial year (demo data extracted on 31 October 2025) is marked ("2025 : janvier-octobre")
  and left out of every change figure, which compares two full years only;
- the relay comparison is protected: a relay planted with 3 parents shows ``n.p.`` for its
  parents, its rate and its change, and the audit of the published tables (the page's own
  with Wallonia's) recovers nothing;
- the index at 390 px in Debian's Chromium: no sideways scroll, no network request, no serious
  or critical axe-core violation.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from paths import DEMO, TESTS
from relais_analysis.analysis import Analysis
from relais_analysis.config import WALLONIA_SINGLE_PARENT_HOUSEHOLDS
from relais_analysis.i18n import format_int, format_percent
from relais_analysis.privacy.published_csv import read_published_text
from relais_analysis.indicators.territory import active_relays, commune_coverage
from relais_analysis.indicators.relay_comparison import relay_comparison, short_relay_name, territory_population
from relais_analysis.indicators.trends import programme_trends
from relais_analysis.privacy.masked import SUPPRESSED, is_suppressed

AXE = TESTS / "vendor" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def site_2025(demo_site_2025) -> Path:
    """``relais report --year 2025`` of the demo data (data to 31 October 2025): the session's build (conftest.py,
    ``demo_site_2025``, shared with ``test_past_years.py``). The index's figures and tables are Wallonia's, which a
    build protects with the five provinces whichever reports it publishes."""
    result = demo_site_2025.result
    assert result.ok, [r.error for r in result.results if not r.ok]
    return demo_site_2025.site


@pytest.fixture(scope="module")
def analysis_2025() -> Analysis:
    return Analysis(DEMO, 2025)


def _cells(page: str, section: str) -> list[list[str]]:
    """Rows of the table of the ``<section>`` whose heading has id ``section`` (text, unescaped)."""
    part = page.split(f'id="{section}"', 1)[1].split("</table>", 1)[0]
    body = part.split("<tbody>", 1)[1]
    return [[html.unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body)]


def test_key_figures_equal_the_protected_tables(site_2025: Path, analysis_2025: Analysis) -> None:
    page = (site_2025 / "index.html").read_text(encoding="utf-8")
    figures = dict((html.unescape(label), html.unescape(value)) for value, label in re.findall(
        r'<span class="figure-value">([^<]*)</span> <span class="figure-label">([^<]*)</span>', page))
    reach = analysis_2025.tables.tables["reach_per_year"].set_index("year").loc[2025]
    dataset = analysis_2025.dataset
    share = (reach["families"] if is_suppressed(reach["families"])
             else int(reach["families"]) / WALLONIA_SINGLE_PARENT_HOUSEHOLDS)
    assert figures == {
        "parents touchés": format_int(reach["parents"]),
        "enfants touchés": format_int(reach["children"]),
        "familles touchées": format_int(reach["families"]),
        "relais actifs": format_int(len(active_relays(dataset, 2025))),
        "communes couvertes": format_int(int(commune_coverage(dataset, 2025)["covered"].sum())),
        f"des {format_int(WALLONIA_SINGLE_PARENT_HOUSEHOLDS)} ménages monoparentaux de Wallonie touchés":
            format_percent(share),
    }
    assert figures["parents touchés"] == "1\u202f300"  # the demo's 2025, as the regional report says
    assert "IWEPS" in page and "1er janvier 2024" in page  # the households figure's source
    svg = re.search(r'<svg class="trend-chart"[^>]*aria-label="([^"]+)"', page)
    assert svg and "2024 : 1\u202f500" in html.unescape(svg.group(1))  # the multi-year view has its text


def test_partial_year_is_marked_and_never_compared(site_2025: Path, analysis_2025: Analysis) -> None:
    page = (site_2025 / "index.html").read_text(encoding="utf-8")
    rows = _cells(page, "trends")
    assert [r[0] for r in rows] == ["2022", "2023", "2024", "2025 : janvier-octobre"]
    assert rows[-1][-2:] == ["non comparée", "non comparée"]  # 1 300 (10 months) is not a fall from 1 500
    reach = analysis_2025.tables.tables["reach_per_year"].set_index("year")
    expected = int(reach.loc[2024, "parents"]) / int(reach.loc[2023, "parents"]) - 1  # two full years
    assert rows[2][6] == "+" + format_percent(expected)
    assert "année partielle" in page and "deux années complètes" in page
    relays = _cells(page, "relays")
    assert relays and all(r[-1] == "non comparée" for r in relays)
    assert "Relais Familles Mono –" not in " ".join(r[0] for r in relays)  # short names
    # the published table says the same: no change for the partial year
    trends = read_published_text(site_2025 / "accueil" / "tableaux" / "programme_depuis_2022.csv")
    last = trends.iloc[-1]
    assert last["period"] == "2025 : janvier-octobre" and last["change_parents"] == "" and last["partial"] == "True"


def test_trends_of_full_years_compare_consecutive_years(analysis_2025: Analysis) -> None:
    trends = programme_trends(analysis_2025.tables, pd.Timestamp("2025-12-31").date())  # as if the year were full
    row = trends.set_index("year").loc[2025]
    assert not row["partial"] and row["period"] == "2025"
    assert row["change_parents"] == round(int(row["parents"]) / int(row["parents_previous"]) - 1, 3)
    assert row["parents_previous"] == trends.set_index("year").loc[2024, "parents"]


def test_relay_table_matches_reach_by_relay(site_2025: Path, analysis_2025: Analysis) -> None:
    page = (site_2025 / "index.html").read_text(encoding="utf-8")
    relays = {r[0]: r for r in _cells(page, "relays")}
    by_relay = analysis_2025.tables.tables["reach_by_relay"]
    population = territory_population(analysis_2025.dataset, 2025)
    assert len(relays) == len(by_relay)
    for rec in by_relay.to_dict("records"):
        row = relays[short_relay_name(rec["relay_name"])]
        assert row[2:5] == [format_int(rec["parents"]), format_int(rec["children"]), format_int(rec["attendances"])]
        rate = int(rec["parents"]) / population[rec["relay_id"]] * 10_000
        assert row[5] == f"{rate:.1f}".replace(".", ",")


def _plant(tmp_path: Path, relay: str, year: int, keep: int) -> Path:
    """A copy of the demo data where ``relay``'s activities of ``year`` keep the attendance of ``keep`` parents."""
    data = tmp_path / "data"
    shutil.copytree(DEMO, data)
    activities = pd.read_csv(data / "activities.csv", dtype=str)
    attendance = pd.read_csv(data / "attendance.csv", dtype=str)
    participants = pd.read_csv(data / "participants.csv", dtype=str)
    mine = set(activities.loc[(activities["relay_id"] == relay) & activities["date"].str.startswith(str(year)),
                              "activity_id"])
    at_relay = attendance["activity_id"].isin(mine)
    parents = set(participants.loc[participants["role"] == "parent", "participant_id"])
    kept = [p for p in dict.fromkeys(attendance.loc[at_relay, "participant_id"]) if p in parents][:keep]
    attendance = attendance[~at_relay | attendance["participant_id"].isin(kept)]
    attendance.to_csv(data / "attendance.csv", index=False)
    return data


def test_relay_comparison_masks_a_planted_small_count(tmp_path: Path) -> None:
    from relais_analysis.privacy.audit import audit_folder
    from relais_analysis.report.landing import landing, write_landing_tables

    data = _plant(tmp_path, "R08", 2024, keep=3)
    analysis = Analysis(data, 2024)
    internal = analysis.internal_tables.tables["reach_by_relay"].set_index("relay_id")
    assert int(internal.loc["R08", "parents"]) == 3  # planted
    page = landing(analysis.dataset, analysis.tables, year=2024)
    table = page.tables["relay_comparison"].set_index("relay_id")
    for column in ("parents", "rate_per_10000", "change_parents"):
        assert table.loc["R08", column] is SUPPRESSED, column
    row = next(r for r in page.relays_rows if r[0] == "Chimay")
    assert row[2] == "n.p." and row[5] == "n.p." and row[6] == "n.p."
    # 2024 is a full year: the other relays show their change on 2023
    assert any(r[6].startswith(("+", "-")) for r in page.relays_rows)
    site = tmp_path / "site"
    analysis.write_tables(site / "wallonie" / "tableaux")
    write_landing_tables(site, page, year=2024, threshold=analysis.threshold)
    system, result = audit_folder(site)[2024]
    assert any(cell[0] == "accueil" for cell in system.key_of)  # the page's tables are in the attacked system
    assert result.recoverable == [] and result.unsafe == [] and result.inconsistent == []
    csv = (site / "accueil" / "tableaux" / "comparaison_des_relais.csv").read_text(encoding="utf-8-sig")
    chimay = next(line for line in csv.splitlines() if ";R08;" in line)
    assert ";3;" not in chimay and "n.p." in chimay


def test_relay_comparison_refuses_unprotected_tables(analysis_2025: Analysis) -> None:
    from relais_analysis.errors import ParameterError

    with pytest.raises(ParameterError):
        relay_comparison(analysis_2025.internal_tables, population={}, previous={}, as_of=analysis_2025.dataset.as_of)
    with pytest.raises(ParameterError):
        programme_trends(analysis_2025.internal_tables, analysis_2025.dataset.as_of)


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1300])
def test_index_in_a_real_browser(chromium, site_2025: Path, width: int) -> None:
    from browser import OfflinePage

    phone = width < 600
    context = chromium.new_context(viewport={"width": width, "height": 844}, is_mobile=phone, has_touch=phone,
                                   device_scale_factor=1, locale="fr-BE", service_workers="block")
    try:
        offline = OfflinePage(context)
        page = offline.goto(site_2025 / "index.html")
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        raw = page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            const s = document.scrollingElement || document.documentElement;
            return {violations: r.violations.filter(v => ["serious", "critical"].includes(v.impact))
                                             .map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", ")),
                    scrollWidth: s.scrollWidth, innerWidth: window.innerWidth};
        }""")
        assert raw["innerWidth"] == width
        assert raw["scrollWidth"] <= raw["innerWidth"], f"{raw['scrollWidth']} px wide on a {width} px screen"
        assert raw["violations"] == []
        assert page.locator(".figure-value").count() == 6
        assert page.locator("svg.trend-chart").bounding_box()["width"] <= width
        assert offline.problems() == []
    finally:
        context.close()
