"""Imports: preview a workbook, confirm it (all rows or none), undo it.

The preview reads the file once, parses every row, resolves branches, people and CCCD
numbers in batch queries and records each row's outcome. It keeps with the batch the
writes it planned, the queries that plan rests on (``workbooks.keep``) and the parsed
rows. Confirming does not read the file again: inside the import's transaction it runs
those queries once more and, finding the same answers, carries out the kept writes; if
someone changed the data meanwhile, it plans the kept rows again and writes only if the
outcome is still the one the preview showed.

Faults: confirmations are written one at a time (``_take_import_lock``), so two imports of the
same rows never interleave and the second checks its plan against what the first wrote; a
batch is claimed by a conditional UPDATE, so a preview confirmed twice is written once; and a
batch whose worker was stopped mid-way (its transaction rolled back by the database) is marked
failed once it has shown no sign of life for ``WORKBOOK_STOPPED_AFTER`` seconds
(``fail_stopped_imports``), so that its file can be imported again.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import hashlib
import time
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.services import lock_branches

from . import bulk, keep, readers, storage
from .columns import COLUMNS
from .kinds import planner_class
from .models import BLOB_FIELDS, WORKING_STATES, BatchState, ImportBatch
from .plan import Outcome, Plan, Writes
from .progress import Progress
from .readers import UnreadableWorkbook, check_size
from .table import ParsedRow, read_table


@contextlib.contextmanager
def gc_paused():
    """Rare cyclic garbage collections while hundreds of thousands of objects are made.

    With the default thresholds each collection scans the import's objects again, which
    doubled the time of a 100.000-row import; switched off entirely, the cycles of the
    database driver's buffers piled up. The objects already there are frozen out of the
    scans and collections run a hundred times less often.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(thresholds[0], 100_000), thresholds[1], thresholds[2])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


class StalePreview(Exception):
    """The data changed between the preview and the confirmation."""


STOPPED = gettext_lazy(
    "The import stopped before it finished (the worker was interrupted). Nothing was written; import the file again."
)
BUSY = gettext_lazy("Another import is being written at this moment; nothing was imported. Confirm again in a minute.")


@dataclass
class ImportResult:
    plan: Plan
    imported: bool
    batch: ImportBatch | None = None

    @property
    def counts(self) -> dict[str, int]:
        return self.plan.counts

    def errors(self) -> list[dict]:
        return [
            {"row": result.number, "column": column, "message": message}
            for result in self.plan.results
            if result.status == Outcome.REFUSED
            for column, message in result.messages
        ]


def check_may_import(user) -> None:
    if not (user.is_authenticated and user.is_active and user.can_edit):
        raise PermissionDenied(_("Your role may not import workbooks."))


def check_may_confirm(*, batch: ImportBatch, user) -> None:
    """Only the user who uploaded a workbook confirms (or discards) its preview, and only within their area.

    The preview is what its uploader checked, against their area and rights: nobody else writes
    it under their own name, and a batch placed outside the user's area (they moved, or it never
    was theirs) is not confirmed by them. The rows are then written with the rights this user has
    now (``confirm_batch``), which may differ from those they had when previewing.
    """
    check_may_import(user)
    if batch.created_by_id != user.pk:
        raise PermissionDenied(_("Only the person who uploaded this workbook may confirm or discard its import."))
    if not ImportBatch.objects.visible_to(user).filter(pk=batch.pk).exists():
        raise PermissionDenied(_("This import lies outside your area."))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- reading and planning ---------------------------------------------------------------------


def read_rows(*, kind: str, data: bytes, progress: Progress | None = None) -> list[ParsedRow]:
    """Parse the workbook's rows; raise ``UnreadableWorkbook`` for a file that is not one."""
    check_size(len(data))

    def on_row(number: int, counted: int | None) -> None:
        if progress is not None:
            expected = counted if counted is not None else readers.estimate_rows(data)
            progress(_("Reading the workbook"), number, max(expected, number))

    return read_table(data, COLUMNS[kind], on_row=on_row).rows


def plan_rows(
    *,
    kind: str,
    rows: list[ParsedRow],
    user,
    today: datetime.date | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Each row's outcome and the writes that carry them out."""
    if progress is not None:
        progress(_("Checking the rows against the database"), 0, len(rows), force=True)
    return planner_class(kind)(user=user, today=today).plan(rows)


def preview(*, kind: str, data: bytes, user, progress: Progress | None = None) -> Plan:
    check_may_import(user)
    with gc_paused():
        rows = read_rows(kind=kind, data=data, progress=progress)
        return plan_rows(kind=kind, rows=rows, user=user, progress=progress)


# --- writing ----------------------------------------------------------------------------------


def _branches_written(writes: Writes) -> set[int]:
    """The branches whose history the writes change (as they are and as they were)."""
    found = set()
    for model in writes.order:
        updated = writes.updates.get(model, {}).values()
        for obj in [*writes.creates.get(model, []), *(obj for obj, _before in updated)]:
            found.update(getattr(obj, name, None) for name in ("branch_id", "joined_branch_id"))
        found.update(before.get("branch_id") for _obj, before in updated)
    return found


def apply_writes(writes: Writes, *, user, reason: str, progress: Progress | None = None) -> dict:
    """Write the plan's objects and their history; return what undo needs."""
    lock_branches(_branches_written(writes))
    changes: dict[str, dict] = {}
    steps = sum(1 for model in writes.order for part in (writes.updates, writes.creates) if part.get(model))
    step = 0
    for model in writes.order:
        label = model._meta.label
        record = {"created": [], "updated": []}
        updated = writes.updates.get(model, {})
        if updated:
            step += 1
            if progress is not None:
                progress(_("Writing to the database"), step, steps, force=True)
            objs = [obj for obj, _before in updated.values()]
            fields = sorted({name for _obj, before in updated.values() for name in before})
            bulk.update(model, objs, fields)
            bulk.record_history(model, objs, history_type="~", user=user, reason=reason)
            record["updated"] = [[obj.pk, before] for obj, before in updated.values()]
        created = writes.creates.get(model, [])
        if created:
            step += 1
            if progress is not None:
                progress(_("Writing to the database"), step, steps, force=True)
            bulk.insert(model, created)
            bulk.record_history(model, created, history_type="+", user=user, reason=reason)
            record["created"] = [obj.pk for obj in created]
        if record["created"] or record["updated"]:
            changes[label] = record
    for function, args in writes.followups:
        function(*args)
    return changes


def _write(writes: Writes, *, user, reason: str, progress: Progress | None) -> dict:
    try:
        return apply_writes(writes, user=user, reason=reason, progress=progress)
    except IntegrityError as error:
        raise StalePreview(
            _("The data changed while importing; nothing was imported. Preview the file again.")
        ) from error


def import_workbook(
    *, kind: str, data: bytes, user, file_name: str, dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    """Read, check and (unless ``dry_run`` or a row is refused) import a workbook, recording the batch."""
    plan = preview(kind=kind, data=data, user=user, progress=progress)
    if dry_run or plan.refused:
        return ImportResult(plan, imported=False)
    with transaction.atomic(), gc_paused():
        _take_import_lock(None, wait=None, progress=progress)
        batch = ImportBatch.objects.create(
            kind=kind,
            state=BatchState.IMPORTING,
            created_by=user,
            area=user.area,
            language=translation.get_language() or "",
            file_name=file_name[:255],
            file_sha256=sha256(data),
            file_size=len(data),
        )
        changes = _write(plan.writes, user=user, reason=import_reason(batch), progress=progress)
        _store_outcome(batch, plan)
        _finish(batch, changes)
    return ImportResult(plan, imported=True, batch=batch)


def import_reason(batch: ImportBatch) -> str:
    return f"import #{batch.pk}: {batch.file_name}"[:100]


def _store_outcome(batch: ImportBatch, plan: Plan) -> None:
    counts = plan.counts
    batch.total_rows = len(plan.results)
    batch.created_count = counts[Outcome.CREATED]
    batch.updated_count = counts[Outcome.UPDATED]
    batch.unchanged_count = counts[Outcome.UNCHANGED]
    batch.refused_count = counts[Outcome.REFUSED]
    batch.rows = storage.pack([result.as_list() for result in plan.results])


def _forget_plan(batch: ImportBatch) -> None:
    batch.file_data = batch.parsed_rows = batch.planned_writes = batch.reads = None
    batch.reads_digest = ""


def _finish(batch: ImportBatch, changes: dict) -> None:
    batch.changes = storage.pack(changes)
    _forget_plan(batch)
    batch.state = BatchState.IMPORTED
    batch.imported_at = timezone.now()
    batch.progress_done = batch.progress_total
    batch.save()


# --- batches: upload, preview, confirm --------------------------------------------------------


def create_batch(*, kind: str, user, file_name: str, data: bytes) -> ImportBatch:
    check_may_import(user)
    check_size(len(data))
    return ImportBatch.objects.create(
        kind=kind,
        created_by=user,
        area=user.area,
        language=translation.get_language() or "",
        file_name=file_name[:255],
        file_sha256=sha256(data),
        file_size=len(data),
        file_data=data,
    )


def _pack_rows(rows: list[ParsedRow]) -> bytes:
    # Dates and decimals go as text and come back by their column's type (see _unpack_rows).
    return storage.pack([[row.number, row.values, row.errors] for row in rows], level=storage.FAST)


_TYPED = {"date", "birth", "score"}


def _unpack_rows(blob, kind: str) -> list[ParsedRow]:
    """The parsed rows kept by the preview, with their values' types restored column by column."""
    typed = [column.key for column in COLUMNS[kind] if column.type in _TYPED]
    rows = []
    for number, values, errors in storage.unpack(blob, typed=False):
        for key in typed:
            value = values.get(key)
            if isinstance(value, dict):  # {"$d": "2020-01-01"} or {"$n": "92.50"}
                values[key] = Decimal(value["$n"]) if "$n" in value else datetime.date.fromisoformat(value["$d"])
        rows.append(ParsedRow(number, values, [tuple(error) for error in errors]))
    return rows


def reads_context(*, kind: str, user, today: datetime.date) -> tuple:
    """What a plan depends on besides its rows and its reads: the importing user's scope and the day."""
    area_path = user.area.path if user.area_id else ""
    return (str(kind), user.pk, str(user.role), user.is_active, user.is_superuser, area_path, today.isoformat())


def preview_batch(*, batch: ImportBatch, progress: Progress | None = None) -> ImportBatch:
    """Read the batch's file and record each row's outcome; the batch is then ready to confirm."""
    user = batch.created_by
    try:
        check_may_import(user)  # the uploader may have lost the right since (the worker reads later)
    except PermissionDenied as error:
        return _fail(batch, str(error))
    batch.state, batch.heartbeat_at = BatchState.READING, timezone.now()
    batch.save(update_fields=["state", "heartbeat_at"])
    try:
        with gc_paused():
            rows = read_rows(kind=batch.kind, data=bytes(batch.file_data), progress=progress)
    except UnreadableWorkbook as error:
        return _fail(batch, str(error))
    today = timezone.localdate()
    _forget_plan(batch)
    with gc_paused():
        with keep.consistent_reads():
            with keep.recording_reads() as log:
                plan = plan_rows(kind=batch.kind, rows=rows, user=user, today=today, progress=progress)
            if not plan.refused:
                context = reads_context(kind=batch.kind, user=user, today=today)
                batch.reads_digest = keep.digest(log.queries, context=context)
        if not plan.refused:
            batch.parsed_rows = _pack_rows(rows)
        del rows  # the largest part: freed before the rest is packed
        _store_outcome(batch, plan)
        if not plan.refused:
            batch.reads = keep.pack_reads(log.queries)
            batch.planned_writes = keep.pack_writes(plan.writes)
        batch.progress_done = batch.progress_total = len(plan.results)
        del plan, log  # freed before the data is saved
    batch.state, batch.heartbeat_at = BatchState.PREVIEWED, None
    _save_data_first(batch)
    return batch


def _fail(batch: ImportBatch, message: str) -> ImportBatch:
    """The batch cannot be read: keep why, and no longer the file."""
    batch.state, batch.error, batch.file_data, batch.heartbeat_at = BatchState.FAILED, message, None, None
    batch.save(update_fields=["state", "error", "file_data", "heartbeat_at"])
    return batch


def _save_data_first(batch: ImportBatch) -> None:
    """Save the batch's stored data one field at a time, then the rest (its state last).

    Django writes values into the SQL text, where binary data takes several times its size
    in memory: saved together, a 100.000-row preview's data raised its peak by 70 MB.
    """
    for name in BLOB_FIELDS:
        ImportBatch.objects.filter(pk=batch.pk).update(**{name: getattr(batch, name)})
    batch.save(update_fields=[f.name for f in ImportBatch._meta.concrete_fields if f.name not in (*BLOB_FIELDS, "id")])


def _kept_writes(batch: ImportBatch, *, user, today: datetime.date) -> Writes | None:
    """The preview's writes, if the queries they rest on still give the same answers, for this user as they are now."""
    if batch.planned_writes is None or not batch.reads_digest:
        return None
    context = reads_context(kind=batch.kind, user=user, today=today)
    if keep.digest(keep.unpack_reads(batch.reads), context=context) != batch.reads_digest:
        return None
    return keep.unpack_writes(batch.planned_writes)


def _plan_again(batch: ImportBatch, *, user, today: datetime.date, progress: Progress | None) -> Writes:
    """Plan the kept rows for the user and the data as they are now; refuse if the outcome is not the preview's."""
    rows = _unpack_rows(batch.parsed_rows, batch.kind)
    plan = plan_rows(kind=batch.kind, rows=rows, user=user, today=today, progress=progress)
    shown = [
        [number, status, changes]
        for number, status, _label, _messages, changes in storage.unpack(batch.rows, typed=False)
    ]
    if plan.signature() != shown:
        raise StalePreview(_("The data changed since the preview; nothing was imported. Preview the file again."))
    return plan.writes


def confirm_batch(*, batch: ImportBatch, user, progress: Progress | None = None, queued: bool = False) -> ImportBatch:
    """Write what the preview showed, in one transaction, or nothing.

    Only the user who uploaded the workbook confirms it (``check_may_confirm``), with the rights
    they have now: the preview's writes are kept only if the reads they rest on and the user's
    role, area and activity are what they were; otherwise the rows are planned again for this
    user, and written only if every row's outcome is still the one the preview showed.

    The batch is claimed by a conditional UPDATE: from "previewed", or, for the worker
    (``queued``), as ``start_confirm`` handed it over and only once; a second confirmation of
    the same preview (a double click, two tabs, a task run twice) finds it claimed and writes
    nothing. The claim records the first sign of life (``heartbeat_at``). The writing waits
    for any other import being written (``_take_import_lock``), then checks the plan against
    the data as that import left it. The batch row is written again only at the end of the
    transaction, so that the progress (written on a connection of its own) is never blocked
    by it; if the batch was declared stopped meanwhile, nothing is written.
    """
    check_may_confirm(batch=batch, user=user)
    claimable = (
        {"state": BatchState.IMPORTING, "heartbeat_at__isnull": True} if queued else {"state": BatchState.PREVIEWED}
    )
    try:
        with transaction.atomic():
            claimed = ImportBatch.objects.filter(
                pk=batch.pk, parsed_rows__isnull=False, refused_count=0, **claimable
            ).update(state=BatchState.IMPORTING, error="", heartbeat_at=timezone.now())
    except OperationalError as error:  # SQLite: another import held the database longer than its timeout
        raise ValidationError(str(BUSY)) from error
    if not claimed:
        batch.refresh_from_db()
        raise _not_confirmable(batch)
    batch.refresh_from_db()
    if progress is not None:
        progress(_("Checking the rows against the database"), 0, batch.total_rows, force=True)
    today = timezone.localdate()
    try:
        with transaction.atomic(), gc_paused():
            _take_import_lock(batch, wait=None if queued else settings.WORKBOOK_LOCK_WAIT, progress=progress)
            writes = _kept_writes(batch, user=user, today=today)
            if writes is None:
                writes = _plan_again(batch, user=user, today=today, progress=progress)
            _forget_plan(batch)  # free what the preview kept before writing
            changes = _write(writes, user=user, reason=import_reason(batch), progress=progress)
            # Still ours (not declared stopped by fail_stopped_imports): the row stays locked until commit.
            if not ImportBatch.objects.filter(pk=batch.pk, state=BatchState.IMPORTING).update(heartbeat_at=None):
                raise ValidationError(str(STOPPED))
            batch.heartbeat_at = None
            _finish(batch, changes)
    except Exception:
        ImportBatch.objects.filter(pk=batch.pk, state=BatchState.IMPORTING).update(
            state=BatchState.PREVIEWED, heartbeat_at=None
        )
        raise
    return batch


def _not_confirmable(batch: ImportBatch) -> ValidationError:
    if batch.refused_count:
        return ValidationError(_("Some rows are refused; nothing was imported."))
    if batch.state == BatchState.IMPORTING:
        return ValidationError(_("This import is already being written; it is written once."))
    if batch.state == BatchState.IMPORTED:
        return ValidationError(_("This import was already confirmed; nothing more was written."))
    return ValidationError(
        _("This import cannot be confirmed (it is %(state)s).") % {"state": batch.get_state_display()}
    )


# Confirmations and command-line imports are written one at a time. One lock for all of them, not
# one per area or kind: an import reaches beyond its area's rows (a person found in another
# commune, a branch's members), and imports are short and rare enough to queue.
IMPORT_LOCK = int.from_bytes(hashlib.sha256(b"workbooks.import").digest()[:8], "big", signed=True)
LOCK_POLL = 0.2  # seconds between two tries


def _take_import_lock(batch: ImportBatch | None, *, wait: float | None, progress: Progress | None) -> None:
    """Hold the import lock until the transaction ends; wait ``wait`` seconds at most (None: as long as needed).

    On PostgreSQL a transaction-level advisory lock, tried again and again rather than awaited in
    the database, so that a worker waiting shows it on the batch's page and keeps its batch alive
    (``fail_stopped_imports``); given up after ``wait`` seconds with a message. On SQLite the
    database's write lock, which serialises writers anyway (``bulk.hold_write_lock``), taken at
    once from the start (for a command-line import, by the batch's INSERT that follows).
    """
    if connection.vendor != "postgresql":
        if batch is not None:
            bulk.hold_write_lock(batch)
        return
    deadline = None if wait is None else time.monotonic() + wait
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [IMPORT_LOCK])
            if cursor.fetchone()[0]:
                return
        if deadline is not None and time.monotonic() >= deadline:
            raise ValidationError(str(BUSY))
        if progress is not None:
            progress(_("Waiting for another import to finish"), 0, batch.total_rows if batch else 0)
        time.sleep(LOCK_POLL)


def fail_stopped_imports() -> int:
    """Mark failed the batches whose worker stopped; return how many.

    A worker killed in the middle of a preview or an import leaves its transaction rolled back
    by the database (nothing of the import is written) but its batch busy. A batch a worker
    began (``heartbeat_at`` set) and which has shown no sign of life (progress, see
    ``workbooks.progress``) for ``WORKBOOK_STOPPED_AFTER`` seconds is failed with a message
    in its uploader's language, and the data it kept dropped; the file can be uploaded again.
    Called wherever batches are looked at and when the worker begins a task.

    On SQLite a live import holds the database's write lock for its whole transaction (its
    progress cannot be written meanwhile): the UPDATE is not awaited, and a batch whose
    database is locked is left for the next look.
    """
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.WORKBOOK_STOPPED_AFTER)
    stopped = ImportBatch.objects.filter(state__in=WORKING_STATES, heartbeat_at__lt=cutoff)
    failed = 0
    for pk, language in stopped.values_list("pk", "language"):
        with translation.override(language or settings.LANGUAGE_CODE):
            message = str(STOPPED)
        try:
            with transaction.atomic(), _not_waiting():
                failed += stopped.filter(pk=pk).update(
                    state=BatchState.FAILED,
                    error=message,
                    heartbeat_at=None,
                    **dict.fromkeys(("file_data", "parsed_rows", "planned_writes", "reads"), None),
                    reads_digest="",
                )
        except OperationalError:
            continue
    return failed


@contextlib.contextmanager
def _not_waiting():
    """On SQLite, a statement that needs the write lock fails at once rather than waiting for it."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (timeout,) = cursor.fetchone()
        cursor.execute("PRAGMA busy_timeout = 0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(timeout)}")


def start_preview(*, batch: ImportBatch) -> bool:
    """Preview now, or, for a large file, in the task worker. Return whether it went to the worker.

    The choice rests on the rows the file holds, counted in it (``readers.check_workbook``), not
    on the dimension it declares; a file that is not a safe workbook, or holds more rows than
    ``WORKBOOK_MAX_ROWS``, is refused here, before any worker or parser spends time on it.
    """
    from . import tasks

    data = bytes(batch.file_data)
    try:
        rows = readers.check_workbook(data)
    except UnreadableWorkbook as error:
        _fail(batch, str(error))
        return False
    if rows is None:  # an old .xls: its size tells
        rows = readers.estimate_rows(data)
    if rows <= settings.WORKBOOK_BACKGROUND_ROWS:
        preview_batch(batch=batch)
        return False
    transaction.on_commit(lambda: tasks.preview_import.enqueue(batch.pk))
    return True


def start_confirm(*, batch: ImportBatch, user) -> bool:
    """Import now, or, for many rows, in the task worker. Return whether it went to the worker."""
    from . import tasks

    check_may_confirm(batch=batch, user=user)
    if batch.total_rows <= settings.WORKBOOK_BACKGROUND_ROWS:
        confirm_batch(batch=batch, user=user)
        return False
    # Handed to the worker: importing, with no sign of life until the worker claims it (confirm_batch).
    updated = ImportBatch.objects.filter(pk=batch.pk, state=BatchState.PREVIEWED).update(
        state=BatchState.IMPORTING, error="", progress_done=0, heartbeat_at=None
    )
    if not updated:
        batch.refresh_from_db()
        raise _not_confirmable(batch)
    transaction.on_commit(lambda: tasks.confirm_import.enqueue(batch.pk, user.pk))
    return True


def discard_batch(*, batch: ImportBatch, user) -> None:
    check_may_confirm(batch=batch, user=user)
    if batch.state in (BatchState.PREVIEWED, BatchState.FAILED):
        batch.state = BatchState.DISCARDED
        _forget_plan(batch)
        batch.save()
