"""Login throttling (django-axes) for sign-ins made through a request."""

from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, skipped when there is no request to throttle.

    Every sign-in over HTTP passes its request (the login form does); `authenticate()`
    without one comes only from code on the server (the test client's `login`, the shell),
    which has no client address to lock out.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
