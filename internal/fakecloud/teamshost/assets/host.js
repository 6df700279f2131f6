// FlowDeck's fake Teams client: frames the tab and answers the
// @microsoft/teams-js v2 host protocol over postMessage.
//
// Requests from teams-js are {id, uuidAsString, func, args, ...}; the host
// answers {id, uuidAsString, args}. The host pushes events as {func, args}
// (themeChange). The tab's iframe runs in frame context "content"; the
// authentication popup that authentication.authenticate opens runs in
// "authentication" and reports back with authentication.authenticate.success
// or .failure, which answers the tab's pending authenticate call.
(function () {
  "use strict";
  var body = document.body;
  var cfg = JSON.parse(body.getAttribute("data-config") || "{}");
  var frame = document.getElementById("tab");
  var themeSelect = document.getElementById("theme");
  var logList = document.getElementById("log");
  var tabOrigin = new URL(cfg.tabUrl, location.href).origin;
  var theme = cfg.theme || "default";
  var pendingAuth = null; // {source, origin, request, popup, timer}

  // SDK version and runtime the host claims (runtime config apiVersion 4).
  var runtime = {
    apiVersion: 4,
    hostVersionsInfo: { adaptiveCardSchemaVersion: { majorVersion: 1, minorVersion: 5 } },
    isLegacyTeams: false,
    supports: {
      appInitialization: {},
      authentication: {},
      pages: { appButton: {}, tabs: {}, config: {}, backStack: {}, fullTrust: {} },
      teams: { fullTrust: {} },
      dialog: { card: {}, url: {}, update: {} },
      teamsCore: {},
      sharing: {},
      permissions: {}
    }
  };

  function log(text) {
    var li = document.createElement("li");
    li.textContent = text; // never HTML: arguments come from the tab
    logList.insertBefore(li, logList.firstChild);
    while (logList.childNodes.length > 50) {
      logList.removeChild(logList.lastChild);
    }
  }

  function reply(target, origin, request, args) {
    target.postMessage({ id: request.id, uuidAsString: request.uuidAsString, args: args }, origin);
  }

  function context(frameContext) {
    return {
      locale: cfg.locale,
      theme: theme,
      entityId: "dashboard",
      subEntityId: cfg.subEntityId || undefined,
      frameContext: frameContext,
      hostClientType: "web",
      hostName: "Teams",
      tid: cfg.user.tenantId,
      userObjectId: cfg.user.id,
      userPrincipalName: cfg.user.upn,
      loginHint: cfg.user.upn,
      userDisplayName: cfg.user.name,
      appSessionId: cfg.sessionId,
      sessionId: cfg.sessionId
    };
  }

  function getToken() {
    return fetch(cfg.tokenPath, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" })
      .then(function (resp) {
        return resp.json().then(function (body) {
          if (!resp.ok || !body.token) {
            throw new Error(body.error || "resourceDisabled");
          }
          return body.token;
        });
      });
  }

  function finishAuth(ok, result) {
    if (!pendingAuth) {
      return;
    }
    var p = pendingAuth;
    pendingAuth = null;
    clearInterval(p.timer);
    reply(p.source, p.origin, p.request, [ok, result]);
    body.setAttribute("data-auth", ok ? "success" : "failure");
    log("authenticate → " + (ok ? "success" : "failure: " + result));
    if (p.popup && !p.popup.closed) {
      p.popup.close();
    }
  }

  function authenticate(source, origin, request) {
    var url = String(request.args[0] || "");
    var width = Number(request.args[1]) || 600;
    var height = Number(request.args[2]) || 535;
    if (new URL(url, location.href).origin !== tabOrigin) {
      reply(source, origin, request, [false, "InvalidUrl"]); // Teams opens only valid domains
      return;
    }
    if (pendingAuth) {
      finishAuth(false, "CancelledByUser");
    }
    var popup = window.open(url, "flowdeck-auth", "width=" + width + ",height=" + height);
    if (!popup) {
      reply(source, origin, request, [false, "FailedToOpenWindow"]);
      return;
    }
    body.setAttribute("data-auth", "open");
    pendingAuth = { source: source, origin: origin, request: request, popup: popup, timer: 0 };
    // Teams reports a popup closed by the user as CancelledByUser.
    pendingAuth.timer = setInterval(function () {
      if (pendingAuth && pendingAuth.popup.closed) {
        finishAuth(false, "CancelledByUser");
      }
    }, 500);
  }

  function handle(event) {
    var request = event.data;
    if (!request || typeof request !== "object" || typeof request.func !== "string") {
      return;
    }
    var fromTab = event.source === frame.contentWindow;
    var fromPopup = pendingAuth !== null && event.source === pendingAuth.popup;
    if ((!fromTab && !fromPopup) || event.origin !== tabOrigin) {
      return; // only the tab and its sign-in popup speak to the host
    }
    var source = event.source;
    var origin = event.origin;
    var args = Array.isArray(request.args) ? request.args : [];
    log((fromTab ? "tab" : "popup") + ": " + request.func);
    switch (request.func) {
      case "initialize":
        reply(source, origin, request, [fromTab ? "content" : "authentication", "web", JSON.stringify(runtime), cfg.sdkVersion]);
        return;
      case "getContext":
        reply(source, origin, request, [context(fromTab ? "content" : "authentication")]);
        return;
      case "authentication.getAuthToken":
        getToken().then(function (token) {
          reply(source, origin, request, [true, token]);
        }, function (err) {
          reply(source, origin, request, [false, err.message]);
        });
        return;
      case "authentication.authenticate":
        if (fromTab) {
          authenticate(source, origin, request);
        }
        return;
      case "authentication.authenticate.success":
        if (fromPopup) {
          finishAuth(true, String(args[0] || ""));
        }
        return;
      case "authentication.authenticate.failure":
        if (fromPopup) {
          finishAuth(false, String(args[0] || "failed"));
        }
        return;
      case "appInitialization.appLoaded":
      case "appInitialization.success":
      case "appInitialization.failure":
      case "appInitialization.expectedFailure":
        if (fromTab) {
          body.setAttribute("data-app", request.func.split(".")[1]);
        }
        return;
      case "registerHandler":
        return; // events are pushed whether registered or not
      default:
        body.setAttribute("data-unhandled", request.func);
    }
  }

  function setTheme(next) {
    theme = next;
    body.setAttribute("data-theme", theme);
    themeSelect.value = theme;
    if (frame.contentWindow) {
      frame.contentWindow.postMessage({ func: "themeChange", args: [theme] }, tabOrigin);
    }
    log("host: themeChange " + theme);
  }

  window.addEventListener("message", handle);
  themeSelect.addEventListener("change", function () {
    setTheme(themeSelect.value);
  });
  body.setAttribute("data-theme", theme);
  themeSelect.value = theme;
  frame.src = cfg.tabUrl;
})();
