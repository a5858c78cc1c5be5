"""Text normalisation for matching. Every step keeps offsets usable for snippets: NFKC first,
then one-for-one character replacements, and removal of invisible characters."""

from __future__ import annotations

import unicodedata

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_EQUIVALENT = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u0060": "'",
        "\u00b4": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "ё": "е",
        "Ё": "Е",
    }
)


def normalize(text: str) -> str:
    """NFKC, invisible characters removed, apostrophe/dash/space variants unified, ё→е."""
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_EQUIVALENT)
