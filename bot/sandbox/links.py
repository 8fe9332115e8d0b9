"""Telegram's rules for the URL of an <a href> (tdlib's check_link and parse_url).

A link Telegram cannot use is not an error: the entity is silently dropped, so
`checked_link` returns "" for it. `http://localhost/` is dropped (a host needs a dot),
`telegram.org` becomes `http://telegram.org/`, `tg://user?id=N` is a mention of user N.
Only ASCII letters are case-folded and only tdlib's whitespace counts, as in tdlib.
"""

from __future__ import annotations

import socket

_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_SPACE = " \t\r\n\v\0"  # tdlib's is_space
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
# Host characters RFC 3986 allows (after lower-casing); '%' needs two hex digits after it.
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-_!$,~*'();&+=")
_USERINFO_CHARS = _HOST_CHARS | {":"}
_LOWER_HEX = frozenset("0123456789abcdef")
_IPV6_CHARS = frozenset(":.0123456789abcdef")
_MAX_USER_ID = (1 << 40) - 1


def lower_ascii(text: str) -> str:
    return text.translate(_LOWER)


def c_integer(text: str, bits: int) -> int:
    """tdlib's to_integer<intN>: an optional '-', leading digits, C wrap-around."""
    mask = (1 << bits) - 1
    top = (1 << (bits - 1)) - 1
    negative = text.startswith("-")
    value = 0
    for ch in text[1:] if negative else text:
        if not "0" <= ch <= "9":
            break
        value = (value * 10 + ord(ch) - 48) & mask
    if value > top:
        value = (~value + 1) & mask
        negative = not negative
        if value > top:
            return -top - 1
    return -value if negative else value


def c_integer_safe(text: str, bits: int) -> int | None:
    """tdlib's to_integer_safe: the number only when it prints back as the same text."""
    value = c_integer(text, bits)
    return value if str(value) == text else None


def _find_any(text: str, chars: str, start: int = 0) -> int:
    hits = [i for i in (text.find(c, start) for c in chars) if i >= 0]
    return min(hits) if hits else len(text)


def _is_ipv6(host: str) -> bool:
    try:
        socket.inet_pton(socket.AF_INET6, host.split("\0", 1)[0])
    except (OSError, ValueError, UnicodeError):
        return False
    return True


class _Url:
    __slots__ = ("host", "https", "ipv6", "port", "query", "userinfo")

    def __init__(
        self, https: bool, userinfo: str, host: str, ipv6: bool, port: int, query: str
    ) -> None:
        self.https, self.userinfo, self.host = https, userinfo, host
        self.ipv6, self.port, self.query = ipv6, port, query

    def text(self) -> str:
        userinfo = self.userinfo + "@" if self.userinfo else ""
        port = f":{self.port}" if self.port > 0 else ""
        return f"{'https' if self.https else 'http'}://{userinfo}{self.host}{port}{self.query}"


def _parse_url(url: str) -> _Url | None:
    """tdlib's parse_url: [http(s)://][userinfo@]host[:port][/query]; None if invalid."""
    end = _find_any(url, ":/?#@[]")
    https = False
    rest = url
    if url.startswith("://", end):
        scheme = lower_ascii(url[:end])
        if scheme not in ("http", "https"):
            return None
        https = scheme == "https"
        rest = url[end + 3 :]
    end = _find_any(rest, "/?#")
    address, tail = rest[:end], rest[end:]

    colon = len(address) - 1
    while colon > 0 and address[colon] not in ":]@":
        colon -= 1
    port = 0
    if colon > 0 and address[colon] == ":":
        digits = address[colon + 1 :]
        while len(digits) > 1 and digits[0] == "0":
            digits = digits[1:]
        number = c_integer_safe(digits, 32)
        port = number if number else -1
        address = address[:colon]
    if not 0 <= port <= 65535:
        return None

    at = address.rfind("@")
    userinfo, host = (address[:at], address[at + 1 :]) if at >= 0 else ("", address)
    ipv6 = False
    if host.startswith("[") and host.endswith("]") and len(host) >= 2:
        if not _is_ipv6(host[1:-1]):
            return None
        ipv6 = True
    if not host or host == ".":
        return None

    tail = tail.rstrip(_SPACE) or "/"
    query = ("" if tail[0] == "/" else "/") + "".join(
        f"%{ord(c):02X}" if ord(c) <= 0x20 else c for c in tail
    )
    host = lower_ascii(host)
    if not _host_ok(host, ipv6):
        return None
    # tdlib checks the userinfo's characters like the host's, but not beside an IPv6 host.
    if not ipv6 and not _host_ok(lower_ascii(userinfo), False, _USERINFO_CHARS):
        return None
    return _Url(https, userinfo, host, ipv6, port, query)


def _host_ok(host: str, ipv6: bool, allowed: frozenset[str] = _HOST_CHARS) -> bool:
    """Host characters (userinfo too, with ':' allowed): RFC 3986's, %XX, or non-ASCII."""
    i, n = 0, len(host)
    while i < n:
        c = host[i]
        if ipv6:
            if not (i == 0 or i + 1 == n or c in _IPV6_CHARS):
                return False
        elif c == "%":
            if host[i + 1 : i + 2] not in _LOWER_HEX or host[i + 2 : i + 3] not in _LOWER_HEX:
                return False
            i += 2
        elif c not in allowed and ord(c) < 128:
            return False
        i += 1
    return True


def checked_link(link: str) -> str:
    """The URL Telegram keeps for a text link, or "" when it drops the link."""
    low = lower_ascii(link[:8])
    scheme = ""
    for prefix in ("tg:", "ton:", "tonsite:"):
        if low.startswith(prefix):
            scheme = prefix[:-1]
            link = link[len(prefix) :]
            break
    if scheme and link.startswith("//"):
        link = link[2:]
    url = _parse_url(link)
    if url is None:
        return ""
    if scheme:
        if (
            lower_ascii(link[:7]) == "http://"
            or url.https
            or url.userinfo
            or url.port != 0
            or url.ipv6
        ):
            return ""
        query = url.query[1:] if url.query[1:2] == "?" else url.query
        extra = "-_." if scheme == "tonsite" else "-_"
        if any(c not in _ALNUM and c not in extra for c in url.host):
            return ""
        return f"{scheme}://{url.host}{query}"
    if "." not in url.host and not url.ipv6:
        return ""
    return url.text()


def link_user_id(url: str) -> int:
    """The user id of a tg://user?id=N link (a text mention), 0 when it is not one."""
    url = lower_ascii(url)
    if not url.startswith("tg:"):
        return 0
    url = url[3:]
    url = url.removeprefix("//")
    if not url.startswith("user") or (len(url) > 4 and url[4] not in "/?#"):
        return 0
    url = url[4:].removeprefix("/")
    if not url.startswith("?"):
        return 0
    url = url[1:].split("#", 1)[0]
    for parameter in url.split("&") if url else ():
        key, _, value = parameter.partition("=")
        if key == "id":
            user_id = c_integer_safe(value, 64)
            return user_id if user_id is not None and 0 < user_id <= _MAX_USER_ID else 0
    return 0
