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

  // Long filter lists (select[data-options]: the workspace's sections and agencies, hundreds
  // of options) are not in the page, which carries only the choice in force; they come as
  // JSON from the address named, once per page (the browser may keep it), keeping the
  // choice. Without JavaScript the page's links filter by section and by agency instead.
  var optionLists = {};
  function fillOptions(root) {
    root.querySelectorAll("select[data-options]").forEach(function (select) {
      var url = select.getAttribute("data-options");
      if (!window.fetch || select.hasAttribute("data-filled")) {
        return;
      }
      select.setAttribute("data-filled", "");
      optionLists[url] = optionLists[url] || fetch(url, {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) {
          throw new Error("no list");
        }
        return response.json();
      });
      optionLists[url].then(function (lists) {
        var choices = lists[select.name];
        var chosen = select.value;
        if (!choices || (chosen && !choices.some(function (pair) { return pair[0] === chosen; }))) {
          return;   // a choice the list does not have (the page's own options stay)
        }
        var first = select.options[0];
        var fresh = document.createDocumentFragment();
        choices.forEach(function (pair) {
          var option = document.createElement("option");
          option.value = pair[0];
          option.textContent = pair[1];
          option.selected = pair[0] === chosen;
          fresh.appendChild(option);
        });
        while (select.options.length > 1) {
          select.remove(1);
        }
        if (first && first.value === "") {
          first.selected = !chosen;
        }
        select.appendChild(fresh);
      }).catch(function () {
        // The page's own choices stay usable; the next in-place update asks again.
        delete optionLists[url];
        select.removeAttribute("data-filled");
      });
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
    fillOptions(document);
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
  fillOptions(document);
})();
