"""``config.yaml``: loading, validation and error messages that name the file, key and line."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from advisorywatch.crawler.sources import SOURCE_TYPES, SourceConfig
from advisorywatch.crawler.sources.presets import expand_preset
from advisorywatch.redaction import (
    MissingEnvironmentVariable,
    expand_env,
    looks_secret,
    read_secret_file,
    register_secret_file,
)
from advisorywatch.rules.lexicon import available_concepts, load_concept
from advisorywatch.rules.matcher import compile_pattern
from advisorywatch.schedule import parse_duration

DEFAULT_CONFIG = "config.yaml"
ENV_CONFIG = "ADVISORYWATCH_CONFIG"
ENV_DATABASE_URL = "ADVISORYWATCH_DATABASE_URL"
Severity = Literal["info", "warning", "critical"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "critical": 2}


class ConfigError(Exception):
    """The config cannot be used. ``problems`` are lines of the form ``file:line: key: message``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _source_union() -> Any:
    models = tuple(cls.config_model for cls in SOURCE_TYPES.values())
    if len(models) == 1:
        return models[0]
    return Annotated[Union[models], Field(discriminator="type")]  # noqa: UP007


if TYPE_CHECKING:
    SourceEntry = SourceConfig
else:
    SourceEntry = _source_union()


class DatabaseConfig(_Strict):
    url: str = "sqlite:///advisorywatch.db"


class DigestConfig(_Strict):
    """Alerts below ``below`` severity are collected and sent ``every`` hour or day."""

    below: Severity = "warning"
    every: Literal["hourly", "daily"] = "hourly"


class ChannelConfig(_Strict):
    """A named destination group; each URL is an Apprise URL (``${ENV}`` allowed), or they are
    read from ``urls_file`` (one per line; ``file:PATH`` entries in ``urls`` work too), so that
    secrets can live in e.g. ``/run/secrets``."""

    urls: list[str] = []
    urls_file: str | None = None
    min_severity: Severity = "info"
    format: Literal["text", "markdown", "html"] = "text"
    title_template: str | None = None
    body_template: str | None = None
    digest: DigestConfig | None = None

    @model_validator(mode="after")
    def _has_urls(self) -> ChannelConfig:
        if not self.urls and not self.urls_file:
            raise ValueError("a channel needs 'urls' or 'urls_file'")
        return self


class AdvisoryLevelMatch(_Strict):
    """Fire when a country's travel-advisory level (1-4) changes in a source."""

    raised: bool = True
    lowered: bool = False
    min_level: int = Field(default=1, ge=1, le=4)  # the higher of old and new must reach it
    countries: list[str] | None = None  # as the issuer names them; default all


class ConceptConfig(_Strict):
    """A concept defined in, or added to a built-in one by, the top-level ``concepts:`` key.

    Entries are per language code (``en``, ``id``, ``th``, ...): the code picks the boundary
    rules (Thai has none, Arabic allows prefix clitics). For a built-in concept the entries
    are added to the built-in ones, and a given ``severity``/``context_needed`` replaces its own.
    """

    description: str = ""
    severity: Severity | None = None
    context_needed: bool | None = None
    terms: dict[str, list[str]] = {}
    stems: dict[str, list[str]] = {}
    patterns: dict[str, list[str]] = {}
    exclude: dict[str, list[str]] = {}

    @model_validator(mode="after")
    def _valid_entries(self) -> ConceptConfig:
        for key in ("patterns", "exclude"):
            for lang, regexes in getattr(self, key).items():
                for rx in regexes:
                    if (problem := regex_problem(rx)) is not None:
                        raise ValueError(f"{key}.{lang}: bad regex {rx!r}: {problem}")
        for key in ("terms", "stems"):
            for lang, words in getattr(self, key).items():
                if any(not w.strip() for w in words):
                    raise ValueError(f"{key}.{lang}: entries must not be empty strings")
        return self


class RuleConfig(_Strict):
    name: str = Field(min_length=1)
    concepts: list[str] = []
    keywords: list[str] = []
    advisory_level: AdvisoryLevelMatch | None = None
    regexes: list[str] = []
    all: list[str] = []
    none: list[str] = []
    fields: list[Literal["title", "text"]] = ["title", "text"]
    sources: list[str] | None = None
    tags: list[str] | None = None
    severity: Severity = "warning"
    notify: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _matches_something(self) -> RuleConfig:
        text = bool(self.concepts or self.keywords or self.regexes or self.all)
        if self.advisory_level is not None and text:
            raise ValueError(
                "a rule matches either 'advisory_level' changes or text "
                "('concepts', 'keywords', 'regexes', 'all'), not both; split it into two rules"
            )
        if self.advisory_level is None and not text:
            raise ValueError(
                "a rule needs at least one of 'concepts', 'keywords', 'regexes', 'all' or "
                "'advisory_level'"
            )
        for rx in self.regexes:
            if (problem := regex_problem(rx)) is not None:
                raise ValueError(f"rule {self.name!r}: bad regex {rx!r}: {problem}")
        return self

    @field_validator("keywords")
    @classmethod
    def _no_blank(cls, v: list[str]) -> list[str]:
        if any(not k.strip() for k in v):
            raise ValueError("keywords must not be empty strings")
        return v


class HttpConfig(_Strict):
    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = Field(default=9464, ge=0, le=65535)


class DaemonConfig(_Strict):
    http: HttpConfig = HttpConfig()
    heartbeat_seconds: float = Field(default=5, gt=0)
    # /healthz turns unhealthy when the scheduler has not beaten for this long.
    stale_after_seconds: float = Field(default=60, gt=0)
    # A daemon whose lease was not renewed for this long is presumed dead.
    lease_seconds: float = Field(default=60, gt=0)


class NotifierConfig(_Strict):
    max_attempts: int = Field(default=8, ge=1)
    retry_base_seconds: float = Field(default=30, gt=0)
    timeout_seconds: float = Field(default=20, gt=0)
    lease_seconds: float = Field(default=300, gt=0)
    fallback: str | None = None
    baseline: bool = False
    storm_max: int = Field(default=10, ge=1)
    storm_window: timedelta = timedelta(minutes=10)
    incident_window: timedelta = timedelta(hours=6)
    incident_similarity: float = Field(default=0.6, gt=0, le=1)

    @field_validator("storm_window", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> Any:
        return v if isinstance(v, timedelta) else parse_duration(v)

    @model_validator(mode="after")
    def _lease_outlasts_sending(self) -> NotifierConfig:
        if self.lease_seconds < 2 * self.timeout_seconds:
            raise ValueError(
                f"lease_seconds ({self.lease_seconds:g}) must be at least twice timeout_seconds "
                f"({self.timeout_seconds:g}): a message still being sent when its lease ends "
                "would be sent again"
            )
        return self

    @field_validator("incident_window", mode="before")
    @classmethod
    def _incident_window(cls, v: Any) -> Any:  # 0 turns incidents off
        return v if isinstance(v, timedelta) else parse_duration(v, allow_zero=True)


class CrawlerConfig(_Strict):
    """How politely and how defensively sources are fetched (README "Fetching")."""

    user_agent_contact: str | None = None  # a URL or mailto: the site owner can reach you at
    timeout_seconds: float = Field(default=30, gt=0)  # wall clock per attempt, body included
    max_bytes: int = Field(default=10 * 1024 * 1024, gt=0)  # after decompression
    # Inline retries of one fetch (with backoff, Retry-After honoured). 0: a failed fetch is
    # retried at the source's next run, so a failing server never holds a pass for minutes.
    retries: int = Field(default=0, ge=0)
    retry_base_seconds: float = Field(default=2, ge=0)
    max_retry_after_seconds: float = Field(default=300, ge=0)
    concurrent_per_domain: int = Field(default=2, ge=1)
    delay_seconds: float = Field(default=1, ge=0)
    autothrottle: bool = True


class HealthConfig(_Strict):
    """Source health: when a source counts as down or degraded, and who hears about it."""

    notify: list[str] = []
    down_after: int = Field(default=3, ge=1)
    degraded_after: int = Field(default=3, ge=1)


class Config(_Strict):
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

    @model_validator(mode="after")
    def _cross_refs(self) -> Config:
        _unique([s.name for s in self.sources], "source")
        _unique([r.name for r in self.rules], "rule")
        source_names = {s.name for s in self.sources}
        tags = {t for s in self.sources for t in s.tags}
        _check_concepts(self)
        for rule in self.rules:
            for ch in rule.notify:
                if ch not in self.channels:
                    raise ValueError(
                        f"rule {rule.name!r} notifies unknown channel {ch!r} "
                        f"(channels: {', '.join(sorted(self.channels))})"
                    )
            for src in rule.sources or ():
                if src not in source_names:
                    raise ValueError(f"rule {rule.name!r} names unknown source {src!r}")
            for tag in rule.tags or ():
                if tag not in tags:
                    raise ValueError(f"rule {rule.name!r} names tag {tag!r} that no source has")
        for ch in self.health.notify:
            if ch not in self.channels:
                raise ValueError(
                    f"health.notify names unknown channel {ch!r} "
                    f"(channels: {', '.join(sorted(self.channels))})"
                )
        fallback = self.notifier.fallback
        if fallback is not None and fallback not in self.channels:
            raise ValueError(
                f"notifier.fallback names unknown channel {fallback!r} "
                f"(channels: {', '.join(sorted(self.channels))})"
            )
        return self

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
            raise ValueError(
                f"concepts.{name}: a new concept needs 'terms', 'stems' or 'patterns' "
                f"(built-in concepts: {', '.join(sorted(built_in))})"
            )
    known = built_in | set(config.concepts)
    for rule in config.rules:
        for key in ("concepts", "all", "none"):
            for c in getattr(rule, key):
                if c not in known:
                    raise ValueError(
                        f"rule {rule.name!r} uses unknown concept {c!r} in '{key}' "
                        f"(built-in: {', '.join(sorted(built_in))}; or define it under "
                        "top-level 'concepts:')"
                    )
        positive = [*rule.concepts, *rule.all]
        if (
            not (rule.keywords or rule.regexes)
            and positive
            and all(_needs_context(config, c) for c in positive)
        ):
            raise ValueError(
                f"rule {rule.name!r}: {', '.join(positive)} only fire(s) together with another "
                "concept; add another concept, keyword or regex to the rule"
            )


def _needs_context(config: Config, concept: str) -> bool:
    own = config.concepts.get(concept)
    if own is not None and own.context_needed is not None:
        return own.context_needed
    return concept in available_concepts() and load_concept(concept).context_needed


def regex_problem(source: str) -> str | None:
    """Why ``source`` is not a usable regex, or None."""
    try:
        compile_pattern(source)
    except re.error as exc:
        return str(exc)
    return None


def _unique(names: list[str], kind: str) -> None:
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise ValueError(f"two {kind}s are named {n!r}; {kind} names must be unique")
        seen.add(n)


def default_config_path() -> Path:
    return Path(os.environ.get(ENV_CONFIG, DEFAULT_CONFIG))


def load_config(path: str | Path | None = None) -> Config:
    """Read, validate and resolve a config file. Raises ConfigError with every problem found."""
    p = Path(path) if path is not None else default_config_path()
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([f"{p}: cannot read config file: {exc.strerror or exc}"]) from exc
    return parse_config(text, p)


def parse_config(text: str, path: Path) -> Config:
    try:
        root, data = _parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError([f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}"]) from exc
    if not isinstance(data, dict):
        raise ConfigError([f"{path}: the top level must be a mapping with 'sources', 'rules'..."])
    data = dict(data)
    try:
        data = _expand_secrets(data, path)
    except _EnvProblem as exc:
        line = _line_of(root, exc.loc)
        raise ConfigError([f"{path}{line}: {_dotted(exc.loc)}: {exc.message}"]) from None
    preset_problems = _expand_presets(data, root, path)
    if preset_problems:
        raise ConfigError(preset_problems)
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_input=False, include_url=False):
            err_loc = err["loc"]
            if err["type"] == "union_tag_invalid":  # point at the 'type' key itself
                err_loc = (*err_loc, "type")
            loc, line = _resolve_loc(root, err_loc)
            msg = err["msg"].removeprefix("Value error, ")
            key = _dotted(loc) or "(top level)"
            problems.append(f"{path}{line}: {key}: {msg}")
        raise ConfigError(problems) from None
    return _resolve_paths(config, path)


# libyaml when PyYAML was built with it: the pure-Python parser takes ~1 s for 1000 sources.
_FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse_yaml(text: str) -> tuple[Any, Any]:
    """The node tree (its marks give the line numbers of error messages) and the data, from
    one parse. A syntax error is reported by the pure-Python parser, whose messages do not
    depend on whether PyYAML has libyaml."""
    try:
        return _compose_and_construct(text, _FAST_LOADER)
    except yaml.YAMLError:
        if _FAST_LOADER is yaml.SafeLoader:
            raise
        return _compose_and_construct(text, yaml.SafeLoader)


def _compose_and_construct(text: str, loader_class: type[yaml.SafeLoader]) -> tuple[Any, Any]:
    loader = loader_class(text)
    try:
        root = loader.get_single_node()
        return root, None if root is None else loader.construct_document(root)
    finally:
        loader.dispose()


def _expand_presets(data: dict[str, Any], root: Any, path: Path) -> list[str]:
    """Replace each ``preset:`` source entry by the preset's config plus the entry's overrides."""
    sources = data.get("sources")
    if not isinstance(sources, list):
        return []
    problems = []
    for i, entry in enumerate(sources):
        if isinstance(entry, dict) and "preset" in entry:
            try:
                sources[i] = expand_preset(entry)
            except ValueError as exc:
                line = _line_of(root, ("sources", i, "preset"))
                problems.append(f"{path}{line}: sources[{i}].preset: {exc}")
    data["sources"] = sources
    return problems


class _EnvProblem(Exception):
    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        self.loc, self.message = loc, message


def _expand_secrets(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """``${ENV}`` substitution, only where secrets belong: channel URLs, source proxies and
    headers, and the database URL (which ``$ADVISORYWATCH_DATABASE_URL`` replaces when set).
    Channel URLs may also come from files (``urls_file:`` or a ``file:PATH`` entry)."""
    channels = data.get("channels")
    if isinstance(channels, dict):
        new: dict[str, Any] = {}
        for name, ch in channels.items():
            if isinstance(ch, dict) and isinstance(ch.get("urls", []), list):
                urls = []
                for i, u in enumerate(ch.get("urls", [])):
                    urls += _channel_urls(u, path, ("channels", name, "urls", i))
                if isinstance(ch.get("urls_file"), str):
                    urls += _channel_urls(
                        "file:" + ch["urls_file"], path, ("channels", name, "urls_file")
                    )
                ch = {**ch, "urls": urls}
            new[name] = ch
        data["channels"] = new
    override = os.environ.get(ENV_DATABASE_URL)
    if override:
        db = data.get("database")
        data["database"] = {**(db if isinstance(db, dict) else {}), "url": override}
    db = data.get("database")
    if isinstance(db, dict) and "url" in db:
        data["database"] = {**db, "url": _expand(db["url"], ("database", "url"))}
    sources = data.get("sources")
    if isinstance(sources, list):
        data["sources"] = [_expand_source(s, i) for i, s in enumerate(sources)]
    return data


def _expand_source(src: Any, i: int) -> Any:
    if not isinstance(src, dict):
        return src
    out = dict(src)
    if "proxy" in out:
        out["proxy"] = _expand(out["proxy"], ("sources", i, "proxy"))
    if isinstance(out.get("headers"), dict):
        out["headers"] = {
            k: _expand(v, ("sources", i, "headers", k)) for k, v in out["headers"].items()
        }
    return out


def _channel_urls(value: Any, path: Path, loc: tuple[str | int, ...]) -> list[Any]:
    if isinstance(value, str) and value.startswith("file:"):
        try:
            return read_secret_file(path.parent / value.removeprefix("file:"))
        except OSError as exc:
            raise _EnvProblem(loc, f"cannot read URL file: {exc.strerror or exc}") from None
    if isinstance(value, str) and looks_secret(value):
        register_secret_file(path)
    return [_expand(value, loc)]


def _expand(value: Any, loc: tuple[str | int, ...]) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return expand_env(value)
    except MissingEnvironmentVariable as exc:
        raise _EnvProblem(loc, f"{exc}; export it or remove the reference") from None


def _resolve_paths(config: Config, path: Path) -> Config:
    """Relative SQLite paths are relative to the config file, not the working directory."""
    url = config.database.url
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        db_path = (path.parent / url[len(prefix) :]).resolve()
        return config.model_copy(update={"database": DatabaseConfig(url=f"{prefix}{db_path}")})
    return config


def _dotted(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _resolve_loc(root: Any, loc: tuple[str | int, ...]) -> tuple[tuple[str | int, ...], str]:
    """Drop pydantic's union tags from ``loc`` and find the YAML line of the key it names."""
    node, kept, line = root, [], ""
    for part in loc:
        child = _child(node, part)
        if child is None:
            # A discriminator tag ('feed') or a key that is missing: keep only real keys.
            if not (isinstance(part, str) and part in SOURCE_TYPES):
                kept.append(part)
            continue
        kept.append(part)
        key_node, node = child
        line = f":{key_node.start_mark.line + 1}"
    if node is not None and not line:
        line = f":{node.start_mark.line + 1}" if hasattr(node, "start_mark") else ""
    return tuple(kept), line


def _line_of(root: Any, loc: tuple[str | int, ...]) -> str:
    return _resolve_loc(root, loc)[1]


def _child(node: Any, part: str | int) -> tuple[Any, Any] | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == str(part):
                return k, v
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part], node.value[part]
    return None
