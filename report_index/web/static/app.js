// A little progressive enhancement; every page works without it.
// Changing a filter's menu (passage kind, order) searches again at once.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("search-form");
  if (!form) return;
  form.querySelectorAll("select, input[type=checkbox]").forEach(function (field) {
    field.addEventListener("change", function () {
      if (form.querySelector("input[name=q]").value.trim()) form.submit();
    });
  });
});
