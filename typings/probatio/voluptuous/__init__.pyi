# Home Assistant >= 2026.9 makes `import voluptuous` load probatio's voluptuous
# shim (homeassistant/__init__.py: install_as_voluptuous). This stub shows mypy
# the same module, so the integration's `import voluptuous as vol` type-checks
# against the schema types Home Assistant's signatures use. scripts/test adds
# it to MYPYPATH only where probatio is installed.
from probatio import *  # noqa: F403
