"""The address policy as a table: every refused range, in the spellings a resolver returns."""

from __future__ import annotations

import pytest

from advisorywatch.crawler.fetch.addresses import origin, private_allowed, refusal


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("8.8.8.8", None),
        ("2606:4700:4700::1111", None),
        ("::ffff:8.8.8.8", None),
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fd12:3456::1", "private"),
        ("169.254.1.1", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("100.64.0.1", "shared address space (CGNAT)"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("192.0.2.7", "reserved"),
        ("169.254.169.254", "cloud metadata"),
        ("fd00:ec2::254", "cloud metadata"),
        ("168.63.129.16", "cloud metadata"),
        ("::ffff:169.254.169.254", "cloud metadata, as IPv6 ::ffff:a9fe:a9fe"),
        ("::a9fe:a9fe", "cloud metadata, as IPv6 ::a9fe:a9fe"),
        ("64:ff9b::a9fe:a9fe", "cloud metadata, as IPv6 64:ff9b::a9fe:a9fe"),
        ("2002:a9fe:a9fe::1", "cloud metadata, as IPv6 2002:a9fe:a9fe::1"),
        ("::ffff:10.0.0.1", "private, as IPv6 ::ffff:a00:1"),
        ("not-an-address", "not an IP address"),
    ],
)
def test_refusal(address: str, why: str | None) -> None:
    assert refusal(address) == why


def test_a_source_allowed_private_addresses_still_never_reaches_metadata() -> None:
    assert private_allowed("127.0.0.1") and private_allowed("10.0.0.1")
    assert not private_allowed("169.254.169.254")
    assert not private_allowed("::ffff:a9fe:a9fe")
    assert not private_allowed("garbage")


def test_origin_is_host_and_port() -> None:
    assert origin("http://Feeds.Example.org/x") == ("feeds.example.org", 80)
    assert origin("https://example.org/x") == ("example.org", 443)
    assert origin("http://[::1]:8080/x") == ("::1", 8080)
