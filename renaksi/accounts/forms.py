from django.contrib.auth.forms import AuthenticationForm

from renaksi.core.validators import TextFieldsMixin


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
        field.max_length = 254  # an e-mail address may be longer than a username
        field.widget.attrs.update(
            {"maxlength": 254, "autocomplete": "username", "autocapitalize": "none"}
        )
        self.fields["password"].label = "Kata sandi"
