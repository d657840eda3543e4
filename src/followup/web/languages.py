"""The page's language: from the URL when it names one, else from Accept-Language.

The language lives in the path (`/es/protocols`), never in a cookie, so a
link or a bookmark shows the page as it was.
"""

from __future__ import annotations

from followup._i18n import LANGUAGES, TONGUES, closest

__all__ = ["ENDONYMS", "from_accept_language", "from_path", "path_in"]

# Each language named in itself, for the links that switch to it.
ENDONYMS = {tongue.code: tongue.endonym for tongue in TONGUES}


def _language_of(tag: str) -> str | None:
    primary, _dash, region = tag.strip().partition("-")
    return closest(primary, region.partition("-")[0])


def _weight(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _equals, value = parameter.strip().partition("=")
        if name.strip() == "q":
            try:
                weight = float(value)
            except ValueError:
                return 0.0
            return weight if 0 <= weight <= 1 else 0.0
    return 1.0


def from_accept_language(header: str | None) -> str:
    """The language we speak that the browser prefers most; English when none."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((header or "").split(",")[:32]):
        tag, *parameters = item.split(";")
        language = _language_of(tag)
        weight = _weight(parameters)
        if language is not None and weight > 0:
            ranked.append((-weight, position, language))
    return min(ranked)[2] if ranked else "en"


def from_path(path: str) -> str | None:
    """The language a path starts with (`/pt-BR/clinic`), if any."""
    first = path.lstrip("/").partition("/")[0]
    return first if first in LANGUAGES else None


def path_in(language: str, path: str) -> str:
    """The same page in another language: `/clinic` or `/es/clinic` becomes `/pt/clinic`."""
    rest = path.lstrip("/")
    if from_path(path) is not None:
        rest = rest.partition("/")[2]
    return f"/{language}/{rest}"
