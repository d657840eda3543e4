"""Public holidays by ISO code (`PT`, `ES-MD`, `BR-SP`), from the `holidays` package.

Countries are named by Babel (the Unicode CLDR) in each of our languages, regions by
the holidays package, which names most in their own language: the command line and
the web list them from here, so both spell them the same way.
"""

from __future__ import annotations

import functools

import holidays as _holidays

from followup import _i18n as i18n
from followup._dates import Holidays
from followup._errors import InvalidSetting, not_allowed
from followup._i18n import _

__all__ = ["Place", "countries", "public_holidays", "region_names", "regions"]

Place = tuple[str, str]  # code, name


@functools.cache
def _subdivisions() -> dict[str, tuple[str, ...]]:
    """Every country by its ISO 3166-1 alpha-2 code, with the codes of its regions.

    The package also lists aliases (UK for GB, three-letter codes): a country is listed
    once. A region code that changes in capitals (`Barcelona`) could not be read back, as
    settings spell codes in capitals: such regions are left out.
    """
    from holidays.registry import COUNTRIES

    iso = {entry[1] for entry in COUNTRIES.values()}
    return {
        code: tuple(region for region in regions if region == region.upper())
        for code, regions in _holidays.list_supported_countries().items()
        if code in iso
    }


@functools.cache
def countries(language: str) -> tuple[Place, ...]:
    """Every country with public holidays, by name in `language`, in that language's order."""
    from babel import Locale

    names = Locale.parse(i18n.babel_locale(language)).territories
    listed = [(code, names.get(code, code)) for code in _subdivisions()]
    return tuple(sorted(listed, key=lambda place: _sort_key(place[1])))


@functools.lru_cache(maxsize=512)
def regions(country: str) -> tuple[Place, ...]:
    """The regions of `country` (`ES`) as `ES-MD` codes with their names; () for none."""
    codes = _subdivisions().get(country, ())
    names = region_names(country) if codes else {}
    listed = [(f"{country}-{code}", names.get(code, code)) for code in codes]
    return tuple(sorted(listed, key=lambda place: _sort_key(place[1])))


def _sort_key(name: str) -> str:
    """Names sorted as a reader expects: Ávila with the A's, not after Z."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


def region_names(country: str) -> dict[str, str]:
    """Region codes and their names, as the holidays package spells them (in their own language)."""
    entity = type(_holidays.country_holidays(country))
    aliases: dict[str, str] = getattr(entity, "subdivisions_aliases", {})
    names: dict[str, str] = {}
    for name, region in aliases.items():
        names.setdefault(region, name)  # the first alias is the region's usual name
    return names


def public_holidays(code: str, language: str = "en") -> Holidays:
    """The public holidays of a country (`PT`) or one of its subdivisions (`ES-MD`).

    Holiday names come in `language` (one of followup's) when the package has
    it for that country, otherwise in the country's own language.
    """
    country, _dash, subdivision = code.strip().upper().partition("-")
    known = _holidays.list_supported_countries()
    if country not in known:
        reason = _("unknown country code; give one such as PT, ES or BR")
        raise InvalidSetting("holidays", code, not_allowed(code, reason))
    if subdivision and subdivision not in known[country]:
        reason = _("{country} has no region {subdivision!r}").format(
            country=country, subdivision=subdivision
        )
        raise InvalidSetting("holidays", code, not_allowed(code, reason))
    offered = _holidays.list_localized_countries().get(country, [])
    wanted = i18n.tongue(language).holiday_names if language in i18n.LANGUAGES else ()
    names_in = next((name for name in wanted if name in offered), None)
    calendar = _holidays.country_holidays(country, subdiv=subdivision or None, language=names_in)
    return Holidays(
        code=f"{country}-{subdivision}" if subdivision else country, name_of=calendar.get
    )
