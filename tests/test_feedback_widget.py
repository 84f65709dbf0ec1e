"""The vote widget in a real browser (Debian chromium via Playwright) and in the built HTML."""
from __future__ import annotations

import pytest

from bench.browser import SiteServer
from conftest import LANGS, ROOT, Site, build

# French labels with French typography (narrow no-break space before ? and !)
LABELS = {"fr": ("Cela vous a-t-il été utile\u202f?", "Oui", "Non", "Merci pour votre retour\u202f!", "Contacter le support"),
          "en": ("Was this helpful?", "Yes", "No", "Thanks for your feedback!", "Contact support")}


@pytest.mark.parametrize("lang", LANGS)
def test_every_article_has_the_vote_with_labels_in_its_language(site, lang):
    question, yes, no, thanks, contact = LABELS[lang]
    pages = [p for p in site.html_pages() if site.lang_of(p) == lang and site.soup(p).select_one(".kb-related")]
    assert len(pages) == 20
    for page in pages:
        form = site.soup(page).select_one("form[data-kb-feedback]")
        assert form is not None, page
        assert form.select_one("legend").get_text(strip=True) == question
        buttons = form.select("button.kb-feedback__button")
        assert [(b.get_text(strip=True), b["type"], b["data-value"]) for b in buttons] == [
            (yes, "button", "yes"), (no, "button", "no")]
        assert form["data-lang"] == lang
        # the default build has no collector: no comment box that would send nothing, the support link
        assert form["data-endpoint"] == ""
        assert form.select_one("textarea") is None and form.select_one("[name=reason]") is None
        assert form.select_one(".kb-feedback__sent") is None
        assert NO_COLLECTOR[lang] in form.select_one(".kb-feedback__more").get_text()
        link = form.select_one(".kb-feedback__contact")
        assert link.get_text(strip=True) == contact
        assert link["href"].startswith("mailto:contact@proabono.com?subject=")


NO_COLLECTOR = {"fr": "Pour nous dire ce qui manque, contactez le support\u00a0: votre message indiquera cet article.",
                "en": "To tell us what is missing, contact support: your message will name this article."}


def test_with_a_collector_every_article_offers_reasons_and_a_comment(served):
    _, built = served
    pages = [p for p in built.html_pages() if built.soup(p).select_one("form[data-kb-feedback]")]
    assert len(pages) == 40
    for page in pages:
        form = built.soup(page).select_one("form[data-kb-feedback]")
        assert form["data-endpoint"] == "/api/feedback"
        assert form.select_one("textarea")["maxlength"] == "500"
        assert form.select_one("label[for]")["for"] == form.select_one("textarea")["id"]
        assert len(form.select("[name=reason]")) == 4
        assert form.select_one(".kb-feedback__contact") is not None


@pytest.mark.parametrize("lang,path", [("fr", "/settings/segment-logo/"), ("en", "/en/settings/url-redirections/")])
def test_without_a_collector_no_vote_offers_support_and_claims_nothing_sent(site, browser, lang, path):
    """Default build (no KB_FEEDBACK_ENDPOINT): "No" shows the thanks and the contact with the article's
    context, no comment box; nothing is posted anywhere and nothing says a comment was sent."""
    from urllib.parse import parse_qs, urlsplit
    question, yes, no, thanks, contact = LABELS[lang]
    server = SiteServer(site.path)
    context = browser.new_context()
    page = context.new_page()
    try:
        requests = []
        page.on("request", lambda r: requests.append(r) if r.method != "GET" else None)
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server.url + path)
        title = page.locator("article h1").inner_text()
        page.get_by_role("button", name=no, exact=True).click()
        assert page.get_by_text(thanks).is_visible()
        assert page.get_by_text(NO_COLLECTOR[lang]).is_visible()
        form = page.locator("form[data-kb-feedback]")
        assert form.get_by_role("textbox").count() == 0 and form.get_by_role("radio").count() == 0
        link = form.get_by_role("link", name=contact, exact=True)
        assert link.is_visible()
        assert page.evaluate("document.activeElement.className") == "kb-feedback__contact"
        mail = urlsplit(link.get_attribute("href"))
        assert mail.scheme == "mailto" and mail.path == "contact@proabono.com"
        fields = parse_qs(mail.query)
        assert title in fields["subject"][0]
        assert title in fields["body"][0] and server.url not in fields["body"][0]
        assert "\n" + path + "\r\n" in fields["body"][0]      # no real address in tests: site-relative
        page.reload()      # the vote is remembered, still without any comment box
        assert page.get_by_text(NO_COLLECTOR[lang]).is_visible()
        page.get_by_role("button", name=yes, exact=True).click()
        assert not page.get_by_text(NO_COLLECTOR[lang]).is_visible()
        assert requests == [] and errors == []
        assert server.posts == []
    finally:
        context.close()
        server.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    # set for this build only: the session's default `site` (no collector) may be built after this fixture
    mp = pytest.MonkeyPatch()
    mp.setenv("KB_FEEDBACK_ENDPOINT", "/api/feedback")
    mp.setenv("KB_PLAUSIBLE", "true")
    mp.setenv("KB_MATOMO", "true")
    dest = tmp_path_factory.mktemp("browser") / "site"
    try:
        proc = build(ROOT / "mkdocs.yml", dest)
    finally:
        mp.undo()
    assert proc.returncode == 0, proc.stderr
    server = SiteServer(dest)
    yield server, Site(dest)
    server.close()





@pytest.mark.parametrize("lang,path,title", [
    ("fr", "/settings/delete-payment-method-portal/",
     "Comment activer la suppression du moyen de paiement depuis le Portail Client ?"),
    ("en", "/en/settings/url-redirections/", None),
])
def test_no_vote_reaches_event_and_endpoint_then_is_remembered(served, browser, lang, path, title):
    server, built = served
    question, yes, no, thanks, _ = LABELS[lang]
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url + path)
    page.evaluate("window.__kb = []; document.addEventListener('kb:feedback', e => window.__kb.push(e.detail))")
    expected_title = title or built.soup(built.page_file(path.lstrip("/"))).select_one("article h1").get_text(strip=True)
    article_id = int(built.soup(built.page_file(path.lstrip("/"))).select_one("form[data-kb-feedback]")["data-id"])
    already = len(server.posts)

    page.get_by_role("button", name=no, exact=True).click()

    events = page.evaluate("window.__kb")
    assert len(events) == 1
    event = events[0]
    vote_id = event.pop("vote_id")
    assert vote_id
    assert event == {"id": article_id, "lang": lang, "url": path, "title": expected_title, "value": "no", "comment": ""}
    posts = server.wait_posts(already + 1)
    route, headers, body = posts[already]
    assert route == "/api/feedback"
    assert headers["Content-Type"] == "application/json"
    assert body == dict(event, vote_id=vote_id)
    assert page.get_by_text(thanks).is_visible()
    box = page.locator("form[data-kb-feedback]").get_by_role("textbox")
    assert box.is_visible()
    assert page.get_by_role("button", name=no, exact=True).get_attribute("aria-pressed") == "true"

    box.fill("<b>pas clair</b>")
    box.press("Tab")
    page.keyboard.press("Enter")   # the submit button is next in the tab order
    posts = server.wait_posts(already + 2)
    assert posts[already + 1][2]["comment"] == "<b>pas clair</b>"
    assert posts[already + 1][2]["vote_id"] == vote_id
    assert page.locator("form[data-kb-feedback] b").count() == 0   # the comment is never rendered as HTML

    page.reload()
    assert page.get_by_role("button", name=no, exact=True).get_attribute("aria-pressed") == "true"
    assert page.get_by_text(thanks).is_visible()
    assert len(server.wait_posts(already + 2, timeout=0.5)) == already + 2   # reloading sends nothing

    # the vote can be changed, with the keyboard
    yes_button = page.get_by_role("button", name=yes, exact=True)
    yes_button.focus()
    page.keyboard.press("Enter")
    assert yes_button.get_attribute("aria-pressed") == "true"
    assert not page.locator("form[data-kb-feedback]").get_by_role("textbox").is_visible()
    posts = server.wait_posts(already + 3)
    assert posts[already + 2][2]["value"] == "yes" and posts[already + 2][2]["vote_id"] == vote_id
    context.close()


def test_endpoint_failure_does_not_break_the_page(served, browser, tmp_path):
    server, _ = served
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/api/feedback", lambda route: route.abort())
    page.goto(server.url + "/settings/segment-logo/")
    page.get_by_role("button", name="Oui", exact=True).click()
    assert page.get_by_text("Merci pour votre retour !").is_visible()
    assert errors == []
    context.close()


ANALYTICS_STUBS = """
window.__calls = [];
window.gtag = function () { window.__calls.push(["gtag"].concat([].slice.call(arguments))); };
window.plausible = function () { window.__calls.push(["plausible"].concat([].slice.call(arguments))); };
window._paq = { push: function (a) { window.__calls.push(["matomo", a]); } };
"""


def test_vote_is_sent_to_google_analytics_plausible_and_matomo_when_on(served, browser):
    server, _ = served
    context = browser.new_context()
    context.add_init_script(ANALYTICS_STUBS)
    page = context.new_page()
    page.goto(server.url + "/en/settings/segment-logo/")
    page.get_by_role("button", name="Yes", exact=True).click()
    calls = page.evaluate("window.__calls")
    # Material's own feedback event name and parameters, so its analytics reports show our votes
    assert ["gtag", "event", "feedback", {"page": "/en/settings/segment-logo/", "data": 1}] in calls
    assert ["plausible", "Feedback", {"props": {"id": "6", "lang": "en", "value": "yes"}}] in calls
    assert ["matomo", ["trackEvent", "Feedback", "yes", "en:6", 1]] in calls
    context.close()


def test_vote_works_after_material_instant_navigation(site_copy, tmp_path, browser):
    """With navigation.instant on, pages are swapped without a reload: the widget of the new page works."""
    import os
    import subprocess
    import sys
    config = site_copy / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "    - navigation.indexes\n", "    - navigation.indexes\n    - navigation.instant\n", 1), encoding="utf-8")
    dest = tmp_path / "site"
    dest.mkdir()
    server = SiteServer(dest)
    try:
        # Material only navigates instantly to URLs of the sitemap, which carries site_url's host and port
        env = dict(os.environ, KB_SITE_URL=server.url + "/")
        # not strict: static-i18n warns that its language links and instant navigation do not mix
        proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-d", str(dest)], cwd=site_copy,
                              capture_output=True, text=True, env=env)
        assert proc.returncode == 0, proc.stderr
        page = browser.new_page()
        page.goto(server.url + "/settings/segment-logo/")
        page.evaluate("window.__kb = []; window.__marker = 1;"
                      "document.addEventListener('kb:feedback', e => window.__kb.push(e.detail))")
        first = page.locator(".kb-related a").first
        target = first.evaluate("a => new URL(a.href).pathname")          # whatever the first related is
        first.click()
        page.wait_for_url("**" + target)
        # Material may change the address before it swaps the content in: wait for the new article's widget
        # (never there if the page is not swapped: the wait fails)
        page.wait_for_function("() => { const f = document.querySelector('form[data-kb-feedback]');"
                               " return f && f.dataset.id !== '6'; }")
        assert page.evaluate("window.__marker") == 1          # same document: instant navigation
        target_id = int(page.locator("form[data-kb-feedback]").get_attribute("data-id"))
        page.get_by_role("button", name="Oui", exact=True).click()
        events = page.evaluate("window.__kb")
        assert [(e["id"], e["value"]) for e in events] == [(target_id, "yes")]
        assert page.get_by_text(LABELS["fr"][3]).is_visible()
        page.close()
    finally:
        server.close()


def _route_collector(page, statuses):
    """Answer the widget's POSTs to /api/feedback with the given (status, body) in turn (201 after them);
    return the list of JSON bodies received."""
    import json
    received = []

    def handle(route):
        received.append(json.loads(route.request.post_data))
        status, body = statuses.pop(0) if statuses else (201, {"ok": True})
        route.fulfill(status=status, content_type="application/json", body=json.dumps(body))

    page.route("**/api/feedback", handle)
    return received


def _wait(page, received, n):
    for _ in range(100):
        if len(received) >= n:
            return received
        page.wait_for_timeout(50)
    raise AssertionError(f"expected {n} POSTs, got {received}")


def test_a_long_comment_is_cut_without_splitting_an_emoji(served, browser):
    """The collector counts characters (code points) and refuses half a surrogate pair: the widget's cut at
    500 characters never leaves one, whatever the text."""
    server, _ = served
    page = browser.new_page()
    received = _route_collector(page, [])
    page.goto(server.url + "/en/settings/segment-logo/")
    page.get_by_role("button", name="No", exact=True).click()
    _wait(page, received, 1)
    page.locator("form[data-kb-feedback] textarea").evaluate(
        "(box) => { box.value = 'a'.repeat(499) + '\\u{1F600}' + 'tail'; }")
    page.get_by_role("button", name="Send", exact=True).click()
    comment = _wait(page, received, 2)[1]["comment"]
    assert comment == "a" * 499 + "😀"
    comment.encode("utf-8")                      # no unpaired surrogate
    page.locator("form[data-kb-feedback] textarea").evaluate("(box) => { box.value = 'x\\ud800y \\udc00z'; }")
    page.get_by_role("button", name="Send", exact=True).click()
    assert _wait(page, received, 3)[2]["comment"] == "xy z"
    page.close()


@pytest.mark.parametrize("lang,path,no,send,sent,failed", [
    ("fr", "/settings/segment-logo/", "Non", "Envoyer", "Merci, votre commentaire a bien été envoyé.",
     "Désolés, votre commentaire n’a pas pu être envoyé. Vous pouvez réessayer."),   # French typography
    ("en", "/en/settings/segment-logo/", "No", "Send", "Thank you, your comment has been sent.",
     "Sorry, your comment could not be sent. Please try again."),
])
def test_a_refused_comment_shows_a_polite_failure_and_can_be_sent_again(served, browser, lang, path, no, send,
                                                                         sent, failed):
    server, _ = served
    page = browser.new_page()
    received = _route_collector(page, [(201, {"ok": True}), (503, {"error": "storage unavailable"})])
    page.goto(server.url + path)
    page.get_by_role("button", name=no, exact=True).click()
    _wait(page, received, 1)
    page.locator("form[data-kb-feedback] textarea").fill("Il manque une étape.")
    page.get_by_role("button", name=send, exact=True).click()
    _wait(page, received, 2)
    page.get_by_text(failed).wait_for()
    assert page.get_by_role("alert").filter(has_text=failed).is_visible()
    assert not page.get_by_text(sent).is_visible()
    assert page.locator("form[data-kb-feedback] textarea").input_value() == "Il manque une étape."
    page.get_by_role("button", name=send, exact=True).click()          # the reader tries again: accepted
    retry = _wait(page, received, 3)[2]
    assert retry["comment"] == "Il manque une étape." and retry["vote_id"] == received[0]["vote_id"]
    page.get_by_text(sent).wait_for()
    assert not page.get_by_text(failed).is_visible()
    page.close()


def test_a_vote_id_the_collector_refused_is_not_reused(served, browser):
    server, _ = served
    page = browser.new_page()
    page.add_init_script("const uuid = crypto.randomUUID.bind(crypto); let n = 0;"   # the first id: refused
                         "crypto.randomUUID = () => (n++ ? uuid() : 'bad id!');")
    refusal = {"error": "invalid request: vote_id: must be 8 to 64 letters, digits, '-' or '_'",
               "details": [{"field": "vote_id", "message": "must be 8 to 64 letters, digits, '-' or '_'"}]}
    received = _route_collector(page, [(422, refusal)])
    page.goto(server.url + "/en/settings/segment-logo/")
    page.get_by_role("button", name="No", exact=True).click()
    first, again = _wait(page, received, 2)[:2]
    assert first["vote_id"] == "bad id!"
    assert again["vote_id"] != "bad id!" and again["value"] == "no"    # sent again at once, with a new id
    page.locator("form[data-kb-feedback] textarea").fill("Unclear.")
    page.get_by_role("button", name="Send", exact=True).click()
    assert _wait(page, received, 3)[2]["vote_id"] == again["vote_id"]
    page.reload()
    page.get_by_role("button", name="Yes", exact=True).click()
    assert _wait(page, received, 4)[3]["vote_id"] == again["vote_id"]  # remembered, not the refused one
    page.close()


REASONS = {"fr": ("Qu\u2019est-ce qui n\u2019allait pas\u202f?", ["Informations incorrectes ou obsolètes", "Étapes manquantes",
                                                      "Difficile à comprendre", "Autre"]),
           "en": ("What was wrong?", ["Incorrect or outdated information", "Missing steps", "Hard to understand",
                                      "Other"])}


@pytest.mark.parametrize("lang,path", [("fr", "/settings/segment-logo/"), ("en", "/en/settings/segment-logo/")])
def test_after_no_a_reason_is_chosen_with_the_keyboard_or_one_click_and_sent_with_the_vote(served, browser,
                                                                                           lang, path):
    from feedback.storage import REASONS as CODES
    server, _ = served
    legend, labels = REASONS[lang]
    _, yes, no, _, _ = LABELS[lang]
    page = browser.new_page()
    received = _route_collector(page, [])
    page.goto(server.url + path)
    group = page.get_by_role("group", name=legend)
    assert not group.is_visible()                                  # only after "no"
    page.get_by_role("button", name=no, exact=True).click()
    assert _wait(page, received, 1)[0]["value"] == "no" and "reason" not in received[0]
    assert group.is_visible()
    radios = group.get_by_role("radio")
    assert [radios.nth(i).get_attribute("value") for i in range(radios.count())] == list(CODES)
    first = group.get_by_role("radio", name=labels[0], exact=True)
    assert first.evaluate("r => r === document.activeElement")    # focus moved to the reasons
    page.keyboard.press("Space")
    assert _wait(page, received, 2)[1]["reason"] == "outdated"
    page.keyboard.press("ArrowDown")                                 # arrows move and choose, as in any radio group
    assert _wait(page, received, 3)[2]["reason"] == "missing-steps"
    group.get_by_role("radio", name=labels[2], exact=True).click()   # one click
    third = _wait(page, received, 4)[3]
    assert third["reason"] == "unclear" and third["value"] == "no"
    assert len({r["vote_id"] for r in received}) == 1                # the same vote, replaced each time
    page.locator("form[data-kb-feedback] textarea").fill("?")
    page.locator("form[data-kb-feedback] button[type=submit]").click()
    sent = _wait(page, received, 5)[4]
    assert (sent["reason"], sent["comment"]) == ("unclear", "?")
    page.reload()
    assert group.get_by_role("radio", name=labels[2], exact=True).is_checked()   # remembered
    page.get_by_role("button", name=yes, exact=True).click()
    assert "reason" not in _wait(page, received, 6)[5]                # a "yes" carries no reason
    page.get_by_role("button", name=no, exact=True).click()
    assert "reason" not in _wait(page, received, 7)[6]
    assert not any(group.get_by_role("radio", name=l, exact=True).is_checked() for l in labels)
    page.close()


@pytest.mark.parametrize("lang,path", [("fr", "/settings/segment-logo/"), ("en", "/en/settings/segment-logo/")])
def test_widget_with_a_collector_has_no_serious_axe_violation_once_opened(served, browser, lang, path):
    """tests/test_accessibility.py checks the default build (no collector); this is the full widget:
    reasons, comment box, send button, opened by "No"."""
    from axe_playwright_python.sync_playwright import Axe
    server, _ = served
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(server.url + path)
        page.get_by_role("button", name=LABELS[lang][2], exact=True).click()
        page.locator(".kb-feedback__more textarea").wait_for(state="visible")
        found = Axe().run(page, context=".kb-feedback").response["violations"]
        assert not [(v["id"], v["impact"]) for v in found if v.get("impact") in ("critical", "serious")], found
    finally:
        context.close()
