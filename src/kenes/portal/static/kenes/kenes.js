// Keep the reader's place when switching language: carry the #fragment into `next`.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute("data-keep-hash") || !window.location.hash) return;
  var next = form.querySelector('input[name="next"]');
  if (next && next.value.indexOf("#") === -1) next.value += window.location.hash;
});

// Behaviours of the proposal pages (no inline scripts: the Content Security Policy forbids them).
(function () {
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    // The receipt's print button.
    var button = document.getElementById("print-receipt");
    if (button && window.print) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    }
    // The proposal's character counter.
    var text = document.getElementById("text"), out = document.getElementById("text-count"),
        live = document.getElementById("text-count-live");
    if (!text || !out || !out.dataset.count) return;
    var min = +text.dataset.min, max = +text.dataset.max, timer = null;
    function update(announce) {
      var n = text.value.replace(/\r\n/g, "\n").trim().length;
      var key = n < min ? "short" : (n > max ? "long" : "count");
      var message = out.dataset[key].replace("{n}", n);
      out.textContent = message;
      out.classList.toggle("counter-bad", key === "long" || (key === "short" && n > 0));
      if (!announce || !live) return;
      clearTimeout(timer);
      timer = setTimeout(function () { live.textContent = message; }, 1200);
    }
    text.addEventListener("input", function () { update(true); });
    update(false);
  });
})();

// Load htmx only where the page uses it (hx-* attributes), not on every page.
(function () {
  var me = document.currentScript;
  if (!me || !me.dataset.htmx) return;
  if (!document.querySelector("[hx-get],[hx-post],[hx-put],[hx-delete],[hx-trigger]")) return;
  var script = document.createElement("script");
  script.src = me.dataset.htmx;
  // htmx starts on DOMContentLoaded, which may have passed by now: start it on this page.
  script.onload = function () {
    if (window.htmx && document.readyState !== "loading") window.htmx.process(document.body);
  };
  document.head.appendChild(script);
})();

// Error summaries and "done" notices take the focus, so a screen reader hears them first.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("error-summary") || document.getElementById("check-ok");
  if (box && box.hasAttribute("tabindex") && document.activeElement === document.body) box.focus();
});

// A table wider than the screen scrolls in its .table-wrap: make that box reachable and
// scrollable by keyboard, named by the heading before it (pages that did not do so already).
document.addEventListener("DOMContentLoaded", function () {
  var boxes = document.querySelectorAll(".table-wrap:not([tabindex])");
  Array.prototype.forEach.call(boxes, function (box, i) {
    if (box.scrollWidth <= box.clientWidth) return;
    var heading = box.previousElementSibling;
    while (heading && !/^H[1-6]$/.test(heading.tagName)) heading = heading.previousElementSibling;
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "region");
    if (heading) {
      if (!heading.id) heading.id = "table-h-" + i;
      box.setAttribute("aria-labelledby", heading.id);
    } else {
      var caption = box.querySelector("caption");
      box.setAttribute("aria-label", caption ? caption.textContent.trim() : document.title);
    }
  });
});
