"""pykubectl.testing: a Kubernetes API server for tests and demos. Imports nothing else of pykubectl."""
