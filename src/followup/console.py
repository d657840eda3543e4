"""What the command line shows on the terminal while a batch runs."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

from followup.i18n import _

if TYPE_CHECKING:
    from rich.console import Console

    from followup.batch import Outcome

__all__ = ["RowReporter", "error_console"]


class RowReporter:
    """Each refused row on standard error, as it comes; a progress bar too on `console`.

    Given to `batch.run` as its `on_row` callback; `console` is None when
    standard error is not a terminal.
    """

    def __init__(self, stack: contextlib.ExitStack, console: Console | None) -> None:
        self.stack = stack
        self.console = console
        self.advance: Callable[[], None] | None = None

    def __call__(self, outcome: Outcome, total: int) -> None:
        if outcome.error is not None:
            line = _("Error: line {line} (id {id!r}): {reason}")
            typer.echo(
                line.format(line=outcome.line, id=outcome.id, reason=outcome.error), err=True
            )
        if self.console is not None and self.advance is None:
            self.advance = self._bar(self.console, total)
        if self.advance is not None:
            self.advance()

    def _bar(self, console: Console, total: int) -> Callable[[], None]:
        from rich.progress import Progress

        progress = self.stack.enter_context(Progress(console=console, transient=True))
        task = progress.add_task(_("Planning"), total=total)
        return lambda: progress.advance(task)


def error_console() -> Console:
    from rich.console import Console

    return Console(stderr=True)
