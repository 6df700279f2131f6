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
    input.value = "";
    if (/^https:\/\/\S+$/.test(text)) { unfurl(text); return; }
    item("me").textContent = text;
    fetch("chat/say", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text: text }) });
  });

  // The compose box's message extension (compose.go): cards inserted from
  // it are the user's messages; their buttons go to the bot as
  // adaptiveCard/action invokes on that message.
  let mine = 0;
  function insertCard(card, text) {
    const li = item("me card");
    const id = "me-" + Date.now() + "-" + (++mine);
    if (text) { const p = document.createElement("p"); p.className = "unfurl-link"; p.textContent = text; li.appendChild(p); }
    const holder = document.createElement("div");
    li.appendChild(holder);
    renderCard(holder, id, card);
    cards.set(id, li);
  }
  function extension(body) { return (body && body.composeExtension) || {}; }
  function notice(ce) {
    const results = document.getElementById("me-results");
    results.replaceChildren();
    const li = document.createElement("li");
    if ((ce.type === "auth" || ce.type === "silentAuth") && ce.suggestedActions) {
      const a = document.createElement("a");
      a.href = ce.suggestedActions.actions[0].value; a.target = "_blank"; a.rel = "noopener";
      a.textContent = ce.suggestedActions.actions[0].title || "Sign in";
      li.appendChild(a);
    } else {
      li.textContent = ce.text || "FlowDeck did not answer.";
    }
    results.appendChild(li);
  }
  function unfurl(link) {
    post("compose/unfurl", { url: link }).then(res => {
      const ce = extension(res.body);
      const a = (ce.attachments || [])[0];
      if (ce.type === "result" && a) { insertCard(a.content, link); return; }
      if (res.status === 0) { item("me").textContent = link; return; }
      item("me").textContent = link;
      notice(ce);
    });
  }
  function post(path, body) {
    return fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }).then(r => r.json());
  }
  document.getElementById("me-search").addEventListener("submit", function (ev) {
    ev.preventDefault();
    const command = document.getElementById("me-command").value;
    const text = document.getElementById("me-text").value.trim();
    post("compose/search", { command: command, text: text }).then(res => {
      const ce = extension(res.body);
      if (ce.type !== "result") { notice(ce); return; }
      const results = document.getElementById("me-results");
      results.replaceChildren();
      for (const a of ce.attachments || []) {
        const p = (a.preview && a.preview.content) || {};
        const li = document.createElement("li");
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = p.title || "Result";
        b.dataset.tap = JSON.stringify((p.tap && p.tap.value) || {});
        if (p.subtitle) { const s = document.createElement("small"); s.textContent = p.subtitle; b.appendChild(s); }
        b.addEventListener("click", function () {
          post("compose/select", { value: (p.tap && p.tap.value) || {} }).then(res => {
            const sel = extension(res.body);
            const c = (sel.attachments || [])[0];
            if (sel.type === "result" && c) { insertCard(c.content, ""); results.replaceChildren(); } else notice(sel);
          });
        });
        li.appendChild(b);
        results.appendChild(li);
      }
      if (!(ce.attachments || []).length) notice({ text: "Nothing matches." });
    });
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
