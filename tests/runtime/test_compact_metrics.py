"""The compact per-source metrics expose what prometheus_client's own Counter and Histogram
expose for the same updates, sample for sample (creation times aside)."""

from __future__ import annotations

import re

import pytest
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from advisorywatch.runtime.compact_metrics import CompactCounter, CompactHistogram

BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)


def _exposed(counter: type, histogram: type) -> str:
    registry = CollectorRegistry()
    items = counter("t_items", "New items stored", ["source"], registry=registry)
    fetches = counter("t_fetches", "Fetches", ["source", "result"], registry=registry)
    seconds = histogram("t_seconds", "Crawl time", ["source"], registry=registry, buckets=BUCKETS)
    for source in ("news-a", 'quote"and\\slash'):
        fetches.labels(source, "ok").inc()
        items.labels(source).inc(20)
        items.labels(source).inc(0)
        for value in (0.05, 0.1, 0.3, 1, 7.5, 119.9, 500):
            seconds.labels(source).observe(value)
    fetches.labels("news-a", "failed").inc()
    text = generate_latest(registry).decode()
    return re.sub(r"(_created\{[^}]*\}) \S+", r"\1 <time>", text)


def test_the_exposition_is_prometheus_clients_own() -> None:
    assert _exposed(CompactCounter, CompactHistogram) == _exposed(Counter, Histogram)


def test_created_series_can_be_turned_off_as_for_prometheus_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PROMETHEUS_DISABLE_CREATED_SERIES", "True")
    names = {
        sample.name
        for family in text_string_to_metric_families(_exposed(CompactCounter, CompactHistogram))
        for sample in family.samples
    }
    assert "t_items_total" in names
    assert "t_seconds_count" in names
    assert not [name for name in names if name.endswith("_created")]


def test_wrong_labels_and_negative_increments_are_refused() -> None:
    registry = CollectorRegistry()
    fetches = CompactCounter("t_fetches", "Fetches", ["source", "result"], registry=registry)
    with pytest.raises(ValueError, match="expected labels"):
        fetches.labels("news-a")
    with pytest.raises(ValueError, match="non-negative"):
        fetches.labels("news-a", "ok").inc(-1)
    with pytest.raises(ValueError, match="Duplicated timeseries"):
        CompactCounter("t_fetches", "Again", ["source"], registry=registry)
