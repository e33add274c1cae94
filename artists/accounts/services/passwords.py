"""The rule for a new password, wherever it is chosen (create-user, an invitation, a password change).

password_problem: at least 12 characters, and strong enough by zxcvbn's offline estimate (score 3 of 4,
about 10^8 guesses or more) once the account's own email and names (users.account_words) count as the
first words an attacker would try. A refusal says why, in zxcvbn's plain words. Nothing here needs a
request.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

PASSWORD_MIN_LENGTH = 12
# Long enough for any passphrase, short enough that hashing one is never a denial of service.
PASSWORD_MAX_LENGTH = 200
# zxcvbn's scores run from 0 to 4; 3 means "safely unguessable": about 10^8 guesses or more.
PASSWORD_MIN_SCORE = 3
# zxcvbn's own bound: its matching slows to seconds on 200 characters, so a longer one is judged by
# its first 72 (ample for any passphrase; more characters never make a password weaker).
PASSWORD_JUDGED_LENGTH = 72
# zxcvbn's feedback, which it writes in English only, marked here so that it is extracted into the
# catalogues; password_problem translates each sentence as it is shown. A sentence not among them (a
# newer zxcvbn) has no translation and is shown as zxcvbn wrote it.
ZXCVBN_FEEDBACK = (
    _l("Use a few words, avoid common phrases."),
    _l("No need for symbols, digits, or uppercase letters."),
    _l("Add another word or two. Uncommon words are better."),
    _l("Straight rows of keys are easy to guess."),
    _l("Short keyboard patterns are easy to guess."),
    _l("Use a longer keyboard pattern with more turns."),
    _l('Repeats like "aaa" are easy to guess.'),
    _l('Repeats like "abcabcabc" are only slightly harder to guess than "abc".'),
    _l("Avoid repeated words and characters."),
    _l('Sequences like "abc" or "6543" are easy to guess.'),
    _l("Avoid sequences."),
    _l("Recent years are easy to guess."),
    _l("Avoid recent years."),
    _l("Avoid years that are associated with you."),
    _l("Dates are often easy to guess."),
    _l("Avoid dates and years that are associated with you."),
    _l("This is a top-10 common password."),
    _l("This is a top-100 common password."),
    _l("This is a very common password."),
    _l("This is similar to a commonly used password."),
    _l("A word by itself is easy to guess."),
    _l("Names and surnames by themselves are easy to guess."),
    _l("Common names and surnames are easy to guess."),
    _l("Capitalization doesn't help very much."),
    _l("All-uppercase is almost as easy to guess as all-lowercase."),
    _l("Reversed words aren't much harder to guess."),
    _l("Predictable substitutions like '@' instead of 'a' don't help very much."),
)


def password_problem(password: str, account: Sequence[str] = ()) -> str | None:
    """Return why a new password is refused, in words its owner can act on, or None when it is strong enough.

    account: the words of the account it is for (account_words), which count as easy to guess.
    """
    if len(password) < PASSWORD_MIN_LENGTH:
        return str(_("Use at least %(count)s characters; a few words in a row make a good password.", count=PASSWORD_MIN_LENGTH))
    if len(password) > PASSWORD_MAX_LENGTH:
        return str(_("Use at most %(count)s characters.", count=PASSWORD_MAX_LENGTH))
    judged = zxcvbn(password[:PASSWORD_JUDGED_LENGTH], user_inputs=list(account))
    if judged["score"] >= PASSWORD_MIN_SCORE:
        return None
    feedback = judged["feedback"]
    advice = " ".join(str(_(part)) for part in [feedback["warning"], *feedback["suggestions"]] if part)
    return str(_("This password would be easy to guess. %(advice)s", advice=advice or _("Add another word or two; uncommon words are better.")))


class WeakPassword(ValueError):
    """A new password refused by password_problem, with the reason to show."""


@dataclass(frozen=True)
class JudgedPassword:
    """A new password that password_problem passed, and the account's words it was judged against.

    Made by judge_password alone, and handed on to the step that sets it, so zxcvbn judges each choice
    once and against one list of words.
    """

    text: str = field(repr=False)
    account: tuple[str, ...]


def judge_password(password: str, account: Sequence[str] = ()) -> JudgedPassword:
    """Return the password as judged strong enough for the account with these words; raise WeakPassword otherwise."""
    problem = password_problem(password, account)
    if problem:
        raise WeakPassword(problem)
    return JudgedPassword(password, tuple(account))
