"""The http2sms client: the exact form OVH receives, its answers, its failures."""
