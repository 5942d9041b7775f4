"""Exception types of the package.

Every error the package raises on purpose is a :class:`RelaisError`. Messages are
written for a sociologist, not a programmer: what was expected, what was found, and
what to do. Each error carries a French message (``message_fr``) and an English one
(``message_en``); ``str(error)`` gives both.
"""

from __future__ import annotations

from pathlib import Path


class RelaisError(Exception):
    """Base class of every error raised on purpose by relais_analysis.

    ``exit_code`` is the command line's exit code for it (2: the data or parameters
    cannot be used).

    Parameters
    ----------
    message_fr : str
        Message in French (shown first).
    message_en : str, optional
        Same message in English; defaults to the French one.
    file, row, column : optional
        Where the problem is, when it concerns an input file. ``row`` is the row
        number as the user sees it in a spreadsheet (header = row 1).
    """

    exit_code = 2

    def __init__(
        self,
        message_fr: str,
        message_en: str | None = None,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message_fr = message_fr
        self.message_en = message_en or message_fr
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        super().__init__(self._render())

    def _where(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"ligne/row {self.row}")
        if self.column:
            parts.append(f"colonne/column {self.column!r}")
        return ", ".join(parts)

    def _render(self) -> str:
        where = self._where()
        prefix = f"[{where}] " if where else ""
        if self.message_en == self.message_fr:
            return prefix + self.message_fr
        return f"{prefix}{self.message_fr} / {self.message_en}"

    def message(self, lang: str = "fr") -> str:
        """The message in one language, with its location prefix."""
        where = self._where()
        text = self.message_en if lang == "en" else self.message_fr
        return f"[{where}] {text}" if where else text


class InputDataError(RelaisError):
    """An input file cannot be read or a value in it is invalid."""


class PersonalDataError(InputDataError):
    """An input file holds a column that looks like directly identifying personal data."""


class ReferenceDataError(RelaisError):
    """The reference geography is missing, inconsistent, or a commune cannot be resolved."""


class UnknownCommuneError(ReferenceDataError):
    """What the user typed does not match any commune; carries the closest matches.

    The messages come from the text catalogue (``geography_error.unknown_commune``), built by
    :mod:`relais_analysis.geography.resolve`: this module stays below the catalogue.
    """

    def __init__(self, message_fr: str, message_en: str | None = None, *, text: str,
                 suggestions: list[str], **kwargs) -> None:
        self.text = text
        self.suggestions = suggestions
        super().__init__(message_fr, message_en, **kwargs)


class ParameterError(RelaisError):
    """A parameter (year, province, threshold, language...) is not valid."""


class PrivacyError(RelaisError):
    """A table about to be published would disclose a small count or an identifier."""


class AmbiguousPlaceError(ReferenceDataError):
    """A place name exists in several communes; only the postal code tells them apart.

    ``candidates`` lists ``(label, postal_codes, nis, commune_name)`` tuples, where
    ``label`` is what the user may type instead (e.g. ``"Celles (7760)"``). The messages
    come from the text catalogue (``geography_error.ambiguous_place``), built by
    :mod:`relais_analysis.geography.resolve`.
    """

    def __init__(self, message_fr: str, message_en: str | None = None, *, text: str,
                 candidates: list[tuple[str, str, str, str]], **kwargs) -> None:
        self.text = text
        self.candidates = candidates
        super().__init__(message_fr, message_en, **kwargs)


class DataLossError(InputDataError):
    """Too many rows were rejected to publish (a relay lost more than 10 % of a table, or a table is empty).

    The command line exits with code 1 for it (data readable, but not publishable as
    is), against 2 for data that cannot be used at all.
    """

    exit_code = 1
