"""Accessibility and phone checks of the published site, in Debian's Chromium with axe-core.

Pages: the demo site's ``index.html``, the regional report (``wallonie/rapport.html``),
``methodologie.html`` and the interactive map (``wallonie/carte.html``), built once per
session by the ``demo_site`` fixture (``relais report --year 2024`` on ``data/demo``); and
one relay sheet (``relais/r1/fiche.html``) of the small fixture's build with its relay sheets
(``small_relay_site``, also shared by the session: the demo build has no relay sheets).

Each page is opened at 1300 px (desktop) and 390 px (a phone: mobile viewport, touch), with
every request that is not ``file:``/``data:``/``about:`` aborted and counted
(:class:`browser.OfflinePage`). axe-core (``tests/vendor/axe-core/axe.min.js``, vendored by
``scripts/vendor_assets.py``, never fetched) is injected and run with its default rules
(WCAG 2.x A/AA and best practices); a page passes with 0 violations of impact ``serious`` or
``critical``. Also checked: ``<html lang="fr">``; every ``img`` has a non-empty ``alt`` that is
not nbconvert's default; at 390 px, the page lays out at the phone's width (a
``width=device-width`` viewport) and does not scroll sideways.

Each page is audited once per width and the result shared by the tests below (one test per
check, so a failure names the check). ``test_checks_catch_a_bad_page`` proves that each check
fails on a page built to fail it. Violations are written to ``tests/artifacts/axe/`` with a
screenshot of the phone view.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from browser import OfflinePage
from paths import ARTIFACTS, SMALL, TESTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = TESTS / "vendor" / "axe-core" / "axe.min.js"
#: nbconvert's alt text for an image output without one: says nothing about the figure.
NBCONVERT_DEFAULT_ALT = "No description has been provided for this image"
WIDTHS = {"desktop": 1300, "phone": 390}
PAGES = ("index", "rapport", "fiche", "methodologie", "carte")
BLOCKING = ("serious", "critical")

_SCRIPT = """async () => {
    const results = await axe.run(document, {resultTypes: ["violations"]});
    const scroller = document.scrollingElement || document.documentElement;
    return {
        violations: results.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary}))})),
        lang: document.documentElement.getAttribute("lang"),
        alts: Array.from(document.images, img => img.getAttribute("alt")),
        scrollWidth: scroller.scrollWidth,
        innerWidth: window.innerWidth,
        axeVersion: axe.version,
    };
}"""


@dataclass
class Audit:
    """What one page showed at one width."""

    page: str
    width: int
    violations: list[dict]
    lang: str | None
    alts: list[str | None]
    scroll_width: int
    inner_width: int
    axe_version: str
    problems: list[str] = field(default_factory=list)

    def blocking(self) -> list[str]:
        """Serious and critical violations, one line each (rule, impact, node count, first nodes)."""
        return [f"{v['id']} ({v['impact']}, {len(v['nodes'])} node(s)): {v['help']} -> "
                f"{[n['target'] for n in v['nodes'][:3]]}"
                for v in self.violations if v["impact"] in BLOCKING]


def audit_page(chromium, path: Path, width: int, name: str = "") -> Audit:
    """Open ``path`` at ``width`` px with the network cut off, run axe-core, measure the layout."""
    phone = width < 600
    context = chromium.new_context(viewport={"width": width, "height": 844 if phone else 900},
                                   is_mobile=phone, has_touch=phone, device_scale_factor=1,
                                   locale="fr-BE", service_workers="block")
    try:
        offline = OfflinePage(context)
        page = offline.goto(path)
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        raw = page.evaluate(_SCRIPT)
        if name and phone:
            offline.screenshot(ARTIFACTS / "axe" / f"{name}-{width}.png")
        return Audit(name or path.name, width, raw["violations"], raw["lang"], raw["alts"], raw["scrollWidth"],
                     raw["innerWidth"], raw["axeVersion"], offline.problems())
    finally:
        context.close()


@pytest.fixture(scope="module")
def relay_site(small_relay_site) -> Path:
    """``OUT/2024`` of the small fixture built with its relay sheets (Wallonia + 4 relays): the session's build
    (conftest.py, ``small_relay_site``), shared with ``test_report.py``."""
    run, out = small_relay_site
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return out / "2024"


@pytest.fixture(scope="module")
def page_paths(request: pytest.FixtureRequest):
    """``page_paths(name)``: the page's file; builds only the site that page needs."""
    def path(name: str) -> Path:
        if name == "fiche":
            return request.getfixturevalue("relay_site") / "relais" / "r1" / "fiche.html"
        site = request.getfixturevalue("demo_site").site
        return {"index": site / "index.html", "rapport": site / "wallonie" / "rapport.html",
                "methodologie": site / "methodologie.html", "carte": site / "wallonie" / "carte.html"}[name]

    return path


@pytest.fixture(scope="module")
def audits(chromium, page_paths):
    """``audits(page, width)``: the page audited once per width, cached for the module."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} missing: run `python scripts/vendor_assets.py`")
    cache: dict[tuple[str, int], Audit] = {}
    (ARTIFACTS / "axe").mkdir(parents=True, exist_ok=True)

    def get(name: str, width: int) -> Audit:
        if (name, width) not in cache:
            audit = audit_page(chromium, page_paths(name), width, name)
            cache[name, width] = audit
            (ARTIFACTS / "axe" / f"{name}-{width}.json").write_text(
                json.dumps(audit.violations, indent=1, ensure_ascii=False), encoding="utf-8")
        return cache[name, width]

    return get


PAGE_WIDTHS = [pytest.param(name, width, id=f"{name}-{label}") for name in PAGES for label, width in WIDTHS.items()]


@pytest.mark.parametrize("name, width", PAGE_WIDTHS)
def test_no_serious_or_critical_axe_violation(audits, name: str, width: int) -> None:
    audit = audits(name, width)
    assert audit.axe_version == "4.14.1"
    assert audit.blocking() == []


@pytest.mark.parametrize("name, width", PAGE_WIDTHS)
def test_no_network_request_and_no_error(audits, name: str, width: int) -> None:
    assert audits(name, width).problems == []


@pytest.mark.parametrize("name, width", PAGE_WIDTHS)
def test_page_is_in_french(audits, name: str, width: int) -> None:
    assert audits(name, width).lang == "fr"


@pytest.mark.parametrize("name, width", PAGE_WIDTHS)
def test_every_image_has_a_real_alt_text(audits, name: str, width: int) -> None:
    alts = audits(name, width).alts
    bad = [alt for alt in alts if not (alt or "").strip() or alt.strip() == NBCONVERT_DEFAULT_ALT]
    assert bad == [], f"{len(bad)} of {len(alts)} images without a real alt text"


@pytest.mark.parametrize("name", ["rapport", "fiche"])
def test_images_carry_their_figures_alt_texts(audits, page_paths, name: str) -> None:
    """Not vacuous: the report shows its charts and map as images, each described by its ``figures/*.alt.txt``."""
    alts = audits(name, WIDTHS["desktop"]).alts
    written = {p.read_text(encoding="utf-8").strip() for p in (page_paths(name).parent / "figures").glob("*.alt.txt")}
    assert len(alts) >= (6 if name == "rapport" else 2)
    assert set(alts) <= written


@pytest.mark.parametrize("label, width", list(WIDTHS.items()))
def test_map_legend_folded_on_a_phone(chromium, page_paths, label: str, width: int) -> None:
    """The legend covered half a phone screen: folded there (a tap opens it), open on a desktop."""
    phone = label == "phone"
    context = chromium.new_context(viewport={"width": width, "height": 844}, is_mobile=phone, has_touch=phone)
    try:
        offline = OfflinePage(context)
        page = offline.goto(page_paths("carte"))
        legend = page.locator("details.rfm-legend")
        assert legend.evaluate("e => e.open") is not phone
        box = legend.bounding_box()
        assert box and (box["height"] < 60 if phone else box["height"] > 200)
        if phone:
            summary = legend.locator("summary")
            assert "habitants" in summary.inner_text()
            summary.tap()
            assert legend.evaluate("e => e.open") is True
            assert legend.bounding_box()["height"] > 150
            assert "Non couverte (zone blanche)" in legend.inner_text()
        assert offline.problems() == []
    finally:
        context.close()


@pytest.mark.parametrize("name", PAGES)
def test_no_sideways_scroll_on_a_phone(audits, name: str) -> None:
    audit = audits(name, WIDTHS["phone"])
    # innerWidth differs from 390 without a width=device-width viewport, or when mobile Chromium zooms out to fit
    # content wider than the screen
    assert audit.inner_width == WIDTHS["phone"], f"laid out {audit.inner_width} px wide on a 390 px phone"
    assert audit.scroll_width <= audit.inner_width, f"{audit.scroll_width} px wide on a {audit.inner_width} px screen"


_BAD_PAGE = """<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width, initial-scale=1">
<title>mauvaise page</title></head><body><main><h1>Titre</h1>
<p style="color:#bbbbbb;background:#ffffff">Texte peu lisible</p>
<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
 alt="No description has been provided for this image">
<img src="https://example.org/logo.png" alt="logo">
<table><tr><td>""" + "x" * 40 + " " + "<b>abcdefghijklmnopqrstuvwxyz0123456789</b>" * 20 + """</td></tr></table>
</main></body></html>"""


def test_checks_catch_a_bad_page(chromium, tmp_path: Path) -> None:
    """Each check fails on a page built to fail it: no lang, low contrast, default alt, a request, wide content."""
    bad = tmp_path / "bad.html"
    bad.write_text(_BAD_PAGE.replace("<b>", "<b style='white-space:nowrap'>"), encoding="utf-8")
    audit = audit_page(chromium, bad, WIDTHS["phone"])
    ids = {v["id"] for v in audit.violations if v["impact"] in BLOCKING}
    assert {"html-has-lang", "color-contrast"} <= ids
    assert audit.lang is None
    assert NBCONVERT_DEFAULT_ALT in audit.alts
    assert "blocked request: https://example.org/logo.png" in audit.problems
    # wider than the phone: mobile Chromium then zooms out, widening the layout viewport (innerWidth) to the content
    assert audit.scroll_width > WIDTHS["phone"] and audit.inner_width != WIDTHS["phone"]
