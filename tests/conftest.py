"""Keys for every test, from the environment as production sets them (and as PostgreSQL
requires): no test generates keys into the repository's var/."""

from __future__ import annotations

import os

from cryptography.fernet import Fernet

os.environ.setdefault("HOTLINE_ENCRYPTION_KEY", Fernet.generate_key().decode())
os.environ.setdefault("HOTLINE_PHONE_SALT", "test-phone-salt")
