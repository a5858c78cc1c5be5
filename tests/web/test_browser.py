"""Every page in a real browser: headless Chromium from the system's packages (never a
downloaded one) driven by Playwright, against a server on 127.0.0.1 with tokens (the browser
logs in with HTTP Basic). Each page: its content, no dialog, no console error, no CSP
violation; a screenshot of each is saved under tmp/artefacts (or $ADVISORYWATCH_ARTEFACTS).

The tests skip when no browser is found, unless $ADVISORYWATCH_REQUIRE_BROWSER is set (as
``make test`` does), then they fail."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.responses import HTMLResponse

from advisorywatch.db.session import Database
from advisorywatch.web.app import Guard, create_app
from advisorywatch.web.auth import Tokens

from .conftest import HOSTILE, READ, make_config, populate

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium() -> str | None:
    found = os.environ.get("ADVISORYWATCH_CHROMIUM") or shutil.which("chromium")
    return found or next((p for p in ("/usr/bin/chromium",) if Path(p).exists()), None)


def _require_browser() -> str:
    path = _chromium()
    if path is None:
        if os.environ.get("ADVISORYWATCH_REQUIRE_BROWSER"):
            pytest.fail("no chromium found and ADVISORYWATCH_REQUIRE_BROWSER is set")
        pytest.skip("no chromium found (apt-get install chromium, or scripts/with-chromium)")
    return path


@dataclass
class Watch:
    """What a page did that it should not: dialogs, console errors, CSP violations."""

    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(dialog.message)
            dialog.dismiss()

        def on_console(msg: Any) -> None:
            if "Content Security Policy" in msg.text:
                self.csp.append(msg.text)
            elif msg.type == "error":
                self.errors.append(msg.text)

        page.on("dialog", on_dialog)
        page.on("console", on_console)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    from conftest import Project

    project = Project(tmp_path_factory.mktemp("browser"))
    config = make_config(project)
    db = Database(config.database.url)
    db.upgrade()
    ids = populate(db)
    app = create_app(config, db, Tokens(read=READ.encode()))
    assert isinstance(app, Guard)

    @app.app.get("/test-only/inline-script")
    def inline() -> HTMLResponse:  # a page that breaks the policy: the control
        return HTMLResponse("<!doctype html><title>x</title><script>alert(1)</script>")

    @app.app.get("/test-only/crash")
    def crash() -> HTMLResponse:  # a bug: its message must not reach the page
        raise RuntimeError("secret detail <script>alert(3)</script>")

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    web = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    while not web.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", ids
    web.should_exit = True
    thread.join(10)
    db.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=path, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def artefacts() -> Path:
    path = Path(os.environ.get("ADVISORYWATCH_ARTEFACTS", "tmp/artefacts")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {path}")
    return path


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, Watch]]:
    context = browser.new_context(
        http_credentials={"username": "ops", "password": READ},
        viewport={"width": 1280, "height": 900},
        java_script_enabled=True,  # the pages have none; a script that got in would run
    )
    p = context.new_page()
    watch = Watch()
    watch.attach(p)
    yield p, watch
    context.close()


def _visit(page: Any, watch: Watch, url: str, shot: Path, status: int = 200) -> None:
    answer = page.goto(url, wait_until="load")
    assert answer is not None and answer.status == status, url
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(shot), full_page=True)
    assert watch.dialogs == [], watch.dialogs
    # Chromium reports an error status of the page itself on the console; nothing else
    expected = f"the server responded with a status of {status}"
    assert [e for e in watch.errors if status == 200 or expected not in e] == [], watch.errors
    assert watch.csp == [], watch.csp


@pytest.mark.parametrize(
    ("path", "name", "expect"),
    [
        ("/", "overview", ["running", "2 waiting", "1 of 3 ok", "Latest alerts"]),
        ("/alerts", "alerts", [HOSTILE[0], HOSTILE[1], "Invoice [U+202E]gpj.exe air strike"]),
        ("/alerts?severity=critical&since=30d", "alerts-critical", ["critical"]),
        (
            "/alerts?place=%D0%9A%D0%B8%D1%97%D0%B2",  # Київ
            "alerts-kyiv",
            ["Посольство США в Киеве закрыто", "القصف الجوي على كييف", "Kyiv, Ukraine"],
        ),
        ("/alerts?place=Lviv", "alerts-lviv", ["Kharkiv, Ukraine", "Lviv, Ukraine"]),
        ("/alerts/1", "alert", ["Security Alert: U.S. Embassy Kyiv", "duty", "Kyiv, Ukraine"]),
        (
            "/incidents",
            "incidents",
            ["Incident 1", "Incident 2", "2 reports", "Посольство США в Киеве закрыто"],
        ),
        ("/sources", "sources", ["news-id", "failing", "degraded"]),
    ],
)
def test_page_in_chromium(
    server: tuple[str, dict[str, Any]],
    page: tuple[Any, Watch],
    artefacts: Path,
    path: str,
    name: str,
    expect: list[str],
) -> None:
    base, _ = server
    p, watch = page
    _visit(p, watch, base + path, artefacts / f"{name}.png")
    if name == "overview":  # the README's picture (docs/overview.png): the top of the page
        p.screenshot(path=str(artefacts / "overview-top.png"))
    text = p.inner_text("body")
    for fragment in expect:
        assert fragment in text, fragment
    _inert_and_styled(p)


def _inert_and_styled(p: Any) -> None:
    """No element from hostile text, and the package's stylesheet applied (a dark header)."""
    assert p.locator("img[src='x']").count() == 0
    assert p.locator("script").count() == 0
    assert p.locator("a[href^='javascript:' i]").count() == 0
    colour = p.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor")
    assert colour == "rgb(29, 43, 58)"


def test_chart_loads_as_an_image(
    server: tuple[str, dict[str, Any]], page: tuple[Any, Watch]
) -> None:
    base, _ = server
    p, watch = page
    p.goto(base + "/", wait_until="load")
    p.wait_for_load_state("networkidle")
    width = p.evaluate("document.querySelector('img.chart').naturalWidth")
    assert width == 720
    assert watch.csp == [] and watch.errors == []


def test_the_watch_sees_a_csp_violation(
    server: tuple[str, dict[str, Any]], page: tuple[Any, Watch]
) -> None:
    """The control: a page with an inline script is blocked and counted, and never alerts."""
    base, _ = server
    p, watch = page
    p.goto(base + "/test-only/inline-script", wait_until="load")
    p.wait_for_timeout(200)
    assert len(watch.csp) == 1 and watch.dialogs == []


def test_without_credentials_the_browser_is_asked_for_them(
    server: tuple[str, dict[str, Any]], browser: Any
) -> None:
    base, _ = server
    from playwright.sync_api import Error

    context = browser.new_context()
    try:
        with pytest.raises(Error, match="ERR_INVALID_AUTH_CREDENTIALS"):
            context.new_page().goto(base + "/")  # headless, the login prompt is cancelled
    finally:
        context.close()


@pytest.mark.parametrize(
    ("path", "name", "status", "expect"),
    [
        ("/<script>alert(1)</script>", "error-404", 404, "There is no page at /<script>"),
        ('/alerts/"><img src=x onerror=alert(1)>', "error-422", 422, "path.alert_id"),
        ("/alerts?place=Kyyv", "error-422-place", 422, "did you mean 'Kyiv'?"),
        ("/alerts/999999", "error-404-alert", 404, "no such alert"),
        ("/test-only/crash", "error-500", 500, "Something went wrong on the server"),
    ],
)
def test_error_pages_in_chromium(
    server: tuple[str, dict[str, Any]],
    page: tuple[Any, Watch],
    artefacts: Path,
    path: str,
    name: str,
    status: int,
    expect: str,
) -> None:
    """Error pages: styled like the others, under the same policy, the request's text inert,
    no traceback."""
    base, _ = server
    p, watch = page
    _visit(p, watch, base + path, artefacts / f"{name}.png", status)
    text = p.inner_text("body")
    assert expect in text and text.startswith("advisorywatch")
    assert "secret detail" not in text and "Traceback" not in p.content()
    _inert_and_styled(p)


def test_a_wrong_token_gets_the_401_page(
    server: tuple[str, dict[str, Any]], browser: Any, artefacts: Path
) -> None:
    base, _ = server
    context = browser.new_context(http_credentials={"username": "ops", "password": "wrong" * 4})
    try:
        p = context.new_page()
        watch = Watch()
        watch.attach(p)
        _visit(p, watch, base + "/alerts", artefacts / "error-401.png", 401)
        assert "a token is needed" in p.inner_text("body")
    finally:
        context.close()
