"""Which account a push goes to, and its password: checked and found before any traffic."""

from __future__ import annotations

import getpass
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from followup._errors import InvalidOption, MissingValue
from followup._i18n import _
from followup._schedule import NAME_LIMIT, clean_name

__all__ = ["PASSWORD_VARIABLE", "Target", "password_for"]

PASSWORD_VARIABLE = "FOLLOWUP_CALDAV_PASSWORD"  # noqa: S105 (where it is read, not a password)


@dataclass(frozen=True)
class Target:
    """Where to push: an account's address (or a calendar's), who logs in, which calendar."""

    url: str
    user: str | None = None
    calendar: str | None = None
    ca_file: Path | None = None

    @classmethod
    def parse(
        cls,
        url: str | None,
        user: str | None,
        calendar: str | None,
        *,
        ca_file: Path | None = None,
    ) -> Target:
        """The target the options describe; bad input (`InvalidOption`) before any traffic."""
        if url is None:
            hint = _("give the address of the calendar account, e.g. https://caldav.icloud.com")
            raise MissingValue("--caldav", hint)
        address = url.strip()
        try:
            parts = urlsplit(address)
            usable = bool(parts.hostname) and (parts.port is None or parts.port > 0)
        except ValueError:  # a port out of range, a broken IPv6 address
            usable = False
        if not usable or parts.scheme.lower() not in ("http", "https") or _unprintable(address):
            allowed = _("give an address that starts with https:// (or http://)")
            raise InvalidOption("--caldav", url, allowed)
        if parts.username is not None or parts.password is not None:
            allowed = _("leave the user name and password out of the address: use --user")
            shown = parts._replace(netloc=f"…@{parts.netloc.rpartition('@')[2]}").geturl()
            raise InvalidOption("--caldav", shown, allowed)
        return cls(address, _clean(user, "--user"), _clean(calendar, "--calendar"), ca_file)

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc

    @property
    def keyring_service(self) -> str:
        """The service under which the system keyring keeps this account's password.

        Host and port: two servers on one host are two accounts. The scheme's
        own port is left out, as earlier versions named the service.
        """
        parts = urlsplit(self.url)
        default = 443 if parts.scheme.lower() == "https" else 80
        port = "" if parts.port in (None, default) else f":{parts.port}"
        return f"followup:{parts.hostname}{port}"


def _unprintable(text: str) -> bool:
    return any(c.isspace() or not c.isprintable() for c in text)


def _clean(text: str | None, option: str) -> str | None:
    if text is None:
        return None
    cleaned = clean_name(text)
    if cleaned is None or len(cleaned) > NAME_LIMIT:
        reason = _("give from 1 to {limit} characters").format(limit=NAME_LIMIT)
        raise InvalidOption(option, text, reason)
    return cleaned


def password_for(target: Target) -> str | None:
    """The password: from the environment, else the system keyring, else asked for.

    None when no user logs in. With nothing to read and no terminal to ask on,
    `MissingValue` says where a password can come from.
    """
    if target.user is None:
        return None
    given = os.environ.get(PASSWORD_VARIABLE)
    if given == "":
        raise InvalidOption(
            PASSWORD_VARIABLE,
            "",
            _("it is set but empty: give the password, or unset it to use the keyring"),
        )
    if given:
        return given
    stored = _from_keyring(target.keyring_service, target.user)
    if stored:
        return stored
    if not _can_ask():
        hint = _(
            "set {variable}, keep it in the system keyring (service {service}), "
            "or run push in a terminal to be asked for it"
        )
        raise MissingValue(
            _("a password for {user}").format(user=target.user),
            hint.format(variable=PASSWORD_VARIABLE, service=target.keyring_service),
        )
    prompt = _("Password for {user} at {host}: ").format(user=target.user, host=target.host)
    return getpass.getpass(prompt)


def _can_ask() -> bool:
    """Whether a person is there to type a password: standard input is a terminal."""
    return sys.stdin.isatty()


def _from_keyring(service: str, user: str) -> str | None:
    """The password the system keyring keeps, when the keyring package is installed."""
    if importlib.util.find_spec("keyring") is None:
        return None
    try:
        keyring = importlib.import_module("keyring")
        found: object = keyring.get_password(service, user)
    except Exception:  # no usable backend, a locked keyring: ask instead
        return None
    return found if isinstance(found, str) else None
