// Today: outfits queued ahead (and their photos loaded), so a tap shows the next one at once; ratings go out behind.
// Each outfit says the weather it was dressed for; the occasion field offers the ones chosen before.
"use strict";
const ORDER = ["accessory", "outer", "top", "one-piece", "bottom", "footwear", "bag"];  // head to toe
const queue = [];
let current = null;
let filling = null;
let stuck = false;  // the last refill failed (an empty closet, say): no new one until the page is opened again
let occasion = "";  // what the outfits are for ("" none)
let generation = 0;  // outfits asked for before the occasion changed are not shown
let note = "";  // why there is no forecast, where one was wanted

const el = (id) => document.getElementById(id);
const say = (text) => { el("status").textContent = text; };

function thumb(id) { return `/api/items/${id}/thumbnail`; }

function preload(outfit) {
  for (const piece of outfit.items) { const image = new Image(); image.src = thumb(piece.id); }
}

function refill() {
  if (filling) return filling;
  const asked = generation;
  const url = "/api/outfits?n=3" + (occasion ? `&occasion=${encodeURIComponent(occasion)}` : "");
  filling = fetch(url, {credentials: "same-origin"})
    .then(async (response) => {
      const answer = await response.json();
      if (!response.ok) throw new Error(answer.error || response.statusText);
      if (asked !== generation) return;
      answer.forEach(preload);
      queue.push(...answer);
      stuck = false;
    })
    .catch((error) => { stuck = true; say(error.message); })
    .finally(() => {
      filling = null;
      if (asked !== generation) { refill(); return; }
      if (!current && queue.length) show();
    });
  return filling;
}

function dayLine(outfit) {
  const parts = [outfit.weather ? outfit.weather.said : (note ? `no forecast: ${note}` : ""), outfit.occasion]
    .filter(Boolean);
  const missing = outfit.lacking && outfit.lacking.length ? ` — missing: ${outfit.lacking.join("; ")}` : "";
  return parts.join(" · ") + missing;
}

function chooseOccasion() {
  const chosen = el("occasion").value.trim().replace(/\s+/g, " ").toLowerCase();
  if (chosen === occasion) return;
  occasion = chosen;
  generation += 1;
  queue.length = 0;
  current = null;
  stuck = false;
  show();
}

function loadDay() {
  fetch("/api/day", {credentials: "same-origin"})
    .then((response) => response.ok ? response.json() : null)
    .then((day) => {
      if (!day) return;
      note = day.note || "";
      el("occasions").replaceChildren(...day.occasions.map((name) => {
        const option = document.createElement("option");
        option.value = name;
        return option;
      }));
      if (current) { el("day").textContent = dayLine(current); el("day").hidden = !el("day").textContent; }
    })
    .catch(() => {});
}

function show() {
  current = queue.shift() || null;
  const pieces = el("pieces");
  pieces.replaceChildren();
  if (!current) {
    el("why").textContent = "";
    el("day").hidden = true;
    document.body.dataset.outfit = "";
    if (!stuck) refill();
    return;
  }
  el("day").textContent = dayLine(current);
  el("day").hidden = !el("day").textContent;
  el("why").textContent = current.why || (current.explore ? "exploring" : "");
  const template = el("piece");
  const items = [...current.items].sort((a, b) => ORDER.indexOf(a.slot) - ORDER.indexOf(b.slot));
  for (const piece of items) {
    const figure = template.content.firstElementChild.cloneNode(true);
    figure.classList.add(`slot-${piece.slot}`);
    const image = figure.querySelector("img");
    image.src = thumb(piece.id);
    image.alt = `${piece.name} #${piece.id}`;
    figure.querySelector("b").textContent = piece.name;
    figure.querySelector("small").textContent = piece.category;
    pieces.append(figure);
  }
  document.body.dataset.outfit = String(current.id);
  say("");
  if (queue.length < 2) refill();
}

function act(kind) {
  const outfit = current;
  if (!outfit) return;
  show();
  let sent = null;
  if (kind === "like" || kind === "dislike") {
    sent = window.wardrobe.send("POST", `/api/outfits/${outfit.id}/rating`, {value: kind});
  } else if (kind === "wore") {
    sent = window.wardrobe.send("POST", "/api/wears", {items: outfit.items.map((p) => p.id)});
  }
  if (sent) sent.then(() => say(`${kind === "wore" ? "worn today" : kind + "d"}: outfit ${outfit.id}`))
    .catch((error) => say(error.message));
}

el("actions").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-act]");
  if (button) act(button.dataset.act);
});
el("occasion-form").addEventListener("submit", (event) => { event.preventDefault(); el("occasion").blur(); chooseOccasion(); });
el("occasion").addEventListener("change", chooseOccasion);
refill();
loadDay();
