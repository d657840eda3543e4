"""The errors followup raises.

A `FollowupError` means *bad input*: the command line maps it to exit code 2
and one line on stderr. Each carries the fields its message is built from, so
callers can react without parsing text. `MissingDependency` is not the input's
fault (an optional package is not installed): exit code 1, as is `PushFailed`
(a calendar server that cannot be reached or refuses a change).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from followup._i18n import _

__all__ = [
    "FollowupError",
    "InvalidDate",
    "InvalidFile",
    "InvalidOption",
    "InvalidSetting",
    "MissingDependency",
    "MissingValue",
    "Origin",
    "PushFailed",
    "UnusableOutput",
    "install_command",
    "not_allowed",
]


class FollowupError(ValueError):
    """Base class: input followup cannot turn into a schedule or a file."""


class InvalidDate(FollowupError):
    """A text that is not a real calendar date written as YYYY-MM-DD."""

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason
        super().__init__(
            _("{text!r} is not a usable date: {reason}").format(text=text, reason=reason)
        )


class Origin(Protocol):
    """Where settings came from: the command line, a patient file, a roster row, a web form.

    Each spells a field its own way (`--years`, key 'years' in ana.toml, column
    'years'), so the same problem reads right wherever it was made.
    """

    def message(self, field: str, problem: str) -> str:
        """The whole message for `problem` with the field called as this origin calls it."""
        ...


def not_allowed(value: object, reason: str) -> str:
    """`40 is not allowed: choose from 1 to 30`: the problem of a value out of range."""
    return _("{value!r} is not allowed: {reason}").format(value=value, reason=reason)


class InvalidSetting(FollowupError):
    """A setting whose value cannot be used: the field, the value and the problem.

    The core knows the field but not where its value came from; `at` names the
    origin, which spells the field in the message.
    """

    def __init__(
        self, field: str, value: object, problem: str, origin: Origin | None = None
    ) -> None:
        self.field = field
        self.value = value
        self.problem = problem
        self.origin = origin
        super().__init__(problem if origin is None else origin.message(field, problem))

    def at(self, origin: Origin) -> InvalidSetting:
        """The same problem, told as `origin` tells it."""
        return InvalidSetting(self.field, self.value, self.problem, origin)


class InvalidOption(FollowupError):
    """An option whose value lies outside what it accepts."""

    def __init__(self, option: str, value: object, allowed: str) -> None:
        self.option = option
        self.value = value
        self.allowed = allowed
        super().__init__(
            _("{option} {value!r} is not allowed: {allowed}").format(
                option=option, value=value, allowed=allowed
            )
        )


class MissingValue(FollowupError):
    """Something the command needs was given nowhere; `field` names the setting, if one."""

    def __init__(self, what: str, hint: str, field: str | None = None) -> None:
        self.what = what
        self.hint = hint
        self.field = field
        super().__init__(_("{what} is missing: {hint}").format(what=what, hint=hint))


class UnusableOutput(FollowupError):
    """An output path followup cannot write to, or whose format it cannot tell."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(_("cannot write {path!r}: {reason}").format(path=str(path), reason=reason))


class InvalidFile(FollowupError):
    """An input file (a patient file) that cannot be read, or a key in it that is wrong."""

    def __init__(self, path: Path | str, problem: str, key: str | None = None) -> None:
        self.path = Path(path)
        self.key = key
        self.problem = problem
        if key:
            message = _("{path}: key {key!r}: {problem}").format(
                path=path, key=key, problem=problem
            )
        else:
            message = f"{path}: {problem}"
        super().__init__(message)


class MissingDependency(Exception):
    """An optional package a requested output needs is not installed."""


def install_command(extra: str) -> str:
    """The command that installs the optional `extra` for the followup that runs.

    `pip install 'followup[web]'` asks the package index; a followup run from a copy
    of its source, or installed from one, must be installed from that folder instead.
    """
    import shlex

    folder, editable = _installed_from()
    if folder is None:
        return f"pip install 'followup[{extra}]'"
    return f"pip install {'-e ' if editable else ''}{shlex.quote(f'{folder}[{extra}]')}"


_PACKAGE = Path(__file__).resolve().parent


def _installed_from() -> tuple[Path | None, bool]:
    """The source folder this followup runs from (True) or was installed from (False), if any.

    A copy of the source has the package in src/, next to pyproject.toml; pip notes the
    folder it installed from in the distribution's direct_url.json (PEP 610).
    """
    root = _PACKAGE.parent.parent
    if _PACKAGE.parent.name == "src" and (root / "pyproject.toml").is_file():
        return root, True
    import json
    from importlib.metadata import PackageNotFoundError, distribution
    from urllib.parse import urlsplit
    from urllib.request import url2pathname

    try:
        origin = json.loads(distribution("followup").read_text("direct_url.json") or "{}")
    except (PackageNotFoundError, ValueError):
        return None, False
    if not isinstance(origin, dict):
        return None, False
    url = urlsplit(str(origin.get("url", "")))
    folder = Path(url2pathname(url.path))
    local = url.scheme == "file" and "dir_info" in origin  # a folder, not a wheel or a git URL
    return (folder if local and (folder / "pyproject.toml").is_file() else None), False


class PushFailed(Exception):
    """A push to a calendar account failed: the network, the login, or a refused change.

    Not the input's fault: exit code 1. What was written before it stays, and
    pushing again converges.
    """
