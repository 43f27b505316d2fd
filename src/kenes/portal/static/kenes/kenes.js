// Keep the reader's place when switching language: carry the #fragment into `next`.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute("data-keep-hash") || !window.location.hash) return;
  var next = form.querySelector('input[name="next"]');
  if (next && next.value.indexOf("#") === -1) next.value += window.location.hash;
});
