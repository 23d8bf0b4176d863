/* What every page needs from a script, and nothing more (loaded in <head> without defer so that
   the "js" class is set before the first paint; everything works without it too):

   1. The site menu on a phone: the "Menu" button opens and closes the menu (the links and the
      account), the disclosure pattern: aria-expanded, Escape closes it and gives the focus back.
      Without this script the menu simply stays open (app.css).
   2. Boxes that scroll on their own (a wide table on a phone, the Lampiran) can be reached and
      scrolled with the keyboard: while a box is wider or taller than its frame it is a focusable
      region named after its table's caption (or the label given to this script). Checked again
      when the window is resized and after an HTMX swap. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  var script = document.currentScript;
  var scrollLabel = (script && script.getAttribute("data-scroll-label")) || "";
  var SCROLL_BOXES = ".table-scroll, .lampiran-scroll, .appendix-doc, .finding-note__excerpt, [data-scroll-box]";

  function setUpMenu() {
    var button = document.querySelector("[data-menu-toggle]");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) {
      return;
    }

    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }

    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        set(false);
        button.focus();
      }
    });
  }

  function markScrollBoxes() {
    var boxes = document.querySelectorAll(SCROLL_BOXES);
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var scrolls = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-scroll-focus", "");
        if (!box.hasAttribute("role")) {
          box.setAttribute("role", "region");
        }
        if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
          var caption = box.querySelector("caption");
          var name = caption ? caption.textContent.replace(/\s+/g, " ").trim() : scrollLabel;
          if (name) {
            box.setAttribute("aria-label", name);
          }
        }
      } else if (!scrolls && box.hasAttribute("data-scroll-focus")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-focus");
      }
    }
  }

  var pending = null;
  function markSoon() {
    if (pending === null) {
      pending = window.setTimeout(function () {
        pending = null;
        markScrollBoxes();
      }, 150);
    }
  }

  function setUp() {
    setUpMenu();
    markScrollBoxes();
    window.addEventListener("resize", markSoon);
    document.addEventListener("htmx:afterSettle", markScrollBoxes);
    document.addEventListener("toggle", markSoon, true); // a <details> opened: its tables
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
