"""Take the README's screenshots from the real UI of a running ``scripts/develop``.

Needs Playwright and a Chromium (``chromium`` on Debian):
``python scripts/screenshots.py [CHROMIUM]``. It logs in as dev / dev, opens
the setup flow, the integration page, sends one SMS through the simulator,
and shows the device page and the simulator's page. Writes docs/screenshots/.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
import sys

from playwright.async_api import Page, async_playwright

HOME_ASSISTANT = "http://localhost:8123"
SIMULATOR = "http://127.0.0.1:8124/"
SHOTS = Path(__file__).parent.parent / "docs" / "screenshots"


async def log_in(page: Page) -> str:
    """Log in as the development user; return an access token for the REST API."""
    await page.goto(HOME_ASSISTANT)
    await page.get_by_label("Username").fill("dev")
    await page.get_by_label("Password", exact=True).fill("dev")
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/home/**")
    token: str = await page.evaluate("JSON.parse(localStorage.hassTokens).access_token")
    return token


async def setup_flow(page: Page) -> None:
    """Shoot the account form, filled, and the optional test SMS step; then cancel."""
    await page.goto(f"{HOME_ASSISTANT}/config/integrations/dashboard/add?domain=ovh_sms")
    await page.get_by_role("button", name="OK").click()
    fields = {
        "account": "sms-cd5678-1",
        "login": "homeassistant",
        "password": "correct horse battery",
        "sender": "HomeAlarm",
    }
    for name, value in fields.items():
        await page.locator(f"input[name={name}]").fill(value)
    await page.wait_for_timeout(500)
    await page.screenshot(path=SHOTS / "setup-account.png")
    await page.locator("dialog-data-entry-flow").get_by_role("button").last.click()
    await page.locator("input[name=test_number]").wait_for()
    await page.wait_for_timeout(500)
    await page.screenshot(path=SHOTS / "setup-test-sms.png")
    await page.keyboard.press("Escape")


async def account_pages(page: Page, token: str) -> None:
    """Shoot the integration page; send one SMS; shoot the device and the simulator."""
    await page.goto(f"{HOME_ASSISTANT}/config/integrations/integration/ovh_sms")
    await page.wait_for_timeout(2000)
    await page.screenshot(path=SHOTS / "integration-page.png")
    headers = {"Authorization": f"Bearer {token}"}
    await page.request.post(
        f"{HOME_ASSISTANT}/api/services/notify/ovh_sms",
        headers=headers,
        data={"title": "Water leak", "message": "Sensor under the washing machine is wet."},
    )
    answer = await page.request.post(
        f"{HOME_ASSISTANT}/api/template",
        headers=headers,
        data={"template": "{{ device_id('sensor.sms_ab1234_1_credits_left') }}"},
    )
    await page.goto(f"{HOME_ASSISTANT}/config/devices/device/{await answer.text()}")
    await page.wait_for_timeout(2000)
    await page.screenshot(path=SHOTS / "account-device.png")
    await page.goto(SIMULATOR)
    await page.screenshot(path=SHOTS / "simulator.png")


async def main(chromium: str) -> None:
    """Take every screenshot."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        page = await browser.new_page(viewport={"width": 1280, "height": 800})
        token = await log_in(page)
        await setup_flow(page)
        await account_pages(page, token)
        await browser.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "/usr/bin/chromium"))
