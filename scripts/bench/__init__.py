"""Benchmarks: each prints figures (never a timed test); see README.md beside this file.

``browser.py`` is shared with the tests: a static server of a built site and Debian's chromium.
"""
