"""HTML fragments of the report notebooks, from the package template ``templates/report_fragments.html.j2``.

Values are escaped with :func:`html.escape` (the ``esc`` filter) where they reach HTML;
the words come from the text catalogue (``texts/report.toml``).

>>> print(synthetic_banner("DONNÉES SYNTHÉTIQUES <démo>"))
<div class="relais-synthetic" style="background:#b2182b;color:#fff;padding:.6em 1em;font-weight:bold;border-radius:4px">DONNÉES SYNTHÉTIQUES &lt;démo&gt;</div>
>>> table(["Commune", "Population"], [[("Namur", False), ("1 500", True)]])
'<table class="relais-table"><thead><tr><th>Commune</th><th>Population</th></tr></thead><tbody><tr><td>Namur</td><td class="num">1 500</td></tr></tbody></table>'
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Any

__all__ = ["key_figures", "losses_banner", "map_link", "relay_header", "style", "synthetic_banner", "table"]


def _template_text(name: str) -> str:
    """A file of ``relais_analysis/templates/``, exactly as written."""
    return (resources.files("relais_analysis") / "templates" / name).read_text(encoding="utf-8")


@functools.cache
def _fragments() -> Any:
    import jinja2

    env = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined)
    env.filters["esc"] = lambda value: html.escape(str(value))
    return env.from_string(_template_text("report_fragments.html.j2")).module


def style(extra: str = "") -> str:
    """CSS of the exported report (``templates/report.css``: key-figure boxes, tables), inline, then ``extra``
    (the print stylesheet)."""
    return str(_fragments().style(_template_text("report.css") + extra))


def synthetic_banner(text: str) -> str:
    """The red synthetic-data banner."""
    return str(_fragments().synthetic_banner(text))


def losses_banner(head: str, problems: Iterable[str]) -> str:
    """The orange banner listing each relay and table that lost too many rows."""
    return str(_fragments().losses_banner(head, list(problems)))


def key_figures(boxes: Iterable[tuple[str, str]]) -> str:
    """A row of boxes, each ``(value, label)``."""
    return str(_fragments().key_figures(list(boxes)))


def table(titles: Sequence[str], rows: Iterable[Sequence[tuple[str, bool]]]) -> str:
    """A table: column titles, then rows of ``(text, numeric)`` cells (numeric cells align right)."""
    return str(_fragments().table(list(titles), [list(row) for row in rows]))


def relay_header(name: str, host: str, organisation: str, colon: str) -> str:
    """A relay sheet's title (its one ``h1``) and host organisation, after ``colon`` (``punct.colon`` of the
    page's language: a no-break space before it in French)."""
    return str(_fragments().relay_header(name, host, colon, organisation))


def map_link(text: str, *, workbook: str | None = None, workbook_text: str = "") -> str:
    """Link to the interactive map saved beside the report (``carte.html``), and to the tables' Excel
    workbook (``tableaux/<workbook>``) when given."""
    return str(_fragments().map_link(text, workbook, workbook_text))
