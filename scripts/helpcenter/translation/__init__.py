"""Translations against their French source: parity (structure, links, outdated) and the translators'
"matches that version" record (translated)."""
