from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db import apps as tasks_db_apps


class WorkbooksConfig(AppConfig):
    name = "workbooks"
    verbose_name = _("Excel workbooks")


class BackgroundTasksConfig(tasks_db_apps.TasksAppConfig):
    """django-tasks-db, the worker of large imports, under a name the admin translates (its own is not)."""

    default = False
    verbose_name = _("Background tasks")
