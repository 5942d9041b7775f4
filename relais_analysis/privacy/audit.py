"""Attack a publication as a determined reader would: what can be proven about each masked cell?

Every masked cell hides a count of at least 1 (zeros are never masked); every
published number, total, breakdown, hierarchy (Wallonia > provinces > relays) and
published share is a linear relation between quantities
(:mod:`relais_analysis.privacy.links`). Integer programming
(``scipy.optimize.milp``, HiGHS) gives, for each masked quantity, the smallest and
largest value consistent with everything published: its *interval*.

A masked quantity is *safe* when its interval holds at least 2 values, and at least
3 for a count of people (parents, children, families). :func:`audit_system` is
run on every build by :mod:`relais_analysis.privacy.linked`;
:func:`audit_folder` runs the same attack on CSV tables already published
(``relais audit SITE_DIR``).
"""

from __future__ import annotations

import json
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from relais_analysis.errors import InputDataError
from relais_analysis.privacy.masked import SUPPRESSED, is_suppressed
from relais_analysis.privacy.links import PEOPLE_MEASURES, Key, LinkedSystem, build_system, scope_of

__all__ = ["AuditResult", "audit_folder", "audit_report", "audit_sites", "audit_system", "min_values",
           "read_published_folder"]

def min_values(key: Key) -> int:
    """Possible values a masked quantity must keep: 3 for people (outcome respondents too), 2 otherwise."""
    return 3 if key[0] in PEOPLE_MEASURES or key[0].startswith("outcome") else 2


@dataclass
class AuditResult:
    """Intervals of the masked quantities of a publication.

    Attributes
    ----------
    intervals : dict
        Masked quantity -> (lowest, highest) value a reader can prove (``inf`` when
        unbounded). For quantities certified safe by sampled solutions, the interval
        is the range of those solutions (a lower bound of the true width), unless
        ``exact`` was asked.
    unsafe : list
        Masked quantities with fewer possible values than :func:`min_values`.
    inconsistent : list
        Masked quantities whose relations have no solution at all (tables that
        contradict each other: the links do not describe them).
    seconds : float
    """

    intervals: dict[Key, tuple[float, float]] = field(default_factory=dict)
    unsafe: list[Key] = field(default_factory=list)
    inconsistent: list[Key] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def recoverable(self) -> list[Key]:
        """Masked quantities pinned to a single value."""
        return [k for k in self.unsafe if self.intervals[k][1] - self.intervals[k][0] < 0.5]

    def narrowest(self) -> tuple[Key, tuple[float, float]] | None:
        """The masked quantity with the fewest possible values, and its interval."""
        if not self.intervals:
            return None
        key = min(self.intervals, key=lambda k: (self.intervals[k][1] - self.intervals[k][0], k))
        return key, self.intervals[key]


class _Components:
    """Union-find over variable indices."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)


def _rows(system: LinkedSystem, masked: set[Key]) -> tuple[list[Key], list[tuple[dict[int, float], float, float]]]:
    """Relations as rows over variables (masked and unpublished quantities), constants folded in."""
    index: dict[Key, int] = {}
    variables: list[Key] = []
    rows = []
    for rel in system.relations:
        coefs: dict[int, float] = defaultdict(float)
        constant = 0.0
        for key, coef in rel.terms:
            value = system.values.get(key, pd.NA)
            if key in masked or is_suppressed(value) or value is pd.NA:
                if key not in index:
                    index[key] = len(variables)
                    variables.append(key)
                coefs[index[key]] += coef
            else:
                constant += coef * float(value)
        if coefs:
            rows.append((dict(coefs), rel.lo - constant, rel.hi - constant))
    return variables, rows


def audit_system(system: LinkedSystem, masked: set[Key] | None = None, *, exact: bool = False,
                 cache: dict | None = None) -> AuditResult:
    """Interval of every masked quantity given everything else published.

    Parameters
    ----------
    system : LinkedSystem
        From :func:`~relais_analysis.privacy.links.build_system`.
    masked : set of Key, optional
        Quantities masked (in addition to cells of ``system`` already holding
        :data:`~relais_analysis.privacy.masked.SUPPRESSED`).
    exact : bool
        Compute the exact interval of every masked quantity (two integer programs
        each); by default many quantities are proven safe together and only the
        others are solved individually.
    cache : dict, optional
        Results per connected component (the same variables give the same
        relations): pass the same dict to successive audits of one system while
        masking more cells, and only the components that changed are solved again.

    Returns
    -------
    AuditResult
    """
    started = time.perf_counter()
    masked = set(masked or ()) | {k for k, v in system.values.items() if is_suppressed(v)}
    variables, rows = _rows(system, masked)
    result = AuditResult()
    for key in masked:  # masked quantities in no relation: anything from 1 up
        result.intervals[key] = (1.0, math.inf)
    if not variables:
        result.seconds = time.perf_counter() - started
        return result
    comps = _Components(len(variables))
    for coefs, _, _ in rows:
        first = next(iter(coefs))
        for j in coefs:
            comps.union(first, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for j in range(len(variables)):
        groups[comps.find(j)].append(j)
    rows_of: dict[int, list[int]] = defaultdict(list)
    for r, (coefs, _, _) in enumerate(rows):
        rows_of[comps.find(next(iter(coefs)))].append(r)
    big = 10.0 * max([abs(float(v)) for v in system.values.values() if isinstance(v, (int, float))] + [10.0])
    for root, members in groups.items():
        targets = [j for j in members if variables[j] in masked]
        if not targets:
            continue
        signature = (exact, frozenset(variables[j] for j in members), frozenset(variables[j] for j in targets))
        if cache is not None and signature in cache:
            intervals, inconsistent = cache[signature]
            result.intervals.update(intervals)
            result.inconsistent.extend(inconsistent)
            continue
        part = AuditResult()
        _solve_component(variables, members, [rows[r] for r in rows_of[root]], masked, targets, part, big, exact)
        result.intervals.update(part.intervals)
        result.inconsistent.extend(part.inconsistent)
        if cache is not None:
            cache[signature] = (part.intervals, part.inconsistent)
    for key in result.inconsistent:
        result.intervals.pop(key, None)
    for key in system.revealed:  # masked in one table, shown in another
        value = float(system.values[key])
        result.intervals[key] = (value, value)
    result.unsafe = sorted(k for k, (lo, hi) in result.intervals.items() if hi - lo + 1 < min_values(k) - 1e-6)
    result.seconds = time.perf_counter() - started
    return result


def _solve_component(variables: list[Key], members: list[int], rows: list, masked: set[Key], targets: list[int],
                     result: AuditResult, big: float, exact: bool) -> None:
    local = {j: n for n, j in enumerate(members)}
    n = len(members)
    r_idx, c_idx, data, lo, hi = [], [], [], [], []
    for r, (coefs, low, high) in enumerate(rows):
        for j, coef in coefs.items():
            r_idx.append(r)
            c_idx.append(local[j])
            data.append(coef)
        lo.append(low)
        hi.append(high)
    matrix = coo_matrix((data, (r_idx, c_idx)), shape=(len(rows), n)).tocsr()
    constraint = LinearConstraint(matrix, np.array(lo), np.array(hi))
    lower = np.array([1.0 if variables[j] in masked else 0.0 for j in members])
    integrality = np.ones(n)

    def solve(objective: np.ndarray, upper: float) -> np.ndarray | None:
        res = milp(objective, constraints=constraint, integrality=integrality,
                   bounds=Bounds(lower, np.full(n, upper)), options={"presolve": True})
        return res.x if res.status == 0 and res.x is not None else None

    pending = list(targets)
    if not exact:
        pending = _certify(matrix, np.array(lo), np.array(hi), lower, big, variables, members, local, pending, result)
    for j in pending:
        k, key = local[j], variables[j]
        unit = np.zeros(n)
        unit[k] = 1.0
        low_point = solve(unit, np.inf)
        if low_point is None:
            result.inconsistent.append(key)
            continue
        high_point = solve(-unit, np.inf)
        low = float(np.round(low_point[k])) if low_point is not None else lower[k]
        high = float(np.round(high_point[k])) if high_point is not None else math.inf
        result.intervals[key] = (low, high)


def _certify(matrix, lo: np.ndarray, hi: np.ndarray, lower: np.ndarray, big: float, variables: list[Key],
             members: list[int], local: dict[int, int], pending: list[int], result: AuditResult) -> list[int]:
    """Prove many masked quantities safe at once; return those left to solve one by one.

    Two integer solutions ``x`` and ``y`` of the component are sought that maximise
    the number of pending targets ``t`` with ``x_t - y_t >= w_t`` (``w_t``: required
    number of values - 1; binary ``b_t`` marks them, big-M otherwise): each such
    target has two solutions that far apart, so it keeps enough possible values.
    Targets competing with each other (``a + b`` known) are retried in later rounds
    without the ones already proven.
    """
    from scipy.sparse import bmat, csr_matrix

    n = matrix.shape[1]
    for _ in range(6):
        if not pending:
            break
        cols = np.array([local[j] for j in pending])
        t = len(cols)
        width = np.array([min_values(variables[j]) - 1.0 for j in pending])
        pick = csr_matrix((np.ones(t), (np.arange(t), cols)), shape=(t, n))
        flag = csr_matrix((-(width + big), (np.arange(t), np.arange(t))), shape=(t, t))
        big_a = bmat([[matrix, None, None], [None, matrix, None], [pick, -pick, flag]], format="csr")
        low = np.concatenate([lo, lo, np.full(t, -big)])  # x_t - y_t - (w_t + M) b_t >= -M
        high = np.concatenate([hi, hi, np.full(t, np.inf)])
        bounds = Bounds(np.concatenate([lower, lower, np.zeros(t)]),
                        np.concatenate([np.full(2 * n, big), np.ones(t)]))
        objective = np.concatenate([np.zeros(2 * n), -np.ones(t)])
        res = milp(objective, constraints=LinearConstraint(big_a, low, high), integrality=np.ones(2 * n + t),
                   bounds=bounds, options={"presolve": True})
        if res.status == 2:
            result.inconsistent.extend(variables[j] for j in pending)
            return []
        if res.status != 0 or res.x is None:
            break
        x, y = np.round(res.x[:n]), np.round(res.x[n:2 * n])
        left = []
        for j, k, w in zip(pending, cols, width):
            if x[k] - y[k] >= w - 1e-6:
                result.intervals[variables[j]] = (float(y[k]), float(x[k]))
            else:
                left.append(j)
        if len(left) == len(pending):
            break
        pending = left
    return pending


# --------------------------------------------------------------------------- published folders

def _cell(text: str, count: bool) -> object:
    text = text.strip()
    if text == "":
        return pd.NA
    try:
        number = float(text)
    except ValueError:
        return SUPPRESSED  # the masked label, whatever its wording ("< 5", "n.p.", ...)
    if count:
        return int(number) if number.is_integer() else number
    return text  # rates keep their printed digits (see publication_links._rate_value)


def read_published_folder(folder: str | Path) -> dict[int, dict[str, dict[str, pd.DataFrame]]]:
    """Published tables of a site, per year and scope, read from CSV files and their manifests.

    Every ``tables.json`` under ``folder`` (written by
    :func:`relais_analysis.indicators.tables.write_tables`) names a year, a scope and the
    count columns of its tables; each file is read through its contract
    (:func:`relais_analysis.privacy.published_csv.read_published_text`: French or English
    headers back to machine names, shares in percent back to proportions with their
    printed precision). A count cell that is not a number is masked
    (any label), an empty one is "no data".

    Raises
    ------
    InputDataError
        No manifest under ``folder``, or a manifest or table that cannot be read.
    """
    from relais_analysis.indicators.tables import RATES as _  # noqa: F401  (keeps the table registry importable)
    from relais_analysis.privacy.links import RATES
    from relais_analysis.privacy.published_csv import read_published_text

    folder = Path(folder)
    manifests = sorted(folder.rglob("tables.json")) if folder.is_dir() else []
    if not manifests:
        raise InputDataError(f"Aucun tableau publié (tables.json) sous {folder}.",
                             f"No published tables (tables.json) under {folder}.")
    out: dict[int, dict[str, dict[str, pd.DataFrame]]] = defaultdict(dict)
    for manifest in manifests:
        try:
            meta = json.loads(manifest.read_text(encoding="utf-8"))
            year = int(meta["year"])
            tables: dict[str, pd.DataFrame] = {}
            for entry in meta["tables"]:
                frame = read_published_text(manifest.parent / entry["file"])  # machine names and notation
                counts = set(entry.get("people_count_columns", []))
                rates = set(RATES.get(entry["table"], {}))
                for column in frame.columns:
                    if column in counts or column in rates:
                        frame[column] = pd.Series([_cell(v, column in counts) for v in frame[column]],
                                                  index=frame.index, dtype=object)
                tables[entry["table"]] = frame
            tables.update(_outcome_tables(manifest.parent))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputDataError(f"Tableaux illisibles dans {manifest.parent} : {exc}",
                                 f"Unreadable tables in {manifest.parent}: {exc}") from exc
        relay = meta.get("relay_id")
        if relay is None and meta.get("province_nis") is None and "reach_by_province" not in tables:
            origin = tables.get("territory_vs_residence")
            if origin is not None and len(origin) == 1:
                relay = str(origin["relay_id"].iloc[0])  # a relay sheet written before manifests named the relay
        scope = meta.get("scope") or scope_of(meta.get("province_nis"), relay)
        out[year][scope] = tables
    return dict(out)


def _outcome_tables(folder: Path) -> dict[str, pd.DataFrame]:
    """The outcome chapter's CSV tables beside a manifest (named ``outcomes_*.csv``, read by their names)."""
    from relais_analysis.privacy.outcome_links import outcome_count_columns
    from relais_analysis.privacy.links import RATES
    from relais_analysis.privacy.published_csv import read_published_text

    tables = {}
    for path in sorted(folder.glob("outcomes_*.csv")):
        frame = read_published_text(path)
        name = path.stem
        counts = set(outcome_count_columns(name, frame))
        rates = set(RATES.get(name, {}))
        for column in frame.columns:
            if column in counts or column in rates:
                frame[column] = pd.Series([_cell(v, column in counts) for v in frame[column]], index=frame.index,
                                          dtype=object)
        tables[name] = frame
    return tables


def audit_folder(folder: str | Path) -> dict[int, tuple[LinkedSystem, AuditResult]]:
    """Run the attack on every year published under ``folder``, each year on its own.

    Raises
    ------
    InputDataError
        See :func:`read_published_folder`.
    """
    results = {}
    for year, scopes in sorted(read_published_folder(folder).items()):
        system = build_system(scopes, year, strict=False)
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
            sets[label], labels[label] = tables, (scope, year)
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
    lines.append(f"{label} : {len(result.intervals) + len(result.inconsistent)} valeur(s) masquée(s) / masked, "
                 f"{len(result.recoverable)} retrouvable(s) / recoverable, "
                 f"{len(result.unsafe) - len(result.recoverable)} trop étroite(s) / too narrow")
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
        lines.append(f"  {table}: {len(keys)} masquée(s), {recoverable} retrouvable(s), {narrow} trop étroite(s), "
                     f"intervalle le plus étroit / narrowest {shown}")
    for key in result.unsafe[:200]:
        lines.append(f"  ! {key} = {_fmt_interval(*result.intervals[key])} dans / in "
                     f"{', '.join(system.tables_of(key))}")
    if len(result.unsafe) > 200:
        lines.append(f"  ! ... (+{len(result.unsafe) - 200})")
    if result.inconsistent:
        lines.append(f"  ! {len(result.inconsistent)} valeur(s) dans des tableaux contradictoires / "
                     "in contradictory tables")
    if system.conflicts:
        lines.append(f"  note : {len(system.conflicts)} case(s) lue(s) comme distinctes (tableaux d'une autre "
                     "version) / cells read as distinct (tables of another version)")
    lines.append(f"  audit : {result.seconds:.1f} s")
    if result.unsafe or result.inconsistent:
        code = 1
    return lines, code
