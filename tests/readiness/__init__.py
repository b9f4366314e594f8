"""Alarm path readiness: the checks, their repairs, the STOP list's Fix, the schedule."""
