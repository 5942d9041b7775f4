"""What the joint protection of a year takes besides the tables of its own year (names kept for callers).

- :func:`outcome_results`: the outcome chapter's results, whose tables join the linked
  system (:mod:`relais_analysis.privacy.outcome_links`);
- :func:`past_year_masks`: how the canonical protection of each past year masks its
  quantities, forced on the rows of past years (:mod:`relais_analysis.privacy.canonical`);
- :func:`load_protected_outcomes`: the outcome results protected with a build, read back
  by the notebooks (:mod:`relais_analysis.privacy.handover`).

Imports go one way: this module -> canonical -> linked, handover and the outcome chapter;
the outcome chapter imports only :mod:`~relais_analysis.privacy.handover`.
"""

from __future__ import annotations

from relais_analysis.outcomes.chapter import outcome_results
from relais_analysis.privacy.canonical import past_year_masks
from relais_analysis.privacy.handover import load_protected_outcomes

__all__ = ["load_protected_outcomes", "outcome_results", "past_year_masks"]
