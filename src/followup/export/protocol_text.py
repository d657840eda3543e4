"""What `followup protocols` prints: the presets in brief, or one protocol in full."""

from __future__ import annotations

from followup import wording
from followup.i18n import _
from followup.protocols import Protocol
from followup.schedule import MAX_YEARS
from followup.settings import DEFAULT_YEARS, field_named

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


def protocol_details(protocol: Protocol) -> str:
    """`followup protocols show`: everything a plan from this protocol rests on."""
    source = protocol.source
    first = protocol.phases[0]
    lines = [
        f"{_(protocol.name)} [{protocol.id}]",
        "",
        _("Exam: {exam}").format(exam=_(protocol.exam)),
        _("Phases (months after the treatment date):"),
        *(f"  {wording.phase_rule(phase)}" for phase in protocol.phases),
    ]
    if protocol.tracks:
        lines.append(_("Extra tracks:"))
        lines.extend(f"  {wording.track_rule(track)}" for track in protocol.tracks)
    options = []
    if first.allowed[0] != first.allowed[1]:
        options.append(f"{field_named('early_interval').flag} {wording.span(*first.allowed)}")
    if first.until_allowed is not None:
        low, high = (m // 12 for m in first.until_allowed)
        options.append(f"{field_named('early_years').flag} {wording.span(low, high)}")
    options.append(
        _("{flag} 1–{most} (default {default})").format(
            flag=field_named("years").flag, most=MAX_YEARS, default=DEFAULT_YEARS
        )
    )
    lines += [
        _("Choices: {options}.").format(options=", ".join(options)),
        _("Start: {hint}.").format(hint=_(protocol.start_hint)),
        "",
        _("Source: {citation}").format(citation=source.citation)
        + (f" {source.url}" if source.url else ""),
    ]
    if source.quote:
        lines.append(
            _("Wording: “{quote}” ({origin})").format(
                quote=source.quote, origin=_(source.quoted_from)
            )
        )
    lines.append(_("Checked: {verification}").format(verification=_(source.verification)))
    lines.extend(_("Note: {note}").format(note=_(note)) for note in protocol.notes)
    lines += ["", wording.disclaimer()]
    return "\n".join(lines) + "\n"
