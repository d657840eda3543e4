"""Keep the message catalogs in step with the code.

    python tools/catalogs.py extract   # update followup.pot and merge it into every .po
    python tools/catalogs.py compile   # write each .mo from its .po

Translators edit the .po files; the .mo files are committed, and a test checks
that each one is exactly what its .po compiles to.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "followup"
LOCALES = PACKAGE / "locales"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def code_messages() -> Catalog:
    """Every message the code marks for translation."""
    catalog = Catalog(project="followup", domain="followup")
    for _filename, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        # Babel skips folders whose names start with "_"; the package's private ones count.
        directory_filter=lambda path: not Path(path).name.startswith("."),
    ):
        catalog.add(message)
    return catalog


def po_files() -> list[Path]:
    return sorted(LOCALES.glob("*/LC_MESSAGES/followup.po"))


def compiled(po: Path) -> bytes:
    """The .mo bytes a .po file compiles to."""
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=po.parent.parent.name)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def extract() -> None:
    template = code_messages()
    with (LOCALES / "followup.pot").open("wb") as handle:
        write_po(handle, template, omit_header=True, sort_output=True, width=100)
    for po in po_files():
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name)
        catalog.update(template, no_fuzzy_matching=True)
        with po.open("wb") as handle:
            write_po(handle, catalog, sort_output=True, width=100, ignore_obsolete=True)


def compile_all() -> None:
    for po in po_files():
        po.with_suffix(".mo").write_bytes(compiled(po))


if __name__ == "__main__":
    {"extract": extract, "compile": compile_all}[sys.argv[1]]()
