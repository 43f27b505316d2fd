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
  document.head.appendChild(script);
})();

// Error summaries and "done" notices take the focus, so a screen reader hears them first.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("error-summary") || document.getElementById("check-ok");
  if (box && box.hasAttribute("tabindex") && document.activeElement === document.body) box.focus();
});
