"""Text that people type: no invisible control characters.

A control character (a bell ``\\x07``, a NUL, an escape, a C1 code, a bidirectional override)
cannot be seen on a page, breaks files that other programs read (XLSX is XML, which forbids
most of them), and can make a name look like another. ``validate_text`` refuses them in a
form; ``TextFieldsMixin`` puts it on every text field of a form; ``printable_text`` cleans what
was stored before the check existed, for exporters.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# C0 controls except tab, line feed and carriage return; DEL; C1 controls; the bidirectional
# embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
CONTROL_CHARACTERS = re.compile(f"[{_CONTROL}]")
CONTROL_OR_LINE_BREAK = re.compile(f"[{_CONTROL}\t\n\r]")


@deconstructible
class TextValidator:
    """Refuse control characters; with ``multiline=False`` also tabs and line breaks."""

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value) -> None:
        if not isinstance(value, str):
            return
        pattern = CONTROL_CHARACTERS if self.multiline else CONTROL_OR_LINE_BREAK
        match = pattern.search(value)
        if match is None:
            return
        char = match.group()
        if char in "\t\n\r":
            raise ValidationError(
                _("Isi satu baris saja: teks ini memuat baris baru atau tab."),
                code="line_break",
            )
        raise ValidationError(
            _(
                "Teks ini memuat karakter kendali yang tidak terlihat (U+%(code)04X, huruf ke-"
                "%(position)d). Hapus karakter itu; bila teks disalin dari berkas lain, "
                "ketik ulang bagian itu."
            ),
            code="control_character",
            params={"code": ord(char), "position": match.start() + 1},
        )

    def __eq__(self, other) -> bool:
        return isinstance(other, TextValidator) and other.multiline == self.multiline


validate_text = TextValidator(multiline=True)
validate_single_line = TextValidator(multiline=False)


def printable_text(value: str) -> str:
    """``value`` without control characters (tab and line breaks kept), for files we write."""
    return CONTROL_CHARACTERS.sub("", value)


class TextFieldsMixin:
    """A form mixin: every text field (CharField and its kinds, e-mail, regex…) refuses control
    characters; single-line inputs also refuse line breaks. Passwords are left alone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, forms.CharField) or isinstance(
                field.widget, forms.PasswordInput
            ):
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            field.validators.append(validate_text if multiline else validate_single_line)
