"""The grouping dev set (tests/fixtures/grouping/reports.yaml: real reports of six events in
eight languages, templated alerts for four oblasts, two alerts sharing boilerplate) served as
real feeds through ``run --once`` into a json:// sink, scored by bench/grouping_eval.py."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _grouping_eval() -> ModuleType:
    spec = importlib.util.spec_from_file_location("grouping_eval", ROOT / "bench/grouping_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_distinct_events_are_never_merged_and_reports_group_across_languages(
    tmp_path: Path,
) -> None:
    # One pass here; `bench/grouping_eval.py --passes 3` spreads the set over several (about
    # a minute and a half more, too long for every CI run).
    result = _grouping_eval().evaluate(tmp_path, 1)
    events = result["events"]
    assert result["merged"] == []  # the guarantee: reports of different places never share
    assert result["not_alerted"] == []
    for name, e in events.items():
        # one message per incident, and one per update (a report adding a concept)
        assert e["incidents"] <= e["notifications"] <= e["alerts"], (name, e)
        if e["reports"] >= 3:  # reported in several languages: grouped, not one per report
            assert len(e["languages"]) >= 2 and e["incidents"] <= e["reports"] // 2, (name, e)
            assert e["notifications"] < e["reports"], (name, e)
    oblasts = [e for name, e in events.items() if name.startswith("air-raid-")]
    assert len(oblasts) == 4 and all(e["notifications"] == 1 for e in oblasts)
    assert events["lviv-air-strike"]["notifications"] == 1
