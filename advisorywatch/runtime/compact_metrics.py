"""Prometheus counters and histograms with a series per source, kept as one array of floats
per series instead of prometheus_client's objects.

prometheus_client gives every value of every series its own object with its own lock, and
the daemon's per-source metrics are 16 values per source: megabytes per thousand sources
(bench/README.md, "Daemon memory, third round"). These collectors expose the
same families, samples and labels (``_total``, ``_created``, ``_bucket``/``_count``/``_sum``;
``PROMETHEUS_DISABLE_CREATED_SERIES`` honoured) from an ``array`` per series, behind one lock
per metric. The handle :meth:`labels` returns has the ``inc`` and ``observe`` the daemon uses.
"""

from __future__ import annotations

import os
import threading
import time
from array import array
from collections.abc import Iterator, Sequence

from prometheus_client import CollectorRegistry
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString


def _created_series() -> bool:
    return os.environ.get("PROMETHEUS_DISABLE_CREATED_SERIES", "False").lower() != "true"


class _Series(Collector):
    """Series by label values; each an array whose last slot is its creation time."""

    kind = "counter"
    slots = 1  # values before the creation time

    def __init__(
        self, name: str, documentation: str, labelnames: Sequence[str], registry: CollectorRegistry
    ) -> None:
        self.name = name
        self.documentation = documentation
        self.labelnames = tuple(labelnames)
        self._values: dict[tuple[str, ...], array[float]] = {}
        self._lock = threading.Lock()
        registry.register(self)

    def _series(self, values: tuple[str, ...]) -> array[float]:
        if len(values) != len(self.labelnames):
            raise ValueError(f"{self.name}: expected labels {self.labelnames}, got {values}")
        found = self._values.get(values)
        if found is None:
            with self._lock:
                found = self._values.setdefault(
                    values, array("d", [0.0] * self.slots + [time.time()])
                )
        return found

    def describe(self) -> Iterator[Metric]:
        """The family, without samples: the registry refuses a second metric of its names."""
        yield Metric(self.name, self.documentation, self.kind)

    def _snapshot(self) -> list[tuple[dict[str, str], list[float]]]:
        with self._lock:
            items = [(k, v.tolist()) for k, v in self._values.items()]
        return [(dict(zip(self.labelnames, k, strict=True)), v) for k, v in items]


class CompactCounter(_Series):
    def labels(self, *values: str) -> _CounterChild:
        return _CounterChild(self, self._series(values))

    def collect(self) -> Iterator[Metric]:
        total = Metric(self.name, self.documentation, self.kind)
        for labels, (value, created) in self._snapshot():
            total.add_sample(f"{self.name}_total", labels, value)
            if _created_series():
                total.add_sample(f"{self.name}_created", labels, created)
        yield total


class _CounterChild:
    __slots__ = ("_metric", "_series")

    def __init__(self, metric: CompactCounter, series: array[float]) -> None:
        self._metric, self._series = metric, series

    def inc(self, amount: float = 1) -> None:
        if amount < 0:
            raise ValueError("counters can only be incremented by non-negative amounts")
        with self._metric._lock:
            self._series[0] += amount


class CompactHistogram(_Series):
    kind = "histogram"

    def __init__(
        self,
        name: str,
        documentation: str,
        labelnames: Sequence[str],
        registry: CollectorRegistry,
        buckets: Sequence[float],
    ) -> None:
        self.buckets = (*sorted(buckets), float("inf"))
        self.slots = len(self.buckets) + 1  # a count per bucket, then the sum
        super().__init__(name, documentation, labelnames, registry)

    def labels(self, *values: str) -> _HistogramChild:
        return _HistogramChild(self, self._series(values))

    def collect(self) -> Iterator[Metric]:
        histogram = Metric(self.name, self.documentation, self.kind)
        n = len(self.buckets)
        for labels, values in self._snapshot():
            cumulative = 0.0
            for bound, count in zip(self.buckets, values[:n], strict=True):
                cumulative += count
                le = {**labels, "le": floatToGoString(bound)}  # type: ignore[no-untyped-call]
                histogram.add_sample(f"{self.name}_bucket", le, cumulative)
            histogram.add_sample(f"{self.name}_count", labels, cumulative)
            histogram.add_sample(f"{self.name}_sum", labels, values[n])
            if _created_series():
                histogram.add_sample(f"{self.name}_created", labels, values[n + 1])
        yield histogram


class _HistogramChild:
    __slots__ = ("_metric", "_series")

    def __init__(self, metric: CompactHistogram, series: array[float]) -> None:
        self._metric, self._series = metric, series

    def observe(self, amount: float) -> None:
        buckets = self._metric.buckets
        index = next(i for i, bound in enumerate(buckets) if amount <= bound)
        with self._metric._lock:
            self._series[index] += 1
            self._series[len(buckets)] += amount
