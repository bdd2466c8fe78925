// ordergate: the desk's keyboard and the little behaviour htmx does not
// give. No inline script anywhere (the Content-Security-Policy forbids it).
"use strict";
(function () {
  const typing = (el) => el && (el.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName));

  // The rows j/k move through: queue rows, or the lines of an order.
  function rows() {
    const list = document.querySelector("[data-keynav] tbody");
    if (list) return Array.from(list.querySelectorAll("tr[data-href]"));
    return Array.from(document.querySelectorAll("tbody.line"));
  }
  function select(i) {
    const rs = rows();
    if (!rs.length) return;
    i = Math.max(0, Math.min(rs.length - 1, i));
    rs.forEach((r) => r.classList.remove("selected"));
    const r = rs[i];
    r.classList.add("selected");
    r.focus({ preventScroll: true });
    r.scrollIntoView({ block: "nearest" });
    highlight(r);
    try { sessionStorage.setItem("og-row:" + location.pathname, String(i)); } catch (e) {}
  }
  function current() {
    return rows().findIndex((r) => r.classList.contains("selected"));
  }

  // Highlight the source segments of an order line.
  function highlight(line) {
    document.querySelectorAll(".source .hl").forEach((el) => el.classList.remove("hl"));
    const segs = (line && line.dataset && line.dataset.segs) || "";
    let first = null;
    segs.split(" ").filter(Boolean).forEach((n) => {
      const li = document.querySelector('.source [data-seg="' + n + '"]');
      if (li) { li.classList.add("hl"); first = first || li; }
    });
    if (first) first.scrollIntoView({ block: "nearest" });
  }

  // click does what a key's button does, or opens its form (reject, hold)
  // with the first field focused. Pressed, the field takes the focus when
  // the key is let go, so the key's own character never lands in it (not
  // every way keys arrive honours a keydown's preventDefault for the
  // character that follows).
  function click(key, pressed) {
    const el = document.querySelector('[data-key="' + key + '"]:not([disabled])');
    if (el) { el.click(); return true; }
    const d = document.querySelector('[data-key-open="' + key + '"]');
    if (!d) return false;
    d.open = true;
    const f = d.querySelector("input");
    if (f && pressed) {
      document.addEventListener("keyup", () => f.focus(), { once: true });
    } else if (f) {
      f.focus();
    }
    return true;
  }

  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "Escape") {
      if (typing(document.activeElement)) document.activeElement.blur();
      document.querySelectorAll(".hits").forEach((h) => (h.innerHTML = ""));
      return;
    }
    if (typing(e.target)) {
      if (e.target.classList.contains("item-search") && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
        moveHit(e.target, e.key === "ArrowDown" ? 1 : -1);
        e.preventDefault();
      }
      return;
    }
    switch (e.key) {
      case "j": select(current() + 1); break;
      case "k": select(current() < 0 ? 0 : current() - 1); break;
      case "Enter": {
        const r = rows()[current()];
        if (r && r.dataset.href) location.href = r.dataset.href;
        else return;
        break;
      }
      case "/": {
        const s = document.getElementById("po-search");
        if (!s) return;
        s.focus(); s.select();
        break;
      }
      case "?": document.getElementById("keys").showModal(); break;
      case "u": if (location.pathname !== "/") location.href = "/"; break;
      case "a": case "r": {
        // In the queue: open the selected order with the action ready
        // (see ready below); on the order page: do it.
        if (document.querySelector("[data-keynav]")) {
          const r = rows()[current()];
          if (!r || !r.dataset.href) return;
          location.href = r.dataset.href + (e.key === "a" ? "#approve" : "#reject");
          break;
        }
        if (!click(e.key, true)) return;
        break;
      }
      case "h": case "m":
        if (!click(e.key, true)) return;
        break;
      default: return;
    }
    e.preventDefault();
  });

  document.addEventListener("click", (e) => {
    const help = e.target.closest("[data-keys-help]");
    if (help) { document.getElementById("keys").showModal(); return; }
    const pick = e.target.closest("[data-pick]");
    if (pick) {
      // An autocomplete hit or a suggestion: fill the line's item field.
      const scope = pick.closest("tbody.line, form.fix") || document;
      const input = scope.querySelector("input.item-search");
      if (input) {
        input.value = pick.dataset.pick;
        const hits = scope.querySelector(".hits");
        if (hits) hits.innerHTML = "";
        input.focus();
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
      return;
    }
    if (e.target.closest("[data-more-rows]")) { moreRows(10); return; }
    const row = e.target.closest("tr[data-href]");
    if (row && !e.target.closest("a, button, form")) location.href = row.dataset.href;
    const line = e.target.closest("tbody.line");
    if (line) { rows().forEach((r) => r.classList.remove("selected")); line.classList.add("selected"); highlight(line); }
  });
  document.addEventListener("focusin", (e) => {
    const line = e.target.closest && e.target.closest("tbody.line");
    if (line) highlight(line);
  });

  // The quick order's lines: more rows, and a block pasted from a
  // spreadsheet or a mail spread over the rows (item, quantity, unit per
  // line; tab or semicolon between them).
  function moreRows(n) {
    const body = document.getElementById("quick-rows");
    if (!body) return;
    const last = body.querySelector("tr.qrow:last-child");
    for (let i = 0; i < n; i++) {
      const row = last.cloneNode(true);
      row.querySelectorAll("input").forEach((inp) => (inp.value = ""));
      row.querySelectorAll(".hits, .qinfo").forEach((el) => (el.innerHTML = ""));
      body.appendChild(row);
      if (window.htmx) window.htmx.process(row);
    }
    Array.from(body.querySelectorAll("tr.qrow")).forEach((r, i) => (r.firstElementChild.textContent = String(i + 1)));
  }
  document.addEventListener("paste", (e) => {
    const input = e.target.closest && e.target.closest("input.qitem");
    if (!input) return;
    const text = (e.clipboardData || window.clipboardData).getData("text");
    if (!/[\t\n;]/.test(text)) return;
    e.preventDefault();
    const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    const body = document.getElementById("quick-rows");
    let rowsNow = Array.from(body.querySelectorAll("tr.qrow"));
    let at = rowsNow.indexOf(input.closest("tr"));
    if (at + lines.length > rowsNow.length) moreRows(at + lines.length - rowsNow.length);
    rowsNow = Array.from(body.querySelectorAll("tr.qrow"));
    lines.forEach((line, i) => {
      const cells = line.split(/\t|;/).map((c) => c.trim());
      const row = rowsNow[at + i];
      row.querySelector("input.qitem").value = cells[0] || "";
      row.querySelector("input.qqty").value = cells[1] || "";
      row.querySelector("input.qunit").value = cells[2] || "";
      row.querySelector("input.qqty").dispatchEvent(new Event("change", { bubbles: true }));
    });
  });

  function moveHit(input, by) {
    const hits = Array.from(input.closest("form").querySelectorAll(".hits .hit"));
    if (!hits.length) return;
    let i = hits.findIndex((h) => h.classList.contains("active")) + by;
    i = (i + hits.length) % hits.length;
    hits.forEach((h) => h.classList.remove("active"));
    hits[i].classList.add("active");
    input.value = hits[i].dataset.pick;
  }

  // After htmx swapped the order panel, keep the keyboard where it was.
  document.addEventListener("htmx:afterSwap", (e) => {
    if (e.detail.target && e.detail.target.id === "order-panel") {
      const i = Number(sessionStorage.getItem("og-row:" + location.pathname) || -1);
      if (i >= 0) select(i);
    }
  });

  // An order opened from the queue with a or r: the approval or the
  // rejection is ready, one key away, and never done by the page itself
  // (a link from anywhere may carry the hash): Approve has the focus, so
  // Enter or a approves; the reject form is open with its reason field
  // focused.
  function ready() {
    const want = location.hash;
    if (want !== "#approve" && want !== "#reject") return;
    history.replaceState(null, "", location.pathname + location.search);
    if (want === "#reject") { click("r"); return; }
    const b = document.querySelector('[data-key="a"]:not([disabled])');
    if (!b) return;
    b.focus();
    const hint = document.createElement("span");
    hint.className = "key-hint";
    hint.textContent = "Enter approves";
    b.after(hint);
    b.addEventListener("blur", () => hint.remove(), { once: true });
  }

  document.addEventListener("DOMContentLoaded", () => {
    ready();
    let i = 0;
    try { i = Number(sessionStorage.getItem("og-row:" + location.pathname) || 0); } catch (e) {}
    if (rows().length && document.querySelector("[data-keynav]")) select(i);
    const problem = document.querySelector("tbody.line.blocked, tbody.line.warning");
    if (problem && !document.querySelector("[data-keynav]")) highlight(problem);
  });
})();
