"""Static charts for print, drawn from published tables (the static map is in :mod:`~relais_analysis.outputs.static_map`).

Every figure function has the form ``fn(table, *, ax=None, lang="fr", ...) -> Axes``:
it draws on ``ax`` (or on a new :class:`matplotlib.figure.Figure`, never through
pyplot) and returns the axes. Inputs are **published** tables (the output of
:func:`relais_analysis.privacy.suppress.suppress_small_counts`), so a count cell may hold:

- a number: a bar is drawn and labelled (``1 500``, ``12,3 %`` in French);
- :data:`~relais_analysis.privacy.masked.SUPPRESSED`: **no bar**; the masked label
  (``"n.p."``, "non publié") is written where the bar would stand and the footnote
  "n.p. : valeur non publiée pour protéger les petits effectifs" is added under the
  axes (the same label for every masked cell: a secondary cell may hold any value);
- ``pd.NA`` (no data): no bar, an en dash ``"–"`` instead (never drawn as zero), and
  the footnote "– : pas de données".

The threshold checked is ``table.attrs["threshold"]`` (set by ``suppress_small_counts``),
else 5.

House style (:func:`house_style`): Okabe-Ito colour-blind-safe palette, DejaVu Sans,
French labels by default (maps use the classes and colours of :mod:`classes`). The
style is applied with :func:`matplotlib.rc_context` while drawing and saving; nothing
changes the global ``rcParams``.

:func:`save_figure` writes deterministic files (same inputs, same bytes): PNG at 200
dpi, SVG and PDF, with the table drawn (``<stem>.csv``, checked publishable, formula-safe) and the
alt text (``<stem>.alt.txt``) beside them. The alt text is produced from the table by
the ``alt_text_*`` functions, so it always says what the chart shows.

The package, one job per module: :mod:`.style` (palette, rcParams), :mod:`.cells`
(checking and formatting table cells), :mod:`.drawing` (bars, axes, footnotes),
:mod:`.reach_charts` and :mod:`.loyalty_charts` (the six charts), :mod:`.alt_text`, :mod:`.save` and :mod:`.annual`
(every chart of a report), :mod:`.narrow` (the phone rendering ``<stem>.narrow.png`` that
save_figure writes beside each PNG). Their texts are the ``chart.*`` keys of the catalogue
(:func:`relais_analysis.i18n.text`).
"""

from __future__ import annotations

from relais_analysis import i18n  # noqa: F401 (``charts.i18n``, as before the split)
from relais_analysis.outputs.charts.alt_text import (
    alt_text_activity_types,
    alt_text_new_vs_returning,
    alt_text_people_by_province,
    alt_text_people_by_relay,
    alt_text_people_per_year,
    alt_text_retention_rate,
)
from relais_analysis.outputs.charts.annual import figures_from_tables
from relais_analysis.outputs.charts.reach_charts import (
    activity_types,
    new_vs_returning,
    people_by_province,
    people_by_relay,
    people_per_year,
    retention_rate,
)
from relais_analysis.outputs.charts.save import FORMATS, save_figure
from relais_analysis.outputs.charts.style import HOUSE_RC, OKABE_ITO, PALETTE, PNG_DPI, house_style

__all__ = [
    "HOUSE_RC",
    "PALETTE",
    "activity_types",
    "alt_text_activity_types",
    "alt_text_new_vs_returning",
    "alt_text_people_by_province",
    "alt_text_people_by_relay",
    "alt_text_people_per_year",
    "alt_text_retention_rate",
    "figures_from_tables",
    "house_style",
    "new_vs_returning",
    "people_by_province",
    "people_by_relay",
    "people_per_year",
    "retention_rate",
    "save_figure",
]
