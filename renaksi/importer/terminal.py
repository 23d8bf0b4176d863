"""Text from a decree, made safe to print on a terminal.

A decree is untrusted input: an escape sequence in it (``\\x1b[2J``, a hyperlink, a title
change), a carriage return that overwrites the line, or a bidirectional override that makes
text read backwards must never reach the terminal raw. ``printable()`` shows each such
character as a visible escape (``\\x1b``, ``\\u202e``) instead.
"""

import re

# C0 and C1 control characters (tab and newline too: every message is one line), DEL, the
# line and paragraph separators, and the bidirectional embedding/override/isolate marks.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# What json.dumps(ensure_ascii=False) leaves raw: it escapes only U+0000-U+001F.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object) -> str:
    """``text`` with every control character shown as an escape, on one line."""
    return _UNSAFE.sub(_escape, str(text))


def printable_json(text: str) -> str:
    """JSON text with the characters a terminal would act on written as ``\\uXXXX``.

    Only string contents can hold them, and ``\\uXXXX`` decodes to the same character, so
    the JSON means exactly what it meant.
    """
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
