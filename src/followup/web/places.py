"""Countries and regions for the public-holiday choice, by name in the page's language.

Country names come from Babel (the Unicode CLDR), region names from the holidays
package, which names the regions of most countries in their own language.
"""

from __future__ import annotations

import functools

__all__ = ["Place", "countries", "country_options", "regions"]

Place = tuple[str, str]  # code, name
# Our languages as Babel's locales name them.
_LOCALES = {"en": "en", "es": "es", "pt": "pt_PT", "pt-BR": "pt_BR"}


@functools.cache
def countries(language: str) -> tuple[Place, ...]:
    """Every country with public holidays, by name in `language`, in that language's order."""
    from babel import Locale

    from followup.public_holidays import countries as known

    names = Locale.parse(_LOCALES[language]).territories
    listed = [(code, names.get(code, english)) for code, (english, _regions) in known().items()]
    return tuple(sorted(listed, key=lambda place: _sort_key(place[1])))


@functools.lru_cache(maxsize=512)
def regions(country: str) -> tuple[Place, ...]:
    """The regions of `country` (`ES`) as `ES-MD` codes with their names; () for none."""
    from followup.public_holidays import countries as known
    from followup.public_holidays import region_names

    found = known().get(country)
    if found is None or not found[1]:
        return ()
    names = region_names(country)
    # A code that changes in capitals could not be read back: settings spell codes in capitals.
    usable = [code for code in found[1] if code == code.upper()]
    listed = [(f"{country}-{code}", names.get(code, code)) for code in usable]
    return tuple(sorted(listed, key=lambda place: _sort_key(place[1])))


def _sort_key(name: str) -> str:
    """Names sorted as a reader expects: Ávila with the A's, not after Z."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


@functools.cache
def _options(language: str) -> str:
    from html import escape

    return "\n".join(
        f'<option value="{code}">{escape(name)}</option>' for code, name in countries(language)
    )


def country_options(language: str, chosen: str) -> str:
    """The `<option>`s of every country, `chosen` selected: drawn once per language, as
    the list is long and the same for every page."""
    code = chosen.strip().upper()
    block = _options(language)
    if not (len(code) == 2 and code.isascii() and code.isalpha()):
        return block
    return block.replace(f'value="{code}">', f'value="{code}" selected>', 1)
