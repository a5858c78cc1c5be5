"""What the retrospective guard (advisorywatch.rules.retrospective) costs on text that fires.

    .venv/bin/python bench/retrospective_bench.py [--mb 5]

The guard runs only on items a rule fires on, so the quiet path is untouched; this times
``RuleEngine.evaluate`` with every built-in concept as a rule, ``retrospective_years: 15``
against ``null``, interleaved (:func:`match_bench.interleaved`: both see the same load), on
match_bench's alert-dense corpus three ways: as it is (no digits), with a recent date in every
document (years to read, none old), and with an old date in every document (years to read,
then the normalised text searched for comparisons). "ratio" is guard on / guard off.
Speeds are MB of UTF-8 per second of this process's CPU time. Not a test: it prints a table.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from match_bench import corpus, interleaved

from advisorywatch.rules.config import RuleConfig
from advisorywatch.rules.engine import RuleEngine
from advisorywatch.rules.lexicon import available_concepts


def engine(years: int | None) -> RuleEngine:
    rules = [
        RuleConfig(name=c, concepts=[c], notify=["x"], retrospective_years=years)
        for c in sorted(available_concepts())
    ]
    return RuleEngine(rules)


def dated(docs: list[str], date: str, rng: random.Random) -> list[str]:
    """``docs``, each with ``date`` put between two of its words."""
    out = []
    for d in docs:
        words = d.split(" ")
        words.insert(rng.randrange(len(words) + 1), date)
        out.append(" ".join(words))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--mb", type=float, default=5)
    args = ap.parse_args()
    rng = random.Random(20261207)
    docs = corpus(args.mb, rng)
    on, off = engine(15), engine(None)

    def guarded(d: str) -> int:
        return sum(m.dated is not None for m in on.evaluate("bench", {"title": "", "text": d}))

    def unguarded(d: str) -> int:
        return len(off.evaluate("bench", {"title": "", "text": d}))

    guarded(docs[0])  # the matchers compile on first use
    fired = sum(unguarded(d) > 0 for d in docs)
    print(f"{len(docs)} documents, {fired} on which a rule fires\n")
    print(f"{'corpus':<28} {'on MB/s':>8} {'off MB/s':>9} {'ratio':>6} {'lowered':>8}")
    for name, texts in [
        ("as it is (no digits)", docs),
        ("a recent date in each", dated(docs, "12 May 2026", rng)),
        ("an old date in each", dated(docs, "12 May 1944", rng)),
    ]:
        (a, lowered), (b, _) = interleaved(texts, [guarded, unguarded])
        print(f"{name:<28} {a:>8.1f} {b:>9.1f} {a / b:>6.2f} {lowered:>8}")


if __name__ == "__main__":
    main()
