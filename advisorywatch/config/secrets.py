"""Secrets in the config: ``${ENV}`` substitution wherever a field is typed as
:data:`~advisorywatch.schema.Secret` (channel URLs, source proxies and headers, the database
URL, any source type's own), and ``file:`` URL lists for channels. Every value found is
registered for masking in logs (:mod:`advisorywatch.redaction`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import NoneType, UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from advisorywatch.config.schema import MIN_TOKEN_LENGTH, Config
from advisorywatch.redaction import (
    MissingEnvironmentVariable,
    expand_env,
    looks_secret,
    read_secret_file,
    register_secret,
    register_secret_file,
)
from advisorywatch.schema import Secret

ENV_DATABASE_URL = "ADVISORYWATCH_DATABASE_URL"

Loc = tuple[str | int, ...]


class EnvProblem(Exception):
    def __init__(self, loc: Loc, message: str) -> None:
        self.loc, self.message = loc, message


def expand_secrets(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """``${ENV}`` substitution in the raw config data (so that errors keep their line), in
    every value typed as a secret; ``$ADVISORYWATCH_DATABASE_URL`` replaces the database URL
    when set. Channel URLs may also come from files (``urls_file:`` or a ``file:PATH`` entry)."""
    override = os.environ.get(ENV_DATABASE_URL)
    if override:
        db = data.get("database")
        data["database"] = {**(db if isinstance(db, dict) else {}), "url": override}
    data = expand_marked(Config, _read_url_files(data, path), _expand)
    return _read_token_files(_inline_url_files(data), path)


def expand_marked(tp: Any, value: Any, expand: Callable[[Any, Loc], Any], loc: Loc = ()) -> Any:
    """``value``, raw data for type ``tp``, with ``expand(part, loc)`` in place of each part
    typed ``Annotated[..., Secret]``: found through model fields, list and tuple items, dict
    values, optional values, and the member of a discriminated union of models that the
    value's tag names (their common base class when the tag is unknown)."""
    marks: list[Any] = []
    if get_origin(tp) is Annotated:
        tp, *marks = get_args(tp)
    if any(m is Secret for m in marks):
        return expand(value, loc)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if not isinstance(value, dict):
            return value
        types = _field_types(tp)
        return {
            k: expand_marked(types[k], v, expand, (*loc, k)) if k in types else v
            for k, v in value.items()
        }
    origin, args = get_origin(tp), get_args(tp)
    if origin in (Union, UnionType):
        member = _union_member(args, marks, value)
        return value if member is None else expand_marked(member, value, expand, loc)
    if origin in (list, tuple) and isinstance(value, list):  # tuple[X, ...]
        return [expand_marked(args[0], v, expand, (*loc, i)) for i, v in enumerate(value)]
    if origin is dict and isinstance(value, dict):
        return {k: expand_marked(args[1], v, expand, (*loc, k)) for k, v in value.items()}
    return value


@cache
def _field_types(model: type[BaseModel]) -> dict[str, Any]:
    """The types of the fields that can hold a secret, with the ``Annotated`` metadata pydantic
    keeps apart (``Secret``, a union's discriminator)."""
    types = {}
    for name, field in model.model_fields.items():
        marks = [*field.metadata, *([field] if field.discriminator else [])]
        tp = Annotated[(field.annotation, *marks)] if marks else field.annotation
        if _holds_secret(tp):
            types[name] = tp
    return types


def _holds_secret(tp: Any) -> bool:
    if tp is Secret:
        return True
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return bool(_field_types(tp))
    return any(_holds_secret(arg) for arg in get_args(tp))


def _union_member(members: tuple[Any, ...], marks: list[Any], value: Any) -> Any:
    """The member of a union that ``value`` is walked as, or None when there is no telling."""
    members = tuple(m for m in members if m is not NoneType)
    if len(members) == 1:
        return members[0]
    models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
    if len(models) < len(members) or not isinstance(value, dict):
        return None
    tag = next((m.discriminator for m in marks if isinstance(m, FieldInfo)), None)
    for model in models:
        field = model.model_fields.get(tag) if isinstance(tag, str) else None
        if field is not None and value.get(tag) in get_args(field.annotation):
            return model
    return next(
        c
        for c in models[0].__mro__
        if issubclass(c, BaseModel) and all(issubclass(m, c) for m in models)
    )


@dataclass(frozen=True, slots=True)
class _FromFile:
    """Channel URLs read from a file (used as written, without ``${ENV}``). They stand in
    the place of the entry that named the file while the other entries are expanded, so that
    an error there names the entry's index in the config."""

    urls: list[str]


def _read_url_files(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """Where channel URLs come from: each channel's ``file:PATH`` entries and ``urls_file``
    read into :class:`_FromFile` entries, which :func:`_inline_url_files` splices in."""
    channels = data.get("channels")
    if not isinstance(channels, dict):
        return data
    new: dict[str, Any] = {}
    for name, ch in channels.items():
        if isinstance(ch, dict) and isinstance(ch.get("urls", []), list):
            loc: Loc = ("channels", name)
            urls = [
                _url_entry(u, path, (*loc, "urls", i)) for i, u in enumerate(ch.get("urls", []))
            ]
            if isinstance(ch.get("urls_file"), str):
                urls.append(_url_entry("file:" + ch["urls_file"], path, (*loc, "urls_file")))
            ch = {**ch, "urls": urls}
        new[name] = ch
    return {**data, "channels": new}


def _url_entry(value: Any, path: Path, loc: Loc) -> Any:
    if isinstance(value, str) and value.startswith("file:"):
        try:
            return _FromFile(read_secret_file(path.parent / value.removeprefix("file:")))
        except OSError as exc:
            raise EnvProblem(loc, f"cannot read URL file: {exc.strerror or exc}") from None
    if isinstance(value, str) and looks_secret(value):
        register_secret_file(path)
    return value


def _inline_url_files(data: dict[str, Any]) -> dict[str, Any]:
    """The URLs read by :func:`_read_url_files` put in the place of their entries."""
    channels = data.get("channels")
    if not isinstance(channels, dict):
        return data
    return {
        **data,
        "channels": {
            name: {**ch, "urls": [u for e in ch["urls"] for u in _urls(e)]}
            if isinstance(ch, dict) and isinstance(ch.get("urls"), list)
            else ch
            for name, ch in channels.items()
        },
    }


def read_token_file(path: Path) -> str:
    """A token file's token: its first line, stripped ("" when it has none)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines[0].strip() if lines else ""


def _read_token_files(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """``web.tokens.read_file``/``admin_file`` checked now and made absolute (relative to the
    config's folder; ``web`` reads them when it starts): a missing, unreadable, empty or short
    file is the config's error at that key; each file is registered for the warning when its
    group or others can read it, its token for masking."""
    web = data.get("web")
    if not isinstance(web, dict) or not isinstance(web.get("tokens"), dict):
        return data
    tokens = dict(web["tokens"])
    for name in ("read", "admin"):
        file = tokens.get(f"{name}_file")
        if not isinstance(file, str) or name in tokens:  # both given: the schema says so
            continue
        loc: Loc = ("web", "tokens", f"{name}_file")
        where = path.parent / file
        try:
            token = read_token_file(where)
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise EnvProblem(loc, f"cannot read token file {where}: {reason}") from None
        if len(token) < MIN_TOKEN_LENGTH:
            what = "is empty" if not token else f"holds {len(token)} characters"
            raise EnvProblem(
                loc,
                f"token file {where} {what} (its first line is the token: at least "
                f"{MIN_TOKEN_LENGTH} characters)",
            )
        register_secret_file(where, "a web token", private=True)
        register_secret(token)
        tokens[f"{name}_file"] = str(where)
    return {**data, "web": {**web, "tokens": tokens}}


def _urls(entry: Any) -> list[Any]:
    return entry.urls if isinstance(entry, _FromFile) else [entry]


def _expand(value: Any, loc: Loc) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return expand_env(value)
    except MissingEnvironmentVariable as exc:
        raise EnvProblem(loc, f"{exc}; export it or remove the reference") from None
