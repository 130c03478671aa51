"""The session time-out warning's routes (ADR 0024, session 21) in the access matrix."""

from childnrm.access.constants import ANY_SIGNED_IN, PUBLIC

EXPECTED = {
    # "Stay signed in": POST only (a GET is 405), for anyone signed in with both factors.
    "core:keep-alive": ANY_SIGNED_IN,
    # Where a page whose idle time ran out goes: the session has usually ended, so public.
    "core:timed-out": PUBLIC,
}
