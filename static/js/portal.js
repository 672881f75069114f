/* Small enhancements; every page works without them.
   Header menus are <details> elements: open one and the others close, Escape or a click
   elsewhere closes it and gives focus back to its summary. */
(function () {
  "use strict";
  var menus = document.querySelectorAll("details.portal-menu");
  function closeAll(except) {
    menus.forEach(function (menu) {
      if (menu !== except) menu.removeAttribute("open");
    });
  }
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (menu.open) closeAll(menu);
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.removeAttribute("open");
        menu.querySelector("summary").focus();
      }
    });
  });
  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) {
      if (menu.open && !menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  /* A form that came back with errors: move focus to its summary, so screen readers read it first. */
  var summary = document.querySelector(".form-error-summary");
  if (summary && !document.querySelector(".portal-messages [role=alert]")) summary.focus();
})();
