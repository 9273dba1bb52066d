"""Who is asking, and may they: the client address behind proxies, and the API key on every script door.

    access = Access(api_key="k", exposed=True, trusted_proxies=parse_proxies("10.0.0.5, 10.1.0.0/16"))
    access.client(peer="10.0.0.5", headers=request.headers)   # the address the rate limit counts
    access.refusal(request.headers)                            # None, or a Refusal (status 401, code, message)

``X-Forwarded-For`` is read only when the connection comes from a proxy the operator named
(``--trusted-proxy`` / ``BOT_TRUSTED_PROXIES``, default none), as uvicorn's ``--forwarded-allow-ips``
does: anyone else could write any address there and dodge the rate limit. The rightmost address
that is not itself a trusted proxy is the client.

The script doors (``/v1/*``, the web chat's ``/chat`` and ``/ask`` endpoints, MCP) share one rule:
with a key configured, every request must send ``Authorization: Bearer KEY``; with none configured,
a server bound beyond loopback refuses them all. The web chat page itself is for people: put it
behind ``--auth``.
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass
from typing import Mapping

from index.errors import InputError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_proxies(text: str | None) -> tuple[Network, ...]:
    """``"10.0.0.5, 10.1.0.0/16"`` -> networks; a bad entry is an InputError naming it."""
    found = []
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            found.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise InputError(f"--trusted-proxy / BOT_TRUSTED_PROXIES: {part!r} is not an IP address or network "
                             "(write e.g. 127.0.0.1 or 10.0.0.0/8, comma-separated).", param="trusted_proxy") from None
    return tuple(found)


def is_loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    message: str


@dataclass(frozen=True)
class Access:
    api_key: str | None = None
    exposed: bool = False  # the server is bound beyond loopback
    trusted_proxies: tuple[Network, ...] = ()

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in self.trusted_proxies)

    def client(self, peer: str | None, headers: Mapping[str, str] | None = None) -> str:
        """The address to count: the peer, unless the peer is a trusted proxy that says who it forwards."""
        peer = peer or "unknown"
        if not self.trusted_proxies or not self._trusted(peer) or headers is None:
            return peer
        forwarded = [a.strip() for a in (headers.get("x-forwarded-for") or "").split(",") if a.strip()]
        for address in reversed(forwarded):
            if not self._trusted(address):
                return address
        return forwarded[0] if forwarded else peer

    def refusal(self, headers: Mapping[str, str] | None) -> Refusal | None:
        """None when a request with these headers may use a script door, else why not. Whoever the client
        seems to be: behind a reverse proxy on this machine every client would look like loopback."""
        if self.api_key is None:
            if self.exposed:
                return Refusal(401, "api_key_required", "This server is reachable beyond its own machine, so its API "
                               "needs a key, and none is configured. Start `bot serve` with BOT_API_KEY=... (or --api-key).")
            return None
        scheme, _, given = ((headers or {}).get("authorization") or "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), self.api_key.encode()):
            return None
        return Refusal(401, "invalid_api_key", "Missing or wrong API key: send `Authorization: Bearer <key>`.")
