"""Sign-in by username or e-mail address.

The username is matched exactly (Django usernames are case-sensitive); failing that, a login
containing "@" is matched case-insensitively against e-mail addresses. An e-mail address shared
by several accounts signs into none of them: the person must use their username. Every refusal
looks the same to the caller, and takes about as long as a wrong password does.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

UserModel = get_user_model()


def find_user(login: str):
    """The one active or inactive account ``login`` names, or None (unknown or ambiguous)."""
    login = (login or "").strip()
    if not login:
        return None
    try:
        return UserModel._default_manager.get_by_natural_key(login)
    except UserModel.DoesNotExist:
        pass
    if "@" not in login:
        return None
    matches = list(UserModel._default_manager.filter(email__iexact=login)[:2])
    return matches[0] if len(matches) == 1 else None


class UsernameOrEmailBackend(ModelBackend):
    """ModelBackend that also accepts a unique e-mail address in place of the username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(UserModel.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = find_user(username)
        if user is None:
            # Run the hasher anyway, so that unknown and ambiguous logins are not faster to refuse.
            UserModel().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
