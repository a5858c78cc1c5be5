"""Config regexes on a linear-time engine (RE2), with Python's ``re`` meaning.

A regex from ``config.yaml`` must not be able to hang the process on some text, as
``(a+)+$`` does under a backtracking engine; RE2 takes time linear in the text whatever the
regex. The regex is parsed by Python's own parser (so flags, ``{,n}``, ``(?x)`` and escapes
mean what they mean in Python) and written out for RE2, with Python's Unicode classes spelt
out as code point ranges: RE2's ``\\w``, ``\\d``, ``\\s`` and ``\\b`` are ASCII-only, so
``\\bвзрыв\\b`` would never match there. RE2 has no look-around, so ``\\b`` and ``\\B`` are
decided from the pattern where it spells out the characters on both sides
(``foo\\b\\s``), and at the start or end of a match by matching one character of context
outside the match, marked by an empty group. Backreferences, look-arounds, atomic groups and
possessive repeats, and a ``\\b`` next to something that may or may not be a word character,
are refused with the reason (:class:`Unsupported`).

``$`` without ``(?m)`` is the end of the text (Python's also matches before a final newline).
"""

from __future__ import annotations

import importlib
import re
from array import array
from collections.abc import Iterator
from functools import cache
from typing import Any

_parser: Any = importlib.import_module("re._parser")

_WORD, _NONWORD, _OUT = "w", "n", "out"  # what may stand next to a \b: the text outside too
_NEVER = r"[^\x{0}-\x{10ffff}]"
_FLAGS = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"))


class Unsupported(re.error):
    """A valid Python regex the linear-time engine cannot run; the message says why."""


class LinearRegex:
    """A config regex compiled for RE2; the matcher's ``spans`` and ``search``."""

    def __init__(self, source: str, flags: int = re.IGNORECASE) -> None:
        tree = _parser.parse(source, flags)
        if tree.state.flags & re.ASCII:
            raise Unsupported("uses the ASCII flag (?a)")
        w = _Writer(bool(tree.state.flags & re.IGNORECASE))
        prefix = "".join(c for f, c in _FLAGS if tree.state.flags & f)
        body = w.sequence(list(tree), {_OUT}, {_OUT})
        import re2  # only a config with regexes needs it

        options = re2.Options()
        options.log_errors = False  # RE2 would print to stderr; the message goes in the error
        try:
            self._rx = re2.compile(f"(?{prefix}){body}" if prefix else body, options)
        except re2.error as exc:
            message = f"the linear-time regex engine cannot compile it: {_re2_message(exc)}"
            raise re.error(message) from None
        self._starts, self._ends = w.starts, w.ends
        self.pattern = source

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> bool:
        """Whether the regex matches (an empty match counts) in ``text[pos:endpos]``."""
        return next(self._matches(text, pos, endpos), None) is not None

    @property
    def needles(self) -> None:
        """None: it looks for no literal before it runs."""
        return None

    def spans(
        self, text: str, pos: int = 0, endpos: int | None = None
    ) -> Iterator[tuple[int, int]]:
        """Offsets of its non-overlapping non-empty matches in ``text[pos:endpos]``."""
        return ((s, e) for s, e in self._matches(text, pos, endpos) if e > s)

    def _matches(self, text: str, pos: int, endpos: int | None) -> Iterator[tuple[int, int]]:
        # As Python's finditer(text, pos, endpos): text before pos is context, text after
        # endpos is not there. Two characters before pos are kept: the one just before can be
        # context consumed by a \b, the one before that keeps ^ from matching there.
        end = len(text) if endpos is None else min(endpos, len(text))
        base = max(0, pos - 2)
        data = text[base:end].encode()
        chars = _CharOffsets(data, base)
        cur = len(text[base : max(base, pos - 1)].encode())
        bound, bound_byte = pos, len(text[base:pos].encode())
        while cur <= len(data):
            m = self._rx.search(data, cur)
            if m is None:
                return
            s = next((m.start(g) for g in self._starts if m.start(g) >= 0), m.start())
            e = next((m.start(g) for g in self._ends if m.start(g) >= 0), m.end())
            cs, ce = chars.at(s), chars.at(e)
            if cs < bound:  # started on the context character without consuming it
                cur = bound_byte
                continue
            yield cs, ce
            if e > s:
                bound, bound_byte, cur = ce, e, _previous_char(data, e)
            elif e == len(data):
                return
            else:
                cur = e + len(text[ce].encode())
                bound, bound_byte = ce + 1, cur


class _CharOffsets:
    """Byte offsets in UTF-8 ``data`` to character offsets (``base`` + those in ``data``),
    cheap when asked in increasing order."""

    def __init__(self, data: bytes, base: int) -> None:
        self._data, self._byte, self._char = data, 0, base
        self._base = base

    def at(self, byte: int) -> int:
        if byte < self._byte:
            self._byte, self._char = 0, self._base
        self._char += len(self._data[self._byte : byte].decode())
        self._byte = byte
        return self._char


def _previous_char(data: bytes, end: int) -> int:
    """The byte offset of the character that ends at ``end``."""
    i = end - 1
    while i > 0 and data[i] & 0xC0 == 0x80:
        i -= 1
    return i


def _re2_message(exc: Exception) -> str:
    arg = exc.args[0] if exc.args else exc
    return arg.decode(errors="replace") if isinstance(arg, bytes) else str(arg)


_REFUSED = {
    "GROUPREF": "a backreference",
    "GROUPREF_EXISTS": "a conditional group (?(1)...)",
    "ATOMIC_GROUP": "an atomic group (?>...)",
    "POSSESSIVE_REPEAT": "a possessive repeat (*+, ++, ?+)",
}


class _Writer:
    """Writes a ``re._parser`` tree as RE2 syntax; ``starts``/``ends`` are the numbers of the
    empty groups that mark where a match starts or ends after consumed context."""

    def __init__(self, ignorecase: bool) -> None:
        self.ignorecase = ignorecase
        self.groups = 0
        self.starts: list[int] = []
        self.ends: list[int] = []

    def sequence(self, items: list[Any], before: set[str], after: set[str]) -> str:
        out = []
        for i, (op, av) in enumerate(items):
            if op is _parser.LITERAL:
                out.append(_char(av))
                continue
            b = _edge(items[:i], last=True, outside=before)
            a = _edge(items[i + 1 :], last=False, outside=after)
            out.append(self.item(op, av, b, a))
        return "".join(out)

    def item(self, op: Any, av: Any, before: set[str], after: set[str]) -> str:
        name = str(op)
        if name in _REFUSED:
            raise Unsupported(f"uses {_REFUSED[name]}")
        if op is _parser.ASSERT or op is _parser.ASSERT_NOT:
            kind = "look-ahead" if av[0] == 1 else "look-behind"
            raise Unsupported(
                f"uses a {kind} {'(?=...)/(?!...)' if av[0] == 1 else '(?<=...)/(?<!...)'}"
            )
        if op is _parser.NOT_LITERAL:
            return f"[^{_char(av)}]"
        if op is _parser.ANY:
            return "."
        if op is _parser.IN:
            return _class(av, self.ignorecase)
        if op is _parser.BRANCH:
            return "(?:" + "|".join(self.sequence(list(b), before, after) for b in av[1]) + ")"
        if op is _parser.SUBPATTERN:
            _, add, remove, body = av
            if add & re.ASCII:
                raise Unsupported("uses the ASCII flag (?a)")
            on = "".join(c for f, c in _FLAGS if add & f)
            off = "".join(c for f, c in _FLAGS if remove & f)
            flags = on + (f"-{off}" if off else "")
            outer = self.ignorecase
            self.ignorecase = bool(add & re.IGNORECASE) or (outer and not remove & re.IGNORECASE)
            try:
                return f"(?{flags}:{self.sequence(list(body), before, after)})"
            finally:
                self.ignorecase = outer
        if op is _parser.MAX_REPEAT or op is _parser.MIN_REPEAT:
            low, high, body = av
            if high != 1:  # the body stands next to itself
                before = before | _edge(list(body), last=True, outside=set())
                after = after | _edge(list(body), last=False, outside=set())
            count = f"{{{low},}}" if high is _parser.MAXREPEAT else f"{{{low},{high}}}"
            lazy = "?" if op is _parser.MIN_REPEAT else ""
            return f"(?:{self.sequence(list(body), before, after)}){count}{lazy}"
        if op is _parser.AT:
            return self.at(av, before, after)
        raise Unsupported(f"uses {name}")  # the parser has no other node

    def at(self, where: Any, before: set[str], after: set[str]) -> str:
        simple = {
            _parser.AT_BEGINNING: "^",
            _parser.AT_BEGINNING_STRING: r"\A",
            _parser.AT_END: "$",
            _parser.AT_END_STRING: r"\z",
        }
        if where in simple:
            return simple[where]
        word = where is _parser.AT_BOUNDARY  # \b, else \B
        sides = (before, after)
        if all(len(s) == 1 and _OUT not in s for s in sides):  # decided by the pattern
            return "" if (before != after) == word else _NEVER
        if before == {_OUT} and len(after) == 1 and _OUT not in after:
            self.groups += 1
            self.starts.append(self.groups)
            return _context(word_needed=(after == {_WORD}) != word, edge=r"\A") + "()"
        if after == {_OUT} and len(before) == 1 and _OUT not in before:
            self.groups += 1
            self.ends.append(self.groups)
            return "()" + _context(word_needed=(before == {_WORD}) != word, edge=r"\z")
        escape = r"\b" if word else r"\B"
        raise Unsupported(
            f"uses {escape} next to something that may or may not be a letter or digit"
            f" (it works between a letter or digit and a space or punctuation, or at either"
            f" end of the regex)"
        )


def _context(word_needed: bool, edge: str) -> str:
    """One character of context outside the match: a word character, or a non-word one or
    the edge of the text."""
    word = _ranges(_parser.CATEGORY_WORD)
    return f"(?-i:[{word}])" if word_needed else f"(?:{edge}|(?-i:[^{word}]))"


def _edge(items: list[Any], last: bool, outside: set[str]) -> set[str]:
    """What the first (``last``: the last) character matched by ``items`` may be: word,
    non-word, or, when ``items`` can match nothing, whatever is in ``outside``."""
    found: set[str] = set()
    for op, av in reversed(items) if last else items:
        kinds, empty = _item_edge(op, av, last)
        found |= kinds
        if not empty:
            return found
    return found | outside


def _item_edge(op: Any, av: Any, last: bool) -> tuple[set[str], bool]:
    """The kinds of an item's first (last) character, and whether it can match nothing."""
    if op is _parser.LITERAL:
        return {_kind(av)}, False
    if op is _parser.IN:
        return _class_kinds(av), False
    if op is _parser.SUBPATTERN:
        body = list(av[-1])
        return _edge(body, last, set()), _nullable(body)
    if op is _parser.BRANCH:
        edges = [_item_edge(_parser.SUBPATTERN, (None, 0, 0, b), last) for b in av[1]]
        return set().union(*(k for k, _ in edges)), any(e for _, e in edges)
    if op is _parser.MAX_REPEAT or op is _parser.MIN_REPEAT:
        kinds, empty = _item_edge(_parser.SUBPATTERN, (None, 0, 0, av[2]), last)
        return kinds, empty or av[0] == 0
    if op is _parser.AT:
        return set(), True
    return {_WORD, _NONWORD}, False  # any other character, or refused anyway


def _nullable(items: list[Any]) -> bool:
    return all(_item_edge(op, av, False)[1] for op, av in items)


def _kind(code: int) -> str:
    c = chr(code)
    return _WORD if c.isalnum() or c == "_" else _NONWORD


def _class_kinds(items: list[Any]) -> set[str]:
    kinds: set[str] = set()
    for op, av in items:
        if op is _parser.NEGATE:
            return {_WORD, _NONWORD}
        if op is _parser.LITERAL:
            kinds.add(_kind(av))
        elif op is _parser.RANGE:
            kinds |= {_kind(c) for c in range(av[0], av[1] + 1)}
        elif av in (_parser.CATEGORY_WORD, _parser.CATEGORY_DIGIT):
            kinds.add(_WORD)
        elif av is _parser.CATEGORY_SPACE:
            kinds.add(_NONWORD)
        else:
            kinds |= {_WORD, _NONWORD}
    return kinds


def _char(code: int) -> str:
    return chr(code) if chr(code).isalnum() and code < 128 else f"\\x{{{code:x}}}"


def _class(items: list[Any], ignorecase: bool) -> str:
    """A character class. One with ``\\w``, ``\\d`` or ``\\s`` in it is written without RE2's
    case folding, which would add to ``\\W`` the letters some non-letter folds to (``ι`` from
    U+0345); its other characters are given their other cases here instead."""
    negate = ""
    chars: list[int] = []
    ranges: list[tuple[int, int]] = []
    categories: list[str] = []
    for op, av in items:
        if op is _parser.NEGATE:
            negate = "^"
        elif op is _parser.LITERAL:
            chars.append(av)
        elif op is _parser.RANGE:
            ranges.append(av)
        else:
            categories.append(_ranges(av))
    if categories and ignorecase:
        spelt = [*chars, *(c for lo, hi in ranges for c in range(lo, hi + 1))]
        chars += [ord(v) for c in spelt for v in {chr(c).lower(), chr(c).upper()} if len(v) == 1]
    body = negate + "".join(_char(c) for c in chars)
    body += "".join(f"{_char(lo)}-{_char(hi)}" for lo, hi in ranges) + "".join(categories)
    return f"(?-i:[{body}])" if categories else f"[{body}]"


def _ranges(category: Any) -> str:
    """Python's Unicode ``\\w``, ``\\d``, ``\\s`` (or their negations) as RE2 class ranges."""
    name = str(category).removeprefix("CATEGORY_")
    spans = _code_points(name.removeprefix("NOT_"))
    if name.startswith("NOT_"):
        starts = [0, *(hi + 1 for _, hi in spans)]
        ends = [*(lo - 1 for lo, _ in spans), 0x10FFFF]
        spans = tuple((lo, hi) for lo, hi in zip(starts, ends, strict=True) if lo <= hi)
    return "".join(_char(lo) if lo == hi else f"{_char(lo)}-{_char(hi)}" for lo, hi in spans)


@cache
def _code_points(name: str) -> tuple[tuple[int, int], ...]:
    """The code point ranges of Python's ``WORD``, ``DIGIT`` or ``SPACE`` category, found by
    Python's own ``re`` in a string of every code point."""
    every = array("I", range(0x110000)).tobytes().decode("utf-32-le", "surrogatepass")
    found = re.finditer({"WORD": r"\w+", "DIGIT": r"\d+", "SPACE": r"\s+"}[name], every)
    return tuple((m.start(), m.end() - 1) for m in found)
