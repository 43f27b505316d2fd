/* Kenes — verify a receipt in the citizen's own browser (/ledger/verify/).
 *
 * Fetches the receipt's ledger entries, the signed checkpoint and RFC 9162 inclusion proofs
 * from /api/ledger and checks them here with WebCrypto: SHA-256 for the Merkle hashing,
 * Ed25519 for the checkpoint signature (C2SP signed-note) and the witnesses' cosignatures
 * (C2SP tlog-cosignature), and the salted commitment to the text when the secret and text
 * are given. Nothing typed into the form is sent anywhere. All words come from the page
 * (translated there); this file holds none.
 */
(function () {
  "use strict";
  var form = document.getElementById("verify-form");
  var box = document.getElementById("verify-result");
  var msgEl = document.getElementById("verify-messages");
  if (!form || !box || !msgEl) return;
  var M = msgEl.dataset;
  var API = form.dataset.api || "/api/ledger";
  var labelsEl = document.getElementById("decision-labels");
  var DECISIONS = labelsEl ? JSON.parse(labelsEl.textContent) : {};
  var enc = new TextEncoder();

  // ------------------------------------------------------------------ bytes and hashes
  function concat() {
    var total = 0, i, off = 0;
    for (i = 0; i < arguments.length; i++) total += arguments[i].length;
    var out = new Uint8Array(total);
    for (i = 0; i < arguments.length; i++) { out.set(arguments[i], off); off += arguments[i].length; }
    return out;
  }
  function equal(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  function fromHex(h) {
    if (typeof h !== "string" || !/^([0-9a-f]{2})*$/i.test(h)) throw new Error("bad hex");
    var out = new Uint8Array(h.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(h.substr(2 * i, 2), 16);
    return out;
  }
  function toHex(b) {
    return Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }
  function fromB64(s) {
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }
  var LEAF = new Uint8Array([0]), NODE = new Uint8Array([1]);
  function hashLeaf(data) { return sha256(concat(LEAF, data)); }
  function hashChildren(l, r) { return sha256(concat(NODE, l, r)); }

  // RFC 9162 section 2.1.3.2: the root implied by an inclusion proof.
  async function rootFromInclusion(leafHash, index, size, proof) {
    if (!(index >= 0 && index < size)) throw new Error("index outside the tree");
    var fn = index, sn = size - 1, r = leafHash;
    for (var i = 0; i < proof.length; i++) {
      var p = proof[i];
      if (p.length !== 32) throw new Error("proof hash of the wrong length");
      if (sn === 0) throw new Error("proof too long");
      if (fn % 2 === 1 || fn === sn) {
        r = await hashChildren(p, r);
        if (fn % 2 === 0) {
          while (fn !== 0 && fn % 2 === 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
        }
      } else {
        r = await hashChildren(r, p);
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    if (sn !== 0) throw new Error("proof too short");
    return r;
  }

  // ------------------------------------------------------------------ keys and notes
  function parseVkey(vkey) {
    vkey = vkey.trim();
    var a = vkey.indexOf("+"), b = vkey.indexOf("+", a + 1);
    if (a < 1 || b < 0) throw new Error("bad key");
    var name = vkey.slice(0, a), id = vkey.slice(a + 1, b), blob = fromB64(vkey.slice(b + 1));
    if (!/^[0-9a-f]{8}$/.test(id) || blob.length !== 33) throw new Error("bad key");
    return { name: name, id: id, type: blob[0], pub: blob.slice(1) };
  }
  async function keyIdMatches(key) {
    var h = await sha256(concat(enc.encode(key.name), new Uint8Array([0x0a, key.type]), key.pub));
    return toHex(h.slice(0, 4)) === key.id;
  }
  function parseNote(note) {
    var cut = note.lastIndexOf("\n\n");
    if (cut < 0) throw new Error("not a signed note");
    var text = note.slice(0, cut + 1), sigs = [];
    note.slice(cut + 2).split("\n").forEach(function (line) {
      if (!line) return;
      var m = /^\u2014 (\S+) (\S+)$/.exec(line);
      if (!m) throw new Error("bad signature line");
      var blob = fromB64(m[2]);
      sigs.push({ name: m[1], id: toHex(blob.slice(0, 4)), sig: blob.slice(4) });
    });
    var lines = text.slice(0, -1).split("\n");
    if (lines.length < 3 || !/^(0|[1-9][0-9]*)$/.test(lines[1])) throw new Error("bad checkpoint");
    var root = fromB64(lines[2]);
    if (root.length !== 32) throw new Error("bad checkpoint root");
    return { text: text, sigs: sigs, origin: lines[0], size: Number(lines[1]), root: root };
  }
  async function ed25519Key(pub) {
    return crypto.subtle.importKey("raw", pub, { name: "Ed25519" }, false, ["verify"]);
  }
  async function ed25519Verify(pub, sig, message) {
    return crypto.subtle.verify({ name: "Ed25519" }, await ed25519Key(pub), sig, message);
  }
  async function ed25519Supported(pub) {
    try { await ed25519Key(pub); return true; } catch (e) {
      // an unsupported algorithm throws NotSupportedError; anything else is a bad key
      return !(e && e.name === "NotSupportedError");
    }
  }
  function findSig(note, key) {
    for (var i = 0; i < note.sigs.length; i++) {
      if (note.sigs[i].name === key.name && note.sigs[i].id === key.id) return note.sigs[i];
    }
    return null;
  }
  async function cosignedBy(note, key) {
    var s = findSig(note, key);
    if (!s || s.sig.length !== 72 || key.type !== 4) return false;
    var ts = 0n;
    for (var i = 0; i < 8; i++) ts = ts * 256n + BigInt(s.sig[i]);
    var msg = enc.encode("cosignature/v1\ntime " + ts.toString() + "\n" + note.text);
    return ed25519Verify(key.pub, s.sig.slice(8), msg);
  }

  // ------------------------------------------------------------------ receipts
  var ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
  var CYR = { "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
              "С": "C", "Т": "T", "Х": "X", "У": "Y", "З": "Z" };
  function latin(s) {
    return s.toUpperCase().replace(/[АВЕКМНОРСТХУЗ]/g, function (c) { return CYR[c]; })
      .replace(/[^0-9A-Z]/g, "").replace(/U/g, "V");
  }
  function checkSymbol(body) {
    var factor = 2, total = 0, n = ALPHABET.length;
    for (var i = body.length - 1; i >= 0; i--) {
      var add = factor * ALPHABET.indexOf(body[i]);
      factor = factor === 2 ? 1 : 2;
      total += Math.floor(add / n) + (add % n);
    }
    return ALPHABET[(n - (total % n)) % n];
  }
  function normalizeCode(s) {
    var raw = s.toUpperCase().replace(/[АВЕКМНОРСТХУЗ]/g, function (c) { return CYR[c]; })
      .replace(/[^0-9A-Z]/g, "");
    if (raw.indexOf("KNS") === 0) raw = raw.slice(3);
    raw = raw.replace(/U/g, "V");
    if (raw.length !== 8) return null;
    for (var i = 0; i < 8; i++) if (ALPHABET.indexOf(raw[i]) < 0) return null;
    if (checkSymbol(raw.slice(0, 7)) !== raw[7]) return null;
    return "KNS-" + raw.slice(0, 4) + "-" + raw.slice(4);
  }
  function normalizeText(t) {
    // as intake: CRLF as LF, NFC, no control characters, trimmed
    return t.replace(/\r\n/g, "\n").normalize("NFC")
      .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, "").trim();
  }
  async function commitment(secret, text) {
    return toHex(await sha256(enc.encode("kenes/proposal-commitment/v1\n" + secret + "\n" + text)));
  }

  // ------------------------------------------------------------------ fetching
  async function get(path, asText) {
    var r = await fetch(API + path, { headers: { Accept: asText ? "text/plain" : "application/json" },
                                      credentials: "omit", cache: "no-store" });
    if (r.status === 404) return null;
    if (!r.ok) throw new Error("HTTP " + r.status);
    return asText ? r.text() : r.json();
  }

  // ------------------------------------------------------------------ report
  function Report() { this.items = []; this.answers = []; this.witnesses = []; }
  Report.prototype.add = function (ok, text, detail) { this.items.push({ ok: ok, text: text, detail: detail || "" }); };
  Report.prototype.ok = function () {
    return this.items.some(function (i) { return i.ok === true; }) &&
      !this.items.some(function (i) { return i.ok === false; });
  };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function render(report) {
    box.textContent = "";
    var verdict = el("p", report.ok() ? "notice notice-ok" : "error");
    verdict.id = "verdict";
    verdict.appendChild(el("strong", "", report.ok() ? M.allOk : M.failed));
    box.appendChild(verdict);
    var ul = el("ul", "checks");
    report.items.forEach(function (i) {
      var li = el("li", "check " + (i.ok === true ? "check-ok" : i.ok === false ? "check-bad" : "check-note"));
      var mark = el("span", "check-mark", i.ok === true ? "\u2713" : i.ok === false ? "\u2717" : "\u00b7");
      mark.setAttribute("aria-hidden", "true");
      li.appendChild(mark);
      var body = el("span", "check-body");
      body.appendChild(el("span", "visually-hidden", i.ok === true ? M.passed : i.ok === false ? M.failedLabel : M.note));
      body.appendChild(el("span", "", i.text));
      if (i.detail) body.appendChild(el("span", "check-detail code-small muted", "(" + i.detail + ")"));
      li.appendChild(body);
      ul.appendChild(li);
    });
    box.appendChild(ul);
    if (report.witnesses.length) {
      var w = el("div", "small");
      w.appendChild(el("p", "", M.witnesses));
      var wl = el("ul", "witness-list");
      report.witnesses.forEach(function (name) { wl.appendChild(el("li", "", name)); });
      w.appendChild(wl);
      box.appendChild(w);
    }
    report.answers.forEach(function (a) {
      var div = el("div", "answer-box");
      var p = el("p");
      p.appendChild(el("strong", "", M.answer));
      p.appendChild(document.createTextNode(" " + a.decision));
      div.appendChild(p);
      if (a.reason) div.appendChild(el("p", "ptext", a.reason));
      box.appendChild(div);
    });
    box.focus();
  }

  async function check(codeInput, secretInput, textInput) {
    var report = new Report();
    var code = normalizeCode(codeInput);
    if (!code) { report.add(false, M.badCode); return report; }
    if (!window.crypto || !crypto.subtle) { report.add(false, M.noCrypto); return report; }
    var vkey, noteText, receipt, wits;
    try {
      vkey = await get("/key", true);
      noteText = await get("/checkpoint", true);
      receipt = await get("/receipt/" + encodeURIComponent(code), false);
      wits = await get("/witnesses", false);
    } catch (e) { report.add(false, M.unreachable, String(e.message || e)); return report; }
    var key, note;
    try {
      key = parseVkey(vkey || "");
      if (key.type !== 1 || !(await keyIdMatches(key))) throw new Error("key ID");
    } catch (e) { report.add(false, M.keyBad); return report; }
    try { note = parseNote(noteText || ""); } catch (e) { report.add(false, M.sigBad, e.message); return report; }
    // 1. the checkpoint signature
    if (!(await ed25519Supported(key.pub))) {
      report.add(false, M.noEd25519);
    } else {
      var sig = findSig(note, key), good = false;
      try { good = !!sig && await ed25519Verify(key.pub, sig.sig, enc.encode(note.text)); } catch (e) { good = false; }
      if (!good) { report.add(false, M.sigBad); return report; }
      report.add(true, M.sigOk, note.size + " \u00b7 " + toHex(note.root).slice(0, 16) + "\u2026");
      var list = (wits && wits.witnesses) || [];
      for (var w = 0; w < list.length; w++) {
        try {
          var wk = parseVkey(list[w].vkey);
          if ((await keyIdMatches(wk)) && (await cosignedBy(note, wk))) {
            report.witnesses.push(list[w].organisation ? list[w].organisation + " (" + wk.name + ")" : wk.name);
          }
        } catch (e) { /* a witness whose cosignature does not verify is simply not listed */ }
      }
    }
    // 2. the entries about the code
    var entries = (receipt && receipt.entries) || [];
    if (!entries.length) { report.add(false, M.entriesNone); return report; }
    report.add(true, M.entriesOk, String(entries.length));
    var events = [];
    entries.forEach(function (e) {
      var ev = null;
      try { ev = JSON.parse(e.data); } catch (x) { ev = null; }
      if (!ev || ev.code !== code || ev.type !== e.kind) report.add(false, M.entryBad);
      else events.push({ entry: e, event: ev });
    });
    // 3. the commitment to the text
    var received = events.filter(function (x) { return x.entry.kind === "proposal.received"; });
    if (!received.length) {
      report.add(false, M.commitMissing);
    } else if (secretInput.trim() && textInput.trim()) {
      var mine = await commitment(latin(secretInput), normalizeText(textInput));
      report.add(mine === received[0].event.commitment, mine === received[0].event.commitment ? M.commitOk : M.commitBad);
    } else {
      report.add(null, M.commitSkip);
    }
    // 4. every entry is in the signed tree
    var kk = (document.documentElement.lang || "").indexOf("kk") === 0;
    for (var k = 0; k < events.length; k++) {
      var entry = events[k].entry, event = events[k].event;
      var where = M.entryWord + " " + entry.index + " / " + note.size;
      if (entry.index === null || entry.index === undefined || entry.index >= note.size) {
        report.add(false, M.pending);
        continue;
      }
      var included = false;
      try {
        var proof = await get("/proof/inclusion?index=" + entry.index + "&size=" + note.size, false);
        var hashes = ((proof && proof.proof) || []).map(fromHex);
        var root = await rootFromInclusion(await hashLeaf(enc.encode(entry.data)), entry.index, note.size, hashes);
        included = equal(root, note.root);
      } catch (e) { included = false; }
      var okText = entry.kind === "proposal.received" ? M.incReceived :
        entry.kind === "answer.recorded" ? M.incAnswer :
        entry.kind === "change.linked" ? M.incChange : M.incState;
      report.add(included, included ? okText : M.incBad, where);
      if (entry.kind === "answer.recorded") {
        var reason = kk ? (event.reason_kk || event.reason_ru) : (event.reason_ru || event.reason_kk);
        report.answers.push({ decision: DECISIONS[event.decision] || event.decision || "", reason: reason || "" });
      }
    }
    return report;
  }

  form.addEventListener("submit", function (ev) {
    if (ev.submitter && ev.submitter.name === "server") return;  // the server-side check
    ev.preventDefault();
    box.textContent = "";
    box.appendChild(el("p", "muted", M.checking));
    var button = document.getElementById("verify-button");
    if (button) button.disabled = true;
    check(form.elements.code.value, form.elements.secret.value, form.elements.text.value)
      .then(render, function (e) {
        var r = new Report();
        r.add(false, M.unreachable, String((e && e.message) || e));
        render(r);
      })
      .finally(function () { if (button) button.disabled = false; });
  });
})();
