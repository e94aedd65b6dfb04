"""The password policy: length over composition, no common or guessable passwords.

As NIST SP 800-63B (2017) §5.1.1.2 recommends: at least 8 characters (and up to 128),
no composition rules, and refuse passwords that are common, repetitive or sequential,
or made of the username or the service's name. Guessability is zxcvbn's estimate (Wheeler
D. zxcvbn: low-budget password strength estimation. USENIX Security 2016), which knows
the common-password lists and keyboard, repeat and sequence patterns: a password that it
expects to fall within 10^6 guesses (score below 2) is refused.
"""

from __future__ import annotations

from zxcvbn import zxcvbn

from medtwin.service.errors import InvalidError

MIN_SCORE = 2
"""zxcvbn score 2: more than 10^6 guesses expected (Wheeler 2016, Table 1)."""
SERVICE_WORDS = ("medtwin", "twin", "simulation")


def check_password(password: str, username: str) -> None:
    """Refuse a guessable password with the reason and advice, naming no secret."""
    if username.casefold() in password.casefold():
        raise InvalidError("password: must not contain the username")
    estimate = zxcvbn(password, user_inputs=[username, *SERVICE_WORDS])
    if estimate["score"] < MIN_SCORE:
        warning = estimate["feedback"]["warning"] or "it is easy to guess"
        raise InvalidError(
            f"password: too easy to guess ({warning.rstrip('.').lower()}); a longer phrase "
            "of unrelated words is best"
        )
