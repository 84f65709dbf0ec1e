"""Real-browser test support: Debian's chromium driven by Playwright, and a local static server."""
from __future__ import annotations

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class SiteServer:
    """Serves a built site on 127.0.0.1 and records JSON POSTed to /api/*.

    A missing file is answered 404 with the language's own page, as the deployed site does:
    ``<lang>/404.html`` for a URL under ``/<lang>/`` when that file exists, else ``/404.html``."""

    def __init__(self, root: Path):
        self.root = root
        self.posts: list[tuple[str, dict, dict]] = []   # (path, headers, json body)
        self.requests: list[str] = []
        self._cond = threading.Condition()
        server = self

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append(self.path)
                super().do_GET()

            def send_error(self, code, message=None, explain=None):
                first = self.path.lstrip("/").split("?")[0].split("/", 1)[0]
                candidates = ([root / first / "404.html"] if first and "." not in first else []) + [root / "404.html"]
                page = next((p for p in candidates if p.is_file()), None) if code == 404 else None
                if page is None:
                    return super().send_error(code, message, explain)
                body = page.read_bytes()
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = {"_raw": raw.decode("utf-8", "replace")}
                with server._cond:
                    server.posts.append((self.path, dict(self.headers), body))
                    server._cond.notify_all()
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def wait_posts(self, n: int, timeout: float = 5.0) -> list:
        with self._cond:
            self._cond.wait_for(lambda: len(self.posts) >= n, timeout)
            return list(self.posts)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
