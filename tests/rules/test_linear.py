"""Config regexes on the linear-time engine: the same matches as Python's ``re`` (Unicode
``\\w``/``\\b`` on Cyrillic, Arabic, Thai, Greek), no hang on catastrophic regexes, and the
constructs it cannot run refused with the reason."""

from __future__ import annotations

import re
import time

import pytest

from advisorywatch.rules.linear import LinearRegex, Unsupported
from advisorywatch.rules.normalize import normalize, normalize_pattern

from conftest import Project

TEXTS = [
    "Air strike near Kharkiv; AIR-STRIKES again. Level 4: do not travel. level 45",
    "Воздушная тревога в Москве! взрыв, взрывы; xвзрыв и взрыв-пакет 555-0100",
    "Повітряна тривога: ракетний удар по Києву, удари ракетами",
    "غارة جوية على المدينة، والغارات الجوية مستمرة. انفجار كبير وبالانفجار",
    "สถานทูตปิดทำการชั่วคราว เนื่องจากการโจมตีทางอากาศ ระเบิด 2 ครั้ง",
    "Αεροπορική επιδρομή στο Κίεβο_σήμερα, 12 νεκροί\nτέλος",
    "foo foo,foo xfoo foox foo\n",
]

REGEXES = [
    r"\bвзрыв\w*\b",
    r"\bвзрыв\b",
    r"\b(?:удар|ракет)\w*",
    r"\w+\b",
    r"\bغار\w*\s+جوي\w*",
    r"انفجار\b",
    r"ระเบิด\s*\d+",
    r"\b\w{2,}\b",
    r"\bfoo\b",
    r"\Bfoo",
    r"foo\B",
    r"\blevel\s+4\b",
    r"\b\d{3}-\d{4}\b",
    r"(?:air|drone)[\s-]strikes?",
    r"[^\W\d]+",
    r"\W+",
    r"[ab\s]+",
    r"\S+\s",
    r"(?s)тривога.{0,20}",
    r"(?m)^\w+",
    r"\w+$",
    r"a{,2}r",
    r"(?x) level \s+ \d",
    r"(?-i:Level)",
    r"[а-яё]+ая",
    r"foo\b[,\s]",
]


@pytest.mark.parametrize("source", REGEXES)
def test_same_matches_as_python_re(source: str) -> None:
    pattern = normalize_pattern(source)
    linear = LinearRegex(pattern)
    python = re.compile(pattern, re.IGNORECASE)
    for raw in TEXTS:
        text = normalize(raw)
        for pos, endpos in ((0, len(text)), (3, len(text) - 2), (10, 30)):
            expected = [m.span() for m in python.finditer(text, pos, endpos) if m.end() > m.start()]
            assert list(linear.spans(text, pos, endpos)) == expected, (text, pos, endpos)
            assert linear.search(text, pos, endpos) == bool(python.search(text, pos, endpos))


@pytest.mark.parametrize("source", [r"(a+)+$", r"(x|x)*y", r"(\w+\s?)*!", r"(.*a){12}"])
def test_catastrophic_regexes_take_linear_time(source: str) -> None:
    rx = LinearRegex(source)
    text = "a" * 20_000 + "x" * 20_000 + "b"
    started = time.perf_counter()
    assert list(rx.spans(text)) in ([], [(0, 20_000)], [(0, 40_001)])
    assert time.perf_counter() - started < 2  # Python's re: years


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (r"(a)\1", "uses a backreference"),
        (r"(?P<x>a)(?P=x)", "uses a backreference"),
        (r"(?<!отбой\s)тревог", "uses a look-behind"),
        (r"travel(?!\s+alone)", "uses a look-ahead"),
        (r"(?>ab)", "uses an atomic group"),
        (r"a++", "uses a possessive repeat"),
        (r"(a)?(?(1)b|c)", "uses a conditional group"),
        (r"(?a)\w", "uses the ASCII flag"),
        (r"\b.*", r"uses \b next to something that may or may not be a letter or digit"),
    ],
)
def test_what_it_cannot_run_is_refused_with_the_reason(source: str, reason: str) -> None:
    with pytest.raises(Unsupported, match=re.escape(reason)):
        LinearRegex(source)


def test_a_regex_beyond_the_engines_limits_is_an_error(capfd: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(re.error, match="cannot compile it: invalid repetition size"):
        LinearRegex("a{2000}")
    assert capfd.readouterr().err == ""  # RE2's own logging is off


def test_check_names_the_file_line_and_key_of_a_regex_it_cannot_run(project: Project) -> None:
    project.write_config("""
database: {url: "sqlite:///state.db"}
sources:
  - {name: a, type: feed, url: "http://127.0.0.1:9/feed.xml"}
concepts:
  port:
    patterns: {en: ['port closed']}
    exclude: {en: ['(?<!not )reopen']}
rules:
  - name: r
    regexes:
      - 'fine'
      - '(a)\\1'
    notify: [console]
  - {name: p, concepts: [port], notify: [console]}
channels: {console: {urls: ["console://"]}}
""")
    result = project.cli("check")
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert (
        "config.yaml:13: rules[0].regexes[1]: '(a)\\\\1' uses a backreference, which the"
        " linear-time regex engine does not support" in out
    ), out
    assert "config.yaml:8: concepts.port.exclude.en[0]: '(?<!not )reopen' uses a look-behind" in out
