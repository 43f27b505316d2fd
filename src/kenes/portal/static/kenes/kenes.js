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
    // A form with errors: move the focus to its error summary.
    var box = document.getElementById("error-summary");
    if (box) box.focus();
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
