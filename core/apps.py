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

        from django.contrib.auth.signals import user_logged_in

        from .sessions import mark_refreshed

        # A session just logged in counts as refreshed: its first page does not write it again.
        user_logged_in.connect(mark_refreshed, dispatch_uid="core.session_refreshed")
