// Today: outfits queued ahead (and their photos loaded), so a tap shows the next one at once; ratings go out behind.
"use strict";
const ORDER = ["accessory", "outer", "top", "one-piece", "bottom", "footwear", "bag"];  // head to toe
const queue = [];
let current = null;
let filling = null;
let stuck = false;  // the last refill failed (an empty closet, say): no new one until the page is opened again

const el = (id) => document.getElementById(id);
const say = (text) => { el("status").textContent = text; };

function thumb(id) { return `/api/items/${id}/thumbnail`; }

function preload(outfit) {
  for (const piece of outfit.items) { const image = new Image(); image.src = thumb(piece.id); }
}

function refill() {
  if (filling) return filling;
  filling = fetch("/api/outfits?n=3", {credentials: "same-origin"})
    .then(async (response) => {
      const answer = await response.json();
      if (!response.ok) throw new Error(answer.error || response.statusText);
      answer.forEach(preload);
      queue.push(...answer);
      stuck = false;
    })
    .catch((error) => { stuck = true; say(error.message); })
    .finally(() => { filling = null; if (!current && queue.length) show(); });
  return filling;
}

function show() {
  current = queue.shift() || null;
  const pieces = el("pieces");
  pieces.replaceChildren();
  if (!current) { el("why").textContent = ""; document.body.dataset.outfit = ""; if (!stuck) refill(); return; }
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
refill();
