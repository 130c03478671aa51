"""Settings for the benchmark server: the app's own settings plus a bare view for the ceiling.

Auditing stays on here; `bench.settings_bench_unaudited` is the same with auditing off (the application
itself has no switch for it).
"""

from childnrm.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare_urls"

# The server runs with CHILDNRM_ENV=development (no TLS, no secret key to give), but measures production's template
# work: without the development check that no template prints a method (a call per value printed).
TEMPLATE_PRINT_CHECK = False
