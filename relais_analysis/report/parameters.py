"""The parameters of the report notebooks, checked once: :func:`validate_parameters`.

A module of its own, light to import: the build's main process and workers check the
notebooks' parameters (to share the dataset they will load) without importing the
charts, maps and their libraries, which only the notebooks' kernels need.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from relais_analysis.analysis import AnalysisParameters, check_parameters
from relais_analysis.errors import ParameterError
from relais_analysis.i18n import text_pair

__all__ = ["ReportParameters", "validate_parameters"]


@dataclasses.dataclass(frozen=True)
class ReportParameters(AnalysisParameters):
    """The parameters of an :class:`~relais_analysis.analysis.Analysis`, and where the notebook writes."""

    output_dir: Path = Path(".")


#: The parameters of the report notebooks (their ``parameters`` cell).
_KNOWN = {"year", "province", "data_dir", "output_dir", "lang", "threshold", "relay_id", "as_of", "population_file",
          "protected_tables"}


def validate_parameters(**params: object) -> ReportParameters:
    """Check and convert the parameters of a report notebook.

    Refuses unknown names (papermill only warns about them), then checks the others
    once with :func:`~relais_analysis.analysis.check_parameters`, which accepts what
    papermill injects (strings for paths, numbers and dates, ``None``). A report
    never refuses its data for accepted losses: its first page names them, and
    ``relais report`` decided whether to publish.

    Raises
    ------
    ParameterError
        Unknown or missing parameter, invalid year, province, language, threshold or
        date, a data folder or file that does not exist.
    """
    unknown = sorted(set(params) - _KNOWN)
    if unknown:
        raise ParameterError(*text_pair("report.error.unknown_parameter", unknown=unknown, known=sorted(_KNOWN)))
    for required in ("year", "data_dir", "output_dir"):
        if params.get(required) in (None, ""):
            raise ParameterError(*text_pair("report.error.missing_parameter", name=required))
    checked = check_parameters(params["data_dir"], params["year"], province=params.get("province"),
                               relay_id=params.get("relay_id"), lang=params.get("lang", "fr"),
                               threshold=params.get("threshold"), as_of=params.get("as_of"),
                               population_file=params.get("population_file"), accept_losses=True,
                               protected_tables=params.get("protected_tables"))
    return ReportParameters(**{f.name: getattr(checked, f.name) for f in dataclasses.fields(checked)},
                            output_dir=Path(str(params["output_dir"])))
