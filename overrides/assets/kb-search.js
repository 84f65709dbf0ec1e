/* A search without a result: what to do next. Loaded by kb.js the first time the reader opens the search
 * (focus of Material's search field: a click, the "/" and "s" shortcuts, a ?q= address), never with the page.
 *
 * The block is rendered by the build in the page's language (partials/search.html, <template id="kb-noresult">):
 * categories, popular articles, the contact link. When Material shows no result for a typed query, a copy of
 * it goes between the result count and the (empty) list, inside Material's result element, so that Material's
 * arrow keys reach its links; it goes away as soon as results appear. It also says how many pages of the other
 * language match the query (their search index is fetched then, once) with a link to that language's search
 * (its home with ?q=, which Material opens), and the contact link carries the query: its {query} field
 * (%7Bquery%7D once URL-encoded in a mailto:) becomes what the reader typed, URL-encoded.
 * Text is only ever set as text (textContent); the query only goes into the mailto: link (the reader's own mail
 * client) and into the link to the other language's search, which the reader chooses to follow. */
(function () {
  "use strict";

  var tpl = document.getElementById("kb-noresult"), status = document.getElementById("kb-noresult-status");
  var input = document.querySelector(".md-search__input"), result = document.querySelector(".md-search-result");
  if (!tpl || !status || !input || !result || result.dataset.kbNoResult) return;
  result.dataset.kbNoResult = "1";

  var meta = result.firstElementChild, list = result.lastElementChild, none = "", index = null, shown = "";
  try {
    none = JSON.parse(document.getElementById("__config").textContent).translations["search.result.none"] || "";
  } catch (e) { /* without Material's configuration: an empty list with a query is enough */ }

  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = document.currentScript.src.replace(/\.js$/, ".css");
  document.head.appendChild(css);

  var block = tpl.content.firstElementChild.cloneNode(true);
  var contact = block.querySelector(".kb-noresult__contact"), contactHref = contact && contact.getAttribute("href");
  var other = block.querySelector(".kb-noresult__other"), otherLink = other && other.firstElementChild;
  var title = block.querySelector(".kb-noresult__title").textContent;

  /* what the reader typed, as kb.js reports it: trimmed, white space collapsed, at most 200 characters */
  function typed() {
    return Array.from(input.value.trim().replace(/\s+/g, " ")).slice(0, 200).join("");
  }

  /* lower case, accents and punctuation away: "Réglé, l'offre" -> "regle l offre" */
  function fold(text) {
    return " " + text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, " ").trim() + " ";
  }

  /* {page: folded text of its title and sections} of the other language, fetched once, on the first need */
  function pages() {
    if (!index) index = fetch(tpl.dataset.index, { credentials: "same-origin" }).then(function (r) {
      return r.ok ? r.json() : { docs: [] };
    }).then(function (data) {
      var out = {};
      (data.docs || []).forEach(function (d) {
        var page = String(d.location || "").split("#")[0], text = (d.title || "") + " " + (d.text || "") + " " + (d.words || "");
        out[page] = (out[page] || "") + fold(text.replace(/<[^>]*>/g, " ").replace(/&[a-z#0-9]+;/gi, " "));
      });
      return out;
    }).catch(function () { return {}; });
    return index;
  }

  /* pages of the other language where every word of the query starts a word */
  function count(query) {
    var words = fold(query).trim().split(" ").filter(function (w) { return w.length > 1; });
    if (!words.length || !tpl.dataset.index) return Promise.resolve(0);
    return pages().then(function (all) {
      return Object.keys(all).filter(function (page) {
        return words.every(function (w) { return all[page].indexOf(" " + w) >= 0; });
      }).length;
    });
  }

  function say(text) {
    if (status.textContent !== text) status.textContent = text;
  }

  function show(query) {
    if (block.parentNode !== result) result.insertBefore(block, list);
    if (query === shown) return;
    shown = query;
    var q = encodeURIComponent(query);
    if (contact) contact.href = contactHref.split("%7Bquery%7D").join(q).split("{query}").join(q);
    if (other) other.hidden = true;
    say(title);
    count(query).then(function (n) {
      if (shown !== query || !n || !other) return;
      otherLink.textContent = tpl.dataset[n === 1 ? "one" : "other"].replace("{n}", n);
      otherLink.href = tpl.dataset.home + "?q=" + q;
      other.hidden = false;
      say(title + " " + otherLink.textContent);
    });
  }

  function hide() {
    shown = "";
    if (block.parentNode) block.parentNode.removeChild(block);
    say("");
  }

  /* Material writes the result count (or "no result") then the list, for every search */
  function update() {
    var query = typed(), text = meta.textContent.trim();
    if (query && !list.children.length && (!none || text.indexOf(none) === 0)) show(query);
    else hide();
  }

  new MutationObserver(update).observe(meta, { childList: true, characterData: true, subtree: true });
  new MutationObserver(update).observe(list, { childList: true });
  input.addEventListener("input", function () { if (shown && typed() !== shown) update(); });
  update();
})();
