"""The catalogue: the articles and categories of every language, read from docs/, and their consistency
(ids, translations, related ids, categories)."""
