"""The wire layer of the test API server: HTTP requests to catalog and store calls and back."""
