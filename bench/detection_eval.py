"""Detection quality of the shipped rules on real-world text (issue 14).

    .venv/bin/python bench/detection_eval.py [--config config.yaml] [--set bench/detection_set]
                                              [--misses] [--retrospective-years N|off]

The labelled set is ``bench/detection_set/<language>.yaml``: a list of items, each a trimmed
quote of a real page (``title``, ``text``: 1-3 sentences), its ``url``, a one-line ``reason``
and a ``label``: the concepts that should alert, or ``[]`` for a near miss (a holiday closure,
a reopening, a drill, a storm shelter, a labour strike, ...) on which nothing may alert.

``bench/detection_holdout/`` has the same layout: items collected after the lexicon work and
measured once, so that its figures are not those of a set the lexicon was tuned on
(``--set bench/detection_holdout``).
``bench/detection_blind/`` holds the batches collected before a round's lexicon changes and
run once on the lexicon they had not seen (``--set bench/detection_blind``); bench/README.md
says which figure was blind.

Every item runs through the :class:`~advisorywatch.rules.engine.RuleEngine` of the config's
rules and concepts, as the daemon would run it (no source: every rule applies; no publication
date: a retrospective is dated from the current year, see advisorywatch.rules.retrospective).
``--retrospective-years off`` measures without that guard. An item
*alerts* when a rule fires at warning or above (a reopening lowered to info by ``all_clear``
does not); the concepts it alerts on are those of the hits of such rules.

Printed per language and per concept: items, positives, recall (positives that alerted /
positives) and precision (alerting items that were positives / alerting items); per concept
the same on that concept's labels. ``--misses`` lists every wrong item. Not a test: it prints
a table and exits.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from advisorywatch.config import load_config  # noqa: E402
from advisorywatch.model import SEVERITY_RANK  # noqa: E402
from advisorywatch.rules.engine import RuleEngine  # noqa: E402

ALERTING = SEVERITY_RANK["warning"]


@dataclass(frozen=True)
class Item:
    language: str
    title: str
    text: str
    label: frozenset[str]
    url: str
    reason: str


@dataclass(frozen=True)
class Outcome:
    item: Item
    alerted: frozenset[str]  # concepts of the rules that fired at warning or above
    fired: bool  # a rule fired at warning or above (a keyword or regex rule counts too)


def load_set(folder: Path) -> list[Item]:
    """Every item of every ``<language>.yaml`` in ``folder``."""
    items = []
    for path in sorted(folder.glob("*.yaml")):
        for raw in yaml.safe_load(path.read_text("utf-8")) or []:
            items.append(
                Item(
                    language=path.stem,
                    title=raw.get("title") or "",
                    text=raw.get("text") or "",
                    label=frozenset(raw["label"]),
                    url=raw["url"],
                    reason=raw.get("reason", ""),
                )
            )
    return items


def run(engine: RuleEngine, items: Iterable[Item]) -> list[Outcome]:
    out = []
    for item in items:
        matches = [
            m
            for m in engine.evaluate(None, {"title": item.title, "text": item.text})
            if SEVERITY_RANK[m.severity] >= ALERTING
        ]
        concepts = frozenset(c for m in matches for c in m.concepts)
        out.append(Outcome(item, concepts, bool(matches)))
    return out


@dataclass
class Score:
    items: int = 0
    positives: int = 0
    true_alerts: int = 0  # positives that alerted
    alerts: int = 0  # items that alerted

    def add(self, positive: bool, alerted: bool) -> None:
        self.items += 1
        self.positives += positive
        self.alerts += alerted
        self.true_alerts += positive and alerted

    def row(self, name: str) -> str:
        recall = _ratio(self.true_alerts, self.positives)
        precision = _ratio(self.true_alerts, self.alerts)
        return (
            f"{name:<18} {self.items:>5} {self.positives:>5} {self.items - self.positives:>5}"
            f" {recall:>8} {precision:>9}"
        )


def _ratio(a: int, b: int) -> str:
    return f"{100 * a / b:.0f} %" if b else "-"


HEADER = f"{'':<18} {'items':>5} {'pos':>5} {'near':>5} {'recall':>8} {'precision':>9}"


def report(outcomes: Sequence[Outcome]) -> str:
    by_lang: dict[str, Score] = defaultdict(Score)
    total = Score()
    by_concept: dict[str, Score] = defaultdict(Score)
    for o in outcomes:
        positive = bool(o.item.label)
        for score in (by_lang[o.item.language], total):
            score.add(positive, o.fired)
        for concept in o.item.label | o.alerted:
            by_concept[concept].add(concept in o.item.label, concept in o.alerted)
    langs = Counter(o.item.language for o in outcomes)
    near = sum(not o.item.label for o in outcomes)
    lines = [
        f"{len(outcomes)} items in {len(langs)} languages, {near} near misses "
        f"({_ratio(near, len(outcomes))})",
        "",
        "per language: an item alerts when a rule fires at warning or above",
        HEADER,
        *(by_lang[lang].row(lang) for lang in sorted(by_lang)),
        total.row("all"),
        "",
        "per concept: the concept is among those an alerting rule matched",
        HEADER,
        *(by_concept[c].row(c) for c in sorted(by_concept)),
    ]
    return "\n".join(lines)


def misses(outcomes: Sequence[Outcome]) -> str:
    lines = []
    for o in outcomes:
        missing, extra = o.item.label - o.alerted, o.alerted - o.item.label
        if missing or extra or (o.fired and not o.item.label):
            what = []
            if missing:
                what.append(f"missed {', '.join(sorted(missing))}")
            if extra:
                what.append(f"extra {', '.join(sorted(extra))}")
            if o.fired and not extra and not o.item.label:
                what.append("a keyword or regex rule fired")
            lines.append(f"[{o.item.language}] {'; '.join(what)}: {o.item.title or o.item.text}")
            lines.append(f"      {o.item.url}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--config", type=Path, default=ROOT / "config.yaml")
    ap.add_argument("--set", type=Path, default=ROOT / "bench/detection_set")
    ap.add_argument("--misses", action="store_true", help="list every wrong item")
    ap.add_argument(
        "--retrospective-years",
        metavar="N|off",
        help="every rule's retrospective_years instead of the config's (off: null)",
    )
    args = ap.parse_args()
    config = load_config(args.config)
    rules = config.rules
    if args.retrospective_years is not None:
        years = None if args.retrospective_years == "off" else int(args.retrospective_years)
        rules = [r.model_copy(update={"retrospective_years": years}) for r in rules]
    engine = RuleEngine(rules, config.concepts)
    outcomes = run(engine, load_set(args.set))
    print(report(outcomes))
    if args.misses:
        print("\n" + misses(outcomes))


if __name__ == "__main__":
    main()
