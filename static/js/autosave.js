// Autosave of comments while they are typed: at most a few seconds of typing at risk.
// Every keystroke is also kept in localStorage, so nothing is lost if the browser closes,
// the network drops or the session expires; the text comes back when the page reopens.
"use strict";
(function () {
  var DELAY_MS = 2000;        // save this long after the last keystroke
  var MAX_WAIT_MS = 20000;    // and at least this often while typing goes on
  var FIELDS = ["text", "proposed_wording", "reason"];
  var messages = document.getElementById("autosave-hint");
  var t = function (key) { return (messages && messages.dataset[key]) || key; };

  function snapshot(form) {
    var data = {};
    FIELDS.forEach(function (name) { data[name] = form.elements[name].value; });
    data.revision = form.elements.revision.value;
    return data;
  }

  function status(form, text, isError) {
    var element = form.querySelector(".save-status");
    element.textContent = text;
    element.classList.toggle("error", !!isError);
  }

  function remember(form) {
    try { localStorage.setItem(form.dataset.storageKey, JSON.stringify(snapshot(form))); }
    catch (e) { /* storage full or disabled: the server save still happens */ }
  }

  function forget(key) { try { localStorage.removeItem(key); } catch (e) { /* ignore */ } }

  function freshToken() {
    return fetch("/csrf-token", { headers: { "Accept": "application/json" },
                                  credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) { return body && body.token; });
  }

  function showConflict(form, body) {
    var box = form.querySelector(".conflict");
    box.hidden = false;
    box.textContent = "";
    var p = document.createElement("p");
    p.textContent = body.error;
    var theirs = document.createElement("blockquote");
    theirs.textContent = t("theirs") + ": " + body.theirs;
    var mine = document.createElement("blockquote");
    mine.textContent = t("mine") + ": " + body.mine;
    var keep = document.createElement("button");
    keep.type = "button";
    keep.textContent = t("keepMine");
    keep.addEventListener("click", function () {
      form.elements.revision.value = body.revision;   // overwrite knowingly
      box.hidden = true;
      save(form);
    });
    var take = document.createElement("button");
    take.type = "button";
    take.textContent = t("takeTheirs");
    take.addEventListener("click", function () {
      form.elements.text.value = body.theirs;
      form.elements.revision.value = body.revision;
      box.hidden = true;
      remember(form);
      status(form, t("saved"));
    });
    box.append(p, theirs, mine, keep, take);
  }

  function save(form, retried) {
    if (!form.elements.text.value.trim()) { return Promise.resolve(); }
    form.dataset.dirty = "";
    status(form, t("saving"));
    return fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (response.status === 400 && !retried) {   // the CSRF token expired: get a new one
        return freshToken().then(function (token) {
          if (!token) { throw new Error("session"); }
          form.elements.csrf_token.value = token;
          return save(form, true);
        });
      }
      if (response.status === 401) { throw new Error("session"); }
      return response.json().then(function (body) {
        if (response.status === 409) { showConflict(form, body); status(form, "", true); return; }
        if (!response.ok) { status(form, body.error || t("failed"), true); return; }
        var oldKey = form.dataset.storageKey;
        form.action = body.url;
        form.elements.revision.value = body.revision;
        form.dataset.storageKey = oldKey.replace(/new-[^-]+$/, String(body.id));
        forget(oldKey);
        if (form.dataset.dirty) { remember(form); } else { forget(form.dataset.storageKey); }
        status(form, t("saved"));
      });
    }).catch(function () {
      form.dataset.dirty = "1";
      remember(form);
      status(form, t("kept"), true);
    });
  }

  function attach(form) {
    var timer = null, firstChange = null;
    try {
      var kept = JSON.parse(localStorage.getItem(form.dataset.storageKey) || "null");
      if (kept && FIELDS.some(function (n) { return kept[n] !== form.elements[n].value; })) {
        FIELDS.forEach(function (n) { form.elements[n].value = kept[n]; });
        if (kept.revision) { form.elements.revision.value = kept.revision; }
        status(form, t("restored"));
        form.dataset.dirty = "1";
        save(form);
      }
    } catch (e) { /* unreadable storage: start from the server's text */ }
    form.addEventListener("input", function () {
      form.dataset.dirty = "1";
      remember(form);
      firstChange = firstChange || Date.now();
      clearTimeout(timer);
      var wait = Math.min(DELAY_MS, Math.max(0, MAX_WAIT_MS - (Date.now() - firstChange)));
      timer = setTimeout(function () { firstChange = null; save(form); }, wait);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      save(form);
    });
  }

  // One new-comment form for the whole page, copied into a section on demand: a draft
  // of 170 sections would otherwise carry 170 forms nobody has opened.
  var template = document.getElementById("new-comment-template");
  var storagePrefix = template && template.content.querySelector("form")
    .dataset.storageKey.replace(/general$/, "");

  function openNewComment(link) {
    var sectionId = link.dataset.sectionId;
    var key = storagePrefix + sectionId;
    var open = link.parentNode.querySelector("form[data-storage-key='" + key + "']");
    if (open) { return open; }
    var form = template.content.querySelector("form").cloneNode(true);
    form.dataset.storageKey = key;
    form.elements.section_id.value = sectionId;
    var limit = form.querySelector("[id^='limit-']");
    limit.id = "limit-new-" + sectionId;
    form.elements.text.setAttribute("aria-describedby", limit.id);
    link.parentNode.insertBefore(form, link);
    attach(form);
    return form;
  }

  document.querySelectorAll("form[data-autosave]").forEach(attach);
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.new-comment");
    if (!link || !template) { return; }
    event.preventDefault();
    openNewComment(link).elements.text.focus();
  });
  if (template) {   // text typed into a section's new comment and not yet saved comes back
    try {
      Object.keys(localStorage).forEach(function (key) {
        if (key.indexOf(storagePrefix) !== 0) { return; }
        var link = document.getElementById("new-" + key.slice(storagePrefix.length));
        if (link && link.classList.contains("new-comment")) { openNewComment(link); }
      });
    } catch (e) { /* storage disabled */ }
  }
  window.addEventListener("beforeunload", function () {
    document.querySelectorAll("form[data-autosave]").forEach(function (form) {
      if (form.dataset.dirty) { remember(form); }
    });
  });
})();
