import os

import django

from core.handlers import SiteWSGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Django's get_wsgi_application(), with the site's handler: on SQLite, the pages that only read
# are not a transaction that takes the write lock (core/handlers.py).
django.setup(set_prefix=False)
application = SiteWSGIHandler()
