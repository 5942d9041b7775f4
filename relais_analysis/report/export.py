"""Export of an executed notebook to an HTML page (no code, no prompts, no CDN; figures linked from ``figures/``)."""

from __future__ import annotations

import re
from pathlib import Path

from relais_analysis.errors import RelaisError
from relais_analysis.i18n import text, text_pair
from relais_analysis.report.exported_images import describe_images

__all__ = ["export_html", "notebook_error"]

_CDN = re.compile(r"<script[^>]+src=\"https?://[^\"]+\"[^>]*>\s*</script>", re.IGNORECASE)
_CDN_LINK = re.compile(r"<link[^>]+href=\"https?://[^\"]+\"[^>]*>", re.IGNORECASE)
#: Inline scripts of the lab template that load MathJax or mermaid from a CDN when a page needs them.
_CDN_LOADERS = re.compile(r"<script[^>]*>(?:(?!</script>).)*(?:MathJax|mermaid)(?:(?!</script>).)*</script>",
                          re.IGNORECASE | re.S)


def export_html(executed: Path, target: Path, title: str, lang: str = "fr") -> Path:
    """Export an executed notebook to HTML without code, prompts or CDN scripts.

    Raises
    ------
    RelaisError
        If the exported page would still load something from the network.
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    for i, cell in enumerate(nb.cells):  # papermill gives its injected cell a random id: number them all
        cell["id"] = f"cell-{i}"
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = {"remove_cell"}
    config.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=config, template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, language_code=lang)  # <html lang="fr">
    exporter.embed_images = True
    resources = {"metadata": {"name": title}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = _CDN_LOADERS.sub("", body).replace("<!-- MathJax configuration -->", "")
    body = _CDN.sub("", body)
    body = _CDN_LINK.sub("", body)
    body = describe_images(body, target.parent / "figures", target.name)
    leftovers = re.findall(r"<(?:script|link|img|iframe)[^>]+(?:src|href)=\"(?:https?:)?//[^\"]+\"", body)
    if leftovers:
        raise RelaisError(*text_pair("report.error.external_resource", name=target.name, found=leftovers[:3]))
    target.write_text(body, encoding="utf-8")
    return target


def notebook_error(executed: Path) -> str:
    """The first failing cell of an executed notebook: index and error message."""
    import nbformat

    try:
        nb = nbformat.read(executed, as_version=4)
    except (OSError, ValueError):
        return text("report.batch.unreadable_notebook")
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return f"cellule / cell {i}: {out.get('ename')}: {out.get('evalue')}"
    return text("report.batch.unknown_error")

