"""Bounded HTTP(S) GETs with the standard library: only http and https, at most a few redirects
(never to another scheme), a timeout, a byte limit, and every failure as one IIIFError line."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from tratteggio import __version__
from tratteggio.core.iiif.service import IIIFError

MAX_REDIRECTS = 5
_REASONS = {401: "a login is needed", 403: "access refused", 404: "not found"}


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        check_url(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_Redirects)


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise IIIFError(f"{url}: only http and https addresses can be fetched")
    return url


def get(url: str, *, limit: int, timeout: float) -> bytes:
    """The body of `url`, at most `limit` bytes; IIIFError for anything else."""
    check_url(url)
    request = urllib.request.Request(url, headers={"User-Agent": f"Tratteggio/{__version__}"})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return _body(url, response, limit)
    except urllib.error.HTTPError as exc:
        why = _REASONS.get(exc.code, "server error" if exc.code >= 500 else exc.reason)
        raise IIIFError(f"{url}: the server answered {exc.code} ({' '.join(str(why).split())})") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise IIIFError(f"{url}: timed out after {timeout:g} s") from None
        raise IIIFError(f"{url}: cannot reach the server ({reason})") from None
    except TimeoutError:
        raise IIIFError(f"{url}: timed out after {timeout:g} s") from None
    except http.client.IncompleteRead as exc:
        raise IIIFError(f"{url}: truncated ({len(exc.partial)} bytes, then the connection closed)") from None
    except (http.client.HTTPException, ConnectionError) as exc:
        raise IIIFError(f"{url}: the transfer broke off ({type(exc).__name__})") from None


def _body(url: str, response: Any, limit: int) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise IIIFError(f"{url}: the server sends {int(declared)} bytes, more than the {limit} expected")
    data = response.read(limit + 1)
    if len(data) > limit:
        raise IIIFError(f"{url}: the server sends more than the {limit} bytes expected")
    if declared is not None and declared.isdigit() and len(data) != int(declared):
        raise IIIFError(f"{url}: truncated ({len(data)} of {int(declared)} bytes)")
    return data
