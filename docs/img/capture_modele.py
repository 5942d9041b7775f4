"""Rebuild docs/img/modele-activites.png: a filled template sheet rendered by LibreOffice headless.

Run from the project root: ``.venv/bin/python docs/img/capture_modele.py`` (needs ``libreoffice`` and
Ghostscript ``gs``). The workbook is made by ``relais_analysis.workbooks.template`` with a few fictitious
rows, the ``Activités`` sheet is moved first (LibreOffice prints the first sheet), converted to PDF, and
the first page is rasterised and cropped.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import tempfile
from pathlib import Path

from openpyxl import load_workbook
from PIL import Image, ImageChops

from relais_analysis.workbooks.template import write_relay_workbook

OUT = Path(__file__).resolve().parent / "modele-activites.png"
ROWS = {
    "activities": [["A001", dt.date(2025, 1, 14), "Rencontre", "Mouscron", "Café-papote"],
                   ["A002", dt.date(2025, 1, 25), "Atelier créatif", "Dottignies (7711)", "Atelier peinture"],
                   ["A003", dt.date(2025, 2, 8), "Sortie culturelle", "Tournai", "Sortie au musée"],
                   ["A004", dt.date(2025, 2, 18), "Information", "Mouscron", "Info : allocations familiales"],
                   ["A005", dt.date(2025, 3, 1), "Plein air", "Comines-Warneton", "Balade en forêt"]],
    "participants": [["P001", "F001", "parent", "femme", 1988, "Mouscron"]],
    "attendance": [["A001", "P001"]],
}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = write_relay_workbook(tmp / "modele.xlsx", "R07", "Relais Familles Mono – Mouscron", year=2025,
                                    rows=ROWS)
        wb = load_workbook(path)
        wb.move_sheet("Activités", offset=-1)
        wb.active = 0
        for ws in wb.worksheets:
            ws.sheet_view.tabSelected = ws.title == "Activités"
        ws = wb["Activités"]
        ws.page_setup.orientation = "landscape"
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.print_options.gridLines = True
        wb.save(tmp / "capture.xlsx")
        env = {**os.environ, "HOME": str(tmp)}
        subprocess.run(["libreoffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                        "--convert-to", "pdf", "--outdir", str(tmp), str(tmp / "capture.xlsx")],
                       check=True, capture_output=True, env=env, timeout=300)
        subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=png16m", "-r130", "-dFirstPage=1",
                        "-dLastPage=1", f"-sOutputFile={tmp / 'page.png'}", str(tmp / "capture.pdf")], check=True)
        page = Image.open(tmp / "page.png").convert("RGB")
        box = ImageChops.difference(page, Image.new("RGB", page.size, "white")).getbbox()
        left, top, right, bottom = box
        page.crop((left - 15, top - 15, right + 15, bottom + 15)).save(OUT, optimize=True)
    print(OUT)


if __name__ == "__main__":
    main()
