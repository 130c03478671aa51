"""The benchmark server with auditing switched off, for the "audit overhead" comparison only.

Auditing has no switch in the application's settings; this module is the only place it is turned off,
and it names its environment "bench", the only one (with "test") where the audit app accepts that.
"""

from bench.settings_bench import *  # noqa: F403

ENVIRONMENT = "bench"
AUDIT_ENABLED = False
