"""Markers used by per-app access expectations (see access/tests/test_access_matrix.py)."""

PUBLIC = "public"
ANY_SIGNED_IN = "any signed-in user"
# Integration API routes: no session; a token of the record's own organisation is needed (see childnrm/api).
API = "api token"
# A catch-all that answers 404 to anyone, signed in, with a token or neither (the API's unknown paths).
NOWHERE = "not found, whoever asks"
