// The System Overview: the overview, nodes and audit of the REST API, polled every second with the
// token the user signed in with (kept for this tab only). Viewers see no buttons.
"use strict";

const POLL_MS = 1000;
const SPARK_POINTS = 60;
const history = new Map(); // virtual service -> recent connection counts
let token = sessionStorage.getItem("fulcrum-token");
let role = null;
let timer = null;

const $ = (selector) => document.querySelector(selector);

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  children.forEach((child) => node.append(child));
  return node;
}

async function api(method, path, body) {
  const headers = { Authorization: "Bearer " + token, Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/merge-patch+json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) {
    signOut("The token was refused (401): sign in again.");
    throw new Error("unauthorized");
  }
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error((json && (json.detail || json.title)) || response.status);
  return { json, stale: response.headers.get("Fulcrum-Stale") };
}

async function signIn(candidate) {
  token = candidate;
  try {
    const session = (await api("GET", "/api/v1/session")).json;
    role = session.role;
    sessionStorage.setItem("fulcrum-token", token);
    $("#who").textContent = session.principal + " (" + session.role + ")";
    $("#session").hidden = false;
    $("#sign-in").hidden = true;
    $("#view").hidden = false;
    document.body.dataset.role = role;
    refresh();
    timer = setInterval(refresh, POLL_MS);
  } catch (e) {
    $("#sign-in-error").textContent = "Sign-in failed: " + e.message;
    token = null;
  }
}

function signOut(message) {
  clearInterval(timer);
  sessionStorage.removeItem("fulcrum-token");
  token = null;
  role = null;
  $("#view").hidden = true;
  $("#session").hidden = true;
  $("#sign-in").hidden = false;
  $("#sign-in-error").textContent = message || "";
}

function sparkline(name, connections) {
  const points = history.get(name) || [];
  points.push(connections);
  if (points.length > SPARK_POINTS) points.shift();
  history.set(name, points);
  const max = Math.max(1, ...points);
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "spark");
  svg.setAttribute("width", "90");
  svg.setAttribute("height", "18");
  svg.setAttribute("viewBox", "0 0 " + (SPARK_POINTS - 1) + " 18");
  const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  line.setAttribute("points", points.map((value, i) => (SPARK_POINTS - points.length + i) + "," + (17 - (value / max) * 16)).join(" "));
  svg.append(line);
  return svg;
}

function stateButton(service, server, state, label) {
  const button = element("button", { type: "button", "data-action": state, text: label });
  button.disabled = server.state === state;
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await api("PATCH", "/api/v1/virtual-services/" + encodeURIComponent(service.name) + "/real-servers/"
        + encodeURIComponent(server.label), { state });
      refresh();
    } catch (e) {
      $("#status-line").textContent = "Could not set " + server.label + " to " + state + ": " + e.message;
    }
  });
  return button;
}

function renderServices(overview) {
  const body = $("#services tbody");
  body.replaceChildren();
  for (const service of overview.virtualServices) {
    const row = element("tr", { class: "service", "data-vs": service.name },
      element("td", { text: service.name }),
      element("td", { text: service.address }),
      element("td", { text: service.ports.join(", ") }),
      element("td", { class: "connections" }, service.connections + "", sparkline(service.name, service.connections)),
      element("td", { text: service.protocol.toUpperCase() }),
      element("td", { text: "L" + service.layer }),
      element("td", { class: "status status-" + service.status, text: service.status }),
      element("td", { text: (service.activeNodes || []).join(", ") || "none" }));
    body.append(row);
    for (const server of service.realServers) {
      const actions = element("td", { class: "actions" });
      if (role === "operator" || role === "admin") {
        actions.append(stateButton(service, server, "drain", "Drain"), stateButton(service, server, "halt", "Halt"),
          stateButton(service, server, "online", "Online"));
      }
      body.append(element("tr", { class: "server", "data-rs": service.name + "/" + server.label,
          "data-health": server.health, "data-state": server.state },
        element("td", {}, element("span", { class: "health health-" + server.health, title: server.healthReason || server.health }),
          server.label),
        element("td", { text: server.address }),
        element("td", { text: server.port === null ? "(follows)" : String(server.port) }),
        element("td", { text: String(server.connections) }),
        element("td", { text: String(server.weight) }),
        element("td", { text: server.health, title: server.healthReason || "" }),
        element("td", { class: "state-" + server.state, text: server.state }),
        actions));
    }
  }
}

function renderNodes(nodes, configVersion) {
  const body = $("#nodes tbody");
  body.replaceChildren();
  for (const node of nodes) {
    const age = node.lastReport ? Math.round((Date.now() - Date.parse(node.lastReport)) / 1000) + " s ago" : "never";
    const behind = node.connected && node.appliedVersion < configVersion;
    const held = node.heldAddresses || [];
    body.append(element("tr", { "data-node": node.id },
      element("td", { text: node.id }),
      element("td", { class: node.connected ? "" : "stale", text: node.state }),
      element("td", { class: behind ? "stale" : "", text: node.appliedVersion + (behind ? " (behind " + configVersion + ")" : "") }),
      element("td", { text: age }),
      element("td", { text: held.length ? "Active for " + held.join(", ") : "Passive" })));
  }
}

function renderAudit(entries) {
  const body = $("#audit tbody");
  body.replaceChildren();
  for (const entry of entries.slice(0, 10)) {
    body.append(element("tr", {},
      element("td", { text: new Date(entry.at).toLocaleString() }),
      element("td", { text: entry.principal }),
      element("td", { text: entry.action }),
      element("td", { text: entry.resource }),
      element("td", { text: String(entry.configVersion) })));
  }
}

async function refresh() {
  if (!token) return;
  try {
    const [overview, nodes, audit] = await Promise.all([api("GET", "/api/v1/overview"), api("GET", "/api/v1/nodes"),
      api("GET", "/api/v1/audit?limit=10")]);
    renderServices(overview.json);
    renderNodes(nodes.json, overview.json.configVersion);
    renderAudit(audit.json);
    $("#status-line").textContent = "Configuration version " + overview.json.configVersion + ", updated "
      + new Date().toLocaleTimeString() + (overview.stale ? " (stale: the database is unreachable)" : "");
  } catch (e) {
    if (token) $("#status-line").textContent = "Update failed: " + e.message;
  }
}

$("#sign-in").addEventListener("submit", (event) => {
  event.preventDefault();
  signIn($("#token").value.trim());
});
$("#sign-out").addEventListener("click", () => signOut());
if (token) signIn(token); else signOut();
