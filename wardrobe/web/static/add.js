// Add: each chosen photo uploads with its own progress bar and comes back classified; an unsure one asks.
"use strict";
const input = document.getElementById("photos");
const list = document.getElementById("added");
const template = document.getElementById("row");

function upload(file, row) {
  return new Promise((resolve) => {
    const request = new XMLHttpRequest();
    const bar = row.querySelector("progress");
    request.open("POST", "/api/items");
    request.setRequestHeader("x-csrf-token", window.wardrobe.csrf());
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) bar.value = Math.round(90 * event.loaded / event.total);
    });
    request.addEventListener("load", () => {
      bar.value = 100;
      let answer;
      try { answer = JSON.parse(request.responseText); } catch { answer = {error: request.statusText}; }
      resolve({status: request.status, answer});
    });
    request.addEventListener("error", () => resolve({status: 0, answer: {error: "the server could not be reached"}}));
    const form = new FormData();
    form.append("photo", file, file.name);
    request.send(form);
  });
}

function describe(row, record) {
  const result = row.querySelector(".result");
  row.dataset.item = record.id || "";
  if (record.error) { row.classList.add("failed"); result.textContent = record.error; return; }
  row.querySelector(".thumb").src = `/api/items/${record.id}/thumbnail`;
  if (record.duplicate) { result.textContent = `already in the closet: item ${record.id}`; return; }
  result.textContent = `${record.name} · ${record.category} · ${record.slot}`;
  if (!record.unsure) return;
  row.classList.add("unsure");
  const confirm = row.querySelector(".confirm");
  const choices = confirm.querySelector(".choices");
  for (const option of record.top) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = `${option.category} ${Math.round(option.probability * 100)}%`;
    button.addEventListener("click", () => relabel(row, record.id, String(option.label)));
    choices.append(button);
  }
  confirm.querySelector(".other").addEventListener("change", (event) => {
    if (event.target.value) relabel(row, record.id, event.target.value);
  });
  confirm.hidden = false;
}

async function relabel(row, id, category) {
  try {
    const item = await window.wardrobe.send("PUT", `/api/items/${id}/label`, {category});
    row.classList.remove("unsure");
    row.classList.add("confirmed");
    row.querySelector(".confirm").hidden = true;
    row.querySelector(".result").textContent = `${item.name} · ${item.category} (your label)`;
  } catch (error) {
    row.querySelector(".result").textContent = error.message;
  }
}

input.addEventListener("change", async () => {
  const files = [...input.files];
  const rows = files.map((file) => {
    const row = template.content.firstElementChild.cloneNode(true);
    row.querySelector(".name").textContent = file.name;
    row.querySelector(".thumb").src = URL.createObjectURL(file);
    list.prepend(row);
    return row;
  });
  input.value = "";
  for (const [k, file] of files.entries()) {  // one at a time: the phone's link and the server's cores
    const {status, answer} = await upload(file, rows[k]);
    describe(rows[k], Array.isArray(answer) ? answer[0] : {error: answer.error || `refused (${status})`});
  }
});
