"""Vectorised random draws and identifier codes shared by the demo generator's modules."""

from __future__ import annotations

import numpy as np

__all__ = ["codes", "draw_rows", "pick", "random_codes"]

def draw_rows(rng: np.random.Generator, weights: np.ndarray, row: np.ndarray) -> np.ndarray:
    """For each element of ``row``, a column index drawn with probability ∝ ``weights[row]``.

    Vectorised inverse-CDF sampling: the rows' cumulative distributions are stacked
    end to end (row r spans (r, r + 1]) and searched once.
    """
    weights = np.asarray(weights, dtype=float)
    n_rows, n_cols = weights.shape
    cum = np.cumsum(weights, axis=1)
    total = cum[:, -1:]
    cum = np.divide(cum, total, out=np.ones_like(cum), where=total > 0)
    cum[:, -1] = 1.0
    stacked = (cum + np.arange(n_rows)[:, None]).ravel()
    pos = np.searchsorted(stacked, row + rng.random(len(row)), side="right")
    return np.clip(pos - row * n_cols, 0, n_cols - 1)


def pick(rng: np.random.Generator, choices: tuple[tuple[str, float], ...], n: int) -> np.ndarray:
    """``n`` values drawn from ``(value, weight)`` pairs (weights need not add up to 1)."""
    values = np.array([c[0] for c in choices], dtype=object)
    p = np.array([c[1] for c in choices])
    return values[rng.choice(len(values), size=n, p=p / p.sum())]


def codes(prefix: str, values: np.ndarray, width: int, base: int) -> np.ndarray:
    """Codes like ``A000042`` (base 10) or ``P3f9a0c1`` (base 16), vectorised."""
    digits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    values = np.asarray(values, dtype=np.int64)
    powers = base ** np.arange(width - 1, -1, -1, dtype=np.int64)
    table = np.empty((len(values), width + 1), dtype=np.uint8)
    table[:, 0] = ord(prefix)
    table[:, 1:] = digits[(values[:, None] // powers[None, :]) % base]
    return table.view(f"S{width + 1}").ravel().astype(f"U{width + 1}").astype(object)


def random_codes(rng: np.random.Generator, prefix: str, n: int) -> np.ndarray:
    """``n`` distinct random hexadecimal codes (7 digits, more for very large ``n``)."""
    width = 7
    while 16**width < 16 * max(n, 1):
        width += 1
    drawn = np.array([], dtype=np.int64)
    while True:
        drawn = np.concatenate([drawn, rng.integers(0, 16**width, size=n + n // 8 + 16)])
        _, first = np.unique(drawn, return_index=True)
        if len(first) >= n:
            break
    return codes(prefix, drawn[np.sort(first)[:n]], width, 16)
