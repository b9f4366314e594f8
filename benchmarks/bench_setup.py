"""async_setup_entry time against a bare config entry, and file reads inside the event loop.

Setup sends nothing (http2sms has no dry run), so it must cost next to nothing:
target under 10 ms. Python's audit hook sees every file open (imports
included); those made on the event loop's thread, while the integration sets
up and sends to numbers of many countries, are counted: target none.
"""

from __future__ import annotations

from pathlib import Path
import statistics
import sys
import threading
import time
from typing import Any

from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    mock_config_flow,
    mock_integration,
    mock_platform,
)

from benchmarks.measure import report
from custom_components.ovh_sms.const import CONF_ENDPOINT, CONF_HOURLY_LIMIT, DOMAIN
from homeassistant.config_entries import ConfigEntry, ConfigFlow
from homeassistant.core import HomeAssistant
from tests.conftest import LoopbackSimulator

ROUNDS = 50
FOREIGN_NUMBERS = [
    "+49 151 23456789",
    "+1 202 555 0143",
    "+44 7400 123456",
    "+34 612 34 56 78",
    "+39 312 345 6789",
    "+81 90 1234 5678",
    "+61 412 345 678",
    "+32 470 12 34 56",
]


class LoopFileReads:
    """Record the files opened on one thread while watching (audit hooks cannot be removed)."""

    def __init__(self) -> None:
        """Watch nothing yet."""
        self.thread: int | None = None
        self.paths: list[str] = []
        sys.addaudithook(self._hook)

    def _hook(self, event: str, args: tuple[Any, ...]) -> None:
        if event == "open" and threading.get_ident() == self.thread:
            self.paths.append(str(args[0]))


LOOP_FILE_READS = LoopFileReads()


async def bench_async_setup_entry(hass: HomeAssistant, mock_config_entry: MockConfigEntry) -> None:
    """Median setup of our entry (component already set up) against a bare entry's."""

    async def bare_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
        return True

    mock_integration(
        hass,
        MockModule("bare", async_setup_entry=bare_setup_entry, async_unload_entry=bare_setup_entry),
    )
    mock_platform(hass, "bare.config_flow", None)
    bare = MockConfigEntry(domain="bare")
    bare.add_to_hass(hass)
    mock_config_entry.add_to_hass(hass)
    start = time.perf_counter()
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    first = time.perf_counter() - start
    await hass.config_entries.async_unload(mock_config_entry.entry_id)

    async def set_up(entry: MockConfigEntry) -> float:
        """Time one setup of the entry, then unload it."""
        start = time.perf_counter()
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        duration = time.perf_counter() - start
        await hass.config_entries.async_unload(entry.entry_id)
        return duration

    ours, bare_times = [], []
    with mock_config_flow("bare", ConfigFlow):
        for _ in range(ROUNDS):
            ours.append(await set_up(mock_config_entry))
            bare_times.append(await set_up(bare))
    print(f"\nBENCH first setup (component + numbering plans + entry): {first * 1000:.1f} ms")
    report(
        "config entry setup: async_setup_entry with its platforms (median)",
        statistics.median(ours),
        statistics.median(bare_times),
        "target: under 10 ms",
    )


async def bench_no_file_read_in_the_event_loop(
    hass: HomeAssistant, simulator: LoopbackSimulator, mock_config_entry: MockConfigEntry
) -> None:
    """Set up and send to eight countries while counting file opens on the loop's thread."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry,
        data={**mock_config_entry.data, CONF_ENDPOINT: simulator.endpoint},
        options={CONF_HOURLY_LIMIT: 0},
    )
    LOOP_FILE_READS.thread = threading.get_ident()
    # Calibration: the meter must see a file read made on the loop's thread.
    Path(__file__).read_bytes()  # noqa: ASYNC240 - the blocking read is the point
    assert LOOP_FILE_READS.paths == [__file__]
    LOOP_FILE_READS.paths.clear()
    try:
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
        for number in FOREIGN_NUMBERS:
            await hass.services.async_call(
                DOMAIN, "send_sms", {"recipients": [number], "message": "hi"}, blocking=True
            )
    finally:
        LOOP_FILE_READS.thread = None
    assert len(simulator.ovh.sent) == len(FOREIGN_NUMBERS)
    ours = [path for path in LOOP_FILE_READS.paths if "ovh_sms" in path or "phonenumbers" in path]
    print(
        f"\nBENCH file opens in the event loop during setup and 8 foreign sends: {len(ours)} "
        f"by ovh_sms or phonenumbers (target 0), {len(LOOP_FILE_READS.paths)} in all"
        + "".join(f"\n  {path}" for path in LOOP_FILE_READS.paths[:10])
    )
