"""The index page links each report's Excel workbook (``tableaux/tableaux.xlsx``) with its size (issue 12)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from relais_analysis.report.site_pages import file_size

_LINK = re.compile(r'<a href="([^"]+)">([^<]+)</a>')


def _links(index: Path) -> list[tuple[str, str]]:
    return [(html.unescape(href), html.unescape(label)) for href, label in _LINK.findall(index.read_text("utf-8"))]


def test_index_links_every_workbook_with_its_size(demo_site) -> None:
    site = demo_site.site
    workbooks = sorted(p.relative_to(site).as_posix() for p in site.rglob("tableaux/tableaux.xlsx"))
    assert len(workbooks) >= 6  # Wallonia and the five provinces
    links = {href: label for href, label in _links(site / "index.html") if href.endswith(".xlsx")}
    assert sorted(links) == workbooks
    for href, label in links.items():
        target = site / href
        assert target.is_file() and target.stat().st_size > 0  # the link resolves to the published file
        assert label == f"classeur Excel de tous les tableaux ({file_size(target.stat().st_size, 'fr')})"
        assert re.search(r"\(\d+\u202fko\)$", label)


def test_every_index_link_resolves(demo_site) -> None:
    site = demo_site.site
    for href, _ in _links(site / "index.html"):
        if not href.startswith(("http:", "https:", "#")):
            assert (site / href).is_file(), href
