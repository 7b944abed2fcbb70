"""Finding the people rows refer to: by CCCD anywhere, by folded name within a commune of the user's area."""

from __future__ import annotations

import functools
import operator
from collections import defaultdict

from django.db import connection
from django.db.models import Exists, OuterRef, Q

from areas.models import Area
from core.vietnamese import fold as _fold
from members.models import Membership, Person

from .. import bulk
from ..lookups import stream, where_in

fold = functools.lru_cache(maxsize=100_000)(_fold)


class PersonIndex:
    """The people rows may refer to, read in a few batch queries whatever the number of rows."""

    def __init__(self, user, *, cccds):
        self.user = user
        self.by_cccd: dict[str, Person] = {}
        # Unscoped on purpose: a CCCD held outside the user's area must be refused, not duplicated.
        for queryset in where_in(Person.objects.all(), "cccd", cccds):
            for person in bulk.rows(queryset):
                self.by_cccd[person.cccd] = person
        if user.sees_everything:
            self.visible = {person.pk for person in self.by_cccd.values()}
        else:
            self.visible = set()
            ids = [person.pk for person in self.by_cccd.values()]
            for queryset in where_in(Person.objects.visible_to(user), "pk", ids):
                self.visible.update(queryset.values_list("pk", flat=True))
        self.by_name: dict[str, list[Person]] = defaultdict(list)
        self.paths: dict[int, set[str]] = defaultdict(set)

    def add_names(self, names, *, communes) -> None:
        """Look up by name the rows a CCCD did not settle: the people of that name who live
        or have a membership in one of ``communes`` (their paths), the rows' communes."""
        communes = set(communes)
        if not communes:  # no row names a branch of the user's area: no one to look for
            return
        names = {fold(name) for name in names}
        by_pk = {person.pk: person for person in self.by_cccd.values()}
        namesakes = Person.objects.visible_to(self.user)
        if connection.vendor == "postgresql":
            # A province holds hundreds of people of each common name: only those of the rows'
            # communes are read (and read again by the confirmation's check). One array each;
            # on SQLite, whose queries take 999 parameters, the names' chunks use them all.
            within = functools.reduce(operator.or_, (Q(path__startswith=path) for path in communes))
            areas = list(Area.objects.filter(within).values_list("pk", flat=True))
            member_there = Membership.objects.filter(person_id=OuterRef("pk"), branch__area_id__any_of=areas)
            namesakes = namesakes.filter(Q(residence_id__any_of=areas) | Exists(member_there))
        for queryset in where_in(namesakes, "name_key", names):
            for person in bulk.rows(queryset):
                # One instance per person, whichever way it was found.
                self.by_name[person.name_key].append(by_pk.setdefault(person.pk, person))
        # Where each candidate belongs: the hamlet they live in and the branches of their memberships.
        candidates = [person.pk for people in self.by_name.values() for person in people]
        for queryset in where_in(Person.objects.filter(residence__isnull=False), "pk", candidates):
            for pk, path in stream(queryset.values_list("pk", "residence__path")):
                self.paths[pk].add(path)
        for queryset in where_in(Membership.objects.all(), "person_id", candidates):
            for person_id, path in stream(queryset.values_list("person_id", "branch__area__path")):
                self.paths[person_id].add(path)

    def in_commune(self, person: Person, path: str) -> bool:
        return any(own.startswith(path) for own in self.paths.get(person.pk, ()))
