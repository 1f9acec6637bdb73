"""The web chat page in headless Chromium (Debian's, driven by Playwright): a conversation
with the quick-reply buttons, then a red flag that must show the "Call" button.
A screenshot of the emergency is kept in reports/web_emergency.png."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from spasm_aid.triage import load_table

SCREENING_QUESTIONS = len(load_table().slots_asked_when_all_no)  # all answered no: self-care

pytestmark = pytest.mark.server
ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, servers):
    context = browser.new_context(viewport={"width": 480, "height": 900})
    page = context.new_page()
    response = page.goto(f"http://127.0.0.1:{servers['served']}/webhooks/chat/")
    assert response.status == 200, page.content()[:300]
    yield page
    context.close()


def bot_texts(page):
    return page.locator("#log li.bot").all_inner_texts()


def type_message(page, text):
    page.fill("#text", text)
    page.press("#text", "Enter")


def test_the_quick_replies_answer_the_screening_questions(page):
    type_message(page, "my back just spasmed")
    page.get_by_role("button", name="No", exact=True).wait_for()
    assert "hard to pee" in bot_texts(page)[-1]
    page.get_by_role("button", name="No", exact=True).click()
    page.locator("#log li.bot").nth(4).wait_for()
    assert "numbness or tingling around your bottom" in bot_texts(page)[-1]
    assert page.locator("#log li.user").all_inner_texts()[-1] == "No"
    assert page.is_hidden("#call")


def test_tapping_no_to_every_question_reaches_self_care_without_a_call_button(page):
    type_message(page, "my back just spasmed")
    for answered in range(SCREENING_QUESTIONS):
        button = page.get_by_role("button", name="No", exact=True)
        button.wait_for()
        button.click()
        page.locator("#log li.user").nth(answered + 1).wait_for()
    page.get_by_text("Nothing you told me needs a doctor right now").wait_for()
    assert page.is_hidden("#call")


def test_a_red_flag_shows_the_call_button_with_the_number(page):
    type_message(page, "my back just spasmed")
    page.get_by_role("button", name="No", exact=True).wait_for()
    type_message(page, "wait, I can't feel my legs")
    call = page.locator("#call")
    call.wait_for(state="visible")
    assert call.get_attribute("href") == "tel:911"
    assert "Call 911" in call.inner_text()
    assert page.evaluate("document.activeElement.id") == "call"  # focus moves to it
    assert any("Weak or numb legs" in t for t in bot_texts(page))
    (ROOT / "reports").mkdir(exist_ok=True)
    page.screenshot(path=str(ROOT / "reports" / "web_emergency.png"), full_page=True)


def test_the_page_is_usable_by_keyboard_and_screen_reader(page):
    assert page.get_attribute("#log", "role") == "log"
    assert page.get_attribute("#log", "aria-live") == "polite"
    assert page.locator("label[for=text]").inner_text() == "Your message"
    assert page.evaluate("document.activeElement.id") == "text"  # ready to type at once
    page.keyboard.type("should I use ice or heat")
    page.keyboard.press("Enter")
    page.locator("#log li.bot").first.wait_for()


def test_markup_from_the_user_is_shown_as_text_not_run(page):
    type_message(page, "<img src=x onerror=\"document.body.dataset.hacked=1\">")
    page.locator("#log li.bot").first.wait_for()
    assert page.evaluate("document.body.dataset.hacked") is None
    assert "<img" in page.locator("#log li.user").first.inner_text()


def test_only_the_page_files_are_served(servers):
    from tests.server.test_hostile_input import raw

    port = servers["served"]
    assert raw(port, "/webhooks/chat/chat.js")[0] == 200
    for path in ("/webhooks/chat/../../credentials.yml", "/webhooks/chat/vendor/README.md", "/webhooks/chat/%2e%2e/domain.yml"):
        assert raw(port, path)[0] == 404, path
