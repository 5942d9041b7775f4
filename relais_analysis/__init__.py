"""relais_analysis: impact-analysis workbench of Relais Familles Mono (Wallonia).

One subpackage per stage, in the order data flows:
:mod:`~relais_analysis.geography` (reference communes, places, population) ->
:mod:`~relais_analysis.workbooks` (relay workbooks out and back in) ->
:mod:`~relais_analysis.intake` (read, normalise, validate -> a :class:`Dataset`) ->
:mod:`~relais_analysis.indicators` and :mod:`~relais_analysis.outcomes` (tidy tables) ->
:mod:`~relais_analysis.privacy` (the one door to anything published) ->
:mod:`~relais_analysis.outputs` (charts, maps, sentences) ->
:mod:`~relais_analysis.report` (notebooks -> ``reports/``).
"""

from __future__ import annotations

__version__ = "0.1.0"

from relais_analysis.errors import (
    InputDataError,
    ParameterError,
    PersonalDataError,
    PrivacyError,
    ReferenceDataError,
    RelaisError,
    UnknownCommuneError,
)
from relais_analysis.geography.reference import codes_to_year, communes_table, load_communes, load_provinces
from relais_analysis.intake.dataset import Dataset
from relais_analysis.intake.ingest import load_dataset, write_rejections
from relais_analysis.geography.resolve import resolve_commune

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
