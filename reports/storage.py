"""Storage for generated files: one name per object, overwritten on re-render, so a
retried task never leaves a second file behind."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, default_storage


def generated_storage_callable() -> Storage:
    """Local disk with overwrite; object stores (S3-compatible) overwrite a key anyway."""
    if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
        return FileSystemStorage(allow_overwrite=True)
    return default_storage
