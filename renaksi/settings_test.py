"""Settings for the test suite: the real settings with a test key and a fast hasher."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault(
    "RENAKSI_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "data", "test")
)

from renaksi.settings import *  # noqa: F403

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher"
]  # speed only; see test_settings
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# WhiteNoise warns when STATIC_ROOT is missing; tests serve nothing from it.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
