"""The concurrent-edit rule: a change based on a stale copy of a row is refused, not saved over.

Each editable model carries a ``version`` that every save increases. A change form sends
back the version it was drawn from (a hidden field); the service locks the row and
compares before writing, so the second of two overlapping saves is told to reload.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

STALE_MESSAGE = _(
    "Someone else changed this record while you were editing it. "
    "Reload the page to see their changes, then make yours again."
)


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version = (self.version or 0) + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)


def stale_error() -> ValidationError:
    return ValidationError(STALE_MESSAGE, code="stale")


def ensure_current(instance: VersionedModel, expected_version: int | None) -> None:
    """Lock the row and refuse the change unless it still has ``expected_version``.

    ``None`` skips the check (scripts and imports that hold no form). Call it inside the
    service's transaction: the lock holds until the change is written.
    """
    if expected_version is None:
        return
    current = (
        type(instance)
        ._base_manager.select_for_update()
        .filter(pk=instance.pk)
        .values_list("version", flat=True)
        .first()
    )
    if current != expected_version:
        raise stale_error()


def save_changes(instance: VersionedModel, *, expected_version: int | None, values: dict) -> VersionedModel:
    """Check the version, set ``values``, validate and save: the common shape of a change service."""
    ensure_current(instance, expected_version)
    for name, value in values.items():
        setattr(instance, name, value)
    if expected_version is not None:
        instance.version = expected_version
    instance.full_clean()
    instance.save()
    return instance
