"""What the exploration notebooks show: French tables, charts, the inline map, partial years, widgets.

The notebooks ``explore_reach``, ``explore_coverage``, ``explore_outcomes`` and
``data_quality`` hold the narrative and the parameters; everything they compute or
format is here, so tests can check it. Tables come from :class:`~relais_analysis.analysis.Analysis`
(protected with the whole publication), headers are French (English with
``lang="en"``) and numbers formatted by :mod:`relais_analysis.i18n` (``1 500``,
``12,3 %``, never ``0.842069``).

A year that the data's extraction date cuts (``as_of`` before 31 December of that
year) is labelled with its months (``2025 : janvier-octobre``) and left out of the
year-on-year changes: it is never compared to a full year as if it were one.

>>> year_label(2025, dt.date(2025, 10, 31))
'2025\\xa0: janvier-octobre'
>>> year_label(2024, dt.date(2025, 10, 31))
'2024'
>>> table = french_table(pd.DataFrame({"year": [2024], "parents": [1500], "share_new": [0.842069]}))
>>> list(table.columns), table.iloc[0].tolist()
(['Année', 'Parents', 'Part de nouveaux parents'], ['2024', '1\u202f500', '84,2\xa0%'])
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from relais_analysis.errors import ParameterError, RelaisError
from relais_analysis.config import PROVINCES
from relais_analysis.i18n import label, province_label, text, text_pair
from relais_analysis.report.exploration_tables import (
    column_label,
    french_table,
    is_partial_year,
    partial_note,
    partial_year,
    table_html,
    year_changes,
    year_label,
)

if TYPE_CHECKING:
    from relais_analysis.analysis import Analysis

__all__ = ["Explorer", "column_label", "figure_html", "french_table", "is_partial_year", "map_html", "partial_note",
           "partial_year", "table_html", "with_scope", "year_changes", "year_label"]


#: Name of the temporary map file (a file name, not reader text).
_MAP_FILE = "carte.html"


# --------------------------------------------------------------------------- charts and map


def figure_html(chart: Any, alt: str) -> str:
    """A matplotlib chart (its axes or figure) as an inline PNG ``<img>`` with its alt text, in the house style.

    The figure is closed afterwards: a pyplot figure is not shown a second time at the end of the cell.
    """
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    from relais_analysis.outputs.charts import house_style

    figure = chart if isinstance(chart, Figure) else chart.figure
    buffer = io.BytesIO()
    with house_style():
        figure.savefig(buffer, format="png", dpi=90, metadata={"Software": None})
    plt.close(figure)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" style="max-width:100%">'


def map_html(analysis: Analysis, *, indicator: str = "reach_rate", height: int = 560) -> str:
    """The analysis's self-contained interactive map as an ``<iframe srcdoc>``: shown inline in
    JupyterLab without any network request (Leaflet and its data are inside the document).

    Raises
    ------
    ParameterError
        Unknown indicator.
    """
    import tempfile
    from pathlib import Path

    from relais_analysis.outputs.maps import save_map

    with tempfile.TemporaryDirectory() as folder:
        path = save_map(analysis.map(indicator=indicator), Path(folder) / _MAP_FILE)
        document = path.read_text(encoding="utf-8")
    title = html.escape(text("exploration.map", analysis.lang))
    return (f'<iframe srcdoc="{html.escape(document, quote=True)}" title="{title}" '
            f'style="width:100%;height:{int(height)}px;border:1px solid #d0d7de"></iframe>')


# --------------------------------------------------------------------------- scopes and widgets


class Explorer:
    """One data folder explored for several years and scopes, loaded and validated once.

    Parameters are those of :class:`~relais_analysis.analysis.Analysis`; :meth:`scoped`
    gives the analysis of another year, province or relay on the same dataset, and
    :meth:`show` displays the widgets (year, province, relay) and the view, redrawn in
    place when a widget changes. Without a frontend (papermill) the view of the
    parameters is displayed once, as an ordinary output.

    Raises
    ------
    ParameterError, InputDataError
        As :class:`~relais_analysis.analysis.Analysis`.
    """

    def __init__(self, data_dir: object, year: object, *, province: object = None, relay_id: object = None,
                 lang: object = "fr", threshold: object = None) -> None:
        from relais_analysis.analysis import Analysis

        self.analysis = Analysis(data_dir, year, province=province, relay_id=relay_id, lang=lang,
                                 threshold=threshold)
        self._cache: dict[tuple[int, str | None, str | None], Analysis] = {
            (self.analysis.year, self.analysis.province, self.analysis.relay_id): self.analysis}
        self._handle: Any = None
        #: HTML of the view last displayed by :meth:`show` (updated when a widget changes).
        self.current = ""

    @property
    def years(self) -> list[int]:
        """Years with activities, up to the extraction year."""
        from relais_analysis.report.content import available_years

        return available_years(self.analysis.dataset)

    def relays(self) -> list[tuple[str, str]]:
        """(label, relay id) of every relay, sorted by id."""
        frame = self.analysis.dataset.relays.sort_values("relay_id")
        return [(f"{r} – {n}", str(r)) for r, n in zip(frame["relay_id"], frame["name"])]

    def scoped(self, year: object, province: object = None, relay_id: object = None) -> Analysis:
        """The analysis of ``year`` and a scope on the same (already validated) dataset.

        Raises
        ------
        ParameterError
            Invalid year or province, a year without activities, an unknown relay.
        """
        from relais_analysis.analysis import check_parameters

        base = self.analysis.params
        params = check_parameters(base.data_dir, year, province=province, relay_id=relay_id)
        key = (params.year, params.province, params.relay_id)
        if key not in self._cache:
            self._cache[key] = with_scope(self.analysis, params.year, params.province, params.relay_id)
        return self._cache[key]

    def render(self, view: Callable[[Analysis], str], year: object, province: object = None,
               relay_id: object = None) -> str:
        """HTML of ``view`` for a year and scope; an error becomes a one-line message."""
        try:
            return view(self.scoped(year, province, relay_id))
        except RelaisError as error:
            message = text("exploration.error", self.analysis.lang, message=error)
            return f"<p><strong>{html.escape(message)}</strong></p>"

    def show(self, view: Callable[[Analysis], str]) -> Any:
        """Display the year, province and relay widgets, then ``view`` of the parameters.

        Choosing another value redraws the view in place (one display updated by its id).
        Returns the widget box (None when ipywidgets is not installed).
        """
        from IPython.display import HTML, display

        lang = self.analysis.lang
        box = None
        try:
            import ipywidgets as widgets
        except ImportError:  # pragma: no cover - ipywidgets is a dependency
            widgets = None
        if widgets is not None:
            a = self.analysis
            year = widgets.Dropdown(options=self.years, value=a.year, description=label("year", lang))
            # "" for Wallonia and every relay: a Dropdown whose value is None shows no selection
            province = widgets.Dropdown(
                options=[(label("wallonia", lang), "")] + [(province_label(c, lang), c) for c in PROVINCES],
                value=a.province or "", description=label("province", lang))
            relay = widgets.Dropdown(options=[(text("exploration.all_relays", lang), ""), *self.relays()],
                                     value=a.relay_id or "", description=label("relay", lang))

            def redraw(_change: object = None) -> None:
                if self._handle is not None:  # a new scope takes a few seconds to protect
                    self._handle.update(HTML(f"<p><em>{html.escape(text('exploration.wait', lang))}</em></p>"))
                self.current = self.render(view, year.value, province.value, relay.value)
                if self._handle is not None:
                    self._handle.update(HTML(self.current))
                else:  # outside a kernel, display() gives no handle
                    display(HTML(self.current))

            for control in (year, province, relay):
                control.observe(redraw, names="value")
            box = widgets.HBox([year, province, relay])
            display(box)
        self.current = self.render(view, self.analysis.year, self.analysis.province, self.analysis.relay_id)
        self._handle = display(HTML(self.current), display_id=True)
        return box


def with_scope(analysis: Analysis, year: object, province: object = None, relay_id: object = None) -> Analysis:
    """The analysis of another year or scope on the same, already validated dataset (nothing reloaded).

    Raises
    ------
    ParameterError
        Invalid year or province, a year without activities, an unknown relay.
    """
    from relais_analysis.analysis import Analysis, check_parameters
    from relais_analysis.report.content import check_report_year

    base, dataset = analysis.params, analysis.dataset
    params = check_parameters(base.data_dir, year, province=province, relay_id=relay_id, lang=base.lang,
                              threshold=base.threshold, as_of=base.as_of, population_file=base.population_file,
                              households_file=base.households_file, accept_losses=base.accept_losses)
    check_report_year(params.year, dataset)
    if params.relay_id is not None and params.relay_id not in set(dataset.relays["relay_id"]):
        known = ", ".join(sorted(dataset.relays["relay_id"]))
        raise ParameterError(*text_pair("exploration.unknown_relay", relay=params.relay_id, known=known))
    other = Analysis.__new__(Analysis)
    other.params, other.dataset, other.accepted_losses = params, dataset, list(analysis.accepted_losses)
    return other

