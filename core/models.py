"""The ground floor's tables: the log of downloads of personal data, the task worker's heartbeat."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedModel


class DownloadKind(models.TextChoices):
    MEMBERS = "members", _("List of members")
    IMPORT_OUTCOME = "import_outcome", _("Outcome of an import")
    ROLL = "roll", _("Roll of a branch")
    BRANCH_BOOK = "branch_book", _("Branch book")


class DownloadLog(ScopedModel):
    """One download of personal data: who, when, which file, with which filters, how many rows.

    Written by ``core.downloads.log_download`` in the request that sends the file; read by
    administrators in the admin, changed by nobody. On the ground floor, it keeps the username as
    text (it stays when the account is deleted) and the area as its path and name, not a key to ``areas``.
    """

    scope_path = "area_path"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("username"), max_length=150)
    created_at = models.DateTimeField(_("downloaded at"), default=timezone.now, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DownloadKind.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    path = models.CharField(_("address"), max_length=500)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("rows of personal data"))
    area_path = models.CharField(_("area path"), max_length=255, blank=True)
    area_name = models.CharField(_("area"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("download of personal data")
        verbose_name_plural = _("downloads of personal data")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=DownloadKind.values), name="download_log_known_kind"),
            models.CheckConstraint(condition=~models.Q(username=""), name="download_log_has_username"),
        ]

    def __str__(self):
        return f"{self.username} – {self.file_name}"


class WorkerHeartbeat(models.Model):
    """When a task worker (``manage.py run_worker``) last said it was alive: one row per process.

    ``/healthz`` reports the latest; rows of workers gone for a week are dropped when a worker starts.
    """

    worker = models.CharField(_("worker"), max_length=255, help_text=_("Host name and process id."))
    last_seen = models.DateTimeField(_("last seen"))
    interval_seconds = models.PositiveIntegerField(
        _("interval (seconds)"), help_text=_("How often the worker says it is alive.")
    )

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        constraints = [
            models.UniqueConstraint(fields=["worker"], name="core_heartbeat_one_row_per_worker"),
            models.CheckConstraint(condition=models.Q(interval_seconds__gt=0), name="core_heartbeat_interval_above_0"),
        ]
        indexes = [models.Index(fields=["-last_seen"], name="core_heartbeat_last_seen")]

    def __str__(self):
        return self.worker
