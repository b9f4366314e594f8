"""Which account sends: config_entry_id among several, one not loaded, another integration's."""

from __future__ import annotations

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError

from .conftest import ALICE, foreign_entry, send_sms, sent_forms, set_up_second_account

CONFIG_ENTRY_REQUIRED = (
    "Several OVH SMS accounts are set up: choose the one to send from with config_entry_id"
)


async def test_config_entry_choice(
    hass: HomeAssistant, init_integration: MockConfigEntry, ovh: AiohttpClientMocker
) -> None:
    """With two accounts the action needs config_entry_id, and uses the one given."""
    other = await set_up_second_account(hass, init_integration, service_name="ovh_sms_2")
    with pytest.raises(ServiceValidationError) as err:
        await send_sms(hass, recipients=[ALICE], message="Hi")
    assert (err.value.translation_key, str(err.value)) == (
        "config_entry_required",
        CONFIG_ENTRY_REQUIRED,
    )
    await send_sms(hass, config_entry_id=other.entry_id, recipients=[ALICE], message="Hi")
    assert sent_forms(ovh)[0]["account"] == "sms-cd5678-1"
    with pytest.raises(ServiceValidationError) as err:
        # A recipient entity of another account is not a recipient of this one.
        await send_sms(
            hass, config_entry_id=other.entry_id, recipients=["notify.alice"], message="Hi"
        )
    assert (err.value.translation_key, str(err.value)) == (
        "unknown_recipient_entity",
        "notify.alice is not a recipient of this OVH SMS account",
    )


async def test_the_only_account_not_loaded_says_so(
    hass: HomeAssistant, init_integration: MockConfigEntry, ovh: AiohttpClientMocker
) -> None:
    """Without config_entry_id, the one account must be loaded: the error names it."""
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await send_sms(hass, recipients=[ALICE], message="Hi")
    assert str(err.value) == (
        "The OVH SMS account sms-ab1234-1 is not loaded, so no SMS was sent: check it in "
        "Settings > Devices & services"
    )
    assert await hass.config_entries.async_remove(init_integration.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await send_sms(hass, recipients=[ALICE], message="Hi")
    assert (err.value.translation_key, str(err.value)) == (
        "no_account",
        "No OVH SMS account is set up: add one in Settings > Devices & services",
    )
    assert ovh.call_count == 0


async def test_no_default_account_when_one_of_two_is_not_loaded(
    hass: HomeAssistant, init_integration: MockConfigEntry, ovh: AiohttpClientMocker
) -> None:
    """Two accounts, one loaded: the action still asks which, never picks the other silently."""
    second = await set_up_second_account(hass, init_integration, service_name="ovh_sms_2")
    assert await hass.config_entries.async_unload(second.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await send_sms(hass, recipients=[ALICE], message="Hi")
    assert (err.value.translation_key, str(err.value)) == (
        "config_entry_required",
        CONFIG_ENTRY_REQUIRED,
    )
    assert ovh.call_count == 0


async def test_another_integrations_entry_is_not_an_account(
    hass: HomeAssistant, init_integration: MockConfigEntry, ovh: AiohttpClientMocker
) -> None:
    """Kinsoi's leftover entry beside ours: our one account is still the default."""
    leftover = foreign_entry()
    leftover.add_to_hass(hass)
    await hass.config_entries.async_setup(leftover.entry_id)
    await send_sms(hass, recipients=[ALICE], message="Hi")
    assert sent_forms(ovh)[0]["account"] == "sms-ab1234-1"
