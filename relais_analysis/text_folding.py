"""Folding text for matching and file names: the package's one accent removal.

Every place that compares, sorts or slugs text typed by people (headers, vocabularies,
place names, person identifiers for pseudonymous codes, file names of reports) goes through
:func:`strip_accents`, usually through :func:`plain`, which first maps typographic
punctuation to its plain form. The module depends on nothing else in the package, so any
stage can use it.
"""

from __future__ import annotations

import unicodedata

__all__ = ["PUNCTUATION", "plain", "strip_accents"]

#: Typographic punctuation and spaces -> their plain forms, applied before removing accents
#: (``unicodedata`` NFKD + ASCII would drop ``’`` instead of reading it as ``'``).
PUNCTUATION = str.maketrans(
    {
        "\u2019": "'",  # right single quotation mark (Word, Excel autocorrect)
        "\u2018": "'",  # left single quotation mark
        "\u00b4": "'",  # acute accent used as an apostrophe
        "\u0060": "'",  # grave accent / backtick
        "\u02bc": "'",  # modifier letter apostrophe
        "\u00ab": '"',  # «
        "\u00bb": '"',  # »
        "\u201c": '"',  # “
        "\u201d": '"',  # ”
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2011": "-",  # non-breaking hyphen
        "\u00a0": " ",  # no-break space
        "\u202f": " ",  # narrow no-break space (French typography)
        "\u2009": " ",  # thin space
    }
)


def strip_accents(text: str) -> str:
    """``text`` in ASCII: letters lose their accents, other non-ASCII characters are dropped.

    Unicode compatibility decomposition (NFKD), then ASCII without what does not fit; case
    and ASCII punctuation are kept. Use :func:`plain` for text typed by people, so that
    typographic apostrophes, dashes and spaces count as their plain forms rather than vanish.

    Examples
    --------
    >>> strip_accents("Écaussinnes, Liège, Bütgenbach, ﬁn")
    'Ecaussinnes, Liege, Butgenbach, fin'
    >>> strip_accents("l’été – 12\u202f€")  # the narrow no-break space decomposes to a space
    'lete  12 '

    Raises
    ------
    TypeError
        If ``text`` is not a string.
    """
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def plain(text: object) -> str:
    """Map typographic punctuation to plain forms, then remove accents (case kept).

    The one accent-and-punctuation folding of the package:
    :func:`relais_analysis.intake.schema.fold` (headers, vocabularies) and
    :func:`relais_analysis.geography.names.normalise_name` (place names) both start from it.

    Examples
    --------
    >>> print(plain("L’Écluse – «\u00a0Wépion\u00a0»"))
    L'Ecluse - " Wepion "
    """
    return strip_accents(str(text).translate(PUNCTUATION))
