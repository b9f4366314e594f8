"""The drill: its schedule, its outcomes, its options; what outlives a restart."""
