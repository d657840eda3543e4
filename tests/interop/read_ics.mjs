// Reads .ics paths from stdin, one per line, and answers one JSON line per path:
// what Mozilla ical.js (Thunderbird's parser) and node-ical read from the file.
// Used by tests/test_interop.py; the comparison with what we meant happens there.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import ICAL from "ical.js";
import nodeIcal from "node-ical";

const pad = (n) => String(n).padStart(2, "0");
// Both libraries give all-day dates as local midnight: read local fields.
const day = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

function withIcalJs(text) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const events = calendar.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    return {
      uid: event.uid,
      summary: event.summary,
      start: event.startDate.toString(),
      end: event.endDate.toString(),
      allDay: event.startDate.isDate && event.endDate.isDate,
      alarms: component.getAllSubcomponents("valarm").length,
      cancelled: component.getFirstPropertyValue("status") === "CANCELLED",
    };
  });
  return {
    name: calendar.getFirstPropertyValue("name"),
    wrName: calendar.getFirstPropertyValue("x-wr-calname"),
    method: calendar.getFirstPropertyValue("method"),
    events,
  };
}

function withNodeIcal(text) {
  const parsed = nodeIcal.sync.parseICS(text);
  const events = Object.values(parsed)
    .filter((item) => item.type === "VEVENT")
    .map((event) => ({
      uid: event.uid,
      summary: String(event.summary),
      start: day(event.start),
      end: day(event.end),
      allDay: Boolean(event.start.dateOnly && event.end.dateOnly),
      alarms: (event.alarms ?? []).length,
      cancelled: event.status === "CANCELLED",
    }));
  return { events };
}

const lines = createInterface({ input: process.stdin });
for await (const path of lines) {
  if (!path) continue;
  let answer;
  try {
    const text = readFileSync(path, "utf8");
    answer = { path, icaljs: withIcalJs(text), nodeical: withNodeIcal(text) };
  } catch (error) {
    answer = { path, error: String(error && error.stack ? error.stack : error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
}
