"""relais_analysis: impact-analysis workbench of Relais Familles Mono (Wallonia).

Data flows one way: raw files -> :mod:`ingest` (read, normalise, validate) -> a
validated :class:`Dataset` -> indicators (:mod:`reach`, :mod:`coverage`) ->
:mod:`privacy` (suppression, through :mod:`tables`) -> outputs (:mod:`charts`,
:mod:`maps`, CSV tables) -> notebooks -> ``reports/`` (:mod:`report`).
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import (
    InputDataError,
    ParameterError,
    PersonalDataError,
    PrivacyError,
    ReferenceDataError,
    RelaisError,
    UnknownCommuneError,
)
from .geo import codes_to_year, communes_table, load_communes, load_provinces
from .ingest import Dataset, load_dataset, write_rejections
from .resolve import resolve_commune

__all__ = [
    "Dataset",
    "InputDataError",
    "ParameterError",
    "PersonalDataError",
    "PrivacyError",
    "ReferenceDataError",
    "RelaisError",
    "UnknownCommuneError",
    "__version__",
    "codes_to_year",
    "communes_table",
    "load_communes",
    "load_dataset",
    "load_provinces",
    "resolve_commune",
    "write_rejections",
]
