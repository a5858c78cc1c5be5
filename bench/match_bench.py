"""Matching throughput: the one-automaton RuleEngine against bare pyahocorasick and regex.

    .venv/bin/python bench/match_bench.py [--mb 50] [--terms 1000,10000] [--baseline-mb 2]
        [--regexes]

Builds ~50 MB of multilingual text (11 languages, documents of 1-6 KB of made-up words in
each language's letters with real lexicon words and phrases mixed in), then times
``RuleEngine.evaluate`` (normalisation, automaton, boundary checks, regex patterns, offset
maps and snippets all included) with the built-in concepts plus N generated terms.
Baselines: "pyahocorasick" is a bare ``ahocorasick.Automaton`` of the same N terms,
lower-cased, iterated over ``text.lower()`` (no normalisation, no checks: the speed the
issue quotes); it runs interleaved with the engine, 50 documents each in turn, so that both
see the same load, and "ratio" is engine / pyahocorasick. "regex" is one compiled
alternation of the same terms (all variants, on word boundaries) over the same normalised
text; it is slow, so it runs on the first --baseline-mb only.
"quiet" is the same on text without alert words, as most news is.
Speeds are MB of UTF-8 per second of this process's CPU time (the machine is shared); "build"
includes the first 50 documents of each corpus (the automata of the scripts' 8-bit codecs
are built when a text in one first comes).
Not a test: it prints a table and exits.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

import ahocorasick
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from advisorywatch.rules.boundaries import term_keys
from advisorywatch.rules.config import ConceptConfig, RuleConfig
from advisorywatch.rules.engine import RuleEngine
from advisorywatch.rules.lexicon import available_concepts
from advisorywatch.rules.normalize import normalize

LEXICON = Path(__file__).resolve().parent.parent / "advisorywatch/rules/lexicon"
LANGS = ["en", "id", "uk", "ru", "fr", "de", "es", "it", "el", "ar", "th"]


def _vocabulary() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Words and whole phrases per language of the corpus, from the lexicon files (the
    lexicon's other languages are in the engine, not in the made-up text)."""
    words: dict[str, set[str]] = {lang: set() for lang in LANGS}
    phrases: dict[str, list[str]] = {lang: [] for lang in LANGS}
    for path in sorted(LEXICON.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for lang, terms in (data.get("terms") or {}).items():
            if lang not in phrases:
                continue
            phrases[lang].extend(terms)
            for t in terms:
                words[lang].update(t.split())
    return {k: sorted(v) for k, v in words.items()}, phrases


def corpus(megabytes: float, rng: random.Random, alert_words: float = 0.03) -> list[str]:
    """Documents of made-up words in each language's letters (news vocabulary is mostly not
    alert vocabulary), with ``alert_words`` of real lexicon words (a tenth of them whole
    lexicon phrases) mixed in."""
    words, phrases = _vocabulary()
    # Letters as often as the lexicon's own words use them (accents included).
    letters = {lang: [c for w in ws for c in w if c.isalpha()] for lang, ws in words.items()}
    docs: list[str] = []
    size = 0
    while size < megabytes * 1_000_000:
        lang = rng.choice(LANGS)
        sep = "" if lang == "th" else " "
        target = rng.randint(1000, 6000)
        parts: list[str] = []
        length = 0
        while length < target:
            r = rng.random()
            if r < alert_words / 10:
                w = rng.choice(phrases[lang])
            elif r < alert_words:
                w = rng.choice(words[lang])
            else:
                w = "".join(rng.choices(letters[lang], k=rng.randint(2, 10)))
            if rng.random() < 0.1:
                w = w.capitalize()
            if rng.random() < 0.08:
                w += rng.choice([".", ",", ";", ":"]) + ("\n" if rng.random() < 0.2 else "")
            parts.append(w)
            length += len(w) + 1
        doc = sep.join(parts)
        docs.append(doc)
        size += len(doc.encode())
    return docs


def generated_terms(n: int, rng: random.Random) -> dict[str, list[str]]:
    """N two-word terms per language from the same vocabulary (so some of them occur)."""
    words, _ = _vocabulary()
    out: dict[str, list[str]] = {lang: [] for lang in LANGS}
    seen: set[str] = set()
    while len(seen) < n:
        lang = rng.choice(LANGS)
        term = " ".join(rng.sample(words[lang], 2)) + f" {rng.randint(0, 99)}"[: rng.randint(0, 3)]
        term = term.strip()
        if term not in seen:
            seen.add(term)
            out[lang].append(term)
    return out


# Regexes as users write them in config.yaml (--regexes); the last has no literal to wait for,
# so it runs on the whole of every document.
CONFIG_REGEXES = [
    r"\blevel\s+4\b",
    r"(?:air|drone)[\s-]strikes?",
    r"\bвзрыв\w*",
    r"\bambassade\W+(?:\w+\W+){0,3}ferm\w*",
    r"\b\d{3}-\d{4}\b",
]


def engine_for(terms: dict[str, list[str]], regexes: bool = False) -> RuleEngine:
    concepts = {"generated": ConceptConfig(terms={k: v for k, v in terms.items() if v})}
    rules = [RuleConfig(name=c, concepts=[c], notify=["x"]) for c in sorted(available_concepts())]
    rules.append(RuleConfig(name="generated", concepts=["generated"], notify=["x"]))
    if regexes:
        rules.append(RuleConfig(name="config-regexes", regexes=CONFIG_REGEXES, notify=["x"]))
    return RuleEngine(rules, concepts)


def baseline_regex(terms: dict[str, list[str]]) -> re.Pattern[str]:
    alts = sorted(
        {re.escape(k) for lang, ts in terms.items() for t in ts for k in term_keys(t, lang)},
        key=len,
        reverse=True,
    )
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)")


def pyahocorasick_for(terms: dict[str, list[str]]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for t in {t.lower() for ts in terms.values() for t in ts}:
        automaton.add_word(t, t)
    automaton.make_automaton()
    return automaton


def mb_per_s(docs: list[str], fn: object) -> tuple[float, int]:
    ((speed, count),) = interleaved(docs, [fn])
    return speed, count


def interleaved(docs: list[str], fns: list[object], chunk: int = 50) -> list[tuple[float, int]]:
    """(MB/s of CPU time, sum of results) of each function over ``docs``, the functions
    taking turns every ``chunk`` documents."""
    nbytes = sum(len(d.encode()) for d in docs)
    seconds = [0.0] * len(fns)
    counts = [0] * len(fns)
    for i in range(0, len(docs), chunk):
        part = docs[i : i + chunk]
        for k, fn in enumerate(fns):
            t0 = time.process_time()
            for d in part:
                counts[k] += fn(d)  # type: ignore[operator]
            seconds[k] += time.process_time() - t0
    return [(nbytes / 1e6 / s, c) for s, c in zip(seconds, counts, strict=True)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--mb", type=float, default=50)
    ap.add_argument("--terms", default="1000,10000")
    ap.add_argument("--baseline-mb", type=float, default=2)
    ap.add_argument("--quiet-mb", type=float, default=10, help="size of the alert-free corpus")
    ap.add_argument("--regexes", action="store_true", help="add a rule of CONFIG_REGEXES")
    args = ap.parse_args()
    rng = random.Random(20241120)
    docs = corpus(args.mb, rng)
    quiet = corpus(args.quiet_mb, rng, alert_words=0)
    total = sum(len(d.encode()) for d in docs) / 1e6
    sub, acc = [], 0.0
    for d in docs:
        if acc >= args.baseline_mb * 1e6:
            break
        sub.append(d)
        acc += len(d.encode())
    print(f"corpus: {total:.1f} MB, {len(docs)} documents, 11 languages, 3% alert words")
    print(f"quiet corpus: {args.quiet_mb:.0f} MB without alert words")
    norm_speed, _ = mb_per_s(docs, lambda d: len(normalize(d)) * 0)
    print(f"normalisation alone: {norm_speed:.1f} MB/s (CPU time)\n")
    columns = [
        ("terms", 6),
        ("build s", 7),
        ("engine MB/s", 11),
        ("pyahocorasick MB/s", 18),
        ("ratio", 5),
        ("rule matches", 12),
        ("quiet MB/s", 10),
        ("quiet pyaho", 11),
        ("ratio", 5),
        ("regex MB/s", 10),
    ]
    print(" | ".join(f"{name:>{width}}" for name, width in columns))
    print("-" * (sum(w for _, w in columns) + 3 * (len(columns) - 1)))
    for n in (int(x) for x in args.terms.split(",")):
        terms = generated_terms(n, rng)
        t0 = time.perf_counter()
        engine = engine_for(terms, args.regexes)
        engine.matcher  # noqa: B018  (compiled on first use since 2026-11-28: build it here)
        for d in (*docs[:50], *quiet[:50]):  # and the automata of the scripts' codecs, built
            engine.evaluate("bench", {"title": "", "text": d})  # when a text in one first comes
        build = time.perf_counter() - t0
        bare = pyahocorasick_for(terms)

        def evaluate(d: str, e: RuleEngine = engine) -> int:
            return len(e.evaluate("bench", {"title": "", "text": d}))

        def reference(d: str, a: ahocorasick.Automaton = bare) -> int:
            return sum(1 for _ in a.iter(d.lower()))

        (speed, matches), (ref, _) = interleaved(docs, [evaluate, reference])
        (calm, _), (calm_ref, _) = interleaved(quiet, [evaluate, reference])
        rx = baseline_regex(terms)
        base, _ = mb_per_s(sub, lambda d, r=rx: sum(1 for _ in r.finditer(normalize(d))))
        cells = [
            n,
            f"{build:.2f}",
            f"{speed:.1f}",
            f"{ref:.1f}",
            f"{speed / ref:.2f}",
            matches,
            f"{calm:.1f}",
            f"{calm_ref:.1f}",
            f"{calm / calm_ref:.2f}",
            f"{base:.2f}",
        ]
        print(" | ".join(f"{c:>{w}}" for c, (_, w) in zip(cells, columns, strict=True)))


if __name__ == "__main__":
    main()
