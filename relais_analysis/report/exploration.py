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
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
from babel import dates as babel_dates

from relais_analysis.config import DEFAULT_THRESHOLD, PROVINCES
from relais_analysis.errors import ParameterError, RelaisError
from relais_analysis.i18n import (
    LABELS,
    LOCALES,
    NO_DATA,
    catalogue,
    check_lang,
    format_decimal,
    format_int,
    format_km,
    format_percent,
    label,
    province_label,
    text,
)
from relais_analysis.privacy.masked import SUPPRESSED, is_missing, is_suppressed

if TYPE_CHECKING:
    from relais_analysis.analysis import Analysis

__all__ = ["Explorer", "column_label", "figure_html", "french_table", "is_partial_year",
           "map_html", "partial_year", "table_html", "year_changes", "year_label"]

#: Columns never shown (identifiers and flags the other columns already say).
_HIDDEN = {"people_countable", "province_nis", "nis", "residence", "residence_province_nis", "communes_added_nis"}
_PERCENT = {"share_new", "retention_rate", "share", "share_women", "share_covered", "share_within",
            "share_with_residence", "share_with_gender", "share_with_birth_year", "share_improved", "share_worse"}
_DECIMAL = {"rate_per_10000", "rate_per_100_households", "mean", "median", "median_before", "median_after",
            "hl_estimate", "hl_ci_low", "hl_ci_high", "mean_entry_stayed", "mean_entry_left"}
_KM = {"distance_km", "radius_km"}
_TEXTS = {"relay_id", "relay_name", "province_name", "name_fr", "residence_name", "type", "relays",
          "nearest_relay", "communes_added_names", "table", "file", "column", "reason_fr", "name", "measure",
          "instrument", "group", "wave", "note"}
_YES_NO = {"fr": ("oui", "non"), "en": ("yes", "no")}
_T = {
    "months": {"fr": "{year}\u00a0: {first}-{last}", "en": "{year}: {first}-{last}"},
    "partial_note": {
        "fr": "{label} : année incomplète (données extraites le {date}), laissée hors des évolutions sur un an.",
        "en": "{label}: incomplete year (data extracted on {date}), left out of the year-on-year changes.",
    },
    "error": {"fr": "Vue impossible : {message}", "en": "View not available: {message}"},
    "all_relays": {"fr": "(tous les relais)", "en": "(every relay)"},
    "map": {"fr": "Carte interactive", "en": "Interactive map"},
    "wait": {"fr": "Calcul en cours…", "en": "Computing…"},
}


# --------------------------------------------------------------------------- partial years


def is_partial_year(year: int, as_of: dt.date) -> bool:
    """True when the extraction date ``as_of`` falls inside ``year`` (before 31 December).

    >>> is_partial_year(2025, dt.date(2025, 10, 31)), is_partial_year(2025, dt.date(2025, 12, 31))
    (True, False)
    """
    return as_of.year == int(year) and (as_of.month, as_of.day) != (12, 31)


def year_label(year: object, as_of: dt.date | None, lang: str = "fr") -> str:
    """A year as readers see it: ``"2024"``, or ``"2025 : janvier-octobre"`` for a partial year.

    Month names are Babel's (``fr_BE``, ``en_GB``). A year without a number gives :data:`NO_DATA`.

    Raises
    ------
    ParameterError
        ``lang`` is not supported.
    """
    check_lang(lang)
    if is_missing(year):
        return NO_DATA
    year = int(year)  # type: ignore[call-overload]
    if as_of is None or not is_partial_year(year, as_of):
        return str(year)
    months = babel_dates.get_month_names("wide", locale=LOCALES[lang])
    return _T["months"][lang].format(year=year, first=months[1], last=months[as_of.month])


def partial_year(analysis: Analysis) -> int | None:
    """The analysis's year when the extraction date cuts it, else None."""
    return analysis.year if is_partial_year(analysis.year, analysis.dataset.as_of) else None


def partial_note(analysis: Analysis) -> str:
    """A sentence saying that the analysis's year is partial, or ``""``."""
    from relais_analysis.i18n import format_date

    if partial_year(analysis) is None:
        return ""
    return _T["partial_note"][analysis.lang].format(label=year_label(analysis.year, analysis.dataset.as_of,
                                                                     analysis.lang),
                                                    date=format_date(analysis.dataset.as_of, analysis.lang))


def year_changes(table: pd.DataFrame, as_of: dt.date, columns: Sequence[str] = ("parents", "children")) -> pd.DataFrame:
    """Add ``change_<column>``: the change on the previous year, between full years only.

    A partial year (see :func:`is_partial_year`) and the year after a gap get no change
    (missing); a change involving a masked count is masked too.

    >>> t = pd.DataFrame({"year": [2023, 2024, 2025], "parents": [1000, 1500, 1300]})
    >>> year_changes(t, dt.date(2025, 10, 31), ["parents"])["change_parents"].tolist()
    [None, 0.5, None]
    """
    out = table.copy()
    years = [int(y) for y in out["year"]]
    for column in columns:
        values, changes = list(out[column]), []
        for i, year in enumerate(years):
            if i == 0 or years[i - 1] != year - 1 or is_partial_year(year, as_of):
                changes.append(None)
            elif is_suppressed(values[i]) or is_suppressed(values[i - 1]):
                changes.append(SUPPRESSED)
            elif is_missing(values[i]) or is_missing(values[i - 1]) or values[i - 1] == 0:
                changes.append(None)
            else:
                changes.append(float(values[i]) / float(values[i - 1]) - 1.0)
        out[f"change_{column}"] = pd.Series(changes, index=out.index, dtype=object)
    return out


# --------------------------------------------------------------------------- tables


def column_label(column: str, lang: str = "fr") -> str:
    """The header of a table column in ``lang`` (the column name itself when unknown).

    >>> column_label("new_parents"), column_label("share_covered", "en")
    ('Nouveaux parents', 'Share of the population covered')
    """
    check_lang(lang)
    if f"column.{column}" in catalogue():
        return text(f"column.{column}", lang)
    return label(column, lang) if column in LABELS else column


def _format_cell(value: object, column: str, lang: str, threshold: int) -> str:
    if is_suppressed(value) or is_missing(value):
        return format_int(value, lang, threshold=threshold)
    if isinstance(value, bool) or column in ("covered", "unstable", "overlap", "next_year_partial"):
        yes, no = _YES_NO[lang]
        if column == "covered":
            return label("covered", lang) if value else label("not_covered", lang)
        return yes if value else no
    if column == "type":
        return label(str(value), lang) if str(value) in LABELS else str(value)
    if column in _TEXTS or not isinstance(value, (int, float)):
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value)
        return str(value)
    if column in _PERCENT or column.startswith("change"):
        return format_percent(value, lang, threshold=threshold)
    if column in _DECIMAL:
        return format_decimal(value, lang, threshold=threshold)
    if column in _KM:
        return format_km(value, lang, 0 if float(value).is_integer() else 1)
    if isinstance(value, float) and not value.is_integer():
        return format_decimal(value, lang, 2, threshold=threshold)
    return format_int(value, lang, threshold=threshold)


def french_table(frame: pd.DataFrame, lang: str = "fr", *, threshold: int | None = None,
                 columns: Iterable[str] | None = None, as_of: dt.date | None = None) -> pd.DataFrame:
    """A table ready to read: headers in ``lang``, every cell a formatted string.

    Parameters
    ----------
    frame : DataFrame
        A (protected) table; masked cells show the masked label, missing ones ``–``.
    lang : {"fr", "en"}
    threshold : int, optional
        Threshold of the masked label (default: ``frame.attrs["threshold"]``, else 5).
    columns : iterable of str, optional
        Columns to show, in order (default: every column but identifiers).
    as_of : date, optional
        Extraction date: a partial year in a ``year`` column reads ``2025 : janvier-octobre``.

    Raises
    ------
    ParameterError
        ``lang`` is not supported.
    KeyError
        A requested column is not in ``frame``.
    """
    check_lang(lang)
    threshold = int(threshold or frame.attrs.get("threshold", DEFAULT_THRESHOLD))
    shown = list(columns) if columns is not None else [c for c in frame.columns if c not in _HIDDEN]
    missing = [c for c in shown if c not in frame.columns]
    if missing:
        raise KeyError(f"Columns not in the table: {missing}. Available: {list(frame.columns)}.")
    out = {}
    for column in shown:
        if column == "year":
            out[column_label(column, lang)] = [year_label(v, as_of, lang) for v in frame[column]]
        else:
            out[column_label(column, lang)] = [_format_cell(v, column, lang, threshold) for v in frame[column]]
    return pd.DataFrame(out, index=range(len(frame)), dtype=object)


def table_html(frame: pd.DataFrame, lang: str = "fr", *, title: str | None = None, **options: Any) -> str:
    """:func:`french_table` as an escaped HTML table (numbers right-aligned), with an optional title."""
    shown = french_table(frame, lang, **options)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    source = list(options["columns"]) if options.get("columns") is not None else [
        c for c in frame.columns if c not in _HIDDEN]
    numeric = [c not in _TEXTS and c != "province_name" for c in source]
    right = ' style="text-align:right"'
    rows = "".join(
        "<tr>" + "".join(f"<td{right if num else ''}>{html.escape(str(v))}</td>" for v, num in zip(row, numeric))
        + "</tr>" for row in shown.itertuples(index=False))
    caption = f"<h4>{html.escape(title)}</h4>" if title else ""
    return (f'{caption}<table class="relais-explore"><thead><tr>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table>")


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
        path = save_map(analysis.map(indicator=indicator), Path(folder) / "carte.html")
        document = path.read_text(encoding="utf-8")
    return (f'<iframe srcdoc="{html.escape(document, quote=True)}" title="{html.escape(_T["map"][analysis.lang])}" '
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
            return f"<p><strong>{html.escape(_T['error'][self.analysis.lang].format(message=error))}</strong></p>"

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
            relay = widgets.Dropdown(options=[(_T["all_relays"][lang], ""), *self.relays()],
                                     value=a.relay_id or "", description=label("relay", lang))

            def redraw(_change: object = None) -> None:
                if self._handle is not None:  # a new scope takes a few seconds to protect
                    self._handle.update(HTML(f"<p><em>{html.escape(_T['wait'][lang])}</em></p>"))
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
        raise ParameterError(f"Relais inconnu : {params.relay_id}. Relais connus : {known}.",
                             f"Unknown relay: {params.relay_id}. Known relays: {known}.")
    other = Analysis.__new__(Analysis)
    other.params, other.dataset, other.accepted_losses = params, dataset, list(analysis.accepted_losses)
    return other

