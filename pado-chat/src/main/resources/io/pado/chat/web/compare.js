// The comparison page: starts a server-side run and shows its live counters (it polls /compare/status, which is
// fine for a control page; the chat itself uses a WebSocket).
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const names = {SHORT_POLLING: "short polling", SHORT_POLLING_KEEP_ALIVE: "short, keep-alive",
    LONG_POLLING: "long polling", LONG_POLLING_KEEP_ALIVE: "long, keep-alive", WEBSOCKET: "WebSocket"};
  const metrics = [["requests", "HTTP requests"], ["connections", "TCP connections"], ["headerBytes", "header bytes"],
    ["payloadBytes", "payload bytes"], ["messagesPerSecond", "messages per second"],
    ["medianMillis", "median latency (ms)"], ["p99Millis", "p99 latency (ms)"]];
  let timer = null;

  function render(s) {
    $("state").textContent = s.running ? "running…" : (s.results ? "done" : "idle");
    if (!s.results) return;
    $("rows").replaceChildren(...s.results.map((r) => {
      const tr = document.createElement("tr");
      tr.dataset.transport = r.transport;
      [names[r.transport], r.requests, r.connections, r.headerBytes, r.payloadBytes, r.messages,
        r.messagesPerSecond.toFixed(1), r.medianMillis.toFixed(2), r.p99Millis.toFixed(2)].forEach((v) => {
        const td = document.createElement("td");
        td.textContent = v;
        tr.append(td);
      });
      return tr;
    }));
    $("charts").replaceChildren(...metrics.map(([key, title]) => {
      const div = document.createElement("div");
      div.className = "chart";
      const h = document.createElement("h3");
      h.textContent = title;
      div.append(h);
      const max = Math.max(1e-9, ...s.results.map((r) => r[key]));
      s.results.forEach((r) => {
        const bar = document.createElement("div");
        bar.className = "bar";
        const label = document.createElement("span");
        label.textContent = names[r.transport];
        const fill = document.createElement("span");
        fill.className = "fill" + (r.transport === "WEBSOCKET" ? " ws" : "");
        fill.style.width = (12 * r[key] / max).toFixed(2) + "rem";
        const value = document.createElement("span");
        value.textContent = Number.isInteger(r[key]) ? r[key] : r[key].toFixed(2);
        bar.append(label, fill, value);
        div.append(bar);
      });
      return div;
    }));
    if (!s.running && timer) { clearInterval(timer); timer = null; $("run").disabled = false; }
  }

  async function status() {
    const r = await fetch("/compare/status", {cache: "no-store"});
    render(await r.json());
  }

  $("run-form").onsubmit = async (e) => {
    e.preventDefault();
    const q = new URLSearchParams({clients: $("clients").value, seconds: $("seconds").value, rate: $("rate").value});
    const r = await fetch("/compare/run", {method: "POST", body: q, cache: "no-store"});
    if (!r.ok) { $("state").textContent = await r.text(); return; }
    $("run").disabled = true;
    render(await r.json());
    timer = setInterval(status, 500);
  };
  status();
})();
