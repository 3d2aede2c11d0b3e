// The mockserver console: the journal and the state, read and changed through the control API
// (specs/control.yaml). Plain DOM code, no framework, no build step; nothing leaves this origin.
"use strict";

const CONTROL = "/__mockserver__";
const TOKEN_KEY = "mockserver.adminToken";
const POLL_MS = 2000;
const TENANTS_EVERY_MS = 10000;
const CATALOGUE_PAGE = 25;

const $ = (selector) => document.querySelector(selector);

// A DOM element from a tag, attributes and children (text is always set as text, never as HTML).
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

// --- the control API ---------------------------------------------------------------------------

class ControlError extends Error {
  constructor(status, data) {
    super((data && (data.detail || JSON.stringify(data))) || `HTTP ${status}`);
    this.status = status;
  }
}

async function control(method, path, { tenant, body, query, authorization } = {}) {
  const headers = { Accept: "application/json" };
  if (authorization) headers.Authorization = authorization; // names a tenant by its credential
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers["X-Mockserver-Admin-Token"] = token;
  if (tenant) headers["X-Mockserver-Tenant"] = tenant;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let url = CONTROL + path;
  if (query) {
    const kept = Object.entries(query).filter(([, value]) => value !== "" && value !== null && value !== undefined);
    if (kept.length) url += "?" + new URLSearchParams(kept);
  }
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ControlError(response.status, data);
  return data;
}

function notice(message, kind = "error") {
  const box = $("#notice");
  box.textContent = message;
  box.className = kind;
  box.hidden = !message;
}

// Every action goes through here: a refusal for want of the admin token says what to do.
async function attempt(action) {
  try {
    const result = await action();
    if ($("#notice").className === "error") notice("");
    return result;
  } catch (error) {
    if (error.status === 403) {
      notice("This fake needs its admin token: enter it above (X-Mockserver-Admin-Token). " + error.message);
      $("#admin-token").focus();
    } else {
      notice(error.message);
    }
    return undefined;
  }
}

// --- shared: tenants and operation ids -----------------------------------------------------------

const shared = { tenants: [], apis: [], tenantsLoadedAt: 0 };

// The hint is how people recognise a tenant (its masked credential); the id tells two apart.
const tenantLabel = (id, hint) => (hint && id ? `${hint} (${id})` : id || "—");

async function loadTenants() {
  const data = await control("GET", "/tenants");
  shared.tenants = data.tenants;
  shared.tenantsLoadedAt = Date.now();
  for (const select of [$("#journal-filters [name=tenant]"), $("#tenant-select")]) {
    const chosen = select.value;
    const first = select.id === "tenant-select" ? [] : [el("option", { value: "" }, "all tenants")];
    select.replaceChildren(
      ...first,
      ...shared.tenants.map((tenant) => el("option", { value: tenant.id }, tenantLabel(tenant.id, tenant.hint))),
    );
    if ([...select.options].some((option) => option.value === chosen)) select.value = chosen;
  }
}

async function loadOperationIds() {
  const health = await control("GET", "/health");
  shared.apis = health.apis;
  const listing = await control("GET", "/specs");
  const ids = new Set();
  for (const document of listing.documents) {
    const spec = await fetch(document.json).then((response) => response.json());
    for (const item of Object.values(spec.paths || {})) {
      for (const operation of Object.values(item)) if (operation && operation.operationId) ids.add(operation.operationId);
    }
  }
  $("#operation-ids").replaceChildren(...[...ids].sort().map((id) => el("option", { value: id })));
}

// --- the journal ---------------------------------------------------------------------------------

const journal = { expanded: new Set(), shown: "" };

const shellQuote = (text) => (/^[A-Za-z0-9_\/:=.,@%+-]+$/.test(text) ? text : "'" + text.replace(/'/g, "'\\''") + "'");

// Credentials the journal masks; copy-as-curl names each as a shell variable to set first.
const PLACEHOLDERS = { authorization: "TOKEN", "x-mockserver-admin-token": "ADMIN_TOKEN" };

// A curl command repeating a journal entry: headers and bodies come masked from the journal, so a
// credential is a $TOKEN placeholder (double-quoted, so the shell fills it in) and what cannot be
// repeated exactly (a masked field, a body cut at the journal's limit) is said in the note.
function curlCommand(entry) {
  const skipped = new Set(["host", "content-length", "connection", "accept-encoding", "user-agent"]);
  const host = entry.request_headers.host || location.host;
  const url = `${location.protocol}//${host}${entry.path}${entry.query ? "?" + entry.query : ""}`;
  const parts = ["curl", "-X", shellQuote(entry.method)];
  const needed = [];
  for (const [name, value] of Object.entries(entry.request_headers)) {
    if (skipped.has(name.toLowerCase())) continue;
    const variable = PLACEHOLDERS[name.toLowerCase()];
    if (variable) {
      const keyword = /^\S+\s/.test(value) && !value.startsWith("…") ? value.split(/\s/)[0] + " " : "";
      parts.push("-H", `"${name}: ${keyword.replace(/["\\$`]/g, "\\$&")}$${variable}"`);
      needed.push(variable);
    } else {
      parts.push("-H", shellQuote(`${name}: ${value}`));
    }
  }
  const body = entry.request_body;
  if (body !== null && body !== undefined) parts.push("--data-raw", shellQuote(body));
  parts.push(shellQuote(url));
  const notes = needed.map((variable) => `set ${variable} to the credential first (the journal keeps it masked)`);
  if (body && body.includes("…")) notes.push("a body field shown as … was masked or cut at the journal's limit: put back what was sent");
  return { command: parts.join(" "), note: notes.join("; ") };
}

async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = el("textarea", {}, text); // no clipboard API outside a secure context
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  button.textContent = "Copied";
  setTimeout(() => (button.textContent = "Copy as curl"), 1500);
}

function pretty(body) {
  if (body === null || body === undefined) return "(no body)";
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

const headerLines = (headers) =>
  Object.entries(headers || {}).map(([name, value]) => `${name}: ${value}`).join("\n") || "(none)";

function entryDetails(entry) {
  const { command: curl, note } = curlCommand(entry);
  const copy = el("button", { type: "button", class: "copy-curl", onclick: (event) => copyText(curl, event.target) }, "Copy as curl");
  return el("tr", { class: "details" }, el("td", { colspan: 7 },
    el("div", { class: "exchange" },
      el("div", {}, el("h4", {}, "Request headers"), el("pre", { class: "request-headers" }, headerLines(entry.request_headers)),
        el("h4", {}, "Request body"), el("pre", { class: "request-body" }, pretty(entry.request_body))),
      el("div", {}, el("h4", {}, "Response headers"), el("pre", { class: "response-headers" }, headerLines(entry.response_headers)),
        el("h4", {}, "Response body"), el("pre", { class: "response-body" }, pretty(entry.response_body)))),
    el("div", { class: "curl" }, copy, el("code", { class: "curl-command" }, curl)),
    note ? el("p", { class: "curl-note" }, note) : null));
}

function journalRow(entry) {
  const time = new Date(entry.time * 1000).toISOString().replace("T", " ").slice(0, 23);
  const row = el("tr", { class: `entry status-${String(entry.status)[0]}xx`, "data-id": entry.id, tabindex: 0 },
    el("td", {}, time),
    el("td", {}, tenantLabel(entry.tenant, entry.tenant_hint)),
    el("td", {}, entry.method),
    el("td", { class: "path" }, entry.path + (entry.query ? "?" + entry.query : "")),
    el("td", {}, entry.operation_id || "—"),
    el("td", { class: "status" }, entry.status),
    el("td", { class: "number" }, entry.duration_ms));
  const toggle = () => {
    if (journal.expanded.has(entry.id)) journal.expanded.delete(entry.id);
    else journal.expanded.add(entry.id);
    journal.shown = "";
    refreshJournal();
  };
  row.addEventListener("click", toggle);
  row.addEventListener("keydown", (event) => event.key === "Enter" && toggle());
  return row;
}

async function refreshJournal() {
  const form = new FormData($("#journal-filters"));
  const query = { limit: 200 };
  for (const name of ["operation_id", "method", "status", "path"]) query[name] = form.get(name).trim();
  const data = await control("GET", "/journal", { tenant: form.get("tenant"), query });
  const fingerprint = JSON.stringify([data.count, data.entries.map((entry) => entry.id), [...journal.expanded]]);
  if (fingerprint === journal.shown) return data.entries; // nothing new: the page (and a selection) stays
  journal.shown = fingerprint;
  $("#journal-summary").textContent =
    `${data.count} matching request${data.count === 1 ? "" : "s"}, newest first` +
    (data.count > data.entries.length ? ` (the latest ${data.entries.length} shown)` : "");
  const rows = data.entries.flatMap((entry) => (journal.expanded.has(entry.id) ? [journalRow(entry), entryDetails(entry)] : [journalRow(entry)]));
  $("#journal-entries").replaceChildren(...rows);
  return data.entries;
}

// --- the state -----------------------------------------------------------------------------------

const state = { collection: null, page: 1, pageSize: 25, catalogue: [], cataloguePage: 1 };

const selectedTenant = () => $("#tenant-select").value;

const when = (seconds) => new Date(seconds * 1000).toISOString().replace("T", " ").slice(0, 19);
const signed = (seconds) => `${seconds >= 0 ? "+" : ""}${Math.round(seconds * 1000) / 1000}`;

// With a tenant chosen, the clock shown and moved is that tenant's own (its task states are read
// on it); with none, the fake's clock under every tenant.
async function refreshClock() {
  const tenant = selectedTenant();
  const clock = await control("GET", "/clock", { tenant });
  const whose = tenant ? "This tenant's clock" : "The fake's clock";
  const from = tenant ? "the fake's clock" : "real time";
  $("#clock-title").textContent = tenant ? "This tenant's clock" : "Clock";
  $("#clock-now").textContent =
    `${whose}: ${when(clock.now)} UTC (${signed(clock.offset_seconds)} s from ${from}${clock.frozen ? ", frozen" : ""})`;
  $("#clock-freeze").textContent = clock.frozen ? "Release the clock" : "Freeze the clock";
  $("#clock-freeze").dataset.frozen = clock.frozen ? "1" : "";
}

function renderCollections(tenant) {
  const rows = Object.entries(tenant ? tenant.collections : {}).map(([name, count]) =>
    el("tr", { class: state.collection === name ? "selected" : null },
      el("td", {}, el("a", { href: "#state", "data-collection": name, onclick: (event) => { event.preventDefault(); openCollection(name); } }, name)),
      el("td", { class: "number" }, count)));
  $("#collections tbody").replaceChildren(...rows);
  $("#collections-panel").hidden = !tenant;
}

async function openCollection(name, page = 1) {
  state.collection = name;
  state.page = page;
  await refreshCollectionPage();
  renderCollections(shared.tenants.find((tenant) => tenant.id === selectedTenant()));
  $("#collection-page").scrollIntoView({ block: "start" }); // below 34 rows it would open off screen
}

const cell = (value) => (value !== null && typeof value === "object" ? JSON.stringify(value) : value === null ? "null" : String(value));

async function refreshCollectionPage() {
  const tenant = selectedTenant();
  if (!state.collection || !tenant) {
    $("#collection-page").hidden = true;
    return;
  }
  const search = new FormData($("#collection-search")).get("search").trim();
  const data = await control("GET", `/collections/${encodeURIComponent(state.collection)}`, {
    tenant, query: { page: state.page, page_size: state.pageSize, search },
  });
  const columns = [...new Set(data.results.flatMap((document) => Object.keys(document)))];
  $("#collection-title").textContent = `${data.collection}: ${data.count} document${data.count === 1 ? "" : "s"}`;
  const pages = Math.max(1, Math.ceil(data.count / data.page_size));
  $("#collection-position").textContent = `page ${data.page} of ${pages}`;
  $("#collection-search [data-move='-1']").disabled = data.page <= 1;
  $("#collection-search [data-move='1']").disabled = data.page >= pages;
  $("#collection-table thead").replaceChildren(el("tr", {}, columns.map((column) => el("th", {}, column))));
  $("#collection-table tbody").replaceChildren(
    ...data.results.map((document) => el("tr", {}, columns.map((column) => {
      const text = column in document ? cell(document[column]) : "";
      return el("td", text.length > 60 ? { class: "long", title: text } : {}, text);
    }))));
  $("#collection-page").hidden = false;
}

async function refreshAkinon() {
  const tenant = selectedTenant();
  const shown = Boolean(tenant) && shared.apis.includes("akinon");
  $("#akinon-panel").hidden = !shown;
  if (!shown) return;
  const wantsCatalogue = $("#catalogues").open;
  const data = await control("GET", "/akinon/addresses", { tenant, query: { full: wantsCatalogue ? "1" : "" } });
  const counts = (part) => `${part.country} countries, ${part.city} cities, ${part.township} townships, ${part.district} districts`;
  const task = describeTask(data);
  const facts = [
    ["Task status", data.status], ["Setup required", data.is_required ? "yes" : "no"],
    ["Omnitron", counts(data.omnitron)], ["OMS", counts(data.oms)],
    ["Missing from OMS", `${data.missing_count}${data.missing.length ? ": " + data.missing.slice(0, 8).join(", ") + (data.missing_count > 8 ? ", …" : "") : ""}`],
    ["Task", task], ["Next outcomes", data.next_outcomes.join(", ") || "FINISHED (default)"],
    ["Task settings", `${data.settings.duration_seconds} s, ${data.settings.polls} polls`],
  ];
  $("#akinon-summary").replaceChildren(...facts.flatMap(([name, value]) => [el("dt", {}, name), el("dd", { "data-fact": name }, value)]));
  if (wantsCatalogue) {
    const omnitron = data.omnitron_addresses || {};
    const oms = data.oms_addresses || {};
    state.catalogue = [...new Set([...Object.keys(omnitron), ...Object.keys(oms)])].sort().map((path) => {
      const address = omnitron[path] || oms[path];
      return { path, name: address.name, level: address.level, postcode: address.postcode || "", omnitron: path in omnitron, oms: path in oms };
    });
    renderCatalogue();
  }
}

// The task as its state on the tenant's clock and what happens next, not its stored fields.
function describeTask({ task, status, now }) {
  if (!task) return "none yet: POST execute/ starts one";
  const ends = task.started_at + task.duration_seconds;
  const pollsLeft = Math.max(0, task.polls_needed - task.polls_seen);
  if (status === task.outcome) {
    const copied = task.copied ? `, ${task.copied} address${task.copied === 1 ? "" : "es"} copied` : "";
    return `${status} since ${when(ends)} UTC (started ${when(task.started_at)})${copied}`;
  }
  const wait = ends > now ? `at ${when(ends)} UTC, in ${Math.ceil(ends - now)} s on this tenant's clock` : "now";
  const polls = pollsLeft ? ` and after ${pollsLeft} more status poll${pollsLeft === 1 ? "" : "s"}` : "";
  return `${status} since ${when(task.started_at)} UTC: becomes ${task.outcome} ${wait}${polls}`;
}

function renderCatalogue() {
  const onlyMissing = $("#catalogue-nav [name=missing]").checked;
  const rows = onlyMissing ? state.catalogue.filter((row) => row.omnitron && !row.oms) : state.catalogue;
  const pages = Math.max(1, Math.ceil(rows.length / CATALOGUE_PAGE));
  state.cataloguePage = Math.min(Math.max(1, state.cataloguePage), pages);
  const start = (state.cataloguePage - 1) * CATALOGUE_PAGE;
  $("#catalogue-position").textContent = `page ${state.cataloguePage} of ${pages} (${rows.length} addresses)`;
  $("#catalogue-table tbody").replaceChildren(...rows.slice(start, start + CATALOGUE_PAGE).map((row) =>
    el("tr", {}, el("td", {}, row.path), el("td", {}, row.name), el("td", {}, row.level), el("td", {}, row.postcode),
      el("td", {}, row.omnitron ? "✓" : ""), el("td", {}, row.oms ? "✓" : ""))));
}

async function refreshFaults() {
  const tenant = selectedTenant();
  const data = await control("GET", "/faults", { tenant });
  $("#faults tbody").replaceChildren(...data.faults.map((fault) =>
    el("tr", {},
      el("td", {}, fault.tenant === "*" ? "every tenant" : tenantLabel(fault.tenant, fault.tenant_hint)),
      el("td", {}, fault.operation_id), el("td", {}, fault.status ?? ""), el("td", {}, fault.latency_ms ?? ""),
      el("td", {}, fault.probability ?? ""), el("td", {}, fault.times ?? ""),
      el("td", {}, el("button", { type: "button", onclick: () => clearFault(fault) }, "Clear")))));
}

async function refreshState() {
  await loadTenants();
  const tenant = shared.tenants.find((candidate) => candidate.id === selectedTenant());
  $("#tenant-empty").hidden = shared.tenants.length > 0;
  $("#tenant-reset").disabled = !tenant;
  renderCollections(tenant);
  await Promise.all([refreshClock(), refreshFaults(), refreshAkinon(), refreshCollectionPage()]);
}

// --- actions -------------------------------------------------------------------------------------

async function advanceClock(event) {
  event.preventDefault();
  const seconds = Number(new FormData(event.target).get("seconds"));
  const tenant = selectedTenant();
  await attempt(async () => {
    await control("POST", "/clock/advance", { tenant, body: { seconds } });
    notice(`${tenant ? "This tenant's" : "The fake's"} clock moved ${seconds} s forward.`, "info");
    await refreshState();
  });
}

async function toggleFreeze() {
  await attempt(async () => {
    const verb = $("#clock-freeze").dataset.frozen ? "/clock/release" : "/clock/freeze";
    await control("POST", verb, { tenant: selectedTenant() });
    await refreshClock();
  });
}

// A short key masks to "…" in every label: the credential itself finds its tenant. It goes to this
// fake only, as the Authorization header of a control call (which names that tenant), and is not kept.
async function findTenant(event) {
  event.preventDefault();
  const field = event.target.elements.credential;
  const credential = field.value.trim();
  if (!credential) return;
  await attempt(async () => {
    const found = await control("GET", "/tenants", { authorization: credential });
    field.value = "";
    if (!found.tenants.length) {
      notice("No tenant for that credential yet: it becomes one with its first API call.", "info");
      return;
    }
    await loadTenants();
    $("#tenant-select").value = found.tenants[0].id;
    state.collection = null;
    notice(`That credential's tenant is ${tenantLabel(found.tenants[0].id, found.tenants[0].hint)}.`, "info");
    await refreshState();
  });
}

async function resetTenant() {
  const tenant = selectedTenant();
  if (!tenant || !confirm(`Forget every piece of data of tenant ${$("#tenant-select").selectedOptions[0].textContent}?`)) return;
  await attempt(async () => {
    await control("POST", "/reset", { tenant });
    state.collection = null;
    notice("The tenant was reset: it starts again from the fixtures with its next call.", "info");
    await refreshState();
  });
}

async function queueOutcome(event) {
  event.preventDefault();
  const outcome = new FormData(event.target).get("outcome");
  await attempt(async () => {
    await control("POST", "/akinon/next-outcomes", { tenant: selectedTenant(), body: { outcomes: [outcome] } });
    await refreshAkinon();
  });
}

async function setFault(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const number = (name) => (form.get(name) === "" ? null : Number(form.get(name)));
  const body = {
    status: number("status"), latency_ms: number("latency_ms"), probability: number("probability"),
    times: number("times"), all_tenants: form.get("all_tenants") === "on",
  };
  await attempt(async () => {
    await control("PUT", `/faults/${encodeURIComponent(form.get("operation_id").trim())}`, { tenant: body.all_tenants ? "" : selectedTenant(), body });
    event.target.reset(); // set: the form is ready for the next rule
    await refreshFaults();
  });
}

async function clearFault(fault) {
  await attempt(async () => {
    // A rule for every tenant is cleared without naming one.
    await control("DELETE", "/faults", { tenant: fault.tenant === "*" ? "" : fault.tenant, query: { operation_id: fault.operation_id } });
    await refreshFaults();
  });
}

async function clearJournal() {
  const tenant = new FormData($("#journal-filters")).get("tenant");
  if (!confirm(tenant ? "Forget this tenant's requests?" : "Forget every recorded request?")) return;
  await attempt(async () => {
    await control("DELETE", "/journal", { tenant });
    journal.shown = "";
    await refreshJournal();
  });
}

// --- views and polling ---------------------------------------------------------------------------

const currentView = () => (location.hash === "#state" ? "state" : "journal");

async function refreshView() {
  if (currentView() === "state") await refreshState();
  else {
    // The journal needs the tenants only for its filter: counting every collection of every
    // tenant on each poll would be wasted work for the fake.
    const entries = await refreshJournal();
    const known = new Set(shared.tenants.map((tenant) => tenant.id));
    const unknown = entries.some((entry) => entry.tenant && !known.has(entry.tenant));
    if (unknown || Date.now() - shared.tenantsLoadedAt > TENANTS_EVERY_MS) await loadTenants();
  }
}

function showView() {
  const view = currentView();
  for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== view;
  for (const link of document.querySelectorAll("nav a[data-view]")) link.classList.toggle("current", link.dataset.view === view);
  return attempt(refreshView);
}

let polling = false;
async function poll() {
  if ($("#live").checked && !polling && !document.hidden) {
    polling = true;
    await attempt(refreshView);
    polling = false;
  }
}

function start() {
  $("#admin-token").value = sessionStorage.getItem(TOKEN_KEY) || "";
  $("#admin-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $("#admin-token").value);
    notice("");
    attempt(async () => {
      await loadOperationIds();
      await refreshView();
    });
  });
  $("#journal-filters").addEventListener("submit", (event) => {
    event.preventDefault();
    attempt(refreshJournal);
  });
  $("#journal-filters [name=tenant]").addEventListener("change", () => attempt(refreshJournal));
  $("#journal-clear").addEventListener("click", clearJournal);
  $("#clock-form").addEventListener("submit", advanceClock);
  $("#clock-freeze").addEventListener("click", toggleFreeze);
  $("#tenant-select").addEventListener("change", () => {
    state.collection = null;
    attempt(refreshState);
  });
  $("#tenant-reset").addEventListener("click", resetTenant);
  $("#tenant-find").addEventListener("submit", findTenant);
  $("#collection-search").addEventListener("submit", (event) => {
    event.preventDefault();
    state.page = 1;
    attempt(refreshCollectionPage);
  });
  for (const button of document.querySelectorAll("#collection-search [data-move]")) {
    button.addEventListener("click", () => {
      state.page += Number(button.dataset.move);
      attempt(refreshCollectionPage);
    });
  }
  $("#catalogues").addEventListener("toggle", () => attempt(refreshAkinon));
  $("#catalogue-nav [name=missing]").addEventListener("change", () => {
    state.cataloguePage = 1;
    renderCatalogue();
  });
  for (const button of document.querySelectorAll("#catalogue-nav [data-move]")) {
    button.addEventListener("click", () => {
      state.cataloguePage += Number(button.dataset.move);
      renderCatalogue();
    });
  }
  $("#outcome-form").addEventListener("submit", queueOutcome);
  $("#fault-form").addEventListener("submit", setFault);
  window.addEventListener("hashchange", showView);
  attempt(loadOperationIds);
  showView();
  setInterval(poll, POLL_MS);
}

start();
