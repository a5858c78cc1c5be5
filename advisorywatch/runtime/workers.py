"""The second core: parsing a response, computing its items' keys and matching their text in
worker processes (``crawler.workers``), while the main process crawls and stores.

Each worker is ``python -m advisorywatch.runtime.workers``, fed one response at a time over a
pipe; it answers with the items, each carrying a :class:`~advisorywatch.model.Prepared` (its
identity, content hash, link key and rule matches), so that the storing transaction, which
stays in the main process, does not compute them. Isolation is per response, as with the
parse threads: a parser's exception fails that source's fetch as a ``parse`` error; a worker
that dies (a crash in a C parser, the OOM killer) fails only the response it was parsing and
is replaced at the next one. Source types that can ask for follow-up requests (pages,
articles) parse in a thread of the main process, as without workers.

The pipe carries pickles both ways: the workers are this program's own child processes,
started from this installation, reading nothing but what their parent sends them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import struct
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import IO, Any

from advisorywatch.crawler.sources.base import (
    Fetched,
    ParseResult,
    SourceConfig,
    SourceError,
    SourceType,
)
from advisorywatch.crawler.sources.registry import make_source
from advisorywatch.ingest.identities import content_hash, item_identity, link_key
from advisorywatch.model import ParsedItem, Prepared
from advisorywatch.rules.config import ConceptConfig, RuleConfig
from advisorywatch.rules.engine import RuleEngine
from advisorywatch.testhooks import crash_point

log = logging.getLogger(__name__)
_LENGTH = struct.Struct("!Q")


@dataclass(frozen=True)
class Rules:
    """What a worker builds its rule engine from (the config's ``rules``, ``concepts``, tags)."""

    rules: Sequence[RuleConfig]
    concepts: Mapping[str, ConceptConfig]
    source_tags: Mapping[str, Sequence[str]]


class ParserFailed(Exception):
    """A parser raised in a worker: ``type: message`` of its exception."""


def in_worker(source: SourceType) -> bool:
    """Whether ``source``'s responses can be parsed in a worker: types that never ask for
    follow-ups (their follow-ups' parse functions stay in the process that made them)."""
    return type(source).parse_result is SourceType.parse_result


class ParseWorkers:
    """``size`` worker processes, started at the first response to parse (a pass in which
    every source answers 304 starts none), replaced when one dies."""

    def __init__(self, size: int, rules: Rules) -> None:
        self._size = size
        self._rules = rules
        self._generation = 0
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: list[_Worker] = []

    def configure(self, rules: Rules) -> None:
        """New rules: each worker takes them before its next response."""
        self._rules = rules
        self._generation += 1

    async def parse(self, source: SourceType, fetched: Fetched) -> ParseResult:
        if not in_worker(source):
            from advisorywatch.crawler.fetch.spider import parse_in_thread  # not in the workers

            return await parse_in_thread(source, fetched)
        if self._idle is None:
            self._idle = asyncio.Queue()
            self._all = [_Worker(self._rules, self._generation) for _ in range(self._size)]
            for w in self._all:
                self._idle.put_nowait(w)
        worker = await self._idle.get()
        try:
            if worker.generation != self._generation:
                worker.configure(self._rules, self._generation)
            return await asyncio.to_thread(worker.parse, source.config, fetched)
        finally:
            if not worker.alive():
                worker.close()
                worker = _Worker(self._rules, self._generation)
                self._all = [*(w for w in self._all if w.alive()), worker]
            self._idle.put_nowait(worker)

    def close(self) -> None:
        for w in self._all:
            w.close()


class _Worker:
    """One worker process and its pipes; used by one thread at a time."""

    def __init__(self, rules: Rules, generation: int) -> None:
        self.generation = generation
        self._proc = subprocess.Popen(
            [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._lock = threading.Lock()
        _send(self._in, rules)

    @property
    def _in(self) -> IO[bytes]:
        assert self._proc.stdin is not None
        return self._proc.stdin

    def alive(self) -> bool:
        return self._proc.poll() is None

    def configure(self, rules: Rules, generation: int) -> None:
        with self._lock:
            with contextlib.suppress(OSError):  # dead: found out at the next response
                _send(self._in, rules)
            self.generation = generation

    def parse(self, config: SourceConfig, fetched: Fetched) -> ParseResult:
        with self._lock:
            assert self._proc.stdout is not None
            try:
                _send(self._in, (config, fetched))
                answer = _receive(self._proc.stdout)
            except (OSError, EOFError):
                answer = None
            if answer is None:
                code = self._proc.wait()
                log.warning(
                    "source %s: the parsing worker died (exit status %s)", config.name, code
                )
                raise SourceError(f"the parsing worker process died (exit status {code})")
        kind, value = answer
        if kind == "items":
            return ParseResult(value)
        if kind == "source error":
            raise SourceError(value)
        raise ParserFailed(value)

    def close(self) -> None:
        with self._lock:
            with contextlib.suppress(OSError):
                self._in.close()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            if self._proc.stdout is not None:
                self._proc.stdout.close()


def _send(stream: IO[bytes], obj: object) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    """The next message; None at the end of the stream (the other side is gone)."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)  # our own parent's or child's: see above


def prepare(engine: RuleEngine, source: str, items: list[ParsedItem]) -> list[ParsedItem]:
    """``items``, each with its keys and rule matches."""
    index = {id(r): i for i, r in enumerate(engine.configs)}
    out = []
    for it in items:
        matches = engine.evaluate(source, {"title": it.title, "text": it.text}, it.published)
        prepared = Prepared(
            item_identity(it.guid, it.url, it.title, it.text),
            content_hash(it.title, it.text),
            link_key(it.url),
            tuple((index[id(m.rule)], m.severity, m.hits, m.lowered_by, m.dated) for m in matches),
        )
        out.append(replace(it, prepared=prepared))
    return out


def _serve(inp: IO[bytes], out: IO[bytes]) -> None:
    """The worker's loop: rules, then responses, until the parent closes the pipe."""
    engine: RuleEngine | None = None
    while (message := _receive(inp)) is not None:
        if isinstance(message, Rules):
            engine = RuleEngine(list(message.rules), message.concepts, message.source_tags)
            continue
        assert engine is not None, "rules come first"
        config, fetched = message
        crash_point(f"parse:{config.name}")
        answer: tuple[str, Any]
        try:
            items = make_source(config).parse_result(fetched).items
            answer = ("items", prepare(engine, config.name, items))
        except SourceError as exc:
            answer = ("source error", str(exc))
        except Exception as exc:  # a parser bug fails this response only
            answer = ("failed", f"{type(exc).__name__}: {exc}")
        _send(out, answer)


def _main() -> None:
    # The answers get their own descriptor; what a library prints goes to stderr.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    # Through the module's own name, so that the classes the parent pickles are these ones.
    from advisorywatch.runtime import workers

    workers._main()
