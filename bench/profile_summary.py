"""Summarise a py-spy collapsed-stack profile (``py-spy record --format raw``).

    .venv/bin/python bench/profile_summary.py PROFILE.txt [--top 15]

Prints the share of samples spent (self time) per package, and the functions with the most
inclusive and self time, so a profile can be quoted as text.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def package(file: str) -> str:
    """The top-level package of a frame's file ("scrapy", "advisorywatch", "<stdlib>")."""
    if "site-packages/" in file:
        return file.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if "/advisorywatch/" in file:
        return "advisorywatch"
    if "/lib/python3" in file:
        return "<stdlib " + file.rsplit("/lib/python3", 1)[1].split("/", 2)[1] + ">"
    return file


def summarise(text: str, top: int) -> str:
    selves: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in text.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        names = []
        for frame in frames:
            m = _FRAME.match(frame)
            names.append(f"{m['func']} ({_short(m['file'])})" if m else frame)
        selves[names[-1]] += count
        m = _FRAME.match(frames[-1])
        packages[package(m["file"]) if m else frames[-1]] += count
        for name in set(names):
            inclusive[name] += count
    out = [f"{total} samples"]
    for title, counter in (
        ("self time by package", packages),
        ("inclusive time by function", inclusive),
        ("self time by function", selves),
    ):
        out.append(f"\n{title}:")
        for name, count in counter.most_common(top):
            out.append(f"  {100 * count / max(total, 1):5.1f}%  {name}")
    return "\n".join(out)


def _short(file: str) -> str:
    for marker in ("site-packages/", "/lib/python3.11/"):
        if marker in file:
            return file.split(marker, 1)[1]
    return file.split("/advisorywatch/", 1)[-1] if "/advisorywatch/" in file else file


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("profile", type=Path)
    p.add_argument("--top", type=int, default=15)
    args = p.parse_args()
    print(summarise(args.profile.read_text(), args.top))


if __name__ == "__main__":
    main()
