"""The site's settings with the fast password hasher of the tests, for a server a test starts itself.

tests/core/test_sqlite_concurrency.py runs gunicorn on them (DJANGO_SETTINGS_MODULE=tests.server_settings);
the production settings stay as they are.
"""

from config.settings import *  # noqa: F403

# As tests/conftest.py's FAST_HASHERS (not imported: it loads the models before the settings are read).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
