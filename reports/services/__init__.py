"""Writes for plans, certificates and generated files."""
