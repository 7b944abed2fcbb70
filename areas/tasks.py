"""The reform confirmed on the page, applied by the task worker (``django.tasks``, as the imports are)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

try:  # Django 6
    from django.tasks import task
except ImportError:  # Django 5.2 with the backport
    from django_tasks import task

from core.progress import SideWriter

from .models import ReorganizationRun, RunState
from .reform import apply_reform, plan_reform

# A run that gave no sign of life this long (each step writes one) lost its worker; its
# transaction was rolled back. Generous: one step of a large province's reform takes a while.
STOPPED_AFTER = datetime.timedelta(minutes=15)
STOPPED = _("The worker stopped while applying the reform; nothing was changed. Confirm it again.")


def fail_stopped_runs() -> int:
    """Mark failed the runs whose worker stopped (the page would otherwise wait for ever)."""
    stopped = ReorganizationRun.objects.filter(state=RunState.RUNNING, heartbeat_at__lt=timezone.now() - STOPPED_AFTER)
    return stopped.update(state=RunState.FAILED, error=str(STOPPED))


@task()
def apply_reform_run(run_id: int) -> None:
    fail_stopped_runs()
    claimed = ReorganizationRun.objects.filter(pk=run_id, state=RunState.QUEUED).update(
        state=RunState.RUNNING, heartbeat_at=timezone.now()
    )
    if not claimed:  # applied or failed already: a task run twice does nothing
        return
    run = ReorganizationRun.objects.select_related("created_by").get(pk=run_id)
    writer = SideWriter("areas_progress")

    def progress(stage: str, done: int, total: int) -> None:
        writer.update(
            f"UPDATE {ReorganizationRun._meta.db_table} SET progress_stage = %s, progress_done = %s,"
            " progress_total = %s, heartbeat_at = %s WHERE id = %s",
            [str(stage)[:100], done, total, writer.now(), run_id],
        )

    try:
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            # Planned again from what was confirmed: the tree may have changed since the preview.
            result = plan_reform(effective_on=run.effective_on, province_codes=run.provinces, plan=run.plan)
            event = apply_reform(
                result, user=run.created_by, plan_name=run.plan_name, plan_sha256=run.plan_sha256, progress=progress
            )
        run.state, run.event = RunState.DONE, event
    except ValidationError as error:
        run.state, run.error = RunState.FAILED, " ".join(error.messages)
    except Exception as error:  # the transaction rolled back; the page must not wait for ever
        run.state, run.error = RunState.FAILED, str(error)[:500]
        run.save(update_fields=["state", "event", "error"])
        raise
    finally:
        writer.close()
    run.save(update_fields=["state", "event", "error"])
