"""The reader's search: the index per language (searchindex), the synonyms readers type (synonyms), the
worker's fix-ups prepended to Material's search worker (searchworker.js)."""
