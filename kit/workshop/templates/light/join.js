// The participant's light page: join, the app's declared form, send (kept and resent once after a lost connection).
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const client = localStorage.getItem("kit-client") || kit.id();
  localStorage.setItem("kit-client", client);
  const state = { code: "", name: "", form: null, app: "", pending: null, pictureVersion: 0, online: true, retrying: false };

  const params = new URLSearchParams(location.search);
  if (params.get("code")) $("code").value = params.get("code");
  $("name").value = localStorage.getItem("kit-name") || "";

  $("join-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = kit.code($("code").value), name = $("name").value.trim().replace(/\s+/g, " ");
    if (!code) return kit.status($("join-status"), "error", "Type the join code shown on the facilitator's screen.");
    if (!name) return kit.status($("join-status"), "error", "Type your name (or a nickname) so the facilitator can see who answered.");
    if (name.length > 80) return kit.status($("join-status"), "error", `Your name is ${name.length} characters long; please keep it to at most 80.`);
    kit.status($("join-status"), "info", "Joining...");
    let reply;
    try {
      reply = await kit.get("/kit/api/session?code=" + encodeURIComponent(code));
    } catch (err) {
      return kit.status($("join-status"), "offline", "Lost connection to the workshop server. Check the Wi-Fi, then press Join again.");
    }
    if (!reply.ok) return kit.status($("join-status"), "error", reply.data.error);
    if (reply.data.status !== "open") return kit.status($("join-status"), "error", `Session ${reply.data.code} is closed. Ask the facilitator for the current join code.`);
    localStorage.setItem("kit-name", name);
    Object.assign(state, { code: reply.data.code, name, form: reply.data.form, app: reply.data.app, pictureVersion: 0 });
    document.title = reply.data.form.title;
    $("app-title").textContent = reply.data.form.title;
    $("session-title").textContent = `You joined ${reply.data.code}: ${reply.data.title}. Your name: ${name}.`;
    drawForm(reply.data.form, reply.data.state || {});
    $("join-card").classList.add("hidden");
    $("form-card").classList.remove("hidden");
    $("room-card").classList.remove("hidden");
    kit.status($("send-status"), "info", "Fill in the form and press " + reply.data.form.send_label + ".");
    pollRoom();
  });

  $("change-session").addEventListener("click", () => {
    state.code = "";
    $("join-card").classList.remove("hidden");
    $("form-card").classList.add("hidden");
    $("room-card").classList.add("hidden");
    $("session-title").textContent = "";
    kit.status($("join-status"), "info", "Type the new join code and press Join.");
  });

  function choices(name, options, labelledBy) {
    const box = kit.el("div", { class: "choices", role: "radiogroup", "aria-labelledby": labelledBy });
    for (const [label, value] of options) {
      const wrap = kit.el("label");
      const input = kit.el("input", { type: "radio", name, value: String(value) });
      wrap.append(input, kit.el("span", {}, label));
      box.append(wrap);
    }
    return box;
  }

  function drawForm(form, published) {
    const host = $("answer-form");
    host.replaceChildren();
    $("form-intro").textContent = form.intro;
    form.fields.forEach((f, i) => {
      const id = "f-" + i;
      const item = kit.el("div", { class: "item" });
      if (f.kind === "text" || f.kind === "list") {
        item.append(kit.el("label", { for: id, dir: "auto" }, f.label));
        if (f.help) item.append(kit.el("small", {}, f.help));
        const input = f.kind === "list" ? kit.el("textarea", { id, rows: "3", name: f.name, maxlength: "4000", dir: "auto" })
                                        : kit.el("input", { id, type: "text", name: f.name, maxlength: "500", dir: "auto", autocomplete: "off" });
        input.placeholder = f.placeholder || "";
        if (f.suggestions.length) {
          const list = kit.el("datalist", { id: id + "-list" });
          for (const s of f.suggestions) list.append(kit.el("option", { value: s }));
          input.setAttribute("list", id + "-list");
          item.append(list);
        }
        item.append(input);
      } else if (f.kind === "choice" || f.kind === "scale") {
        item.append(kit.el("div", { class: "label", id: id + "-label", dir: "auto" }, f.label));
        item.append(choices(f.name, f.options, id + "-label"));
      } else if (f.kind === "ballot") {
        const titles = (published[f.source] || {}).titles || [];
        if (!titles.length) {
          item.append(kit.el("p", {}, "The facilitator has not sent the titles yet. Wait a moment, then press Join another session and Join again."));
        }
        titles.forEach(([key, title], n) => {
          const row = kit.el("div", { class: "item" });
          row.append(kit.el("div", { class: "title", id: `${id}-${n}-label`, dir: "auto" }, `${n + 1}. ${title}`));
          row.append(choices(`vote-${key}`, [["Include", "include"], ["Exclude", "exclude"]], `${id}-${n}-label`));
          item.append(row);
        });
      }
      host.append(item);
    });
    const send = kit.el("button", { type: "submit", class: "primary", id: "send" }, form.send_label);
    host.append(send);
    host.onsubmit = (event) => { event.preventDefault(); send_(collect(form)); };
  }

  function collect(form) {
    const host = $("answer-form"), answer = {};
    for (const f of form.fields) {
      if (f.kind === "text" || f.kind === "list") answer[f.name] = host.querySelector(`[name="${f.name}"]`).value;
      else if (f.kind === "choice" || f.kind === "scale") {
        const picked = host.querySelector(`input[name="${f.name}"]:checked`);
        answer[f.name] = picked ? picked.value : null;
      } else if (f.kind === "ballot") {
        answer[f.name] = [...host.querySelectorAll('input[name^="vote-"]:checked')].map((r) => r.name.slice(5) + "=" + r.value);
      }
    }
    return answer;
  }

  async function send_(answer) {
    state.pending = { code: state.code, name: state.name, client, request: kit.id(), answer };
    $("send").disabled = true;
    kit.status($("send-status"), "info", "Sending your answer...");
    await trySend(false);
  }

  async function trySend(again) {
    const sending = state.pending;
    if (!sending) return;
    let reply;
    try {
      reply = await kit.post("/kit/api/answer", sending);
    } catch (err) {
      state.online = false;
      kit.status($("send-status"), "offline", "Lost connection to the workshop server: your answer is NOT saved yet. " +
        "It is kept on this page and will be sent once, as soon as the server answers again. Keep this page open.");
      $("send").disabled = false;
      if (!state.retrying) { state.retrying = true; setTimeout(retry, 2000); }
      return;
    }
    state.online = true;
    if (state.pending === sending) state.pending = null;
    $("send").disabled = false;
    if (!reply.ok) return kit.status($("send-status"), "error", "Your answer was NOT saved. " + reply.data.error);
    const saved = state.form.saved.replace("{time}", reply.data.saved_at);
    kit.status($("send-status"), "ok", again ? saved + " (sent when the connection came back)" : saved);
  }

  async function retry() {
    state.retrying = false;
    if (state.pending) await trySend(true);
  }

  async function pollRoom() {
    const code = state.code;
    if (!code) return;
    try {
      const reply = await kit.get(`/kit/api/room?code=${encodeURIComponent(code)}&since=${state.pictureVersion}`);
      if (!state.online && !state.pending) kit.status($("send-status"), "info", "Connected again.");
      state.online = true;
      if (reply.ok) {
        const d = reply.data;
        $("room-counts").textContent = `${d.people} ${d.people === 1 ? "person has" : "people have"} answered` +
          (d.status === "open" ? "." : ". The session is closed: no more answers are accepted.");
        if (d.picture) {
          state.pictureVersion = d.version;
          kit.picture($("room-picture"), d.picture);
          $("room-caption").textContent = d.picture.caption || "";
        }
      }
    } catch (err) {
      if (state.online && !state.pending) kit.status($("send-status"), "offline", "Lost connection to the workshop server. Answers cannot be sent until it is back; keep this page open.");
      state.online = false;
    }
    setTimeout(pollRoom, 4000 + Math.random() * 2000);
  }
})();
