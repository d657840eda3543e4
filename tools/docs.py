"""Keep the README's tables in step with the declarations they describe.

    python tools/docs.py update    # rewrite the generated tables in README.md
    python tools/docs.py check     # exit 1 when a table is stale (the tests do the same)

A generated table sits between `<!-- generated: NAME -->` and `<!-- end: NAME -->`.
`plan-options` is written from `followup plan --help` itself (each option's names,
metavar, help and default), `settings` from the settings' declarations.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
_DEFAULT = re.compile(r"\s*\[default: ([^\]]*)\]\.?$")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def plan_options() -> str:
    """The options of `followup plan`, as its help gives them."""
    import typer.main

    from followup import _i18n as i18n
    from followup.cli import app

    i18n.activate("en")
    command = typer.main.get_command(app).commands["plan"]  # type: ignore[attr-defined]
    rows = ["| option | meaning | default |", "|---|---|---|"]
    for param in command.params:
        if param.name == "help":
            continue
        names = ", ".join(param.opts) if param.param_type_name == "option" else ""
        metavar = getattr(param, "metavar", None) or ""
        shown = f"{names} {metavar}".strip() if names else metavar
        help = getattr(param, "help", "") or ""
        found = _DEFAULT.search(help)
        default = found.group(1) if found else ""
        if not default and getattr(param, "show_default", False) and param.default is not None:
            value = getattr(param.default, "value", param.default)
            default = ("on" if value else "off") if isinstance(value, bool) else str(value)
        meaning = _DEFAULT.sub("", help).strip()
        rows.append(f"| `{_cell(shown)}` | {_cell(meaning)} | {_cell(default) or '—'} |")
    return "\n".join(rows) + "\n"


def settings_keys() -> str:
    """The settings: a patient file's keys, a roster's columns, the API's keys."""
    from followup._settings import FIELDS

    rows = ["| key | value | in a roster |", "|---|---|---|"]
    for declared in FIELDS:
        schema = declared.shape.schema
        kind = schema.get("type", "")
        if "enum" in schema:
            value = " or ".join(f"`{choice}`" for choice in schema["enum"])
        elif schema.get("format") == "date" or schema.get("items", {}).get("format") == "date":
            value = "dates" if kind == "array" else "a date"
        elif kind == "integer":
            value = f"a whole number, {schema['minimum']} to {schema['maximum']}"
        elif kind == "array":
            value = f"a list of at most {schema['maxItems']}"
        else:
            value = f"text, at most {schema.get('maxLength')} characters"
        roster = "yes" if declared.column else "no"
        rows.append(f"| `{declared.name}` | {_cell(value)} | {roster} |")
    return "\n".join(rows) + "\n"


TABLES: dict[str, Callable[[], str]] = {"plan-options": plan_options, "settings": settings_keys}


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- generated: {name} -->\n)(.*?)(<!-- end: {name} -->)", re.S)


def in_readme(name: str, text: str | None = None) -> str:
    """The table `name` as the README holds it."""
    found = _pattern(name).search(text or README.read_text(encoding="utf-8"))
    if found is None:
        raise LookupError(f"README.md has no generated table {name!r}")
    return found.group(2)


def update() -> None:
    text = README.read_text(encoding="utf-8")
    for name, make in TABLES.items():
        old = in_readme(name, text)
        marker = f"<!-- generated: {name} -->\n"
        text = text.replace(marker + old, marker + make(), 1)
    README.write_text(text, encoding="utf-8")


def check() -> int:
    stale = [name for name, make in TABLES.items() if in_readme(name) != make()]
    for name in stale:
        print(f"README.md: the table {name!r} is stale; run python tools/docs.py update")
    return 1 if stale else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["update"]:
        update()
    else:
        sys.exit(check())
