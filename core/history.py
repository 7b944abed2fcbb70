"""The audit history of the domain models (django-simple-history), indexed for the way it is read."""

from simple_history.models import HistoricalRecords


class AuditHistory(HistoricalRecords):
    """Historical records indexed by the object's id, the date and the user only.

    simple-history also indexes every foreign key and unique field it copies into the
    history table. History is read per object and by date, never by those columns, and
    each such index slows every write: they cost an import of 100.000 members 1,7 s.
    """

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for name, field in fields.items():
            if name != model._meta.pk.name:
                field.db_index = False
        return fields
