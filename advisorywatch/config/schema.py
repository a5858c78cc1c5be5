"""The root of ``config.yaml``: the sections the packages own, assembled, and the references
between them (a rule's channels, sources, tags and concepts) checked."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import Field, model_validator

from advisorywatch.crawler.fetch.config import CrawlerConfig
from advisorywatch.crawler.sources.base import SourceConfig
from advisorywatch.crawler.sources.registry import SOURCE_TYPES
from advisorywatch.db.config import RetentionConfig
from advisorywatch.notifier.config import ChannelConfig, NotifierConfig
from advisorywatch.rules.config import ConceptConfig, RuleConfig
from advisorywatch.rules.lexicon import available_concepts, load_concept
from advisorywatch.schema import Secret, Strict


class RefError(ValueError):
    """A name that refers to nothing, with where it is in the config (``loc``) so that the
    error points at the line of the offending value."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc


def did_you_mean(name: str, known: Collection[str]) -> str:
    """``; did you mean 'x'?`` for a near miss among ``known``, else empty."""
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _refer(
    loc: tuple[str | int, ...],
    names: Iterable[str],
    known: Collection[str],
    says: str,
    after: str = "",
    hint_last: bool = False,
) -> None:
    """Raise :class:`RefError` at the first of ``names`` not in ``known``: ``says`` and the
    name, then ``after``, with the "did you mean" hint after the name (``hint_last``: after
    ``after``)."""
    for j, name in enumerate(names):
        if name not in known:
            hint = did_you_mean(name, known)
            tail = f"{after}{hint}" if hint_last else f"{hint}{after}"
            raise RefError((*loc, j), f"{says} {name!r}{tail}")


def _source_union() -> Any:
    models = tuple(cls.config_model for cls in SOURCE_TYPES.values())
    if len(models) == 1:
        return models[0]
    return Annotated[Union[models], Field(discriminator="type")]  # noqa: UP007


if TYPE_CHECKING:
    SourceEntry = SourceConfig
else:
    SourceEntry = _source_union()


class DatabaseConfig(Strict):
    url: Annotated[str, Secret] = "sqlite:///advisorywatch.db"


class HttpConfig(Strict):
    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = Field(default=9464, ge=0, le=65535)


class DaemonConfig(Strict):
    http: HttpConfig = HttpConfig()
    heartbeat_seconds: float = Field(default=5, gt=0)
    # /healthz turns unhealthy when the scheduler has not beaten for this long.
    stale_after_seconds: float = Field(default=60, gt=0)
    # A daemon whose lease was not renewed for this long is presumed dead; on PostgreSQL,
    # also how long a node's claims on sources last between renewals.
    lease_seconds: float = Field(default=60, gt=0)
    # Several nodes (PostgreSQL): how often each looks for due sources to claim (at most half
    # the shortest interval). It claims those due before its next look, each fetched at its slot.
    claim_every_seconds: float = Field(default=5, gt=0)
    # Several nodes: sources a node holds at most (claimed and not yet stored). A busy node
    # leaves the rest to the others, and a claim is fetched soon after it is taken.
    claim_at_most: int = Field(default=200, ge=1)
    # How long a fetch's database work (reading its validators, storing its outcome) may wait
    # for other fetches' to share one hand-off and one transaction; 0: none. Read at start.
    store_linger_ms: int = Field(default=250, ge=0, le=5000)


class HealthConfig(Strict):
    """Source health: when a source counts as down or degraded, and who hears about it."""

    notify: list[str] = []
    down_after: int = Field(default=3, ge=1)
    degraded_after: int = Field(default=3, ge=1)


MIN_TOKEN_LENGTH = 16


class WebTokens(Strict):
    """Bearer tokens of ``advisorywatch web``: each given inline (``${ENV}`` expanded) or read
    from a file (its first line), not both. ``admin`` may also read; only it may write."""

    read: Annotated[str, Secret] | None = None
    read_file: Path | None = None
    admin: Annotated[str, Secret] | None = None
    admin_file: Path | None = None

    @model_validator(mode="after")
    def _one_source(self) -> WebTokens:
        for name in ("read", "admin"):
            value = getattr(self, name)
            if value is not None and getattr(self, f"{name}_file") is not None:
                raise ValueError(f"give {name} or {name}_file, not both")
            if value is not None and len(value) < MIN_TOKEN_LENGTH:
                raise ValueError(f"{name}: a token needs at least {MIN_TOKEN_LENGTH} characters")
        return self


class WebConfig(Strict):
    """``advisorywatch web``: where it listens and who may read and write. Without tokens it
    binds only a loopback address."""

    host: str = "127.0.0.1"
    port: int = Field(default=8470, ge=0, le=65535)
    tokens: WebTokens = WebTokens()
    # The address readers use (behind a reverse proxy), for links in feeds; default: the
    # request's own.
    public_url: str | None = Field(default=None, pattern=r"^https?://[^\s]+$")


class Config(Strict):
    database: DatabaseConfig = DatabaseConfig()
    sources: list[SourceEntry] = Field(min_length=1)
    rules: list[RuleConfig] = Field(min_length=1)
    concepts: dict[str, ConceptConfig] = {}
    channels: dict[str, ChannelConfig] = {"console": ChannelConfig(urls=["console://"])}
    notifier: NotifierConfig = NotifierConfig()
    daemon: DaemonConfig = DaemonConfig()
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    crawler: CrawlerConfig = CrawlerConfig()
    health: HealthConfig = HealthConfig()
    web: WebConfig = WebConfig()
    retention: RetentionConfig = RetentionConfig()

    @model_validator(mode="after")
    def _cross_refs(self) -> Config:
        _unique([s.name for s in self.sources], "source")
        _unique([r.name for r in self.rules], "rule")
        source_names = {s.name for s in self.sources}
        tags = {t for s in self.sources for t in s.tags}
        _check_concepts(self)
        channels = set(self.channels)
        listed = f" (channels: {', '.join(sorted(channels))})"
        for i, rule in enumerate(self.rules):
            who = f"rule {rule.name!r}"
            _refer(
                ("rules", i, "notify"),
                rule.notify,
                channels,
                f"{who} notifies unknown channel",
                listed,
            )
            _refer(
                ("rules", i, "sources"),
                rule.sources or (),
                source_names,
                f"{who} names unknown source",
            )
            _refer(
                ("rules", i, "tags"),
                rule.tags or (),
                tags,
                f"{who} names tag",
                " that no source has",
                hint_last=True,
            )
        _refer(
            ("health", "notify"),
            self.health.notify,
            channels,
            "health.notify names unknown channel",
            listed,
        )
        fallback = self.notifier.fallback
        if fallback is not None and fallback not in channels:
            raise RefError(
                ("notifier", "fallback"),
                f"notifier.fallback names unknown channel {fallback!r}"
                f"{did_you_mean(fallback, channels)}{listed}",
            )
        return self

    @property
    def source_tags(self) -> dict[str, tuple[str, ...]]:
        """Each source's tags, by source name (rules may apply to tags)."""
        return {s.name: tuple(s.tags) for s in self.sources}

    def source(self, name: str) -> SourceConfig:
        for s in self.sources:
            if s.name == name:
                return s
        raise KeyError(name)


def _check_concepts(config: Config) -> None:
    """Every concept a rule names exists; new concepts match something; a concept that
    needs context is never a rule's only way to fire."""
    built_in = available_concepts()
    for name, c in config.concepts.items():
        if name not in built_in and not (c.terms or c.stems or c.patterns):
            raise RefError(
                ("concepts", name),
                f"concepts.{name}: a new concept needs 'terms', 'stems' or 'patterns' "
                f"(built-in concepts: {', '.join(sorted(built_in))})",
            )
    known = built_in | set(config.concepts)
    for name, c in config.concepts.items():
        for key in ("lowers", "yields_to"):
            for j, other in enumerate(getattr(c, key) or ()):
                if other not in known:
                    raise RefError(
                        ("concepts", name, key, j),
                        f"concepts.{name}.{key}: unknown concept {other!r}"
                        f"{did_you_mean(other, known)}",
                    )
    for i, rule in enumerate(config.rules):
        for key in ("concepts", "all", "none"):
            for j, c in enumerate(getattr(rule, key)):
                if c not in known:
                    raise RefError(
                        ("rules", i, key, j),
                        f"rule {rule.name!r} uses unknown concept {c!r} in '{key}'"
                        f"{did_you_mean(c, known)} (built-in: {', '.join(sorted(built_in))}; "
                        "or define it under top-level 'concepts:')",
                    )
        positive = [*rule.concepts, *rule.all]
        if (
            not (rule.keywords or rule.regexes)
            and positive
            and all(_needs_context(config, c) for c in positive)
        ):
            raise RefError(
                ("rules", i, "name"),
                f"rule {rule.name!r}: {', '.join(positive)} only fire(s) together with another "
                "concept; add another concept, keyword or regex to the rule",
            )


def _needs_context(config: Config, concept: str) -> bool:
    own = config.concepts.get(concept)
    if own is not None and own.context_needed is not None:
        return own.context_needed
    return concept in available_concepts() and load_concept(concept).context_needed


def _unique(names: list[str], kind: str) -> None:
    seen: set[str] = set()
    for i, n in enumerate(names):
        if n in seen:
            raise RefError(
                (f"{kind}s", i, "name"), f"two {kind}s are named {n!r}; {kind} names must be unique"
            )
        seen.add(n)
