"""The files as writers wrote them, read and checked; the floor every other room builds on.

problems (the Problem every check reports), frontmatter, fences (code every check skips), snippets
(shared text per language), symlinks (links in docs/ must stay inside the project).
"""
