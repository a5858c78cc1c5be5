"""Who may read and who may write. Tokens come as ``Authorization: Bearer TOKEN`` (API
clients), as the password of HTTP Basic (browsers: no cookies, no JavaScript needed), or, for
feeds only, as ``?token=`` (feed readers); they are compared in constant time.

Without any token configured, everyone who reaches the (loopback-only) server may read, and
nobody may write: a web page could otherwise post to 127.0.0.1 from the user's browser."""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

from starlette.requests import Request

from advisorywatch.config.schema import MIN_TOKEN_LENGTH, WebTokens
from advisorywatch.config.secrets import read_token_file
from advisorywatch.redaction import register_secret


class Access(IntEnum):
    NONE = 0
    READ = 1
    ADMIN = 2


class TokenError(ValueError):
    """A token file has gone or changed since the config was loaded."""


@dataclass(frozen=True, slots=True)
class Tokens:
    read: bytes | None = None
    admin: bytes | None = None

    @property
    def configured(self) -> bool:
        return self.read is not None or self.admin is not None

    def access(self, presented: str | None) -> Access:
        """What ``presented`` (None: no token) allows."""
        if not self.configured:
            return Access.READ
        if presented is None:
            return Access.NONE
        given = presented.encode("utf-8", "surrogateescape")
        is_admin = self.admin is not None and hmac.compare_digest(given, self.admin)
        is_read = self.read is not None and hmac.compare_digest(given, self.read)
        if is_admin:
            return Access.ADMIN
        return Access.READ if is_read else Access.NONE


def load_tokens(config: WebTokens) -> Tokens:
    """The configured tokens, each registered for masking in logs. Token files were checked
    when the config loaded (:mod:`advisorywatch.config.secrets`, which made their paths
    absolute); one that has gone since is a :class:`TokenError`."""

    def one(token: str | None, file: Path | None) -> bytes | None:
        if file is not None:
            try:
                token = read_token_file(file)
            except (OSError, UnicodeDecodeError) as exc:
                raise TokenError(f"cannot read the token in {file}: {exc}") from None
            if len(token) < MIN_TOKEN_LENGTH:
                raise TokenError(f"{file} holds no token of {MIN_TOKEN_LENGTH} characters")
        if token is None:
            return None
        register_secret(token)
        return token.encode()

    return Tokens(
        read=one(config.read, config.read_file), admin=one(config.admin, config.admin_file)
    )


def presented_token(request: Request, allow_query: bool = False) -> tuple[str | None, bool]:
    """The token a request carries (Bearer, or Basic's password, or for feeds ``?token=``),
    and whether it came in the query string."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None, False
        return decoded.partition(":")[2] or None, False
    if allow_query:
        return request.query_params.get("token") or None, True
    return None, False


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address, IPv6 maybe in brackets) is this machine only."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
