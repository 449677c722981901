"""A source given as a domain (`eastholmledger.example`) takes the outlet's name (`The Eastholm
Ledger`) once the archive knows it, so counts by source do not split one outlet in two.

Scrapers such as news-please record the site's domain where a page does not name its outlet.
The name is known when articles of that name have URLs on the domain, or when the name,
without a leading "The", spaces and punctuation, spells the domain's own label
(`eastholmledger` in `www.eastholmledger.example`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]", re.I)
# Second-level labels under which a country's sites register (bbc.co.uk, abc.net.au).
_REGISTRY_LABELS = {"co", "com", "net", "org", "gov", "ac", "edu", "ne", "or"}


def is_domain(source: str) -> bool:
    """`eastholmledger.example`, `www.bbc.co.uk`; not `The Eastholm Ledger`, not `St. Ives`."""
    return bool(_DOMAIN.fullmatch(source.strip()))


def site_label(domain: str) -> str:
    """The label naming the site: `eastholmledger` for www.eastholmledger.example, `bbc` for
    www.bbc.co.uk."""
    labels = domain.lower().strip().split(".")
    if labels[0] == "www":
        labels = labels[1:]
    labels = labels[:-1] or labels  # the top-level domain
    if len(labels) > 1 and labels[-1] in _REGISTRY_LABELS:
        labels = labels[:-1]
    return labels[-1]


def spelled(name: str) -> str:
    """A name as a domain would spell it: `The Eastholm Ledger` -> `eastholmledger`."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    folded = re.sub(r"^the\s+", "", folded)
    return "".join(ch for ch in folded if ch.isalnum() and ch.isascii())


def outlet_name(domain: str, names: Iterable[str], on_host: Iterable[str] = ()) -> str | None:
    """The outlet name a domain source should take, or None: a named source with URLs on the
    domain first, else a name that spells the domain's label."""
    for name in on_host:
        if not is_domain(name):
            return name
    label = site_label(domain)
    for name in names:
        if not is_domain(name) and spelled(name) == label:
            return name
    return None
