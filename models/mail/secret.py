"""A secret the application must use again (the SMTP password), kept encrypted at rest.

Fernet (the ``cryptography`` package: AES-128-CBC with an HMAC-SHA256 tag, so a changed token is refused)
with a key derived by HKDF-SHA256 from the app's SECRET_KEY and a purpose of its own, so the same
SECRET_KEY signing sessions never doubles as this key. A database copied without the SECRET_KEY keeps no
password readable; a changed SECRET_KEY makes the stored password unreadable (``open_secret`` gives None and
the operator types it again)."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PURPOSE = b"journal/smtp-password/v1"


def _fernet(secret_key: str) -> Fernet:
    if not secret_key:
        raise ValueError("SECRET_KEY is needed to keep the SMTP password")
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(plain: str, secret_key: str) -> str:
    return _fernet(secret_key).encrypt(plain.encode()).decode("ascii")


def open_secret(token: str | None, secret_key: str) -> str | None:
    """The plain text, or None when there is none or it cannot be read (another SECRET_KEY, a damaged row)."""
    if not token:
        return None
    try:
        return _fernet(secret_key).decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError, UnicodeError):
        return None
