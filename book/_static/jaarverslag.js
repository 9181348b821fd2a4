/* Tables that do not fit their column (screen only; the PDF has its own print style sheet).
   On a phone (<= 600 px) such a table becomes a stack of cards, one per row, each value labelled with its
   column; elsewhere it scrolls sideways with a visible hint above it. Re-checked whenever the width changes. */
(function () {
  "use strict";
  var PHONE = window.matchMedia("screen and (max-width: 600px)");
  var HINT = "Deze tabel is breder dan het scherm: schuif de tabel opzij om alle kolommen te zien.";

  function scroller(table) {
    return table.closest(".jv-tabel, .pst-scrollable-table-container") || table.parentElement;
  }

  /* Cards need one header row naming every column (no merged cells), so each value keeps its label. */
  function labelCells(table) {
    if (table.dataset.jvLabels) return table.dataset.jvLabels === "ja";
    var rows = table.tHead ? table.tHead.rows : [];
    var ok = rows.length === 1;
    var names = [];
    if (ok) {
      [].forEach.call(rows[0].cells, function (c) {
        if (c.colSpan !== 1) ok = false;
        names.push(c.textContent.trim());
      });
    }
    [].forEach.call(table.tBodies, function (body) {
      [].forEach.call(body.rows, function (row) {
        if (row.cells.length !== names.length) ok = false;
      });
    });
    if (ok) {
      [].forEach.call(table.tBodies, function (body) {
        [].forEach.call(body.rows, function (row) {
          [].forEach.call(row.cells, function (c, i) {
            if (!c.hasAttribute("data-label")) c.setAttribute("data-label", names[i]);
          });
        });
      });
    }
    table.dataset.jvLabels = ok ? "ja" : "nee";
    return ok;
  }

  function hintFor(box) {
    var hint = box.previousElementSibling;
    if (!hint || !hint.classList.contains("jv-schuif-hint")) {
      hint = document.createElement("p");
      hint.className = "jv-schuif-hint";
      hint.textContent = HINT;
      box.parentNode.insertBefore(hint, box);
    }
    return hint;
  }

  /* The caption's text in a span that CSS keeps in view (sticky, at most the visible width) while the table scrolls. */
  function wrapCaption(table) {
    var caption = table.caption;
    if (!caption || caption.querySelector(":scope > .jv-bijschrift")) return;
    var span = document.createElement("span");
    span.className = "jv-bijschrift";
    while (caption.firstChild) span.appendChild(caption.firstChild);
    caption.appendChild(span);
  }

  function fit() {
    document.querySelectorAll("article.bd-article table").forEach(function (table) {
      var box = scroller(table);
      box.classList.remove("jv-kaarten", "jv-schuift");
      var hint = box.previousElementSibling;
      if (hint && hint.classList.contains("jv-schuif-hint")) hint.hidden = true;
      if (box.scrollWidth <= box.clientWidth + 1) return;
      if (PHONE.matches && labelCells(table)) {
        box.classList.add("jv-kaarten");
        if (box.scrollWidth <= box.clientWidth + 1) return;
        box.classList.remove("jv-kaarten");
      }
      box.classList.add("jv-schuift");
      wrapCaption(table);
      box.setAttribute("tabindex", "0"); // a scrolling region must be reachable by keyboard
      hintFor(box).hidden = false;
    });
  }

  var pending = null;
  function later() {
    if (pending) cancelAnimationFrame(pending);
    pending = requestAnimationFrame(fit);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fit);
  else fit();
  window.addEventListener("load", fit);
  window.addEventListener("resize", later);
})();
