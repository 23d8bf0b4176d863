"""The development e-mail backend: Django's console backend, readable.

Django's console backend prints the raw MIME message. Its quoted-printable encoding breaks every
line longer than 76 characters with "=", so a set-password link copied from the server's output
does not work. This backend prints the headers and the decoded text instead.
"""

from django.core.mail.backends import console


class ConsoleEmailBackend(console.EmailBackend):
    def write_message(self, message):
        msg = message.message()
        skip = {"content-type", "content-transfer-encoding", "mime-version"}
        lines = [f"{name}: {value}" for name, value in msg.items() if name.lower() not in skip]
        for part in msg.walk():
            if part.is_multipart():
                continue
            lines.append("")
            if part.get_content_maintype() == "text" and not part.is_attachment():
                if part is not msg:
                    lines.append(f"[{part.get_content_type()}]")
                lines.append(part.get_content().rstrip("\n"))
            else:
                lines.append(f"[{part.get_content_type()} {part.get_filename() or ''}]".rstrip())
        self.stream.write("\n".join(lines) + "\n")
        self.stream.write("-" * 79 + "\n")
