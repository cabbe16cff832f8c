// Small page actions without inline handlers (the Content-Security-Policy allows no inline script):
// a link or button with data-print prints the page; a select with data-autosubmit submits its form.
document.addEventListener("click", function (event) {
  var target = event.target.closest("[data-print]");
  if (target) {
    event.preventDefault();
    window.print();
  }
});
document.addEventListener("change", function (event) {
  var target = event.target.closest("select[data-autosubmit]");
  if (target && target.form) {
    target.form.submit();
  }
});
