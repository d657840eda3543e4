"""Pages drawn from the Jinja2 templates in `followup/web/templates`, in one language, with
the one environment the sheet is drawn with (so the result page shows the sheet's parts)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape
from starlette.responses import HTMLResponse

from followup import _i18n as i18n
from followup import _wording as wording
from followup._export.templates import add_templates, environment
from followup._settings import field_named
from followup.web.languages import ENDONYMS, path_in
from followup.web.text import t

__all__ = ["page", "page_text"]


# The web's pages live beside the sheet's templates, in the one environment.
add_templates("followup.web")
_GLOBALS: dict[str, Any] = {}


def _globals() -> dict[str, Any]:
    """What every page may call: messages, labels, and each setting's input attributes."""
    if not _GLOBALS:
        _GLOBALS.update(
            t=t,
            _=i18n._,
            label=_label,
            attributes=_attributes,
            bounds=_bounds,
            languages=ENDONYMS,
            path_in=path_in,
        )
    return _GLOBALS


def _label(name: str) -> str:
    """A setting's label, from the schema, in the active language; `name` for anything else."""
    try:
        return i18n._(field_named(name).label)
    except KeyError:
        return name


def _attributes(name: str, **extra: str) -> Markup:
    """A setting's input attributes (type, limits), as its field declares them, and `extra`."""
    declared = field_named(name)
    attributes = dict(declared.shape.html)
    if declared.default is not None and declared.shape.schema.get("type") == "integer":
        attributes["placeholder"] = str(declared.plain_default)  # what an empty input means
    attributes.update(extra)
    # Safe: names are the declaration's own, and every value is escaped.
    text = "".join(f' {key}="{escape(value)}"' for key, value in attributes.items())
    return Markup(text)  # noqa: S704


def _bounds(name: str) -> dict[str, Any]:
    """A setting's limits as its field declares them: `low` and `high`, `most` items."""
    schema = field_named(name).shape.schema
    return {
        "low": schema.get("minimum"),
        "high": schema.get("maximum"),
        "most": schema.get("maxItems"),
    }


def page_text(template: str, language: str, path: str, **context: Any) -> str:
    """The page `template` in `language`; `path` is the page's own path, for language links."""
    context.setdefault("section", "")
    context.setdefault("language_paths", None)  # a plan's page: the plan in each language
    with i18n.using(language):
        return (
            environment()
            .get_template(template)
            .render(
                **_globals(),
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
