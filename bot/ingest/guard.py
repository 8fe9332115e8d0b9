"""Where the bot may connect when it fetches a URL: public addresses only.

A URL an admin pushes, a feed, a redirect or a link written inside a feed by the feed's
owner could point at the bot's own machine or network (127.0.0.1, 10.x, the cloud
metadata address, `2130706433`, `127.1`, `localhost`, ...). The transport below resolves
the host itself, refuses the request if any address it resolves to is not public, and
then connects to the address it checked — a second DNS answer cannot swap in another
one (DNS rebinding). The Host header and TLS SNI/certificate check keep the real name.

`ALLOW_PRIVATE_URLS=true` lifts the check for tests, the demo and intranet deployments.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]

DEFAULT_PORTS = {"http": 80, "https": 443}
FETCHES_AT_ONCE = 4  # per client: slow sites cannot pile up sockets and memory


class PrivateAddress(Exception):
    """The URL's host is, or resolves to, an address the bot must not connect to."""

    def __init__(self, host: str, address: str) -> None:
        named = address if host == address else f"{host} ({address})"
        super().__init__(f"{named} is not a public address")
        self.host = host
        self.address = address


def _embedded_v4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    # IPv4-mapped (::ffff:a.b.c.d), 6to4 (2002:…) and NAT64 (64:ff9b::/96) carry an IPv4
    # address that the packet really reaches.
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in ipaddress.IPv6Network("64:ff9b::/96"):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    """False for loopback, private, link-local, CGNAT, multicast, reserved, unspecified,
    documentation and benchmark ranges, in IPv4 and IPv6 (embedded IPv4 included)."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_v4(address)
        if inner is not None:
            return is_public(inner)
    return address.is_global and not (
        address.is_multicast
        or address.is_reserved
        or address.is_loopback
        or address.is_link_local
        or address.is_unspecified
        or address.is_private
    )


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the system resolver gives for `host` (numeric forms such as
    2130706433 or 127.1 come back as the address they mean)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


class GuardedTransport(httpx.AsyncBaseTransport):
    """Resolve, check, then connect to the checked address with the original Host/SNI."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        resolver: Resolver = resolve,
        inner: httpx.AsyncBaseTransport | None = None,
        slots: int = FETCHES_AT_ONCE,
    ) -> None:
        self.allow_private = allow_private
        self.slots = asyncio.Semaphore(slots)  # fetch() holds one for a whole exchange
        self._resolve = resolver
        self._inner = inner or httpx.AsyncHTTPTransport()

    async def check(self, host: str, port: int) -> IPAddress:
        """The address to connect to; PrivateAddress if any answer is not public, OSError
        if the name does not resolve."""
        addresses = await self._resolve(host, port)
        if not addresses:
            raise OSError(f"{host} has no address")
        if not self.allow_private:
            for address in addresses:
                if not is_public(address):
                    raise PrivateAddress(host, str(address))
        return addresses[0]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        host = url.host
        port = url.port or DEFAULT_PORTS.get(url.scheme, 80)
        try:
            target = await self.check(host, port)
        except (OSError, UnicodeError, ValueError) as error:
            raise httpx.ConnectError(f"cannot resolve {host}: {error}", request=request) from None
        if str(target) != host:
            # Keep the Host header httpx set from the name; TLS checks the name too.
            if url.scheme == "https":
                request.extensions = {**request.extensions, "sni_hostname": host}
            request.url = url.copy_with(host=str(target))
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def http_client(
    *,
    allow_private: bool = False,
    resolver: Resolver = resolve,
    inner: httpx.AsyncBaseTransport | None = None,
    slots: int = FETCHES_AT_ONCE,
) -> httpx.AsyncClient:
    """The one kind of client fetch() accepts. No environment proxies: a proxy would
    resolve names itself and the check would not hold."""
    return httpx.AsyncClient(
        transport=GuardedTransport(
            allow_private=allow_private, resolver=resolver, inner=inner, slots=slots
        ),
        trust_env=False,
    )


def transport_of(client: httpx.AsyncClient) -> GuardedTransport | None:
    found = getattr(client, "_transport", None)
    return found if isinstance(found, GuardedTransport) else None


def is_guarded(client: httpx.AsyncClient) -> bool:
    return transport_of(client) is not None
