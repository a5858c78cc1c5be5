"""Every preset, one row each: what it expands to and the advisory levels it reads from its
real fixture; how presets merge with config; which advisory-level rules fire on which change."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from advisorywatch.crawler.sources.base import Fetched
from advisorywatch.crawler.sources.presets import PRESETS, expand_preset
from advisorywatch.crawler.sources.registry import SOURCE_TYPES, make_source
from advisorywatch.crawler.sources.types.feed import FeedConfig
from advisorywatch.db.models import Item
from advisorywatch.db.session import Database
from advisorywatch.ingest.ingestor import Ingestor
from advisorywatch.ingest.sync import sync_sources
from advisorywatch.model import AdvisoryLevel, FetchOutcome, ParsedItem
from advisorywatch.notifier.channels import Channels
from advisorywatch.notifier.config import ChannelConfig
from advisorywatch.rules.config import RuleConfig
from advisorywatch.rules.engine import RuleEngine
from advisorywatch.rules.levels import LevelChange, rules_for_change

from conftest import Project, fixture_bytes


@dataclass(frozen=True)
class PresetCase:
    """One preset: its parameters, what they expand to, and what it reads from ``fixture``
    (the first item with a level, or None for a preset that reads none)."""

    name: str
    type: str
    url: str
    fixture: str
    items: int
    first_level: AdvisoryLevel | None
    params: dict[str, str] = field(default_factory=dict)


US, UK, AU = "US State Department", "UK FCDO", "Australian Smartraveller"
CA, DE = "Government of Canada", "German Federal Foreign Office"
PRESET_CASES = [
    PresetCase(
        "us-state-dept",
        "feed",
        "https://travel.state.gov/_res/rss/TAsTWs.xml",
        "state_dept_tastws_2025-10-08.xml",
        12,
        AdvisoryLevel("Sao Tome and Principe", 2, "Level 2: Exercise Increased Caution", US),
    ),
    PresetCase(
        "us-embassy",
        "feed",
        "https://ua.usembassy.gov/category/alert/feed/",
        "usembassy_ua_category_alert_feed_SYNTHETIC.xml",
        4,
        None,
        {"host": "ua.usembassy.gov"},
    ),
    PresetCase(
        "uk-fcdo",
        "json",
        "https://www.gov.uk/api/content/foreign-travel-advice/ukraine",
        "govuk_content_api_foreign-travel-advice_ukraine_SYNTHETIC.json",
        1,
        AdvisoryLevel("Ukraine", 3, "avoid all travel to parts", UK),
        {"country": "ukraine"},
    ),
    PresetCase(
        "au-smartraveller",
        "json",
        "https://www.smartraveller.gov.au/destinations-export",
        "smartraveller_destinations-export_SYNTHETIC.json",
        5,
        AdvisoryLevel("Ukraine", 4, "Do not travel", AU),
    ),
    PresetCase(
        "ca-travel",
        "json",
        "https://data.international.gc.ca/travel-voyage/index-updated.json",
        "canada_index-updated_SYNTHETIC.json",
        4,
        AdvisoryLevel("Ukraine", 4, "Avoid all travel", CA),
    ),
    PresetCase(
        "de-auswaertiges-amt",
        "json",
        "https://www.auswaertiges-amt.de/opendata/travelwarning",
        "auswaertiges_amt_travelwarning_index_SYNTHETIC.json",
        3,
        AdvisoryLevel("Ukraine", 4, "Reisewarnung", DE),
    ),
    PresetCase(
        "gdacs",
        "feed",
        "https://www.gdacs.org/xml/rss.xml",
        "gdacs_rss_2019-12-30.xml",
        4,
        None,
    ),
]


def test_every_preset_is_found_and_has_a_row() -> None:
    assert set(PRESETS) == {c.name for c in PRESET_CASES}


@pytest.mark.parametrize("case", PRESET_CASES, ids=lambda c: c.name)
def test_preset_expands_to_its_source(case: PresetCase) -> None:
    entry = expand_preset({"name": "s", "preset": case.name, **case.params})
    assert (entry["type"], entry["url"], entry["preset"]) == (case.type, case.url, case.name)
    assert not set(case.params) & set(entry)  # parameters are consumed, not passed on
    SOURCE_TYPES[case.type].config_model.model_validate(entry)  # a valid source config
    for param, _example in PRESETS[case.name].params:
        with pytest.raises(ValueError, match=f"preset '{case.name}' needs '{param}:'"):
            expand_preset({"name": "s", "preset": case.name})


@pytest.mark.parametrize("case", PRESET_CASES, ids=lambda c: c.name)
def test_preset_reads_levels_from_its_fixture(case: PresetCase) -> None:
    entry = expand_preset({"name": "s", "preset": case.name, **case.params})
    source = make_source(SOURCE_TYPES[case.type].config_model.model_validate(entry))
    items = source.parse(Fetched(case.url, 200, {}, fixture_bytes(case.fixture)))
    assert len(items) == case.items
    levels = [i.advisory for i in items if i.advisory is not None]
    assert (levels[0] if levels else None) == case.first_level
    if case.first_level is not None:
        assert all(a.issuer == case.first_level.issuer and 1 <= a.level <= 4 for a in levels)


def test_unknown_preset_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown preset 'nope' \\(presets: au-smartraveller, "):
        expand_preset({"name": "s", "preset": "nope"})


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
