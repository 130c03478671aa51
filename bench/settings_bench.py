"""Settings for the benchmark server: the app's own settings plus a bare view for the ceiling.

Auditing is switched with the app's own switch (CHILDNRM_AUDIT=off together with CHILDNRM_BENCHMARK=1),
so the benchmark measures exactly what the application would do.
"""

from childnrm.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare_urls"
