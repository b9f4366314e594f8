"""Timing helpers shared by the benchmarks: medians, and one line per result."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import statistics
import time


async def median_seconds(run: Callable[[], Awaitable[object]], rounds: int) -> float:
    """Run the coroutine factory rounds times; return the median duration in seconds."""
    durations = []
    for _ in range(rounds):
        start = time.perf_counter()
        await run()
        durations.append(time.perf_counter() - start)
    return statistics.median(durations)


def report(name: str, value: float, baseline: float, note: str = "") -> None:
    """Print a result, its baseline, their ratio, and what to compare the ratio with."""
    print(
        f"\nBENCH {name}: {value * 1000:.3f} ms vs baseline {baseline * 1000:.3f} ms"
        f" = {value / baseline:.2f}x{f'  ({note})' if note else ''}"
    )
