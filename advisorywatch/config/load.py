"""Reading ``config.yaml``: YAML with line numbers, presets, secrets, validation, and error
messages that name the file, the key and the line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from advisorywatch.config.datadir import default_database_url
from advisorywatch.config.fields import field_names
from advisorywatch.config.preflight import config_problems
from advisorywatch.config.schema import Config, DatabaseConfig, RefError, did_you_mean
from advisorywatch.config.secrets import EnvProblem, expand_secrets
from advisorywatch.crawler.sources.presets import expand_preset
from advisorywatch.crawler.sources.registry import SOURCE_TYPES

Preflight = bool | Literal["no-urls"]
DEFAULT_CONFIG = "config.yaml"
ENV_CONFIG = "ADVISORYWATCH_CONFIG"


class ConfigError(Exception):
    """The config cannot be used. ``problems`` are lines of the form ``file:line: key: message``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def default_config_path() -> Path:
    return Path(os.environ.get(ENV_CONFIG, DEFAULT_CONFIG))


def load_config(path: str | Path | None = None, *, preflight: Preflight = False) -> Config:
    """Read, validate and resolve a config file. Raises ConfigError with every problem found."""
    p = Path(path) if path is not None else default_config_path()
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([f"{p}: cannot read config file: {exc.strerror or exc}"]) from exc
    return parse_config(text, p, preflight=preflight)


def parse_config(text: str, path: Path, *, preflight: Preflight = False) -> Config:
    """``preflight`` also proves what can be proven without sending or connecting (see
    :mod:`advisorywatch.config.preflight`): for ``check``, the daemon's start and reload;
    ``"no-urls"`` leaves the channel URLs to the sender (``run --once``: loading every Apprise
    plugin costs a pass that sends nothing ~1.5 s, and a bad URL still fails with exit 3)."""
    try:
        root, data = _parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError([f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}"]) from exc
    if not isinstance(data, dict):
        raise ConfigError([f"{path}: the top level must be a mapping with 'sources', 'rules'..."])
    data = dict(data)
    # Presets first, so that a preset source is read as its type's model (which says where its
    # secrets are); a missing variable is still the one problem reported when there is one.
    preset_problems = _expand_presets(data, root, path)
    try:
        data = expand_secrets(data, path)
    except EnvProblem as exc:
        line = _line_of(root, exc.loc)
        raise ConfigError([f"{path}{line}: {_dotted(exc.loc)}: {exc.message}"]) from None
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
            cause = err.get("ctx", {}).get("error")
            if isinstance(cause, RefError):  # a name referring to nothing: at its own line
                err_loc = (*err_loc, *cause.loc)
            loc, line = _resolve_loc(root, err_loc)
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                known = field_names(Config, err_loc[:-1])
                hint = did_you_mean(str(err_loc[-1]), known)
                msg = f"unknown key{hint} (allowed: {', '.join(known)})"
            key = _dotted(loc) or "(top level)"
            problems.append(f"{path}{line}: {key}: {msg}")
        raise ConfigError(problems) from None
    config = _resolve_paths(config, path, data)
    if preflight:
        found = [
            f"{path}{_line_of(root, loc)}: {_dotted(loc)}: {msg}"
            for loc, msg in config_problems(config, urls=preflight != "no-urls")
        ]
        if found:
            raise ConfigError(found)
    return config


# libyaml when PyYAML was built with it: the pure-Python parser is slow on large configs.
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


def _resolve_paths(config: Config, path: Path, data: dict[str, Any]) -> Config:
    """Without ``database.url`` the database lives in the data directory (see
    :mod:`advisorywatch.config.datadir`); a relative SQLite path is relative to the config
    file, not the working directory."""
    db = data.get("database")
    if not (isinstance(db, dict) and "url" in db):
        url = default_database_url(path)
        return config.model_copy(update={"database": DatabaseConfig(url=url)})
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
