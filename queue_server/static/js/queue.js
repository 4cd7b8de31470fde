// Keyboard shortcuts and the lease heartbeat. No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]');

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function focus(id) {
    var el = document.getElementById(id);
    if (!el) { return false; }
    el.scrollIntoView({block: "center"});
    el.focus();
    return true;
  }

  var keys = {
    n: function () { var f = document.getElementById("next-form") || document.getElementById("next-form-any");
                     if (f) { f.submit(); return true; } return false; },
    "/": function () { if (!focus("search")) { window.location.href = "/#search"; } return true; },
    r: function () { return focus("outcome"); },
    s: function () { return focus("until"); },
    e: function () { return focus("escalate-note"); },
    a: function () { return focus("note"); },
    q: function () { window.location.href = "/"; return true; },
    "?": function () { var d = document.getElementById("help"); if (d && d.showModal) { d.showModal(); } return true; }
  };

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && typing(event.target)) { event.target.blur(); return; }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var action = keys[event.key];
    if (action && action()) { event.preventDefault(); }
  });

  var help = document.querySelector("[data-help]");
  if (help) { help.addEventListener("click", keys["?"]); }

  if (window.location.hash === "#search") { focus("search"); }

  // Keep the lease while the item page is open and visible; it lapses on its own otherwise.
  var holder = document.querySelector("[data-heartbeat]");
  if (holder && csrf) {
    var url = holder.getAttribute("data-heartbeat");
    setInterval(function () {
      if (document.visibilityState !== "visible") { return; }
      fetch(url, {method: "POST", headers: {"X-CSRFToken": csrf.content}, credentials: "same-origin"});
    }, 120000);
  }
})();
