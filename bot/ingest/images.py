"""A story's lead image: an absolute http(s) URL kept with the story.

The bot never fetches it (Telegram fetches a photo URL itself), but the URL still meets
the fetch guard's rules of form: http(s), at most 2,048 characters, a host and a valid
port, no spaces or control characters; a host written as an address (`127.0.0.1`,
`2130706433`, `[::1]`) must be a public one unless ALLOW_PRIVATE_URLS is set. A name is
not resolved: nothing connects to it from here. An SVG is no photo to Telegram.
"""

from __future__ import annotations

import ipaddress
import socket

import httpx

from bot.ingest.entries import absolute
from bot.ingest.fetch import MAX_URL_CHARS, FetchError, check_url
from bot.ingest.guard import IPAddress, is_public, transport_of

# Images Telegram cannot show as a photo or a preview (a site's vector logo, say).
NOT_PHOTOS = (".svg", ".svgz")


def _literal(host: str) -> IPAddress | None:
    """The address a host names without DNS: dotted, IPv6, or numeric spellings."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    try:  # 2130706433, 0x7f000001, 127.1: what the system resolver reads them as
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


def image_url(url: str | None, base: str = "", *, allow_private: bool = False) -> str | None:
    """`url` (made absolute against `base`) when it may be a lead image, else None."""
    found = absolute(url, base)
    if found is None or len(found) > MAX_URL_CHARS:
        return None
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in found):
        return None
    try:
        parsed = check_url(found)
    except FetchError:
        return None
    if parsed.path.lower().endswith(NOT_PHOTOS):
        return None
    host = parsed.host.lower().rstrip(".")
    if allow_private:
        return found
    if host == "localhost" or host.endswith(".localhost"):
        return None
    address = _literal(host)
    if address is not None and not is_public(address):
        return None
    return found


def allows_private(client: httpx.AsyncClient | None) -> bool:
    """Whether the fetch client in use may reach private addresses (ALLOW_PRIVATE_URLS)."""
    guard = transport_of(client) if client is not None else None
    return bool(guard and guard.allow_private)
