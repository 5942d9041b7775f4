"""Rows lost at validation, per relay and table, and the rule that stops publication.

A relay that lost more than :data:`LOSS_THRESHOLD` (10 %) of a table's rows, or a
table without any accepted row, makes the published numbers silently wrong:
:func:`check_losses` refuses to publish unless losses are accepted
(``--accept-losses``), and the report then says so on its first page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from relais_analysis.errors import DataLossError
from relais_analysis.intake.row_losses import TABLE_ORDER, row_losses
from relais_analysis.texts import text

if TYPE_CHECKING:
    from relais_analysis.intake.dataset import Dataset

__all__ = ["LOSS_THRESHOLD", "TABLE_ORDER", "check_losses", "loss_problems", "row_losses"]

#: A relay that lost more than this share of a table's rows stops publication (unless losses are accepted).
LOSS_THRESHOLD = 0.10


def _percent(share: float) -> str:
    """``12 %`` with a no-break space (a report line, not a published figure: no Babel needed)."""
    return f"{share:.0%}".replace("%", "\u00a0%")


def loss_problems(dataset: Dataset, max_share: float = LOSS_THRESHOLD) -> list[str]:
    """Reasons not to publish: a table with no accepted row, or a relay that lost more than ``max_share`` of a table.

    Shares count rows that held something (empty lines are reported but lose nothing);
    rows that cannot be tied to a relay weigh against their whole table.

    Returns
    -------
    list of str
        One French sentence per problem, worst first; empty when publication is safe.

    Examples
    --------
    >>> from relais_analysis.config import demo_dir
    >>> from relais_analysis.intake.ingest import load_dataset
    >>> loss_problems(load_dataset(demo_dir()))
    []
    """
    problems: list[tuple[float, str]] = []
    for name in TABLE_ORDER:
        report = dataset.reports.get(name)
        if report is not None and report.accepted == 0:
            problems.append((2.0, text("intake.loss_no_row_accepted", table=name, source=report.source,
                                         read=report.rows_read)))
    losses = dataset.losses()
    lost = losses["rejected"] - losses["blank"]
    held = losses["read"] - losses["blank"]
    # rows tied to no relay (an unknown activity code, a blank relay) weigh against their whole table
    table_held = held.groupby(losses["table"]).transform("sum")
    share = (lost / held.where(losses["relay_id"] != "", table_held).where(lambda d: d > 0)).fillna(0.0)
    for rec, rate, n_lost in zip(losses.itertuples(index=False), share, lost):
        if rate <= max_share:
            continue
        if rec.relay_id:
            line = text("intake.loss_relay", relay=rec.relay_id, table=rec.table, lost=n_lost,
                        held=rec.read - rec.blank, share=_percent(rate))
        else:
            line = text("intake.loss_no_relay", table=rec.table, lost=n_lost,
                        held=int(table_held[losses.index[losses['table'] == rec.table][0]]), share=_percent(rate))
        problems.append((float(rate), line))
    return [line for _share, line in sorted(problems, key=lambda p: -p[0])]


def check_losses(dataset: Dataset, *, accept: bool = False, max_share: float = LOSS_THRESHOLD) -> list[str]:
    """Refuse to publish from a dataset that lost too much, unless losses are accepted.

    Parameters
    ----------
    dataset : Dataset
    accept : bool, default False
        Publish anyway (``--accept-losses``); the problems are returned so that the
        report can say so on its first page.
    max_share : float, default 0.10
        Largest share of a relay's rows in one table that may be rejected.

    Returns
    -------
    list of str
        The problems found (empty when none).

    Raises
    ------
    DataLossError
        If there are problems and ``accept`` is False; the message names the worst
        relay, table and share.
    """
    problems = loss_problems(dataset, max_share)
    if problems and not accept:
        # the problems are French sentences (they go to the report's first page): the English message quotes them
        more = text("intake.loss_more_problems", n=len(problems) - 1) if len(problems) > 1 else ""
        raise DataLossError(
            text("intake_error.publication_refused", "fr", problem=problems[0], more=more, share=_percent(max_share)),
            text("intake_error.publication_refused", "en", problem=problems[0], more=more, share=f"{max_share:.0%}"),
        )
    return problems
