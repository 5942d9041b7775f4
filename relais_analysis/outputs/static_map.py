"""Static choropleth of Wallonia's communes for print (PNG 200 dpi, SVG, PDF).

Same classes and colours as the interactive map (:mod:`relais_analysis.outputs.classes`), relay
points, province outlines, legend, scale bar in metres (EPSG:3812) and north arrow, in the
house style of :mod:`relais_analysis.outputs.charts` (whose public saving and cell helpers it uses;
its texts are the ``chart.*`` keys of the catalogue).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PatchCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath

from relais_analysis import i18n
from relais_analysis.outputs import classes
from relais_analysis.privacy import suppression
from relais_analysis.outputs.charts.alt_text import join_alt_text
from relais_analysis.outputs.charts.cells import check_table, colon, is_number, plain, table_threshold
from relais_analysis.outputs.charts.save import save_figure
from relais_analysis.outputs.charts.style import (
    MASKED_FACE,
    MASKED_HATCH,
    NO_DATA_FACE,
    PALETTE,
    TEXT_COLOR,
    house_style,
    new_axes,
)
from relais_analysis.config import CRS_ANALYSIS, CRS_WEB
from relais_analysis.errors import ParameterError

__all__ = ["alt_text_choropleth", "choropleth", "save_choropleth"]

@dataclasses.dataclass
class _Classes:
    """Classes of a map column (shared with the interactive map): legend rows and each row's class.

    ``codes``: legend row of each commune, -1 masked, -2 no data.
    """

    labels: list[str]
    colors: list[str]
    codes: np.ndarray


def _classify(values: Sequence[object], scheme: str, k: int, lang: str, value_kind: str) -> _Classes:
    """Classify like :func:`relais_analysis.outputs.classes.classify` (zero class, then k classes)."""
    numeric = np.array([is_number(v) for v in values], dtype=bool)
    y = [float(plain(v)) for v, ok in zip(values, numeric) if ok]
    found = classes.classify(y, scheme=scheme, k=k, value_kind=value_kind, lang=lang)
    codes = np.array([-1 if suppression.is_suppressed(v) else -2 for v in values], dtype=int)
    codes[numeric] = [found.position(v) for v in y]
    rows = found.legend()
    return _Classes([label for _, label in rows], [color for color, _ in rows], codes)


def _polygon_path(geometry: Any) -> MplPath:
    """One compound path for a (Multi)Polygon: exteriors and holes."""
    parts = list(geometry.geoms) if hasattr(geometry, "geoms") else [geometry]
    rings = []
    for part in parts:
        if part.is_empty:
            continue
        rings.append(np.asarray(part.exterior.coords)[:, :2])
        rings.extend(np.asarray(r.coords)[:, :2] for r in part.interiors)
    if not rings:
        return MplPath(np.zeros((0, 2)))
    return MplPath.make_compound_path(*[MplPath(r, closed=True) for r in rings])


def _to_analysis_crs(frame: Any, name: str) -> Any:
    import geopandas as gpd

    if isinstance(frame, gpd.GeoDataFrame):
        if frame.crs is None:
            raise ParameterError(
                *i18n.text_pair("output_error.static_map_no_crs", name=name, crs=CRS_ANALYSIS),
            )
        return frame.to_crs(CRS_ANALYSIS) if frame.crs != CRS_ANALYSIS else frame
    if isinstance(frame, pd.DataFrame) and {"latitude", "longitude"} <= set(frame.columns):
        xy = frame[["longitude", "latitude"]].astype("float64").dropna()
        points = gpd.points_from_xy(xy["longitude"], xy["latitude"], crs=CRS_WEB)
        return gpd.GeoDataFrame(frame.loc[xy.index], geometry=points, crs=CRS_WEB).to_crs(CRS_ANALYSIS)
    raise ParameterError(
        *i18n.text_pair("output_error.static_map_not_geodataframe", name=name),
    )


def _map_size(bounds: Sequence[float], titled: bool) -> tuple[float, float]:
    """Figure size (inches) fitting the map's aspect, 6.3 in wide with the legend on the right."""
    xmin, ymin, xmax, ymax = bounds
    aspect = (ymax - ymin) / max(xmax - xmin, 1.0)
    height = 4.0 * aspect + 0.4 + (0.4 if titled else 0.0)
    return (6.3, float(min(max(height, 3.0), 8.0)))


_NICE_KM = (1, 2, 5, 10, 20, 50, 100, 200, 500)


def _scale_length_km(width_m: float) -> int:
    """Largest round length not above a tenth of the map width (20 km for Wallonia)."""
    fitting = [n for n in _NICE_KM if n * 1000 <= width_m / 10]
    return fitting[-1] if fitting else _NICE_KM[0]


def _scale_bar(ax: Axes, length_km: float, lang: str) -> None:
    """Black-and-white bar of ``length_km`` in the lower left corner (data units: metres)."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    left, bottom = x0 + 0.03 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    length = length_km * 1000.0
    height = 0.012 * (y1 - y0)
    for i in range(2):
        ax.add_patch(Rectangle(
            (left + i * length / 2, bottom), length / 2, height,
            facecolor=TEXT_COLOR if i == 0 else "white", edgecolor=TEXT_COLOR, linewidth=0.6, zorder=5,
        ))
    decimals = 0 if float(length_km).is_integer() else 1
    ax.annotate(
        i18n.format_km(length_km, lang, decimals), xy=(left + length / 2, bottom + height),
        xytext=(0, 2), textcoords="offset points", ha="center", va="bottom", fontsize=8, gid="scale-bar",
    )


def _north_arrow(ax: Axes) -> None:
    """North arrow in the upper right corner (EPSG:3812 grid north is within 1° of true north in Wallonia)."""
    ax.annotate(
        "N", xy=(0.97, 0.98), xytext=(0.97, 0.86), xycoords="axes fraction", textcoords="axes fraction",
        ha="center", va="top", fontsize=9, fontweight="bold",
        arrowprops={"arrowstyle": "-|>", "color": TEXT_COLOR, "linewidth": 1.0, "shrinkA": 0, "shrinkB": 0},
    )


def _map_legend(
    ax: Axes, found: _Classes, *, lang: str, threshold: int, title: str, relays: bool, provinces: bool,
) -> None:
    handles: list[Any] = [Patch(facecolor=c, edgecolor="none", label=t) for c, t in zip(found.colors, found.labels)]
    if (found.codes == -1).any():
        masked = suppression.footnote(threshold, lang)
        handles.append(Patch(facecolor=MASKED_FACE, edgecolor=MASKED_HATCH, hatch="/////", linewidth=0.4,
                             label=masked))
    if (found.codes == -2).any():
        handles.append(Patch(facecolor=NO_DATA_FACE, edgecolor="none", label=i18n.label("no_data", lang)))
    if relays:
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=5, markerfacecolor=PALETTE["relays"],
                              markeredgecolor="white", label=i18n.label("relays", lang)))
    if provinces:
        handles.append(Line2D([], [], color=TEXT_COLOR, linewidth=1.0, label=i18n.text("map.legend_province", lang)))
    ax.legend(handles=handles, title=title, loc="upper left", bbox_to_anchor=(1.0, 1.0), borderaxespad=0.2,
              title_fontproperties={"weight": "bold", "size": 8.5})


def choropleth(
    communes: Any,
    *,
    column: str,
    relays: Any = None,
    provinces: Any = None,
    ax: Axes | None = None,
    lang: str = "fr",
    scheme: str = "natural_breaks",
    k: int = 5,
    title: str | None = None,
    legend_title: str | None = None,
    value_kind: str = "rate",
    scale_bar_km: float | None = None,
    north_arrow: bool = True,
) -> Axes:
    """Static choropleth of communes for print, with relays, province outlines, legend and scale bar.

    Communes are drawn as **one** :class:`~matplotlib.collections.PatchCollection`
    (gid ``"communes"``, one path per commune, multipolygons included, in row order).
    Classes are those of the interactive map (:func:`relais_analysis.outputs.classes.classify`):
    zero is a class of its own, the positive values split by the exact Fisher-Jenks
    optimisation (``"natural_breaks"``, deterministic) or by quantiles, on the same
    colours, so the printed and the interactive map agree. Masked
    communes (SUPPRESSED) are white with grey hatching (an overlay collection, gid
    ``"communes-masked"``), communes without data (NA) plain grey; each has its own
    legend entry when present. The legend sits to the right of the map. A
    black-and-white scale bar (round length not above a tenth of the map width:
    20 km for Wallonia) is drawn in the lower left corner, in metres (EPSG:3812).

    Parameters
    ----------
    communes : geopandas.GeoDataFrame
        One row per commune, EPSG:3812 (another CRS is reprojected), with ``column``.
    column : str
        Value to map: numbers, SUPPRESSED or NA.
    relays : GeoDataFrame or DataFrame, optional
        Relay points (e.g. :func:`relais_analysis.indicators.coverage.relay_points`), or a table
        with ``latitude``/``longitude`` (WGS84; rows without coordinates are skipped).
    provinces : geopandas.GeoDataFrame, optional
        Province polygons (:func:`relais_analysis.geography.reference.load_provinces`): outlines drawn.
    ax : matplotlib.axes.Axes, optional
        A new 6.3 x 3.9 in figure otherwise.
    lang : {"fr", "en"}
    scheme : {"natural_breaks", "quantiles"}
    k : int, default 5
        Number of classes of positive values, 1 to 8 (the zero class comes on top).
    title : str, optional
        Axes title; none by default.
    legend_title : str, optional
        Defaults to ``column``.
    value_kind : {"rate", "count", "km", "share"}
        Formatting of the class bounds.
    scale_bar_km : float, optional
        Force the scale bar length.
    north_arrow : bool, default True

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ParameterError
        If ``communes`` is not a GeoDataFrame with a CRS, ``column`` is missing or
        holds text, or ``lang``, ``scheme`` or ``k`` is invalid.
    """
    i18n.check_lang(lang)
    communes = _to_analysis_crs(communes, "communes")
    check_table(communes, [column], "choropleth")
    threshold = table_threshold(communes)
    found = _classify(communes[column].tolist(), scheme, k, lang, value_kind)
    faces = [found.colors[c] if c >= 0 else (MASKED_FACE if c == -1 else NO_DATA_FACE) for c in found.codes]
    paths = [_polygon_path(g) for g in communes.geometry]
    with house_style():
        ax = ax if ax is not None else new_axes(_map_size(communes.total_bounds, bool(title)), "compressed")
        ax.add_collection(PatchCollection(
            [PathPatch(p) for p in paths], facecolors=faces, edgecolors="white", linewidths=0.25, gid="communes",
        ))
        masked = [p for p, c in zip(paths, found.codes) if c == -1]
        if masked:
            ax.add_collection(PatchCollection(
                [PathPatch(p) for p in masked], facecolors="none", edgecolors=MASKED_HATCH, linewidths=0,
                hatch="/////", gid="communes-masked",
            ))
        if provinces is not None:
            outlines = _to_analysis_crs(provinces, "provinces")
            ax.add_collection(PatchCollection(
                [PathPatch(_polygon_path(g)) for g in outlines.geometry], facecolors="none", edgecolors=TEXT_COLOR,
                linewidths=0.9, gid="provinces",
            ))
        if relays is not None:
            points = _to_analysis_crs(relays, "relays")
            ax.scatter(points.geometry.x, points.geometry.y, s=18, color=PALETTE["relays"], edgecolors="white",
                       linewidths=0.6, zorder=4, gid="relays")
        xmin, ymin, xmax, ymax = communes.total_bounds
        pad = 0.02 * (xmax - xmin)
        ax.set_xlim(xmin - pad, xmax + pad)
        ax.set_ylim(ymin - 3 * pad, ymax + pad)
        ax.set_aspect("equal")
        ax.set_axis_off()
        _scale_bar(ax, scale_bar_km or _scale_length_km(xmax - xmin), lang)
        if north_arrow:
            _north_arrow(ax)
        _map_legend(ax, found, lang=lang, threshold=threshold, title=legend_title or column,
                    relays=relays is not None, provinces=provinces is not None)
        if title:
            ax.set_title(title)
    return ax


def _communes_n(n: int, lang: str) -> str:
    if n == 1:
        return i18n.text("chart.communes_1", lang)
    return i18n.text("chart.communes_n", lang, n=i18n.format_int(n, lang))


def alt_text_choropleth(
    communes: Any,
    *,
    column: str,
    relays: Any = None,
    lang: str = "fr",
    scheme: str = "natural_breaks",
    k: int = 5,
    legend_title: str | None = None,
    value_kind: str = "rate",
) -> str:
    """Alt text of :func:`choropleth`: classes and their numbers of communes.

    Returns
    -------
    str
        e.g. "Carte de 262 communes : Parents pour 10 000 habitants. 5 classes (seuils
        naturels de Jenks) : 0 – 3 : 120 communes ; ... ; n.p. : valeur non publiée
        pour protéger les petits effectifs : 4
        communes. 19 relais indiqués par des points."

    Raises
    ------
    ParameterError
        As :func:`choropleth`.
    """
    i18n.check_lang(lang)
    check_table(communes, [column], "alt_text_choropleth")
    threshold = table_threshold(communes)
    found = _classify(communes[column].tolist(), scheme, k, lang, value_kind)
    counts = [int((found.codes == i).sum()) for i in range(len(found.labels))]
    items = [f"{t}{colon(lang)}{_communes_n(n, lang)}" for t, n in zip(found.labels, counts)]
    for code, name in ((-1, suppression.footnote(threshold, lang)), (-2, i18n.label("no_data", lang).lower())):
        n = int((found.codes == code).sum())
        if n:
            items.append(f"{name}{colon(lang)}{_communes_n(n, lang)}")
    head = f"{i18n.text('chart.map_of', lang, n=len(communes))}{colon(lang)}{legend_title or column}. "
    head += i18n.text("chart.classes", lang, k=len(found.labels), scheme=i18n.text(f"chart.{scheme}", lang))
    tail = [i18n.text("chart.relays_n", lang, n=len(relays))] if relays is not None else []
    return join_alt_text(head, items, lang, tail)




def save_choropleth(
    communes: Any,
    path_stem: str | Path,
    *,
    column: str,
    relays: Any = None,
    provinces: Any = None,
    lang: str = "fr",
    title: str | None = None,
    legend_title: str | None = None,
    scheme: str = "natural_breaks",
    k: int = 5,
    formats: Sequence[str] = ("png", "svg"),
) -> list[Path]:
    """Draw :func:`choropleth` and save it (PNG 200 dpi + SVG) with its table and alt text."""
    ax = choropleth(communes, column=column, relays=relays, provinces=provinces, lang=lang, scheme=scheme, k=k,
                    title=title, legend_title=legend_title)
    alt = alt_text_choropleth(communes, column=column, relays=relays, lang=lang, scheme=scheme, k=k,
                              legend_title=legend_title)
    table = pd.DataFrame({"nis": communes["nis"].to_numpy(), "name_fr": communes["name_fr"].to_numpy(),
                          column: communes[column].to_numpy()})
    table.attrs.update(getattr(communes, "attrs", {}))
    return save_figure(ax.figure, path_stem, table=table, alt_text=alt, formats=formats, lang=lang)
