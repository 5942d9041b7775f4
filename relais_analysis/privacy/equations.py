"""Secondary suppression: published sums as equations, masked cells as edges of a graph.

Used by :func:`relais_analysis.privacy.suppress.suppress_small_counts`, which masks the
small counts (*primary* suppression) and then calls :func:`secondary_by_groups` and
:func:`secondary_by_cycles` so that no masked value can be recomputed.

How secondary suppression works
-------------------------------
Each published sum is a linear equation: the cells of a count column add up to
the column total (``additive_rows``) and, in a cross-tab, the count cells of a
row add up to the row total (``additive_columns``). A total is either a cell of
the table (``total_row`` / ``total_column``) or published elsewhere; a total
published elsewhere that is itself between 1 and ``threshold - 1`` cannot be
published (it would fail
:func:`~relais_analysis.privacy.checks.check_publishable`), so it is not treated as known.

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
from collections import defaultdict, deque
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from relais_analysis.errors import PrivacyError
from relais_analysis.texts import text_pair

__all__ = [
    "Cell",
    "Equation",
    "build_equations",
    "is_known",
    "secondary_by_cycles",
    "secondary_by_groups",
]

Cell = tuple[int, int]  # (row position, position in count_columns)
_FREE = -1  # graph node standing for "no equation"


@dataclass(frozen=True)
class Equation:
    """``sum(members) == total`` (a cell of the table, or a total published elsewhere)."""

    members: tuple[Cell, ...]
    total: Cell | None

    @property
    def cells(self) -> tuple[Cell, ...]:
        return self.members + ((self.total,) if self.total is not None else ())


def build_equations(
    n_rows: int,
    n_cols: int,
    *,
    additive_rows: bool,
    additive_columns: bool,
    total_row: int | None,
    total_column: int | None,
) -> list[Equation]:
    """Equations of a table of ``n_rows`` x ``n_cols`` count cells (positions, not labels).

    One equation per count column when ``additive_rows`` (its cells add up to the cell of
    ``total_row``, or to a total published elsewhere), one per row when ``additive_columns``
    (its count cells add up to the cell of ``total_column``, or to a total published elsewhere).
    """
    equations = []
    group_rows = [i for i in range(n_rows) if i != total_row]
    group_cols = [j for j in range(n_cols) if j != total_column]
    if additive_rows:
        for j in range(n_cols):
            total = (total_row, j) if total_row is not None else None
            equations.append(Equation(tuple((i, j) for i in group_rows), total))
    if additive_columns:
        for i in range(n_rows):
            total = (i, total_column) if total_column is not None else None
            equations.append(Equation(tuple((i, j) for j in group_cols), total))
    return equations


def is_known(eq: Equation, values: dict[Cell, Any], threshold: int) -> bool:
    """Whether the equation's total can be known by a reader of the publications."""
    if eq.total is not None:
        return values[eq.total] is not pd.NA
    outside = sum(v for c in eq.members if (v := values[c]) is not pd.NA)
    return outside == 0 or outside >= threshold


def _positive(values: dict[Cell, Any], cell: Cell) -> bool:
    value = values[cell]
    return value is not pd.NA and value > 0


def secondary_by_groups(
    equations: list[Equation], values: dict[Cell, Any], masked: dict[Cell, str]
) -> None:
    """Phase 1: give every equation 0 or at least 2 masked cells.

    ``masked`` maps each masked cell to ``"primary"`` or ``"secondary"``; it is updated in
    place (new cells are ``"secondary"``), taking the smallest non-zero count first.
    """
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


def _endpoints(equations: list[Equation]) -> dict[Cell, tuple[int, int]]:
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


def secondary_by_cycles(
    equations: list[Equation],
    values: dict[Cell, Any],
    masked: dict[Cell, str],
    describe: Callable[[Cell], tuple[Hashable, Hashable]],
) -> None:
    """Phase 2: make sure no masked cell is a bridge (exactly recoverable).

    ``masked`` is updated in place; ``describe`` turns a cell into (row label, column label)
    for the error message.

    Raises
    ------
    PrivacyError
        If a masked cell cannot be put on a cycle without masking a zero.
    """
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
            raise PrivacyError(*text_pair("privacy_error.cannot_protect_cell", row=row, column=column),
                               column=str(column))
