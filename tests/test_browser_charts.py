"""Charts readable on a phone and in proportion on a desktop, in Debian's Chromium (issue 12).

Each chart of an exported report page is a ``<picture>``: a ``<source media="(max-width: 600px)">`` offers its
narrow rendering (``figures/<stem>.narrow.png``, :func:`relais_analysis.outputs.charts.narrow.narrow_layout`) and
the ``<img>`` links the wide PNG (lazily loaded) and keeps the figure's alt text. Every PNG carries the smallest and the largest size
of its text, in its own pixels (text chunk ``"Text sizes"``, measured on the figure's text artists when saved).
In the browser, the image the page shows (``currentSrc``) is decoded, and its text sizes turned into CSS pixels:
``size in image px * displayed width / natural width``.

- at 390 px (a phone), every chart shows its narrow rendering and its smallest text is at least 11 CSS px;
- at 1300 px, every chart shows the wide PNG and its largest text (the title) is not larger than the page's h2.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from PIL import Image

from browser import OfflinePage
from relais_analysis.outputs.charts.save import NARROW_SUFFIX, TEXT_SIZES_KEY

pytestmark = pytest.mark.browser

#: Pages with charts: the regional report and a provincial one.
PAGES = ("wallonie/rapport.html", "provinces/namur/rapport.html")

_IMAGES = """() => [...document.querySelectorAll('img')].map(img => ({
    src: img.currentSrc, natural: img.naturalWidth, shown: img.getBoundingClientRect().width, alt: img.alt,
    inPicture: img.parentElement.tagName === 'PICTURE',
    narrow: img.parentElement.tagName === 'PICTURE'
        ? new URL(img.parentElement.querySelector('source').srcset, document.baseURI).href : null}))"""

_H2 = "() => parseFloat(getComputedStyle(document.querySelector('h2')).fontSize)"


def text_sizes_of(url: str) -> tuple[float, float]:
    """Smallest and largest text of a PNG the page shows (a ``file:`` URL), in image pixels (its ``Text sizes``
    chunk)."""
    assert url.startswith("file:"), f"a figure is not a linked file: {url[:40]}"
    image = Image.open(unquote(urlparse(url).path))
    image.load()
    smallest, largest = image.text[TEXT_SIZES_KEY].split()
    return float(smallest), float(largest)


#: The figures load lazily: each is scrolled into view and decoded, as a reader scrolling down gets them.
_SCROLL_THROUGH = """async () => {
    for (const img of document.images) { img.scrollIntoView(); await img.decode(); }
    window.scrollTo(0, 0);
}"""


def _charts(chromium, path: Path, width: int) -> tuple[list[dict], float, list[str]]:
    phone = width < 600
    context = chromium.new_context(viewport={"width": width, "height": 844 if phone else 900}, is_mobile=phone,
                                   has_touch=phone, device_scale_factor=1, locale="fr-BE", service_workers="block")
    try:
        offline = OfflinePage(context)
        page = offline.goto(path)
        page.evaluate(_SCROLL_THROUGH)
        return page.evaluate(_IMAGES), page.evaluate(_H2), offline.problems()
    finally:
        context.close()


@pytest.mark.parametrize("name", PAGES)
def test_charts_readable_on_a_phone(chromium, demo_site, name: str) -> None:
    images, _, problems = _charts(chromium, demo_site.site / name, 390)
    assert problems == []
    assert len(images) >= 5  # Namur: 4 charts and the map; Wallonia adds the outcome charts
    for image in images:
        assert image["inPicture"] and image["src"] == image["narrow"], "the phone is not shown the narrow chart"
        assert image["alt"] and "No description" not in image["alt"]
        smallest, _ = text_sizes_of(image["src"])
        css = smallest * image["shown"] / image["natural"]
        assert css >= 11, f"{image['alt'][:50]!r}: smallest text {css:.1f} CSS px on a 390 px phone"
        assert image["shown"] <= 390


@pytest.mark.parametrize("name", PAGES)
def test_chart_titles_no_larger_than_headings_on_a_desktop(chromium, demo_site, name: str) -> None:
    images, h2, problems = _charts(chromium, demo_site.site / name, 1300)
    assert problems == []
    for image in images:
        assert image["src"] != image["narrow"], "the desktop is shown the phone rendering"
        smallest, largest = text_sizes_of(image["src"])
        scale = image["shown"] / image["natural"]
        assert largest * scale <= h2, f"{image['alt'][:50]!r}: title {largest * scale:.1f} px > h2 {h2:.1f} px"
        assert smallest * scale >= 9  # and still legible


def test_narrow_files_beside_the_figures(demo_site) -> None:
    """Every published chart has its narrow rendering, narrower and with larger type than the PNG."""
    figures = demo_site.site / "wallonie" / "figures"
    wide = [p for p in figures.glob("*.png") if not p.name.endswith(NARROW_SUFFIX)]
    assert wide
    for png in wide:
        narrow = png.with_name(png.stem + NARROW_SUFFIX)
        with Image.open(png) as a, Image.open(narrow) as b:
            a.load(), b.load()
            sizes_a = [float(v) for v in a.text[TEXT_SIZES_KEY].split()]
            sizes_b = [float(v) for v in b.text[TEXT_SIZES_KEY].split()]
            assert b.size[0] < a.size[0] and sizes_b[0] > sizes_a[0], png.name
