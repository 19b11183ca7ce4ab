"""Headless Chromium (Debian's chromium + chromium-driver) driven by Selenium, with the network switched off.

Used by the browser tests, by ``bench/view_bench.py`` and by ``make docs`` to refresh the screenshots in docs/::

    python -m kg.view.browser output/graph.html docs/view.png --select NAME
    python -m kg.view.browser output/graph.html docs/view_map.png --select NAME --tab map

Selenium is a development dependency (``pip install kg-news[dev]``); nothing else in kg imports this module.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:", "chrome:", "devtools:")


def available() -> bool:
    """Whether Chromium, its driver and Selenium are installed."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return False
    return CHROMIUM.is_file() and CHROMEDRIVER.is_file()


@contextmanager
def offline_chrome(width: int = 1400, height: int = 900) -> Iterator[Any]:
    """A headless Chromium whose every request to a host fails (dead proxy and offline emulation)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="kg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
        "--proxy-server=http://127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
        "--lang=zh-CN",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
        )
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_view(driver: Any, page: Path, timeout: float = 60.0) -> float:
    """Load ``page`` from file:// and wait until the view has drawn; return the page's time to first frame (ms)."""
    driver.get(Path(page).resolve().as_uri())
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready = driver.execute_script("return window.kgView && window.kgView.ready ? window.kgView.readyMs : null")
        if ready is not None:
            return float(ready)
        time.sleep(0.05)
    raise TimeoutError(f"{page} did not draw within {timeout} s")


def requested_urls(driver: Any) -> list[str]:
    """Every URL the page asked for since the last call (from the performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def outside_requests(driver: Any) -> list[str]:
    """URLs requested from any host (anything but file:, data:, about: …)."""
    return [url for url in requested_urls(driver) if not url.startswith(LOCAL_SCHEMES)]


def console_errors(driver: Any) -> list[str]:
    """Console messages at level SEVERE (errors, failed loads)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def screenshot(
    page: Path, target: Path, select: str | None = None, tab: str = "network", size: tuple[int, int] = (1400, 900)
) -> Path:
    """Open ``page`` offline in a window of ``size``, optionally switch to the map ``tab`` and select the entity
    named ``select``, and save a PNG to ``target``."""
    with offline_chrome(*size) as driver:
        open_view(driver, page)
        if tab == "map":
            driver.find_element("id", "tab-map").click()
        if select:
            driver.execute_script(
                "const ids = kgView.find(arguments[0]); if (ids.length) kgView.select(ids[0]);", select
            )
            time.sleep(0.5)
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(target))
    return Path(target)


def main(argv: list[str] | None = None) -> None:
    """Command line of ``python -m kg.view.browser``: write a screenshot of a view page."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m kg.view.browser", description=main.__doc__)
    parser.add_argument("page", type=Path, help="the view's HTML file (graph.html)")
    parser.add_argument("target", type=Path, help="the PNG to write")
    parser.add_argument("--select", metavar="NAME", help="open the panel of the entity of this name")
    parser.add_argument("--tab", choices=["network", "map"], default="network")
    parser.add_argument("--size", default="1400x900", help="window size, WIDTHxHEIGHT (default 1400x900)")
    args = parser.parse_args(argv)
    if not available():
        parser.exit(1, "python -m kg.view.browser: needs chromium, chromium-driver and selenium\n")
    width, height = (int(n) for n in args.size.split("x"))
    screenshot(args.page, args.target, args.select, args.tab, size=(width, height))


if __name__ == "__main__":
    main()
