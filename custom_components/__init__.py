"""Custom integrations (makes the repository importable in tests)."""
