"""House style of the static charts and maps: Okabe-Ito palette, colours, rcParams.

:func:`house_style` applies :data:`HOUSE_RC` with :func:`matplotlib.rc_context` while
drawing and saving; nothing changes the global ``rcParams``. The colour constants are
public so that :mod:`relais_analysis.outputs.static_map` and the outcome charts use the
same ones.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = [
    "GRID_COLOR",
    "HOUSE_RC",
    "MASKED_FACE",
    "MASKED_HATCH",
    "MUTED_COLOR",
    "NO_DATA_FACE",
    "OKABE_ITO",
    "PALETTE",
    "PNG_DPI",
    "SVG_SALT",
    "TEXT_COLOR",
    "house_style",
    "new_axes",
]


#: Okabe-Ito colours (colour-blind safe), in their usual order.
OKABE_ITO: tuple[str, ...] = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",
)


#: Colour of each measure, the same in every chart.
PALETTE: dict[str, str] = {
    "parents": "#0072B2",
    "children": "#E69F00",
    "families": "#CC79A7",
    "attendances": "#009E73",
    "activities": "#CC79A7",
    "new_parents": "#56B4E9",
    "returning_parents": "#0072B2",
    "retention": "#D55E00",
    "relays": "#D55E00",  # vermillion: stands out from the blue-green classes of the map
}


TEXT_COLOR = "#222222"


MUTED_COLOR = "#555555"


GRID_COLOR = "#D9D9D9"


NO_DATA_FACE = "#BDBDBD"


MASKED_FACE = "#FFFFFF"


MASKED_HATCH = "#737373"


SVG_SALT = "relais_analysis"


#: Resolution of PNG files.
PNG_DPI = 200


#: rcParams applied by :func:`house_style`.
HOUSE_RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 8,
    "axes.labelsize": 9,
    "axes.labelcolor": TEXT_COLOR,
    "axes.edgecolor": "#444444",
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.axisbelow": True,
    "axes.prop_cycle": matplotlib.cycler(color=list(OKABE_ITO)),
    "axes.formatter.use_locale": False,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "xtick.color": "#444444",
    "ytick.color": "#444444",
    "grid.color": GRID_COLOR,
    "grid.linewidth": 0.6,
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "text.color": TEXT_COLOR,
    "hatch.linewidth": 0.8,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.dpi": PNG_DPI,
    "svg.hashsalt": SVG_SALT,
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
}


@contextlib.contextmanager


def house_style() -> Iterator[None]:
    """Apply the house style (:data:`HOUSE_RC`) inside a ``with`` block.

    Figure functions and :func:`save_figure` use it themselves; use it around your own
    additions to a figure so they match. The global ``rcParams`` are restored on exit.

    Examples
    --------
    >>> with house_style():  # doctest: +SKIP
    ...     ax.set_ylabel("Parents")
    """
    with matplotlib.rc_context(HOUSE_RC):
        yield


def new_axes(figsize: tuple[float, float], layout: str = "constrained") -> Axes:
    """Axes of a new figure (never through pyplot)."""
    figure = Figure(figsize=figsize, layout=layout)
    return figure.add_subplot()
