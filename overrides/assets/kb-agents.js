/* Support agents' lookup page (/agents/ only): one search over the articles of both languages.
 * Data: agents.json (written by the build, helpcenter/agents.py), loaded at the first focus or keystroke.
 * Keyboard: type, ↑ ↓ choose a result, Enter copies its link in the ticket's language (with the
 * chosen section, if any: a query found in a section's title and not in the article's chooses it). Text from the data is only ever used as text (textContent). */
(function () {
  "use strict";
  var main = document.querySelector(".kb-agents");
  if (!main) return;
  var S = JSON.parse(main.dataset.strings || "{}");
  var input = document.getElementById("kb-agents-q");
  var list = document.getElementById("kb-agents-results");
  var status = document.getElementById("kb-agents-status");
  var data = null, loading = null, shown = [], active = -1;

  function fold(s) {
    return String(s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function words(s) { return fold(s).match(/[a-z0-9]+/g) || []; }

  function load() {
    if (!loading) {
      loading = fetch(main.dataset.data).then(function (r) { return r.json(); }).then(function (d) {
        d.articles.forEach(function (a) {
          a.fields = [];
          d.languages.forEach(function (l) {
            var e = a[l];
            if (!e) return;
            a.fields.push({ w: 6, words: words(e.title) }, { w: 1, words: words(e.words) });
            e.sections.forEach(function (s) { a.fields.push({ w: 3, words: words(s.title), section: s.id }); });
          });
        });
        data = d;
        return d;
      });
    }
    return loading;
  }

  function near(a, b) {          /* one letter changed, added, removed or swapped */
    if (Math.abs(a.length - b.length) > 1) return false;
    var i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    return a.slice(i + 1) === b.slice(i + 1) || a.slice(i) === b.slice(i + 1) || a.slice(i + 1) === b.slice(i) ||
      (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  }

  function score(article, terms) {
    var total = 0, matched = 0, inTitle = 0, best = {};
    terms.forEach(function (t) {
      var top = 0, title = false;
      article.fields.forEach(function (f) {
        var hit = 0;
        f.words.forEach(function (w) {
          if (w === t) hit = Math.max(hit, 1);
          else if (w.indexOf(t) === 0) hit = Math.max(hit, 0.8);
          else if (t.length >= 5 && (near(t, w) || near(t, w.slice(0, t.length)))) hit = Math.max(hit, 0.5);
        });
        if (hit * f.w > top) top = hit * f.w;
        if (hit && f.w === 6) title = true;
        if (hit && f.section) best[f.section] = (best[f.section] || 0) + hit;
      });
      if (top) matched++;
      if (title) inTitle++;
      total += top;
    });
    var section = null, max = 0;
    Object.keys(best).forEach(function (k) { if (best[k] > max) { max = best[k]; section = k; } });
    /* a query found in a section's title, not in the article's: that section is chosen */
    return { a: article, n: matched, s: total, section: max >= terms.length && inTitle < terms.length ? section : null };
  }

  function ticketLang() {
    var r = main.querySelector("input[name=kb-ticket-lang]:checked");
    return r ? r.value : data.default;
  }

  function link(article, lang, section) {
    var e = article[lang];
    if (!e) return null;
    return new URL("../" + e.short, location.href).href + (section ? "#" + section : "");
  }

  function copy(text) {
    function done() { say(S.agents_copied.replace("{text}", text)); }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
    } else { fallback(text); done(); }
  }
  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing else to try */ }
    area.remove();
    input.focus();
  }
  function say(text) { status.textContent = text; }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function button(label, fn) {
    var b = el("button", "kb-agents-copy", label);
    b.type = "button";
    b.addEventListener("click", fn);
    return b;
  }

  function render(results) {
    list.textContent = "";
    shown = results;
    results.forEach(function (r, i) {
      var a = r.a, li = el("li", "kb-agents-result");
      li.id = "kb-agents-r" + i;
      li.dataset.id = a.id;
      data.languages.forEach(function (l) {
        var row = el("p", "kb-agents-title"), e = a[l];
        row.appendChild(el("span", "kb-agents-code", l.toUpperCase()));
        if (e) {
          var t = el("a", null, e.title);
          t.href = "../" + e.url;
          t.lang = l;
          row.appendChild(t);
          row.appendChild(el("code", null, "/" + e.short));
        } else {
          row.appendChild(el("em", "kb-agents-warn", S["agents_missing_" + l]));
        }
        li.appendChild(row);
      });
      if (a.incomplete.length) {
        li.appendChild(el("p", "kb-agents-warn", S.agents_incomplete.replace("{what}",
          a.incomplete.map(function (c) { return S["agents_" + c]; }).join(", "))));
      }
      var secs = (a[data.default] || a[data.languages[1]]).sections, select = null;
      var tools = el("div", "kb-agents-tools");
      if (secs.length) {
        var label = el("label", null, S.agents_section + " ");
        select = el("select");
        select.appendChild(new Option(S.agents_whole, ""));
        secs.forEach(function (s) {
          var titles = data.languages.map(function (l) {
            var x = a[l] && a[l].sections.filter(function (y) { return y.id === s.id; })[0];
            return x ? x.title : null;
          }).filter(Boolean);
          select.appendChild(new Option(titles.join(" / ") + " (#" + s.id + ")", s.id));
        });
        if (r.section) select.value = r.section;
        label.appendChild(select);
        tools.appendChild(label);
      }
      r.select = select;
      data.languages.forEach(function (l) {
        if (a[l]) tools.appendChild(button(S["agents_copy_" + l], function () { copy(link(a, l)); }));
      });
      if (select) tools.appendChild(button(S.agents_copy_section, function () { copy(linkOf(r)); }));
      tools.appendChild(button(S.agents_copy_md, function () {
        var l = a[ticketLang()] ? ticketLang() : data.default;
        copy("[" + a[l].title + "](" + linkOf(r, l) + ")");
      }));
      li.appendChild(tools);
      li.addEventListener("click", function () { setActive(i); });
      list.appendChild(li);
    });
    setActive(results.length ? 0 : -1);
  }

  function linkOf(r, lang) {
    var l = lang || ticketLang();
    if (!r.a[l]) l = data.default;
    return link(r.a, l, r.select && r.select.value);
  }

  function setActive(i) {
    if (active >= 0 && list.children[active]) list.children[active].classList.remove("kb-agents-active");
    active = i;
    if (i >= 0 && list.children[i]) {
      list.children[i].classList.add("kb-agents-active");
      list.children[i].scrollIntoView({ block: "nearest" });
    }
  }

  function search() {
    var terms = words(input.value);
    if (!terms.length) { render([]); say(""); return; }
    var results = data.articles.map(function (a) { return score(a, terms); }), most = 0;
    results.forEach(function (r) { most = Math.max(most, r.n); });
    results = results.filter(function (r) { return r.n > 0 && r.n === most; })   /* every word found, else the most */
      .sort(function (x, y) { return y.n - x.n || y.s - x.s || x.a.id - y.a.id; })
      .slice(0, 10);
    render(results);
    say(results.length ? S.agents_count.replace("{n}", results.length) : S.agents_none);
  }

  input.addEventListener("focus", load);
  input.addEventListener("input", function () { load().then(search); });
  input.addEventListener("keydown", function (ev) {
    if (!shown.length) return;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      var n = shown.length;
      setActive(((active < 0 ? -1 : active) + (ev.key === "ArrowDown" ? 1 : n - 1)) % n);
      var r = shown[active];
      say((active + 1) + "/" + n + " : " + (r.a[ticketLang()] || r.a[data.default]).title);
    } else if (ev.key === "Enter" && active >= 0) {
      ev.preventDefault();
      copy(linkOf(shown[active]));
    }
  });
  main.addEventListener("change", function (ev) {
    if (ev.target.name === "kb-ticket-lang") {
      try { localStorage.setItem("kb-ticket-lang", ev.target.value); } catch (e) { /* not remembered */ }
    }
  });
  try {
    var saved = localStorage.getItem("kb-ticket-lang");
    var radio = saved && main.querySelector("input[name=kb-ticket-lang][value=" + saved.replace(/[^a-z-]/g, "") + "]");
    if (radio) radio.checked = true;
  } catch (e) { /* default language */ }
  if (document.activeElement === input) load();
})();
