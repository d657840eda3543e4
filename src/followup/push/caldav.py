"""A CalDAV account as a calendar store, over the `caldav` library.

The library (and the HTTP and XML ones under it) is imported only when a push
connects, never by the rest of followup. Failures of the network, the login or
the server end as one line (`PushFailed`) that says which; a write refused
because the object changed meanwhile is a `Conflict`, as in every store.
"""

from __future__ import annotations

import contextlib
import functools
import html
import logging
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import unquote, urljoin, urlsplit
from xml.sax.saxutils import escape

from followup._errors import InvalidOption, MissingDependency, PushFailed, install_command
from followup._i18n import _
from followup.push.account import Target, password_for
from followup.push.store import Conflict, Refused, Stored, StoredCalendar, UidTaken

if TYPE_CHECKING:
    from caldav.collection import Principal
    from caldav.davclient import DAVClient

__all__ = ["TIMEOUT", "CalDAVStore", "connected", "library"]

TIMEOUT = 30.0  # seconds to wait for each answer from the server
_CALENDAR_TYPE = "{urn:ietf:params:xml:ns:caldav}calendar"
_DISPLAY_NAME = "{DAV:}displayname"
_RESOURCE_TYPE = "{DAV:}resourcetype"


def library() -> Any:
    """The caldav library, or how to install it."""
    try:
        import caldav
    except ImportError:
        message = _("pushing to a calendar account needs the caldav extra: {command}")
        raise MissingDependency(message.format(command=install_command("caldav"))) from None
    # The library logs what it finds odd; a person sees only our one line.
    logger = logging.getLogger("caldav")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
        logger.propagate = False
    return caldav


# How each server a push logged in to in this process asks for the password
# ("basic", "digest"): the next connection to it sends it with the first request.
_AUTH_KNOWN: dict[str, str] = {}


class _Redirected(Exception):
    """The server sent the request to another host, where the login is not sent."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


@contextlib.contextmanager
def connected(target: Target) -> Iterator[CalDAVStore]:
    """The account `target` names, as a store, logged in with the password found for it.

    Over https the password goes with the first request (HTTP basic), and to a
    server this process logged in to before, the way it asked for then: no
    request is spent on a 401. Every failure of the network, the login or the
    server while it is in use is raised as `PushFailed`, one line that says
    what went wrong.
    """
    caldav = library()
    password = password_for(target)
    known = _AUTH_KNOWN.get(target.host)
    if known is None and target.user is not None and target.url.lower().startswith("https:"):
        known = "basic"
    client = caldav.DAVClient(
        url=target.url,
        username=target.user,
        password=password,
        timeout=TIMEOUT,
        ssl_verify_cert=_authority(target),
        enable_rfc6764=False,
        auth_type=known if target.user is not None else None,
    )
    host = urlsplit(target.url).netloc.lower()
    guessed = known is not None and target.host not in _AUTH_KNOWN

    def answered(response: Any, *args: object, **kwargs: object) -> Any:
        """Stop at a redirect to another host: the login would not go with it. A server that
        does not take the basic login guessed for https is asked how it wants it instead."""
        location = response.headers.get("Location") if 300 <= response.status_code < 400 else None
        if location and urlsplit(urljoin(str(response.url), location)).netloc.lower() != host:
            raise _Redirected(urljoin(str(response.url), location))
        offered = str(response.headers.get("WWW-Authenticate") or "").lower()
        if guessed and response.status_code == 401 and offered and "basic" not in offered:
            client.auth, client.auth_type = None, None  # the client then asks as offered
        return response

    client.session.hooks.setdefault("response", []).append(answered)
    with client, _reported(target):
        yield CalDAVStore(client, target)
        used = type(client.auth).__name__.lower() if client.auth is not None else ""
        for kind in ("basic", "digest"):
            if kind in used:
                _AUTH_KNOWN[target.host] = kind


def _authority(target: Target) -> str | bool:
    """The certificate authority to trust: --ca-file, else the file SSL_CERT_FILE names
    (as OpenSSL reads it; REQUESTS_CA_BUNDLE is read by the HTTP library), else the system's."""
    if target.ca_file is not None:
        return str(target.ca_file)
    named = os.environ.get("SSL_CERT_FILE")
    return named if named and os.path.isfile(named) else True


def _fail(message: str) -> NoReturn:
    raise PushFailed(message)


@contextlib.contextmanager
def _reported(target: Target) -> Iterator[None]:
    """Failures of the network, the login or the server, as one line that says which."""
    from caldav.lib import error
    from caldav.lib.http_sync import requests as http
    from lxml import etree  # type: ignore[import-untyped]

    host = target.host
    try:
        yield
    except _Redirected as moved:
        reason = _(
            "{host} sends {url} on to another host ({other}), where the login is not sent: "
            "give that address as --caldav"
        )
        other = urlsplit(moved.url).netloc
        _fail(reason.format(host=host, url=target.url, other=other))
    except error.AuthorizationError as refused:
        status = refused.status or 401
        if status == 403:
            reason = _(
                "{host} does not let {user} at {url} (HTTP 403): give the address of "
                "your own account or calendar (not a web page's), or check its sharing"
            )
            url = str(getattr(refused, "url", None) or target.url)
            _fail(reason.format(host=host, user=target.user or "-", url=url))
        if target.user is None:
            _fail(
                _("{host} asks for a login (HTTP {status}): give --user").format(
                    host=host, status=status
                )
            )
        _fail(
            _("{host} refused the login (HTTP {status}): check --user and the password").format(
                host=host, status=status
            )
        )
    except etree.XMLSyntaxError as broken:
        reason = _("{host} answered with XML that cannot be read ({reason}): a server fault")
        _fail(reason.format(host=host, reason=str(broken).splitlines()[0]))
    except http.exceptions.SSLError as failed:
        reason = _(
            "no secure connection to {host}: {reason} (for a private certificate authority, "
            "give its certificate as --ca-file)"
        )
        _fail(reason.format(host=host, reason=_cause(failed)))
    except http.exceptions.Timeout:
        _fail(
            _("{host} did not answer within {seconds:g} seconds").format(host=host, seconds=TIMEOUT)
        )
    except http.exceptions.RequestException as failed:
        _fail(_("cannot reach {host}: {reason}").format(host=host, reason=_cause(failed)))
    except error.NotFoundError as failed:
        url = str(getattr(failed, "url", None) or target.url)
        _fail(_("{url} is not on {host} (HTTP 404): check the address").format(url=url, host=host))
    except error.DAVError as failed:
        _fail(
            _("{url} is not a CalDAV address: {reason}").format(
                url=target.url, reason=_reason(failed)
            )
        )


def _cause(failure: BaseException) -> str:
    """The innermost reason of a network failure, such as 'Connection refused'."""
    found, seen = str(failure), set()
    reason: BaseException | None = failure
    while reason is not None and id(reason) not in seen:
        seen.add(id(reason))
        if isinstance(reason, OSError) and reason.strerror:
            found = reason.strerror
        reason = reason.__cause__ or reason.__context__
    return found


def _reason(failure: Exception) -> str:
    status = getattr(failure, "status", None)
    return f"HTTP {status}" if status else type(failure).__name__


@dataclass
class CalDAVStore:
    """The calendars of a CalDAV account, or the one calendar at `target.url`.

    Objects are read with one PROPFIND (their names) and one
    calendar-multiget REPORT (their text); each write is one PUT or DELETE
    with `If-None-Match: *` (a new object) or `If-Match` on the ETag.

    A store is one connection: it lists each calendar once and keeps the
    listing in step with its own writes, so that a script pushing many plans
    into one calendar over one connection does not list it again for each
    (a write over a change made meanwhile by someone else is still refused:
    every write names the version it replaces). A calendar it created is
    known to be empty.
    """

    client: DAVClient
    target: Target
    _listed: dict[str, dict[str, Stored]] = field(default_factory=dict, repr=False)
    _made: set[str] = field(default_factory=set, repr=False)

    @functools.cached_property
    def principal(self) -> Principal:
        """The account of the user logged in, asked for once."""
        return self.client.get_principal()

    def find(self, name: str) -> StoredCalendar | None:
        """The calendar at the target's address, else the account's calendar called `name`.

        Names are compared as people read them: a server that keeps the name
        XML-escaped (`A &amp; B`) still finds `A & B`.
        """
        if self._at_address is not None:
            return self._at_address
        named = [each for each in self._calendars if each.name == name]
        if len(named) > 1:
            urls = ", ".join(each.href for each in named)
            reason = _(
                "{count} calendars have that name ({urls}): give the address of one as --caldav"
            )
            raise InvalidOption("--calendar", name, reason.format(count=len(named), urls=urls))
        return named[0] if named else None

    def holding(self, uid: str, *, skip: tuple[str, ...] = ()) -> StoredCalendar | None:
        """One calendar-query REPORT per calendar of the account, until one holds the UID."""
        if self._at_address is not None:
            return None
        for calendar in self._calendars:
            searched = calendar.href not in self._made and not calendar.name.startswith(skip)
            if searched and self.with_uid(calendar, uid) is not None:
                return calendar
        return None

    @functools.cached_property
    def _calendars(self) -> list[StoredCalendar]:
        """The account's calendars, read in one PROPFIND of its calendar home."""
        home = str(self.principal.calendar_home_set.url)
        answer = self.client.propfind(home, props=[_RESOURCE_TYPE, _DISPLAY_NAME], depth=1)
        if answer.status != 207:
            _fail(_("cannot list {url}: HTTP {status}").format(url=home, status=answer.status))
        found = []
        for result in answer.parse_propfind():
            if _CALENDAR_TYPE in (result.properties.get(_RESOURCE_TYPE) or []):
                shown = html.unescape(str(result.properties.get(_DISPLAY_NAME) or ""))
                found.append(StoredCalendar(_folder(urljoin(home, result.href)), shown))
        return found

    @functools.cached_property
    def _at_address(self) -> StoredCalendar | None:
        """The calendar the target's address is itself; None when it is an account's."""
        target = self.target
        answer = self.client.propfind(target.url, props=[_RESOURCE_TYPE, _DISPLAY_NAME], depth=0)
        results = answer.parse_propfind() if answer.status == 207 else []
        if answer.status == 404:
            reason = _("{url} is not on {host} (HTTP 404): check the address")
            _fail(reason.format(url=target.url, host=target.host))
        if not results:
            _fail(
                _("{url} is not a CalDAV address: it answered HTTP {status}").format(
                    url=target.url, status=answer.status
                )
            )
        found = results[0].properties
        if _CALENDAR_TYPE not in (found.get(_RESOURCE_TYPE) or []):
            return None
        shown = html.unescape(str(found.get(_DISPLAY_NAME) or "")) or target.url
        if target.calendar is not None and target.calendar != shown:
            reason = _("{url} is itself a calendar, named {name}: leave out --calendar")
            raise InvalidOption(
                "--calendar", target.calendar, reason.format(url=target.url, name=f"“{shown}”")
            )
        return StoredCalendar(_folder(target.url), shown)

    def create(self, name: str) -> StoredCalendar:
        """A new calendar in the account's calendar home: one MKCALENDAR (RFC 4791 §5.3.1)."""
        from caldav.lib.error import DAVError

        home = _folder(str(self.principal.calendar_home_set.url))
        url = urljoin(home, f"{uuid.uuid4()}/")
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>'
            f"<D:displayname>{escape(name)}</D:displayname>"
            "</D:prop></D:set></C:mkcalendar>"
        )
        reason = _("{host} did not create the calendar {name} ({reason}): create it, then push")
        try:
            status = self.client.mkcalendar(url, body).status
        except DAVError as refused:
            status = refused.status or 0
        if not 200 <= status < 300:
            _fail(reason.format(host=self.target.host, name=f"“{name}”", reason=f"HTTP {status}"))
        found = StoredCalendar(url, name)
        if "_calendars" in self.__dict__:  # the listing read before it was made
            self._calendars.append(found)
        self._listed[found.href] = {}  # new, so empty
        self._made.add(found.href)
        return found

    def listing(self, calendar: StoredCalendar) -> list[Stored]:
        url = calendar.href
        known = self._listed.get(url)
        if known is not None:
            return list(known.values())
        # Names alone: the ETags of the objects that count come with their text (multiget).
        answer = self.client.propfind(url, props=[_RESOURCE_TYPE], depth=1)
        if answer.status != 207:
            _fail(_("cannot list {url}: HTTP {status}").format(url=url, status=answer.status))
        found = [
            Stored(urljoin(url, result.href), None)
            for result in answer.parse_propfind()
            if not result.properties.get(_RESOURCE_TYPE)
        ]
        self._listed[url] = {_path(each.href): each for each in found}
        return found

    def _wrote(self, href: str, etag: str | None) -> None:
        """Keep the listing of the object's calendar in step (None: the object is gone)."""
        known = self._listed.get(href.rpartition("/")[0] + "/")
        if known is None:
            return
        if etag is None:
            known.pop(_path(href), None)
        else:
            known[_path(href)] = Stored(href, etag or None)

    def get(self, hrefs: Sequence[str]) -> list[Stored]:
        folders: dict[str, list[str]] = {}
        for href in hrefs:
            folders.setdefault(href.rpartition("/")[0] + "/", []).append(href)
        return [each for url, inside in folders.items() for each in self._multiget(url, inside)]

    def _multiget(self, url: str, hrefs: list[str]) -> list[Stored]:
        """The objects of one calendar, read in one calendar-multiget REPORT."""
        asked = {_path(href): href for href in hrefs}
        listed = "".join(f"<D:href>{escape(urlsplit(href).path)}</D:href>" for href in hrefs)
        query = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
            f"<D:prop><D:getetag/><C:calendar-data/></D:prop>{listed}</C:calendar-multiget>"
        )
        answer = self.client.report(url, query, depth=None)
        if answer.status != 207:
            _fail(_("cannot read {url}: HTTP {status}").format(url=url, status=answer.status))
        return [
            Stored(asked[_path(result.href)], result.etag, result.calendar_data)
            for result in answer.parse_calendar_query()
            if _path(result.href) in asked and result.calendar_data
        ]

    def with_uid(self, calendar: StoredCalendar, uid: str) -> Stored | None:
        """The object with this UID, found by one calendar-query REPORT (RFC 4791 §7.8)."""
        query = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
            "<D:prop><D:getetag/><C:calendar-data/></D:prop>"
            '<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">'
            '<C:prop-filter name="UID"><C:text-match collation="i;octet">'
            f"{escape(uid)}</C:text-match></C:prop-filter>"
            "</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"
        )
        answer = self.client.report(calendar.href, query, depth=1)
        if answer.status != 207:
            return None
        for result in answer.parse_calendar_query():
            if result.calendar_data:
                return Stored(
                    urljoin(calendar.href, result.href), result.etag, result.calendar_data
                )
        return None

    def put(self, href: str, text: str, *, etag: str | None) -> None:
        condition = {"If-None-Match": "*"} if etag is None else {"If-Match": etag}
        headers = {**condition, "Content-Type": "text/calendar; charset=utf-8"}
        answer = self._answer(lambda: self.client.put(href, text, headers))
        body = _body(answer)
        if answer.status in (403, 409, 412) and b"no-uid-conflict" in body:
            raise UidTaken(href)  # RFC 4791 §5.3.2.1, as Xandikos says it (412)
        if answer.status in (403, 409, 412) and b"valid-calendar-data" in body:
            raise Refused(self.target.host, answer.status)  # a text it cannot store
        self._check(answer.status, href, new=etag is None)
        self._wrote(href, str(answer.headers.get("ETag") or ""))

    def delete(self, href: str, *, etag: str) -> None:
        status = self._answer(lambda: self.client.delete(href, {"If-Match": etag})).status
        if status != 404:  # already gone: what was wanted
            self._check(status, href, new=False)
        self._wrote(href, None)

    def _answer(self, write: Callable[[], Any]) -> Any:
        """A write's answer; a 403 is a refusal of this write, not of the login."""
        from caldav.lib.error import AuthorizationError

        try:
            return write()
        except AuthorizationError as refused:
            if refused.status == 403:
                raise Refused(self.target.host, 403) from None
            raise

    def _check(self, status: int, href: str, *, new: bool) -> None:
        """A write's answer: done, or the reason it was not."""
        if status == 412 or (status == 409 and not new):
            raise Conflict(href)
        if status == 409:
            raise UidTaken(href)
        if not 200 <= status < 300:
            raise Refused(self.target.host, status)


def _body(answer: Any) -> bytes:
    raw = getattr(answer, "_raw", b"") or b""
    return raw if isinstance(raw, bytes) else str(raw).encode()


def _folder(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _path(href: str) -> str:
    """An address as its path alone, decoded: the same object however a server spells it."""
    return unquote(urlsplit(href).path)
