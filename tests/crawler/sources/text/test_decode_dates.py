"""Charset normalisation and date reading, on bytes and strings like those sources send."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from advisorywatch.crawler.sources.text.dates import parse_date
from advisorywatch.crawler.sources.text.decode import declared_charsets, decode, xml_as_utf8

from conftest import fixture_bytes

UA = "Повітряна тривога у Києві"
PROLOG_LATIN1 = '<?xml version="1.0" encoding="ISO-8859-1"?>'


def test_charset_lie_latin1_prolog_over_utf8_bytes() -> None:
    body = f"{PROLOG_LATIN1}<t>{UA}</t>".encode()
    assert declared_charsets(body, None) == ["cp1252"]  # what iso-8859-1 means to a browser
    assert UA in decode(body)


def test_true_latin1_stays_latin1() -> None:
    body = f"{PROLOG_LATIN1}<t>Café à Genève</t>".encode("latin-1")
    assert "Café à Genève" in decode(body)


def test_windows_1251_from_prolog_and_from_header() -> None:
    text = decode(fixture_bytes("news_ru_windows-1251_SYNTHETIC.xml"))
    assert "Посольство США в Киеве" in text
    body = "<t>Киев</t>".encode("cp1251")
    assert decode(body, "text/xml; charset=windows-1251") == "<t>Киев</t>"
    # The server's default charset is wrong, the document's own declaration is right.
    body = '<?xml version="1.0" encoding="windows-1251"?><t>Киев</t>'.encode("cp1251")
    assert decode(body, "text/xml; charset=utf-8").endswith("<t>Киев</t>")
    assert decode(body, "text/xml; charset=iso-8859-1").endswith("<t>Киев</t>")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_utf16_and_boms(codec: str) -> None:
    body = f'<?xml version="1.0" encoding="UTF-16"?><t>{UA}</t>'.encode(codec)
    assert decode(body).endswith(f"<t>{UA}</t>")
    assert xml_as_utf8(body).startswith(b'<?xml version="1.0" encoding="utf-8"?>')


def test_invalid_bytes_are_replaced_never_fatal() -> None:
    body = b'<?xml version="1.0" encoding="UTF-8"?><t>ok \xff\xfe broken</t>'
    assert decode(body) == '<?xml version="1.0" encoding="UTF-8"?><t>ok \ufffd\ufffd broken</t>'
    assert "ok" in decode(b"<t>ok \xff</t>", "text/xml; charset=x-unknown-charset")


def test_bom_and_leading_whitespace_removed_for_xml() -> None:
    out = xml_as_utf8(fixture_bytes("messy_bom_and_leading_whitespace_SYNTHETIC.xml"))
    assert out.startswith(b"<?xml")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("05 Agustus 2019", utc(2019, 8, 5)),
        ("Rab, 20 Nov 2024 14:05:00 +0700", utc(2024, 11, 20, 7, 5)),
        ("20.11.2024 09:15", utc(2024, 11, 20, 9, 15)),
        ("Wed, 20 Nov 2024 09:15:00 EET", utc(2024, 11, 20, 7, 15)),
        ("Wed, 2024-11-20 18:05", utc(2024, 11, 20, 18, 5)),
        ("", None),
        ("not a date at all", None),
    ],
)
def test_dates_feedparser_misses(raw: str, expected: datetime | None) -> None:
    assert parse_date(raw) == expected


def test_trusted_feedparser_reading_is_used() -> None:
    import time

    parsed = time.strptime("2024-11-20 09:15:00", "%Y-%m-%d %H:%M:%S")
    assert parse_date("Wed, 20 Nov 2024 09:15:00 GMT", parsed) == utc(2024, 11, 20, 9, 15)
    # EET is not a zone feedparser knows: its UTC reading is not trusted.
    assert parse_date("Wed, 20 Nov 2024 09:15:00 EET", parsed) == utc(2024, 11, 20, 7, 15)


@pytest.mark.parametrize(
    "raw",
    [
        "0000-00-00 00:00:00",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
        "Fri, 31 Dec 9999 23:59:59 EST",
        "2013-xx-27",
    ],
)
def test_out_of_range_or_partial_dates_are_unknown(raw: str) -> None:
    from feedparser.datetimes import _parse_date

    try:
        parsed = _parse_date(raw)
    except ValueError:  # feedparser's own parser raises on some
        parsed = None
    assert parse_date(raw, parsed) is None
    assert parse_date(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Mon, 01 Jan 2024 10:00:00 CT", utc(2024, 1, 1, 16)),
        ("Mon, 01 Jan 2024 10:00:00 MT", utc(2024, 1, 1, 17)),
        ("Mon, 01 Jan 2024 10:00:00 AT", utc(2024, 1, 1, 14)),  # Atlantic
        ("Mon, 01 Jan 2024 10:00:00 PM", utc(2024, 1, 1, 22)),
        ("2024-01-01 10:00 UTC+03:00", utc(2024, 1, 1, 7)),
        ("15 de março de 2024 10:00", utc(2024, 3, 15, 10)),
        ("2024-11-20", utc(2024, 11, 20)),
    ],
)
def test_zones_offsets_and_languages(raw: str, expected: datetime) -> None:
    from feedparser.datetimes import _parse_date

    assert parse_date(raw, _parse_date(raw)) == expected


def test_zone_list_is_feedparsers() -> None:
    from feedparser.datetimes.rfc822 import timezone_names

    from advisorywatch.crawler.sources.text.dates import FEEDPARSER_ZONES

    assert {*timezone_names, "utc"} == FEEDPARSER_ZONES


@pytest.mark.parametrize(
    ("label", "text", "codec"),
    [
        ("latin1", "Don\u2019t \u20ac5", "cp1252"),
        ("iso-8859-1", "Don\u2019t \u20ac5", "cp1252"),
        ("ascii", "Don\u2019t", "cp1252"),
        ("gb2312", "\u4f60\u597d \u9555", "gb18030"),  # the last is not in GB2312
    ],
)
def test_labels_mean_what_they_mean_to_browsers(label: str, text: str, codec: str) -> None:
    body = f'<?xml version="1.0" encoding="{label}"?><t>{text}</t>'.encode(codec)
    assert decode(body).endswith(f"<t>{text}</t>")
    assert decode(f"<t>{text}</t>".encode(codec), f"text/xml; charset={label}") == f"<t>{text}</t>"


def test_undeclared_body_is_utf8_else_windows_1252() -> None:
    assert decode("<t>caf\u00e9 \u2019</t>".encode()) == "<t>caf\u00e9 \u2019</t>"
    assert decode("<t>Don\u2019t caf\u00e9</t>".encode("cp1252")) == "<t>Don\u2019t caf\u00e9</t>"
    assert decode(b"<t>\x81\x92</t>") == "<t>\ufffd\u2019</t>"  # 0x81 is in no charset
