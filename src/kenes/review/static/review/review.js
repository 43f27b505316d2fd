// Review screens: keyboard shortcuts and "select all on page". Everything also works without
// this file (plain links and forms); the shortcuts never act while the user types in a field.
(function () {
  "use strict";

  var NOT_TYPING = ["checkbox", "radio", "button", "submit", "reset", "image", "file"];

  function isTyping(el) {
    if (!el || !el.tagName) return false;
    if (el.isContentEditable) return true;
    var tag = el.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag === "INPUT") return NOT_TYPING.indexOf((el.type || "text").toLowerCase()) === -1;
    return false;
  }

  function toggleHelp() {
    var help = document.getElementById("kbd-help");
    if (!help) return;
    help.open = !help.open;
    if (help.open) {
      help.querySelector("summary").focus();
      help.scrollIntoView({ block: "nearest" });
    }
  }

  // ---- Queue -------------------------------------------------------------------------------
  function setupQueue(root) {
    var rows = Array.prototype.slice.call(root.querySelectorAll("[data-row]"));
    var selectPage = root.querySelector("[data-select-page]");
    var counter = root.querySelector("[data-selected-count]");
    var checks = rows.map(function (row) { return row.querySelector("[data-row-check]"); })
      .filter(Boolean);
    var countTemplate = root.getAttribute("data-selected-template") || "";

    function refresh() {
      var n = checks.filter(function (c) { return c.checked; }).length;
      if (selectPage) {
        selectPage.checked = n > 0 && n === checks.length;
        selectPage.indeterminate = n > 0 && n < checks.length;
      }
      if (counter) counter.textContent = n ? countTemplate.replace("%s", String(n)) : "";
      rows.forEach(function (row) {
        var c = row.querySelector("[data-row-check]");
        row.classList.toggle("rv-selected", !!(c && c.checked));
      });
    }
    if (selectPage) {
      selectPage.addEventListener("change", function () {
        checks.forEach(function (c) { c.checked = selectPage.checked; });
        refresh();
      });
    }
    checks.forEach(function (c) { c.addEventListener("change", refresh); });
    refresh();

    function currentIndex() {
      var active = document.activeElement;
      for (var i = 0; i < rows.length; i++) {
        if (rows[i].contains(active)) return i;
      }
      return -1;
    }
    function focusRow(i) {
      if (!rows.length) return;
      i = Math.max(0, Math.min(rows.length - 1, i));
      var link = rows[i].querySelector(".rv-row-link");
      link.focus();
      rows[i].scrollIntoView({ block: "nearest" });
    }

    return function (event) {
      var key = event.key;
      var i = currentIndex();
      if (key === "j" || key === "ArrowDown") {
        focusRow(i + 1);
      } else if (key === "k" || key === "ArrowUp") {
        focusRow(i < 0 ? 0 : i - 1);
      } else if (key === "x") {
        if (i < 0) { focusRow(0); i = 0; }
        var c = rows[i] && rows[i].querySelector("[data-row-check]");
        if (!c) return false;
        c.checked = !c.checked;
        refresh();
      } else if (key === "Enter" && i >= 0 && document.activeElement.tagName !== "A") {
        rows[i].querySelector(".rv-row-link").click();
      } else if (key === "/") {
        var q = document.getElementById("id_q");
        if (!q) return false;
        q.focus();
        q.select();
      } else {
        return false;
      }
      return true;
    };
  }

  // ---- One proposal ------------------------------------------------------------------------
  function setupProposal(root) {
    var form = root.querySelector("[data-answer-form]");
    function go(selector) {
      var link = root.querySelector(selector);
      if (link) window.location.href = link.href;
      return !!link;
    }
    return function (event) {
      var key = event.key;
      if (form && /^[1-9]$/.test(key)) {
        var radios = form.querySelectorAll('input[name="decision"]');
        var radio = radios[Number(key) - 1];
        if (!radio) return false;
        radio.checked = true;
        radio.dispatchEvent(new Event("change", { bubbles: true }));
        var reason = form.querySelector('[name="' + form.getAttribute("data-primary") + '"]');
        if (reason) reason.focus();
        return true;
      }
      if (key === "n") return go('.pager a[rel="next"]');
      if (key === "p") return go('.pager a[rel="prev"]');
      if (key === "u") return go("[data-key-queue]");
      return false;
    };
  }

  // Submit as the button of the fieldset being filled in would (the bulk form has three).
  function submitForm(form, from) {
    var fieldset = from && from.closest ? from.closest("fieldset") : null;
    var button = fieldset ? fieldset.querySelector('button[type="submit"]') : null;
    if (!button) button = form.querySelector('button[type="submit"]:not([name])');
    if (typeof form.requestSubmit === "function") form.requestSubmit(button || undefined);
    else if (button) button.click();
    else form.submit();
  }

  // WCAG 2.1.4: single-key shortcuts can be turned off; the choice is kept in this browser.
  var STORE = "kenes.review.shortcuts";
  function shortcutsOn() {
    try { return window.localStorage.getItem(STORE) !== "off"; } catch (e) { return true; }
  }
  function setupToggle() {
    var box = document.querySelector("[data-shortcuts-toggle]");
    if (!box) return;
    var input = box.querySelector("input");
    input.checked = shortcutsOn();
    box.hidden = false;
    input.addEventListener("change", function () {
      try { window.localStorage.setItem(STORE, input.checked ? "on" : "off"); } catch (e) { /* private mode */ }
    });
  }

  // Errors are shown in a summary at the top, and focus moves there (so does a confirmation).
  function focusOnLoad() {
    var target = document.querySelector("[data-error-summary]") ||
      document.querySelector("[data-focus-on-load]");
    if (!target) return;
    target.focus({ preventScroll: true });
    var top = target.getBoundingClientRect().top + window.scrollY - 16;
    window.scrollTo(0, Math.max(0, top));
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupToggle();
    focusOnLoad();
    var queue = document.querySelector("[data-review-queue]");
    var proposal = document.querySelector("[data-review-proposal]");
    var handler = queue ? setupQueue(queue) : proposal ? setupProposal(proposal) : null;
    var answerForm = document.querySelector("[data-answer-form]");

    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.isComposing) return;
      var target = event.target;
      // Ctrl+Enter (Cmd+Enter on a Mac) submits the form being filled in, or the answer.
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        var form = target && target.form ? target.form : (isTyping(target) ? null : answerForm);
        if (form) {
          event.preventDefault();
          submitForm(form, target);
        }
        return;
      }
      if (event.key === "Escape" && isTyping(target)) {
        target.blur();
        return;
      }
      if (event.altKey || event.ctrlKey || event.metaKey || isTyping(target)) return;
      if (!shortcutsOn()) return;
      if (event.key === "?") {
        event.preventDefault();
        toggleHelp();
        return;
      }
      if (handler && handler(event)) event.preventDefault();
    });
  });
})();
