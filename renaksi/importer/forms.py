"""Forms of the browser import: the upload, and the review of a parsed decree."""

from __future__ import annotations

import re
from pathlib import PurePath

from django import forms
from django.core.files.uploadhandler import FileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renaksi.lib.decree.model import DecreeError, ParsedDecree
from renaksi.lib.decree.parser import parse_decree

from .preview import PreviewTree

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
NAME_LENGTH = 255


def describe_error(error: DecreeError) -> str:
    """The parser's message with where it is: ``baris 12: …``, ``lembar 'Lampiran' baris 5: …``."""
    return f"{error.where}: {error.message}" if error.where else error.message


def clean_file_name(name: str) -> str:
    """The uploaded file's own name, without folders or control characters, at most 255 long."""
    name = _CONTROL.sub("", PurePath(name.replace("\\", "/")).name).strip() or "keputusan"
    if len(name) <= NAME_LENGTH:
        return name
    suffix = PurePath(name).suffix[:16]
    return name[: NAME_LENGTH - len(suffix)] + suffix


class TruncatingUploadHandler(FileUploadHandler):
    """Pass on at most ``limit`` + 1 bytes of an uploaded file to the handlers after it.

    A file over the limit then arrives one byte too long, and the form refuses it by its
    size, without the server keeping more than the limit of it in memory or on disk.
    """

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        room = self.limit + 1 - start
        return raw_data[:room] if room > 0 else None

    def file_complete(self, file_size: int) -> None:
        return None


class DecreeUploadForm(forms.Form):
    """One decree file. It must be within the size limit and be readable as a decree.

    The format is recognised by the parser from the content; the file's name is only kept
    as its name.
    """

    berkas = forms.FileField(
        label=gettext_lazy("Berkas keputusan"),
        allow_empty_file=True,  # the parser says what an empty file lacks
        error_messages={"required": gettext_lazy("Pilih berkas keputusan untuk diunggah.")},
    )

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.file_bytes = b""
        self.file_name = ""
        self.decree: ParsedDecree | None = None

    def clean_berkas(self):
        upload = self.cleaned_data["berkas"]
        too_large = _("Berkas terlalu besar: batasnya %(limit)s.") % {
            "limit": filesizeformat(self.max_bytes)
        }
        if upload.size is not None and upload.size > self.max_bytes:
            raise forms.ValidationError(too_large, code="too_large")
        data = upload.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            raise forms.ValidationError(too_large, code="too_large")
        try:
            self.decree = parse_decree(data)
        except DecreeError as error:
            raise forms.ValidationError(describe_error(error), code="not_a_decree") from error
        self.file_bytes = data
        self.file_name = clean_file_name(upload.name or "")
        return upload


class _KeysField(forms.MultipleChoiceField):
    """The accepted findings: keys of findings no longer in the reading are dropped, not errors
    (a finding changes its key when another reading is chosen)."""

    def validate(self, value):
        return None

    def clean(self, value):
        value = super().clean(value)
        return [key for key in value if self.valid_value(key)]


class ReviewForm(forms.Form):
    """The preview's form: a reading per choice, the accepted findings, and what was shown.

    ``berkas`` is the SHA-256 of the file previewed and ``rencana`` the version of the
    existing plan whose differences were shown, so that a save never applies what the user
    has not seen.
    """

    berkas = forms.CharField(widget=forms.HiddenInput, max_length=64)
    rencana = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    terima = _KeysField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, tree: PreviewTree, **kwargs):
        super().__init__(*args, **kwargs)
        self.tree = tree
        self.fields["terima"].choices = [(key, key) for key in tree.acceptable_keys]
        self.choice_names: dict[str, str] = {}  # field name → choice key
        for view in tree.with_choices:
            finding = view.finding
            name = f"pilihan-{finding.choice_key}"
            if name in self.fields:
                continue
            self.fields[name] = forms.ChoiceField(
                label=view.display_message,
                # The reader's option labels are Indonesian msgids (gettext_noop in the library).
                choices=[(value, _(label)) for value, label in finding.options],
                required=False,
                initial=finding.chosen,
                widget=forms.RadioSelect,
            )
            self.choice_names[name] = finding.choice_key
        shown: set[str] = set()
        for view in tree.with_choices:
            # Two findings may offer the same choice: its buttons are shown at the first.
            if view.finding.choice_key not in shown:
                shown.add(view.finding.choice_key)
                view.choice_field = self[f"pilihan-{view.finding.choice_key}"]

    def chosen(self) -> dict[str, str]:
        """The reading picked for each choice (the parser's own pick where none was posted)."""
        picked = {}
        for name, key in self.choice_names.items():
            value = self.cleaned_data.get(name) or self.fields[name].initial
            if value:
                picked[key] = value
        return picked

    def current_choices(self) -> dict[str, str]:
        """The reading shown for each choice."""
        return {key: self.fields[name].initial for name, key in self.choice_names.items()}

    def changed_choices(self) -> dict[str, str]:
        """The choices where another reading than the one shown was picked."""
        shown = self.current_choices()
        return {key: value for key, value in self.chosen().items() if value != shown.get(key)}
