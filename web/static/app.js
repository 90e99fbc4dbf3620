// Progressive enhancement only: every page works without this file.
import { initAll } from "__GOVUK_JS__";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Questions that follow from an answer (the EASI questions only when the
// person is alone; who else is at risk) are shown when that answer is
// chosen. Without JavaScript they are always shown, with their instruction.
// (GOV.UK's own conditional reveal puts aria-expanded on radio buttons,
// which WCAG checkers reject, so this does the same without it.)
for (const input of document.querySelectorAll("[data-kith-reveal]")) {
  const target = document.getElementById(input.dataset.kithReveal);
  const sync = () => target.classList.toggle("govuk-radios__conditional--hidden", !input.checked);
  for (const other of document.querySelectorAll(`input[name="${input.name}"]`)) other.addEventListener("change", sync);
  sync();
}

// The screening form keeps working without signal: a screening completed
// offline is kept in IndexedDB with its client_ref (the idempotency key)
// and posted when the connection returns. The server answers a repeat of
// the same client_ref with the first screening, so a re-send never makes
// a duplicate.
const DB_NAME = "kith-offline";
const STORE = "screenings";

function openDB() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "client_ref" });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function withStore(mode, fn) {
  const db = await openDB();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const out = fn(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(out && "result" in out ? out.result : undefined);
    tx.onerror = () => reject(tx.error);
  });
}

const queued = () => withStore("readonly", (s) => s.getAll());
const keep = (item) => withStore("readwrite", (s) => s.put(item));
const forget = (ref) => withStore("readwrite", (s) => s.delete(ref));

async function showBanner() {
  const banner = document.getElementById("offline-banner");
  if (!banner) return;
  const items = await queued();
  const text = document.getElementById("offline-banner-text");
  if (items.length === 0) {
    banner.hidden = true;
    return;
  }
  text.textContent = `Waiting to send (${items.length}). Screenings are kept on this phone and sent when there is signal.`;
  banner.hidden = false;
}

let flushing = false;
async function flush() {
  if (flushing || !navigator.onLine) return;
  flushing = true;
  try {
    for (const item of await queued()) {
      let res;
      try {
        res = await fetch("/screen", {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: item.body,
        });
      } catch {
        break; // still no connection: try again later
      }
      if (res.ok && new URL(res.url).pathname.startsWith("/screenings/")) {
        await forget(item.client_ref);
      } else if (res.status === 422) {
        item.problem = true; // the form needs fixing: keep it and say so
        await keep(item);
      }
    }
  } finally {
    flushing = false;
    await showBanner();
  }
}

const form = document.getElementById("screen-form");
if (form && "indexedDB" in window) {
  form.addEventListener("submit", async (event) => {
    if (navigator.onLine) return; // the ordinary post, with the server's answer
    event.preventDefault();
    const body = new URLSearchParams(new FormData(form)).toString();
    const ref = form.elements.client_ref.value;
    await keep({ client_ref: ref, body, queued_at: new Date().toISOString() });
    await showBanner();
    window.scrollTo(0, 0);
  });
  window.addEventListener("online", flush);
  showBanner().then(flush);
}

// "Use my location" fills latitude and longitude from the browser.
const locate = document.getElementById("use-location");
if (locate && "geolocation" in navigator) {
  locate.hidden = false;
  locate.addEventListener("click", () => {
    const status = document.getElementById("location-status");
    status.textContent = "Finding your location…";
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        document.getElementById("person-latitude").value = pos.coords.latitude.toFixed(6);
        document.getElementById("person-longitude").value = pos.coords.longitude.toFixed(6);
        status.textContent = "Location recorded.";
      },
      () => {
        status.textContent = "Your location could not be found. Enter the postcode instead.";
      },
      { enableHighAccuracy: false, timeout: 10000 },
    );
  });
}

if ("serviceWorker" in navigator && form) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
}
