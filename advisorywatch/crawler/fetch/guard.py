"""The address policy (:mod:`~advisorywatch.crawler.fetch.addresses`) enforced at connect time.

Every connection the crawler opens starts with a host-name resolution on the reactor's name
resolver, IP literals included, for source URLs, redirect hops, follow-ups and robots.txt
alike. :class:`GuardedResolver` passes on only the resolved addresses the request being
downloaded may reach, so the connection can only go there: a name that resolved to a public
address when something checked it and to 169.254.169.254 when the connection is made (DNS
rebinding) is refused at that second resolution. :class:`GuardedDownloadHandler` tells the
resolver which request it resolves for (a context variable, set around the synchronous call
that opens the connection) and turns an emptied resolution into :class:`UnsafeAddress`.

A request may reach private addresses only on the origins (host, port) in its allowance: the
source's own URLs when they are written as a private address, or when the source says
``allow_private: true``. The spider puts the allowance in the request's meta; Scrapy copies
meta to redirect hops, so a redirect from a public host to a private one is refused. With a
proxy the connection goes to the proxy (the operator's choice), which resolves the target's
name; the target is refused only when it is written as a private address."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from scrapy import Request
from scrapy.http import Response
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.interfaces import IHostnameResolver, IHostResolution, IResolutionReceiver
from zope.interface import implementer  # type: ignore[import-untyped]

from advisorywatch.crawler.fetch.addresses import (
    Origin,
    literal_address,
    origin,
    private_allowed,
    refusal,
)
from advisorywatch.crawler.fetch.http11 import HTTP11DownloadHandler
from advisorywatch.crawler.fetch.safety import UnsafeAddress
from advisorywatch.testhooks import resolver_overrides

ALLOWANCE_META = "advisorywatch_private_ok"  # frozenset[Origin]


def allowance(urls: Iterable[str], allow_private: bool) -> frozenset[Origin]:
    """The origins a source's requests may reach on private addresses: each of its own URLs'
    when ``allow_private``, else those whose host is written as a private address."""
    out = set()
    for url in urls:
        host = origin(url)
        literal = literal_address(host[0])
        if allow_private or (literal is not None and refusal(str(literal)) is not None):
            out.add(host)
    return frozenset(out)


@dataclass
class _Guard:
    """What one download may connect to, and what the resolver refused for it."""

    url: str
    allowed: frozenset[Origin]
    via_proxy: bool = False
    refused: list[str] = field(default_factory=list)

    def admits(self, host: str, port: int, address: str) -> str | None:
        """None when the connection may go to ``address``, else why not."""
        why = refusal(address)
        if why is None or self.via_proxy:
            return None
        if (host.lower(), port) in self.allowed and private_allowed(address):
            return None
        return why


_GUARD: ContextVar[_Guard | None] = ContextVar("advisorywatch_guard", default=None)


@implementer(IHostResolution)
class _Resolution:
    def __init__(self, name: str) -> None:
        self.name = name

    def cancel(self) -> None:  # answered at once: nothing to cancel
        pass


@implementer(IResolutionReceiver)
class _Filter:
    """Passes on the addresses the download's guard admits; notes the others."""

    # Twisted's zope interfaces read as plain classes to mypy: receivers are typed Any.
    def __init__(self, receiver: Any, resolver: GuardedResolver, host: str, port: int) -> None:
        self._receiver = receiver
        self._resolver = resolver
        self._host, self._port = host, port
        # No guard: a connection outside a guarded download is held to public addresses.
        self._guard = _GUARD.get() or _Guard(url=host, allowed=frozenset())

    def resolutionBegan(self, resolution: Any) -> None:
        self._receiver.resolutionBegan(resolution)

    def addressResolved(self, address: Any) -> None:
        ip = str(getattr(address, "host", ""))
        why = self._guard.admits(self._host, self._port, ip)
        if why is not None:
            self._guard.refused.append(f"{ip} ({why})")
            return
        if refusal(ip) is not None and not self._guard.via_proxy:
            self._resolver.private.add((self._host.lower(), self._port))
        self._receiver.addressResolved(address)

    def resolutionComplete(self) -> None:
        self._receiver.resolutionComplete()


@implementer(IHostnameResolver)
class GuardedResolver:
    """The reactor's name resolver, filtered by the guard of the download it resolves for.

    ``private``: the origins a connection to a private address was opened for. Their pooled
    connections stay private, so a request without an allowance for them is refused before the
    connection pool is asked (:meth:`GuardedDownloadHandler.download_request`)."""

    def __init__(self, upstream: Any, overrides: dict[str, str]) -> None:
        self._upstream = upstream
        self._overrides = overrides
        self.private: set[Origin] = set()
        self.owned: set[Origin] = set()  # see note_allowance

    def resolveHostName(
        self,
        resolutionReceiver: Any,
        hostName: str,
        portNumber: int = 0,
        addressTypes: Sequence[type] | None = None,
        transportSemantics: str = "TCP",
    ) -> Any:
        receiver = _Filter(resolutionReceiver, self, hostName, portNumber)
        override = self._overrides.get(hostName.lower())
        if override is None:
            return self._upstream.resolveHostName(
                receiver, hostName, portNumber, addressTypes, transportSemantics
            )
        resolution = _Resolution(hostName)
        receiver.resolutionBegan(resolution)
        kind = IPv6Address if ":" in override else IPv4Address
        receiver.addressResolved(kind("TCP", override, portNumber))
        receiver.resolutionComplete()
        return resolution


def install() -> GuardedResolver:
    """Put a :class:`GuardedResolver` in front of the reactor's name resolver (once)."""
    from twisted.internet import reactor

    current = reactor.nameResolver
    if isinstance(current, GuardedResolver):
        return current
    guarded = GuardedResolver(current, resolver_overrides())
    reactor.installNameResolver(guarded)
    return guarded


def note_allowance(origins: Iterable[Origin]) -> None:
    """Remember origins a configured source may reach privately (the spider, before it asks
    for them): Scrapy's robots.txt request for an origin carries no meta of ours, and may
    reach the origin privately when a source may."""
    install().owned.update(origins)


class GuardedDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, each download under the guard of its request.

    Its connection pool does not re-send a request on its own: Twisted's would send a GET once
    more on a new connection when a reused keep-alive connection closed without an answer, so a
    source that hangs or resets cost two timeouts a run despite ``retries: 0``. Retries are the
    crawler's (``retries``, backoff, the next run)."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self._pool.retryAutomatically = False
        self._resolver = install()

    async def download_request(self, request: Request) -> Response:
        guard = self._guard(request)
        token = _GUARD.set(guard)
        try:
            return await super().download_request(request)
        except Exception as exc:
            if guard.refused:
                raise UnsafeAddress(_message(request, guard.refused)) from exc
            raise
        finally:
            _GUARD.reset(token)

    def _guard(self, request: Request) -> _Guard:
        target = origin(request.url)
        allowed = request.meta.get(ALLOWANCE_META)
        if allowed is None:  # robots.txt, asked for by a request for the same origin
            allowed = frozenset({target}) & self._resolver.owned
        guard = _Guard(request.url, allowed, via_proxy=bool(request.meta.get("proxy")))
        literal = literal_address(target[0])
        if guard.via_proxy and literal is not None:
            why = _Guard(request.url, allowed).admits(*target, str(literal))
            if why:
                raise UnsafeAddress(_message(request, [f"{literal} ({why})"]))
        elif target in self._resolver.private and target not in allowed:
            raise UnsafeAddress(
                _refusing(
                    request,
                    f"{target[0]}:{target[1]} is on a private address, allowed only for the "
                    "sources whose own host it is",
                )
            )
        return guard


def _message(request: Request, refused: list[str]) -> str:
    return _refusing(
        request,
        f"it resolves to {', '.join(refused)}; only public addresses are allowed (private "
        "ones only for a source's own host and port, see allow_private)",
    )


def _refusing(request: Request, why: str) -> str:
    hops = request.meta.get("redirect_urls") or []
    via = f" (redirected from {hops[0]})" if hops else ""
    return f"refusing {request.url}{via}: {why}"
