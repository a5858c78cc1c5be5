"""Which advisory-level rules fire on which change, and how presets merge with config."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from advisorywatch.crawler.sources.presets import PRESETS, expand_preset
from advisorywatch.crawler.sources.types.feed import FeedConfig
from advisorywatch.db.models import Item
from advisorywatch.db.session import Database
from advisorywatch.ingest.ingestor import Ingestor
from advisorywatch.ingest.sync import sync_sources
from advisorywatch.model import FetchOutcome, ParsedItem
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.config import ChannelConfig
from advisorywatch.rules.config import RuleConfig
from advisorywatch.rules.engine import RuleEngine
from advisorywatch.rules.levels import LevelChange, rules_for_change

from conftest import Project


def rule(**advisory: object) -> RuleConfig:
    return RuleConfig.model_validate(
        {"name": "r", "advisory_level": advisory, "notify": ["console"]}
    )


@pytest.mark.parametrize(
    ("spec", "old", "new", "fires"),
    [
        ({}, 1, 2, True),
        ({}, 2, 1, False),  # lowering is opt-in
        ({"lowered": True}, 2, 1, True),
        ({"raised": False, "lowered": True}, 1, 2, False),
        ({"min_level": 3}, 1, 2, False),
        ({"min_level": 3}, 2, 3, True),
        ({"countries": ["ukraine"]}, 3, 4, True),
        ({"countries": ["Russia"]}, 3, 4, False),
    ],
)
def test_level_rule_matching(spec: dict[str, object], old: int, new: int, fires: bool) -> None:
    change = LevelChange("Ukraine", old, new, "US State Department")
    assert bool(rules_for_change([rule(**spec)], "src", change)) is fires


def test_level_rule_respects_sources_and_text_rules_never_fire() -> None:
    change = LevelChange("Ukraine", 3, 4, "US State Department")
    scoped = RuleConfig.model_validate(
        {"name": "s", "advisory_level": {}, "sources": ["other"], "notify": ["console"]}
    )
    text = RuleConfig.model_validate({"name": "t", "keywords": ["x"], "notify": ["console"]})
    assert rules_for_change([scoped, text], "src", change) == []
    assert change.summary == "Ukraine: Level 3 → Level 4 (US State Department)"


def test_rule_needs_text_or_level_but_not_both() -> None:
    with pytest.raises(ValueError, match="'regexes', 'all' or 'advisory_level'"):
        RuleConfig.model_validate({"name": "r", "notify": ["console"]})
    with pytest.raises(ValueError, match="not both"):
        RuleConfig.model_validate(
            {"name": "r", "keywords": ["x"], "advisory_level": {}, "notify": ["console"]}
        )


def test_preset_fills_and_config_overrides() -> None:
    entry = expand_preset(
        {
            "name": "fcdo",
            "preset": "uk-fcdo",
            "country": "ukraine",
            "url": "http://127.0.0.1:1/x.json",
            "fields": {"title": "details.country.name"},
        }
    )
    assert entry["type"] == "json" and entry["url"] == "http://127.0.0.1:1/x.json"
    assert entry["fields"]["title"] == "details.country.name"  # overridden
    assert entry["fields"]["date"] == "public_updated_at"  # kept from the preset
    assert "country" not in entry and entry["preset"] == "uk-fcdo"
    embassy = expand_preset({"name": "e", "preset": "us-embassy", "host": "ua.usembassy.gov"})
    assert embassy["url"] == "https://ua.usembassy.gov/category/alert/feed/"


def test_all_presets_registered() -> None:
    assert set(PRESETS) == {
        "us-state-dept",
        "us-embassy",
        "uk-fcdo",
        "au-smartraveller",
        "ca-travel",
        "de-auswaertiges-amt",
        "gdacs",
    }


def _ingest(project: Project, batches: list[list[ParsedItem]]) -> list[tuple[str, str | None]]:
    """Store each batch as one fetch of one source in a real database (SQLite or PostgreSQL)."""
    db = Database(project.effective_database_url)
    db.upgrade()
    src = FeedConfig(name="s", type="feed", url="http://127.0.0.1:9/")
    sync_sources(db, [src])
    rule = RuleConfig.model_validate({"name": "r", "keywords": ["zzz"], "notify": ["console"]})
    channels = Channels({"console": ChannelConfig(urls=["console://"])})
    ingestor = Ingestor(db, RuleEngine([rule]), channels)
    for items in batches:
        assert ingestor.ingest(FetchOutcome("s", "http://127.0.0.1:9/", 200, items)).ok
    with db.session() as s:
        stored = [(i.title, i.url) for i in s.scalars(select(Item).order_by(Item.id))]
    db.dispose()
    return stored


def test_same_text_different_links_are_different_items(project: Project) -> None:
    def alert(n: int) -> ParsedItem:
        return ParsedItem(title="Security Alert", text="", url=f"https://e.example/{n}")

    assert len(_ingest(project, [[alert(1)], [alert(2), alert(1)]])) == 2


def test_linkless_item_found_again_by_content_after_guid_change(project: Project) -> None:
    before = ParsedItem(title="Curfew", text="Curfew extended.", guid="old-1")
    after = ParsedItem(title="Curfew", text="Curfew  extended.", guid="new/1")
    assert _ingest(project, [[before], [after]]) == [("Curfew", None)]
