"""What `followup protocols` prints: the presets in brief, or one protocol in full."""

from __future__ import annotations

from followup import _wording as wording
from followup._i18n import _
from followup._protocols import Protocol
from followup._schedule import MAX_YEARS
from followup._settings import DEFAULT_YEARS, field_named

__all__ = ["protocol_details", "protocol_list"]


def protocol_list(presets: dict[str, Protocol], default: Protocol) -> str:
    """`followup protocols`: each preset's id, name and source, two lines each."""
    lines = []
    for protocol in presets.values():
        marker = _(" (default)") if protocol.id == default.id else ""
        lines.append(f"{protocol.id}{marker}")
        lines.append(f"    {_(protocol.name)}")
        checked = _("Checked: {verification}").format(verification=_(protocol.source.verification))
        lines.append(f"    {protocol.source.short_citation} {checked}")
    lines.append("")
    lines.append(_("'followup protocols show ID' prints the phases and the quoted source."))
    return "\n".join(lines) + "\n"


def protocol_details(protocol: Protocol, default: Protocol) -> str:
    """`followup protocols show`: everything a plan from this protocol rests on."""
    view = wording.protocol_view(protocol, default.id)
    lines = [f"{view.name} [{view.id}]", ""]
    for stream in view.streams:
        if len(view.streams) > 1:
            lines.append(_("Stream {id}: {exam}").format(id=stream.id, exam=stream.exam))
        else:
            lines.append(_("Exam: {exam}").format(exam=stream.exam))
        lines.append(_("Phases (months after the treatment date):"))
        lines.extend(f"  {phase}" for phase in stream.phases)
        if stream.quote:
            lines.append(_("  Its wording: “{quote}”").format(quote=stream.quote))
    options = [f"{field_named(choice.field).flag} {choice.range}" for choice in view.choices]
    years = field_named("years").flag
    if view.end_years is None:
        options.append(
            _("{flag} 1–{most} (default {default})").format(
                flag=years, most=MAX_YEARS, default=DEFAULT_YEARS
            )
        )
    else:
        options.append(
            _("{flag} 1–{most} (default {default}, where the source ends follow-up)").format(
                flag=years, most=MAX_YEARS, default=view.end_years
            )
        )
    if view.end_years is not None:
        lines.append(
            _("Length: the source ends follow-up at {years} years.").format(years=view.end_years)
        )
    weights = wording.choice_weights(protocol)
    lines.append(
        _("Visits over {years} years, by choice: {exam}").format(
            years=" / ".join(map(str, weights.years)), exam=weights.lead
        )
    )
    for row in [*weights.rows, *weights.others]:
        lines.append(f"  {row.label}: {' / '.join(map(str, row.counts))}")
    lines += [
        _("Choices: {options}.").format(options=", ".join(options)),
        _("Start: {hint}.").format(hint=view.start),
        "",
        _("Source: {citation}").format(citation=view.citation)
        + (f" {view.url}" if view.url else ""),
    ]
    if view.quote:
        lines.append(
            _("Wording: “{quote}” ({origin})").format(quote=view.quote, origin=view.quoted_from)
        )
    if view.translation:
        lines.append(view.translation)
    if view.read_at:
        lines.append(_("Quote read at {address}.").format(address=view.read_at))
    if view.confirmed_by:
        lines.append(_("Same intervals in: {source}.").format(source=view.confirmed_by))
    lines.append(_("Checked: {verification}").format(verification=view.checked))
    lines.extend(_("Note: {note}").format(note=note) for note in view.notes)
    lines += ["", wording.disclaimer()]
    return "\n".join(lines) + "\n"
