"""Benchmarks run on the test fixtures: a real Home Assistant, the simulator on loopback."""

from __future__ import annotations

from tests.conftest import (  # noqa: F401 - fixtures, registered by being imported here
    auto_enable_custom_integrations,
    country,
    mock_api_entry,
    mock_config_entry,
    ovh_api,
    simulator,
)
from tests.end_to_end.conftest import simulator_entry  # noqa: F401 - idem
