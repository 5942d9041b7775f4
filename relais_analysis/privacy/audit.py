"""Attack a publication as a determined reader would: what can be proven about each masked cell?

:func:`audit_folder`, :func:`audit_sites` and :func:`audit_report` (``relais audit
SITE_DIR``) read the tables already published (every ``tables.json`` under a folder:
the indicator tables, the outcome tables listed beside them, and the figures' data
listed in ``figures/tables.json`` of the same report) and run on them the attack of
:mod:`relais_analysis.privacy.audit_solver` (:func:`audit_system`, re-exported here):
for each masked quantity, the interval of values everything published allows.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path

import pandas as pd

from relais_analysis.errors import InputDataError
from relais_analysis.i18n import text, text_pair
from relais_analysis.privacy.audit_solver import AuditResult, audit_system, min_values
from relais_analysis.privacy.masked import SUPPRESSED
from relais_analysis.privacy.links import Key, LinkedSystem, build_system, scope_of

__all__ = ["AuditResult", "audit_folder", "audit_report", "audit_sites", "audit_system", "min_values",
           "read_published_folder"]

# --------------------------------------------------------------------------- published folders

def _cell(value: str, count: bool) -> object:
    value = value.strip()
    if value == "":
        return pd.NA
    try:
        number = float(value)
    except ValueError:
        return SUPPRESSED  # the masked label, whatever its wording ("< 5", "n.p.", ...)
    if count:
        return int(number) if number.is_integer() else number
    return value  # rates keep their printed digits (see publication_links._rate_value)


#: Suffix of the label of a report's figure data in the linked system (``"W (figures)"``).
FIGURES = " (figures)"


def _base_scope(label: str) -> str:
    return label[: -len(FIGURES)] if label.endswith(FIGURES) else label


def _read_table(path: Path, name: str, counts: set[str]) -> pd.DataFrame:
    """One published CSV through its contract, count and rate cells read as the attack needs them."""
    from relais_analysis.privacy.links import RATES
    from relais_analysis.privacy.outcome_links import is_outcome_table, outcome_count_columns
    from relais_analysis.privacy.published_csv import read_published_text

    frame = read_published_text(path)  # machine names and notation
    if is_outcome_table(name):
        counts = set(outcome_count_columns(name, frame))
    rates = set(RATES.get(name, {}))
    for column in frame.columns:
        if column in counts or column in rates:
            frame[column] = pd.Series([_cell(v, column in counts) for v in frame[column]], index=frame.index,
                                      dtype=object)
    return frame


def _read_manifest(manifest: Path) -> tuple[dict, dict[str, pd.DataFrame]]:
    """A manifest and the tables it lists, with the older unlisted ``outcomes_*.csv`` beside it."""
    from relais_analysis.indicators.tables import PEOPLE_COUNTS

    meta = json.loads(manifest.read_text(encoding="utf-8"))
    tables: dict[str, pd.DataFrame] = {}
    listed = set()
    for entry in meta["tables"]:
        name = entry["table"]
        counts = set(entry.get("people_count_columns", []))
        if entry.get("figure"):  # a figure's data: the counts of the table it shows
            counts |= set(PEOPLE_COUNTS.get(name, ([],))[0])
        tables[name] = _read_table(manifest.parent / entry["file"], name, counts)
        listed.add(entry["file"])
    for path in sorted(manifest.parent.glob("outcomes_*.csv")):  # outcome tables written before their entries
        if path.name not in listed:
            tables[path.stem] = _read_table(path, path.stem, set())
    return meta, tables


def read_published_folder(folder: str | Path) -> dict[int, dict[str, dict[str, pd.DataFrame]]]:
    """Published tables of a site, per year and scope, read from CSV files and their manifests.

    Every ``tables.json`` under ``folder`` (written by
    :func:`relais_analysis.indicators.tables.write_tables` and, for the outcome tables,
    :func:`relais_analysis.outcomes.tables.write_outcome_tables`) names a year, a scope
    and the count columns of its tables; each file is read through its contract
    (:func:`relais_analysis.privacy.published_csv.read_published_text`: French or English
    headers back to machine names, shares in percent back to proportions with their
    printed precision). A count cell that is not a number is masked (any label), an
    empty one is "no data". The data of a report's figures (``figures/tables.json``,
    :func:`relais_analysis.privacy.published_csv.write_figure_table`) comes back as a
    set of its own, labelled ``<scope> (figures)``, with the year and scope of the
    report's ``tableaux/tables.json``.

    Raises
    ------
    InputDataError
        No manifest under ``folder``, or a manifest or table that cannot be read.
    """
    folder = Path(folder)
    manifests = sorted(folder.rglob("tables.json")) if folder.is_dir() else []
    out: dict[int, dict[str, dict[str, pd.DataFrame]]] = defaultdict(dict)
    read = 0
    for manifest in manifests:
        try:
            if _is_figures(manifest):
                continue  # read with its report's tables
            read += 1
            meta, tables = _read_manifest(manifest)
            year = int(meta["year"])
            figures = manifest.parent.parent / "figures" / "tables.json"
            figure_tables = _read_manifest(figures)[1] if manifest.parent.name == "tableaux" and \
                figures.is_file() else {}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputDataError(*text_pair("audit.unreadable_tables", folder=manifest.parent, error=exc)) from exc
        relay = meta.get("relay_id")
        if relay is None and meta.get("province_nis") is None and "reach_by_province" not in tables:
            origin = tables.get("territory_vs_residence")
            if origin is not None and len(origin) == 1:
                relay = str(origin["relay_id"].iloc[0])  # a relay sheet written before manifests named the relay
        scope = meta.get("scope") or scope_of(meta.get("province_nis"), relay)
        out[year][scope] = tables
        if figure_tables:
            out[year][scope + FIGURES] = figure_tables
    if not read:
        raise InputDataError(*text_pair("audit.no_manifest", folder=folder))
    return dict(out)


def _is_figures(manifest: Path) -> bool:
    """Whether a manifest lists figures' data only (written by ``write_figure_table``)."""
    meta = json.loads(manifest.read_text(encoding="utf-8"))
    return isinstance(meta, dict) and bool(meta.get("figures"))


def audit_folder(folder: str | Path) -> dict[int, tuple[LinkedSystem, AuditResult]]:
    """Run the attack on every year published under ``folder``, each year on its own.

    Raises
    ------
    InputDataError
        See :func:`read_published_folder`.
    """
    results = {}
    for year, scopes in sorted(read_published_folder(folder).items()):
        labels = {label: (_base_scope(label), year) for label in scopes}
        system = build_system(scopes, year, strict=False, labels=labels)
        results[year] = (system, audit_system(system, exact=True))
    return results


def audit_sites(*folders: str | Path) -> tuple[str, LinkedSystem, AuditResult]:
    """Run the attack on everything published under several folders at once.

    Two builds of different years republish the rows of past years (reach per year,
    new and returning parents, retention): a reader holds both sites, so both are
    attacked as one system. Table sets are labelled ``scope@year`` (and ``#k`` for
    the k-th folder when two folders publish the same year) as soon as more than one
    publication is read; a number shown with different values by two builds (data
    corrected in between) is read as two quantities.

    Returns
    -------
    label, system, result
        ``label`` names the publication years (``"2024"``, ``"2024+2025"``).

    Raises
    ------
    InputDataError
        See :func:`read_published_folder`.
    """
    read = [(k, year, scopes) for k, folder in enumerate(folders)
            for year, scopes in sorted(read_published_folder(folder).items())]
    years = [year for _, year, _ in read]
    sets: dict[str, dict[str, pd.DataFrame]] = {}
    labels: dict[str, tuple[str, int]] = {}
    for k, year, scopes in read:
        for scope, tables in scopes.items():
            label = scope if len(read) == 1 else f"{scope}@{year}" + (f"#{k + 1}" if years.count(year) > 1 else "")
            sets[label], labels[label] = tables, (_base_scope(scope), year)
    system = build_system(sets, years[0], strict=False, labels=labels)
    return "+".join(str(y) for y in sorted(set(years))), system, audit_system(system, exact=True)


def _fmt_interval(lo: float, hi: float) -> str:
    return f"[{lo:g} ; {'∞' if hi == math.inf else f'{hi:g}'}]"


def audit_report(*folders: str | Path) -> tuple[list[str], int]:
    """Lines printed by ``relais audit`` and its exit code.

    Everything published under ``folders`` is attacked together (:func:`audit_sites`).
    Per published table: masked cells, cells a reader can pin to one value, cells of
    people left with fewer than 3 possible values, and the narrowest interval.

    Returns
    -------
    lines, code
        ``code`` is 0 when every masked cell keeps enough possible values, 1 when
        one does not (or tables contradict each other).

    Raises
    ------
    InputDataError
        See :func:`read_published_folder` (the CLI exits with 2).
    """
    lines, code = [], 0
    label, system, result = audit_sites(*folders)
    per_table: dict[str, list[Key]] = defaultdict(list)
    for key in list(result.intervals) + result.inconsistent:
        for table in system.tables_of(key):
            per_table[table].append(key)
    lines.append(text("audit.summary", "fr", label=label, masked=len(result.intervals) + len(result.inconsistent),
                      recoverable=len(result.recoverable), narrow=len(result.unsafe) - len(result.recoverable)))
    for table in sorted(per_table):
        keys = per_table[table]
        exact = [k for k in keys if k in result.intervals]
        recoverable = sum(k in result.recoverable for k in keys)
        narrow = sum(k in result.unsafe for k in keys) - recoverable
        if exact:
            key = min(exact, key=lambda k: (result.intervals[k][1] - result.intervals[k][0], k))
            shown = f"{_fmt_interval(*result.intervals[key])} ({key[0]})"
        else:
            shown = "-"
        lines.append(text("audit.per_table", "fr", table=table, masked=len(keys), recoverable=recoverable,
                          narrow=narrow, shown=shown))
    for key in result.unsafe[:200]:
        lines.append(text("audit.unsafe", "fr", quantity=key, interval=_fmt_interval(*result.intervals[key]),
                          tables=", ".join(system.tables_of(key))))
    if len(result.unsafe) > 200:
        lines.append(f"  ! ... (+{len(result.unsafe) - 200})")
    if result.inconsistent:
        lines.append(text("audit.inconsistent", "fr", n=len(result.inconsistent)))
    if system.conflicts:
        lines.append(text("audit.conflicts", "fr", n=len(system.conflicts)))
    lines.append(f"  audit : {result.seconds:.1f} s")
    if result.unsafe or result.inconsistent:
        code = 1
    return lines, code
