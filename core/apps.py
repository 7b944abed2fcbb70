from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.db.backends.signals import connection_created

        from .folding import register_sqlite_fold

        # Folded (accent-insensitive search in SQL) on SQLite.
        connection_created.connect(register_sqlite_fold, dispatch_uid="core.sqlite_fold")
