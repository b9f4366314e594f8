"""Alarms: escalation, acknowledgement and final actions; what outlives a restart."""
