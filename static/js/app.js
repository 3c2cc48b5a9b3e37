// Small progressive enhancements; every page works without JavaScript.
"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// Quick-pick phrases of the consolidation workspace: choosing one (mouse or keyboard)
// inserts it into its form's explanation at the cursor, then the list resets.
document.querySelectorAll("select.quick-pick").forEach(function (select) {
  select.hidden = false;
  select.addEventListener("change", function () {
    var phrase = select.value;
    var box = select.form && select.form.querySelector("textarea[name=text]");
    if (!phrase || !box) {
      return;
    }
    var start = box.selectionStart || 0;
    var end = box.selectionEnd || 0;
    var before = box.value.slice(0, start);
    var gap = before && !/\s$/.test(before) ? " " : "";
    box.value = before + gap + phrase + box.value.slice(end);
    var caret = (before + gap + phrase).length;
    box.focus();
    box.setSelectionRange(caret, caret);
    select.value = "";
  });
});

// File fields show the chosen file's name in the page's language (see _form.html).
document.querySelectorAll(".file-picker .file-input").forEach(function (input) {
  input.addEventListener("change", function () {
    var shown = input.parentNode.querySelector(".file-name");
    if (shown && input.files && input.files.length) {
      shown.textContent = input.files[0].name;
    }
  });
});
