"""Reads the commands out of README.md, for the tests and for CI.

python tests/readme.py 2    # prints the second Quick start command (the tests)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def section(title: str) -> str:
    """The text of the `## title` section."""
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    if match is None:
        raise LookupError(f"README.md has no '## {title}' section")
    return match.group(1)


def fenced(text: str, language: str) -> list[str]:
    """The bodies of the fenced code blocks of one language."""
    return [body.strip() for body in re.findall(rf"^```{language}\n(.*?)^```", text, re.M | re.S)]


def quick_start() -> list[str]:
    return fenced(section("Quick start"), "sh")


def console_commands() -> list[str]:
    """Every `$ followup …` line of the README's console examples."""
    text = README.read_text(encoding="utf-8")
    return [
        line.removeprefix("$ ")
        for block in fenced(text, "console")
        for line in block.splitlines()
        if line.startswith("$ followup")
    ]


if __name__ == "__main__":
    print(quick_start()[int(sys.argv[1]) - 1])
