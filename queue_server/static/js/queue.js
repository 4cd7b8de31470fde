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

  // The validation view: a field's row outlines where it was read on the document's page.
  var fieldRows = Array.prototype.slice.call(document.querySelectorAll("tr[data-box]"));
  var doubtful = fieldRows.filter(function (r) { return r.classList.contains("review"); });
  var zoomButton = document.getElementById("zoom");
  var chosen = null;
  function zoom(card, on) {
    card.classList.toggle("zoomed", on);
    if (zoomButton) { zoomButton.textContent = on ? "Whole page" : "Zoom in"; }
  }
  function outline(row) {
    var wrap = document.querySelector('.page-wrap[data-page="' + row.getAttribute("data-page") + '"]');
    if (!wrap) { return; }
    var box = row.getAttribute("data-box").split(",").map(Number);
    var mark = document.getElementById("field-outline");
    if (!mark) { mark = document.createElement("div"); mark.id = "field-outline"; mark.className = "field-outline"; }
    var pad = 0.004;
    mark.style.left = ((box[0] - pad) * 100) + "%";
    mark.style.top = ((box[1] - pad) * 100) + "%";
    mark.style.width = ((box[2] - box[0] + 2 * pad) * 100) + "%";
    mark.style.height = ((box[3] - box[1] + 2 * pad) * 100) + "%";
    wrap.appendChild(mark);
    if (chosen) { chosen.classList.remove("chosen"); }
    chosen = row;
    row.classList.add("chosen");
    // Drawn large enough to read the glyphs, the outlined word brought to the middle of the document's pane.
    var card = wrap.closest(".evidence-card");
    if (card) { zoom(card, true); }
    mark.scrollIntoView({block: "center", inline: "center"});
  }
  fieldRows.forEach(function (row) {
    row.addEventListener("click", function () { outline(row); });
    row.addEventListener("keydown", function (event) {
      if (event.target !== row) { return; }  // typing a correction in the row's field
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); outline(row); }
    });
  });
  function step(by) {
    var list = doubtful.length ? doubtful : fieldRows;
    if (!list.length) { return false; }
    var at = list.indexOf(chosen);
    var next = list[(at + by + list.length) % list.length];
    next.focus();
    outline(next);
    return true;
  }
  if (zoomButton) {
    zoomButton.addEventListener("click", function () {
      var card = zoomButton.closest(".evidence-card");
      var zoomed = !card.classList.contains("zoomed");
      zoom(card, zoomed);
      var mark = document.getElementById("field-outline");
      if (zoomed && mark) { mark.scrollIntoView({block: "center", inline: "center"}); }
    });
  }
  // Opened to check fields: the first one to check is outlined at once, the page zoomed to it.
  var firstDoubt = doubtful[0];
  if (firstDoubt) {
    var firstPage = document.querySelector('.page-wrap[data-page="' + firstDoubt.getAttribute("data-page") + '"] img');
    if (firstPage && !firstPage.complete) { firstPage.addEventListener("load", function () { outline(firstDoubt); }); }
    else { outline(firstDoubt); }
  }
  var tickAll = document.getElementById("tick-all");
  if (tickAll) {
    tickAll.addEventListener("change", function () {
      document.querySelectorAll('input[name="item"][form="bulk-form"]').forEach(function (box) {
        box.checked = tickAll.checked;
      });
    });
  }
  var only = document.getElementById("only-review");
  if (only) {
    only.addEventListener("click", function () {
      var table = document.getElementById("fields");
      var hiding = table.classList.toggle("only-review");
      only.textContent = hiding ? "Show every field" : "Show only the fields to check";
      only.setAttribute("aria-pressed", hiding ? "true" : "false");
    });
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
    j: function () { return step(1); },
    k: function () { return step(-1); },
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
