"""Who may use the site policy routes and the confirmation before removing a user (see
access/tests/test_access_matrix.py): site administrators only. New recovery codes and a new
authenticator app: anyone signed in, for themselves."""

from childnrm.access.constants import ANY_SIGNED_IN, PUBLIC
from childnrm.accounts.models import Role

EXPECTED = {
    "accounts:site-policies": {Role.SITE_ADMIN},
    "accounts:site-policy": {Role.SITE_ADMIN},
    "accounts:site-policy-change": {Role.SITE_ADMIN},
    "accounts:site-language": {Role.SITE_ADMIN},
    "accounts:site-user-remove": {Role.SITE_ADMIN},
    "accounts:recovery-codes-new": ANY_SIGNED_IN,
    # Changing one's own authenticator app (ADR 0004, amendment 3): anyone signed in, for themselves.
    "accounts:authenticator-change": ANY_SIGNED_IN,
    "accounts:authenticator-change-set-up": ANY_SIGNED_IN,
    # The language switch: anyone, signed in or not.
    "accounts:language": PUBLIC,
}
