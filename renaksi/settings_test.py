"""Settings for the test suite: the real settings with a test key and a fast hasher."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault(
    "RENAKSI_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "data", "test")
)

from renaksi import settings as _base

globals().update({name: getattr(_base, name) for name in dir(_base) if name.isupper()})

# Speed only: test_settings checks that production hashes with Argon2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **_base.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# WhiteNoise warns when STATIC_ROOT is missing; tests serve nothing from it.
_base.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
