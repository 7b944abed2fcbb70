"""Sessions that end after SESSION_IDLE_MINUTES without a request.

A session's expiry is SESSION_COOKIE_AGE after it was last saved. SESSION_SAVE_EVERY_REQUEST
would move it on at every request, and so write the session table on every page and every
htmx call. Instead, a signed-in user's session is saved again only when its last refresh is
SESSION_REFRESH_SECONDS old or more: at most once a minute per user. A session left alone for
SESSION_IDLE_MINUTES has expired (its expiry falls at most a minute before that); one that
sends a request at least every SESSION_IDLE_MINUTES minus a minute never does.
"""

from django.conf import settings
from django.utils import timezone

REFRESHED_KEY = "_session_refreshed_at"


def mark_refreshed(sender, request, user, **kwargs) -> None:
    """On login (``user_logged_in``): the session is saved with a fresh expiry anyway."""
    if request is not None and hasattr(request, "session"):
        request.session[REFRESHED_KEY] = int(timezone.now().timestamp())


class IdleSessionMiddleware:
    """After the authentication middleware: refresh a signed-in user's session once a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(timezone.now().timestamp())
            refreshed = request.session.get(REFRESHED_KEY)
            if not isinstance(refreshed, int) or not 0 <= now - refreshed < settings.SESSION_REFRESH_SECONDS:
                # The session middleware saves a modified session, with a new expiry, after the view.
                request.session[REFRESHED_KEY] = now
        return self.get_response(request)
