"""Bring an existing help center in: ``scripts/docs.py import wordpress|zendesk``.

One shape for every source (``model``): a source module (``wordpress``, ``zendesk``) reads its export into
posts, categories and old URLs; ``convert`` turns each post's HTML into this project's Markdown (through
markdownify, pinned in requirements.txt); ``plan`` gives ids, paths, front matter and links; ``write``
checks the result with the project's own checks (``helpcenter.content``) in a staging folder, marks what
would break the strict build as drafts, then moves the new files in (never over an existing one);
``report`` says what was done. No MkDocs here: a third source is one more module that returns an ``Export``.
"""
