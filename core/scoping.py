"""One scoping mechanism for every query: ``Model.objects.visible_to(user)``.

A user sees what lies in the subtree of their area; administrators see everything.
Each scoped model names the lookup that leads to the materialised path of its area
(``scope_path``), or overrides ``scope_q`` when visibility is not a single path.
"""

from django.db import models
from django.db.models import Q


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_everything:
            return self
        if user.area_id is None:
            return self.none()
        return self.filter(self.model.scope_q(user.area.path))


class ScopedModel(models.Model):
    scope_path = "area__path"

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, path: str) -> Q:
        return Q(**{f"{cls.scope_path}__startswith": path})
