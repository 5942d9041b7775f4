"""The report's tables and key figures in Debian's Chromium: words left, numbers right; key figures two a row on phones.

The exported page carries the JupyterLab template's stylesheet, whose
``:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td`` right-aligns every cell and header; the report's own
rules (``templates/report.css``) must win over it, or a column of province or commune names reads ragged.
"""

from __future__ import annotations

import pytest

from browser import OfflinePage

pytestmark = [pytest.mark.browser, pytest.mark.slow]

_ALIGNMENTS = """() => [...document.querySelectorAll('table.relais-table')].map(table => ({
    headers: [...table.querySelectorAll('thead th')].map(th => getComputedStyle(th).textAlign),
    cells: [...table.querySelector('tbody tr').children].map(td => [td.className.includes('num'),
                                                                     getComputedStyle(td).textAlign])}))"""


@pytest.mark.parametrize("name", ["wallonie/rapport.html", "provinces/namur/rapport.html"])
def test_words_left_numbers_right(chromium, demo_site, name: str) -> None:
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="fr-BE", service_workers="block")
    try:
        offline = OfflinePage(context)
        tables = offline.goto(demo_site.site / name).evaluate(_ALIGNMENTS)
        assert offline.problems() == []
    finally:
        context.close()
    assert len(tables) >= 4
    cells = [cell for table in tables for cell in table["cells"]]
    assert {align for numeric, align in cells if numeric} == {"right"}
    assert {align for numeric, align in cells if not numeric} == {"left"}  # province, relay and commune names
    assert any(not numeric for numeric, _ in cells)
    assert {align for table in tables for align in table["headers"]} == {"left"}


_KEY_FIGURES = """() => [...document.querySelectorAll('.relais-key-figures .kf')].map(kf => {
    const box = kf.getBoundingClientRect();
    return {top: Math.round(box.top), right: box.right};
})"""


@pytest.mark.parametrize("width", [390, 1300])
def test_key_figures_two_a_row_on_a_phone(chromium, demo_site, width: int) -> None:
    """On a 390 px phone the key figures sit two a row (one a row filled the whole first screen), inside the page;
    on a desktop more of them share a row."""
    context = chromium.new_context(viewport={"width": width, "height": 844}, locale="fr-BE", service_workers="block")
    try:
        offline = OfflinePage(context)
        boxes = offline.goto(demo_site.site / "provinces/namur/rapport.html").evaluate(_KEY_FIGURES)
        assert offline.problems() == []
    finally:
        context.close()
    assert len(boxes) >= 6
    rows: dict[int, int] = {}
    for box in boxes:
        rows[box["top"]] = rows.get(box["top"], 0) + 1
        assert box["right"] <= width
    if width < 600:
        assert max(rows.values()) == 2 and len(rows) == -(-len(boxes) // 2)
    else:
        assert max(rows.values()) >= 3
