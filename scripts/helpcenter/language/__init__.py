"""The two languages' rules: interface strings (strings), French typography (typography), one form per
product term (glossary)."""
