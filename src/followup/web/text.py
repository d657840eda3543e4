"""The words of the web pages, marked for translation where gettext tools find them.

Templates ask for a message by its key (`t("plan.title")`); the message is
translated in the request's language when the page is drawn. Labels of the
settings themselves come from the schema (`Field.label`), already translated.
"""

from __future__ import annotations

from followup._i18n import N_, _

__all__ = ["TEXT", "t"]

TEXT = {
    # Every page
    "site.skip": N_("Skip to the content"),
    "site.nav": N_("Pages"),
    "site.plan": N_("Plan"),
    "site.protocols": N_("Protocols"),
    "site.clinic": N_("Clinic"),
    "site.languages": N_("Language of the page"),
    "site.private": N_(
        "This site keeps nothing you type: no accounts, no cookies, no files. "
        "What you send is used to answer you, then forgotten."
    ),
    "site.problem": N_("There is a problem"),
    "error.not_found": N_("There is no such page."),
    "error.too_large": N_("What you sent is larger than this site accepts ({size})."),
    "error.bad_form": N_(
        "What you sent could not be read as this page's form (too many fields or files, "
        "or a body cut short). Nothing was kept; go back and send it again."
    ),
    "error.too_slow": N_(
        "What you sent took too long to arrive. Nothing was kept; check the connection "
        "and try again."
    ),
    "error.failed": N_("Something went wrong on our side. Nothing you sent was kept; try again."),
    "error.back": N_("Back to the plan"),
    # The Plan page
    "plan.title": N_("Plan your follow-up scans"),
    "plan.intro": N_(
        "Give the date of the treatment and a name or initials. The plan comes first on the "
        "next page, with your calendar, a sheet to print and a link for your phone."
    ),
    "plan.open": N_("Saved a plan file here before?"),
    "plan.open_label": N_("Open it to continue where you left off"),
    "plan.open_button": N_("Open the saved plan"),
    "plan.no_file": N_("choose a plan file"),
    "plan.treatment": N_("The treatment"),
    "plan.date_hint": N_("Usually the day of the last surgery or ablation."),
    "plan.name_hint": N_(
        "Needed for the calendar: it keeps two people's visits apart. Initials are enough."
    ),
    "plan.name_needed": N_("needed for the calendar"),
    "plan.protocol_part": N_("The protocol and its choices"),
    "plan.protocols_link": N_("About this protocol"),
    "plan.early_interval_hint": N_("Leave empty for the shortest the source allows."),
    "plan.early_years_hint": N_("Leave empty for the longest the source allows."),
    "plan.years_hint": N_(
        "From {low} to {high}. The source sets no end: agree on it with the care team."
    ),
    "plan.years_hint_end": N_("From {low} to {high}. Left empty: where the source ends follow-up."),
    "plan.dates_part": N_("Dates"),
    # "weekends." + each rule: the options of the weekend rule
    "weekends.next": N_("Move it to the next weekday"),
    "weekends.previous": N_("Move it to the weekday before"),
    "weekends.keep": N_("Keep the date"),
    "plan.country": N_("Country"),
    "plan.region": N_("Region"),
    "plan.no_holidays": N_("None"),
    "plan.whole_country": N_("The whole country"),
    "plan.region_hint": N_("The regions of the country chosen; choose the country first."),
    "plan.scan": N_("Scan {number}"),
    "plan.remove": N_("Remove scan {number}"),
    "plan.add_scan": N_("Add a scan date"),
    "plan.done_hint": N_("The dates of scans you have had; the plan continues from the last."),
    "plan.track_hint": N_(
        "Optional: another exam at a fixed interval, such as a chest X-ray every 12 months. "
        "No source sets it: discuss it with the care team."
    ),
    "plan.track_exam": N_("Exam"),
    "plan.track_every": N_("Every (months)"),
    "plan.more_part": N_("More choices"),
    "plan.output_part": N_("Calendar and language"),
    "plan.remind_hint": N_("Days before each scan; 0 for no reminder."),
    "plan.submit": N_("Make the plan"),
    "plan.missing_date": N_("give the date of the treatment"),
    "plan.presets_only": N_("choose one of {ids}"),
    "plan.too_many_visits": N_(
        "this plan would hold {count} visits; this site makes plans of at most {most}: "
        "choose fewer years, fewer extra tracks or longer intervals"
    ),
    "plan.next": N_("Next visit"),
    "plan.change": N_("Change the plan"),
    "plan.visits": N_("The visits"),
    "plan.ics_file": N_("Calendar file (.ics)"),
    "plan.more_files": N_("More files"),
    "plan.sheet": N_("Sheet to print (PDF)"),
    "plan.link": N_("Link to this plan"),
    "plan.link_hint": N_(
        "Opens this plan again on any device, with the calendar and the sheet. Anyone with the "
        "link can see the plan: share it only with the patient."
    ),
    "plan.qr": N_("Scan with the phone's camera to open this plan"),
    "plan.google": N_("Add the next visit to Google Calendar"),
    "plan.subscribe": N_("Subscribe to the calendar"),
    "plan.how": N_("How to add it on your device"),
    "plan.how.ios": N_("iPhone or iPad"),
    "plan.how.ios.steps": N_(
        "In Safari, tap Add to my calendar, then Add All. To have changes arrive by "
        "themselves, tap Subscribe to the calendar instead."
    ),
    "plan.how.samsung": N_("Android with Samsung Calendar"),
    "plan.how.samsung.steps": N_(
        "Tap Add to my calendar, open the downloaded file, choose Samsung Calendar and save. "
        "Check that every visit was added: some calendars take only the first."
    ),
    "plan.how.google": N_("Android with Google Calendar"),
    "plan.how.google.steps": N_(
        "The Google Calendar app cannot open a calendar file. Install ICSx⁵ (free, in Google "
        "Play or F-Droid) and subscribe to the plan link: every visit appears in Google "
        "Calendar, with its reminder. Or, on a computer, import the file at "
        "calendar.google.com (Settings, Import) and set the reminders there."
    ),
    "plan.how.computer": N_("Computer"),
    "plan.how.computer.steps": N_(
        "Open the downloaded file: Outlook, Thunderbird and Apple Calendar add every visit. "
        "To have changes arrive by themselves, subscribe to the plan link instead."
    ),
    "link.bad": N_(
        "This plan link cannot be opened: it was changed or cut short, or it was made by "
        "another site. Ask for the link again, or make the plan again."
    ),
    "plan.calendar": N_("Add to my calendar"),
    "plan.csv": N_("Spreadsheet (CSV)"),
    "plan.json": N_("JSON"),
    "plan.save": N_("Save my plan file"),
    "plan.save_hint": N_(
        "Keep the plan file: open it here next time, add the scans done, and get the plan again."
    ),
    "plan.note_title": N_("For the clinic note"),
    "plan.note_label": N_("The plan in a few lines"),
    "plan.note_hint": N_(
        "For a clinic letter or the free-text note of a health record: select it and copy it."
    ),
    "plan.copy_note": N_("Copy for the clinic note"),
    "plan.copied": N_("Copied."),
    "plan.chart_hint": N_(
        "Optional: adds to the PDF one page for the clinic's chart, in this language."
    ),
    "plan.no_chart": N_("No chart page"),
    # The Protocols pages
    "protocols.title": N_("Follow-up protocols"),
    "protocols.intro": N_(
        "Each protocol uses only wording quoted from its source. Where the source gives a "
        "range, the plan takes the stricter end, and you can choose within the range."
    ),
    "protocols.default": N_("The default"),
    "plan.weights": N_("How many visits? What each choice gives"),
    "plan.done_stream": N_("Which visit was done on date {number}"),
    "plan.unrecorded_streams": N_("Beside each date, choose which visit it was."),
    "plan.weights_caption": N_("Visits of “{exam}” in a plan from {protocol}"),
    "plan.weights_choice": N_("Choice"),
    "plan.weights_years": N_("{years} years"),
    "plan.weights_note": N_(
        "The count of visits only: followup gives no figures of radiation dose or cost. "
        "Another protocol chosen above shows its own counts once the plan is made, and on "
        "its page."
    ),
    "protocols.end": N_("The source ends follow-up at {years} years: the plan's default length."),
    "protocols.use": N_("Plan with this protocol"),
    # The Clinic page
    "clinic.title": N_("Plan a clinic's roster"),
    "clinic.intro": N_(
        "Upload a roster, a spreadsheet (.xlsx) or CSV, one patient per row, and get back a "
        "zip file with each patient's files, summary.csv and errors.csv. The columns id and "
        "treatment_date are required; name, protocol, early_interval, early_years, years, "
        "weekends, holidays, done (dates separated by ';'), lang and chart_lang are optional."
    ),
    "clinic.template": N_("Download a roster template (.xlsx) to fill in"),
    "clinic.roster": N_("Roster (.xlsx or CSV)"),
    # "clinic.format." + a format's name: how the list of formats names it, beside its suffix
    "clinic.format.fhir": N_("FHIR R4 CarePlan, for a health record"),
    "clinic.format.note": N_("clinic note, plain text"),
    "clinic.limits": N_("At most {size} and {rows} patients."),
    "clinic.formats": N_("Files for each patient"),
    "clinic.partial": N_("If some rows cannot be planned, send the files of the others anyway"),
    "clinic.submit": N_("Plan the roster"),
    "clinic.no_file": N_("choose a roster file"),
    "clinic.too_large": N_("the roster is larger than {size}"),
    "clinic.too_many": N_("the roster has more than {rows} patients, the most accepted here"),
    "clinic.failed_rows": N_("Rows that could not be planned"),
    "clinic.failed_intro": N_(
        "{written} of {total} patients were planned. Correct the rows below, or choose the "
        "roster again with the box below ticked to get the files of the others."
    ),
    "clinic.line": N_("Line"),
    "clinic.id": N_("Id"),
    "clinic.reason": N_("Reason"),
    "clinic.worklist_title": N_("Worklist: who to call"),
    "clinic.worklist_intro": N_(
        "The same roster gives the list of patients to call today: overdue, due now, due "
        "soon, not recorded, or waiting until the remind_on date; with the phone, "
        "contact_notes, last_contact, outcome and remind_on columns when the roster has them. "
        "Your file is never changed: record scans and calls in it, and make the list again."
    ),
    "clinic.within": N_("Due soon: windows opening within this many days"),
    "clinic.within_range": N_("give a whole number of days from 0 to {high}"),
    "clinic.worklist_format": N_("Worklist as"),
    "clinic.worklist_format.page": N_("on this page"),
    "clinic.worklist_format.html": N_("a page to print (.html)"),
    "clinic.worklist_format.xlsx": N_("a spreadsheet (.xlsx)"),
    "clinic.worklist_format.pdf": N_("a PDF to print"),
    "clinic.worklist_format.csv": N_("CSV"),
    "clinic.worklist_format.json": N_("JSON"),
    "clinic.worklist_submit": N_("Make the worklist"),
}


def t(key: str, **values: object) -> str:
    """The message `key` in the active language, filled in with `values`."""
    message = _(TEXT[key])
    return message.format(**values) if values else message
