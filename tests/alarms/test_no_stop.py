"""An alarm's SMS goes without OVH's STOP mention, whatever the entry's default.

With the mention an SMS is commercial: OVH may hold it at night and on weekends.
"""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.core import HomeAssistant

from .fake_ovh import START, FakeJobs, send_alarm


@pytest.mark.parametrize("replies", [True, False], ids=["short_number", "entry_sender"])
async def test_the_alarm_goes_without_the_stop_mention(
    hass: HomeAssistant,
    mock_api_entry: MockConfigEntry,
    jobs: FakeJobs,
    freezer: FrozenDateTimeFactory,
    replies: bool,  # noqa: FBT001 - a parameter of the test
) -> None:
    """The entry's SMS carry the mention; the alarm's body OVH receives says noStopClause."""
    freezer.move_to(START)
    mock_api_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_api_entry, options={"replies": replies, "no_stop": False}
    )
    assert await hass.config_entries.async_setup(mock_api_entry.entry_id)
    await hass.async_block_till_done()
    await send_alarm(hass)
    assert jobs.bodies[0]["noStopClause"] is True
