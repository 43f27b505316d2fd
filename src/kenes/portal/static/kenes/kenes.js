// Keep the reader's place when switching language: carry the #fragment into `next`.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute("data-keep-hash") || !window.location.hash) return;
  var next = form.querySelector('input[name="next"]');
  if (next && next.value.indexOf("#") === -1) next.value += window.location.hash;
});

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
