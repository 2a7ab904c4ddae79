// The presenter view: join address and code large, the room's picture and counts, refreshed every second.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const code = kit.code(new URLSearchParams(location.search).get("code"));
  let version = 0;
  $("code").textContent = code || "------";
  async function poll() {
    try {
      const reply = await kit.get(`/kit/api/room?code=${encodeURIComponent(code)}&since=${version}`, 4000);
      if (!reply.ok) {
        kit.status($("status"), "error", reply.data.error);
      } else {
        const d = reply.data;
        $("status").textContent = "";
        $("status").className = "status";
        $("address").textContent = d.address.replace(/^https?:\/\//, "");
        $("title").textContent = d.title;
        document.title = `${d.code}: ${d.title}`;
        $("people").textContent = String(d.people);
        $("people-label").textContent = d.people === 1 ? "person has answered" : "people have answered";
        $("closed").classList.toggle("hidden", d.status === "open");
        if (d.picture) {
          version = d.version;
          kit.picture($("picture"), d.picture);
          $("caption").textContent = d.picture.caption || "";
        }
      }
    } catch (err) {
      kit.status($("status"), "offline", "Lost connection to the workshop server; showing the last picture.");
    }
    setTimeout(poll, 1000);
  }
  poll();
})();
