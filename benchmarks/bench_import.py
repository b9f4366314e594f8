"""Import time of the integration, in fresh interpreters, against what HA imports anyway.

Baseline: the Home Assistant modules our platforms build on (notify, sensor,
config entries), imported first in each interpreter. Then the integration's
modules on top; and phonenumbers alone, whose cost we chose to pay.
"""

from __future__ import annotations

from pathlib import Path
import statistics
import subprocess
import sys

from benchmarks.measure import report

ROUNDS = 7
ROOT = Path(__file__).parent.parent
BASELINE = (
    "import homeassistant.components.notify, homeassistant.components.sensor, "
    "homeassistant.config_entries, homeassistant.helpers.config_validation"
)
OURS = (
    "import custom_components.ovh_sms, custom_components.ovh_sms.notify, "
    "custom_components.ovh_sms.sensor, custom_components.ovh_sms.config_flow, "
    "custom_components.ovh_sms.diagnostics"
)
PROGRAM = """
import time
start = time.perf_counter()
{before}
middle = time.perf_counter()
{after}
end = time.perf_counter()
print(middle - start, end - middle)
"""


def timed(before: str, after: str) -> tuple[float, float]:
    """Median seconds of two import steps, each run in a fresh interpreter."""
    runs = []
    for _ in range(ROUNDS):
        output = subprocess.run(  # noqa: S603 - our own interpreter, our own code
            [sys.executable, "-c", PROGRAM.format(before=before, after=after)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        runs.append((float(output[0]), float(output[1])))
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def bench_import_time() -> None:
    """Print the integration's and phonenumbers' import time against Home Assistant's."""
    baseline, ours = timed(BASELINE, OURS)
    report("import of the integration on top of HA's platforms (median)", ours, baseline)
    _, phonenumbers = timed(BASELINE, "import phonenumbers")
    report("of which phonenumbers alone (median)", phonenumbers, baseline)
    _, plans = timed(
        "from custom_components.ovh_sms.ovhsms import load_metadata", "load_metadata()"
    )
    print(
        f"\nBENCH load_metadata (all numbering plans, worker thread, once): {plans * 1000:.1f} ms"
    )
