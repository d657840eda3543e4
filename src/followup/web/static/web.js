// followup on the web: small enhancements; every page works without them.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Copy for the clinic note: the text is in a box anyone can select; the button copies it.
  for (const button of document.querySelectorAll("button.copy")) {
    const box = document.getElementById(button.dataset.copy);
    if (!box) continue;
    button.hidden = false;
    button.addEventListener("click", () => copyText(box, button));
  }

  // After a problem, bring the list of problems into view and focus.
  const summary = document.getElementById("summary");
  if (summary) summary.focus();

  // Scans done: add and remove rows here instead of asking the server.
  const list = document.querySelector("ol.scans");
  if (list) enhanceScans(list);

  // The link under the protocols follows the one chosen.
  const protocol = document.getElementById("f-protocol");
  const link = document.getElementById("protocol-link");
  if (protocol && link) {
    protocol.addEventListener("change", () => {
      link.href = link.dataset.base + protocol.value;
    });
  }

  // Public holidays: the regions follow the country chosen.
  const country = document.getElementById("f-holidays");
  const region = document.getElementById("f-holidays_region");
  if (country && region) {
    country.addEventListener("change", () => fillRegions(country, region));
  }
});

function renumber(list) {
  list.querySelectorAll("li.scan").forEach((item, index) => {
    const label = item.querySelector("label");
    const input = item.querySelector("input");
    const button = item.querySelector("button");
    const template = list.dataset;
    input.id = `f-done-${index}`;
    label.htmlFor = input.id;
    label.textContent = label.textContent.replace(/\d+/, String(index + 1));
    button.textContent = button.textContent.replace(/\d+/, String(index + 1));
    button.value = `remove:${index}`;
    const stream = item.querySelector("select[name=done_stream]");
    if (stream) stream.setAttribute("aria-label", stream.getAttribute("aria-label").replace(/\d+/, String(index + 1)));
  });
}

function enhanceScans(list) {
  list.addEventListener("click", (event) => {
    const button = event.target.closest("button.remove");
    if (!button) return;
    event.preventDefault();
    const item = button.closest("li.scan");
    const items = list.querySelectorAll("li.scan");
    if (items.length > 1) {
      const next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      renumber(list);
      next.querySelector("input").focus();
    } else {
      item.querySelector("input").value = "";
      item.querySelector("[name=done_stream]").value = "";
      item.querySelector("input").focus();
    }
  });
  const add = list.parentElement.querySelector("button.add");
  if (add) {
    add.addEventListener("click", (event) => {
      event.preventDefault();
      const last = list.querySelector("li.scan:last-child");
      const copy = last.cloneNode(true);
      copy.querySelector("input").value = "";
      // A new row's visit is the first stream's until another is chosen.
      copy.querySelector("[name=done_stream]").value = "";
      list.appendChild(copy);
      renumber(list);
      copy.querySelector("input").focus();
    });
  }
}

async function fillRegions(country, region) {
  const whole = region.options[0];
  region.replaceChildren(whole);
  if (!country.value) return;
  try {
    const answer = await fetch(country.dataset.regions + encodeURIComponent(country.value));
    if (!answer.ok) return;
    for (const place of await answer.json()) {
      region.append(new Option(place.name, place.code));
    }
  } catch (error) {
    // Without the list, the whole country is still a good choice.
  }
}

async function copyText(box, button) {
  const status = button.nextElementSibling;
  try {
    await navigator.clipboard.writeText(box.value);
  } catch (error) {
    // Without the clipboard (an insecure origin, a refusal), select the text to copy by hand.
    box.focus();
    box.select();
    return;
  }
  if (status) status.textContent = status.dataset.done;
}
