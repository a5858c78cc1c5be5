"""Which config the nodes run: the one most live nodes run, on a tie the oldest node's; a node
with another config is told which top-level keys differ. How the live nodes split the hosts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from advisorywatch.config.load import parse_config
from advisorywatch.runtime.coordination import (
    Peer,
    config_hash,
    config_keys,
    config_leader,
    differing_keys,
    hosts_of,
    refusal_of,
)

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
OLD = {"sources": "a1", "rules": "b1", "channels": "c1"}
NEW = {"sources": "a2", "rules": "b1", "channels": "c1", "retention": "d1"}


def _peer(n: int, keys: dict[str, str]) -> Peer:
    return Peer(f"node{n}", "host", 100 + n, T0 + timedelta(minutes=n), config_hash(keys), keys)


def test_the_config_most_nodes_run_wins_and_a_tie_goes_to_the_oldest_node() -> None:
    one, two, three = _peer(1, OLD), _peer(2, NEW), _peer(3, NEW)
    assert config_leader([one, two, three]) == two  # the majority's oldest node
    assert config_leader([three, one, two]) == two  # whatever the order read
    assert config_leader([two, one]) == one  # a tie: the oldest node's config
    assert config_leader([two]) == two  # alone: its own


def test_a_refusal_names_the_leader_and_the_keys_that_differ() -> None:
    one, two, three = _peer(1, OLD), _peer(2, NEW), _peer(3, NEW)
    assert differing_keys(OLD, NEW) == ["retention", "sources"]
    assert refusal_of(one, two) == (
        "config differs from node node2 (host host, pid 102): retention, sources"
    )
    assert refusal_of(three, two) is None
    # A node registered before the per-key hashes were stored: which keys is not known.
    legacy = Peer("node9", "host", 9, T0, "other", {})
    assert refusal_of(legacy, two) == "config differs from node node2 (host host, pid 102)"


def _keys(tmp_path: Path, extra: str) -> dict[str, str]:
    text = f"""
database: {{url: "sqlite:///{tmp_path / "state.db"}"}}
sources:
  - {{name: a, type: feed, url: "http://127.0.0.1:9/a.xml"}}
rules:
  - {{name: strike, keywords: ["air strike"], notify: [ops]}}
channels:
  ops: {{urls: ["json://127.0.0.1:9/"]}}
{extra}"""
    return config_keys(parse_config(text, tmp_path / "config.yaml"))


def test_what_a_node_sets_for_itself_is_no_difference(tmp_path: Path) -> None:
    base = _keys(tmp_path, "")
    own = "log_level: DEBUG\ndaemon: {http: {enabled: true, port: 9101}}"
    assert _keys(tmp_path, own) == base
    assert differing_keys(base, _keys(tmp_path, "daemon: {lease_seconds: 30}")) == ["daemon"]
    assert "database" not in base and "sources" in base


HOSTS = dict.fromkeys([f"h{k}.example" for k in range(60)], 10)  # host: its sources


def test_each_host_is_one_live_nodes_and_a_node_leaving_moves_its_own_and_few_others() -> None:
    live = ["node-a", "node-b", "node-c"]
    shares = {n: set(hosts_of(n, live, HOSTS)) for n in live}
    assert set().union(*shares.values()) == set(HOSTS)  # every host is someone's...
    assert sum(len(s) for s in shares.values()) == len(HOSTS)  # ...and no host two nodes'
    # No node holds more than an even share and a tenth (60 hosts: 22 of them).
    assert all(len(s) <= 22 for s in shares.values()), {n: len(s) for n, s in shares.items()}
    # Every node computes the same split, whatever order it read the nodes in.
    assert hosts_of("node-a", list(reversed(live)), HOSTS) == sorted(shares["node-a"])
    # node-c leaves: its hosts go to the others, who keep nearly all of theirs.
    after = {n: set(hosts_of(n, live[:2], HOSTS)) for n in live[:2]}
    assert after["node-a"] | after["node-b"] == set(HOSTS)
    kept = sum(len(shares[n] & after[n]) for n in live[:2])
    assert kept >= 0.9 * sum(len(shares[n]) for n in live[:2]), (kept, after)
    # A node that is not (yet) among the live ones takes no host as its own.
    assert hosts_of("node-d", live, HOSTS) == []


def test_a_few_hosts_are_split_about_evenly_by_their_sources() -> None:
    """Twenty hosts between three nodes: seven, seven and six (plain rendezvous hashing gave
    one node half of them); a host with many sources counts for them."""
    hosts = dict.fromkeys([f"127.0.0.{k}" for k in range(2, 22)], 500)
    for live in (["a", "b", "c"], ["x", "y", "z"], ["n1", "n2", "n3"]):
        assert sorted(len(hosts_of(n, live, hosts)) for n in live) == [6, 7, 7]
    heavy = {"big.example": 30} | {f"h{k}.example": 1 for k in range(30)}
    split = {n: hosts_of(n, ["a", "b"], heavy) for n in ("a", "b")}
    loads = sorted(sum(heavy[h] for h in mine) for mine in split.values())
    assert loads == [27, 33]  # the big host and three small ones (an even share and a tenth)
