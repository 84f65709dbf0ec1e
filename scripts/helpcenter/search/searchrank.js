/* Prepended to Material's search worker by the build (helpcenter/search/searchindex.py), before
 * searchworker.js, which calls it: the order of the articles a search shows.
 *
 * Material's worker finds the entries that match a query (every typed word optional, as a prefix)
 * and highlights them; it ranks them with lunr, built without length normalisation (b = 0), one
 * entry per section, then adds a bonus for the share of query words an entry matches. Long
 * sections and common title words (portail, client, facture, customer) won over the one section
 * that answers. Here the articles Material found are put in the order of a BM25F score:
 *
 * - one document per section (the page's own entry, its intro, is one), with the article's title
 *   added to each section: fields heading, article title, text and keywords (front-matter
 *   keywords, tags and synonyms, which the build puts in the hidden `keywords` field), each with
 *   its weight and its own length normalisation;
 * - words folded, stop words of the language dropped, stemmed with the index's stemmer (the same as
 *   Material's, accents folded in French); a query word also matches the indexed words it is a
 *   prefix of (the word being typed), at a discount;
 * - an article scores as its best section, times a bonus for the share of the query's words found
 *   anywhere in the article (every word optional, more words matched rank higher).
 *
 * Articles Material found that score nothing here keep Material's order, after the others.
 * Nothing of the index is kept twice: the documents are tokenised at the first query.
 * Weights were tuned on the "tune" half of tests/search_eval.yml (scripts/bench/bench_search.py).
 * There is no well-kept BM25 library to drop into Material's worker (and a second index would
 * double the download): this is the one ranking function, about a hundred lines. */
(function () {
  "use strict";
  var W = { heading: 1, title: 2.5, text: 1, keywords: 0.5, articleKeywords: 2 };   /* field weights */
  var B = { heading: 0.5, title: 0.9, text: 0.5, keywords: 0, articleKeywords: 0 };   /* length normalisation */
  var K1 = 2.2, PREFIX = 0.6, COVER = 0.25;
  var FIELDS = ["heading", "title", "text", "keywords", "articleKeywords"];

  function entities(s) {
    return s.replace(/<[^>]*>/g, " ").replace(/&(amp|lt|gt|quot|#39|nbsp);/g, function (_, e) {
      return { amp: "&", lt: "<", gt: ">", quot: "\"", "#39": "'", nbsp: " " }[e];
    });
  }

  function Ranker(docs, config, stem, isStopWord) {
    this.stem = stem; this.isStopWord = isStopWord;
    this.separator = new RegExp(config.separator, "g");
    this.sections = []; this.df = new Map(); this.avg = {};
    var pages = new Map(), self = this, total = {};
    FIELDS.forEach(function (f) { total[f] = 0; });
    docs.forEach(function (doc) {
      if (doc.location.indexOf("#") < 0) pages.set(doc.location, doc);
    });
    docs.forEach(function (doc) {
      var page = doc.location.split("#")[0], article = pages.get(page) || {}, intro = article === doc;
      var s = { page: page, tf: {}, len: {} };
      var raw = {
        title: article.title || "", heading: intro ? "" : doc.title, text: doc.text,
        keywords: intro ? "" : (doc.keywords || []).join(" "), articleKeywords: (article.keywords || []).join(" ")
      };
      var seen = new Set();
      FIELDS.forEach(function (f) {
        var terms = self.terms(raw[f] || ""), tf = new Map();
        terms.forEach(function (t) { tf.set(t, (tf.get(t) || 0) + 1); seen.add(t); });
        s.tf[f] = tf; s.len[f] = terms.length; total[f] += terms.length;
      });
      seen.forEach(function (t) { self.df.set(t, (self.df.get(t) || 0) + 1); });
      self.sections.push(s);
    });
    FIELDS.forEach(function (f) { self.avg[f] = total[f] / Math.max(1, self.sections.length) || 1; });
    this.vocabulary = Array.from(this.df.keys());
  }

  /* The indexed terms of a text: split as the search splits, trimmed, stop words out, stemmed */
  Ranker.prototype.terms = function (text) {
    var out = [], self = this;
    entities(String(text)).toLowerCase().split(this.separator).forEach(function (w) {
      w = w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
      if (!w || self.isStopWord(w)) return;
      var t = self.stem(w.normalize("NFD").replace(/[\u0300-\u036f]/g, ""));
      if (t) out.push(t);
    });
    return out;
  };

  /* {term: weight} that a query word matches: its stem, and the indexed terms it is a prefix of */
  Ranker.prototype.expand = function (term) {
    var out = new Map();
    if (this.df.has(term)) out.set(term, 1);
    if (term.length >= 3) {
      for (var i = 0; i < this.vocabulary.length; i++) {
        var v = this.vocabulary[i];
        if (v.length > term.length && v.lastIndexOf(term, 0) === 0) out.set(v, PREFIX);
      }
    }
    return out;
  };

  /* Map page location -> score, for the articles where at least one query word matched */
  Ranker.prototype.score = function (query) {
    var n = this.sections.length, self = this;
    var words = Array.from(new Set(this.terms(query)));
    if (!words.length) return new Map();
    var expanded = words.map(function (w) { return self.expand(w); });
    var best = new Map(), found = new Map();
    this.sections.forEach(function (s) {
      var score = 0;
      expanded.forEach(function (terms, i) {
        var wordScore = 0;
        terms.forEach(function (weight, t) {
          var tf = 0;
          FIELDS.forEach(function (f) {
            var c = s.tf[f].get(t);
            if (c) tf += W[f] * c / (1 - B[f] + B[f] * s.len[f] / self.avg[f]);
          });
          if (!tf) return;
          var df = self.df.get(t), idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
          wordScore = Math.max(wordScore, weight * idf * tf / (K1 + tf));
        });
        if (wordScore) {
          score += wordScore;
          var f = found.get(s.page) || new Set();
          f.add(i); found.set(s.page, f);
        }
      });
      if (score > (best.get(s.page) || 0)) best.set(s.page, score);
    });
    var out = new Map();
    best.forEach(function (score, page) {
      var cover = found.get(page).size / words.length;
      out.set(page, score * (1 + COVER * cover * cover));
    });
    return out;
  };

  /* Material's result groups (one per article), in our order; stable for equal scores */
  Ranker.prototype.order = function (query, groups) {
    var scores = this.score(query);
    return groups.map(function (g, i) {
      var page = g[0].location.split("#")[0];
      return { g: g, i: i, s: scores.get(page) || 0 };
    }).sort(function (a, b) { return b.s - a.s || a.i - b.i; }).map(function (x) { return x.g; });
  };

  self.kbRanker = Ranker;
})();
