"""``${ENV}`` goes where a field is typed ``Annotated[str, Secret]``, and nowhere else: the
places that hold secrets today, a literal ``${X}`` elsewhere, and a new source type's key."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest
from pydantic import Field, create_model

from advisorywatch.config import ConfigError, load, parse_config, secrets
from advisorywatch.config.schema import Config, _source_union
from advisorywatch.config.secrets import Loc, expand_marked
from advisorywatch.crawler.sources.base import Fetched, SourceConfig, SourceType
from advisorywatch.crawler.sources.registry import SOURCE_TYPES
from advisorywatch.model import ParsedItem
from advisorywatch.redaction import redact
from advisorywatch.schema import Secret, Strict

RULES = "rules: [{name: r, keywords: [x], notify: [console]}]\n"
FEED = "{name: a, type: feed, url: 'http://127.0.0.1:1/feed.xml'"
VAR = "AW_TEST_SECRET"


def _parse(text: str, tmp_path: Path) -> Config:
    return parse_config(text + RULES, tmp_path / "config.yaml")


def _expanded(
    text: str, where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Config, str]:
    """Without ``$AW_TEST_SECRET`` the config fails naming ``where`` (``line: key``); with it
    set to a fresh secret, the config as parsed and the secret, which logs now mask."""
    monkeypatch.delenv(VAR, raising=False)
    with pytest.raises(ConfigError) as exc:
        _parse(text, tmp_path)
    assert exc.value.problems == [
        f"{tmp_path / 'config.yaml'}:{where}: environment variable {VAR} is not set; "
        "export it or remove the reference"
    ]
    secret = uuid.uuid4().hex
    monkeypatch.setenv(VAR, secret)
    config = _parse(text, tmp_path)
    assert redact(f"sent {secret}") == "sent ***"
    return config, secret


# Each place that held a secret before the fields were marked: the config (${AW_TEST_SECRET}
# in it, on line 2), the key a missing variable is reported at, and where the value lands.
PLACES: list[tuple[str, str, Callable[[Config], str]]] = [
    (
        f"sources:\n  - {FEED}, proxy: 'http://u:${{{VAR}}}@127.0.0.1:3128'}}\n",
        "sources[0].proxy",
        lambda c: c.sources[0].proxy or "",
    ),
    (
        f"sources:\n  - {FEED}, headers: {{X-Api-Key: '${{{VAR}}}'}}}}\n",
        "sources[0].headers.X-Api-Key",
        lambda c: c.sources[0].headers["X-Api-Key"],
    ),
    (
        f"sources:\n  - {{name: a, preset: us-state-dept, headers: {{X-Key: '${{{VAR}}}'}}}}\n",
        "sources[0].headers.X-Key",
        lambda c: c.sources[0].headers["X-Key"],
    ),
    (
        f"channels:\n  console: {{urls: ['console://', 'json://127.0.0.1/${{{VAR}}}']}}\n"
        f"sources: [{FEED}}}]\n",
        "channels.console.urls[1]",
        lambda c: c.channels["console"].urls[1],
    ),
    (
        f"database:\n  url: 'postgresql+psycopg://u:${{{VAR}}}@db/aw'\nsources: [{FEED}}}]\n",
        "database.url",
        lambda c: c.database.url,
    ),
]


@pytest.mark.parametrize(("text", "key", "value"), PLACES, ids=[p[1] for p in PLACES])
def test_secret_places_are_expanded_and_masked(
    text: str,
    key: str,
    value: Callable[[Config], str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config, secret = _expanded(text, f"2: {key}", tmp_path, monkeypatch)
    assert secret in value(config)


def test_database_url_from_the_environment_is_expanded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = uuid.uuid4().hex
    monkeypatch.setenv(VAR, secret)
    monkeypatch.setenv(secrets.ENV_DATABASE_URL, f"postgresql+psycopg://u:${{{VAR}}}@db/aw")
    config = _parse(f"sources: [{FEED}}}]\n", tmp_path)
    assert config.database.url == f"postgresql+psycopg://u:{secret}@db/aw"
    assert redact(secret) == "***"


def test_fields_not_marked_secret_keep_a_literal_reference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(VAR, raising=False)
    text = (
        f"sources:\n  - {{name: 'a ${{{VAR}}}', type: feed, tags: ['${{{VAR}}}'],"
        f" url: 'http://127.0.0.1:1/${{{VAR}}}'}}\n"
    )
    source = _parse(text, tmp_path).sources[0]
    assert (source.name, source.tags, source.url) == (
        f"a ${{{VAR}}}",
        (f"${{{VAR}}}",),
        f"http://127.0.0.1:1/${{{VAR}}}",
    )


class ApiKeyConfig(SourceConfig):
    type: Literal["api-key"]
    api_key: Annotated[str, Secret]


class ApiKeySource(SourceType):
    type_name = "api-key"
    config_model = ApiKeyConfig

    def parse(self, fetched: Fetched) -> list[ParsedItem]:
        return []


@pytest.fixture
def api_key_type(monkeypatch: pytest.MonkeyPatch) -> None:
    """A source type the code base does not have, registered as a module in ``types/`` would
    be, and the root model built with it as config/schema.py builds it at import."""
    monkeypatch.setitem(SOURCE_TYPES, ApiKeySource.type_name, ApiKeySource)
    root = create_model(
        "Config", __base__=Config, sources=(list[_source_union()], Field(min_length=1))
    )
    monkeypatch.setattr(load, "Config", root)
    monkeypatch.setattr(secrets, "Config", root)


@pytest.mark.usefixtures("api_key_type")
def test_a_new_source_types_secret_field_needs_no_change_to_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        f"sources:\n  - {FEED}}}\n  - {{name: b, type: api-key, url: 'https://api.example/',"
        f"\n      api_key: 'k-${{{VAR}}}'}}\n"
    )
    config, secret = _expanded(text, "4: sources[1].api_key", tmp_path, monkeypatch)
    source = config.sources[1]
    assert isinstance(source, ApiKeyConfig) and source.api_key == f"k-{secret}"


class Inner(Strict):
    token: Annotated[str, Secret]
    label: str = ""


class Shapes(Strict):
    one: Annotated[str, Secret]
    maybe: Annotated[str, Secret] | None = None
    many: list[Annotated[str, Secret]]
    named: dict[str, Annotated[str, Secret]]
    inner: list[Inner]
    plain: str


def test_the_walk_reaches_secrets_in_containers_and_nested_models() -> None:
    def found(value: Any, loc: Loc) -> Any:
        return ("found", loc)

    raw = {
        "one": "a",
        "maybe": None,
        "many": ["b", "c"],
        "named": {"k": "d"},
        "inner": [{"token": "e", "label": "f"}],
        "plain": "g",
        "unknown": "h",
    }
    assert expand_marked(Shapes, raw, found) == {
        "one": ("found", ("one",)),
        "maybe": ("found", ("maybe",)),
        "many": [("found", ("many", 0)), ("found", ("many", 1))],
        "named": {"k": ("found", ("named", "k"))},
        "inner": [{"token": ("found", ("inner", 0, "token")), "label": "f"}],
        "plain": "g",
        "unknown": "h",
    }
