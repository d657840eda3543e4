"""The one Jinja environment: the sheet's templates, and the pages of any front end that
adds its own folder of templates (the web does). One set of settings, filters and
escaping for every page followup draws, so that a page can include the sheet's parts.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup

__all__ = ["add_templates", "environment"]


@functools.cache
def environment() -> jinja2.Environment:
    """The environment, made on first use."""
    # Imported here, not at the top: jinja2 would slow every command's start-up.
    import jinja2

    made = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.PackageLoader("followup", "templates")]),
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        # The templates are the installed package's: nothing edits them while it runs,
        # so a page need not look at each template's file to see whether it changed.
        auto_reload=False,
    )
    made.filters["whole_dates"] = _whole_dates
    return made


def add_templates(package: str) -> None:
    """Let the environment find the templates of `package` (its `templates` folder) too."""
    import jinja2

    loader = environment().loader
    assert isinstance(loader, jinja2.ChoiceLoader)  # noqa: S101 - made so above
    if not any(getattr(each, "package_name", None) == package for each in loader.loaders):
        loader.loaders = [*loader.loaders, jinja2.PackageLoader(package, "templates")]


_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _whole_dates(text: str) -> Markup:
    """The filter `whole_dates`: text escaped, each ISO date in a `nobr` span.

    Browsers may end a line after a hyphen, splitting `2025-09-` from `25`; the
    span keeps every date of the page's running text whole.
    """
    from markupsafe import Markup, escape

    escaped = str(escape(text))
    # Safe: the text has just been escaped, and only digits and hyphens are wrapped.
    return Markup(_ISO_DATE.sub(r'<span class="nobr">\g<0></span>', escaped))  # noqa: S704
