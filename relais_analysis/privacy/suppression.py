"""Small-cell protection at the publishing boundary.

Every table that leaves the package (CSV for funders, charts, maps, reports) goes
through two steps:

1. :func:`suppress_small_counts` masks every count from 1 to ``threshold - 1``
   (*primary* suppression) and enough other counts that no masked value can be
   recomputed from row or column totals (*secondary* suppression). Masked cells
   hold the :data:`SUPPRESSED` sentinel; outputs render it as ``"n.p."``
   (:func:`masked_label`) with the footnote "valeur non publiée pour protéger les
   petits effectifs" (:func:`footnote`), true for primary and secondary cells alike.
2. :func:`check_publishable` refuses a table that still holds a small count or a
   column identifying people. :func:`write_published_csv` always calls it.

Cell conventions of a suppressed table
--------------------------------------
- count: a Python ``int`` (``0`` stays ``0``: a zero is never masked);
- masked: :data:`SUPPRESSED`;
- no data: ``pd.NA`` (distinct from zero, never masked);
- rate: a Python ``float`` (or :data:`SUPPRESSED`, or ``pd.NA``).

Count and rate columns of a suppressed table always have ``object`` dtype.

How secondary suppression works
-------------------------------
Each published sum is a linear equation: the cells of a count column add up to
the column total (``additive_rows``) and, in a cross-tab, the count cells of a
row add up to the row total (``additive_columns``). A total is either a cell of
the table (``total_row`` / ``total_column``) or published elsewhere; a total
published elsewhere that is itself between 1 and ``threshold - 1`` cannot be
published (it would fail :func:`check_publishable`), so it is not treated as known.

Seen as a graph whose nodes are the equations and whose edges are the masked
cells (a cell belongs to at most two equations), a masked cell can be recomputed
exactly if and only if it lies on no cycle (it is a *bridge*). Suppression
therefore runs in two phases:

1. the classic rule, until stable in both directions: an equation with exactly
   one masked cell gets a second one, the smallest non-zero, non-masked count
   among its members (ties: first in table order);
2. a repair step: a masked cell that is still a bridge (this happens in
   cross-tabs, where two masked blocks are joined by a single cell) is put on a
   cycle by masking the cheapest chain of counts (smallest total) that closes it.

Zeros and no-data cells are never masked. All masked cells hide a value of at
least 1, so each one can move both up and down without any cell becoming
negative: no masked value can be recovered exactly, even with the constraint
that counts are non-negative. The protection is against exact recovery only:
a masked value may still be known to lie in a narrow interval (two masked 1s
in a column of total 2 are each between 0 and 2).
"""

from __future__ import annotations

import heapq
import itertools
import numbers
from collections import defaultdict, deque
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from relais_analysis.config import DEFAULT_THRESHOLD, MIN_THRESHOLD
from relais_analysis.errors import ParameterError, PrivacyError
from relais_analysis.intake.personal_data import personal_header_kind
from relais_analysis.intake.schema import fold

__all__ = [
    "FORBIDDEN_COLUMNS",
    "PUBLISHABLE_ID_COLUMNS",
    "SUPPRESSED",
    "check_publishable",
    "check_threshold",
    "footnote",
    "is_identifier_column",
    "is_missing",
    "is_suppressed",
    "masked_label",
    "suppress_small_counts",
    "to_publishable_frame",
    "write_published_csv",
]

# Same values as ``i18n.SUPPORTED_LANGS``; repeated here because i18n imports this module.
_LANGS = ("fr", "en")
_NBSP = "\u00a0"

#: Column names (folded: lower case, no accents, ``_`` between words) that identify
#: people and may never be published. :func:`is_identifier_column` also refuses the
#: personal-data headers of :mod:`relais_analysis.intake.personal_data` and ``*_id`` columns.
FORBIDDEN_COLUMNS: frozenset[str] = frozenset(
    {
        # identifiers of people, families and activity sessions
        "id", "participant_id", "family_id", "activity_id", "parent_id", "child_id",
        "person_id", "niss", "rrn", "national_number", "numero_national", "registre_national",
        # names
        "name", "nom", "prenom", "first_name", "firstname", "last_name", "lastname",
        "full_name", "surname", "nom_de_famille",
        # contact details
        "email", "e_mail", "mail", "courriel", "phone", "telephone", "tel", "gsm",
        "mobile", "address", "adresse", "street", "rue",
        # date of birth
        "birth_date", "birthdate", "date_of_birth", "date_naissance", "date_de_naissance",
    }
)
#: Columns ending in ``_id`` that ARE publishable: they identify programme sites or
#: places, not people. Every other ``*_id`` column is refused.
PUBLISHABLE_ID_COLUMNS: frozenset[str] = frozenset(
    {"relay_id", "commune_id", "province_id", "region_id"}
)


# --------------------------------------------------------------------------- sentinel


class _Suppressed:
    """Type of the :data:`SUPPRESSED` sentinel (a singleton).

    - ``repr`` and ``str`` give ``SUPPRESSED``; outputs use :func:`masked_label`.
    - Hashable, picklable and copyable: unpickling/copying gives the same object,
      so ``value is SUPPRESSED`` always works.
    - ``bool(SUPPRESSED)`` is ``True`` (a masked cell always hides a count of at
      least 1) and never raises, unlike ``pd.NA``.
    - ``==`` is identity; ``<``, ``<=``, ``>``, ``>=`` are always ``False`` (like NaN),
      so pandas comparisons and sorting on object columns do not crash.
    - Arithmetic raises ``TypeError``: a sum over masked cells must fail loudly.
    - ``pd.isna(SUPPRESSED)`` is ``False``: masked is not "no data".
    """

    __slots__ = ()
    _instance: _Suppressed | None = None

    def __new__(cls) -> _Suppressed:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "SUPPRESSED"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __reduce__(self) -> str:
        return "SUPPRESSED"

    def __bool__(self) -> bool:
        return True

    def __hash__(self) -> int:
        return hash("relais_analysis.privacy.suppression.SUPPRESSED")

    def __eq__(self, other: object) -> bool:
        return other is self

    def __ne__(self, other: object) -> bool:
        return other is not self

    def __lt__(self, other: object) -> bool:
        return False

    __le__ = __gt__ = __ge__ = __lt__


#: Marker of a masked cell (see :class:`_Suppressed`).
SUPPRESSED = _Suppressed()


def is_suppressed(value: object) -> bool:
    """Whether ``value`` is the :data:`SUPPRESSED` marker."""
    return value is SUPPRESSED


# --------------------------------------------------------------------------- labels


def check_threshold(threshold: object) -> int:
    """Validate a small-cell threshold and return it as an ``int``.

    Raises
    ------
    ParameterError
        If ``threshold`` is not an integer or is below ``MIN_THRESHOLD`` (3).
    """
    if isinstance(threshold, (bool, np.bool_)) or not isinstance(threshold, numbers.Integral):
        raise ParameterError(
            f"Le seuil de masquage doit être un nombre entier, pas {threshold!r}.",
            f"The masking threshold must be a whole number, not {threshold!r}.",
        )
    if threshold < MIN_THRESHOLD:
        raise ParameterError(
            f"Seuil de masquage {threshold!r} trop bas : il doit être au moins "
            f"{MIN_THRESHOLD} (valeur par défaut : {DEFAULT_THRESHOLD}).",
            f"Masking threshold {threshold!r} is too low: it must be at least "
            f"{MIN_THRESHOLD} (default: {DEFAULT_THRESHOLD}).",
        )
    return int(threshold)


def _check_lang(lang: str) -> str:
    if lang not in _LANGS:
        raise ParameterError(
            f"Langue inconnue : {lang!r}. Valeurs possibles : {', '.join(_LANGS)}.",
            f"Unknown language: {lang!r}. Valid values: {', '.join(_LANGS)}.",
        )
    return lang


def masked_label(threshold: int = DEFAULT_THRESHOLD, lang: str = "fr") -> str:
    """Text shown in place of a masked cell: ``"n.p."`` ("non publié" / "not published").

    One label for every masked cell, true for all of them: a cell masked because it
    is small (primary suppression) and a cell masked to protect another one
    (secondary suppression, which may hold any value) read the same, so a reader is
    never told that a masked value is small. Same text in both languages; the
    threshold is still checked (it appears in the methodology, not in the label).

    Examples
    --------
    >>> masked_label(), masked_label(10, "en")
    ('n.p.', 'n.p.')

    Raises
    ------
    ParameterError
        If ``threshold`` is invalid or ``lang`` is not ``"fr"`` or ``"en"``.
    """
    _check_lang(lang)
    check_threshold(threshold)
    return "n.p."


def footnote(threshold: int = DEFAULT_THRESHOLD, lang: str = "fr") -> str:
    """Footnote explaining masked cells, true for every one of them.

    Examples
    --------
    >>> footnote()
    'n.p.\\xa0: valeur non publiée pour protéger les petits effectifs'
    >>> footnote(5, "en")
    'n.p.: value not published to protect small counts'

    Raises
    ------
    ParameterError
        If ``threshold`` is invalid or ``lang`` is not ``"fr"`` or ``"en"``.
    """
    label = masked_label(threshold, lang)
    if _check_lang(lang) == "fr":
        return f"{label}{_NBSP}: valeur non publiée pour protéger les petits effectifs"
    return f"{label}: value not published to protect small counts"


# --------------------------------------------------------------------------- cell helpers


def is_missing(value: object) -> bool:
    """"No data": ``None``, ``pd.NA``, ``NaN`` or ``NaT`` (never :data:`SUPPRESSED`, never zero)."""
    if value is SUPPRESSED or np.ndim(value) != 0:
        return False
    return bool(pd.isna(value))


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _as_count(value: object, column: Hashable, label: Hashable) -> Any:
    """Return ``value`` as a Python int, or ``pd.NA``; refuse anything else."""
    if value is SUPPRESSED:
        raise ParameterError(
            f"La colonne {column!r} (ligne {label!r}) est déjà masquée : appliquez "
            "suppress_small_counts une seule fois, aux effectifs réels.",
            f"Column {column!r} (row {label!r}) is already masked: apply "
            "suppress_small_counts once, to the true counts.",
            column=str(column),
        )
    if is_missing(value):
        return pd.NA
    if _is_number(value) and float(value).is_integer() and value >= 0:
        return int(value)
    raise ParameterError(
        f"La colonne {column!r} doit contenir des effectifs (entiers >= 0) ; "
        f"trouvé {value!r} à la ligne {label!r}.",
        f"Column {column!r} must hold counts (whole numbers >= 0); "
        f"found {value!r} in row {label!r}.",
        column=str(column),
    )


# --------------------------------------------------------------------------- suppression

Cell = tuple[int, int]  # (row position, position in count_columns)
_FREE = -1  # graph node standing for "no equation"


@dataclass(frozen=True)
class _Equation:
    """``sum(members) == total`` (a cell of the table, or a total published elsewhere)."""

    members: tuple[Cell, ...]
    total: Cell | None

    @property
    def cells(self) -> tuple[Cell, ...]:
        return self.members + ((self.total,) if self.total is not None else ())


def _check_columns(table: pd.DataFrame, columns: Iterable[Hashable]) -> list[Hashable]:
    columns = list(columns)
    present = list(table.columns)
    missing = [c for c in columns if c not in present]
    if missing:
        raise ParameterError(
            f"Colonnes absentes du tableau : {missing!r}. Colonnes présentes : {present!r}.",
            f"Columns missing from the table: {missing!r}. Columns present: {present!r}.",
        )
    duplicated = sorted({str(c) for c in columns if present.count(c) > 1 or columns.count(c) > 1})
    if duplicated:
        raise ParameterError(
            f"Colonnes en double : {duplicated!r}.", f"Duplicated columns: {duplicated!r}."
        )
    return columns


def _row_position(table: pd.DataFrame, label: Hashable | None) -> int | None:
    if label is None:
        return None
    positions = np.flatnonzero(table.index == label)
    if len(positions) != 1:
        raise ParameterError(
            f"La ligne de total {label!r} doit apparaître exactement une fois dans l'index "
            f"(trouvée {len(positions)} fois).",
            f"The total row {label!r} must appear exactly once in the index "
            f"(found {len(positions)} times).",
        )
    return int(positions[0])


def _build_equations(
    n_rows: int,
    n_cols: int,
    *,
    additive_rows: bool,
    additive_columns: bool,
    total_row: int | None,
    total_column: int | None,
) -> list[_Equation]:
    equations = []
    group_rows = [i for i in range(n_rows) if i != total_row]
    group_cols = [j for j in range(n_cols) if j != total_column]
    if additive_rows:
        for j in range(n_cols):
            total = (total_row, j) if total_row is not None else None
            equations.append(_Equation(tuple((i, j) for i in group_rows), total))
    if additive_columns:
        for i in range(n_rows):
            total = (i, total_column) if total_column is not None else None
            equations.append(_Equation(tuple((i, j) for j in group_cols), total))
    return equations


def _is_known(eq: _Equation, values: dict[Cell, Any], threshold: int) -> bool:
    """Whether the equation's total can be known by a reader of the publications."""
    if eq.total is not None:
        return values[eq.total] is not pd.NA
    outside = sum(v for c in eq.members if (v := values[c]) is not pd.NA)
    return outside == 0 or outside >= threshold


def _positive(values: dict[Cell, Any], cell: Cell) -> bool:
    value = values[cell]
    return value is not pd.NA and value > 0


def _secondary_by_groups(
    equations: list[_Equation], values: dict[Cell, Any], masked: dict[Cell, str]
) -> None:
    """Phase 1: give every equation 0 or at least 2 masked cells."""
    changed = True
    while changed:
        changed = False
        for eq in equations:
            if sum(c in masked for c in eq.cells) != 1:
                continue
            candidates = [c for c in eq.members if c not in masked and _positive(values, c)]
            if candidates:
                chosen = min(candidates, key=lambda c: (values[c], c))
                masked[chosen] = "secondary"
                changed = True


def _endpoints(equations: list[_Equation]) -> dict[Cell, tuple[int, int]]:
    """Each cell as a graph edge between its (at most two) equations."""
    found: dict[Cell, list[int]] = defaultdict(list)
    for k, eq in enumerate(equations):
        for cell in eq.cells:
            found[cell].append(k)
    return {cell: (ks[0], ks[1] if len(ks) > 1 else _FREE) for cell, ks in found.items()}


def _edge(ends: dict[Cell, tuple[int, int]], cell: Cell) -> tuple[int, int]:
    """Graph edge of a cell; a cell in no equation is a loop on the free node."""
    return ends.get(cell, (_FREE, _FREE))


def _connected_without(
    cell: Cell, masked: Iterable[Cell], ends: dict[Cell, tuple[int, int]]
) -> bool:
    """Whether the two ends of ``cell`` are joined by other masked cells."""
    start, goal = _edge(ends, cell)
    if start == goal:
        return True
    graph: dict[int, list[int]] = defaultdict(list)
    for other in masked:
        if other != cell:
            a, b = _edge(ends, other)
            graph[a].append(b)
            graph[b].append(a)
    seen, todo = {start}, deque([start])
    while todo:
        node = todo.popleft()
        for nxt in graph[node]:
            if nxt == goal:
                return True
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False


def _cheapest_closing_path(
    cell: Cell,
    masked: dict[Cell, str],
    candidates: list[Cell],
    values: dict[Cell, Any],
    ends: dict[Cell, tuple[int, int]],
) -> list[Cell] | None:
    """Cells to mask so that ``cell`` lies on a cycle (Dijkstra, cost = hidden total)."""
    start, goal = _edge(ends, cell)
    graph: dict[int, list[tuple[int, Cell, int]]] = defaultdict(list)
    for other in itertools.chain((c for c in masked if c != cell), candidates):
        cost = 0 if other in masked else values[other]
        a, b = _edge(ends, other)
        graph[a].append((b, other, cost))
        graph[b].append((a, other, cost))
    counter = itertools.count()
    heap = [(0, 0, next(counter), start, None)]
    came_from: dict[int, tuple[int, Cell] | None] = {}
    while heap:
        cost, n_new, _, node, via = heapq.heappop(heap)
        if node in came_from:
            continue
        came_from[node] = via
        if node == goal:
            path, current = [], goal
            while came_from[current] is not None:
                previous, edge_cell = came_from[current]  # type: ignore[misc]
                path.append(edge_cell)
                current = previous
            return [c for c in reversed(path) if c not in masked]
        for nxt, edge_cell, edge_cost in graph[node]:
            if nxt not in came_from:
                new = n_new + (edge_cell not in masked)
                heapq.heappush(heap, (cost + edge_cost, new, next(counter), nxt, (node, edge_cell)))
    return None


def _secondary_by_cycles(
    equations: list[_Equation],
    values: dict[Cell, Any],
    masked: dict[Cell, str],
    describe: Callable[[Cell], tuple[Hashable, Hashable]],
) -> None:
    """Phase 2: make sure no masked cell is a bridge (exactly recoverable)."""
    ends = _endpoints(equations)
    totals = {eq.total for eq in equations if eq.total is not None}
    for cell in list(masked):
        if _connected_without(cell, masked, ends):
            continue
        positives = [c for c in values if c not in masked and _positive(values, c)]
        for candidates in ([c for c in positives if c not in totals], positives):
            path = _cheapest_closing_path(cell, masked, candidates, values, ends)
            if path is not None:
                masked.update(dict.fromkeys(path, "secondary"))
                break
        else:
            row, column = describe(cell)
            raise PrivacyError(
                f"Impossible de masquer la cellule (ligne {row!r}, colonne {column!r}) sans "
                "masquer un zéro : elle se déduirait des totaux. Regroupez des lignes ou des "
                "colonnes, ou ne publiez pas les totaux par ligne (additive_columns=False).",
                f"Cannot mask the cell (row {row!r}, column {column!r}) without masking a "
                "zero: it could be recomputed from the totals. Merge rows or columns, or do "
                "not publish row totals (additive_columns=False).",
                column=str(column),
            )


def _as_rate(value: object) -> Any:
    if is_missing(value):
        return pd.NA
    return float(value) if _is_number(value) else value


def _suppress_rates(
    result: pd.DataFrame,
    rate_columns: Mapping[Hashable, Hashable | Sequence[Hashable]],
    count_columns: list[Hashable],
) -> int:
    n_masked = 0
    for rate, sources in rate_columns.items():
        if isinstance(sources, str) or not isinstance(sources, Sequence):
            sources = [sources]
        _check_columns(result, [rate])
        if rate in count_columns:
            raise ParameterError(
                f"La colonne {rate!r} ne peut pas être à la fois un effectif et un taux.",
                f"Column {rate!r} cannot be both a count and a rate.",
            )
        unknown = [s for s in sources if s not in count_columns]
        if unknown:
            raise ParameterError(
                f"Le taux {rate!r} doit être calculé à partir de colonnes d'effectifs "
                f"({count_columns!r}) ; trouvé {unknown!r}.",
                f"Rate {rate!r} must be computed from count columns ({count_columns!r}); "
                f"found {unknown!r}.",
            )
        hidden = np.zeros(len(result), dtype=bool)
        for source in sources:
            hidden |= result[source].map(is_suppressed).to_numpy(dtype=bool)
        out = [
            SUPPRESSED if hide else _as_rate(v) for v, hide in zip(result[rate].tolist(), hidden)
        ]
        result[rate] = pd.Series(out, index=result.index, dtype=object)
        n_masked += int(hidden.sum())
    return n_masked


def suppress_small_counts(
    table: pd.DataFrame,
    count_columns: Sequence[Hashable],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    additive_rows: bool = True,
    additive_columns: bool = False,
    total_row: Hashable | None = None,
    total_column: Hashable | None = None,
    rate_columns: Mapping[Hashable, Hashable | Sequence[Hashable]] | None = None,
) -> pd.DataFrame:
    """Mask small counts, and enough other counts to protect them.

    Parameters
    ----------
    table : pandas.DataFrame
        True counts (ints, integral floats, or NA for "no data"). Not modified.
        The index labels rows (e.g. province names); it must be unique if
        ``total_row`` is given.
    count_columns : sequence of column labels
        Columns holding counts of people (or of anything derived from them).
    threshold : int, default 5
        Counts from 1 to ``threshold - 1`` are masked. At least 3.
    additive_rows : bool, default True
        Within each count column, the rows add up to a total that is (or may be)
        published: each column gets 0 or at least 2 masked cells.
    additive_columns : bool, default False
        Within each row, the count columns add up to a published total (a
        cross-tab): each row gets 0 or at least 2 masked cells.
    total_row : index label, optional
        Row of the table holding the column totals (e.g. ``"Wallonie"``). It is
        published, is not a member of the column groups (it is their total), and
        is masked itself if small. Requires ``additive_rows``.
    total_column : column label, optional
        Count column holding the row totals (e.g. ``"total"``); the counterpart
        of ``total_row``. Requires ``additive_columns``.
    rate_columns : mapping, optional
        Rate column -> count column (or list of count columns) it was computed
        from. A rate is masked when one of its counts is masked.

    Returns
    -------
    pandas.DataFrame
        A copy. Count and rate columns have ``object`` dtype and hold Python ints
        (counts), floats (rates), :data:`SUPPRESSED` or ``pd.NA``; other columns
        are untouched. ``attrs`` gains ``threshold``, ``suppressed_primary`` and
        ``suppressed_secondary`` (numbers of masked count cells) and
        ``suppressed_rates``.

    Raises
    ------
    ParameterError
        If the threshold is below 3, a column or the total row is missing, a
        count is negative, fractional or already masked, or options conflict.
    PrivacyError
        If a small count cannot be protected without masking a zero (only in
        cross-tabs with ``additive_columns=True``, e.g. ``[[3, 10], [10, 0]]``).

    Notes
    -----
    A total published elsewhere that is itself between 1 and ``threshold - 1``
    is assumed to be masked there (:func:`check_publishable` would refuse it),
    so it is not used to protect the cells it sums. The module docstring
    describes the algorithm.

    Examples
    --------
    >>> t = pd.DataFrame({"parents": [12, 3, 40, 0, 7]})
    >>> suppress_small_counts(t, ["parents"])["parents"].tolist()
    [12, SUPPRESSED, 40, 0, SUPPRESSED]
    """
    threshold = check_threshold(threshold)
    count_columns = _check_columns(table, count_columns)
    if total_row is not None and not additive_rows:
        raise ParameterError(
            "total_row n'a de sens qu'avec additive_rows=True.",
            "total_row only makes sense with additive_rows=True.",
        )
    if total_column is not None and (not additive_columns or total_column not in count_columns):
        raise ParameterError(
            "total_column doit être une des colonnes d'effectifs, avec additive_columns=True.",
            "total_column must be one of the count columns, with additive_columns=True.",
        )
    t_row = _row_position(table, total_row)
    t_col = count_columns.index(total_column) if total_column is not None else None

    values: dict[Cell, Any] = {}
    for j, column in enumerate(count_columns):
        for i, (label, value) in enumerate(table[column].items()):
            values[(i, j)] = _as_count(value, column, label)

    masked: dict[Cell, str] = {
        cell: "primary" for cell, v in values.items() if v is not pd.NA and 0 < v < threshold
    }
    equations = [
        eq
        for eq in _build_equations(
            len(table), len(count_columns),
            additive_rows=additive_rows, additive_columns=additive_columns,
            total_row=t_row, total_column=t_col,
        )
        if _is_known(eq, values, threshold)
    ]
    _secondary_by_groups(equations, values, masked)
    _secondary_by_cycles(
        equations, values, masked, lambda c: (table.index[c[0]], count_columns[c[1]])
    )

    result = table.copy()
    for j, column in enumerate(count_columns):
        cells = [SUPPRESSED if (i, j) in masked else values[(i, j)] for i in range(len(table))]
        result[column] = pd.Series(cells, index=result.index, dtype=object)
    n_rates = _suppress_rates(result, rate_columns or {}, count_columns)
    result.attrs.update(
        threshold=threshold,
        suppressed_primary=sum(kind == "primary" for kind in masked.values()),
        suppressed_secondary=sum(kind == "secondary" for kind in masked.values()),
        suppressed_rates=n_rates,
    )
    return result


# --------------------------------------------------------------------------- checks


def is_identifier_column(name: object) -> bool:
    """Whether a column name designates data identifying people.

    True for the names in :data:`FORBIDDEN_COLUMNS`, for the personal-data headers
    refused at input (:func:`relais_analysis.intake.personal_data.personal_header_kind`:
    names, e-mail, phone, address, national register number, birth date, in French,
    English and Dutch), and for any name ending in ``_id`` that is not in
    :data:`PUBLISHABLE_ID_COLUMNS` (``relay_id`` is publishable: relays are
    programme sites). Names are folded first (``"Prénom"`` -> ``"prenom"``,
    ``"Family ID"`` -> ``"family_id"``); a MultiIndex column is joined with ``_``.
    """
    key = fold("_".join(map(str, name)) if isinstance(name, tuple) else name)
    if key in PUBLISHABLE_ID_COLUMNS:
        return False
    return key in FORBIDDEN_COLUMNS or key.endswith("_id") or personal_header_kind(key) is not None


def _plain(value: object) -> object:
    """Python scalar for messages (``3`` rather than ``np.int64(3)``)."""
    return value.item() if isinstance(value, np.generic) else value


def _looks_like_counts(series: pd.Series) -> bool:
    """Default choice of count columns for :func:`check_publishable`."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return False
    if pd.api.types.is_integer_dtype(dtype):
        return True
    if pd.api.types.is_float_dtype(dtype):
        present = series.dropna().to_numpy(dtype=float)
        return bool(len(present)) and bool(np.all(np.mod(present, 1) == 0))
    if dtype == object:
        return any(_is_number(v) and isinstance(v, numbers.Integral) for v in series)
    return False


def check_publishable(
    table: pd.DataFrame,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    count_columns: Sequence[Hashable] | None = None,
) -> None:
    """Refuse a table that would disclose a small count or identify people.

    Parameters
    ----------
    table : pandas.DataFrame
        Table about to be published (usually the output of
        :func:`suppress_small_counts`).
    threshold : int, default 5
        Any value ``v`` with ``0 < v < threshold`` in a count column is refused.
    count_columns : sequence of column labels, optional
        Columns to check. By default: integer columns, float columns whose values
        are all whole numbers (so rates such as 3.4 per 10 000 are not taken for
        counts), and object columns holding at least one integer. Pass the list
        explicitly to exclude small numbers that are not counts of people
        (month, number of relays...).

    Raises
    ------
    PrivacyError
        If a column (or index level) is named like an identifier of people (see
        :func:`is_identifier_column`), or a count column holds a small count.
        The message names the column, the row labels and the fix.
    ParameterError
        If ``threshold`` is below 3 or ``count_columns`` names a missing column.
    """
    threshold = check_threshold(threshold)
    names = list(table.columns) + [n for n in table.index.names if n is not None]
    identifiers = [n for n in names if is_identifier_column(n)]
    if identifiers:
        raise PrivacyError(
            f"Colonnes identifiant des personnes, interdites à la publication : {identifiers!r}. "
            "Retirez-les avant de publier (table.drop(columns=...)).",
            f"Columns identifying people cannot be published: {identifiers!r}. "
            "Drop them before publishing (table.drop(columns=...)).",
            column=str(identifiers[0]),
        )
    if count_columns is None:
        positions = [k for k in range(table.shape[1]) if _looks_like_counts(table.iloc[:, k])]
    else:
        _check_columns(table, count_columns)
        positions = [list(table.columns).index(c) for c in count_columns]
    for k in positions:
        column = table.columns[k]
        small = [
            (label, v)
            for label, v in table.iloc[:, k].items()
            if _is_number(v) and not is_missing(v) and 0 < v < threshold
        ]
        if small:
            shown = ", ".join(f"{_plain(label)!r} ({_plain(v)!r})" for label, v in small[:5])
            more = f" (+{len(small) - 5})" if len(small) > 5 else ""
            raise PrivacyError(
                f"La colonne {column!r} contient des effectifs entre 1 et {threshold - 1} "
                f"aux lignes {shown}{more}. Appliquez suppress_small_counts(table, "
                f"[{column!r}, ...], threshold={threshold}) avant de publier.",
                f"Column {column!r} holds counts between 1 and {threshold - 1} in rows "
                f"{shown}{more}. Apply suppress_small_counts(table, [{column!r}, ...], "
                f"threshold={threshold}) before publishing.",
                column=str(column),
            )


# --------------------------------------------------------------------------- export


def _resolve_threshold(table: pd.DataFrame, threshold: int | None) -> int:
    recorded = table.attrs.get("threshold")
    if threshold is None:
        return check_threshold(recorded if recorded is not None else DEFAULT_THRESHOLD)
    threshold = check_threshold(threshold)
    if recorded is not None and recorded != threshold:
        raise ParameterError(
            f"Le tableau a été masqué avec le seuil {recorded}, pas {threshold}.",
            f"The table was masked with threshold {recorded}, not {threshold}.",
        )
    return threshold


def to_publishable_frame(
    table: pd.DataFrame, lang: str = "fr", *, threshold: int | None = None
) -> pd.DataFrame:
    """Copy of ``table`` ready for export: masked cells as text, no data as ``""``.

    :data:`SUPPRESSED` becomes :func:`masked_label` (``"n.p."``), missing
    values (``pd.NA``, ``None``, ``NaN``, ``NaT``) become ``""``; numbers and other
    values are untouched, and columns with neither keep their dtype.

    Parameters
    ----------
    table : pandas.DataFrame
    lang : {"fr", "en"}
    threshold : int, optional
        Threshold shown in the label; defaults to ``table.attrs["threshold"]``
        (set by :func:`suppress_small_counts`), else 5.

    Raises
    ------
    ParameterError
        If ``lang`` is invalid, or ``threshold`` is invalid or differs from
        ``table.attrs["threshold"]``.
    """
    label = masked_label(_resolve_threshold(table, threshold), lang)
    result = table.copy()
    for k in range(result.shape[1]):
        column = result.iloc[:, k]
        hidden = column.map(is_suppressed).to_numpy(dtype=bool)
        missing = column.isna().to_numpy(dtype=bool)
        if hidden.any() or missing.any():
            cells = [
                label if h else ("" if m else v)
                for v, h, m in zip(column.tolist(), hidden, missing)
            ]
            result.isetitem(k, pd.Series(cells, index=result.index, dtype=object))
    return result


def write_published_csv(
    table: pd.DataFrame,
    path: str | Path,
    *,
    threshold: int | None = None,
    lang: str = "fr",
    count_columns: Sequence[Hashable] | None = None,
) -> Path:
    """Check a table, then write it as a deterministic UTF-8 CSV.

    The file uses ``,`` as separator, ``\\n`` line endings, no byte-order mark,
    numbers in Python notation (``12.5``); masked cells read ``n.p.`` and
    missing values are empty. The index is written unless it is a default
    ``RangeIndex``. Parent directories are created.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`suppress_small_counts` (or any table without counts).
    path : str or Path
    threshold : int, optional
        Defaults to ``table.attrs["threshold"]``, else 5.
    lang : {"fr", "en"}
    count_columns : sequence, optional
        Passed to :func:`check_publishable`.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    PrivacyError
        From :func:`check_publishable`; nothing is written.
    ParameterError
        If ``lang`` or ``threshold`` is invalid.
    """
    threshold = _resolve_threshold(table, threshold)
    check_publishable(table, threshold=threshold, count_columns=count_columns)
    frame = to_publishable_frame(table, lang, threshold=threshold)
    default_index = isinstance(table.index, pd.RangeIndex) and table.index.name is None
    text = frame.to_csv(index=not default_index, lineterminator="\n")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path
