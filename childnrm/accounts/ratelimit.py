"""Limits on the "forgot your password" page, which anyone can use without signing in (ADR 0004, amendment 2).

Each request is counted per address typed and per client address, whether the address belongs to an account or not,
so the page takes the same steps and answers the same either way. Over a limit, no email is queued and the page
still says one was sent: it never tells whether an account exists. Counted per fixed window in the database, which
every worker shares (kit.counters, as feedback.ratelimit counts), under keyed hashes, never the addresses.
"""

from __future__ import annotations

import logging
import unicodedata

from django.http import HttpRequest

from childnrm.audit.context import client_ip
from childnrm.kit.counters import Limit

logger = logging.getLogger(__name__)


# Links emailed to one account: a person who did not get the first asks again once or twice; more is someone else
# filling their inbox (each link a genuine-looking email that invites a click).
RESETS_PER_ACCOUNT = Limit("accounts.reset", "account", 3, 60 * 60)
# Requests from one client address, for any accounts: generous, because partner agencies share addresses (ADR 0004),
# but a ceiling against one client emailing every address it can guess.
RESETS_PER_CLIENT = Limit("accounts.reset", "client", 20, 60 * 60)


def _account_key(email: str) -> str:
    # As the reset form compares addresses (forms._same_address): every spelling that reaches an account counts
    # against that account.
    return unicodedata.normalize("NFKC", email).casefold()


def password_reset_allowed(request: HttpRequest | None, email: str) -> bool:
    """Counts one request for a link to `email` and says whether its email may be queued. A refusal is logged
    without the address typed or the client's."""
    if not RESETS_PER_CLIENT.counted(client_ip(request) or "unknown"):
        logger.warning(
            "Password reset not sent: the client asked more than %d times in an hour", RESETS_PER_CLIENT.count
        )
        return False
    if not RESETS_PER_ACCOUNT.counted(_account_key(email)):
        logger.warning(
            "Password reset not sent: the address asked for more than %d times in an hour", RESETS_PER_ACCOUNT.count
        )
        return False
    return True
