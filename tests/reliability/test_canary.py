"""A canary token in every part of a channel URL (path, password, query, ``${ENV}``), one
``run --once -v`` (DEBUG, every logger) that sends through each: the canary is in no line of
stdout or stderr and nowhere in the database file."""

from __future__ import annotations

from reliability.configs import air_strike_config
from reliability.ledger import Entry, record

from conftest import FeedServer, Project, Sink, rss

CANARY = "c4n4ryT0k3n"


def test_a_canary_token_appears_in_no_output(
    project: Project, feeds: FeedServer, sink: Sink
) -> None:
    url = feeds.put("/feed.xml", rss([{"guid": "a1", "title": "Air strike on Odesa"}]))
    at = f"127.0.0.1:{sink.port}"
    forms = {
        "path": f"json://{at}/hook/{CANARY}1",
        "password": f"json://user:{CANARY}2@{at}/notify",
        "query": f"json://{at}/notify?-token={CANARY}3",
        "env": f"json://{at}/hook/${{HOOK}}",
    }
    project.write_config(air_strike_config(url, list(forms.values())))
    run = project.cli("-v", "run", "--once", env={"HOOK": f"{CANARY}4"}, timeout=60)

    assert run.returncode == 0, run.stderr
    assert len(sink.received) == len(forms)  # every form was used
    outputs = {
        "stdout": run.stdout,
        "stderr": run.stderr,
        "database": project.stored_text(),  # every stored value, SQLite or PostgreSQL
        **{  # SQLite: also the file's bytes, its WAL and freed pages
            f.name: f.read_bytes().decode("latin-1") for f in project.dir.glob("state.db*")
        },
    }
    hits = {
        (where, line.strip()[:160])
        for where, text in outputs.items()
        for line in text.splitlines()
        if CANARY in line
    }
    record(Entry(tried=len(forms), survived=len(forms), canary_hits=len(hits)))
    assert not hits, sorted(hits)
