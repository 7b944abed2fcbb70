"""An import of a workbook: who, when, which file, the preview's outcome per row, and what it changed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.scoping import ScopedModel


class ImportKind(models.TextChoices):
    AREAS = "areas", _("Hamlets")
    BRANCHES = "branches", _("Branches")
    MEMBERS = "members", _("Members")
    TARGETS = "targets", _("Target populations")
    RATINGS = "ratings", _("Branch ratings")
    OFFICERS = "officers", _("Branch officers")
    FEES = "fees", _("Membership fees")
    MEMBER_RATINGS = "member_ratings", _("Members' ratings")


class BatchState(models.TextChoices):
    QUEUED = "queued", _("Waiting to be read")
    READING = "reading", _("Reading")
    PREVIEWED = "previewed", _("Previewed")
    IMPORTING = "importing", _("Importing")
    IMPORTED = "imported", _("Imported")
    FAILED = "failed", _("Failed")
    DISCARDED = "discarded", _("Discarded")
    UNDONE = "undone", _("Undone")


# The batch's stored data, left out of lists of batches.
BLOB_FIELDS = ("file_data", "rows", "parsed_rows", "planned_writes", "reads", "changes")

# States in which a worker or a request is still busy with the batch.
BUSY_STATES = (BatchState.QUEUED, BatchState.READING, BatchState.IMPORTING)
# Busy states in which a worker, once it has begun (``heartbeat_at`` set), reports signs of life.
WORKING_STATES = (BatchState.READING, BatchState.IMPORTING)


class ImportBatch(ScopedModel):
    """One uploaded workbook, from its preview to its import (and its undoing).

    The file itself is kept (``file_data``) only while a worker may still need it; the
    name, SHA-256 and size stay. ``rows`` holds the outcome of every row; until the
    confirmation, ``parsed_rows`` the rows as read, ``planned_writes`` what the preview
    would write and ``reads`` the queries that plan rests on, with ``reads_digest``, a
    digest of their answers (see ``workbooks.keep``); ``changes`` holds what the import
    created and the values it replaced, so that it can be undone exactly. All are
    zlib-compressed JSON (see ``workbooks.storage``).
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    state = models.CharField(_("state"), max_length=10, choices=BatchState.choices, default=BatchState.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+"
    )
    # The importing user's area: who else may see the batch (staff of that area and above).
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    file_size = models.PositiveBigIntegerField(_("size (bytes)"))
    file_data = models.BinaryField(_("file"), null=True, blank=True, editable=False)

    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("new"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    refused_count = models.PositiveIntegerField(_("refused"), default=0)

    progress_stage = models.CharField(_("stage"), max_length=100, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    error = models.TextField(_("error"), blank=True)
    # When the worker busy with the batch last showed a sign of life (it began, or reported
    # progress); empty while nobody has begun. See ``services.fail_stopped_imports``.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True, editable=False)

    rows = models.BinaryField(null=True, blank=True, editable=False)
    parsed_rows = models.BinaryField(null=True, blank=True, editable=False)
    planned_writes = models.BinaryField(null=True, blank=True, editable=False)
    reads = models.BinaryField(null=True, blank=True, editable=False)
    reads_digest = models.CharField(max_length=64, blank=True, editable=False)
    changes = models.BinaryField(null=True, blank=True, editable=False)

    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    scope_path = "area__path"

    class Meta:
        verbose_name = _("workbook import")
        verbose_name_plural = _("workbook imports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=BatchState.IMPORTED) | Q(imported_at__isnull=False),
                name="import_batch_imported_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(state=BatchState.UNDONE) | Q(undone_at__isnull=False),
                name="import_batch_undone_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name}"

    @property
    def busy(self) -> bool:
        return self.state in BUSY_STATES

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": self.created_count,
            "updated": self.updated_count,
            "unchanged": self.unchanged_count,
            "refused": self.refused_count,
        }
