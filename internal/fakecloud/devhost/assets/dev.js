// The dev Teams client: a chat with the bot and the personal tab beside it.
(function () {
  "use strict";
  const cfg = JSON.parse(document.body.dataset.config || "{}");
  const log = document.getElementById("log");
  const cards = new Map(); // activityId → list item holding its card
  document.getElementById("who").textContent = cfg.user ? "— signed in as " + cfg.user : "";
  document.getElementById("teams").src = cfg.teamsUrl || "";

  function item(cls) {
    const li = document.createElement("li");
    li.className = cls;
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
    return li;
  }

  function renderCard(li, activityId, card) {
    li.replaceChildren();
    if (!window.AdaptiveCards) {
      const pre = document.createElement("pre");
      pre.textContent = JSON.stringify(card, null, 2);
      li.appendChild(pre);
      return;
    }
    const ac = new window.AdaptiveCards.AdaptiveCard();
    ac.hostConfig = new window.AdaptiveCards.HostConfig({ fontFamily: "Segoe UI, system-ui, sans-serif" });
    ac.onExecuteAction = function (action) {
      if (action instanceof window.AdaptiveCards.OpenUrlAction) {
        window.open(action.url, "_blank", "noopener");
        return;
      }
      if (action instanceof window.AdaptiveCards.ExecuteAction || action instanceof window.AdaptiveCards.SubmitAction) {
        const data = Object.assign({}, action.data || {});
        fetch("chat/action", {
          method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ activityId: activityId, verb: action.verb || data.verb || "", data: data }),
        }).then(r => r.json()).then(res => {
          const b = res.body || {};
          if (b.type === "application/vnd.microsoft.card.adaptive" && b.value) {
            renderCard(li, activityId, b.value);
          } else if (b.type === "application/vnd.microsoft.activity.message" && b.value) {
            item("bot").textContent = String(b.value);
          } else if (b.type === "application/vnd.microsoft.error" && b.value) {
            item("bot").textContent = "Error: " + (b.value.message || "");
          }
        });
      }
    };
    ac.parse(card);
    const el = ac.render();
    if (el) li.appendChild(el);
  }

  function show(e) {
    if (e.op === "typing") return;
    if (e.op === "delete") { const li = cards.get(e.activityId); if (li) li.remove(); return; }
    let li = e.op === "update" ? cards.get(e.activityId) : null;
    if (!li) li = item("bot");
    li.replaceChildren();
    if (e.text) { const p = document.createElement("p"); p.textContent = e.text; li.appendChild(p); }
    for (const a of e.attachments || []) {
      if (a.contentType === "application/vnd.microsoft.card.adaptive") {
        const holder = document.createElement("div");
        li.appendChild(holder);
        renderCard(holder, e.activityId, a.content);
      } else if (a.contentType === "application/vnd.microsoft.card.oauth") {
        const p = document.createElement("p");
        p.textContent = (a.content && a.content.text) || "Sign in";
        li.appendChild(p);
      }
    }
    cards.set(e.activityId, li);
  }

  let next = 0;
  function poll() {
    fetch("chat/events?after=" + next).then(r => r.json()).then(res => {
      for (const e of res.events || []) show(e);
      next = res.next || next;
      poll();
    }).catch(() => setTimeout(poll, 2000));
  }

  document.getElementById("say").addEventListener("submit", function (ev) {
    ev.preventDefault();
    const input = document.getElementById("text");
    const text = input.value.trim();
    if (!text) return;
    item("me").textContent = text;
    input.value = "";
    fetch("chat/say", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text: text }) });
  });

  // Teams renders the markdown subset of TextBlocks; the Adaptive Cards
  // library leaves that to its host. Escape first, then bold, italics and
  // backslash escapes only: no links, no HTML from card text.
  function markdown(text, result) {
    const esc = String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
    const held = [];
    let out = esc.replace(/\\([\\`*_{}\[\]()#+\-.!~|])/g, (_, c) => { held.push(c); return "\u0000" + (held.length - 1) + "\u0000"; });
    out = out.replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>").replace(/(^|\W)_([^_]+)_(?=\W|$)/g, "$1<em>$2</em>");
    out = out.replace(/\u0000(\d+)\u0000/g, (_, i) => held[Number(i)]);
    result.outputHtml = out;
    result.didProcess = true;
  }

  if (cfg.rendererUrl) {
    const s = document.createElement("script");
    s.src = cfg.rendererUrl;
    s.onload = function () {
      if (window.AdaptiveCards) window.AdaptiveCards.AdaptiveCard.onProcessMarkdown = markdown;
      poll();
    };
    s.onerror = poll;
    document.head.appendChild(s);
  } else {
    poll();
  }
})();
