"""Where a transport may send its secrets: https anywhere, plain http only to this machine."""

from __future__ import annotations

from ipaddress import ip_address

from yarl import URL

from .errors import EndpointCredentialsError, InsecureEndpointError, InvalidEndpointError


def validate_endpoint(endpoint: str) -> str:
    """Return the endpoint if the password or keys can travel to it safely, else raise.

    https:// only; http:// is allowed for this machine (a local simulator or
    proxy), and no URL may carry user:password@.
    """
    try:
        url = URL(endpoint.strip())
    except ValueError:
        raise InvalidEndpointError from None
    if url.scheme not in ("http", "https") or not url.host:
        raise InvalidEndpointError
    if url.user is not None or url.password is not None:
        raise EndpointCredentialsError
    if url.scheme == "http" and not _is_loopback(url.host):
        raise InsecureEndpointError
    return endpoint.strip()


def _is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False
