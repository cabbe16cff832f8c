// The import page's column guide (admin/core/run/_import_layout.html): only the guide of the kind of file
// chosen in the form is shown, and it follows the choice (without this script: the kind the page opened on).
(function () {
  function show(select) {
    document.querySelectorAll("[data-import-kind]").forEach(function (section) {
      section.hidden = section.getAttribute("data-import-kind") !== select.value;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[name=kind]")) {
      show(event.target);
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var select = document.querySelector("select[name=kind]");
    if (select) {
      show(select);
    }
  });
})();
