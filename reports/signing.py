"""Ed25519 signatures over a canonical encoding of certificate fields.

The private key comes from GRADIENT_CERTIFICATE_SIGNING_KEY (base64 of the 32 raw
bytes, or a PEM); without it a development key is generated once into an ignored file
(var/), so that a fresh checkout can issue certificates that verify.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings


def canonical(fields: dict[str, Any]) -> bytes:
    """Sorted keys, no insignificant whitespace, UTF-8: the same bytes everywhere."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _load_configured(value: str) -> Ed25519PrivateKey:
    text = value.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("GRADIENT_CERTIFICATE_SIGNING_KEY is not an Ed25519 key")
        return key
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text))


def _load_or_create_dev_key(path: Path) -> Ed25519PrivateKey:
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        assert isinstance(key, Ed25519PrivateKey)
        return key
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pem)
    tmp.chmod(0o600)
    tmp.replace(path)  # atomic: two processes never leave half a key
    return _load_or_create_dev_key(path)


@lru_cache(maxsize=1)
def private_key() -> Ed25519PrivateKey:
    configured = settings.GRADIENT_CERTIFICATE_SIGNING_KEY
    if configured:
        return _load_configured(configured)
    return _load_or_create_dev_key(Path(settings.GRADIENT_DEV_SIGNING_KEY_FILE))


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def public_key_pem() -> str:
    return (
        public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def fingerprint() -> str:
    """SHA-256 of the raw public key, hex: printed on certificates and the verify page."""
    raw = public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def sign(fields: dict[str, Any]) -> str:
    return base64.b64encode(private_key().sign(canonical(fields))).decode()


def verify(fields: dict[str, Any], signature: str) -> bool:
    try:
        public_key().verify(base64.b64decode(signature), canonical(fields))
    except (InvalidSignature, ValueError):
        return False
    return True
