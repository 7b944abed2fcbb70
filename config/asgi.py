import os

import django

from core.handlers import SiteASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Django's get_asgi_application(), with the site's handler (core/handlers.py).
django.setup(set_prefix=False)
application = SiteASGIHandler()
