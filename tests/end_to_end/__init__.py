"""End to end: a real Home Assistant sends through the integration to the simulator on loopback."""
