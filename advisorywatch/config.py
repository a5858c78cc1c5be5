"""``config.yaml``: loading, validation and error messages that name the file, key and line."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from advisorywatch.crawler.sources import SOURCE_TYPES, SourceConfig
from advisorywatch.redaction import MissingEnvironmentVariable, expand_env
from advisorywatch.rules.lexicon import available_concepts, load_concept
from advisorywatch.rules.matcher import compile_pattern

DEFAULT_CONFIG = "config.yaml"
ENV_CONFIG = "ADVISORYWATCH_CONFIG"
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


class ChannelConfig(_Strict):
    """A named destination group; each URL is an Apprise URL (``${ENV}`` allowed)."""

    urls: list[str] = Field(min_length=1)


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
        if not (self.concepts or self.keywords or self.regexes or self.all):
            raise ValueError(
                "a rule needs at least one of 'concepts', 'keywords', 'regexes' or 'all'"
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


class NotifierConfig(_Strict):
    max_attempts: int = Field(default=8, ge=1)
    retry_base_seconds: float = Field(default=30, gt=0)
    timeout_seconds: float = Field(default=20, gt=0)


class Config(_Strict):
    database: DatabaseConfig = DatabaseConfig()
    sources: list[SourceEntry] = Field(min_length=1)
    rules: list[RuleConfig] = Field(min_length=1)
    concepts: dict[str, ConceptConfig] = {}
    channels: dict[str, ChannelConfig] = {"console": ChannelConfig(urls=["console://"])}
    notifier: NotifierConfig = NotifierConfig()
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

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
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError([f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}"]) from exc
    if not isinstance(data, dict):
        raise ConfigError([f"{path}: the top level must be a mapping with 'sources', 'rules'..."])
    data = dict(data)
    try:
        data = _expand_secrets(data)
    except _EnvProblem as exc:
        line = _line_of(root, exc.loc)
        raise ConfigError([f"{path}{line}: {_dotted(exc.loc)}: {exc.message}"]) from None
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_input=False, include_url=False):
            loc, line = _resolve_loc(root, err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            key = _dotted(loc) or "(top level)"
            problems.append(f"{path}{line}: {key}: {msg}")
        raise ConfigError(problems) from None
    return _resolve_paths(config, path)


class _EnvProblem(Exception):
    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        self.loc, self.message = loc, message


def _expand_secrets(data: dict[str, Any]) -> dict[str, Any]:
    """``${ENV}`` substitution, only where secrets belong: channel URLs and the database URL."""
    channels = data.get("channels")
    if isinstance(channels, dict):
        new: dict[str, Any] = {}
        for name, ch in channels.items():
            if isinstance(ch, dict) and isinstance(ch.get("urls"), list):
                urls = []
                for i, u in enumerate(ch["urls"]):
                    urls.append(_expand(u, ("channels", name, "urls", i)))
                ch = {**ch, "urls": urls}
            new[name] = ch
        data["channels"] = new
    db = data.get("database")
    if isinstance(db, dict) and "url" in db:
        data["database"] = {**db, "url": _expand(db["url"], ("database", "url"))}
    return data


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
