"""The simulator, tested on its own: it answers as OVH does, so the other tests mean something."""
