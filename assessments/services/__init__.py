"""Writes for frameworks and assessments. Functions are keyword-only, typed and atomic."""
