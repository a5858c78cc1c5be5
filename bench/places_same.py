"""Whether two trees find the same places: ``places_in`` over every text of the evaluation
sets (``bench/detection_*/``) and the places tests' fixtures, written as JSON by each tree,
then compared.

    PYTHONPATH=BASE .venv/bin/python bench/places_same.py --write /tmp/base.json
    PYTHONPATH=BRANCH .venv/bin/python bench/places_same.py --write /tmp/branch.json
    .venv/bin/python bench/places_same.py --compare /tmp/base.json /tmp/branch.json

``--write`` also prints the time ``places_in`` took per item (the lookup ready beforehand).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent


def texts() -> list[tuple[str, str]]:
    """(title, text) of every evaluation item and grouping fixture, in a fixed order."""
    out = []
    for path in sorted(ROOT.glob("bench/detection_*/*.yaml")):
        out += [
            (i.get("title") or "", i.get("text") or "") for i in yaml.safe_load(path.read_text())
        ]
    reports = yaml.safe_load((ROOT / "tests/fixtures/grouping/reports.yaml").read_text())
    out += [(r["title"], r["text"]) for r in reports["reports"]]
    return out


def write(path: Path) -> None:
    from advisorywatch.rules.places.extract import places_in

    items = texts()
    places_in("Kyiv", "")  # the lookup ready before the clock starts
    start = time.perf_counter()
    found: list[list[dict[str, Any]]] = [places_in(title, text) for title, text in items]
    took = time.perf_counter() - start
    path.write_text(json.dumps({"items": items, "places": found}, ensure_ascii=False))
    named = sum(bool(f) for f in found)
    print(f"{len(items)} items, {named} naming places: {took / len(items) * 1e3:.3f} ms per item")


def compare(a: Path, b: Path) -> int:
    left, right = json.loads(a.read_text()), json.loads(b.read_text())
    if left["items"] != right["items"]:
        print("the two files are of different texts")
        return 2
    differ = 0
    for (title, text), x, y in zip(left["items"], left["places"], right["places"], strict=True):
        if x != y:
            differ += 1
            print(f"differs: {title!r} {text[:80]!r}\n  {a}: {x}\n  {b}: {y}")
    print(f"{len(left['items'])} items, {differ} differ")
    return 1 if differ else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, metavar="OUT")
    group.add_argument("--compare", type=Path, nargs=2, metavar=("A", "B"))
    args = parser.parse_args()
    if args.write:
        write(args.write)
    else:
        sys.exit(compare(*args.compare))


if __name__ == "__main__":
    main()
