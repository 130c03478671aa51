"""Settings for the benchmark server: the app's own settings plus a bare view for the ceiling.

Auditing stays on here; `bench.settings_bench_unaudited` is the same with auditing off (the application
itself has no switch for it).
"""

from childnrm.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare_urls"
