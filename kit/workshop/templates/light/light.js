// Shared by the light pages. Everything a person typed is put on the page as text (textContent), never as HTML.
"use strict";
const kit = {
  async get(path, timeout = 8000) {
    return kit.call(path, { method: "GET" }, timeout);
  },
  async post(path, data, timeout = 8000) {
    return kit.call(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(data) }, timeout);
  },
  // {ok, status, data} for an answer from the server; throws kit.Offline when it could not be reached.
  async call(path, options, timeout) {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), timeout);
    let reply;
    try {
      reply = await fetch(path, { ...options, signal: ctrl.signal, cache: "no-store" });
    } catch (err) {
      throw new kit.Offline();
    } finally {
      clearTimeout(timer);
    }
    let data = {};
    try { data = await reply.json(); } catch (err) { data = { ok: false, error: "The server's answer was cut off. Try again." }; }
    return { ok: reply.ok && data.ok !== false, status: reply.status, data };
  },
  Offline: class extends Error {},
  el(tag, attrs = {}, text = "") {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text) node.textContent = text;
    return node;
  },
  status(node, kind, text) {
    node.className = "status " + kind;
    node.textContent = text;
  },
  code(text) {
    return String(text || "").toUpperCase().replace(/[^A-Z0-9]/g, "");
  },
  id() {
    return (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now()).replace(/-/g, "");
  },
  picture(box, picture) {
    box.replaceChildren();
    if (picture && picture.png) {
      const img = kit.el("img", { src: "data:image/png;base64," + picture.png, alt: picture.caption || "The room's picture" });
      box.append(img);
    }
  },
};
