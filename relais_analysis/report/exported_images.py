"""The figures of an exported report page: linked files with their alt texts and sizes.

nbconvert embeds every image output in the page (a base64 data URI) and, with its lab template,
writes ``alt="No description has been provided for this image"`` on every ``<img>``. Each figure the
package draws is a file ``figures/<stem>.png`` with its alt text in ``<stem>.alt.txt`` and its phone
rendering in ``<stem>.narrow.png`` (:func:`relais_analysis.outputs.charts.save_figure`);
:func:`describe_images` links those files instead and puts the alt text back, so that a phone
downloads only the phone renderings, and only as they scroll into view (the regional page was
1.8 MB with both renderings of 9 charts embedded; 0.28 MB without them).
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from dataclasses import dataclass
from pathlib import Path

from relais_analysis.errors import RelaisError
from relais_analysis.i18n import text, text_pair

__all__ = ["describe_images", "png_css_width"]

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_DATA_PNG = re.compile(r'\ssrc="data:image/png;base64,([^"]+)"')
_ALT = re.compile(r'\salt="[^"]*"')
_SIZE = re.compile(r'\s(?:width|height)="[^"]*"')


def png_css_width(data: bytes) -> int | None:
    """Width in CSS pixels (96 per inch) of a PNG, from its ``pHYs`` resolution; None when unknown.

    Examples
    --------
    >>> import struct, zlib
    >>> def chunk(kind, body):
    ...     return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    >>> header = b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1260, 720, 8, 6, 0, 0, 0))
    >>> png_css_width(header + chunk(b"pHYs", struct.pack(">IIB", 7874, 7874, 1)))  # 200 dpi
    605
    >>> png_css_width(header) is None
    True
    """
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    width = int.from_bytes(data[16:20], "big")
    pos = 8
    while pos + 8 <= len(data):
        length, kind = int.from_bytes(data[pos:pos + 4], "big"), data[pos + 4:pos + 8]
        if kind == b"pHYs" and length >= 9 and data[pos + 16] == 1:  # unit 1: pixels per metre
            per_metre = int.from_bytes(data[pos + 8:pos + 12], "big")
            return round(width * 96 / (per_metre * 0.0254)) if per_metre else None
        if kind in (b"IDAT", b"IEND"):  # pHYs comes before the image data
            return None
        pos += 12 + length
    return None


_NARROW = ".narrow.png"  # relais_analysis.outputs.charts.save.NARROW_SUFFIX

#: Screens up to this width get a figure's narrow rendering.
PHONE_MEDIA = "(max-width: 600px)"


@dataclass(frozen=True)
class _Figure:
    """A figure of the ``figures`` folder, as a page links it."""

    src: str  # path from the page: "figures/<stem>.png"
    alt: str
    size: str  # ' width="605" height="346"' (CSS pixels), or "" when the PNG has no resolution
    narrow_src: str | None  # "figures/<stem>.narrow.png"
    narrow_size: str


def _css_size(data: bytes) -> str:
    """``width`` and ``height`` attributes in CSS pixels of a PNG (from its resolution), or ``""``."""
    width = png_css_width(data)
    if not width:
        return ""
    natural = int.from_bytes(data[16:20], "big")
    return f' width="{width}" height="{round(int.from_bytes(data[20:24], "big") * width / natural)}"'


def _figure_descriptions(figures: Path) -> dict[str, _Figure]:
    """SHA-256 of each ``figures/<stem>.png`` -> the figure: its link, its ``<stem>.alt.txt``, its size in
    CSS pixels, and its narrow rendering ``<stem>.narrow.png`` if there is one."""
    known: dict[str, _Figure] = {}
    for png in sorted(figures.glob("*.png")) if figures.is_dir() else []:
        if png.name.endswith(_NARROW):
            continue
        alt = png.with_name(f"{png.stem}.alt.txt")
        narrow = png.with_name(f"{png.stem}{_NARROW}")
        if alt.is_file():
            data = png.read_bytes()
            narrow_src, narrow_size = None, ""
            if narrow.is_file():
                narrow_src, narrow_size = f"{figures.name}/{narrow.name}", _css_size(narrow.read_bytes())
            known[hashlib.sha256(data).hexdigest()] = _Figure(
                f"{figures.name}/{png.name}", alt.read_text(encoding="utf-8").strip(), _css_size(data),
                narrow_src, narrow_size)
    return known


def describe_images(body: str, figures: Path, page: str = "") -> str:
    """Replace every embedded PNG of an exported page by a link to its figure file, described and sized.

    nbconvert writes ``alt="No description has been provided for this image"`` on every image
    (the lab template has no alt text); each figure the package draws has its alt text in
    ``figures/<stem>.alt.txt`` beside ``<stem>.png``. An image is matched to its figure by
    content (SHA-256 of the PNG bytes); the ``<img>`` then links ``figures/<stem>.png`` (the page
    sits beside ``figures/``), loaded lazily, with the figure's ``alt`` and a ``width`` and
    ``height`` in CSS pixels set from the PNG's resolution (a 200 dpi chart would otherwise be
    shown at twice its size, its title larger than the page's headings; CSS still caps it at the
    page width, and the size reserves the room of an image not loaded yet).
    A figure with a narrow rendering (``<stem>.narrow.png``, written by ``save_figure``) is put in
    a ``<picture>`` whose ``<source media="(max-width: 600px)">`` offers it to phones.

    Parameters
    ----------
    body : str
        The exported HTML page.
    figures : Path
        The ``figures`` folder of the report.
    page : str
        Page name, for the error message.

    Returns
    -------
    str
        The page with every image described.

    Raises
    ------
    RelaisError
        If an image is not one of the figures, or a figure has no alt text file.
    """
    known = _figure_descriptions(figures)
    missing: list[int] = []

    def describe(match: re.Match) -> str:
        tag = match.group(0)
        data = _DATA_PNG.search(tag)
        figure = known.get(hashlib.sha256(base64.b64decode(data.group(1))).hexdigest()) if data else None
        if figure is None:
            missing.append(len(missing) + 1)
            return tag
        rest = _SIZE.sub("", _ALT.sub("", _DATA_PNG.sub("", tag)))[len("<img"):]
        img = (f'<img alt="{html.escape(figure.alt, quote=True)}"{figure.size} src="{html.escape(figure.src)}"'
               f' loading="lazy" decoding="async"{rest}')
        if figure.narrow_src is None:
            return img
        source = f'<source media="{PHONE_MEDIA}"{figure.narrow_size} srcset="{html.escape(figure.narrow_src)}">'
        return f'<picture class="relais-figure">{source}{img}</picture>'

    body = _IMG.sub(describe, body)
    if missing:
        fr_page, en_page = (page, page) if page else text_pair("site.the_page")
        raise RelaisError(text("site.error.image_without_alt", "fr", n=len(missing), page=fr_page, folder=figures.name),
                          text("site.error.image_without_alt", "en", n=len(missing), page=en_page, folder=figures.name))
    return body
