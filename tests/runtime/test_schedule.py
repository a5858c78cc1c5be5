"""Source schedules on their grid: the same slots in one daemon as on every node, the sources
of one interval spread over it, a late run moved to a slot at least half an interval ahead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from advisorywatch.crawler.sources.types.feed import FeedConfig
from advisorywatch.runtime.schedule import grid_start, next_slot, source_trigger

EVERY = timedelta(minutes=5)


def _source(name: str, **extra: object) -> FeedConfig:
    return FeedConfig.model_validate(
        {"name": name, "type": "feed", "url": "http://127.0.0.1/f.xml", "every": "5m", **extra}
    )


def test_a_source_fires_on_its_grid_and_sources_of_one_interval_are_spread() -> None:
    sources = [_source(f"s{i}", jitter="0s") for i in range(200)]
    now = datetime(2026, 12, 7, 9, 0, 7, tzinfo=UTC)
    offsets = set()
    for src in sources:
        start = grid_start(src)
        assert start is not None
        fire = source_trigger(src).get_next_fire_time(None, now)
        assert now <= fire < now + EVERY
        assert (fire - start) % EVERY == timedelta(0)  # on the grid, not "start + interval"
        offsets.add((fire - now) // timedelta(seconds=30))
    assert len(offsets) == 10  # every tenth of the interval has sources: no herd at one moment


def test_a_late_run_moves_to_a_slot_at_least_half_an_interval_ahead() -> None:
    src = _source("embassy", jitter="0s")
    slot = source_trigger(src).get_next_fire_time(None, datetime(2026, 12, 7, tzinfo=UTC))
    assert next_slot(src, slot) == slot + EVERY  # on time
    assert next_slot(src, slot + 0.4 * EVERY) == slot + EVERY  # late, still 0.6 ahead
    assert next_slot(src, slot + 0.6 * EVERY) == slot + 2 * EVERY  # 0.4 ahead: skipped


def test_the_jitter_delays_a_slot_by_at_most_the_jitter() -> None:
    src = _source("news", jitter="20s")
    now = datetime(2026, 12, 7, tzinfo=UTC)
    grid = source_trigger(src, jitter=False).get_next_fire_time(None, now)
    fire = source_trigger(src).get_next_fire_time(None, now)
    assert grid <= fire <= grid + timedelta(seconds=20)
    assert grid + EVERY <= next_slot(src, grid) <= grid + EVERY + timedelta(seconds=20)


def test_runs_after_the_first_stay_on_the_grid() -> None:
    """The daemon's first run is at start, off the grid; APScheduler 3 would count the next
    ones from it (and from each jittered run): they stay on the grid instead."""
    src = _source("consulate", jitter="0s")
    trigger = source_trigger(src)
    start = datetime(2026, 12, 7, 9, 0, 7, 123000, tzinfo=UTC)  # the run at start
    slot = trigger.get_next_fire_time(start, start)
    assert slot == source_trigger(src).get_next_fire_time(None, start + EVERY / 2)
    assert trigger.get_next_fire_time(slot, slot) == slot + EVERY  # on time
    late = slot + 0.6 * EVERY  # the scheduler ran it late: the next slot is skipped
    assert trigger.get_next_fire_time(slot, late) == slot + 2 * EVERY


def test_the_triggers_of_all_sources_share_one_class() -> None:
    """A class per trigger cost kilobytes per source (1,000 sources, 1,000 classes)."""
    now = datetime(2026, 12, 7, tzinfo=UTC)
    first, second = (_source(name, jitter="0s") for name in ("a", "b"))
    assert type(source_trigger(first)) is type(source_trigger(second))
    fires = [source_trigger(src).get_next_fire_time(None, now) for src in (first, second)]
    assert fires[0] != fires[1]
    for src, fire in zip((first, second), fires, strict=True):  # each on its own grid
        start = grid_start(src)
        assert start is not None and (fire - start) % EVERY == timedelta(0)
