"""Shared fixtures (test_framework, draft) live in tests/conftest.py."""
