"""Refuse directly identifying personal data in input files.

The workbench only takes pseudonymous codes: the support centre has no need of
names, e-mail addresses, phone numbers, street addresses or national register
numbers, and holding them would make every analysis file a register of vulnerable
families (GDPR, art. 5 data minimisation). A column that looks like one of these is
an error, with a message that says why and points to ``relais pseudonymise``.
"""

from __future__ import annotations

import re

import pandas as pd

from relais_analysis.errors import PersonalDataError
from relais_analysis.intake.schema import fold
from relais_analysis.texts import text, text_pair

__all__ = ["check_no_personal_data", "personal_header_kind"]

#: Folded header words that denote personal data, by kind (the kind's words: ``intake.personal_kind.<kind>``).
_HEADER_KINDS: dict[str, tuple[str, ...]] = {
    "name": ("nom", "prenom", "name", "first_name", "firstname", "last_name", "lastname", "surname",
                   "nom_de_famille", "nom_complet", "full_name", "naam", "voornaam", "nom_prenom", "prenom_nom",
                   "nom_du_parent", "nom_de_l_enfant", "nom_enfant", "nom_parent"),
    "email": ("email", "e_mail", "mail", "courriel", "adresse_mail", "adresse_e_mail", "adresse_email"),
    "phone": ("telephone", "tel", "phone", "gsm", "portable", "mobile", "numero_de_telephone"),
    "address": ("adresse", "address", "rue", "street", "numero", "boite", "adresse_postale",
                          "adresse_complete", "straat"),
    "national_number": (
        "niss", "nrn", "registre_national", "numero_national", "numero_de_registre_national", "rijksregisternummer",
        "national_number", "insz", "num_national", "carte_d_identite", "eid"),
    "birth_date": ("date_de_naissance", "date_naissance", "birth_date",
                                                      "birthdate", "ddn", "geboortedatum"),
}
_HEADER_LOOKUP = {word: kind for kind, words in _HEADER_KINDS.items() for word in words}

_VALUE_PATTERNS: dict[str, re.Pattern[str]] = {
    "email": re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"),
    "national_number": re.compile(
        r"^\d{2}[.\s]?\d{2}[.\s]?\d{2}[-.\s]?\d{3}[-.\s]?\d{2}$"
    ),
    "phone": re.compile(r"^(?:\+32|0032|0)\s?[1-9](?:[\s./-]?\d){7,8}$"),
    "address": re.compile(
        r"(?:^|\s)(?:rue|avenue|av\.|chauss[ée]e|boulevard|bd|chemin|route|all[ée]e|impasse|quai|place|drève|straat)"
        r"\s+\S+.*\d|^\d+\s*,?\s*(?:rue|avenue|chauss[ée]e|boulevard|chemin|route|place)\s",
        re.IGNORECASE,
    ),
    "name": re.compile(r"^[A-ZÀ-Ý][A-Za-zà-ÿ'-]+(?:\s+[A-ZÀ-Ý][A-Za-zà-ÿ'-]+)+$"),
}
#: Columns whose values are checked for names (free text elsewhere, e.g. relay names, is legitimate).
_NAME_VALUE_COLUMNS = {"participant_id", "family_id"}
_SAMPLE = 500
_SHARE = 0.5


def personal_header_kind(header: str) -> str | None:
    """The kind of personal data a column header denotes, or None.

    Examples
    --------
    >>> personal_header_kind("Prénom")
    'name'
    >>> personal_header_kind("commune") is None
    True
    """
    return _HEADER_LOOKUP.get(fold(header))


def kind_label(kind: str) -> str:
    """The words of a kind of personal data, French then English (``"téléphone / phone"``), as messages show it.

    Examples
    --------
    >>> kind_label("phone"), kind_label("email")
    ('téléphone / phone', 'e-mail')
    """
    fr, en = text_pair(f"intake.personal_kind.{kind}")
    return fr if fr == en else f"{fr} / {en}"


def _message(kind: str, column: str, source: str, reason: str) -> PersonalDataError:
    fields = dict(column=column, kind=kind_label(kind))
    return PersonalDataError(
        *(text("intake_error.personal_data_column", lang, reason=text(reason, lang), **fields)
          for lang in ("fr", "en")),
        file=source,
        column=column,
    )


def check_no_personal_data(frame: pd.DataFrame, source: str, unmatched: list[str], canonical: dict[str, str]) -> None:
    """Raise if a table holds a column that looks like directly identifying data.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table as read (original headers).
    source : str
        File name, for the message.
    unmatched : list of str
        Headers that matched no column of the contract (checked by name and by value).
    canonical : dict
        Original header -> canonical column name, for the columns that matched
        (checked by value: an ``participant_id`` column full of e-mails is refused).

    Raises
    ------
    PersonalDataError
        At the first column that looks like names, e-mails, phone numbers, street
        addresses, national register numbers or full birth dates.
    """
    for header in unmatched:
        kind = personal_header_kind(header)
        if kind:
            raise _message(kind, header, source, "intake.looks_like_personal_data")
    for header in list(frame.columns):
        values = frame[header].iloc[: _SAMPLE * 4].dropna()  # a sample is enough to see what a column holds
        if values.empty:
            continue
        sample = values.iloc[:_SAMPLE].astype(str)
        for kind, pattern in _VALUE_PATTERNS.items():
            if kind == "name" and canonical.get(header) not in _NAME_VALUE_COLUMNS:
                continue
            if canonical.get(header) in {"date", "opened", "closed", "valid_from", "valid_to", "birth_year",
                                          "latitude", "longitude", "n_parents", "n_children"}:
                continue
            share = sample.str.contains(pattern).mean()
            if share >= _SHARE:
                raise PersonalDataError(
                    *(text("intake_error.personal_data_column", lang, column=header, kind=kind_label(kind),
                           reason=text("intake.values_look_personal", lang, share=share)) for lang in ("fr", "en")),
                    file=source, column=header)
