"""Background work through the tasks API of Django 6 (``django.tasks``), or its backport on Django 5.2.

Only the public API is used (``@task``, ``enqueue``), so the database backend of
django-tasks-db (``manage.py db_worker``) can be swapped for an RQ or Celery backend in
``TASKS``. A task receives ids, never objects, and reads the batch itself.

Each task begins by failing the batches of a worker that was stopped (killed, or its machine
restarted) in the middle of one (``services.fail_stopped_imports``): a worker starting again
clears what the last one left busy.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

try:  # Django 6
    from django.tasks import task
except ImportError:  # Django 5.2 with the backport
    from django_tasks import task

from . import services
from .models import BatchState, ImportBatch
from .progress import Progress


@task()
def preview_import(batch_id: int) -> None:
    services.fail_stopped_imports()
    batch = ImportBatch.objects.select_related("created_by__area").get(pk=batch_id)
    if batch.state != BatchState.QUEUED:
        return
    progress = Progress(batch)
    try:
        with translation.override(batch.language or settings.LANGUAGE_CODE):
            services.preview_batch(batch=batch, progress=progress)
    finally:
        progress.close()


@task()
def confirm_import(batch_id: int, user_id: int) -> None:
    services.fail_stopped_imports()
    batch = ImportBatch.objects.get(pk=batch_id)
    user = get_user_model().objects.select_related("area").get(pk=user_id)
    progress = Progress(batch)
    try:
        with translation.override(batch.language or settings.LANGUAGE_CODE):
            services.confirm_batch(batch=batch, user=user, progress=progress, queued=True)
    except (ValidationError, PermissionDenied, services.StalePreview) as error:
        message = error.messages[0] if isinstance(error, ValidationError) else str(error)
        # Not claimed (refused before), or released by confirm_batch; never a batch another run claimed.
        ImportBatch.objects.filter(
            pk=batch_id, state__in=[BatchState.IMPORTING, BatchState.PREVIEWED], heartbeat_at__isnull=True
        ).update(state=BatchState.PREVIEWED, error=message)
    finally:
        progress.close()
