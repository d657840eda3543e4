"""Pages drawn from the Jinja2 templates in `followup/web/templates`, in one language."""

from __future__ import annotations

import functools
from typing import Any

import jinja2
from starlette.responses import HTMLResponse

from followup import i18n, wording
from followup.settings import field_named
from followup.web.languages import ENDONYMS, path_in
from followup.web.text import t

__all__ = ["page", "page_text"]


@functools.cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("followup.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.globals.update(t=t, _=i18n._, label=_label, languages=ENDONYMS, path_in=path_in)
    return environment


def _label(name: str) -> str:
    """A setting's label, from the schema, in the active language; `name` for anything else."""
    try:
        return i18n._(field_named(name).label)
    except KeyError:
        return name


def page_text(template: str, language: str, path: str, **context: Any) -> str:
    """The page `template` in `language`; `path` is the page's own path, for language links."""
    context.setdefault("section", "")
    with i18n.using(language):
        return (
            _environment()
            .get_template(template)
            .render(
                lang=language,
                path=path,
                home=f"/{language}/",
                notice=wording.disclaimer(),
                **context,
            )
        )


def page(
    template: str,
    language: str,
    path: str,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """The page as a response."""
    return HTMLResponse(
        page_text(template, language, path, **context), status_code=status, headers=headers
    )
