"""Outcomes: what changed for the families, measured honestly.

Stages, in the order data flows: :mod:`.instruments` (definition files),
:mod:`.validate` (the ``questionnaires`` input table), :mod:`.scoring` (scores per
questionnaire), :mod:`.statistics` (per wave, paired change, attrition),
:mod:`.tables` (protected tables), :mod:`.sentences` (French sentences, no causal
wording), :mod:`.charts` and :mod:`.questionnaire_form` (printable questionnaire).
"""

from relais_analysis.outcomes.instruments import Instrument, InstrumentError, load_instrument, load_instruments

__all__ = ["Instrument", "InstrumentError", "load_instrument", "load_instruments"]
