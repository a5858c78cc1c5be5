"""`advisorywatch match`: which rules and concepts fire on a text, and where."""

from __future__ import annotations

import subprocess
import sys

from conftest import FIXTURES, Project

SEED = FIXTURES / "news_id_suarathailand_kyiv_embassy_closure_2024-11-20_seed.txt"
CONFIG = """
sources:
  - {name: news, type: feed, url: "http://127.0.0.1:1/feed.xml"}
concepts:
  port_closed: {terms: {en: ["port closed"]}, severity: warning}
rules:
  - name: kyiv
    concepts: [air_strike, embassy_closed, shelter_in_place]
    severity: critical
    notify: [console]
  - {name: port, concepts: [port_closed], notify: [console]}
"""


def test_match_reports_rules_concepts_and_snippets(project: Project) -> None:
    project.write_config(CONFIG)
    result = project.cli("match", str(SEED))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "kyiv  [critical]  concepts: air_strike, embassy_closed, shelter_in_place" in out
    assert "air_strike/id  text[" in out and "'serangan udara'" in out
    assert "potensi **serangan udara** yang signifikan" in out
    assert "untuk **berlindung di tempat**" in out
    assert "port" not in out.replace("pernyataan", "")


def test_match_exit_1_when_nothing_fires_and_reads_stdin(project: Project) -> None:
    project.write_config(CONFIG)
    cmd = [sys.executable, "-m", "advisorywatch", "--config", str(project.config), "match"]
    quiet = subprocess.run(
        cmd, input="Hair strike salon opens", capture_output=True, text=True, timeout=60
    )
    assert quiet.returncode == 1 and "no rule matched" in quiet.stdout
    loud = subprocess.run(
        [*cmd, "--rule", "port", "-"],
        input="Title\nThe PORT&nbsp;CLOSED at noon",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert loud.returncode == 0, loud.stderr
    assert "port  [warning]  concepts: port_closed" in loud.stdout
    assert "'PORT&nbsp;CLOSED'" in loud.stdout
    assert "The **PORT&nbsp;CLOSED** at noon" in loud.stdout


def test_match_unknown_rule(project: Project) -> None:
    project.write_config(CONFIG)
    result = project.cli("match", "--rule", "nope", str(SEED))
    assert result.returncode == 2
    assert "no rule 'nope' (have: kyiv, port)" in result.stderr


def test_match_says_why_a_retrospective_is_lowered(project: Project) -> None:
    project.write_config(CONFIG)
    text = project.dir / "basra.txt"
    text.write_text(
        "Basra\nAn air strike hit the city on 17 May 1985.",
        "utf-8",
    )
    result = project.cli("match", "--rule", "kyiv", str(text))
    assert result.returncode == 0, result.stderr
    assert "kyiv  [info]  concepts: air_strike" in result.stdout
    assert "lowered to info: a retrospective, dated 1985 and by no later year" in result.stdout
    assert "(retrospective_years: 15)" in result.stdout
    then = project.cli("match", "--rule", "kyiv", "--published", "1985-05-18", str(text))
    assert "kyiv  [critical]" in then.stdout and "retrospective" not in then.stdout
    bad = project.cli("match", "--published", "yesterday", str(text))
    assert bad.returncode == 2 and "'yesterday' is not an ISO 8601 date" in bad.stderr
