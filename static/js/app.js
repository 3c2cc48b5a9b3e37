// Small progressive enhancements; every page works without JavaScript.
"use strict";
(function () {
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // Quick-pick phrases of the consolidation workspace: choosing one (mouse or keyboard)
  // inserts it into its form's explanation at the cursor, then the list resets.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select.quick-pick")) {
      return;
    }
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

  // File fields show the chosen file's name in the page's language (see _form.html).
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(".file-picker .file-input")) {
      return;
    }
    var shown = input.parentNode.querySelector(".file-name");
    if (shown && input.files && input.files.length) {
      shown.textContent = input.files[0].name;
    }
  });

  // Each disposition form gets its copy of the page's one list of quick-pick phrases
  // (the list would otherwise be sent again with each of the page's 50 comments).
  function enhance(root) {
    var quickPicks = document.getElementById("quick-pick-template");
    if (!quickPicks) {
      return;
    }
    root.querySelectorAll("form.decide").forEach(function (form) {
      if (!form.querySelector("select.quick-pick")) {
        var button = form.querySelector("button[type=submit]");
        form.insertBefore(quickPicks.content.firstElementChild.cloneNode(true), button);
      }
    });
  }

  // Work in place: a form marked data-in-place="#a,#b" is sent with fetch. The server
  // answers as it does without JavaScript (back to this page, at the form's anchor); the
  // parts named are taken from that answer and swapped in where they are, with the
  // page's messages, so the reader keeps their place, their scroll and their focus.
  // A refusal keeps what was typed (only the message changes); anything unexpected
  // (another page, an error page, no network) falls back to an ordinary page load.
  function focusKey() {
    var active = document.activeElement;
    if (!active || active === document.body) {
      return null;
    }
    var holder = active.id ? active : active.parentNode.closest("[id]");
    if (!holder) {
      return null;
    }
    var selector = active.tagName.toLowerCase() + (active.name ? "[name='" + active.name + "']" : "");
    var same = Array.prototype.slice.call(holder.querySelectorAll(selector));
    return { id: holder.id, self: holder === active, selector: selector,
             index: same.indexOf(active) };
  }

  function refocus(key) {
    if (!key || (document.activeElement && document.activeElement !== document.body)) {
      return;
    }
    var holder = document.getElementById(key.id);
    if (!holder) {
      return;
    }
    var element = key.self ? holder : holder.querySelectorAll(key.selector)[key.index];
    if (element) {
      element.focus({ preventScroll: true });
    }
  }

  function swapIn(html, form) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var messages = document.getElementById("messages");
    var freshMessages = fresh.getElementById("messages");
    if (messages && freshMessages) {
      messages.innerHTML = freshMessages.innerHTML;
    }
    if (freshMessages && freshMessages.querySelector(".flash-error")) {
      return;   // refused: the form keeps what the user typed
    }
    var key = focusKey();
    (form.getAttribute("data-in-place") + ",#mainnav").split(",").forEach(function (selector) {
      var old = document.querySelector(selector.trim());
      var replacement = fresh.querySelector(selector.trim());
      if (old && replacement) {
        old.replaceWith(document.importNode(replacement, true));
      } else if (old) {
        old.remove();
      }
    });
    enhance(document);
    refocus(key);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.hasAttribute("data-in-place") || !window.fetch) {
      return;
    }
    event.preventDefault();
    var submitter = event.submitter;
    var body = new FormData(form);
    if (submitter && submitter.name) {
      body.append(submitter.name, submitter.value);
    }
    form.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.text().then(function (html) {
        var landed = new URL(response.url);
        if (!response.ok) {
          throw new Error("refused");
        }
        if (landed.pathname + landed.search !== location.pathname + location.search) {
          location.assign(response.url);   // e.g. the session ended: the sign-in page
          return;
        }
        swapIn(html, form);
      });
    }).catch(function () {
      form.removeAttribute("data-in-place");   // an ordinary submission shows what happened
      HTMLFormElement.prototype.submit.call(form);
    }).then(function () {
      form.removeAttribute("aria-busy");
    });
  });

  enhance(document);
})();
