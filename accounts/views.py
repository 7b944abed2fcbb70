from django.conf import settings
from django.shortcuts import render

from .throttling import address_locked


def locked_out(request, original_response=None, credentials=None):
    """The page django-axes answers with (AXES_LOCKOUT_CALLABLE) once a login is locked."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"minutes": minutes, "address_locked": address_locked(request)}
    return render(request, "registration/locked_out.html", context, status=429)
