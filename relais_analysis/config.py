"""Project-wide constants and path resolution.

Nothing here touches the disk or the network at import time.
"""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path

#: Coordinate reference system used for every computation (Belgian Lambert 2008, metres).
CRS_ANALYSIS = "EPSG:3812"
#: Coordinate reference system of web maps (WGS84 longitude/latitude).
CRS_WEB = "EPSG:4326"

#: REFNIS code of the Walloon Region.
WALLONIA_NIS = "03000"

#: Languages of outputs; French is the default everywhere (re-exported by :mod:`relais_analysis.i18n`).
SUPPORTED_LANGS: tuple[str, ...] = ("fr", "en")

#: Default small-cell threshold: published counts from 1 to ``threshold - 1`` are masked.
DEFAULT_THRESHOLD = 5
#: No configuration may go below this threshold.
MIN_THRESHOLD = 3

#: First day of the programme's data (Relais Familles Mono started in 2022).
PROGRAMME_START = _dt.date(2022, 1, 1)

#: Single-parent households in Wallonia on 1 January 2024 (IWEPS), the denominator of the
#: share of households the programme reached (index page); :data:`SINGLE_PARENT_HOUSEHOLDS_SOURCE`.
WALLONIA_SINGLE_PARENT_HOUSEHOLDS = 200_025
#: Source of :data:`WALLONIA_SINGLE_PARENT_HOUSEHOLDS`, as printed under the figure.
SINGLE_PARENT_HOUSEHOLDS_SOURCE = "IWEPS, ménages monoparentaux en Wallonie au 1er janvier 2024"
#: First year for which the reference geography is available.
FIRST_GEOGRAPHY_YEAR = 2019

#: The five Walloon provinces, REFNIS code -> French name.
PROVINCES: dict[str, str] = {
    "20002": "Brabant wallon",
    "50000": "Hainaut",
    "60000": "Liège",
    "80000": "Luxembourg",
    "90000": "Namur",
}


def package_dir() -> Path:
    """Directory of the installed ``relais_analysis`` package."""
    return Path(__file__).resolve().parent


def project_root() -> Path:
    """Root of the project checkout.

    ``RELAIS_ROOT`` overrides it; otherwise the parent of the package directory
    (the package is installed in editable mode from the checkout).
    """
    env = os.environ.get("RELAIS_ROOT")
    if env:
        return Path(env).resolve()
    return package_dir().parent


def reference_dir() -> Path:
    """Directory holding the validated reference geography (``data/reference``)."""
    env = os.environ.get("RELAIS_REFERENCE_DIR")
    if env:
        return Path(env).resolve()
    return project_root() / "data" / "reference"


def demo_dir() -> Path:
    """Directory of the bundled synthetic demo data (``data/demo``)."""
    return project_root() / "data" / "demo"


def reports_dir() -> Path:
    """Default output directory of generated reports (``reports``)."""
    return project_root() / "reports"
