// Shared by every page: the CSRF token for changes, JSON requests, and the service worker that caches the shell.
"use strict";
window.wardrobe = {
  csrf: () => document.querySelector('meta[name="csrf"]').content,
  async send(method, url, body) {
    const response = await fetch(url, {
      method, credentials: "same-origin",
      headers: {"content-type": "application/json", "x-csrf-token": window.wardrobe.csrf()},
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = await response.json().catch(() => ({error: response.statusText}));
    if (!response.ok) throw new Error(answer.error || response.statusText);
    return answer;
  },
};
if ("serviceWorker" in navigator && (location.protocol === "https:" || location.hostname === "localhost" || location.hostname === "127.0.0.1")) {
  navigator.serviceWorker.register("/sw.js").catch(() => {});
}
