"""Benchmarks run on the test fixtures: a real Home Assistant, the simulator on loopback."""

from __future__ import annotations

from tests.conftest import (  # noqa: F401 - fixtures, registered by being imported here
    auto_enable_custom_integrations,
    country,
    mock_config_entry,
    simulator,
    simulator_entry,
)
