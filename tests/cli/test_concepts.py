"""`advisorywatch concepts`: the concepts a rule can name, their languages and entries."""

from __future__ import annotations

from advisorywatch.rules.lexicon import available_concepts, load_concept

from conftest import Project

CONFIG = """
sources:
  - {name: news, type: feed, url: "http://127.0.0.1:1/feed.xml"}
concepts:
  port_closed: {terms: {en: ["port closed"], pl: ["port zamknięty"]}, severity: warning}
  evacuation: {terms: {en: ["relocation of staff"]}}
rules:
  - {name: port, concepts: [port_closed], notify: [console]}
"""


def test_overview_lists_every_concept_with_its_languages(project: Project) -> None:
    project.write_config(CONFIG)
    result = project.cli("concepts")
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert set(lines) == available_concepts() | {"port_closed"}
    assert "lowers" in lines["all_clear"] and "context" in lines["shelling_explosion"]
    assert lines["port_closed"].endswith("2 languages: en pl")
    c = load_concept("air_strike")
    langs = sorted({*c.terms, *c.stems, *c.patterns, *c.exclude, *c.guards})
    assert lines["air_strike"].endswith(f"{len(langs)} languages: {' '.join(langs)}")


def test_overview_of_one_language(project: Project) -> None:
    project.write_config(CONFIG)
    result = project.cli("concepts", "--lang", "pl")
    assert result.returncode == 0, result.stderr
    assert "port_closed" in result.stdout
    assert all(" pl" in line for line in result.stdout.splitlines())


def test_one_concept_shows_its_entries_with_the_config_additions(project: Project) -> None:
    project.write_config(CONFIG)
    result = project.cli("concepts", "evacuation", "--lang", "en")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("evacuation (critical)")
    assert "en:" in out and "uk:" not in out
    assert "ordered departure" in out and "relocation of staff" in out
    assert "exclude: " in out and "medical" in out


def test_one_concept_shows_its_guards(project: Project) -> None:
    project.write_config(CONFIG)
    result = project.cli("concepts", "air_strike", "--lang", "zh")
    assert result.returncode == 0, result.stderr
    assert "guards: " in result.stdout and "防空袭" in result.stdout


def test_unknown_concept_exits_2_and_names_the_known_ones(project: Project) -> None:
    project.write_config(CONFIG)
    result = project.cli("concepts", "air_strikes")
    assert result.returncode == 2
    assert "no concept air_strikes" in result.stderr and "air_strike," in result.stderr


def test_a_lowering_concept_names_what_it_lowers(project: Project) -> None:
    project.write_config(CONFIG)
    result = project.cli("concepts", "embassy_reopened", "--lang", "de")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("embassy_reopened (info, lowers embassy_closed evacuation)")
    assert "wiedereröffnet" in result.stdout


def test_a_yielding_concept_names_what_it_yields_to_and_its_item_excludes(
    project: Project,
) -> None:
    project.write_config(CONFIG)
    result = project.cli("concepts", "air_strike", "--lang", "de")
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first == "air_strike (critical, yields to missile_attack drone_attack)"
    alert = project.cli("concepts", "air_raid_alert", "--lang", "de").stdout
    assert "exclude_item: " in alert and "fehlalarm" in alert.split("exclude_item: ")[1]
