// FlowDeck /auth/end: tells Teams how the sign-in popup ended. The outcome
// comes from the page's data attributes; the script is a static file because
// FlowDeck's Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";
  var body = document.body;
  var outcome = body.getAttribute("data-outcome");
  var result = body.getAttribute("data-result") || "failed";
  var teams = window.microsoftTeams;
  if (!teams || !teams.app || !teams.authentication) {
    return; // a plain browser: the page's text says what happened
  }
  teams.app.initialize().then(function () {
    if (outcome === "success") {
      teams.authentication.notifySuccess(result);
    } else {
      teams.authentication.notifyFailure(result);
    }
  }).catch(function () {
    // Not inside Teams after all: the page's text says what happened.
  });
})();
