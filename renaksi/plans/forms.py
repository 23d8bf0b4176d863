from django import forms
from django.utils.translation import gettext_lazy as _


class PicForm(forms.Form):
    """One optional PIC choice per sub-activity of a plan.

    The people are read once and shared by every field, so the page costs the same number of
    queries however many sub-activities the plan has.
    """

    def __init__(self, *args, sub_activities, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.sub_activities = list(sub_activities)
        by_pk = {str(person.pk): person for person in people}
        choices = [("", _("— belum ada PIC —"))] + [
            (pk, person.get_full_name() or person.get_username()) for pk, person in by_pk.items()
        ]
        for sub in self.sub_activities:
            self.fields[f"sub_{sub.pk}"] = forms.TypedChoiceField(
                choices=choices,
                coerce=by_pk.__getitem__,
                empty_value=None,
                required=False,
                initial=str(sub.pic_id) if sub.pic_id else "",
                label=f"{sub.activity.area.number}.{sub.activity.number}.{sub.number} {sub.name}",
            )

    def rows(self):
        """(sub-activity, bound field) pairs, in plan order."""
        return [(sub, self[f"sub_{sub.pk}"]) for sub in self.sub_activities]

    def pics(self) -> dict:
        return {sub.pk: self.cleaned_data[f"sub_{sub.pk}"] for sub in self.sub_activities}
