"""Countries and regions for the public-holiday choice, by name in the page's language.

The names are those the command line lists (`followup._public_holidays`): countries by
Babel (the Unicode CLDR), regions by the holidays package, in their own language.
"""

from __future__ import annotations

import functools

__all__ = ["Place", "countries", "country_options", "regions"]

Place = tuple[str, str]  # code, name


def countries(language: str) -> tuple[Place, ...]:
    """Every country with public holidays, by name in `language`, in that language's order."""
    from followup._public_holidays import countries as named

    return named(language)


def regions(country: str) -> tuple[Place, ...]:
    """The regions of `country` (`ES`) as `ES-MD` codes with their names; () for none."""
    from followup._public_holidays import regions as named

    return named(country)


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
