"""The dashboard's sign-in in a real browser (chromium): the form posts the token under the page's own
Content-Security-Policy, the session cookie (HttpOnly, SameSite=Strict) brings the dashboard, and a token in
the address gets the sign-in page instead."""
from __future__ import annotations

import httpx

from feedback_support import service_factory  # noqa: F401  (fixture)

TOKEN = "signin-token-0123456789abcdef"


def test_a_support_lead_signs_in_with_the_form_in_chromium(service_factory, browser):
    s = service_factory(extra=["--dashboard-token", TOKEN])
    assert httpx.post(s.url("/api/feedback"), json={"id": 2, "lang": "en", "value": "no",
                                                    "reason": "unclear"}).status_code == 201
    context = browser.new_context()
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    first = page.goto(s.url("/dashboard"))
    assert first.status == 401 and page.locator("h1").inner_text() == "Help center feedback"
    page.locator("input[name=token]").fill(TOKEN)
    with page.expect_navigation():
        page.locator("button[type=submit]").click()
    assert page.url == s.url("/dashboard")
    assert page.locator("svg").count() > 0 and page.locator("input[name=token]").count() == 0
    [cookie] = context.cookies()
    assert (cookie["name"], cookie["path"], cookie["httpOnly"], cookie["sameSite"], cookie["secure"]) \
        == ("kb_dashboard", "/dashboard", True, "Strict", False)
    assert TOKEN not in cookie["value"]
    assert page.evaluate("document.cookie") == ""                   # HttpOnly: no script can read it
    page.reload()
    assert page.locator("svg").count() > 0                           # still signed in
    refused = page.goto(s.url(f"/dashboard?token={TOKEN}"))
    assert refused.status == 400 and "takes nothing in its address" in page.locator("main").inner_text()
    assert not problems, problems                                    # no CSP violation (form-action 'self')
    context.close()
    assert TOKEN not in s.log_text()
