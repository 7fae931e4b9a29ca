"""Bounded HTTP(S) GETs with the standard library: only http and https, at most a few redirects
(never to another scheme), a timeout, a byte limit, and every failure as one IIIFError line."""

from __future__ import annotations

import http.client
import threading
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


class KeptAlive:
    """One persistent connection per thread and server, for the many small GETs of a tile set
    (a new TCP and TLS handshake per tile costs more than the tile). A redirect is followed by
    `get` with its checks; a connection the server closed is opened again once."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._local = threading.local()

    def get(self, url: str, *, limit: int) -> bytes:
        parts = urlsplit(check_url(url))
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        for attempt in (0, 1):
            connection = self._connection(parts.scheme, parts.netloc, fresh=attempt > 0)
            try:
                connection.request("GET", path, headers={"User-Agent": f"Tratteggio/{__version__}"})
                response = connection.getresponse()
            except (http.client.HTTPException, ConnectionResetError, BrokenPipeError):
                self._drop(parts.scheme, parts.netloc)
                if attempt:
                    raise IIIFError(f"{url}: the server closed the connection") from None
                continue
            except TimeoutError:
                self._drop(parts.scheme, parts.netloc)
                raise IIIFError(f"{url}: timed out after {self.timeout:g} s") from None
            except OSError as exc:
                self._drop(parts.scheme, parts.netloc)
                raise IIIFError(f"{url}: cannot reach the server ({exc.strerror or exc})") from None
            try:
                return self._answer(url, response, limit)
            except BaseException:  # a half-read answer leaves the connection unusable
                self._drop(parts.scheme, parts.netloc)
                raise
        raise AssertionError("unreachable")

    def _drop(self, scheme: str, netloc: str) -> None:
        connection = self._local.__dict__.get("pool", {}).pop((scheme, netloc), None)
        if connection is not None:
            connection.close()

    def _answer(self, url: str, response: Any, limit: int) -> bytes:
        if response.status in (301, 302, 303, 307, 308):
            response.read()
            return get(url, limit=limit, timeout=self.timeout)
        if response.status != 200:
            response.read()
            why = _REASONS.get(response.status, "server error" if response.status >= 500 else response.reason)
            raise IIIFError(f"{url}: the server answered {response.status} ({why})")
        try:
            return _body(url, response, limit)
        except http.client.IncompleteRead as exc:
            raise IIIFError(
                f"{url}: truncated ({len(exc.partial)} bytes, then the connection closed)"
            ) from None
        except TimeoutError:
            raise IIIFError(f"{url}: timed out after {self.timeout:g} s") from None

    def _connection(self, scheme: str, netloc: str, *, fresh: bool) -> http.client.HTTPConnection:
        pool: dict[tuple[str, str], http.client.HTTPConnection] = self._local.__dict__.setdefault("pool", {})
        key = (scheme, netloc)
        if key not in pool:
            kind = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
            pool[key] = kind(netloc, timeout=self.timeout)
        return pool[key]

    def close(self) -> None:
        for connection in self._local.__dict__.get("pool", {}).values():
            connection.close()
