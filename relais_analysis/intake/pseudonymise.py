"""Turn names into stable pseudonymous codes with a keyed hash (HMAC-SHA256).

For relays whose lists carry names: the identifying columns (e.g. last name, first
name, birth date) are combined, normalised (case, accents, spaces, date format) and
hashed with a secret key kept in a local file. The same person gets the same code in
every file and every year as long as the same key is used; without the key, codes
cannot be linked back to names (the key never leaves the relay's computer and is
never written to any output). Every column that looks like personal data is removed
from the output. The procedure is documented in French in ``docs/pseudonymisation.md``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from relais_analysis.errors import InputDataError, ParameterError
from relais_analysis.intake.personal_data import check_no_personal_data, personal_header_kind
from relais_analysis.intake.readers import read_table_file
from relais_analysis.privacy.safe_csv import write_csv
from relais_analysis.intake.schema import fold
from relais_analysis.text_folding import strip_accents
from relais_analysis.texts import text, text_pair

__all__ = ["PseudonymisationResult", "load_or_create_key", "probable_duplicates", "pseudonymise_file",
           "pseudonymous_code"]

#: Length of the hexadecimal part of a code (48 bits: collisions negligible below 10^6 people).
CODE_HEX_LENGTH = 12
_KEY_BYTES = 32


def load_or_create_key(path: str | Path) -> tuple[bytes, bool]:
    """Read the secret key, or create a new random one (file mode 600).

    Returns
    -------
    (bytes, bool)
        The key and whether it was just created.

    Raises
    ------
    ParameterError
        If the file exists but does not hold a key of the expected form.
    """
    path = Path(path)
    if path.exists():
        text = path.read_text(encoding="ascii", errors="replace").strip()
        if not re.fullmatch(r"[0-9a-f]{64}", text):
            raise ParameterError(
                *text_pair("intake_error.invalid_key_file", path=path),
            )
        return bytes.fromhex(text), False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(_KEY_BYTES) + "\n")
    return bytes.fromhex(path.read_text(encoding="ascii").strip()), True


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Typographic apostrophes and dashes, folded to a space like their plain forms.
_PUNCTUATION = str.maketrans({c: " " for c in "'’‘´`-‐‑–—\u00a0\u202f"})


def _normalise(value: object) -> str:
    """Fold one identifying value: dates to ISO; case, accents, hyphens, apostrophes, spaces alike.

    Examples
    --------
    >>> _normalise("Marie-Claire") == _normalise("Marie Claire") == _normalise(" marie  claire ")
    True
    >>> _normalise("D’Hondt") == _normalise("d'hondt") == _normalise("D HONDT")
    True
    >>> _normalise("03/07/1985"), _normalise("1985-07-03 00:00:00")
    ('1985-07-03', '1985-07-03')
    """
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    if text in {"<NA>", "nan"}:
        text = ""
    dmy = re.fullmatch(r"\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*", text)
    if dmy:
        text = f"{dmy.group(3)}-{int(dmy.group(2)):02d}-{int(dmy.group(1)):02d}"
    text = re.sub(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?$", r"\1", text.strip())
    if _ISO_DATE.match(text):
        return text
    text = strip_accents(text.translate(_PUNCTUATION))
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def pseudonymous_code(values: list[object], key: bytes, prefix: str = "P") -> str:
    """Keyed code of a person from identifying values.

    Examples
    --------
    >>> key = bytes(32)
    >>> pseudonymous_code(["Dupont", "Marie", "03/07/1985"], key) == pseudonymous_code(
    ...     ["DUPONT ", "marie", "1985-07-03"], key)
    True
    """
    message = "|".join(_normalise(v) for v in values).encode("utf-8")
    return prefix + hmac.new(key, message, hashlib.sha256).hexdigest()[:CODE_HEX_LENGTH]


@dataclass
class PseudonymisationResult:
    """What :func:`pseudonymise_file` did: rows, identifying and dropped columns, key status."""

    rows: int
    identifying_columns: list[str]
    family_columns: list[str]
    dropped_columns: list[str]
    key_created: bool
    output: Path
    #: Probable duplicates: groups of spreadsheet row numbers with the same normalised name and birth
    #: year but different codes (a typo in a birth date, or two spellings of a name that did not fold).
    probable_duplicates: list[list[int]] = field(default_factory=list)


def _identifying(frame: pd.DataFrame) -> list[str]:
    kinds = {"name", "birth_date"}
    return [c for c in frame.columns if personal_header_kind(c) in kinds]


def _birth_year(value: object) -> str:
    match = re.search(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)", _normalise(value))
    return match.group(1) if match else ""


def probable_duplicates(frame: pd.DataFrame, columns: list[str], codes: pd.Series) -> list[list[int]]:
    """Rows that share a normalised name and a birth year under different codes.

    Parameters
    ----------
    frame : DataFrame
        The list as read (original headers).
    columns : list of str
        Identifying columns: those that look like names make the name, a full birth
        date (or a birth-year column of ``frame``) gives the year.
    codes : Series
        Code of each row.

    Returns
    -------
    list of list of int
        Spreadsheet row numbers (header = 1) of each group, in row order.

    Examples
    --------
    >>> frame = pd.DataFrame({"nom": ["Dupont", "DUPONT", "Martin"], "prénom": ["Marie-Claire", "marie claire", "Jo"],
    ...                       "date de naissance": ["03/07/1985", "07/03/1985", "01/01/1980"]})
    >>> probable_duplicates(frame, ["nom", "prénom", "date de naissance"], pd.Series(["Pa", "Pb", "Pc"]))
    [[2, 3]]
    """
    names = [c for c in columns if personal_header_kind(c) == "name"]
    births = [c for c in columns if personal_header_kind(c) == "birth_date"]
    if not births:
        births = [c for c in frame.columns if fold(c) in {"annee_de_naissance", "annee_naissance", "naissance",
                                                          "birth_year"}]
    if not names or not births:
        return []
    name = frame[names].apply(lambda row: " ".join(_normalise(v) for v in row), axis=1)
    year = frame[births[0]].map(_birth_year)
    keys = pd.DataFrame({"name": name, "year": year, "code": codes.to_numpy(), "row": range(2, len(frame) + 2)})
    keys = keys[(keys["name"] != "") & (keys["year"] != "")]
    groups = []
    for _key, group in keys.groupby(["name", "year"], sort=False):
        if group["code"].nunique() > 1:
            groups.append(group["row"].tolist())
    return sorted(groups)


def pseudonymise_file(
    input_path: str | Path,
    output_path: str | Path,
    key_file: str | Path,
    *,
    columns: list[str] | None = None,
    family_columns: list[str] | None = None,
    id_column: str = "participant_id",
) -> PseudonymisationResult:
    """Replace identifying columns by a pseudonymous code; drop every personal column.

    Parameters
    ----------
    input_path : str or Path
        CSV or XLSX list with names.
    output_path : str or Path
        CSV written (UTF-8) without any name left.
    key_file : str or Path
        Secret key file; created if missing. Must not be the output.
    columns : list of str, optional
        Identifying columns hashed together (default: every column that looks like a
        name or a full birth date, e.g. ``nom``, ``prénom``, ``date de naissance``).
    family_columns : list of str, optional
        Columns identifying the family (e.g. the parent's name and birth date on a
        child's row), hashed into ``family_id`` (prefix ``F``).
    id_column : str, default "participant_id"
        Name of the code column written.

    Raises
    ------
    ParameterError
        No identifying column found, a named column is absent, or the key would be
        written inside the output.
    """
    input_path, output_path, key_file = Path(input_path), Path(output_path), Path(key_file)
    if output_path.resolve() == key_file.resolve() or input_path.resolve() == key_file.resolve():
        raise ParameterError(*text_pair("intake_error.key_is_input_or_output"))
    frame = read_table_file(input_path, "pseudonymise").frame
    columns = columns or _identifying(frame)
    family_columns = family_columns or []
    if not columns:
        raise ParameterError(
            *text_pair("intake_error.no_name_column", file=input_path.name),
        )
    absent = [c for c in [*columns, *family_columns] if c not in frame.columns]
    if absent:
        raise ParameterError(*text_pair("intake_error.missing_columns", absent=absent, columns=list(frame.columns)))
    key, created = load_or_create_key(key_file)
    out = frame.copy()
    empty = out[columns].isna().all(axis=1)
    if empty.any():
        row = int(empty.to_numpy().argmax()) + 2
        raise InputDataError(*text_pair("intake_error.row_without_identifier"),
                             file=input_path.name, row=row)
    out.insert(0, id_column, [pseudonymous_code(v, key, "P") for v in out[columns].itertuples(index=False)])
    duplicates = probable_duplicates(frame, columns, out[id_column])
    if family_columns:
        out.insert(1, "family_id", [pseudonymous_code(v, key, "F") for v in out[family_columns].itertuples(index=False)])
    personal = [c for c in frame.columns if personal_header_kind(c)]
    dropped = list(dict.fromkeys([*columns, *family_columns, *personal]))
    out = out.drop(columns=dropped)
    check_no_personal_data(out, output_path.name, [c for c in out.columns if c not in (id_column, "family_id")],
                           {id_column: "participant_id", "family_id": "family_id"})
    output_path.parent.mkdir(parents=True, exist_ok=True)
    write_csv(out, output_path)
    return PseudonymisationResult(len(out), columns, family_columns, dropped, created, output_path, duplicates)
