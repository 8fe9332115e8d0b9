"""URL normalisation for "never twice": one key per article, however it was linked."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only say where a click came from.
_TRACKING = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "yclid",
        "msclkid",
        "twclid",
        "ttclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "spm",
        "ocid",
        "cmpid",
        "s_cid",
        "at_medium",
        "at_campaign",
        "rss",
        "from",
        "amp",
        "outputtype",
    }
)
_TRACKING_PREFIXES = ("utm_", "ga_", "pk_", "ns_", "hmb_", "vero_", "oly_")
_AMP_SEGMENT = re.compile(r"(?:^|/)amp(?=/|$)", re.IGNORECASE)
_AMP_SUFFIX = re.compile(r"\.amp(?=\.html?$|$)", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING or lowered.startswith(_TRACKING_PREFIXES)


def normalize_url(url: str) -> str:
    """The dedupe key of a URL: https, lower-case host without `www.`, no default port,
    no tracking parameters, no AMP variant, no fragment, no trailing slash; the
    remaining query parameters sorted. Not meant to be fetched, only compared."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "http":
        scheme = "https"  # the same article over either scheme
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    port = parts.port
    netloc = (
        host
        if port is None or port == _DEFAULT_PORTS.get(parts.scheme.lower())
        else (f"{host}:{port}")
    )
    path = _AMP_SEGMENT.sub("", parts.path)
    path = _AMP_SUFFIX.sub("", path)
    path = re.sub(r"/{2,}", "/", path).rstrip("/")
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k)
    )
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))
