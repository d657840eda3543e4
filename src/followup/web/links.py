"""Plan links: a plan's settings sealed into its own address, so that the server stores nothing.

A token is `version · key id · nonce · AES-GCM(deflate(JSON of the raw settings))`, in
base64url without padding. The JSON is the form's raw settings (what a patient file
says), deflated with a fixed preset dictionary of the settings' names, so that a plain
plan's link stays short. AES-GCM (from `cryptography`) makes a token unreadable and
unforgeable without the key: a token changed in any byte, cut short or sealed under
another key opens to nothing, and the page says so.

The keys come from `FOLLOWUP_SECRET` (secrets separated by commas: the first seals, every
one opens, so a key can be rotated), else from a key file created on first start with
mode 0600 (`FOLLOWUP_KEY_FILE`, by default in the user's state folder). Each secret is
stretched to a 256-bit key with HKDF-SHA256; a key's id is one byte of its hash, so that
opening tries only the keys that may fit.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import secrets
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from followup._errors import InvalidOption
from followup._i18n import _

__all__ = ["MOST_TOKEN", "BadLink", "Keys", "key_file"]

VERSION = 1
NONCE = 12
# A token longer than this is refused before any work. The largest settings the web
# accepts (a 100-character name, 100 scan dates, 10 tracks of 100-character exams, all
# in 4-byte characters) seal to about 4,100 characters; a plain plan to about 75. With
# the rest of its request line it stays within a proxy's usual 8 KB.
MOST_TOKEN = 6000
# Settings opened from a token: never more than this many bytes once inflated.
MOST_PLAIN = 16 * 1024
# Words most plans repeat, for deflate to refer to instead of spelling out. Changing it
# changes every token: a new dictionary comes with a new VERSION.
_DICTIONARY = (
    b'"years":"early_interval":"early_years":"weekends":"holidays":"chart_lang":'
    b'"remind":"protocol":"esmo-2010-low-grade""esmo-2010-high-grade"'
    b'{"exam":"every_months":"tracks":[{"done":["2025-"2026-"lang":"'
    b'name":"treatment_date":"2025-'
)
_INFO = b"followup plan link v1"


_TOKEN = re.compile(r"[A-Za-z0-9_-]+")


class BadLink(ValueError):
    """A token that does not open: changed, cut short, too long, or sealed under a key
    this server does not have."""


@dataclass(frozen=True)
class Keys:
    """The server's link keys: the first seals, every one opens."""

    keys: tuple[tuple[int, AESGCM], ...]

    @classmethod
    def of(cls, secrets_: Sequence[str]) -> Keys:
        """Keys from secrets (each at least 16 characters, a generated one is 43)."""
        made = []
        for secret in secrets_:
            key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
                secret.encode()
            )
            made.append((hashlib.sha256(key).digest()[0], AESGCM(key)))
        return cls(tuple(made))

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Keys:
        """`FOLLOWUP_SECRET`'s keys, else the key file's (made on first start)."""
        given = environ.get("FOLLOWUP_SECRET", "")
        if given.strip():
            parts = [part.strip() for part in given.split(",") if part.strip()]
            if any(len(part) < 16 for part in parts):
                reason = _("give secrets of at least 16 characters, separated by commas")
                raise InvalidOption("FOLLOWUP_SECRET", "…", reason)
            return cls.of(parts)
        path = key_file(environ)
        try:
            secret = _read_or_make(path)
        except (OSError, UnicodeError) as error:
            reason = _(
                "the plan links' key file cannot be read or made ({problem}): set "
                "FOLLOWUP_SECRET, or FOLLOWUP_KEY_FILE to a file this user may write"
            ).format(problem=getattr(error, "strerror", None) or type(error).__name__)
            raise InvalidOption("FOLLOWUP_KEY_FILE", str(path), reason) from None
        if len(secret) < 16:  # an emptied or cut file would be a key anyone could guess
            reason = _(
                "the plan links' key file holds fewer than 16 characters: delete it "
                "to have a new one made, or set FOLLOWUP_SECRET"
            )
            raise InvalidOption("FOLLOWUP_KEY_FILE", str(path), reason)
        return cls.of([secret])

    def seal(self, raw: Mapping[str, object]) -> str:
        """The token for the raw settings `raw`."""
        plain = json.dumps(raw, ensure_ascii=False, separators=(",", ":")).encode()
        packer = zlib.compressobj(9, zlib.DEFLATED, -15, zdict=_DICTIONARY)
        packed = packer.compress(plain) + packer.flush()
        key_id, key = self.keys[0]
        head = bytes((VERSION, key_id))
        nonce = secrets.token_bytes(NONCE)
        sealed = head + nonce + key.encrypt(nonce, packed, head)
        return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode()

    def open(self, token: str) -> dict[str, object]:
        """The raw settings sealed in `token`; `BadLink` when it does not open."""
        if len(token) > MOST_TOKEN:
            raise BadLink("too long")
        if not _TOKEN.fullmatch(token):  # one spelling per token: no padding, no strays
            raise BadLink("not base64url")
        try:
            sealed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            raise BadLink("not base64url") from None
        if base64.urlsafe_b64encode(sealed).rstrip(b"=").decode() != token:
            raise BadLink("not base64url")  # unused low bits set: another spelling
        if len(sealed) < 2 + NONCE + 16 or sealed[0] != VERSION:
            raise BadLink("not a token")
        head, nonce, body = sealed[:2], sealed[2 : 2 + NONCE], sealed[2 + NONCE :]
        for key_id, key in self.keys:
            if key_id != head[1]:
                continue
            try:
                packed = key.decrypt(nonce, body, head)
            except InvalidTag:
                continue
            return _unpacked(packed)
        raise BadLink("no key opens it")


def _unpacked(packed: bytes) -> dict[str, object]:
    unpacker = zlib.decompressobj(-15, zdict=_DICTIONARY)
    try:
        plain = unpacker.decompress(packed, MOST_PLAIN)
        if unpacker.unconsumed_tail or not unpacker.eof:
            raise BadLink("too large")
        raw = json.loads(plain)
    except (zlib.error, ValueError) as error:  # only our own tokens get here
        raise BadLink("not settings") from error
    if not isinstance(raw, dict):
        raise BadLink("not settings")
    return raw


def key_file(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the key is kept when `FOLLOWUP_SECRET` is not set."""
    named = environ.get("FOLLOWUP_KEY_FILE")
    if named:
        return Path(named)
    state = environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "followup" / "link-key"


def _read_or_make(path: Path) -> str:
    """The key file's secret; a new one, readable by its owner only, when there is none."""
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    secret = secrets.token_urlsafe(32)
    # Written whole under a private name, then linked into place: a worker starting at
    # the same moment reads either no file or the whole key, never half of one.
    draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secret + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:  # another worker made it first: theirs is the key
            return path.read_text(encoding="ascii").strip()
    finally:
        draft.unlink(missing_ok=True)
    return secret
