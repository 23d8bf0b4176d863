#!/usr/bin/env python
"""Django's command-line utility for administrative tasks.

A configuration error (a bad or missing environment variable, a database that cannot be
reached) ends the command with one line on stderr and exit status 1, not a traceback;
``--traceback`` shows the traceback as well.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renaksi.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 (reads the settings now, to report their errors)
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        fail("configuration error", exc)
    except OperationalError as exc:
        fail("database error", exc)


def fail(kind: str, exc: Exception) -> None:
    if "--traceback" in sys.argv:
        raise exc
    message = " ".join(str(exc).split())  # one line, whatever the driver printed
    sys.exit(f"{os.path.basename(sys.argv[0])}: {kind}: {message}")


if __name__ == "__main__":
    main()
