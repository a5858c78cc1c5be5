"""Command line: ``advisorywatch [--config PATH] COMMAND``."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisorywatch import __version__
from advisorywatch.config import Config, ConfigError, default_config_path, load_config
from advisorywatch.redaction import warn_world_readable_secret_files
from advisorywatch.runtime.logs import setup_logging

if TYPE_CHECKING:
    from advisorywatch.db.session import Database

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2
log = logging.getLogger("advisorywatch")


def _global_options(p: argparse.ArgumentParser, default: bool) -> None:
    """The options every command takes, before or after its name (after it, an option given
    before is kept: its default there is "not given")."""

    def d(value: object) -> object:
        return value if default else argparse.SUPPRESS

    p.add_argument(
        "-c",
        "--config",
        type=Path,
        default=d(None),
        help="config file (default: $ADVISORYWATCH_CONFIG or ./config.yaml)",
    )
    p.add_argument("-v", "--verbose", action="store_true", default=d(False), help="debug logging")
    p.add_argument(
        "--log-format",
        choices=["text", "json"],
        default=d("text"),
        help="log lines as readable text (default) or JSON objects",
    )


def _command(sub: Any, name: str, help: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help, description=help)
    _global_options(parser, default=False)
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="advisorywatch",
        description="Watch embassy alerts, travel advisories and news; notify when a rule fires.",
    )
    p.add_argument("--version", action="version", version=f"advisorywatch {__version__}")
    _global_options(p, default=True)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = _command(sub, "run", "run the daemon (or every source once with --once)")
    run.add_argument(
        "--once",
        action="store_true",
        help="crawl every source once, send alerts, exit (for cron; exit codes in README)",
    )
    run.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="NAME",
        help="with --once: only this source (repeatable)",
    )

    check = _command(
        sub, "check", "validate the config: keys, names, channel URLs, templates, database"
    )
    check.add_argument(
        "--connect", action="store_true", help="also connect to the database (PostgreSQL)"
    )
    status = _command(sub, "status", "daemon state, source health, outbox backlog, last alerts")
    status.add_argument("--json", action="store_true", help="JSON output")

    alerts = _command(sub, "alerts", "list recent alerts and their deliveries")
    alerts.add_argument("--json", action="store_true", help="JSON output")
    alerts.add_argument("--limit", type=_positive, default=20, help="how many (default 20)")

    sources = _command(sub, "sources", "source health: status, last success, errors")
    sources.add_argument("--json", action="store_true", help="JSON output")

    nt = _command(sub, "notify-test", "send a test notification to a channel (or all)")
    nt.add_argument("channel", nargs="?")

    _command(sub, "demo", "run the pipeline once on bundled fixtures, no internet needed")

    silence = _command(sub, "silence", "mute alerts by rule, source or channel for a while")
    silence_sub = silence.add_subparsers(dest="silence_command", required=True, metavar="ACTION")
    s_add = _command(silence_sub, "add", "add a silence (alerts are stored, not sent)")
    s_add.add_argument("--rule", help="rule name")
    s_add.add_argument("--source", help="source name")
    s_add.add_argument("--channel", help="channel name")
    s_add.add_argument("--place", help="a country, region or city (name or code): alerts naming it")
    s_add.add_argument("--for", dest="duration", required=True, help="how long, e.g. 2h or 30m")
    s_add.add_argument(
        "--starts", help="when it starts: in a while (2h) or at a time with a zone (…T06:00Z)"
    )
    s_add.add_argument("--author", help="who added it (default: the login name)")
    s_add.add_argument("--comment", help="why")
    _command(silence_sub, "list", "list active silences")
    s_rm = _command(silence_sub, "remove", "remove a silence")
    s_rm.add_argument("id", type=int)
    match = _command(
        sub,
        "match",
        "show which rules and concepts fire on a text (first line: title); exit 1 if none",
    )
    match.add_argument("file", nargs="?", default="-", help="text file, or - for stdin")
    match.add_argument("--rule", action="append", default=[], metavar="NAME", help="only NAME")
    match.add_argument("--source", metavar="NAME", help="only rules that watch this source")
    match.add_argument(
        "--published",
        type=_published,
        metavar="DATE",
        help="the text's publication date, ISO 8601 (default now): dates a retrospective",
    )

    concepts = _command(
        sub, "concepts", "the built-in concepts (and the config's): languages, terms, patterns"
    )
    concepts.add_argument("name", nargs="?", help="one concept: its description and entries")
    concepts.add_argument("--lang", metavar="L", help="only this language code (en, id, uk, ...)")
    web = _command(sub, "web", "serve the pages, feeds and API (beside the daemon)")
    web.add_argument("--host", help="address to listen on (default: web.host, 127.0.0.1)")
    web.add_argument("--port", type=int, help="port (default: web.port, 8470)")

    _command(sub, "prune", "delete rows older than retention: now (the daemon does it hourly)")

    db = _command(sub, "db", "database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    _command(db_sub, "upgrade", "apply schema migrations")
    return p


# Commands that check what can be checked before they start (channel URLs, templates, the
# database URL): the others only read and must work with any config that parses.
_PREFLIGHT = frozenset({"check", "run"})


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _main(args)
    except BrokenPipeError:  # e.g. `status | head`: the reader has all it wants
        _silence_stdout()
        return EXIT_OK


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _main(args: argparse.Namespace) -> int:
    if args.command == "demo":
        from advisorywatch.cli.demo import run_demo

        setup_logging("DEBUG" if args.verbose else "WARNING", args.log_format)
        return run_demo()
    path = args.config or default_config_path()
    try:
        once = args.command == "run" and args.once
        config = load_config(path, preflight="no-urls" if once else args.command in _PREFLIGHT)
    except ConfigError as exc:
        setup_logging("INFO", args.log_format)
        print(f"advisorywatch: invalid configuration in {path}:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_CONFIG
    setup_logging("DEBUG" if args.verbose else config.log_level, args.log_format)
    warn_world_readable_secret_files()
    from sqlalchemy.exc import SQLAlchemyError

    from advisorywatch.db.preflight import describe_error, url_problems

    problems = [] if args.command in _PREFLIGHT else url_problems(config.database.url)
    if problems:
        print(f"advisorywatch: {problems[0]}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        return _COMMANDS[args.command](config, args)
    except SQLAlchemyError as exc:
        # The database cannot be opened or used: one line, the traceback only with -v.
        if args.verbose:
            raise
        print(f"advisorywatch: {describe_error(config.database.url, exc)}", file=sys.stderr)
        return EXIT_CONFIG


def _cmd_check(config: Config, args: argparse.Namespace) -> int:
    if args.connect:
        from advisorywatch.db.preflight import connect_problem

        problem = connect_problem(config.database.url)
        if problem is not None:
            print(f"advisorywatch: {problem}", file=sys.stderr)
            return EXIT_CONFIG
    print(
        f"config OK: {len(config.sources)} sources, {len(config.rules)} rules, "
        f"{len(config.channels)} channels ({', '.join(config.channels)})"
    )
    return EXIT_OK


def _cmd_run(config: Config, args: argparse.Namespace) -> int:
    if args.once:
        from advisorywatch.runtime.once import run_once

        unknown = [n for n in args.source if n not in {s.name for s in config.sources}]
        if unknown:
            print(f"advisorywatch: unknown source(s): {', '.join(unknown)}", file=sys.stderr)
            return EXIT_CONFIG
        return run_once(config, args.source)
    if args.source:
        print("advisorywatch: --source only works with --once", file=sys.stderr)
        return EXIT_CONFIG
    from advisorywatch.runtime.daemon import run_daemon

    return run_daemon(config, args.config or default_config_path())


def _cmd_alerts(config: Config, args: argparse.Namespace) -> int:
    from advisorywatch.db.queries import recent_alerts

    rows = recent_alerts(_reader(config), args.limit)
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
    elif not rows:
        print("no alerts yet")
    for r in rows if not args.json else ():
        print(f"{r['created_at']}  {r['severity']:<8} {r['rule']:<20} {r['source']}: {r['title']}")
        sent = ", ".join(f"{n} {status}" for status, n in sorted(r["deliveries"].items()))
        print(f"    {r['url'] or '-'}  [{', '.join(r['terms'])}]  deliveries: {sent or 'none'}")
        if r["places"]:
            print(f"    places: {'; '.join(p['label'] for p in r['places'])}")
        if r["lowered"]:
            print(f"    {r['lowered']}")
    return EXIT_OK


def _cmd_sources(config: Config, args: argparse.Namespace) -> int:
    from advisorywatch.db.queries import source_health

    rows = source_health(_reader(config), [s.name for s in config.sources])
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return EXIT_OK
    width = max(len(r["name"]) for r in rows)
    print(f"{'SOURCE':<{width}}  {'STATUS':<8}  {'LAST SUCCESS':<25}  FAILS  ITEMS  LAST ERROR")
    for r in rows:
        error = f"{r['last_error_kind']}: {r['last_error']}" if r["last_error"] else "-"
        items = "-" if r["items_last_run"] is None else r["items_last_run"]
        print(
            f"{r['name']:<{width}}  {r['status']:<8}  {r['last_success'] or 'never':<25}  "
            f"{r['consecutive_failures']:>5}  {items:>5}  {error}"
        )
    return EXIT_OK


def _cmd_notify_test(config: Config, args: argparse.Namespace) -> int:
    from advisorywatch.notifier.channels import Channels
    from advisorywatch.notifier.message import Message
    from advisorywatch.notifier.send import send

    channels = Channels(config.channels)
    names = [args.channel] if args.channel else channels.names()
    if args.channel and args.channel not in channels.names():
        print(
            f"advisorywatch: no channel {args.channel!r} (have: {', '.join(channels.names())})",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    message = Message(
        "advisorywatch test notification",
        "If you can read this, advisorywatch can reach this channel.",
    )
    failed = 0
    for name in names:
        for dest in channels.destinations(name):
            result = send(dest.url, message, config.notifier.timeout_seconds)
            status = "ok" if result.ok else f"FAILED: {result.error}"
            failed += not result.ok
            print(f"{name}: {dest.label}: {status}")
    return EXIT_FAILED if failed else EXIT_OK


def _cmd_status(config: Config, args: argparse.Namespace) -> int:
    """Exit 0 when the daemon runs with a fresh heartbeat, else 1 (a health check's answer)."""
    from advisorywatch.cli.views import render_status, status_data

    db = _reader(config)
    stale_after = timedelta(seconds=config.daemon.stale_after_seconds)
    data = status_data(db, stale_after, [s.name for s in config.sources])
    code = EXIT_OK if data["daemon"]["state"] == "running" else EXIT_FAILED
    text = json.dumps(data, ensure_ascii=False, indent=2) if args.json else render_status(data)
    try:
        print(text, flush=True)
    except BrokenPipeError:  # `status | head`: the answer is still the exit code
        _silence_stdout()
    return code


def _reader(config: Config) -> Database:
    """The database for a command that only reads: it never takes the write lock, so it
    answers while the daemon writes; the schema is migrated only when it is not current."""
    from advisorywatch.db.session import Database

    db = Database(config.database.url, read_only=True)
    db.upgrade()
    return db


def _cmd_silence(config: Config, args: argparse.Namespace) -> int:
    from advisorywatch.db.session import Database
    from advisorywatch.notifier.route.silences import (
        active_silences,
        add_silence,
        describe,
        remove_silence,
    )

    if args.silence_command == "list":
        rows = active_silences(_reader(config))
        print("\n".join(describe(r) for r in rows) if rows else "no active silences")
        return EXIT_OK
    if args.silence_command == "add":
        try:
            fields, starts, duration = _silence_args(config, args)
        except ValueError as exc:
            print(f"advisorywatch: silence add: {exc}", file=sys.stderr)
            return EXIT_CONFIG
    db = Database(config.database.url)
    db.upgrade()
    if args.silence_command == "add":
        try:
            row = add_silence(
                db,
                duration,
                created_by=args.author or getpass.getuser(),
                comment=args.comment or "",
                starts_at=starts,
                **fields,
            )
        except ValueError as exc:
            print(f"advisorywatch: silence add: {exc}", file=sys.stderr)
            return EXIT_CONFIG
        print(f"silenced {describe(row)}")
    elif not remove_silence(db, args.id):
        print(f"advisorywatch: no silence with id {args.id}", file=sys.stderr)
        return EXIT_FAILED
    else:
        print(f"removed silence {args.id}")
    return EXIT_OK


def _silence_args(
    config: Config, args: argparse.Namespace
) -> tuple[dict[str, str], datetime, timedelta]:
    """``silence add``'s fields, start and duration, checked as the API checks a silence
    (:mod:`advisorywatch.notifier.route.silences`); a ValueError naming the option."""
    from advisorywatch.notifier.route.silences import BadSilence, silence_start, silence_value
    from advisorywatch.schema import parse_duration

    known = _known_names(config)
    now = datetime.now(UTC)
    try:
        duration = parse_duration(args.duration)
    except ValueError as exc:
        raise ValueError(f"--for: {exc}") from None
    starts = now if args.starts is None else _when(args.starts, now)
    try:
        fields = {
            name: silence_value(name, value, known)
            for name in ("rule", "source", "channel", "place")
            if (value := getattr(args, name)) is not None
        }
        start = silence_start(now, starts, starts + duration)
    except BadSilence as exc:
        raise ValueError(f"--{'for' if exc.field == 'ends' else exc.field}: {exc}") from None
    return fields, start, duration


def _when(text: str, now: datetime) -> datetime:
    """``--starts``: a duration from now (``2h``) or an ISO 8601 time."""
    from advisorywatch.schema import parse_duration

    try:
        return now + parse_duration(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"--starts: {text!r} is neither a duration (2h) nor a time (2026-12-08T06:00Z)"
        ) from None


def _published(text: str) -> datetime:
    """``match --published``: an ISO 8601 date or time."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 date (2026-12-08 or 2026-12-08T06:00Z)"
        ) from None


def _known_names(config: Config) -> dict[str, list[str]]:
    """The config's rule, source and channel names."""
    return {
        "rule": [r.name for r in config.rules],
        "source": [s.name for s in config.sources],
        "channel": list(config.channels),
    }


def _unknown_names(config: Config, **given: str | None) -> str | None:
    """The first of ``rule=...``, ``source=...`` that the config does not have, with the names
    it has (a match on a typo would quietly do nothing)."""
    known = _known_names(config)
    for kind, name in given.items():
        if name is not None and name not in known[kind]:
            return f"no {kind} {name!r} (have: {', '.join(sorted(known[kind]))})"
    return None


def _cmd_match(config: Config, args: argparse.Namespace) -> int:
    from advisorywatch.rules.engine import RuleEngine

    checks = [_unknown_names(config, rule=r) for r in args.rule]
    unknown = next(filter(None, [*checks, _unknown_names(config, source=args.source)]), None)
    if unknown:
        print(f"advisorywatch: match: {unknown}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        raw = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"advisorywatch: cannot read {args.file}: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    title, _, text = raw.partition("\n")
    rules = [r for r in config.rules if not args.rule or r.name in args.rule]
    tags = {s.name: tuple(s.tags) for s in config.sources}
    engine = RuleEngine(rules, config.concepts, tags)
    matches = engine.evaluate(args.source, {"title": title, "text": text}, args.published)
    for m in matches:
        print(f"{m.rule.name}  [{m.severity}]  concepts: {', '.join(m.concepts) or '-'}")
        if m.lowered:
            print(f"  {m.lowered}")
        for h in m.hits:
            kind = "regex" if h.term in m.rule.regexes else "keyword"
            what = f"{h.concept or kind}/{h.language or '-'}"
            print(f"  {what}  {h.field}[{h.start}:{h.end}]  {h.matched!r}")
            print(f"    {h.snippet}")
    if not matches:
        print("no rule matched")
    return EXIT_OK if matches else EXIT_FAILED


def _cmd_concepts(config: Config, args: argparse.Namespace) -> int:
    from advisorywatch.cli.concepts import concept_names, render_concept, render_overview
    from advisorywatch.rules.engine import resolve_concepts

    if args.name is None:
        print(
            render_overview(config.concepts, args.lang) or f"no concept has {args.lang!r} entries"
        )
        return EXIT_OK
    if args.name not in concept_names(config.concepts):
        names = ", ".join(concept_names(config.concepts))
        print(f"advisorywatch: no concept {args.name} (have: {names})", file=sys.stderr)
        return EXIT_CONFIG
    print(render_concept(resolve_concepts([args.name], config.concepts)[args.name], args.lang))
    return EXIT_OK


def _cmd_db(config: Config, args: argparse.Namespace) -> int:
    from advisorywatch.db.session import Database

    Database(config.database.url).upgrade()
    print("database schema is up to date")
    return EXIT_OK


def _cmd_prune(config: Config, args: argparse.Namespace) -> int:
    from advisorywatch.db.session import Database
    from advisorywatch.runtime.retention import prune_now

    db = Database(config.database.url)
    db.upgrade()
    pruned = prune_now(db, config.retention)
    if pruned is None:
        print("advisorywatch: another node is pruning now; nothing done", file=sys.stderr)
        return EXIT_FAILED
    print("pruned " + ", ".join(f"{n} {table}" for table, n in pruned.counts().items()))
    return EXIT_OK


def _cmd_web(config: Config, args: argparse.Namespace) -> int:
    from advisorywatch.web.serve import WebRefused, serve

    try:
        return serve(config, args.host, args.port)
    except WebRefused as exc:
        print(f"advisorywatch: web: {exc}", file=sys.stderr)
        return EXIT_CONFIG


_COMMANDS = {
    "check": _cmd_check,
    "run": _cmd_run,
    "alerts": _cmd_alerts,
    "sources": _cmd_sources,
    "notify-test": _cmd_notify_test,
    "silence": _cmd_silence,
    "db": _cmd_db,
    "status": _cmd_status,
    "match": _cmd_match,
    "concepts": _cmd_concepts,
    "web": _cmd_web,
    "prune": _cmd_prune,
}
