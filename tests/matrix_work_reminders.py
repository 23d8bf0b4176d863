"""Permission-matrix rows for a person's reminder settings (renaksi/work, part "reminders").

The page has no object in its address: every signed-in persona opens their own settings
(tests/test_work_reminders_page.py checks that each sees and changes only their own);
the anonymous visitor is sent to sign in.
"""

from django.urls import reverse

from .matrix_common import SIGNED_IN, Row

ROWS: dict[str, Row] = {
    "work:reminders": Row(path=lambda world, code: reverse("work:reminders"), allowed=SIGNED_IN),
}
