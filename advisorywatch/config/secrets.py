"""Secrets in the config: ``${ENV}`` substitution and ``file:`` URL lists, only where secrets
belong (channel URLs, source proxies and headers, the database URL). Every value found is
registered for masking in logs (:mod:`advisorywatch.redaction`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from advisorywatch.redaction import (
    MissingEnvironmentVariable,
    expand_env,
    looks_secret,
    read_secret_file,
    register_secret_file,
)

ENV_DATABASE_URL = "ADVISORYWATCH_DATABASE_URL"


class EnvProblem(Exception):
    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        self.loc, self.message = loc, message


def expand_secrets(data: dict[str, Any], path: Path) -> dict[str, Any]:
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
            raise EnvProblem(loc, f"cannot read URL file: {exc.strerror or exc}") from None
    if isinstance(value, str) and looks_secret(value):
        register_secret_file(path)
    return [_expand(value, loc)]


def _expand(value: Any, loc: tuple[str | int, ...]) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return expand_env(value)
    except MissingEnvironmentVariable as exc:
        raise EnvProblem(loc, f"{exc}; export it or remove the reference") from None
