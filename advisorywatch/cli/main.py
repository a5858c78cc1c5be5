"""Command line: ``advisorywatch [--config PATH] COMMAND``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from advisorywatch import __version__
from advisorywatch.config import Config, ConfigError, default_config_path, load_config
from advisorywatch.redaction import warn_world_readable_secret_files
from advisorywatch.runtime.logs import setup_logging

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2
log = logging.getLogger("advisorywatch")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="advisorywatch",
        description="Watch embassy alerts, travel advisories and news; notify when a rule fires.",
    )
    p.add_argument("--version", action="version", version=f"advisorywatch {__version__}")
    p.add_argument(
        "-c",
        "--config",
        type=Path,
        default=None,
        help="config file (default: $ADVISORYWATCH_CONFIG or ./config.yaml)",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    p.add_argument(
        "--log-format",
        choices=["text", "json"],
        default="text",
        help="log lines as readable text (default) or JSON objects",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run the daemon (or every source once with --once)")
    run.add_argument(
        "--once", action="store_true", help="crawl every source once, send alerts, exit (for cron)"
    )
    run.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="NAME",
        help="with --once: only this source (repeatable)",
    )

    sub.add_parser("check", help="validate the config and exit")
    sub.add_parser("status", help="daemon state, source health, outbox backlog, last alerts")

    alerts = sub.add_parser("alerts", help="list recent alerts")
    alerts.add_argument("--json", action="store_true", help="JSON output")
    alerts.add_argument("--limit", type=int, default=20)

    sources = sub.add_parser("sources", help="source health: status, last success, errors")
    sources.add_argument("--json", action="store_true", help="JSON output")

    nt = sub.add_parser("notify-test", help="send a test notification to a channel (or all)")
    nt.add_argument("channel", nargs="?")

    sub.add_parser("demo", help="run the pipeline once on bundled fixtures, no internet needed")

    silence = sub.add_parser("silence", help="mute alerts by rule, source or channel for a while")
    silence_sub = silence.add_subparsers(dest="silence_command", required=True, metavar="ACTION")
    s_add = silence_sub.add_parser("add", help="add a silence (alerts are stored, not sent)")
    s_add.add_argument("--rule", help="rule name")
    s_add.add_argument("--source", help="source name")
    s_add.add_argument("--channel", help="channel name")
    s_add.add_argument("--for", dest="duration", required=True, help="how long, e.g. 2h or 30m")
    silence_sub.add_parser("list", help="list active silences")
    s_rm = silence_sub.add_parser("remove", help="remove a silence")
    s_rm.add_argument("id", type=int)
    match = sub.add_parser(
        "match",
        help="show which rules and concepts fire on a text (first line: title); exit 1 if none",
    )
    match.add_argument("file", nargs="?", default="-", help="text file, or - for stdin")
    match.add_argument("--rule", action="append", default=[], metavar="NAME", help="only NAME")
    match.add_argument("--source", metavar="NAME", help="only rules that watch this source")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="apply schema migrations")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "demo":
        from advisorywatch.cli.demo import run_demo

        setup_logging("DEBUG" if args.verbose else "WARNING", args.log_format)
        return run_demo()
    path = args.config or default_config_path()
    try:
        config = load_config(path)
    except ConfigError as exc:
        setup_logging("INFO", args.log_format)
        print(f"advisorywatch: invalid configuration in {path}:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_FAILED if args.command == "check" else EXIT_CONFIG
    setup_logging("DEBUG" if args.verbose else config.log_level, args.log_format)
    warn_world_readable_secret_files()
    return _COMMANDS[args.command](config, args)


def _cmd_check(config: Config, args: argparse.Namespace) -> int:
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
    from advisorywatch.db.session import Database

    db = Database(config.database.url)
    db.upgrade()
    rows = recent_alerts(db, args.limit)
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
    elif not rows:
        print("no alerts yet")
    for r in rows if not args.json else ():
        print(f"{r['created_at']}  {r['severity']:<8} {r['rule']:<20} {r['source']}: {r['title']}")
        print(f"    {r['url'] or '-'}  [{', '.join(r['terms'])}]  deliveries: {r['deliveries']}")
        if r["places"]:
            print(f"    places: {'; '.join(p['label'] for p in r['places'])}")
    return EXIT_OK


def _cmd_sources(config: Config, args: argparse.Namespace) -> int:
    from advisorywatch.db.queries import source_health
    from advisorywatch.db.session import Database
    from advisorywatch.ingest.sync import sync_sources

    db = Database(config.database.url)
    db.upgrade()
    sync_sources(db, config.sources)
    rows = source_health(db, [s.name for s in config.sources])
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
    from advisorywatch.cli.views import render_status
    from advisorywatch.db.session import Database

    db = Database(config.database.url)
    db.upgrade()
    stale_after = timedelta(seconds=config.daemon.stale_after_seconds)
    text, alive = render_status(db, stale_after)
    print(text)
    return EXIT_OK if alive else EXIT_FAILED


def _cmd_silence(config: Config, args: argparse.Namespace) -> int:
    from advisorywatch.db.session import Database
    from advisorywatch.notifier.route.silences import (
        active_silences,
        add_silence,
        describe,
        remove_silence,
    )
    from advisorywatch.schema import parse_duration

    db = Database(config.database.url)
    db.upgrade()
    if args.silence_command == "add":
        try:
            row = add_silence(
                db, parse_duration(args.duration), args.rule, args.source, args.channel
            )
        except ValueError as exc:
            print(f"advisorywatch: silence add: {exc}", file=sys.stderr)
            return EXIT_CONFIG
        print(f"silenced {describe(row)}")
    elif args.silence_command == "list":
        rows = active_silences(db)
        print("\n".join(describe(r) for r in rows) if rows else "no active silences")
    elif not remove_silence(db, args.id):
        print(f"advisorywatch: no silence with id {args.id}", file=sys.stderr)
        return EXIT_FAILED
    else:
        print(f"removed silence {args.id}")
    return EXIT_OK


def _cmd_match(config: Config, args: argparse.Namespace) -> int:
    from advisorywatch.rules.engine import RuleEngine

    names = {r.name for r in config.rules}
    unknown = [n for n in args.rule if n not in names]
    if unknown:
        print(
            f"advisorywatch: no rule {', '.join(unknown)} (have: {', '.join(sorted(names))})",
            file=sys.stderr,
        )
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
    matches = engine.evaluate(args.source, {"title": title, "text": text})
    for m in matches:
        print(f"{m.rule.name}  [{m.severity}]  concepts: {', '.join(m.concepts) or '-'}")
        for h in m.hits:
            kind = "regex" if h.term in m.rule.regexes else "keyword"
            what = f"{h.concept or kind}/{h.language or '-'}"
            print(f"  {what}  {h.field}[{h.start}:{h.end}]  {h.matched!r}")
            print(f"    {h.snippet}")
    if not matches:
        print("no rule matched")
    return EXIT_OK if matches else EXIT_FAILED


def _cmd_db(config: Config, args: argparse.Namespace) -> int:
    from advisorywatch.db.session import Database

    Database(config.database.url).upgrade()
    print("database schema is up to date")
    return EXIT_OK


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
}
