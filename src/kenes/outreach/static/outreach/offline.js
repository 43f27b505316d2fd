/* Kenes offline intake: entries are kept in localStorage and synced to a JSON endpoint.
   Each entry carries a client-generated UUID, the server's external id: a retried or repeated
   sync never stores anything twice. No third-party code. */
(function () {
  "use strict";
  var KEY = "kenes.outreach.queue.v1";
  var app = document.getElementById("offline-app");
  if (!app) { return; }
  var T = JSON.parse(document.getElementById("offline-i18n").textContent);
  var meetingSelect = document.getElementById("meeting");
  var queueList = document.getElementById("queue");
  var statusBox = document.getElementById("sync-status");
  var net = document.getElementById("net-status");
  var syncing = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(items) { localStorage.setItem(KEY, JSON.stringify(items)); }
  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function meetingLabel(id) {
    var opt = meetingSelect.querySelector('option[value="' + id + '"]');
    return opt ? opt.textContent : "#" + id;
  }
  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, k) { return values[k]; });
  }

  function render() {
    var items = load();
    queueList.textContent = "";
    document.getElementById("queue-empty").hidden = items.length > 0;
    items.forEach(function (it) {
      var li = document.createElement("li");
      li.className = "or-q or-q-" + it.state;
      li.setAttribute("data-uuid", it.uuid);
      li.setAttribute("data-state", it.state);
      var head = document.createElement("p");
      var strong = document.createElement("strong");
      strong.textContent = (it.type === "proposal" ? T.proposal : T.attendance) + " · " + T[it.state];
      head.appendChild(strong);
      if (it.code) {
        var code = document.createElement("span");
        code.className = "code-small";
        code.textContent = " · " + T.receipt + " " + it.code;
        head.appendChild(code);
      }
      li.appendChild(head);
      var body = document.createElement("p");
      body.className = "small";
      body.textContent = it.type === "proposal" ? it.text :
        Object.keys(it.counts).reduce(function (s, k) { return s + (it.counts[k] || 0); }, 0) + " " + T.people;
      li.appendChild(body);
      var meta = document.createElement("p");
      meta.className = "small muted";
      meta.textContent = it.meetingLabel + (it.message ? " — " + it.message : "");
      li.appendChild(meta);
      queueList.appendChild(li);
    });
  }

  function add(entry) {
    var items = load();
    entry.uuid = uuid();
    entry.state = "pending";
    entry.savedAt = new Date().toISOString();
    entry.meetingLabel = meetingLabel(entry.meeting);
    items.push(entry);
    save(items);
    render();
    statusBox.textContent = T.saved;
  }

  function showError(id, message) {
    var el = document.getElementById(id);
    el.textContent = message; el.hidden = !message;
  }

  document.getElementById("proposal-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = document.getElementById("p-text").value.trim();
    if (!meetingSelect.value) { showError("p-error", T.noMeeting); return; }
    if (text.length < 10) { showError("p-error", T.short); document.getElementById("p-text").focus(); return; }
    showError("p-error", "");
    add({type: "proposal", meeting: Number(meetingSelect.value), text: text,
         article: document.getElementById("p-article").value.trim(),
         language: document.getElementById("p-language").value});
    ev.target.reset();
    document.getElementById("p-text").focus();
  });

  document.getElementById("attendance-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var opt = meetingSelect.selectedOptions[0];
    if (!meetingSelect.value) { showError("a-error", T.noMeeting); return; }
    if (opt && opt.getAttribute("data-reportable") === "0") { showError("a-error", T.notYet); return; }
    var counts = {}, total = 0;
    ev.target.querySelectorAll("input[type=number]").forEach(function (input) {
      var n = parseInt(input.value || "0", 10);
      if (n > 0) { counts[input.name] = n; total += n; }
    });
    if (!total) { showError("a-error", T.noCounts); return; }
    showError("a-error", "");
    add({type: "attendance", meeting: Number(meetingSelect.value), counts: counts,
         minutes: document.getElementById("a-minutes").value.trim()});
    ev.target.reset();
  });

  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) { return decodeURIComponent(m[1]); }
    var input = app.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function payload(it) {
    var p = {uuid: it.uuid, type: it.type, meeting: it.meeting};
    if (it.type === "proposal") { p.text = it.text; p.article = it.article; p.language = it.language; }
    else { p.counts = it.counts; p.minutes = it.minutes; }
    return p;
  }

  async function sync() {
    if (syncing) { return; }
    var pending = load().filter(function (it) { return it.state === "pending"; });
    if (!pending.length) { statusBox.textContent = T.nothing; return; }
    syncing = true;
    statusBox.textContent = T.sending;
    var tally = {created: 0, duplicate: 0, problems: 0};
    try {
      for (var i = 0; i < pending.length; i += 100) {
        var chunk = pending.slice(i, i + 100);
        var response;
        try {
          response = await fetch(app.getAttribute("data-sync-url"), {
            method: "POST", credentials: "same-origin", cache: "no-store",
            headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
            body: JSON.stringify({items: chunk.map(payload)})
          });
        } catch (e) {
          statusBox.textContent = navigator.onLine ? T.failed : T.offline;
          return;
        }
        if (response.status === 403 || response.redirected) { statusBox.textContent = T.signin; return; }
        if (!response.ok) { statusBox.textContent = T.failed; return; }
        var data = await response.json();
        var byId = {};
        data.results.forEach(function (r) { byId[r.uuid] = r; });
        var items = load();
        items.forEach(function (it) {
          var r = byId[it.uuid];
          if (!r) { return; }
          it.state = r.status; it.message = r.message || ""; it.code = r.code || it.code || "";
          if (r.status === "created") { tally.created += 1; }
          else if (r.status === "duplicate") { tally.duplicate += 1; }
          else { tally.problems += 1; }
        });
        save(items);
        render();
      }
      statusBox.textContent = fmt(T.done, tally);
    } finally {
      syncing = false;
    }
  }

  document.getElementById("sync").addEventListener("click", sync);
  document.getElementById("clear-sent").addEventListener("click", function () {
    save(load().filter(function (it) { return it.state !== "created" && it.state !== "duplicate"; }));
    render();
  });

  function showNet() {
    net.textContent = navigator.onLine ? net.getAttribute("data-online") : net.getAttribute("data-offline");
    net.classList.toggle("or-offline", !navigator.onLine);
  }
  function syncIfPending() {
    if (navigator.onLine && load().some(function (it) { return it.state === "pending"; })) {
      statusBox.textContent = T.back;
      sync();
    }
  }
  // Back online (or opened online with entries waiting): send them without a tap.
  window.addEventListener("online", function () {
    showNet();
    syncIfPending();
  });
  window.addEventListener("offline", showNet);
  showNet();
  render();
  syncIfPending();

  /* Keep the page and its assets for offline use: the service worker serves them from the
     cache when the network fails. The page caches itself, so hashed static names work. */
  async function prepareOffline() {
    if (!("serviceWorker" in navigator) || !window.caches) { return; }
    try {
      await navigator.serviceWorker.register(app.getAttribute("data-sw-url"),
                                             {scope: app.getAttribute("data-scope")});
      if (navigator.onLine) {
        var urls = [location.pathname];
        document.querySelectorAll("link[rel=stylesheet], link[rel=manifest], link[rel=icon], script[src]")
          .forEach(function (el) { urls.push(el.getAttribute("href") || el.getAttribute("src")); });
        var cache = await caches.open("kenes-outreach-v1");
        await cache.addAll(urls);
      }
      await navigator.serviceWorker.ready;
      document.body.setAttribute("data-offline-ready", "1");
    } catch (e) {
      document.body.setAttribute("data-offline-ready", "0");
    }
  }
  prepareOffline();
})();
