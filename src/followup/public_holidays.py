"""Public holidays by ISO code (`PT`, `ES-MD`, `BR-SP`), from the `holidays` package."""

from __future__ import annotations

import holidays as _holidays

from followup.dates import Holidays
from followup.errors import InvalidSetting, not_allowed
from followup.i18n import _

__all__ = ["countries", "listing", "public_holidays", "region_names"]


def countries() -> dict[str, tuple[str, list[str]]]:
    """Every supported country code, with its English name and its subdivision codes."""
    from holidays.registry import COUNTRIES

    labels = {entry[1]: module.replace("_", " ").title() for module, entry in COUNTRIES.items()}
    return {
        code: (labels.get(code, code), list(subdivisions))
        for code, subdivisions in _holidays.list_supported_countries().items()
        if len(code) == 2  # ISO 3166-1 alpha-2; the package also lists some alpha-3 aliases
    }


def listing(country: str | None) -> list[str]:
    """Every country code and its name; or, for one country, the codes of its regions."""
    known = countries()
    if country is None:
        return [f"{code}  {label}" for code, (label, _regions) in sorted(known.items())]
    code = country.strip().upper()
    if code not in known:
        reason = _("unknown country code; run 'followup holidays'")
        raise InvalidSetting("holidays", country, not_allowed(country, reason))
    label, regions = known[code]
    if not regions:
        return [f"{label} ({code}): {_('no regions')}"]
    names = region_names(code)
    return [f"{label} ({code}):"] + [
        f"  {code}-{region}  {names[region]}" if region in names else f"  {code}-{region}"
        for region in regions
    ]


def region_names(country: str) -> dict[str, str]:
    """Region codes and their names, as the holidays package spells them (in their own language)."""
    entity = type(_holidays.country_holidays(country))
    aliases: dict[str, str] = getattr(entity, "subdivisions_aliases", {})
    names: dict[str, str] = {}
    for name, region in aliases.items():
        names.setdefault(region, name)  # the first alias is the region's usual name
    return names


# Our languages as the holidays package names them, most specific first.
_NAMES_IN = {"en": ("en_US",), "es": ("es",), "pt": ("pt_PT", "pt_BR"), "pt-BR": ("pt_BR", "pt_PT")}


def public_holidays(code: str, language: str = "en") -> Holidays:
    """The public holidays of a country (`PT`) or one of its subdivisions (`ES-MD`).

    Holiday names come in `language` (one of followup's) when the package has
    it for that country, otherwise in the country's own language.
    """
    country, _dash, subdivision = code.strip().upper().partition("-")
    known = _holidays.list_supported_countries()
    if country not in known:
        reason = _("unknown country code; run 'followup holidays' for the list")
        raise InvalidSetting("holidays", code, not_allowed(code, reason))
    if subdivision and subdivision not in known[country]:
        reason = _(
            "{country} has no subdivision {subdivision!r}; "
            "run 'followup holidays {country}' for its codes"
        ).format(country=country, subdivision=subdivision)
        raise InvalidSetting("holidays", code, not_allowed(code, reason))
    offered = _holidays.list_localized_countries().get(country, [])
    names_in = next((name for name in _NAMES_IN.get(language, ()) if name in offered), None)
    calendar = _holidays.country_holidays(country, subdiv=subdivision or None, language=names_in)
    return Holidays(
        code=f"{country}-{subdivision}" if subdivision else country, name_of=calendar.get
    )
