/* Help center behaviour: the "Was this helpful?" vote and its hooks.
 * Text from the page is only ever used as text (textContent, JSON), never as HTML.
 * Works on first load and with Material's instant navigation (document$). */
(function () {
  "use strict";

  var MAX_COMMENT = 500;

  function storageKey(form) {
    return "kb-feedback:" + form.dataset.lang + ":" + form.dataset.id;
  }

  function load(form) {
    try {
      var saved = JSON.parse(localStorage.getItem(storageKey(form)) || "null");
      return saved && (saved.value === "yes" || saved.value === "no") ? saved : null;
    } catch (e) {
      return null;
    }
  }

  function save(form, state) {
    try {
      localStorage.setItem(storageKey(form), JSON.stringify({
        value: state.value, comment: state.comment, commented: state.commented, vote_id: state.vote_id, reason: state.reason
      }));
    } catch (e) { /* private mode: the vote still counts, it is just not remembered */ }
  }

  function newVoteId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return String(Date.now()) + "-" + Math.random().toString(16).slice(2);
  }

  /* -> Promise of {ok, status, body}; never rejects */
  function post(endpoint, payload) {
    if (!endpoint) return Promise.resolve({ ok: true, status: 0, body: null });
    try {
      return fetch(endpoint, {
        method: "POST",
        mode: "cors",
        keepalive: true,
        credentials: "omit",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(payload)
      }).then(function (response) {
        return response.json().catch(function () { return null; }).then(function (body) {
          return { ok: response.ok, status: response.status, body: body };
        });
      }, function () { return { ok: false, status: 0, body: null }; });
    } catch (e) {
      return Promise.resolve({ ok: false, status: 0, body: null });
    }
  }

  /* 422 naming vote_id: that id was never stored */
  function refusedVoteId(result) {
    var details = result.body && result.body.details;
    if (result.status !== 422 || !details || !details.length) return false;
    for (var i = 0; i < details.length; i++) if (details[i] && details[i].field === "vote_id") return true;
    return false;
  }

  /* MAX_COMMENT code points (as the collector counts), never half an emoji */
  function cutComment(text) {
    var chars = Array.from(text.trim()).filter(function (c) { return !/^[\ud800-\udfff]$/.test(c); });
    return chars.slice(0, MAX_COMMENT).join("").trim();
  }

  /* The three hooks: DOM event (always), HTTP endpoint (when configured), analytics (when on). */
  function report(form, payload) {
    document.dispatchEvent(new CustomEvent("kb:feedback", { detail: payload }));
    var sent = post(form.dataset.endpoint, payload);

    var data = payload.value === "yes" ? 1 : 0;
    try {
      /* Material's Google Analytics integration: same event as its own feedback widget */
      if (typeof window.gtag === "function") {
        window.gtag("event", "feedback", { page: payload.url, data: data });
      }
      if (form.dataset.plausible === "true" && typeof window.plausible === "function") {
        window.plausible("Feedback", { props: { id: String(payload.id), lang: payload.lang, value: payload.value } });
      }
      if (form.dataset.matomo === "true" && window._paq && typeof window._paq.push === "function") {
        window._paq.push(["trackEvent", "Feedback", payload.value, payload.lang + ":" + payload.id, data]);
      }
    } catch (e) { /* analytics never break the page */ }
    return sent;
  }

  function render(form, state) {
    var buttons = form.querySelectorAll(".kb-feedback__button");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", state && buttons[i].dataset.value === state.value ? "true" : "false");
    }
    show(form, "thanks", state);
    show(form, "more", state && state.value === "no");
    show(form, "sent", state && state.commented);
    show(form, "failed", state && state.failed);
  }

  /* the widget without a collector has no comment form (nothing would carry it): no sent/failed lines */
  function show(form, part, on) {
    var el = form.querySelector(".kb-feedback__" + part);
    if (el) el.hidden = !on;
  }

  function payloadOf(form, state) {
    var p = {
      id: Number(form.dataset.id),
      lang: form.dataset.lang,
      url: form.dataset.url,
      title: form.dataset.title,
      value: state.value,
      comment: state.comment || "",
      vote_id: state.vote_id
    };
    if (state.reason) p.reason = state.reason;
    return p;
  }

  function setup(form) {
    if (form.dataset.kbReady) return;
    form.dataset.kbReady = "1";
    /* one page view per article shown, when a views endpoint is configured */
    post(form.dataset.viewsEndpoint, { id: Number(form.dataset.id), lang: form.dataset.lang });
    var state = load(form), area = form.querySelector("textarea"), reasons = form.querySelectorAll("[name=reason]");
    if (state && state.comment && area) area.value = state.comment;
    if (state && state.reason && reasons.length) form.elements.reason.value = state.reason;
    render(form, state);

    function renewRefusedId(result) {
      if (!refusedVoteId(result)) return false;
      state.vote_id = newVoteId();
      save(form, state);
      return true;
    }

    form.addEventListener("click", function (ev) {
      var button = ev.target.closest(".kb-feedback__button");
      if (!button) return;
      var value = button.dataset.value;
      if (state && state.value === value) return;
      state = { value: value, comment: "", vote_id: (state && state.vote_id) || newVoteId() };
      reasons.forEach(function (r) { r.checked = false; });
      save(form, state);
      render(form, state);
      var current = state;
      report(form, payloadOf(form, state)).then(function (result) {
        if (state === current && renewRefusedId(result)) post(form.dataset.endpoint, payloadOf(form, state));
      });
      if (value === "no") (reasons[0] || form.querySelector(".kb-feedback__contact")).focus();
    });

    /* a reason after "no": the same vote reported again, now with its reason */
    form.addEventListener("change", function (ev) {
      if (ev.target.name !== "reason" || !state || state.value !== "no") return;
      state.reason = ev.target.value;
      save(form, state);
      report(form, payloadOf(form, state));
    });

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (!area || !state || state.value !== "no" || form.dataset.kbSending) return;
      var comment = cutComment(area.value);
      if (!comment) return;
      state = { value: "no", comment: comment, vote_id: state.vote_id, reason: state.reason };
      render(form, state);
      form.dataset.kbSending = "1";
      var current = state;
      report(form, payloadOf(form, state)).then(function (result) {
        delete form.dataset.kbSending;
        if (state !== current) return;
        if (result.ok) {
          state.commented = true;
        } else {
          state.failed = true;
          renewRefusedId(result);
        }
        save(form, state);
        render(form, state);
      });
    });
  }

  /* "Copy link" next to every heading permalink: copies the full URL with the heading's anchor. */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      (ok ? resolve : reject)();
    });
  }

  function setupCopyLinks() {
    var i18n = document.getElementById("kb-i18n"), icon = document.getElementById("kb-copy-icon");
    if (!i18n) return;
    var links = document.querySelectorAll(".md-content a.headerlink");
    for (var i = 0; i < links.length; i++) {
      var link = links[i];
      if (link.nextElementSibling && link.nextElementSibling.classList.contains("kb-copy-link")) continue;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "kb-copy-link";
      button.title = i18n.dataset.copy;
      button.setAttribute("aria-label", i18n.dataset.copy);
      button.dataset.anchor = link.getAttribute("href");
      if (icon) button.appendChild(icon.content.cloneNode(true));   /* copy icon, then a check mark */
      button.addEventListener("click", function (ev) {
        var b = ev.currentTarget;
        var url = location.origin + location.pathname + b.dataset.anchor;
        copyText(url).then(function () {
          b.classList.add("kb-copy-link--done");
          b.setAttribute("aria-label", i18n.dataset.copied);
          b.title = i18n.dataset.copied;
        }, function () { location.hash = b.dataset.anchor; });
      });
      link.insertAdjacentElement("afterend", button);
    }
  }

  function init() {
    var forms = document.querySelectorAll("form[data-kb-feedback]");
    for (var i = 0; i < forms.length; i++) setup(forms[i]);
    setupCopyLinks();
    if (conf) landed();
  }

  /* The language switch keeps the section being read: section ids are the same in every language. */
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("a.md-select__link[hreflang]");
    if (a && location.hash) a.hash = location.hash;
  }, true);

  /* Material's search overlay is a dialog without a name: give it the search field's label. */
  var search = document.querySelector(".md-search[role=dialog]"), input = document.querySelector(".md-search__input");
  if (search && input && !search.hasAttribute("aria-label")) search.setAttribute("aria-label", input.getAttribute("aria-label") || "");

  /* What a search without a result offers (assets/kb-search.js, next to this file) loads the first time the
   * search field gets the focus (a click, the "/" and "s" shortcuts), or at once when a ?q= address (the home
   * page's search form) has already filled and focused it: never with the page. */
  var lazy = document.currentScript.src.slice(0, -3) + "-search.js";
  if (input) {
    input.onfocus = function () {
      input.onfocus = null;
      document.body.appendChild(document.createElement("script")).src = lazy;
    };
    if (input.value) input.onfocus();
  }

  /* Material fetches "sitemap.xml" next to every <link rel="alternate"> to map pages between languages.
   * Ours are the page's hreflang URLs (not language roots): 3 requests per page for missing files, and the
   * whole sitemap on home pages. Our language links already lead to the same page in the other language,
   * so these requests are not sent (they stay pending: Material keeps the links as they are). */
  (function () {
    var skip = {}, links = document.querySelectorAll("link[rel=alternate][hreflang]");
    for (var i = 0; i < links.length; i++) skip[new URL("sitemap.xml", links[i].href).href] = true;
    var open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.open = function (method, url) {
      try {
        this.kbSkip = String(method).toUpperCase() === "GET" && skip[new URL(String(url), location.href).href] === true;
      } catch (e) {
        this.kbSkip = false;
      }
      return open.apply(this, arguments);
    };
    XMLHttpRequest.prototype.send = function () {
      if (!this.kbSkip) return send.apply(this, arguments);
    };
  })();

  /* Search analytics, when extra.kb.feedback.search_endpoint is set (#kb-search, main.html): a search is
   * reported once the reader settles on it: PAUSE ms after typing with its results shown, when the search
   * is left (closed, page hidden) or on a result click. A click is reported by the page it opens (it knows
   * its article id, from the vote form) with the same search_id, so the collector counts the search once.
   * The query is only ever sent in the JSON body (never in a URL); the collector scrubs it. */
  var PAUSE = 1500, KEY = "kb-search", conf = document.getElementById("kb-search"), shown = null, timer;

  function sendSearch(s) {
    s.sent = 1;
    post(conf.dataset.endpoint, { lang: s.lang, query: s.query, results: s.results, search_id: s.id, clicked_id: s.clicked });
  }

  function typed() {
    var q = Array.from(input.value.trim().replace(/\s+/g, " ")).slice(0, 200).join("");
    return q.length < 2 ? "" : q;
  }

  function settle() {
    clearTimeout(timer);
    if (shown && !shown.sent) sendSearch(shown);
  }

  function wait() {
    clearTimeout(timer);
    timer = setTimeout(function () { if (shown && typed() === shown.query) settle(); }, PAUSE);
  }

  /* the page a result click opened (or the same page, for an anchor): the search, with this article's id */
  function landed() {
    var s, form = document.querySelector("form[data-kb-feedback]");
    try {
      s = JSON.parse(sessionStorage.getItem(KEY));
      sessionStorage.removeItem(KEY);
    } catch (e) { return; }
    if (!s) return;
    if (s.path === location.pathname && form && form.dataset.lang === s.lang) s.clicked = Number(form.dataset.id);
    if (s.clicked || !s.sent) sendSearch(s);
  }

  if (conf && input) {
    input.addEventListener("input", wait);
    var toggle = document.querySelector("[data-md-toggle=search]");
    if (toggle) toggle.addEventListener("change", function () { if (!toggle.checked) settle(); });
    document.addEventListener("visibilitychange", function () { if (document.hidden) settle(); });
    /* capture: before Material closes the search (which would report it without the click) */
    document.addEventListener("click", function (ev) {
      var a = shown && ev.target.closest && ev.target.closest(".md-search-result__list a[href]");
      if (!a) return;
      clearTimeout(timer);
      shown.path = a.pathname;
      try {
        sessionStorage.setItem(KEY, JSON.stringify(shown));
      } catch (e) { settle(); }
      shown = null;
      if (a.pathname + a.search === location.pathname + location.search) landed();
    }, true);
  }

  /* Search results shown: a typo corrected by our search worker (searchworker.js) is said after the result
   * count; the search to report is the query typed with the number of results shown */
  if (window.component$) component$.subscribe(function (c) {
    if (c.kb && c.ref) c.ref.firstElementChild.textContent += " · " + c.kb.note;
    if (!conf || !c.items || !c.ref || !c.ref.classList.contains("md-search-result")) return;
    var q = typed();
    if (!q) shown = null;
    else if (shown && shown.query === q) shown.results = c.items.length;
    else shown = { lang: conf.dataset.lang, query: q, results: c.items.length, id: newVoteId() };
    if (shown && !shown.sent) wait();
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
