"""MkDocs' live-reload server serving the preview session.

``LiveReloadServer`` (mkdocs.livereload) serves the files, injects its live-reload script into HTML
pages and makes browsers reload when the served version changes. Three things differ from
``mkdocs serve``: the server learns which files changed (for the incremental paths); pages stay
served while a change is applied (the previous version until the new one is published, instead of
holding requests); and while the last change has problems, every HTML page carries a banner that
lists them (``file:line: message (fix: ...)``), the last good version of the page below it. Before a
first build has succeeded, every URL answers a page that shows the problems, with live reload: the
save that fixes them brings the site up. And it is stricter with odd requests: a redirect never leaves
the site (MkDocs answered ``/%2fevil.example/..%2fsettings`` with ``Location: //evil.example/../settings/``),
and a path that is not UTF-8 or holds a control character (``/%00``) is a 400, not a 500 with a traceback.
"""
from __future__ import annotations

import html
import logging
import os
import threading
import time
import unicodedata
import urllib.parse
from pathlib import Path

import watchdog.events
import watchdog.observers.polling
from mkdocs.livereload import LiveReloadServer, _timestamp

from .session import Session

log = logging.getLogger("kb.preview")

BANNER = (
    '<div id="kb-preview-problems" role="alert" style="position:fixed;z-index:10000;left:0;right:0;'
    'top:0;max-height:50vh;overflow:auto;background:#fff4f4;color:#5c0000;border-bottom:3px solid #c00;'
    'padding:.8em 1.2em;font:14px/1.45 system-ui,sans-serif;box-shadow:0 2px 8px rgba(0,0,0,.2)">'
    "<strong>{title}</strong><ul style=\"margin:.4em 0 0;padding-left:1.2em\">{items}</ul></div>"
)


NOT_BUILT = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Preview: not built yet</title>'
    '</head><body style="font:16px/1.5 system-ui,sans-serif;margin:0;padding:45vh 1.2em 1em">'
    "<h1>The preview is not built yet</h1><p>The problems above stop the build. Fix them and save: "
    "this page reloads by itself.</p></body></html>"
).encode("utf-8")


def banner(errors: list[str]) -> bytes:
    items = "".join(f'<li><code style="white-space:pre-wrap">{html.escape(e)}</code></li>' for e in errors)
    title = (f"Preview not updated: {len(errors)} problem(s) in your last change. The last good "
             "version is shown; fix and save again.")
    return BANNER.format(title=html.escape(title), items=items).encode("utf-8")


def not_found_page(root: Path, path: str) -> Path | None:
    """The 404 page of the language a missing ``path`` is under, as the deployed site answers
    (``<lang>/404.html`` for ``/<lang>/…`` when the build has it, else the default language's)."""
    first = path.lstrip("/").split("/", 1)[0]
    candidates = ([root / first / "404.html"] if first and "." not in first else []) + [root / "404.html"]
    return next((p for p in candidates if p.is_file()), None)


BAD_REQUEST, NOT_LOCAL = object(), object()


def local_path(path_info: str):
    """The path of a request (WSGI's ``PATH_INFO``, percent-decoded as Latin-1) as text, else
    ``BAD_REQUEST`` (not UTF-8, or a control character such as NUL) or ``NOT_LOCAL`` (what a browser
    would read as another host in a redirect: a leading ``//``, or a backslash anywhere)."""
    try:
        path = path_info.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return BAD_REQUEST
    if any(unicodedata.category(c) == "Cc" for c in path):
        return BAD_REQUEST
    if path.startswith("//") or "\\" in path:
        return NOT_LOCAL
    return path


def safe_location(location: str) -> str:
    """A redirect's target as a path of this site: one leading slash, no backslash, no scheme or host."""
    if location.startswith("/") and not location.startswith("//") and "\\" not in location \
            and not any(unicodedata.category(c) == "Cc" for c in location):
        return location
    rest = urllib.parse.quote(urllib.parse.urlsplit(location.replace("\\", "/")).path.lstrip("/"),
                              safe="/%")   # MkDocs quoted it already
    return "/" + rest


class PreviewServer(LiveReloadServer):
    def __init__(self, session: Session, host: str, port: int, quiet_after: float = 0.4):
        self.session = session
        self.quiet_after = quiet_after       # seconds without a save before deferred work runs
        self._changed: set[str] = set()
        super().__init__(builder=lambda: None, host=host, port=port, root=str(session.link))
        self._schedules: list[tuple] = []
        if os.environ.get("KB_PREVIEW_POLLING", "") in ("", "0"):
            try:     # told of a save at once (MkDocs polls every 0.5 s); KB_PREVIEW_POLLING=1 polls
                from watchdog.observers.inotify import InotifyObserver
                self.observer = InotifyObserver()
            except (ImportError, OSError):
                pass

        def error_page(code):
            if code != 404:
                return None
            if not session.ready:     # no build yet: the problems, and live reload for the fix
                return self._inject_js_into_html(NOT_BUILT, self._visible_epoch)
            page = not_found_page(session.link, getattr(self._request, "path", "/"))
            return page.read_bytes() if page is not None else None
        self._request = threading.local()      # the path being answered, for error_page
        self.error_handler = error_page

    def serve_request(self, environ, start_response):
        """MkDocs' answer, but never a redirect off this site, and a path it cannot serve (undecodable,
        a control character: ``/%00`` was a 500 with a traceback) is a 400."""
        path = local_path(environ.get("PATH_INFO", "/"))
        self._request.path = path if isinstance(path, str) else "/"
        if path is BAD_REQUEST:
            start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"400 Bad Request: the path has a character no page has"]
        if path is NOT_LOCAL:              # MkDocs would redirect //host/folder to //host/folder/
            start_response("404 Not Found", [("Content-Type", "text/html")])
            return [self.error_handler(404) or b"404 Not Found"]

        def local_redirect(status, headers, exc_info=None):
            headers = [(k, v if k.lower() != "location" else safe_location(v)) for k, v in headers]
            return start_response(status, headers, exc_info)
        return super().serve_request(environ, local_redirect)

    def watch(self, path: str, func=None, *, recursive: bool = True) -> None:
        path = os.path.abspath(path)
        if path in self._watched_paths:
            self._watched_paths[path] += 1
            return
        self._watched_paths[path] = 1

        def callback(event):
            if event.is_directory and event.event_type not in ("moved", "deleted"):
                return
            if event.event_type not in ("created", "modified", "moved", "deleted") \
                    or "/__pycache__/" in event.src_path:     # a file read (inotify), Python's caches
                return
            with self._rebuild_cond:
                self._changed.add(event.src_path)
                dest = getattr(event, "dest_path", "")
                if dest:
                    self._changed.add(dest)
                self._want_rebuild = True
                self._rebuild_cond.notify_all()

        handler = watchdog.events.FileSystemEventHandler()
        handler.on_any_event = callback
        self._schedules.append((handler, path, recursive))
        try:
            self._watch_refs[path] = self.observer.schedule(handler, path, recursive=recursive)
        except OSError:      # inotify's limits reached: poll, as MkDocs does
            self.observer = watchdog.observers.polling.PollingObserver(timeout=0.5)
            for h, p, r in self._schedules:
                self._watch_refs[p] = self.observer.schedule(h, p, recursive=r)

    def _publish(self) -> None:
        """Tell browsers that a new version is served (both epochs move together: requests are
        never held, the served files are always a complete version)."""
        with self._epoch_cond:
            self._wanted_epoch = self._visible_epoch = _timestamp()
            self._epoch_cond.notify_all()

    def _build_loop(self):
        while True:
            with self._rebuild_cond:
                timeout = self.quiet_after if self.session.pending else self.shutdown_delay
                self._rebuild_cond.wait_for(lambda: self._want_rebuild or self._shutdown, timeout=timeout)
                if self._shutdown:
                    break
                if not self._want_rebuild:
                    if self.session.pending:
                        self._settle()
                    continue
                while self._rebuild_cond.wait(timeout=self.build_delay):
                    pass                      # wait for the editor to finish writing
                changed, self._changed = self._changed, set()
                self._want_rebuild = False
            self._apply(changed)

    def _apply(self, changed: set[str]) -> None:
        names = ", ".join(sorted(os.path.relpath(p, self.session.root) for p in changed)[:5])
        result = self.session.apply(changed)
        report(result, names)
        self._publish()

    def _settle(self) -> None:
        result = self.session.settle(wait=False)
        if result.kind != "none":
            report(result, "the other pages that show your last saves (side navigation, popular and related "
                           "articles)")
            self._publish()

    def _inject_js_into_html(self, content, epoch):
        content = super()._inject_js_into_html(content, epoch)
        errors = self.session.errors
        if errors:
            at = content.rfind(b"</body>")
            at = len(content) if at < 0 else at
            content = content[:at] + banner(errors) + content[at:]
        return content


def report(result, what: str) -> None:
    stamp = time.strftime("%H:%M:%S")
    if result.kind == "error":
        print(f"[{stamp}] {what}: NOT published, {len(result.errors)} problem(s) "
              "(the last good pages stay served):", flush=True)
        for e in result.errors:
            print(f"  {e}", flush=True)
    elif result.kind == "full":
        print(f"[{stamp}] {what}: full build in {result.seconds:.1f} s", flush=True)
    else:
        print(f"[{stamp}] {what}: {len(result.pages)} file(s) re-rendered in {result.seconds:.2f} s"
              + (" (related articles are re-ranked when you pause)" if result.kind in ("pages", "structure") else ""),
              flush=True)


def serve(config_file: Path, host: str = "127.0.0.1", port: int = 8000, out: Path | None = None,
          one_process: bool = False) -> int:
    """Serve the preview; one process per language when the machine has several cores (unless
    ``one_process``), see parallel.py."""
    import shutil
    import signal
    import tempfile

    from .parallel import ParallelSession, cores

    def stop(signum, frame):
        raise KeyboardInterrupt   # SIGTERM ends the preview as Ctrl+C does (the ranking process too)
    signal.signal(signal.SIGTERM, stop)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)-7s -  %(message)s")
    logging.getLogger("mkdocs").setLevel(logging.ERROR)   # problems are printed by the preview
    tmp = Path(tempfile.mkdtemp(prefix="kb-preview-")) if out is None else out
    parallel = not one_process and cores() >= 2
    session = ParallelSession(config_file, tmp) if parallel else Session(config_file, tmp)
    try:
        print("preview: first build (whole site" + (f", one process per language: {', '.join(session.order)}"
                                                    if parallel else ", one process") + ")...", flush=True)
        result = session.full()
        report(result, "first build")
        if session.notes:
            print("notes (not blocking the preview):\n  " + "\n  ".join(session.notes), flush=True)
        if not session.ready:
            print("preview: the first build failed; fix the problems above, the preview starts at the "
                  "next save", flush=True)
            session.link.mkdir(exist_ok=True)
        server = PreviewServer(session, host, port)
        for path in session.watch_paths():
            if path.exists():
                server.watch(str(path))
        print(f"preview: serving on {server.url} (Ctrl+C to stop)", flush=True)
        try:
            server.serve()
        except KeyboardInterrupt:
            print("preview: stopping", flush=True)
        finally:
            server.shutdown()
    finally:
        session.close()
        if out is None:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0
