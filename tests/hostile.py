"""Hostile response bodies shared by the fetch safety tests and the reliability suite."""

from __future__ import annotations

BOMB_BYTES = 20 * 1024 * 1024  # decompressed; the tests' max_bytes is 1 MB


def billion_laughs(separator: str = "") -> bytes:
    """Nine levels of ten entity references each, the declarations joined by ``separator``
    (nothing: one line; a newline: one declaration per line)."""
    decls = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "' + (f"&lol{i - 1};" if i else "&lol;") * 10 + '">' for i in range(9)
    ]
    return (
        f'<?xml version="1.0"?>{separator}<!DOCTYPE rss [{separator}'
        + separator.join(decls)
        + f"{separator}]>"
        '<rss version="2.0"><channel><title>t</title>'
        "<item><guid>x</guid><title>&lol8;</title></item></channel></rss>"
    ).encode()


BILLION_LAUGHS = billion_laughs()
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<rss version="2.0"><channel><title>t</title>'
    b"<item><guid>x</guid><title>air strike &xxe;</title></item></channel></rss>"
)
