"""Place names folded for matching: the key under which a typed name is looked up.

Used by :mod:`relais_analysis.geography.reference` (provinces typed by users) and
:mod:`relais_analysis.geography.resolve` (communes, localities); it depends on neither,
so the two modules import it in one direction only.
"""

from __future__ import annotations

import re

from relais_analysis.text_folding import plain

__all__ = ["normalise_name"]

_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sint": "sint"}


def normalise_name(text: str) -> str:
    """Fold a place name for matching: lower case, no accents, no punctuation.

    What is in brackets is dropped and ``st``/``ste`` read ``saint``/``sainte``.

    Examples
    --------
    >>> normalise_name("  La Louvière ")
    'la louviere'
    >>> normalise_name("St-Vith")
    'saint vith'
    >>> normalise_name("Braine-l’Alleud") == normalise_name("Braine-l'Alleud")
    True
    """
    folded = plain(text).lower()
    folded = re.sub(r"\(.*?\)", " ", folded)
    folded = re.sub(r"[^a-z0-9]+", " ", folded).strip()
    words = [_ABBREVIATIONS.get(w, w) for w in folded.split()]
    return " ".join(words)
