"""pytest fixtures for the test API server (filled in by the test-server work)."""
