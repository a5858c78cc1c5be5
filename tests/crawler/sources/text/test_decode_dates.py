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
    assert declared_charsets(body, None) == ["iso8859-1"]
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
