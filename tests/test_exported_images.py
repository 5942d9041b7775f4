"""Tests of relais_analysis.report.exported_images, through a real nbconvert export (report.export_html).

Fixture: a notebook written here (no kernel) whose outputs are two PNGs drawn by matplotlib at 200 and
100 dpi, saved as ``figures/<stem>.png`` with ``<stem>.alt.txt`` beside them, as ``charts.save_figure`` does.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pytest  # noqa: E402

from relais_analysis.errors import RelaisError  # noqa: E402
from relais_analysis.report.exported_images import describe_images, png_css_width  # noqa: E402
from relais_analysis.report.build import export_html  # noqa: E402

NBCONVERT_DEFAULT_ALT = "No description has been provided for this image"


def _png(path: Path, dpi: int, title: str) -> bytes:
    fig, ax = plt.subplots(figsize=(4, 2))
    ax.bar(["2023", "2024"], [3, 5])
    ax.set_title(title)
    fig.savefig(path, dpi=dpi, metadata={"Software": None})
    plt.close(fig)
    return path.read_bytes()


def _notebook(folder: Path, images: list[bytes]) -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("display(Image(...))")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(data).decode(),
                                                                  "text/plain": "<IPython.core.display.Image object>"})
                    for data in images]
    nb.cells = [nbformat.v4.new_markdown_cell("# Rapport"), cell]
    path = folder / "executed.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture
def report_folder(tmp_path: Path) -> tuple[Path, list[bytes]]:
    figures = tmp_path / "site" / "figures"
    figures.mkdir(parents=True)
    images = [_png(figures / "people.png", 200, "Personnes"), _png(figures / "activities.png", 100, "Activités")]
    (figures / "people.alt.txt").write_text("Parents touchés : 1 500 en 2024 <plus> « que » 2023.\n", encoding="utf-8")
    (figures / "activities.alt.txt").write_text("Activités par type.\n", encoding="utf-8")
    return tmp_path, images


def _imgs(page: str) -> list[str]:
    return re.findall(r"<img\b[^>]*>", page)


def test_export_gives_each_figure_its_alt_text_and_size(report_folder) -> None:
    tmp, images = report_folder
    page = export_html(_notebook(tmp, images), tmp / "site" / "rapport.html", "Wallonie", "fr").read_text("utf-8")
    tags = _imgs(page)
    assert len(tags) == 2 and NBCONVERT_DEFAULT_ALT not in page
    alts = [html.unescape(re.search(r'alt="([^"]*)"', t).group(1)) for t in tags]
    assert alts == ["Parents touchés : 1 500 en 2024 <plus> « que » 2023.", "Activités par type."]
    assert [re.search(r'width="(\d+)"', t).group(1) for t in tags] == ["384", "384"]  # 4 in at 96 px/in, either dpi
    assert '<html lang="fr">' in page


def test_an_image_without_alt_text_stops_the_export(report_folder) -> None:
    tmp, images = report_folder
    stray = _png(tmp / "stray.png", 100, "Hors figures")
    with pytest.raises(RelaisError, match=r"1 image\(s\) of rapport.html without alt text"):
        export_html(_notebook(tmp, [*images, stray]), tmp / "site" / "rapport.html", "Wallonie", "fr")
    (tmp / "site" / "figures" / "activities.alt.txt").unlink()  # a figure whose alt text file is missing
    with pytest.raises(RelaisError, match="sans texte alternatif"):
        describe_images(f'<img alt="x" src="data:image/png;base64,{base64.b64encode(images[1]).decode()}">',
                        tmp / "site" / "figures", "rapport.html")


def test_png_css_width_reads_the_resolution(report_folder) -> None:
    tmp, images = report_folder
    assert [png_css_width(data) for data in images] == [384, 384]
    assert png_css_width(b"GIF89a...") is None
