"""Login throttling: a username at one address (django-axes), and the address itself at a higher limit.

django-axes counts failed logins per set of lockout parameters but compares every set with one
number, ``AXES_FAILURE_LIMIT``. So the two limits are one rule here, ``lockout_parameters`` (its
``AXES_LOCKOUT_PARAMETERS``, computed per request): the username at the address, and once the
address has ``LOGIN_FAILURE_LIMIT_PER_ADDRESS`` failures in the cool-off window the address as
well, whose count is then above ``AXES_FAILURE_LIMIT`` too. A successful login forgets only that
username at that address, as before: the address's other failures still count, and one valid
account does not wipe its colleagues' locks.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

USERNAME_AT_ADDRESS = ["username", "ip_address"]


def client_address(request: HttpRequest) -> str | None:
    """The address logins are counted at (``AXES_CLIENT_IP_CALLABLE``).

    ``REMOTE_ADDR``; with ``TRUST_X_FORWARDED_FOR``, the last address of ``X-Forwarded-For``, the one
    the reverse proxy in front appended (what comes before it, the client may have written).
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if settings.TRUST_X_FORWARDED_FOR else ""
    return forwarded.rsplit(",", 1)[-1].strip() or request.META.get("REMOTE_ADDR")


def address_failures(request: HttpRequest) -> int:
    """The failed logins from the request's address in the cool-off window, whatever the username."""
    AxesProxyHandler.update_request(request)  # sets axes_ip_address and axes_attempt_time once
    attempts = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0


def address_locked(request: HttpRequest) -> bool:
    return address_failures(request) >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS


def lockout_parameters(request_or_attempt, credentials=None) -> list:
    """``AXES_LOCKOUT_PARAMETERS``: the username at the address, and the address once it reached its limit.

    django-axes passes an ``AccessAttempt`` instead of a request only to its cache handler, not used here.
    """
    if isinstance(request_or_attempt, HttpRequest) and address_locked(request_or_attempt):
        return [USERNAME_AT_ADDRESS, "ip_address"]
    return [USERNAME_AT_ADDRESS]
