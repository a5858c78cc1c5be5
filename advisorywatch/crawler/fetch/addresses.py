"""Which IP addresses the crawler may connect to: public ones. Loopback, private, link-local,
shared (CGNAT), multicast, unspecified and reserved ranges, and the cloud-metadata addresses
are refused, also when written as an IPv4 address inside IPv6 (mapped, compatible, NAT64,
6to4). Pure: :mod:`~advisorywatch.crawler.fetch.guard` applies it to resolved addresses."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Instance-metadata endpoints (AWS, GCP, Azure, OpenStack, Oracle, Alibaba, AWS ECS tasks):
# refused even for a source allowed private addresses. Azure's 168.63.129.16 is a public
# address that answers only inside Azure.
METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",
        "169.254.170.2",
        "fd00:ec2::254",
        "168.63.129.16",
        "100.100.100.200",
        "192.0.0.192",
    )
)
_NAMED: tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str], ...] = tuple(
    (ipaddress.ip_network(net), label)
    for net, label in (
        ("0.0.0.0/8", "unspecified"),
        ("::/128", "unspecified"),
        ("127.0.0.0/8", "loopback"),
        ("::1/128", "loopback"),
        ("10.0.0.0/8", "private"),
        ("172.16.0.0/12", "private"),
        ("192.168.0.0/16", "private"),
        ("fc00::/7", "private"),
        ("169.254.0.0/16", "link-local"),
        ("fe80::/10", "link-local"),
        ("100.64.0.0/10", "shared address space (CGNAT)"),
        ("224.0.0.0/4", "multicast"),
        ("ff00::/8", "multicast"),
    )
)
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def embedded_ipv4(addr: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), if any."""
    if isinstance(addr, ipaddress.IPv4Address):
        return None
    if addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    if addr.sixtofour is not None:
        return addr.sixtofour
    low = ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    if any(addr in net for net in _NAT64):
        return low
    if addr in _IPV4_COMPATIBLE and int(addr) > 1:  # not :: nor ::1
        return low
    return None


def refusal(address: str) -> str | None:
    """Why the crawler must not connect to ``address`` (an IP address as text, an IPv6 zone
    allowed), or None when it is public. A text that is no IP address is refused."""
    try:
        addr: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    inner = embedded_ipv4(addr)
    if inner is not None:
        why = refusal(str(inner))
        return f"{why}, as IPv6 {addr}" if why else None
    if addr in METADATA:
        return "cloud metadata"
    for net, label in _NAMED:
        if addr in net:
            return label
    return None if addr.is_global else "reserved"


def private_allowed(address: str) -> bool:
    """True when a source allowed private addresses may connect to ``address``: anything but
    the cloud-metadata addresses."""
    try:
        addr: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    inner = embedded_ipv4(addr)
    return (inner or addr) not in METADATA


def literal_address(host: str) -> IPAddress | None:
    """``host`` (a URL's host, brackets stripped) as an IP address when it is written as one."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


Origin = tuple[str, int]


def origin(url: str) -> Origin:
    """The (host, port) a URL connects to, the host lower-case and without IPv6 brackets."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    return (parts.hostname or "", port)
