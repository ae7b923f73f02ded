"""Settings for the test suite: the production settings with a throwaway key and a fast hasher."""

import os

os.environ.setdefault("COMPTOIR_TESTING", "1")

from comptoir.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Existing view tests sign in with force_login; tests of the MFA requirement turn it on.
COMPTOIR_REQUIRE_MFA = False
# Mail to clients goes to Django's outbox in tests that do not start a real SMTP server.
COMPTOIR_SITE_URL = "http://testserver"
COMPTOIR_PRIVATE_MEDIA_ROOT = VAR_DIR / "test-private"  # noqa: F405
