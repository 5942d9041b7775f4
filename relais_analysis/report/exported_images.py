"""Alt texts and sizes of the figures embedded in an exported report page.

nbconvert's lab template has no alt text for image outputs: its HTML exporter writes
``alt="No description has been provided for this image"`` on every ``<img>``. Each figure the
package draws has its alt text in ``figures/<stem>.alt.txt`` beside ``<stem>.png``
(:func:`relais_analysis.outputs.charts.save_figure`); :func:`describe_images` puts it back on the page.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from pathlib import Path

from relais_analysis.errors import RelaisError
from relais_analysis.i18n import text, text_pair

__all__ = ["describe_images", "png_css_width"]

_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_DATA_PNG = re.compile(r'\ssrc="data:image/png;base64,([^"]+)"')
_ALT = re.compile(r'\salt="[^"]*"')


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


def _figure_descriptions(figures: Path) -> dict[str, tuple[str, int | None, bytes | None]]:
    """SHA-256 of each ``figures/<stem>.png`` -> (its ``<stem>.alt.txt``, its width in CSS pixels,
    the bytes of its narrow rendering ``<stem>.narrow.png`` if there is one)."""
    known: dict[str, tuple[str, int | None, bytes | None]] = {}
    for png in sorted(figures.glob("*.png")) if figures.is_dir() else []:
        if png.name.endswith(_NARROW):
            continue
        alt = png.with_name(f"{png.stem}.alt.txt")
        narrow = png.with_name(f"{png.stem}{_NARROW}")
        if alt.is_file():
            data = png.read_bytes()
            known[hashlib.sha256(data).hexdigest()] = (alt.read_text(encoding="utf-8").strip(), png_css_width(data),
                                                       narrow.read_bytes() if narrow.is_file() else None)
    return known


def _png_height(data: bytes) -> int:
    return int.from_bytes(data[20:24], "big")


def _picture(img: str, narrow: bytes) -> str:
    """``img`` inside a ``<picture>`` whose ``<source>`` offers the narrow rendering to phones.

    The browser shows the ``img`` element either way (with its alt text); only its source changes.
    """
    width = png_css_width(narrow)
    size = ""
    if width:
        natural = int.from_bytes(narrow[16:20], "big")
        size = f' width="{width}" height="{round(_png_height(narrow) * width / natural)}"'
    source = (f'<source media="{PHONE_MEDIA}"{size} '
              f'srcset="data:image/png;base64,{base64.b64encode(narrow).decode()}">')
    return f'<picture class="relais-figure">{source}{img}</picture>'


def describe_images(body: str, figures: Path, page: str = "") -> str:
    """Give every embedded PNG of an exported page its figure's alt text and its size on screen.

    nbconvert writes ``alt="No description has been provided for this image"`` on every image
    (the lab template has no alt text); each figure the package draws has its alt text in
    ``figures/<stem>.alt.txt`` beside ``<stem>.png``. An image is matched to its figure by
    content (SHA-256 of the PNG bytes), its ``alt`` replaced, and a ``width`` in CSS pixels
    set from the PNG's resolution (a 200 dpi chart would otherwise be shown at twice its
    size, its title larger than the page's headings; CSS still caps it at the page width).
    A figure with a narrow rendering (``<stem>.narrow.png``, written by ``save_figure``) is put in
    a ``<picture>`` whose ``<source media="(max-width: 600px)">`` offers it to phones, embedded too.

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
        entry = known.get(hashlib.sha256(base64.b64decode(data.group(1))).hexdigest()) if data else None
        if entry is None:
            missing.append(len(missing) + 1)
            return tag
        alt, width, narrow = entry
        size = f' width="{width}"' if width and " width=" not in tag else ""
        img = re.sub(r"^<img", f'<img alt="{html.escape(alt, quote=True)}"{size}', _ALT.sub("", tag), count=1)
        return _picture(img, narrow) if narrow else img

    body = _IMG.sub(describe, body)
    if missing:
        fr_page, en_page = (page, page) if page else text_pair("site.the_page")
        raise RelaisError(text("site.error.image_without_alt", "fr", n=len(missing), page=fr_page, folder=figures.name),
                          text("site.error.image_without_alt", "en", n=len(missing), page=en_page, folder=figures.name))
    return body
