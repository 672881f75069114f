"""Light pages: what a first and a repeat visit transfer, measured in Chromium against production static files.

Bytes are counted as the browser's network layer receives them (Chrome DevTools Protocol,
Network.loadingFinished encodedDataLength: headers and compressed bodies), the number DevTools
shows as "transferred". A resource answered from the browser's cache counts nothing, as on a
real repeat visit. The server runs the production static setup (hashed names, .gz/.br files,
WhiteNoise) and the browser asks for compressed answers as every browser does.
"""

from __future__ import annotations

import pytest

from tests.design.conftest import PASSWORD
from tests.factories import UserFactory, make_member

pytestmark = pytest.mark.browser

FIRST_VISIT_BUDGET = 150 * 1024
REPEAT_VISIT_BUDGET = 30 * 1024


class Transfer:
    """Count the bytes a page receives from the network, per resource."""

    def __init__(self, context, page):
        self.session = context.new_cdp_session(page)
        self.session.send("Network.enable")
        self.urls: dict[str, str] = {}
        self.sizes: dict[str, int] = {}
        self.session.on("Network.requestWillBeSent", self._request)
        self.session.on("Network.loadingFinished", self._finished)

    def _request(self, event):
        self.urls[event["requestId"]] = event["request"]["url"]

    def _finished(self, event):
        url = self.urls.get(event["requestId"], event["requestId"])
        self.sizes[url] = self.sizes.get(url, 0) + int(event["encodedDataLength"])

    def reset(self):
        self.sizes = {}

    @property
    def total(self) -> int:
        return sum(self.sizes.values())

    def report(self) -> str:
        rows = sorted(self.sizes.items(), key=lambda row: -row[1])
        return "\n".join(f"  {size / 1024:7.1f} KB  {url}" for url, size in rows)


def visit(page, transfer: Transfer, url: str) -> int:
    transfer.reset()
    response = page.goto(url, wait_until="load")
    assert response.ok, f"{url} answered {response.status}"
    page.wait_for_load_state("networkidle")
    return transfer.total


def pages_of(world) -> dict[str, str]:
    community = world["community"]
    return {
        "directory": "/",
        "community home": community.get_absolute_url(),
        "meeting": world["meetings"][0].get_absolute_url(),
        "knowledge item": world["items"][0].get_absolute_url(),
        # The thread list (issue 12), by its address: its URL name lives in the thread pages' branch.
        "discussions": f"/c/{community.slug}/discussions/",
    }


def sign_in(context, server: str, person) -> None:
    page = context.new_page()
    page.goto(server + "/accounts/login/")
    page.fill("input[name=login]", person.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state()
    page.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_first_visit_to_each_main_page_transfers_at_most_150_kb(browser, production_server, world, language):
    problems = []
    for name, path in pages_of(world).items():
        context = browser.new_context(locale="en-GB")  # a new context: nothing in the cache
        try:
            context.add_cookies([{"name": "cop_language", "value": language, "url": production_server}])
            page = context.new_page()
            transfer = Transfer(context, page)
            first = visit(page, transfer, production_server + path)
            print(f"first visit, {language}, {name}: {first / 1024:.1f} KB")  # shown with pytest -s
            if first > FIRST_VISIT_BUDGET:
                problems.append(f"{name}: first visit {first / 1024:.1f} KB > 150 KB\n{transfer.report()}")
        finally:
            context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "member"])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_repeat_visit_to_each_main_page_transfers_at_most_30_kb(
    browser, production_server, world, signed_in, language
):
    context = browser.new_context(locale="en-GB")
    try:
        context.add_cookies([{"name": "cop_language", "value": language, "url": production_server}])
        if signed_in:
            sign_in(context, production_server, make_member(world["community"], UserFactory(full_name="Ada Member")))
        problems = []
        page = context.new_page()
        transfer = Transfer(context, page)
        for name, path in pages_of(world).items():
            visit(page, transfer, production_server + path)
            repeat = visit(page, transfer, production_server + path)
            print(f"repeat visit, {language}, {'member' if signed_in else 'visitor'}, {name}: {repeat / 1024:.1f} KB")
            if repeat > REPEAT_VISIT_BUDGET:
                problems.append(f"{name}: repeat visit {repeat / 1024:.1f} KB > 30 KB\n{transfer.report()}")
        assert not problems, "\n".join(problems)
    finally:
        context.close()


def test_static_files_are_compressed_and_cached_forever_under_hashed_names(browser, production_server, world):
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        responses = []
        page.on("response", lambda response: responses.append(response))
        page.goto(production_server + "/")
        page.wait_for_load_state("networkidle")
        statics = [response for response in responses if "/static/" in response.url]
        assert {response.url.rsplit(".", 1)[-1] for response in statics} >= {"css", "js", "svg"}
        for response in statics:
            headers = response.all_headers()
            name = response.url.rsplit("/", 1)[-1]
            assert len(name.split(".")) >= 3, f"{name} has a content hash in its name"
            assert "immutable" in headers.get("cache-control", ""), f"{name}: {headers.get('cache-control')}"
            assert "max-age=315360000" in headers.get("cache-control", ""), name
            if name.endswith((".css", ".js", ".svg")):
                assert headers.get("content-encoding") in {"gzip", "br"}, f"{name} is sent compressed"
    finally:
        context.close()


def test_no_page_loads_bootstraps_javascript(browser, production_server, world):
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        loaded = []
        page.on("request", lambda request: loaded.append(request.url))
        for path in pages_of(world).values():
            page.goto(production_server + path)
        assert not [url for url in loaded if "bootstrap" in url and url.endswith(".js")]
    finally:
        context.close()
