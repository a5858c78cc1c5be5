"""Text normalisation for matching, with a map back to the original text.

One normal form is used for the text, the lexicon terms and (for their non-ASCII characters)
the regex patterns:

1. HTML entities are decoded (``air&nbsp;strike``).
2. Unicode NFKC (full-width forms, ligatures, NBSP → space, ``…`` → ``...``).
3. Case folding (``ß`` → ``ss``, Greek final ``ς`` → ``σ``).
4. One-for-one equivalences: apostrophe variants and the Hebrew geresh → ``'``, curly double
   quotes and the Hebrew gershayim → ``"`` (``כטב״ם``), dash variants → ``-``, every
   whitespace character → space, Russian ``ё`` → ``е``, Turkish dotless ``ı`` → ``i`` (``I``
   and ``İ`` already fold to ``i``, so ``İSTANBUL``, ``ISTANBUL`` and ``ıstanbul`` are one word),
   Arabic ``ى`` → ``ي``, ``ة`` → ``ه``, ``ٱ`` → ``ا``, the Persian forms of ``ي``/``ك`` and of
   ``ه`` (``ە``, ``ۀ``).
5. Marks removed: accents of Latin and Greek letters (all-caps French and Greek headlines drop
   them, so ``FRAPPE AERIENNE`` must match ``frappe aérienne``; German umlauts and Spanish ``ñ``
   fold too, which costs no alert term its meaning), Arabic tashkeel, tatweel and hamza
   carriers (``أ إ آ`` → ``ا``; Arabic-Indic and Persian digits become ASCII digits on the
   way), soft hyphens and zero-width characters (the Persian zero-width
   non-joiner too: ``زنگ‌های`` is ``زنگهاي``). Accents are **kept** where they make a different
   letter that matching must tell apart: Cyrillic ``й`` ≠ ``и``, ``ї`` ≠ ``і`` and ``ў`` ≠ ``у``
   (stress marks, which are separate characters, are dropped), Thai vowel and tone marks,
   Indic vowel signs, virama and nukta (NFKC gives ``क़`` one form), which are part of the
   spelling, and the letters of **Vietnamese** whose marks tell its words apart: ``ơ ư``, the
   vowels with a tilde (``bão`` storm, ``báo`` report; Portuguese keeps its ``ã õ`` too) and
   the precomposed letters of U+1EA0-U+1EF9 (dot below, hook above, circumflex or breve with a
   tone mark: ``bom`` bomb, ``bốm``; ``kích`` strike, ``kịch`` drama). The Vietnamese letters it
   shares with French or Spanish (``á à ô ê``...) fold like theirs, so ``kích`` and ``kich`` are
   one word; the fold depends on the character alone, never on its neighbours or the text's
   language, so every caller normalises a word the same way.
6. Runs of spaces collapse to one.

Each step either keeps the length of the text or changes it in a few places that a regex can
find again; those places are located only when an offset is mapped back (that is, when
something matched), so the common path stays at the speed of ``str`` methods. Steps 3 to 5 of
a text that Latin-1 or an 8-bit codec of its script encodes are one ``bytes.translate``
through a table built from the general path, one character at a time.
"""

from __future__ import annotations

import html
import re
import sys
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from functools import cache
from itertools import accumulate
from typing import NamedTuple

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_SPACES = re.compile("  +")  # not " {2,}": re searches a literal prefix 3 times faster
# Removed in step 5 (in the decomposed text): Latin/Greek combining accents, Arabic marks and
# tatweel, soft hyphen, zero-width characters, word joiner, BOM.
_REMOVED = (
    "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"
    "\u0640\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff"
)
_MARKS = re.compile(f"[{_REMOVED}]+")
_ASTRAL = "[\U00010000-\U0010ffff]"
# Characters that mean step 5 has work to do: precomposed Latin/Greek letters, Arabic hamza
# carriers, Arabic-Indic and Persian digits, and the removed characters themselves.
_NEEDS_FOLD = re.compile(
    f"[\u00c0-\u024f\u0370-\u03ff\u1e00-\u1fff\u0622-\u0626\u0660-\u0669\u06f0-\u06f9{_REMOVED}]"
)
# Letters whose accent makes another letter, hidden from step 5 and restored: Cyrillic (ru, uk,
# be) and those only Vietnamese writes (lower case: the text is casefolded by then).
_KEPT = "йїўơưãõĩũỹ" + "".join(chr(c) for c in range(0x1EA1, 0x1EFA, 2))
_PROTECTED = [(c, chr(0xE000 + i)) for i, c in enumerate(_KEPT)]
_EQUIVALENT = [
    *((c, "'") for c in "\u2019\u2018\u02bc\u0060\u00b4\u2032\u05f3"),
    *((c, '"') for c in "\u201c\u201d\u05f4"),
    *((c, "-") for c in "\u2010\u2011\u2012\u2013\u2014\u2212"),
    *((c, " ") for c in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u1680\u2028\u2029"),
    ("ё", "е"),
    ("ى", "ي"),
    ("ة", "ه"),
    ("ٱ", "ا"),
    ("\u06cc", "ي"),
    ("\u06a9", "ك"),
    ("\u06d5", "ه"),
    ("\u06c0", "ه"),
    ("ı", "i"),
]
_EQUIVALENT_ASCII = [(a, b) for a, b in _EQUIVALENT if a.isascii()]
# Arabic-Indic and Persian digits, folded to ASCII in step 5 (one character for one).
_DIGIT_FOLDS = {chr(base + i): str(i) for base in (0x0660, 0x06F0) for i in range(10)}
_TO_ASCII_DIGITS = str.maketrans(_DIGIT_FOLDS)


_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"


def _code_points() -> str:
    """Every character up to the supplementary ideographic plane, surrogates left out, as one
    string for building the tables below (not kept: 0.5 MB for the process's life, against a
    few ms to decode it again for each table)."""
    ranges = (range(0xD800), range(0xE000, 0x20000), range(0x2F800, 0x2FA20))
    # Decoded from UTF-32 rather than joined from one str per code point: the same 0.5 MB
    # string without a transient of ~10 MB of one-character strings (the daemon's peak).
    return b"".join(array("I", r).tobytes() for r in ranges).decode(_UTF32)


def _char_class(pred: Callable[[str], bool]) -> re.Pattern[str]:
    """A one-character regex class of every code point for which ``pred`` holds."""
    return _class_of(c for c in _code_points() if pred(c))


def _class_of(chars: Iterable[str]) -> re.Pattern[str]:
    ranges: list[tuple[int, int]] = []
    for cp in sorted(map(ord, chars)):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    body = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )
    return re.compile(f"[{body}]")


@cache
def _nfkc_units() -> re.Pattern[str]:
    """What NFKC rewrites: a character with combining marks after it, or an unstable one."""
    combining = _char_class(lambda c: unicodedata.combining(c) > 0).pattern
    unstable = _char_class(lambda c: not unicodedata.is_normalized("NFKC", c)).pattern
    return re.compile(f".{combining}+|{unstable}", re.DOTALL)


@cache
def _casefold_resizers() -> re.Pattern[str]:
    return _char_class(lambda c: len(c.casefold()) != 1)


class _Folds:
    """Step 5 one character at a time: what each character folds to, and the characters
    whose fold can depend on their neighbours (combining marks, second halves of canonical
    compositions, characters that decompose to begin with either). In a text without the
    latter, replacing each character by its fold gives exactly what the NFD, mark removal,
    NFC round trip of :func:`_fold_marks` gives, at the speed of a few ``str.replace``."""

    def __init__(self) -> None:
        every = _code_points()
        parts = {
            c: [chr(int(x, 16)) for x in d.split()]
            for c in every
            if (d := unicodedata.decomposition(c)) and not d.startswith("<")
        }
        seconds = {chr(cp) for cp in (*range(0x1161, 0x1176), *range(0x11A8, 0x11C3))}
        seconds.update(p[1] for p in parts.values() if len(p) == 2)
        leading = {c for c in every if unicodedata.combining(c) or c in seconds}
        starts = {c: unicodedata.normalize("NFD", c)[0] for c in parts}
        self.sensitive = leading | {c for c, s in starts.items() if s in leading or _MARKS.match(s)}
        keep = {c for c, _ in _PROTECTED}
        self.table = {
            c: f
            for c in (*parts, *re.findall(f"[{_REMOVED}]", every))
            if c not in keep
            and (f := unicodedata.normalize("NFC", _MARKS.sub("", unicodedata.normalize("NFD", c))))
            != c
        }
        self.table.update(_DIGIT_FOLDS)
        # Kept to the BMP so that ``re`` compiles it to a table lookup rather than a list of
        # ranges (60 times faster); texts with other planes' characters take the round trip.
        bmp = _class_of(c for c in (*self.table, *self.sensitive) if c <= "\uffff").pattern
        self.finder = re.compile(f"{bmp}|{_ASTRAL}")


@cache
def _folds() -> _Folds:
    return _Folds()


def _unescape(m: re.Match[str]) -> str:
    return html.unescape(m.group())


def _nfkc(m: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", m.group())


def _casefold(m: re.Match[str]) -> str:
    return m.group().casefold()


class _Step:
    """One length-changing step: its input, and how to find the places it resized (``replace``
    gives each place's replacement, or is the one replacement of them all; ``found``, the
    places when the step already knows them)."""

    __slots__ = ("_spans", "finder", "found", "replace", "source")

    def __init__(
        self,
        source: str,
        finder: re.Pattern[str],
        replace: Callable[[re.Match[str]], str] | str,
        found: list[tuple[int, int]] | None = None,
    ) -> None:
        self.source, self.finder, self.replace, self.found = source, finder, replace, found
        self._spans: tuple[list[int], list[int], list[int], list[int]] | None = None

    def spans(self) -> tuple[list[int], list[int], list[int], list[int]]:
        """(output starts, output ends, input starts, input ends) of the resized places."""
        if self._spans is None:
            if isinstance(self.replace, str):
                size = len(self.replace)
                found = self.found
                if found is None:
                    found = [m.span() for m in self.finder.finditer(self.source)]
                places = [(a, b, size) for a, b in found if b - a != size]
            else:
                sized = (
                    (m.start(), m.end(), len(self.replace(m)))
                    for m in self.finder.finditer(self.source)
                )
                places = [(a, b, n) for a, b, n in sized if b - a != n]
            shifts = accumulate((n - (b - a) for a, b, n in places), initial=0)
            o_s = [a + d for (a, _, _), d in zip(places, shifts, strict=False)]  # one shift more
            self._spans = (
                o_s,
                [start + n for start, (_, _, n) in zip(o_s, places, strict=True)],
                [a for a, _, _ in places],
                [b for _, b, _ in places],
            )
        return self._spans

    def map(self, start: int, end: int) -> tuple[int, int]:
        """Where the output span ``start:end`` came from in the input."""
        o_s, o_e, i_s, i_e = self._spans or self.spans()
        i = bisect_right(o_s, start) - 1
        if i >= 0:
            start = i_s[i] if start < o_e[i] else start + i_e[i] - o_e[i]
        i = bisect_left(o_s, end) - 1
        if i >= 0:
            end = i_e[i] if end <= o_e[i] else end + i_e[i] - o_e[i]
        return start, end


class Normalized:
    """A normalised text that knows where each of its spans came from in the original;
    ``encoded``, the text in the 8-bit codec of its script (one of ``SCRIPT_CODECS``) when
    that codec encodes it: one byte a character, where UTF-8 takes two or three."""

    __slots__ = ("_steps", "encoded", "original", "text")

    def __init__(
        self,
        original: str,
        text: str,
        steps: list[_Step],
        encoded: tuple[str, bytes] | None = None,
    ) -> None:
        self.original, self.text, self._steps, self.encoded = original, text, steps, encoded

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        for step in reversed(self._steps):
            start, end = step.map(start, end)
        n = len(self.original)
        return min(start, n), min(max(end, start), n)


def normalize_text(text: str) -> Normalized:
    """The normal form of ``text`` (see the module docstring) with its offset map."""
    original = text
    steps: list[_Step] = []
    encoded: tuple[str, bytes] | None = None

    def resize(finder: re.Pattern[str], replace: Callable[[re.Match[str]], str] | str) -> None:
        steps.append(_Step(text, finder, replace))

    if "&" in text and _ENTITY.search(text):
        resize(_ENTITY, _unescape)
        text = _ENTITY.sub(_unescape, text)
    if text.isascii():  # NFKC leaves ASCII alone, casefold is lower, nothing to fold
        text = text.lower()
        for a, b in _EQUIVALENT_ASCII:
            if a in text:
                text = text.replace(a, b)
    else:
        if not unicodedata.is_normalized("NFKC", text):
            units = _nfkc_units()
            resize(units, _nfkc)
            text = units.sub(_nfkc, text)
        if (folded := _byte_folded(text)) is None:
            text = _fold(text, steps)
        else:
            codec, raw = folded
            text = raw.decode(codec)
            if codec in SCRIPT_CODECS and not text.isascii():
                encoded = (codec, raw)
    if "  " in text:
        text = _collapse_spaces(text, steps)
        if encoded is not None:
            encoded = (encoded[0], text.encode(encoded[0]))
    return Normalized(original, text, steps, encoded)


def _collapse_spaces(text: str, steps: list[_Step]) -> str:
    """Step 6, its places kept for the offset map (found once, not again for each text that
    has a hit)."""
    found = [m.span() for m in _SPACES.finditer(text)]
    steps.append(_Step(text, _SPACES, " ", found))
    parts, at = [], 0
    for a, b in found:
        parts.append(text[at : a + 1])
        at = b
    parts.append(text[at:])
    return "".join(parts)


def _fold(text: str, steps: list[_Step]) -> str:
    """Steps 3 to 5 of a text that is not ASCII."""
    folded = text.casefold()
    if len(folded) != len(text):
        steps.append(_Step(text, _casefold_resizers(), _casefold))
    text = _equivalent(folded)
    if not text.isascii() and _NEEDS_FOLD.search(text):
        text = _fold_marks(text, steps)
    return text


def _equivalent(text: str) -> str:
    """Step 4 of a text that is not ASCII."""
    for a, b in _EQUIVALENT:
        if a in text:
            text = text.replace(a, b)
    return text


# 8-bit codecs a text may be written in, tried in this order when it is not all Latin-1: a
# text one of them encodes is folded one byte at a time (:func:`_byte_folded`).
_CODECS = ("cp1252", "cp1250", "cp1254", "cp1257", "cp1251", "cp1253", "cp1255", "cp1256", "cp874")
_TRIES = 3  # codecs tried for one text before it takes the general path
# The codecs of scripts other than Latin: a text in one of them is also kept in it
# (``Normalized.encoded``), for the matcher's automaton of the keys that codec encodes.
SCRIPT_CODECS = frozenset({"cp1251", "cp1253", "cp1255", "cp1256", "cp874"})


class _ByteFold(NamedTuple):
    """Steps 3 to 5 as one byte table for a text an 8-bit codec encodes, built by
    :func:`_fold` on each character, and the bytes for which it cannot stand: ``odd`` never
    (a character whose fold is not one character of the codec, ``ß`` → ``ss``, or that is
    removed, the soft hyphen), ``sensitive`` not in a text that also has one of ``folding``
    (a combining mark, a Thai tone mark: step 5 rewrites the whole text around them, as a
    text with an accented letter does)."""

    table: bytes
    odd: bytes
    sensitive: bytes
    folding: bytes


@cache
def _byte_fold(codec: str) -> _ByteFold:
    table, odd, sensitive, folding = bytearray(range(256)), bytearray(), bytearray(), bytearray()
    for b in range(256):
        try:
            c = bytes([b]).decode(codec)
            steps: list[_Step] = []
            folded = _fold(c, steps).encode(codec)
        except UnicodeError:
            odd.append(b)
            continue
        if steps or len(folded) != 1:
            odd.append(b)
            continue
        table[b] = folded[0]
        if c in _folds().sensitive:
            sensitive.append(b)
        if _NEEDS_FOLD.search(_equivalent(c.casefold())):
            folding.append(b)
    return _ByteFold(bytes(table), bytes(odd), bytes(sensitive), bytes(folding))


@cache
def _codec_for(c: str) -> tuple[str, ...]:
    """The codecs of ``_CODECS`` that encode the character ``c``, in that order."""
    out = []
    for codec in _CODECS:
        try:
            c.encode(codec)
        except UnicodeEncodeError:
            continue
        out.append(codec)
    return tuple(out)


def _byte_folded(text: str) -> tuple[str, bytes] | None:
    """:func:`_fold` of a text that Latin-1 or an 8-bit codec of one script encodes (most
    European, Cyrillic, Greek, Hebrew, Arabic and Thai text) in one pass of
    ``bytes.translate``, as the codec and the folded text in it; None for any other text (a
    codec is chosen by the characters that those tried before it cannot encode)."""
    codec, unencoded = "latin-1", ""
    while True:
        try:
            raw = text.encode(codec)
            break
        except UnicodeEncodeError as e:
            unencoded += text[e.start]
            if len(unencoded) == _TRIES:
                return None
            fits = (k for k in _CODECS if all(k in _codec_for(c) for c in unencoded))
            codec = next(fits, "")
            if not codec:
                return None
    fold, n = _byte_fold(codec), len(raw)
    if len(raw.translate(None, fold.odd)) != n or (
        fold.sensitive
        and len(raw.translate(None, fold.sensitive)) != n
        and len(raw.translate(None, fold.folding)) != n
    ):
        return None
    return codec, raw.translate(fold.table)


def _fold_marks(text: str, steps: list[_Step]) -> str:
    folds = _folds()
    found = set(folds.finder.findall(text))  # every removed character is among them
    if any(_MARKS.match(c) for c in found):
        steps.append(_Step(text, _MARKS, ""))
    if found.isdisjoint(folds.sensitive) and all(c <= "\uffff" for c in found):
        for c in found:
            text = text.replace(c, folds.table[c])
        return text
    protected = [(c, p) for c, p in _PROTECTED if c in text]
    for c, p in protected:
        text = text.replace(c, p)
    text = unicodedata.normalize("NFC", _MARKS.sub("", unicodedata.normalize("NFD", text)))
    for c, p in protected:
        text = text.replace(p, c)
    if not found.isdisjoint(_DIGIT_FOLDS):
        text = text.translate(_TO_ASCII_DIGITS)
    return text


def normalize(text: str) -> str:
    """Just the normal form of ``text``."""
    return normalize_text(text).text


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def normalize_pattern(pattern: str) -> str:
    """A regex source in the normal form: its non-ASCII characters are normalised like text;
    ASCII is left alone (``\\S`` must not become ``\\s``), so compile with ``re.IGNORECASE``."""
    return _NON_ASCII.sub(lambda m: normalize(m.group()), pattern)


def warm_up() -> None:
    """Build the character tables now rather than on the first unusual text."""
    _nfkc_units()
    _casefold_resizers()
    _folds()
    _byte_fold("latin-1")
