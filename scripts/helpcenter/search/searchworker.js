/* Prepended to Material's search worker by the build (helpcenter/searchindex.py), for every language.
 *
 * 1. Stemmed prefixes. Material turns every typed word into a prefix query ("invoice*") and lunr
 *    skips the pipeline for such terms, so they never meet the stems in the index ("invoic"):
 *    "invoice", "language", "translate" found nothing. The word before the "*" is stemmed with the
 *    index's own stemmer, so "invoice", "invoices" and "invo" all find "invoic".
 * 2. Typos. When a query finds fewer than FEW articles, each of its words (not a stop word) that
 *    matches nothing in the index is replaced by the closest word of the indexed text (edit
 *    distance 1, or 2 for words of 7 letters or more, accents folded; the most frequent wins a tie)
 *    and the search runs again; if it finds more, its result is shown, with {kb: {query, note}}
 *    that kb.js shows ("Résultats pour « supprimer »"). Nothing of this runs when the first search
 *    finds enough; the vocabulary is built at the first retry.
 * 3. Ranking. The articles a search shows are put in the order of searchrank.js. When more than
 *    LIMIT articles match, only the entries of the LIMIT best reach Material's post-processing
 *    (highlighting every entry of thousands took most of a query's time at 2,000 articles): a
 *    reader sees at most LIMIT articles, the best ones.
 * 4. Only the last query. Material sends a query at every keystroke and its worker answers each in
 *    turn: at 2,000 articles a query takes about 90 ms, so fast typing queued queries whose results
 *    nobody would see, and the last one waited behind them. A query is answered once the queries
 *    already waiting have been read, and only the newest of them.
 * Material's worker is used as is: this wraps its message listener and its postMessage. */
(function () {
  "use strict";
  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3, FEW = 3, LIMIT = 100;
  var listen = self.addEventListener, post = self.postMessage;
  var lang = "en", config = null, docs = null, index = null, vocabulary = null, pending = null, ranker = null, current = null, latest = null;

  function fold(s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }

  function stemmer() {
    var l = lunr[lang];
    return (lang !== "en" && l && l.stemmer) || lunr.stemmer;
  }

  function stem(word) {
    var out = stemmer()(new lunr.Token(word)).toString();
    return out || word;
  }

  function isStopWord(word) {
    var l = lang !== "en" && lunr[lang] || lunr;
    return !!l.stopWordFilter && l.stopWordFilter(new lunr.Token(word)) === undefined;
  }

  function patchLunr() {
    if (lunr.kbPatched) return;
    lunr.kbPatched = true;
    var clause = lunr.Query.prototype.clause;
    lunr.Query.prototype.clause = function (c) {
      if (c && c.usePipeline === false && typeof c.term === "string" && /^[^*]+\*$/.test(c.term)) {
        c.term = stem(c.term.slice(0, -1)) + "*";
      }
      return clause.call(this, c);
    };
    var build = lunr.Builder.prototype.build;
    lunr.Builder.prototype.build = function () { return index = build.call(this); };
    var search = lunr.Index.prototype.search;
    lunr.Index.prototype.search = function () {
      var results = search.apply(this, arguments), top = null;
      try { top = ranker && current !== null ? ranker.top(current, LIMIT) : null; } catch (e) { top = null; }
      return top ? results.filter(function (r) { return top.has(r.ref.split("#")[0]); }) : results;
    };
  }

  /* Words of a query, as the search separator splits them */
  function words(query) {
    return query.split(new RegExp(config.separator, "g")).filter(Boolean);
  }

  function matches(word) {
    var w = word.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
    if (w.length < 4 || !/^[\p{L}\p{N}]+$/u.test(w) || isStopWord(w)) return true;
    return lunr.TokenSet.fromString(stem(w) + "*").intersect(index.tokenSet).toArray().length > 0;
  }

  function buildVocabulary() {
    var counts = new Map();
    docs.forEach(function (doc) {
      var text = [doc.title, doc.text, doc.words || ""].concat(doc.keywords || []).join(" ").replace(/<[^>]*>/g, " ");
      (text.match(/[\p{L}\p{N}]{4,}/gu) || []).forEach(function (w) {
        w = w.toLowerCase();
        counts.set(w, (counts.get(w) || 0) + 1);
      });
    });
    vocabulary = [];
    counts.forEach(function (n, w) { vocabulary.push({ word: w, folded: fold(w), n: n }); });
  }

  /* Restricted Damerau-Levenshtein distance, or max + 1 as soon as it exceeds max */
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev2 = [], prev = [], cur = [], i, j;
    for (j = 0; j <= b.length; j++) prev[j] = j;
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      var low = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
        cur[j] = d;
        if (d < low) low = d;
      }
      if (low > max) return max + 1;
      prev2 = prev; prev = cur;
    }
    return prev[b.length];
  }

  function closest(word) {
    var w = fold(word), max = w.length >= 7 ? 2 : 1, best = null;
    if (!vocabulary) buildVocabulary();
    for (var k = 0; k < vocabulary.length; k++) {
      var v = vocabulary[k];
      if (v.folded === w) continue;
      var d = distance(w, v.folded, max);
      if (d <= max && (!best || d < best.d || (d === best.d && v.n > best.n))) best = { d: d, n: v.n, word: v.word };
    }
    return best && best.word;
  }

  function corrected(query) {
    var changed = false;
    var out = words(query).map(function (word) {
      if (matches(word)) return word;
      var fix = closest(word.toLowerCase());
      if (fix) changed = true;
      return fix || word;
    });
    return changed ? out.join(" ") : null;
  }

  /* The result's articles in the order of searchrank.js (Material's order if it fails); its documents are
   * prepared as soon as Material's index is ready, so that the first query does not wait for them */
  function prepare() {
    if (!ranker) ranker = new self.kbRanker(docs, config, stem, isStopWord);
    return ranker;
  }

  function ranked(message, query) {
    try {
      message.data.items = prepare().order(query, message.data.items);
    } catch (e) { /* keep Material's order */ }
    return message;
  }

  self.postMessage = function (message) {
    if (message && message.type === READY) setTimeout(function () { try { prepare(); } catch (e) { /* at the first query */ } }, 0);
    var p = pending;
    pending = null;
    if (p && message && message.type === RESULT) {
      if (p.corrected) {                                  /* second run: keep it if it finds more */
        if (message.data.items.length > p.first.data.items.length) {
          message.data.kb = { query: p.corrected, note: (config.kb_corrected || "{query}").replace("{query}", p.corrected) };
          return post.call(self, ranked(message, p.corrected));
        }
        return post.call(self, ranked(p.first, p.query));
      }
      var fix = null;
      if (message.data.items.length < FEW) {
        try { fix = index && corrected(p.query); } catch (e) { fix = null; }
      }
      if (fix) {
        pending = { corrected: fix, first: message };
        current = fix;
        p.listener.call(self, { data: { type: QUERY, data: fix } });
        return;
      }
      return post.call(self, ranked(message, p.query));
    }
    return post.apply(self, arguments);
  };

  self.addEventListener = function (type, listener, options) {
    if (type !== "message") return listen.call(self, type, listener, options);
    return listen.call(self, type, function (ev) {
      var m = ev.data;
      if (m && m.type === SETUP) {
        config = m.data.config; docs = m.data.docs; vocabulary = null; ranker = null;
        lang = config.lang && config.lang.length === 1 ? config.lang[0] : "en";
        patchLunr();
      } else if (m && m.type === QUERY && typeof m.data === "string") {
        var waiting = latest !== null;
        latest = ev;
        if (!waiting) setTimeout(function () {
          var last = latest;
          latest = null;
          pending = { query: last.data.data, listener: listener };
          current = last.data.data;
          listener.call(self, last);
        }, 0);
        return;
      }
      return listener.call(self, ev);
    }, options);
  };
})();
