from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from renaksi.core.validators import TextFieldsMixin

LOGIN_MAX_LENGTH = 254  # an e-mail address may be longer than a username (150)


class LoginForm(TextFieldsMixin, AuthenticationForm):
    """The sign-in form: a username or an e-mail address, and the password."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "Nama pengguna atau kata sandi salah. Periksa kembali, perhatikan huruf besar dan "
            "kecil pada nama pengguna dan kata sandi."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.label = "Nama pengguna atau email"
        field.max_length = LOGIN_MAX_LENGTH
        # AuthenticationForm sets max_length after the field is built, so nothing checks it:
        # a longer login reached the database (django-axes records it) and failed there.
        field.validators.append(
            MaxLengthValidator(
                LOGIN_MAX_LENGTH,
                message=_(
                    "Nama pengguna atau email terlalu panjang: paling banyak %(limit_value)d "
                    "huruf, yang diisi %(show_value)d huruf."
                ),
            )
        )
        field.widget.attrs.update(
            {"maxlength": LOGIN_MAX_LENGTH, "autocomplete": "username", "autocapitalize": "none"}
        )
        self.fields["password"].label = "Kata sandi"


class PasswordResetForm(TextFieldsMixin, DjangoPasswordResetForm):
    """Django's form, with the text check of every Renaksi form."""
