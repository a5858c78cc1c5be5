"""Every match detail of a tree's engine, to compare two trees byte for byte (issue 14).

    PYTHONPATH=TREE .venv/bin/python bench/match_compare.py [--docs DRAW.pkl] > TREE.txt
    cmp MAIN.txt BRANCH.txt

Runs every item of all the labelled sets (``bench/detection_*/``, read from this script's tree)
and the match_bench documents through two engines of the tree on ``PYTHONPATH``: the rules
and concepts of its shipped ``config.yaml``, and one rule per built-in concept plus
match_bench's generated terms. Prints, per item and engine, the matcher's hits and each rule
match (rule, severity, lowering concepts) with every hit's concept, language, field, text,
offsets, entry and snippet, one JSON line each. ``--docs`` takes a pickled draw (dense
documents, quiet documents, generated terms) so that trees with other lexicons see the same
text; without it one is drawn here (1 MB of each, 10,000 terms). Not a test: it prints.
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import sys
from collections.abc import Iterable
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.append(str(HERE))  # match_bench; the tree compared comes first, from PYTHONPATH

import advisorywatch  # noqa: E402
from advisorywatch.config import load_config  # noqa: E402
from advisorywatch.rules.engine import RuleEngine  # noqa: E402
from advisorywatch.rules.matcher import Hit  # noqa: E402

# Every labelled set: detection_set, _holdout, _blind, _unseen, _unseen2 ...
SETS = sorted(p.name.removeprefix("detection_") for p in HERE.glob("detection_*") if p.is_dir())


def _hit(h: Hit) -> list[object]:
    return [h.concept, h.language, h.field, h.matched, h.start, h.end, h.term, h.snippet]


def dump(name: str, engine: RuleEngine, items: Iterable[dict[str, str]]) -> None:
    for n, fields in enumerate(items):
        hits = [_hit(h) for h in engine.matcher.find(fields)]
        matches = [
            [m.rule.name, m.severity, sorted(m.lowered_by), [_hit(h) for h in m.hits]]
            for m in engine.evaluate(None, fields)
        ]
        print(json.dumps([name, n, hits, matches], ensure_ascii=False))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--docs", type=Path, help="a pickled (dense, quiet, terms) draw")
    args = ap.parse_args()
    from match_bench import corpus, engine_for, generated_terms

    tree = Path(advisorywatch.__file__).resolve().parent.parent
    print(f"# tree {tree}", file=sys.stderr)
    config = load_config(tree / "config.yaml")
    shipped = RuleEngine(config.rules, config.concepts)
    if args.docs:
        with args.docs.open("rb") as f:
            dense, quiet, terms = pickle.load(f)
    else:
        rng = random.Random(20241120)
        dense, quiet = corpus(1, rng), corpus(1, rng, alert_words=0)
        terms = generated_terms(10_000, rng)
    every = engine_for(terms)
    for s in SETS:
        items = [
            {"title": raw.get("title") or "", "text": raw.get("text") or ""}
            for path in sorted((HERE / f"detection_{s}").glob("*.yaml"))
            for raw in yaml.safe_load(path.read_text("utf-8")) or []
        ]
        dump(f"{s}/shipped", shipped, items)
        dump(f"{s}/every", every, items)
    for label, docs in (("dense", dense), ("quiet", quiet)):
        dump(f"bench-{label}", every, ({"title": "", "text": d} for d in docs))


if __name__ == "__main__":
    main()
