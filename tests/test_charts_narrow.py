"""The narrow (phone) rendering of a figure: :mod:`relais_analysis.outputs.charts.narrow` and ``save_figure``."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from relais_analysis.outputs import charts
from relais_analysis.outputs.charts.narrow import NARROW_MIN_PT, NARROW_WIDTH_IN, narrow_layout, text_sizes
from relais_analysis.outputs.charts.save import NARROW_SUFFIX, TEXT_SIZES_KEY
from relais_analysis.outputs.charts.style import PNG_DPI
from relais_analysis.privacy.suppress import suppress_small_counts


@pytest.fixture
def per_year() -> pd.DataFrame:
    return suppress_small_counts(
        pd.DataFrame({"year": [2022, 2023, 2024], "parents": [696, 1184, 1500], "children": [569, 1035, 1264]}),
        ["parents", "children"], additive_rows=False)


def _sizes(path) -> list[float]:
    with Image.open(path) as image:
        image.load()
        return [float(v) for v in image.text[TEXT_SIZES_KEY].split()]


def test_save_figure_writes_the_narrow_rendering_beside_the_png(per_year, tmp_path) -> None:
    ax = charts.people_per_year(per_year)
    paths = charts.save_figure(ax.figure, tmp_path / "people", alt_text="Parents et enfants", formats=("png",))
    assert [p.name for p in paths] == ["people.png", "people.alt.txt"]  # a second rendering, not another format
    narrow = tmp_path / f"people{NARROW_SUFFIX}"
    with Image.open(tmp_path / "people.png") as wide_image, Image.open(narrow) as narrow_image:
        assert wide_image.size == (1260, 720)
        assert narrow_image.size[0] == round(NARROW_WIDTH_IN * PNG_DPI)
        assert narrow_image.info["Description"] == "Parents et enfants"
    # the sizes written are those of the figure's texts (measured here on the artists, independently)
    ax.figure.draw_without_rendering()
    points = [t.get_fontsize() for t in ax.figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert _sizes(tmp_path / "people.png") == [round(min(points) * PNG_DPI / 72, 1),
                                               round(max(points) * PNG_DPI / 72, 1)]
    smallest, largest = _sizes(narrow)
    assert smallest >= round(NARROW_MIN_PT * PNG_DPI / 72, 1) > _sizes(tmp_path / "people.png")[0]
    assert largest > smallest


def test_svg_and_pdf_have_no_narrow_rendering(per_year, tmp_path) -> None:
    ax = charts.people_per_year(per_year)
    charts.save_figure(ax.figure, tmp_path / "people", alt_text="Parents", formats=("svg", "pdf"))
    assert not (tmp_path / f"people{NARROW_SUFFIX}").exists()


def test_narrow_layout_restores_the_figure(per_year, tmp_path) -> None:
    """Same figure, same bytes: saving again after the narrow rendering gives the same PNG files."""
    ax = charts.people_per_year(per_year)
    first = charts.save_figure(ax.figure, tmp_path / "a", alt_text="Parents", formats=("png",))
    assert tuple(ax.figure.get_size_inches()) == (6.3, 3.6)
    second = charts.save_figure(ax.figure, tmp_path / "b", alt_text="Parents", formats=("png",))
    assert first[0].read_bytes() == second[0].read_bytes()
    assert (tmp_path / f"a{NARROW_SUFFIX}").read_bytes() == (tmp_path / f"b{NARROW_SUFFIX}").read_bytes()


def test_long_labels_and_titles_wrap() -> None:
    fig = Figure(figsize=(6.3, 3.0), layout="constrained")
    ax = fig.add_subplot()
    ax.barh([0, 1], [3, 4])
    ax.set_yticks([0, 1], labels=["Rencontre / café-papote du mercredi", "Autre"])
    ax.set_title("Un titre bien trop long pour tenir sur la largeur d'un téléphone sans revenir à la ligne")
    with narrow_layout(fig):
        assert tuple(fig.get_size_inches())[0] == NARROW_WIDTH_IN
        assert "\n" in ax.get_yticklabels()[0].get_text() and "\n" in ax.get_title()
        assert text_sizes(fig, 72)[0] >= NARROW_MIN_PT
    assert ax.get_yticklabels()[0].get_text() == "Rencontre / café-papote du mercredi"
    assert "\n" not in ax.get_title() and tuple(fig.get_size_inches()) == (6.3, 3.0)


def test_a_map_legend_beside_the_axes_moves_under_them() -> None:
    fig = Figure(figsize=(6.3, 4.0), layout="compressed")
    ax = fig.add_subplot()
    ax.fill([0, 100, 100, 0], [0, 0, 60, 60])
    ax.set_aspect("equal")
    ax.set_axis_off()
    for name in ("0", "2,6 – 5,1", "n.p. : valeur non publiée pour protéger les petits effectifs", "Relais"):
        ax.plot([0], [0], label=name)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), title="Parents touchés pour 10\u202f000 habitants")
    with narrow_layout(fig):
        fig.draw_without_rendering()
        legend_box, axes_box = ax.get_legend().get_window_extent(), ax.get_window_extent()
        assert legend_box.y1 <= axes_box.y0 and 0 <= legend_box.y0
        assert 0 <= legend_box.x0 and legend_box.x1 <= fig.bbox.x1
        assert axes_box.width > 0.8 * fig.bbox.width  # the map keeps the phone's width
    assert tuple(fig.get_size_inches()) == (6.3, 4.0)


def test_text_sizes_skip_the_hidden_axis_of_a_map() -> None:
    fig = Figure(figsize=(3, 3))
    ax = fig.add_subplot()
    ax.set_xticks([0, 1]), ax.tick_params(labelsize=4)
    ax.set_title("Carte", fontsize=10)
    assert text_sizes(fig, 72) == (4.0, 10.0)
    ax.set_axis_off()
    assert text_sizes(fig, 72) == (10.0, 10.0)


def test_exported_page_offers_the_narrow_rendering_to_phones(per_year, tmp_path) -> None:
    """``describe_images`` puts each chart with a narrow rendering in a ``<picture>`` linking both files (not
    embedding them); the ``img`` keeps its alt and reserves the size of the wide PNG."""
    import base64
    import re

    from relais_analysis.report.exported_images import PHONE_MEDIA, describe_images

    figures = tmp_path / "figures"
    ax = charts.people_per_year(per_year)
    charts.save_figure(ax.figure, figures / "people", alt_text="Parents & enfants", formats=("png",))
    wide = base64.b64encode((figures / "people.png").read_bytes()).decode()
    page = describe_images(f'<p><img alt="No description" src="data:image/png;base64,{wide}"></p>', figures)
    match = re.fullmatch(r'<p><picture class="relais-figure"><source media="([^"]+)" width="(\d+)" height="(\d+)" '
                         r'srcset="([^"]+)"><img alt="([^"]+)" width="(\d+)" height="(\d+)" src="([^"]+)" '
                         r'loading="lazy" decoding="async"></picture></p>', page)
    assert match is not None, page[:300]
    media, width, height, narrow_src, alt, wide_width, wide_height, src = match.groups()
    assert media == PHONE_MEDIA and "base64" not in page
    assert (narrow_src, src) == (f"figures/people{NARROW_SUFFIX}", "figures/people.png")
    assert (tmp_path / narrow_src).is_file() and (tmp_path / src).read_bytes() == base64.b64decode(wide)
    assert (int(width), int(wide_width)) == (346, 605) and int(height) > 0 and int(wide_height) > 0
    assert alt == "Parents &amp; enfants"


def _fitted(fig: Figure) -> int:
    """Draw and fit as ``save_figure`` does; the number of drawings."""
    from relais_analysis.outputs.charts.narrow import fit_width

    for drawings in range(1, 4):
        fig.draw_without_rendering()
        if not fit_width(fig):
            return drawings
    return drawings


def _inside(fig: Figure) -> list[str]:
    """Texts of a drawn figure (not tick labels) running past its left or right edge (a pixel of tolerance)."""
    from relais_analysis.outputs.charts.narrow import _is_tick_label, _visible_texts

    fig.draw_without_rendering()
    return [t.get_text() for t in _visible_texts(fig) if not _is_tick_label(t)
            and (t.get_window_extent().x1 > fig.bbox.x1 + 1 or t.get_window_extent().x0 < -1)]


def test_a_figure_that_fits_is_drawn_once(per_year) -> None:
    from relais_analysis.outputs.charts.narrow import fit_width

    ax = charts.people_per_year(per_year)
    with narrow_layout(ax.figure):
        assert _fitted(ax.figure) == 1
        assert _inside(ax.figure) == []
    with pytest.raises(RuntimeError):
        fit_width(ax.figure)  # outside the block


@pytest.mark.filterwarnings("ignore:constrained_layout not applied")  # the first drawing, before the fit
def test_a_legend_too_wide_for_a_phone_gets_one_column_and_is_put_back(tmp_path) -> None:
    """The outcome band charts: a three-column legend under the axes ran past a phone's width (its last entry
    cut off) and squeezed the bars to a third of the width."""
    fig = Figure(figsize=(7.0, 2.2), layout="constrained")
    ax = fig.add_subplot()
    labels = ["pas isolé", "modérément isolé", "très isolé"]
    left = 0.0
    for share, label in zip((0.3, 0.45, 0.25), labels):
        ax.barh(0, share, left=left, label=label)
        left += share
    original = ax.legend(ncols=3, loc="upper left", bbox_to_anchor=(0, -0.02))
    ax.set_title("DJG-6 : répartition des parents ayant répondu deux fois (471 paires)")
    with narrow_layout(fig):
        assert _fitted(fig) == 2  # drawn, fitted, drawn again
        shown = ax.get_legend()
        assert shown is not original and shown._ncols == 1
        assert [t.get_text() for t in shown.texts] == labels
        assert _inside(fig) == []
        assert ax.get_window_extent().width > 0.6 * fig.bbox.width  # the bars keep the phone's width
    assert ax.get_legend() is original and original._ncols == 3
    assert tuple(fig.get_size_inches()) == (7.0, 2.2)
    import warnings

    with warnings.catch_warnings(record=True) as caught:  # save_figure keeps the warnings of the drawing kept
        warnings.simplefilter("always")
        charts.save_figure(fig, tmp_path / "bands", alt_text="Répartition", formats=("png",))
    assert [str(w.message) for w in caught] == []
    with Image.open(tmp_path / f"bands{NARROW_SUFFIX}") as image:
        assert image.size[0] == round(NARROW_WIDTH_IN * PNG_DPI) and image.size[1] > 2.2 * PNG_DPI


def test_a_title_after_long_category_labels_wraps_to_the_room_it_has() -> None:
    """A left-aligned title starts where the axes start, after the category labels: wrapped to the whole
    width, it ran past the right edge ("Parents et enfants touch")."""
    fig = Figure(figsize=(6.3, 3.4), layout="constrained")
    ax = fig.add_subplot()
    ax.barh(range(5), [157, 575, 404, 167, 205])
    ax.set_yticks(range(5), labels=["Brabant wallon", "Hainaut", "Liège", "Luxembourg", "Namur"])
    ax.set_title("Parents et enfants touchés par province, 2024", loc="left")
    with narrow_layout(fig):
        assert _fitted(fig) >= 2
        assert _inside(fig) == []
        assert ax.get_title(loc="left").count("\n") >= 2
    assert ax.get_title(loc="left") == "Parents et enfants touchés par province, 2024"


@pytest.mark.slow
def test_no_narrow_rendering_of_the_demo_site_is_cut_at_its_edges(demo_site) -> None:
    """Every phone rendering the demo build wrote (Wallonia, provinces, outcome charts, maps) has white edge
    columns: nothing drawn runs into its left or right edge. (The province chart's title was cut there.)"""
    import numpy as np

    narrow = sorted(demo_site.site.rglob(f"*{NARROW_SUFFIX}"))
    assert len(narrow) >= 30
    cut = []
    for path in narrow:
        with Image.open(path) as image:
            pixels = np.asarray(image.convert("L"))
        if min(pixels[:, :2].min(), pixels[:, -2:].min()) < 200:
            cut.append(str(path.relative_to(demo_site.site)))
    assert cut == []


def test_a_category_label_without_spaces_is_cut_so_the_bars_keep_their_width(tmp_path) -> None:
    """A relay named like a spreadsheet formula (31 characters, no space) took the whole phone width from its
    bars: the layout collapsed and its warning reached the report page (the odd build of test_published_tree)."""
    import warnings

    fig = Figure(figsize=(6.3, 2.4), layout="constrained")
    ax = fig.add_subplot()
    ax.barh([0, 1], [3, 4])
    ax.set_yticks([0, 1], labels=['=HYPERLINK("http://x";"Cliquez")', "Huy"])
    ax.set_title("Parents et enfants touchés par relais, 2024", loc="left")
    with narrow_layout(fig):
        label = ax.get_yticklabels()[0].get_text()
        assert "\n" in label and label.replace("\n", "") == '=HYPERLINK("http://x";"Cliquez")'
        _fitted(fig)
        assert ax.get_window_extent().width > 0.4 * fig.bbox.width
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts.save_figure(fig, tmp_path / "relays", alt_text="Relais", formats=("png",))
    assert [str(w.message) for w in caught] == []
