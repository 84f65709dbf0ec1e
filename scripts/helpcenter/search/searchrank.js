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
    this.pages = [];                    /* section -> its page's location */
    this.postings = new Map();          /* term -> [[section, weighted and normalised tf], ...] */
    var pages = new Map(), self = this, total = {}, counts = [];
    FIELDS.forEach(function (f) { total[f] = 0; });
    docs.forEach(function (doc) {
      if (doc.location.indexOf("#") < 0) pages.set(doc.location, doc);
    });
    docs.forEach(function (doc) {
      var page = doc.location.split("#")[0], article = pages.get(page) || {}, intro = article === doc;
      var raw = {
        title: article.title || "", heading: intro ? "" : doc.title, text: doc.text + " " + (doc.words || ""),
        keywords: intro ? "" : (doc.keywords || []).join(" "), articleKeywords: (article.keywords || []).join(" ")
      };
      var fields = {};
      FIELDS.forEach(function (f) {
        var terms = self.terms(raw[f] || ""), tf = new Map();
        terms.forEach(function (t) { tf.set(t, (tf.get(t) || 0) + 1); });
        fields[f] = { tf: tf, len: terms.length };
        total[f] += terms.length;
      });
      counts.push(fields);
      self.pages.push(page);
    });
    var n = Math.max(1, counts.length), avg = {};
    FIELDS.forEach(function (f) { avg[f] = total[f] / n || 1; });
    counts.forEach(function (fields, i) {
      var tfn = new Map();
      FIELDS.forEach(function (f) {
        var norm = 1 - B[f] + B[f] * fields[f].len / avg[f];
        fields[f].tf.forEach(function (c, t) { tfn.set(t, (tfn.get(t) || 0) + W[f] * c / norm); });
      });
      tfn.forEach(function (w, t) {
        var list = self.postings.get(t);
        if (!list) self.postings.set(t, list = []);
        list.push([i, w]);
      });
    });
    this.vocabulary = Array.from(this.postings.keys());
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
    if (this.postings.has(term)) out.set(term, 1);
    if (term.length >= 3) {
      for (var i = 0; i < this.vocabulary.length; i++) {
        var v = this.vocabulary[i];
        if (v.length > term.length && v.lastIndexOf(term, 0) === 0) out.set(v, PREFIX);
      }
    }
    return out;
  };

  /* Map page location -> score, for the articles where at least one query word matched (the last
   * query's scores are kept: the worker asks for them twice) */
  Ranker.prototype.score = function (query) {
    if (this.last && this.last.query === query) return this.last.scores;
    var scores = this.compute(query);
    this.last = { query: query, scores: scores };
    return scores;
  };

  /* The pages of the `limit` best articles, or null when no more than `limit` articles match */
  Ranker.prototype.top = function (query, limit) {
    var scores = this.score(query);
    if (scores.size <= limit) return null;
    var pages = Array.from(scores.keys()).sort(function (a, b) { return scores.get(b) - scores.get(a); });
    return new Set(pages.slice(0, limit));
  };

  Ranker.prototype.compute = function (query) {
    var n = this.pages.length, self = this;
    var words = Array.from(new Set(this.terms(query)));
    var sections = new Map();           /* section -> its score */
    var found = new Map();              /* page -> set of the query words found in it */
    words.forEach(function (word, i) {
      var best = new Map();             /* section -> best score of this word (its stem or a longer term) */
      self.expand(word).forEach(function (weight, t) {
        var list = self.postings.get(t), idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
        for (var k = 0; k < list.length; k++) {
          var tf = list[k][1], v = weight * idf * tf / (K1 + tf);
          if (v > (best.get(list[k][0]) || 0)) best.set(list[k][0], v);
        }
      });
      best.forEach(function (v, section) {
        sections.set(section, (sections.get(section) || 0) + v);
        var page = self.pages[section], f = found.get(page);
        if (!f) found.set(page, f = new Set());
        f.add(i);
      });
    });
    var out = new Map();
    sections.forEach(function (score, section) {
      var page = self.pages[section], cover = found.get(page).size / words.length;
      var value = score * (1 + COVER * cover * cover);
      if (value > (out.get(page) || 0)) out.set(page, value);
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
