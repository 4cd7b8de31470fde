// Provider Connect: everything below the page shell is drawn here from the JSON API.
(function () {
  "use strict";
  var root = document.getElementById("root");
  var variant = document.body.getAttribute("data-variant") === "b";
  var ids = variant
    ? {user: "login-user", pass: "login-secret", signin: "btn-login", member: "q-member", claim: "q-claim", search: "btn-find", results: "claim-table"}
    : {user: "username", pass: "password", signin: "sign-in", member: "member-id", claim: "claim-number", search: "search", results: "results"};
  var state = {user: null, tab: "claims", query: null, page: 1};

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "onclick" || k === "onsubmit") { el[k] = attrs[k]; } else { el.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { el.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return el;
  }
  function api(method, url, body) {
    return fetch(url, {method: method, credentials: "same-origin",
      headers: body ? {"Content-Type": "application/json"} : {}, body: body ? JSON.stringify(body) : undefined})
      .then(function (r) {
        return r.json().catch(function () { return {error: "server_error", message: "The service is unavailable (" + r.status + "). Please try again."}; })
          .then(function (data) { data._status = r.status; return data; });
      });
  }
  function money(v) { return v === null || v === undefined ? "" : "$" + Number(v).toLocaleString("en-US", {minimumFractionDigits: 2, maximumFractionDigits: 2}); }

  function signIn(message) {
    state.user = null;
    var err = message ? [h("div", {"class": "error", id: "signin-error"}, [message])] : [];
    var form = h("form", {onsubmit: function (e) {
      e.preventDefault();
      api("POST", "/api/login", {username: document.getElementById(ids.user).value, password: document.getElementById(ids.pass).value})
        .then(function (r) {
          if (r.error === "password_expired") { return changePassword(); }
          if (r.error) { return signIn(r.message); }
          state.user = r.user; draw();
        });
    }}, [
      h("div", {"class": "field"}, [h("label", {"for": ids.user}, ["Username"]), h("input", {id: ids.user, autocomplete: "username"})]),
      h("div", {"class": "field"}, [h("label", {"for": ids.pass}, ["Password"]), h("input", {id: ids.pass, type: "password"})]),
      h("button", {"class": "btn", id: ids.signin, type: "submit"}, [variant ? "Log in" : "Sign in"])
    ]);
    root.replaceChildren(h("div", {"class": "card signin"}, [h("h1", {}, ["Provider Connect"]), h("p", {}, ["Blue River Health Plan"])].concat(err, [form])));
  }
  function changePassword() {
    var form = h("form", {onsubmit: function (e) {
      e.preventDefault();
      api("POST", "/api/password", {current_password: document.getElementById("current-password").value,
                                    new_password: document.getElementById("new-password").value})
        .then(function (r) { signIn(r.error ? r.message : "Password changed. Sign in with your new password."); });
    }}, [
      h("div", {"class": "field"}, [h("label", {}, ["Current password"]), h("input", {id: "current-password", type: "password"})]),
      h("div", {"class": "field"}, [h("label", {}, ["New password"]), h("input", {id: "new-password", type: "password"})]),
      h("button", {"class": "btn", type: "submit", id: "change-password"}, ["Change password"])
    ]);
    root.replaceChildren(h("div", {"class": "card signin"}, [h("h1", {id: "password-expired"}, ["Your password has expired"]), form]));
  }
  function top() {
    function tab(name, label) {
      return h("button", {"class": state.tab === name ? "active" : "", id: "tab-" + name, onclick: function () { state.tab = name; draw(); }}, [label]);
    }
    return h("div", {"class": "top"}, [
      h("div", {"class": "logo"}, ["Blue River ", h("span", {}, ["Provider Connect"])]),
      h("nav", {}, [tab("claims", "Claims"), tab("payments", "Payments & EOBs")]),
      h("div", {"class": "who"}, [state.user + " · SUMMIT HOME MEDICAL SUPPLY",
        h("button", {id: "sign-out", onclick: function () { api("POST", "/api/logout").then(function () { signIn(); }); }}, ["Sign out"])])
    ]);
  }
  function handle(r) {
    if (r._status === 401) { signIn(r.message); return false; }
    if (r.error) { document.getElementById("panel-error").textContent = r.message; return false; }
    return true;
  }
  function claims() {
    var q = state.query || {memberId: "", claimNumber: ""};
    var results = h("div", {id: ids.results + "-area"}, []);
    var form = h("form", {"class": "searchbar", onsubmit: function (e) {
      e.preventDefault();
      state.query = {memberId: document.getElementById(ids.member).value, claimNumber: document.getElementById(ids.claim).value};
      state.page = 1; load();
    }}, [
      h("div", {"class": "field"}, [h("label", {"for": ids.member}, ["Member ID"]), h("input", {id: ids.member, value: q.memberId})]),
      h("div", {"class": "field"}, [h("label", {"for": ids.claim}, ["Claim number"]), h("input", {id: ids.claim, value: q.claimNumber})]),
      h("div", {"class": "field"}, [h("button", {"class": "btn", id: ids.search, type: "submit"}, ["Search"])])
    ]);
    function load() {
      results.replaceChildren(h("div", {"class": "loading", id: "searching"}, ["Searching…"]));
      var url = "/api/claims?memberId=" + encodeURIComponent(state.query.memberId) + "&claimNumber=" +
        encodeURIComponent(state.query.claimNumber) + "&page=" + state.page;
      api("GET", url).then(function (r) {
        if (!handle(r)) { results.replaceChildren(); return; }
        if (!r.items.length) { results.replaceChildren(h("p", {id: "no-results"}, ["No claims match your search."])); return; }
        var rows = r.items.map(function (c) {
          return h("tr", {"class": "claim", "data-claim": c.claimNumber || ""}, [
            h("td", {"class": "claim-number"}, [c.claimNumber || ""]), h("td", {}, [c.patientName]), h("td", {}, [c.patientAccount]),
            h("td", {}, [c.serviceFrom + " – " + c.serviceTo]), h("td", {"class": "money"}, [money(c.billed)]),
            h("td", {}, [h("span", {"class": "pill " + c.statusCategory, "data-category": c.statusCategory}, [c.status])]),
            h("td", {"class": "money plan-paid"}, [money(c.planPaid)]), h("td", {"class": "codes"}, [c.adjustmentCodes.join(" ")]),
            h("td", {}, [c.paymentDate || ""])]);
        });
        var table = h("table", {id: ids.results}, [h("thead", {}, [h("tr", {}, ["Claim #", "Patient", "Account", "Service dates", "Billed", "Status", "Plan paid", "Codes", "Paid on"].map(function (t) { return h("th", {}, [t]); }))]), h("tbody", {}, rows)]);
        var pager = h("div", {"class": "pager"}, [
          h("button", {"class": "btn secondary", id: "prev-page", onclick: function () { state.page -= 1; load(); }}, ["Previous"]),
          h("span", {id: "page-info"}, ["Page " + r.page + " of " + r.pages + " (" + r.total + " claims)"]),
          h("button", {"class": "btn secondary", id: "next-page", onclick: function () { state.page += 1; load(); }}, ["Next"])]);
        pager.firstChild.disabled = r.page <= 1; pager.lastChild.disabled = r.page >= r.pages;
        results.replaceChildren(table, pager);
      });
    }
    if (state.query) { setTimeout(load, 0); }
    return [h("div", {"class": "card"}, [h("h2", {}, ["Claim status"]), h("div", {"class": "error-slot", id: "panel-error"}, []), form]), h("div", {"class": "card"}, [results])];
  }
  function payments() {
    var list = h("div", {id: "payments-area"}, [h("div", {"class": "loading"}, ["Loading payments…"])]);
    api("GET", "/api/payments").then(function (r) {
      if (!handle(r)) { return; }
      var rows = r.items.map(function (p) {
        return h("tr", {"class": "payment"}, [h("td", {"class": "payment-number"}, [p.paymentNumber]), h("td", {}, [p.paymentDate]),
          h("td", {"class": "money"}, [money(p.amount)]), h("td", {}, [String(p.claims)]),
          h("td", {}, [h("a", {href: p.eobUrl, "class": "eob", download: ""}, ["EOB (PDF)"])])]);
      });
      list.replaceChildren(h("table", {id: "payments"}, [h("thead", {}, [h("tr", {}, ["Payment #", "Date", "Amount", "Claims", "EOB"].map(function (t) { return h("th", {}, [t]); }))]), h("tbody", {}, rows)]));
    });
    return [h("div", {"class": "card"}, [h("h2", {}, ["Payments and EOBs (last 30 days)"]), h("div", {id: "panel-error"}, []), list])];
  }
  function draw() {
    if (!state.user) { return signIn(); }
    var main = h("main", {}, state.tab === "claims" ? claims() : payments());
    root.replaceChildren(top(), main);
  }
  // Whether we are signed in is only known after the first API answer.
  api("GET", "/api/payments").then(function (r) {
    if (r._status === 401) { signIn(); } else { state.user = "signed in"; draw(); }
  });
})();
