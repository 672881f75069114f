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

/* Tell the server the browser's time zone, so visitors who are not signed in see times in
   their own zone (signed-in people use the zone of their profile). */
(function () {
  "use strict";
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    /* IANA names hold only letters, digits, "/", "_", "+" and "-": safe in a cookie as they are. */
    if (zone && /^[A-Za-z0-9_+\/-]+$/.test(zone) && document.cookie.indexOf("cop_tz=" + zone) === -1) {
      document.cookie = "cop_tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (error) {
    /* Without Intl the page simply shows UTC. */
  }
})();
