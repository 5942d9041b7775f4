"""Deterministic files of a figure: PNG, SVG, PDF with their alt text, the table and ``.alt.txt``.

Same figure, same bytes: fixed SVG hash salt, no dates or software names (see
:func:`save_figure`).
"""

from __future__ import annotations

import io
import re
import warnings
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pandas as pd
from matplotlib.figure import Figure

from relais_analysis import i18n
from relais_analysis.errors import ParameterError
from relais_analysis.outputs.charts.narrow import fit_width, narrow_layout, text_sizes
from relais_analysis.outputs.charts.style import PNG_DPI, house_style
from relais_analysis.privacy.published_csv import write_figure_table

__all__ = [
    "FORMATS",
    "NARROW_SUFFIX",
    "TEXT_SIZES_KEY",
    "save_figure",
]


FORMATS = ("png", "svg", "pdf")

#: The narrow (phone) rendering of ``<stem>.png`` is ``<stem>.narrow.png``.
NARROW_SUFFIX = ".narrow.png"

#: PNG text chunk holding the smallest and largest text of the image, in its own pixels (``"20.8 30.6"``).
TEXT_SIZES_KEY = "Text sizes"


def _png(fig: Figure, title: str, alt_text: str) -> bytes:
    """The figure as PNG, its text sizes (:func:`~relais_analysis.outputs.charts.narrow.text_sizes`, measured on
    the figure as drawn by ``savefig``) in a ``tEXt`` chunk before ``IEND``."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=PNG_DPI, metadata=_metadata("png", title, alt_text))
    data = buffer.getvalue()
    smallest, largest = text_sizes(fig, PNG_DPI, draw=False)
    body = TEXT_SIZES_KEY.encode("latin-1") + b"\0" + f"{smallest} {largest}".encode("latin-1")
    chunk = len(body).to_bytes(4, "big") + b"tEXt" + body + zlib.crc32(b"tEXt" + body).to_bytes(4, "big")
    end = data.rindex(b"IEND") - 4
    return data[:end] + chunk + data[end:]


def _narrow_png(fig: Figure, title: str, alt_text: str, tries: int = 3) -> bytes:
    """The phone rendering: drawn at the narrow width, then again while something ran past an edge
    (:func:`~relais_analysis.outputs.charts.narrow.fit_width`; most figures fit at once). Warnings of a
    drawing that is then made to fit (a legend too wide collapses the layout) are dropped; those of the
    drawing kept are passed on."""
    with narrow_layout(fig):
        for attempt in range(1, tries + 1):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                data = _png(fig, title, alt_text)
            if attempt == tries or not fit_width(fig, PNG_DPI):
                break
    for warning in caught:
        warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    return data


def _metadata(fmt: str, title: str, alt_text: str) -> dict[str, Any]:
    if fmt == "png":
        return {"Software": None, "Title": title, "Description": alt_text}
    if fmt == "svg":
        return {"Date": None, "Creator": None, "Description": alt_text}
    return {
        "CreationDate": None, "ModDate": None, "Producer": None, "Creator": None, "Title": title, "Subject": alt_text,
    }


def _figure_title(figure: Figure, alt_text: str) -> str:
    titles = [ax.get_title(loc) for ax in figure.axes for loc in ("left", "center", "right") if ax.get_title(loc)]
    return " / ".join(titles) if titles else alt_text


def _accessible_svg(svg: bytes, name: str, title: str, alt_text: str) -> bytes:
    """Add ``role="img"``, ``<title>`` and ``<desc>`` right after the root ``<svg>`` tag.

    Their ids derive from the file name (``<name>-title``, ``<name>-desc``) so that
    several figures inlined in one HTML page keep unique ids.
    """
    text = svg.decode("utf-8")
    match = re.search(r"<svg\b[^>]*>", text)
    if match is None:  # pragma: no cover - matplotlib always writes one
        return svg
    ident = re.sub(r"[^A-Za-z0-9_-]", "-", name) or "figure"
    tag = match.group(0).replace("<svg ", f'<svg role="img" aria-labelledby="{ident}-title {ident}-desc" ', 1)
    extra = (f'\n <title id="{ident}-title">{escape(title)}</title>'
             f'\n <desc id="{ident}-desc">{escape(alt_text)}</desc>')
    return (text[: match.start()] + tag + extra + text[match.end():]).encode("utf-8")


def _check_formats(formats: Sequence[str]) -> list[str]:
    formats = [formats] if isinstance(formats, str) else list(formats)
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ParameterError(
            *i18n.text_pair("output_error.unknown_image_formats", bad=bad, valid=', '.join(FORMATS)),
        )
    return formats


def save_figure(
    fig: Figure,
    path_stem: str | Path,
    *,
    table: pd.DataFrame | None = None,
    alt_text: str,
    formats: Sequence[str] = ("png", "svg"),
    lang: str = "fr",
    count_columns: Sequence[str] | None = None,
) -> list[Path]:
    """Write a figure deterministically, with its table and alt text beside it.

    Same figure, same bytes: the SVG hash salt is fixed and dates/software are
    stripped (PNG ``Software``; SVG ``Date``, ``Creator``; PDF ``CreationDate``,
    ``ModDate``, ``Producer``, ``Creator``). PNG files are 200 dpi. The alt text is
    embedded in every file: PNG ``Description`` text chunk (and ``Title``), SVG
    ``<title>`` (the axes titles, else the alt text) and ``<desc>`` (the alt text)
    as first children of the root element, which gets ``role="img"`` and
    ``aria-labelledby`` (ids ``<stem name>-title``/``-desc``), and PDF ``Subject``
    (and ``Title``).

    With PNG comes its phone rendering, ``<stem>.narrow.png``: the same figure laid out 3.6 in
    wide with larger type (:func:`~relais_analysis.outputs.charts.narrow.narrow_layout`), which
    the report pages offer to screens up to 600 px wide; it is not in the returned list (it is a
    second rendering of the PNG, not another format). Both PNG files carry the smallest and the
    largest size of their text, in image pixels, in the text chunk ``"Text sizes"``.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        e.g. ``ax.figure`` of a chart function.
    path_stem : str or Path
        Path without extension: ``out/people_per_year`` gives
        ``out/people_per_year.png``... Parent folders are created.
    table : pandas.DataFrame, optional
        Published table the figure was drawn from, written to ``donnees_<name>.csv`` (listed in the folder's
        ``tables.json``) through :func:`relais_analysis.privacy.published_csv.write_figure_table` **before** any image,
        so a table with an unmasked small count stops everything.
    alt_text : str
        Text alternative (see the ``alt_text_*`` functions); also written to
        ``<stem>.alt.txt`` (UTF-8, final newline).
    formats : sequence of {"png", "svg", "pdf"}
    lang : {"fr", "en"}
        Language of the masked label in the CSV.
    count_columns : sequence of str, optional
        Passed to :func:`relais_analysis.privacy.checks.check_publishable`.

    Returns
    -------
    list of Path
        The images in ``formats`` order, then the CSV (if ``table``), then the alt text.

    Raises
    ------
    PrivacyError
        If ``table`` is not publishable (nothing is written).
    ParameterError
        If a format is unknown, ``alt_text`` is empty or ``lang`` is invalid.
    """
    i18n.check_lang(lang)
    formats = _check_formats(formats)
    if not isinstance(alt_text, str) or not alt_text.strip():
        raise ParameterError(
            *i18n.text_pair("output_error.missing_alt_text"),
        )
    stem = Path(path_stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    csv_path = None
    if table is not None:
        csv_path = write_figure_table(table, stem, lang=lang, count_columns=count_columns)  # checked, formula-safe
    title = _figure_title(fig, alt_text)
    with house_style():
        for fmt in formats:
            if fmt == "png":
                data = _png(fig, title, alt_text)
            else:
                buffer = io.BytesIO()
                fig.savefig(buffer, format=fmt, dpi=PNG_DPI, metadata=_metadata(fmt, title, alt_text))
                data = buffer.getvalue()
            if fmt == "svg":
                data = _accessible_svg(data, stem.name, title, alt_text)
            path = stem.parent / f"{stem.name}.{fmt}"
            path.write_bytes(data)
            written.append(path)
        if "png" in formats:  # last: the figure is laid out again, then restored
            (stem.parent / f"{stem.name}{NARROW_SUFFIX}").write_bytes(_narrow_png(fig, title, alt_text))
    if csv_path is not None:
        written.append(csv_path)
    alt_path = stem.parent / f"{stem.name}.alt.txt"
    alt_path.write_bytes((alt_text.strip() + "\n").encode("utf-8"))
    written.append(alt_path)
    return written
