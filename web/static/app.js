// Progressive enhancement only: every page works without this file.
import { initAll } from "__GOVUK_JS__";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Questions that follow from an answer (the EASI questions only when the
// person is alone; who else is at risk; 999 when someone is in danger) are
// shown when that answer is chosen. Without JavaScript they are always
// shown, with their instruction. (GOV.UK's own conditional reveal puts
// aria-expanded on radio buttons, which WCAG checkers reject, so this does
// the same without it.)
for (const input of document.querySelectorAll("[data-kith-reveal]")) {
  const target = document.getElementById(input.dataset.kithReveal);
  const sync = () => target.classList.toggle("govuk-radios__conditional--hidden", !input.checked);
  for (const other of document.querySelectorAll(`input[name="${input.name}"]`)) other.addEventListener("change", sync);
  sync();
}

// Who is signed in on this phone. A page from the network says so (the
// kith-author meta, absent when signed out) and is remembered; the copy
// of the form kept on the phone for use without signal is trusted only
// when it names the person last seen signed in. Signing out forgets the
// kept form, so the next person never gets someone else's.
const pageAuthor = document.querySelector('meta[name="kith-author"]')?.content || "";
const fromNetwork = document.documentElement.dataset.kithSource !== "cache";
if (fromNetwork) {
  if (pageAuthor) localStorage.setItem("kith-author", pageAuthor);
  else {
    localStorage.removeItem("kith-author");
    if ("caches" in window) {
      caches.keys().then((keys) => Promise.all(keys.filter((k) => k.startsWith("kith-")).map((k) => caches.open(k).then((c) => c.delete("/screen")))));
    }
  }
}
const author = pageAuthor && localStorage.getItem("kith-author") === pageAuthor ? pageAuthor : "";

// The screening form keeps working without signal. A screening completed
// offline is kept in IndexedDB with its own key (client_ref, made here
// when the screening is started) and its author, and is posted when the
// connection returns, only while its author is signed in. The server
// answers a repeat of the same key with the first screening, so a re-send
// never makes a duplicate, and refuses a key or a screening made by
// someone else.
const DB_NAME = "kith-offline";
// The visitor's own details kept on the phone for them (with their agency).
const observerFields = ["name", "phone", "role", "organisation"];
const QUEUE = "screenings";
const SENT = "sent";

function openDB() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 2);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(QUEUE)) db.createObjectStore(QUEUE, { keyPath: "client_ref" });
      if (!db.objectStoreNames.contains(SENT)) db.createObjectStore(SENT, { keyPath: "id" });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function withStore(name, mode, fn) {
  const db = await openDB();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(name, mode);
    const out = fn(tx.objectStore(name));
    tx.oncomplete = () => resolve(out && "result" in out ? out.result : undefined);
    tx.onerror = () => reject(tx.error);
  });
}

// Only this author's screenings are ever listed or sent.
const mine = (items) => items.filter((i) => i.author && i.author === author);
const queued = async () => mine((await withStore(QUEUE, "readonly", (s) => s.getAll())) || []);
const keep = (item) => withStore(QUEUE, "readwrite", (s) => s.put(item));
const forget = (ref) => withStore(QUEUE, "readwrite", (s) => s.delete(ref));
const startOfToday = () => new Date(new Date().toDateString()).toISOString();

async function sentToday() {
  const all = (await withStore(SENT, "readonly", (s) => s.getAll())) || [];
  const today = startOfToday();
  // Yesterday's list is not needed on the phone: forget it.
  for (const s of all.filter((s) => s.sent_at < today)) await withStore(SENT, "readwrite", (st) => st.delete(s.id));
  return mine(all.filter((s) => s.sent_at >= today));
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

// showQueue lists this author's screenings on the phone: those waiting
// (with the next step the phone worked out), those that could not be sent
// and why, and those sent today with their result and concern reference.
async function showQueue() {
  const region = document.getElementById("offline-queue");
  if (!region || !author) return;
  const [waiting, sent] = [await queued(), await sentToday()];
  const list = document.getElementById("offline-queue-list");
  const text = document.getElementById("offline-banner-text");
  list.replaceChildren();
  region.hidden = waiting.length === 0 && sent.length === 0;
  const stuck = waiting.filter((i) => i.problem);
  // "Saved on this phone" is about a screening still waiting.
  if (!waiting.length) document.getElementById("saved-offline")?.remove();
  text.textContent = waiting.length
    ? `Waiting to send (${waiting.length}). Screenings are kept on this phone and sent when there is signal.`
    : "Nothing is waiting to send.";
  if (waiting.length) {
    const ul = el("ul", { class: "govuk-list", id: "waiting-list" });
    for (const i of waiting) {
      const li = el("li", { class: "kith-queue-item" }, el("strong", {}, i.label || "A screening"), ` saved at ${new Date(i.queued_at).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" })}. `);
      if (i.next_step) li.append(el("span", { class: "govuk-!-font-weight-bold" }, i.next_step));
      if (i.problem) {
        li.append(el("p", { class: "govuk-error-message" }, el("span", { class: "govuk-visually-hidden" }, "Error: "), i.problem));
        const again = el("button", { type: "button", class: "govuk-button govuk-button--secondary govuk-!-margin-bottom-2" }, i.fixable ? "Open it to fix" : "Try sending again");
        again.addEventListener("click", () => (i.fixable ? reopen(i) : retry(i)));
        li.append(again);
      }
      ul.append(li);
    }
    list.append(ul);
  }
  if (stuck.length) text.textContent += ` ${stuck.length} could not be sent: see below.`;
  if (sent.length) {
    list.append(el("h3", { class: "govuk-heading-s" }, "Sent today"));
    const ul = el("ul", { class: "govuk-list", id: "sent-list" });
    for (const s of sent) {
      const li = el("li", {}, el("a", { class: "govuk-link", href: `/screenings/${s.id}` }, s.label || "A screening"), `: ${s.headline}.`);
      if (s.reference) li.append(` Concern reference ${s.reference}.`);
      ul.append(li);
    }
    list.append(ul);
  }
}

// localNextStep is what the phone can say without the server: danger
// first, then any sign that abuse or neglect is indicated.
function localNextStep(form) {
  const phone = form.dataset.safeguardingPhone;
  const concern = phone ? `Raise a safeguarding concern now: call ${phone}.` : "Raise a safeguarding concern now: call the adult safeguarding team.";
  if (form.querySelector('input[name="s42.immediate_danger"][value="yes"]:checked')) return `Someone is in danger: call 999 now. Then ${concern.charAt(0).toLowerCase()}${concern.slice(1)}`;
  const worrying = form.querySelector("input[data-red-flag]:checked") ||
    ["s42.crime_suspected", "s42.staff_or_provider_implicated", "s42.own_organisation_implicated"].some((n) => form.querySelector(`input[name="${n}"][value="yes"]:checked`));
  if (worrying) return concern;
  return "";
}

let flushing = false;
async function flush() {
  if (flushing || !navigator.onLine || !author) return;
  flushing = true;
  try {
    for (const item of await queued()) {
      if (item.problem) continue; // shown, and sent again only when asked
      if (!(await send(item))) break;
    }
  } finally {
    flushing = false;
    await showQueue();
  }
}

// send posts one screening; it reports whether to go on with the next.
async function send(item) {
  // The form's token is the one this page holds now, not the one it held
  // when the screening was saved.
  const body = new URLSearchParams(item.body);
  const token = document.querySelector('meta[name="csrf-token"]')?.content;
  if (token && fromNetwork) body.set("_csrf", token);
  let res;
  try {
    res = await fetch("/screen", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString(),
    });
  } catch {
    return false; // still no connection: try again later
  }
  const path = new URL(res.url).pathname;
  if (res.ok && path.startsWith("/screenings/")) {
    const page = new DOMParser().parseFromString(await res.text(), "text/html");
    const headline = page.querySelector("[data-kith-headline]")?.textContent.trim() || "Sent";
    const reference = page.querySelector("[data-kith-reference]")?.textContent.trim() || "";
    await withStore(SENT, "readwrite", (s) => s.put({ id: path.split("/")[2], author: item.author, label: item.label, headline, reference, sent_at: new Date().toISOString() }));
    await forget(item.client_ref);
    return true;
  }
  if (path === "/sign-in" || res.status === 401) {
    item.problem = "Not sent: you are signed out. Sign in again, then send it.";
  } else if (res.status === 403) {
    const page = new DOMParser().parseFromString(await res.text(), "text/html");
    item.problem = `Not sent: ${page.querySelector("main p")?.textContent.trim() || "this was refused."}`;
  } else if (res.status === 422) {
    item.problem = "Not sent: some answers need a change.";
    item.fixable = true;
  } else {
    return false; // the server is unwell: try again later
  }
  await keep(item);
  return true;
}

async function retry(item) {
  delete item.problem;
  await keep(item);
  await flush();
}

// reopen puts a screening that needs a change back into the form, to be
// checked and sent again under its own key.
async function reopen(item) {
  const form = document.getElementById("screen-form");
  if (!form) return;
  await forget(item.client_ref);
  clearForm(form);
  const values = new URLSearchParams(item.body);
  for (const [name, value] of values) {
    if (name === "_csrf" || name === "_action" || name === "author") continue;
    for (const input of form.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.value === value) input.checked = true;
      } else input.value = value;
    }
  }
  form.dataset.reopened = "true";
  steps?.show("check");
  await showQueue();
}

// Question pages, with JavaScript: moving between them happens on the
// phone, so the form works without signal. Each page's required questions
// are checked before moving on; the server checks everything again when
// the screening arrives.
const form = document.getElementById("screen-form");
let steps = null;
if (form && form.querySelector(".kith-step")) {
  steps = stepper(form);
  if (!fromNetwork && !author) {
    // The kept form belongs to someone who has signed out.
    form.hidden = true;
    document.getElementById("signed-out-offline").hidden = false;
  }
  if (form.dataset.fresh) {
    newKey(form);
    rememberedObserver(form);
  }
  form.addEventListener("submit", (event) => {
    const action = event.submitter?.value || "continue";
    if (action !== "submit") {
      event.preventDefault();
      steps.go(action);
      return;
    }
    saveObserver(form);
    if (navigator.onLine || !("indexedDB" in window)) return; // the ordinary post, with the server's answer
    event.preventDefault();
    queueScreening(form);
  });
  if ("indexedDB" in window) {
    window.addEventListener("online", flush);
    showQueue().then(flush);
  }
}

// clearForm empties every answer (form.reset would bring back whatever
// the server last showed in it).
function clearForm(form) {
  for (const input of form.querySelectorAll("input, textarea")) {
    if (input.type === "radio" || input.type === "checkbox") input.checked = false;
    else if (!["_csrf", "author", "_step", "client_ref"].includes(input.name)) input.value = "";
  }
  form.elements._return?.remove();
  document.getElementById("location-status").textContent = "";
  for (const d of form.querySelectorAll("details[open]")) d.open = false;
  for (const input of document.querySelectorAll("[data-kith-reveal]")) input.dispatchEvent(new Event("change"));
}

function newKey(form) {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  form.elements.client_ref.value = "form-" + Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

async function queueScreening(form) {
  const data = new FormData(form);
  data.set("_action", "submit");
  data.set("author", author);
  const item = {
    client_ref: form.elements.client_ref.value,
    author,
    body: new URLSearchParams(data).toString(),
    label: form.elements["person.name"].value.trim(),
    next_step: localNextStep(form),
    queued_at: new Date().toISOString(),
  };
  await keep(item);
  // A clean form, with its own new key, for the next person.
  clearForm(form);
  newKey(form);
  rememberedObserver(form);
  steps.reset();
  const saved = document.getElementById("saved-offline") || el("div", { id: "saved-offline", role: "status", tabindex: "-1" });
  saved.className = "kith-next-step" + (item.next_step ? " kith-next-step--urgent" : "");
  saved.replaceChildren(
    el("h2", { class: "govuk-heading-m" }, "Saved on this phone"),
    el("p", { class: "govuk-body" }, `The screening of ${item.label || "the person"} will be sent when there is signal, while you are signed in.`),
  );
  if (item.next_step) saved.append(el("p", { class: "govuk-body govuk-!-font-weight-bold", id: "saved-next-step" }, item.next_step));
  form.before(saved);
  saved.focus();
  await showQueue();
}

// The visitor's own details are remembered on this phone, for them only.
function saveObserver(form) {
  if (!author) return;
  const get = (n) => new FormData(form).get(n) || "";
  const o = { agency: get("observer.agency") };
  for (const k of observerFields) o[k] = get(`observer.${k}`);
  localStorage.setItem(`kith-observer:${author}`, JSON.stringify(o));
}

function rememberedObserver(form) {
  const saved = author && localStorage.getItem(`kith-observer:${author}`);
  if (!saved) return;
  const o = JSON.parse(saved);
  for (const k of observerFields) if (form.elements[`observer.${k}`]) form.elements[`observer.${k}`].value = o[k] || "";
  for (const r of form.querySelectorAll('input[name="observer.agency"]')) r.checked = r.value === o.agency;
  document.getElementById("about-you-remembered").hidden = !(o.agency || observerFields.some((k) => o[k]));
}

function stepper(form) {
  const pages = [...form.querySelectorAll(".kith-step")];
  const names = pages.map((p) => p.dataset.step);
  let current = form.dataset.step || names[0];
  let returnToCheck = !!form.elements._return;

  function show(name, push = true) {
    current = name;
    form.elements._step.value = name;
    for (const p of pages) p.hidden = p.dataset.step !== name;
    if (name === "check") buildCheck(form, pages);
    const page = pages[names.indexOf(name)];
    const heading = page.querySelector("h1");
    document.title = `${heading.textContent.trim()} – ${document.title.split(" – ").pop()}`;
    if (push) history.pushState({ step: name }, "", location.pathname === "/screen" ? "/screen" : location.pathname);
    window.scrollTo(0, 0);
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }

  function go(action) {
    clearErrors(form);
    if (action === "back") return show(names[Math.max(names.indexOf(current) - 1, 0)]);
    if (action.startsWith("change:")) {
      returnToCheck = true;
      return show(action.slice(7));
    }
    const page = pages[names.indexOf(current)];
    if (!checkRequired(form, page)) return;
    const next = returnToCheck ? "check" : names[Math.min(names.indexOf(current) + 1, names.length - 1)];
    show(next);
  }

  history.replaceState({ step: current }, "");
  window.addEventListener("popstate", (e) => {
    if (e.state?.step) show(e.state.step, false);
  });
  // reset starts again at the first page, for the next person.
  function reset() {
    returnToCheck = false;
    show(names[0]);
  }
  return { show, go, reset };
}

function clearErrors(form) {
  document.getElementById("step-errors")?.remove();
  for (const g of form.querySelectorAll(".govuk-form-group--error[data-kith-checked]")) {
    g.classList.remove("govuk-form-group--error");
    g.removeAttribute("data-kith-checked");
    g.querySelector(".kith-js-error")?.remove();
  }
}

// checkRequired shows, in the GOV.UK way, the page's required questions
// left blank; it reports whether there were none.
function checkRequired(form, page) {
  const missing = [];
  for (const g of page.querySelectorAll("[data-kith-required]")) {
    const unless = g.dataset.kithRequiredUnless && document.getElementById(g.dataset.kithRequiredUnless)?.value;
    const inputs = [...g.querySelectorAll("input, textarea, select")].filter((i) => !i.closest(".govuk-radios__conditional"));
    const answered = inputs.some((i) => ((i.type === "radio" || i.type === "checkbox") ? i.checked : i.value.trim() !== ""));
    if (answered || unless || g.closest(".govuk-radios__conditional")) continue;
    missing.push({ group: g, input: inputs[0], message: g.dataset.kithRequired });
  }
  if (!missing.length) return true;
  const items = missing.map((m) => el("li", {}, el("a", { href: `#${m.input.id}` }, m.message)));
  const summary = el("div", { class: "govuk-error-summary", id: "step-errors", tabindex: "-1" },
    el("div", { role: "alert" }, el("h2", { class: "govuk-error-summary__title" }, "There is a problem"),
      el("div", { class: "govuk-error-summary__body" }, el("ul", { class: "govuk-list govuk-error-summary__list" }, ...items))));
  for (const a of summary.querySelectorAll("a")) {
    a.addEventListener("click", (e) => {
      e.preventDefault();
      const target = document.getElementById(a.getAttribute("href").slice(1));
      target.scrollIntoView();
      target.focus();
    });
  }
  for (const m of missing) {
    m.group.classList.add("govuk-form-group--error");
    m.group.dataset.kithChecked = "true";
    const msg = el("p", { class: "govuk-error-message kith-js-error" }, el("span", { class: "govuk-visually-hidden" }, "Error: "), m.message);
    const anchor = m.group.querySelector("legend, label");
    anchor.after(msg);
  }
  page.prepend(summary);
  summary.focus();
  return false;
}

// buildCheck lists the answers given on each page, read from the form
// itself: each question's legend or label, and the answer chosen or typed.
function buildCheck(form, pages) {
  const out = document.getElementById("check-answers");
  out.replaceChildren();
  for (const page of pages) {
    if (page.dataset.step === "check") continue;
    const rows = [];
    for (const g of page.querySelectorAll(".govuk-form-group")) {
      if (g.closest(".govuk-radios__conditional--hidden")) continue;
      const legend = g.querySelector(":scope > fieldset > legend, :scope > label");
      if (!legend) continue;
      const inputs = [...g.querySelectorAll("input:not([type=hidden]), textarea")].filter((i) => i.closest(".govuk-form-group") === g);
      const values = inputs
        .filter((i) => ((i.type === "radio" || i.type === "checkbox") ? i.checked : i.value.trim() !== ""))
        .map((i) => ((i.type === "radio" || i.type === "checkbox") ? form.querySelector(`label[for="${i.id}"]`).textContent.trim() : i.value.trim()));
      if (!values.length && !g.dataset.kithRequired) continue;
      rows.push([legend.textContent.trim(), values.length ? values : ["Not answered"]]);
    }
    if (!rows.length) {
      if (page.dataset.step === "seen") rows.push(["What you noticed", ["Nothing ticked"]]);
      else continue;
    }
    out.append(el("h2", { class: "govuk-heading-m" }, page.dataset.summaryTitle));
    const dl = el("dl", { class: "govuk-summary-list govuk-!-margin-bottom-9" });
    for (const [key, values] of rows) {
      const value = el("dd", { class: "govuk-summary-list__value" });
      values.forEach((v, i) => (i ? value.append(el("br"), v) : value.append(v)));
      const change = el("button", { type: "submit", class: "govuk-link kith-button-link", name: "_action", value: `change:${page.dataset.step}`, formnovalidate: "" }, "Change", el("span", { class: "govuk-visually-hidden" }, ` ${key.toLowerCase()}`));
      dl.append(el("div", { class: "govuk-summary-list__row" }, el("dt", { class: "govuk-summary-list__key" }, key), value, el("dd", { class: "govuk-summary-list__actions" }, change)));
    }
    out.append(dl);
  }
}

// Signing out with screenings waiting warns first: they stay on the
// phone, locked to their author, and are sent the next time they sign in.
for (const signOut of document.querySelectorAll('form[action="/sign-out"]')) {
  signOut.addEventListener("submit", async (event) => {
    if (signOut.dataset.confirmed || !("indexedDB" in window) || !author) return;
    event.preventDefault();
    const waiting = await queued();
    if (!waiting.length) {
      signOut.dataset.confirmed = "true";
      signOut.requestSubmit();
      return;
    }
    const warn = el("div", { class: "govuk-warning-text", id: "sign-out-warning", role: "alert" },
      el("span", { class: "govuk-warning-text__icon", "aria-hidden": "true" }, "!"),
      el("strong", { class: "govuk-warning-text__text" }, el("span", { class: "govuk-visually-hidden" }, "Warning"),
        `${waiting.length} screening${waiting.length > 1 ? "s are" : " is"} waiting to send. ${waiting.length > 1 ? "They stay" : "It stays"} on this phone, locked to you, and will be sent the next time you sign in here with signal. Nobody else can send or see ${waiting.length > 1 ? "them" : "it"}.`));
    signOut.before(warn);
    signOut.querySelector("button").textContent = "Sign out anyway";
    signOut.dataset.confirmed = "true";
  });
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
