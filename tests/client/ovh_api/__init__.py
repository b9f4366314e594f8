"""The OVHcloud API client: signed calls, the exact requests OVH receives, its answers."""
