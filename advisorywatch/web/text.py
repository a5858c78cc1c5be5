"""Text from sources shown as text: what escaping alone leaves dangerous or invalid."""

from __future__ import annotations

import re

# Bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): a title can use
# them to make what follows read backwards ("gpj.exe"); they are shown as their code points.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# What XML 1.0 cannot hold (C0 controls but tab and newlines, lone surrogates, U+FFFE/FFFF),
# and C1 controls, which no title needs.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def plain(text: str) -> str:
    """``text`` without controls that XML forbids, bidi controls made visible."""
    text = _ILLEGAL.sub("", text)
    return _BIDI.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)
