"""The front door: one data folder, one year, one scope -> protected tables, charts and maps.

Every way of producing a published number (the ``relais`` commands, the report
notebooks, the report batch) goes through :class:`Analysis`: it checks the
parameters once, loads and validates the data once, refuses a year without
activities or a publication that lost too many rows, and hands out tables that
are already protected with the whole publication (Wallonia and every province
masked as one system, :mod:`relais_analysis.privacy.linked`). Unprotected tables
are available for the support centre's own use under a name that says so
(:attr:`Analysis.internal_tables`); nothing in this class writes them to disk.
The parameters and the loading of the data are in :mod:`relais_analysis.analysis_inputs`.

>>> from relais_analysis.config import project_root
>>> small = project_root() / "tests" / "fixtures" / "small"  # counts checkable by hand
>>> a = Analysis(small, 2024, province="Liège")
>>> a.year, a.province, a.scope_label
(2024, '60000', 'Liège')
>>> Analysis(small, 2024, lang="en").scope_label
'Wallonia'
>>> int(a.internal_tables.tables["reach_per_year"].set_index("year").loc[2024, "parents"])  # fixture README: Liège 5
5
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relais_analysis.analysis_inputs import (
    AnalysisParameters,
    available_years,
    check_parameters,
    check_report_year,
    dataset_key,
    load_analysis_dataset,
    read_dataset,
)
from relais_analysis.config import PROVINCES
from relais_analysis.errors import ParameterError

if TYPE_CHECKING:  # imported lazily at run time: the CLI starts fast
    import pandas as pd

    from relais_analysis.indicators.tables import TableSet
    from relais_analysis.intake.ingest import Dataset

__all__ = ["Analysis", "AnalysisParameters", "available_years", "check_parameters", "check_report_year",
           "dataset_key", "load_analysis_dataset", "read_dataset"]


class Analysis:
    """One data folder analysed for one year and one scope (Wallonia, a province or a relay).

    Parameters
    ----------
    data_dir : path
        The data folder (``relais assemble`` output, or the bundled ``data/demo``).
    year : int or str
        The report year; it must have activities in the data.
    province : str, optional
        Province code or name (default: Wallonia).
    relay_id : str, optional
        One relay (its sheet); tables are then the relay's own.
    lang : {"fr", "en"}
    threshold : int, optional
        Masking threshold (default 5, minimum 3).
    as_of : date or str, optional
        Extraction date (default: the data folder's).
    population_file, households_file : path, optional
        Statbel population file for the year; households per commune.
    accept_losses : bool
        Publish although a relay lost more than 10 % of a table's rows (said on every report).
    protected_tables : path, optional
        This scope's tables protected with the whole publication by ``relais report``:
        :attr:`tables` are then read from it (and the dataset from the build's cache).

    Raises
    ------
    ParameterError
        Invalid parameters, a year without activities, an unknown relay.
    InputDataError
        The data folder cannot be used, or lost too many rows (without ``accept_losses``).
    """

    def __init__(self, data_dir: object, year: object, *, province: object = None, relay_id: object = None,
                 lang: object = "fr", threshold: object = None, as_of: object = None,
                 population_file: object = None, households_file: object = None,
                 accept_losses: bool = False, protected_tables: object = None) -> None:
        params = check_parameters(data_dir, year, province=province, relay_id=relay_id, lang=lang,
                                  threshold=threshold, as_of=as_of, population_file=population_file,
                                  households_file=households_file, accept_losses=accept_losses,
                                  protected_tables=protected_tables)
        self._start(params)

    @classmethod
    def from_parameters(cls, params: AnalysisParameters) -> Analysis:
        """The analysis of parameters already checked by :func:`check_parameters` (nothing checked twice).

        Raises
        ------
        ParameterError, InputDataError
            As :class:`Analysis`.
        """
        analysis = cls.__new__(cls)
        analysis._start(params)
        return analysis

    def _start(self, params: AnalysisParameters) -> None:
        from relais_analysis.intake.losses import check_losses

        self.params = params
        dataset, self.build_cache, self.dataset_key = load_analysis_dataset(params)
        #: Problems accepted with ``accept_losses`` (empty when nothing was lost beyond the rule).
        self.accepted_losses: list[str] = list(check_losses(dataset, accept=self.params.accept_losses))
        check_report_year(self.params.year, dataset)
        if self.params.relay_id is not None and self.params.relay_id not in set(dataset.relays["relay_id"]):
            from relais_analysis.i18n import text_pair

            raise ParameterError(*text_pair("analysis.error.unknown_relay", relay=self.params.relay_id,
                                            known=", ".join(sorted(dataset.relays["relay_id"]))))
        self.dataset: Dataset = dataset

    # ------------------------------------------------------------------ parameters

    @property
    def year(self) -> int:
        """The report year."""
        return self.params.year

    @property
    def province(self) -> str | None:
        """The province's REFNIS code, or None for Wallonia."""
        return self.params.province

    @property
    def relay_id(self) -> str | None:
        """The relay of a relay sheet, or None."""
        return self.params.relay_id

    @property
    def lang(self) -> str:
        """Language of everything this analysis writes."""
        return self.params.lang

    @property
    def threshold(self) -> int:
        """Masking threshold."""
        return self.params.threshold

    @property
    def scope_label(self) -> str:
        """Name of the scope: the relay code, the province's name or Wallonia's."""
        from relais_analysis.config import WALLONIA_NIS
        from relais_analysis.i18n import province_label

        if self.relay_id is not None:
            return self.relay_id
        if self.province is not None:
            return PROVINCES[self.province]
        return province_label(WALLONIA_NIS, self.lang)

    # ------------------------------------------------------------------ tables

    @functools.cached_property
    def households(self) -> pd.DataFrame | None:
        """Households per commune, when a file was given."""
        if self.params.households_file is None:
            return None
        from relais_analysis.geography.population import load_households

        return load_households(self.params.households_file)

    @functools.cached_property
    def internal_tables(self) -> TableSet:
        """Exact, UNPROTECTED tables of this scope: the support centre's own use, never published."""
        from relais_analysis.indicators.tables import indicator_tables, relay_tables

        if self.relay_id is not None:
            return relay_tables(self.dataset, self.year, self.relay_id)
        return indicator_tables(self.dataset, self.year, province=self.province, households=self.households)

    @property
    def whole_publication(self) -> bool:
        """True when :attr:`tables` were handed over by ``relais report``; False: masked here, with the
        same canonical masks (:func:`relais_analysis.privacy.canonical.year_protection`)."""
        return self.params.protected_tables is not None

    @functools.cached_property
    def tables(self) -> TableSet:
        """This scope's tables, protected with the whole publication (the same cells masked everywhere).

        Raises
        ------
        ParameterError
            ``protected_tables`` of another year, threshold or scope.
        """
        from relais_analysis.privacy.canonical import protect_in_publication
        from relais_analysis.privacy.handover import load_protected

        path = self.params.protected_tables
        if path is not None:
            tables = load_protected(path, year=self.year, threshold=self.threshold)[0]
            if (tables.province_nis, tables.relay_id) != (None if self.relay_id else self.province, self.relay_id):
                from relais_analysis.i18n import text_pair

                raise ParameterError(*text_pair("analysis.error.other_scope", name=path.name))
            return tables
        return protect_in_publication(self.dataset, self.internal_tables, threshold=self.threshold)

    def write_tables(self, out_dir: str | Path) -> list[Path]:
        """Write the protected tables as CSV (plus their description) into ``out_dir``.

        Raises
        ------
        ParameterError
            ``out_dir`` is a file.
        PrivacyError
            A count below the threshold would be written (never expected: the tables are protected).
        """
        from relais_analysis.indicators.tables import write_tables
        from relais_analysis.privacy.publication import check_output_dir

        check_output_dir(Path(out_dir))
        return write_tables(self.tables, out_dir, lang=self.lang)

    # ------------------------------------------------------------------ charts and maps

    def write_figures(self, out_dir: str | Path, *, formats: tuple[str, ...] = ("png", "svg")) -> dict[str, list[Path]]:
        """Draw every chart of the protected tables into ``out_dir``; returns the files per figure.

        Raises
        ------
        ParameterError
            ``out_dir`` is a file, or an unknown format.
        """
        from relais_analysis.outputs.charts import figures_from_tables
        from relais_analysis.privacy.publication import check_output_dir

        check_output_dir(Path(out_dir))
        return figures_from_tables(self.tables, out_dir, lang=self.lang, synthetic=self.dataset.synthetic,
                                   as_of=self.dataset.as_of, formats=tuple(formats))

    def map(self, *, indicator: str = "reach_rate", scheme: str = "natural_breaks", tiles: bool = False) -> Any:
        """The interactive map of the protected tables (a ``folium.Map``; save it with
        :func:`relais_analysis.outputs.maps.save_map`).

        Raises
        ------
        ParameterError
            Unknown indicator or classification scheme.
        """
        from relais_analysis.outputs.map_layers import annual_map

        return annual_map(self.dataset, self.tables, indicator=indicator, lang=self.lang, scheme=scheme,
                          tiles=tiles)

    def __repr__(self) -> str:
        return (f"Analysis({str(self.params.data_dir)!r}, {self.year}, province={self.province!r}, "
                f"relay_id={self.relay_id!r}, lang={self.lang!r}, threshold={self.threshold})")
