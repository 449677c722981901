"""URLs compared as the same article: tracking parameters, fragments and case that do not matter."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that say who sent the reader, not which page: utm_* and the click ids of ad networks.
TRACKING = re.compile(
    r"^(utm_\w*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|twclid|ttclid|li_fat_id|igshid|"
    r"mc_cid|mc_eid|_hsenc|_hsmi|mkt_tok|ref_src|ref_url|cmpid|ocid|smid|sr_share|__twitter_impression)$",
    re.IGNORECASE,
)
DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """The URL without tracking parameters or fragment, scheme and host in lower case, no default
    port: two links to one article compare equal."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    if parts.username or parts.password:
        netloc = f"{parts.netloc.rsplit('@', 1)[0]}@{netloc}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not TRACKING.match(k)])
    # stripped again: a fragment dropped can leave the path's trailing space at the end
    return urlunsplit((scheme, netloc, parts.path or "/", query, "")).strip()


def url_variants(url: str) -> list[str]:
    """The URL as given and as canonical_url makes it (an archive may hold either)."""
    return list(dict.fromkeys((url, canonical_url(url))))
