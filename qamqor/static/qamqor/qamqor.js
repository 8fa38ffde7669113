/* Qamqor's own behaviour for the pages, in one file: the Content-Security-Policy allows no
   inline script or on* attribute. Every page works without it; this only saves a click. */
(function () {
  "use strict";
  // <select data-autosubmit> sends its form on change (the organisation switch); without
  // JavaScript the form's own button does it.
  document.addEventListener("change", function (event) {
    var select = event.target.closest && event.target.closest("select[data-autosubmit]");
    if (select && select.form) {
      select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
    }
  });
  // <button data-print hidden> prints the page; it is shown only where JavaScript runs.
  function showPrintButtons() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
    });
  }
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) {
      window.print();
    }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showPrintButtons);
  } else {
    showPrintButtons();
  }
})();
