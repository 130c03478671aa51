"""Sign a demo user in with both factors without a browser: write sessions straight to the database.

What `django.contrib.auth.login` stores (user id, backend, session auth hash) plus what
`django_otp.login` stores (`otp_device_id` = the verified device's `persistent_id`), saved with the
configured session engine. The printed session keys are sent by wrk as `Cookie: sessionid=<key>`.

    DJANGO_SETTINGS_MODULE=bench.settings_bench DATABASE_URL=... CHILDNRM_ENV=development \
        .venv/bin/python -m bench.login --email coordinator.northbridge@childnrm.example --count 20
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib import import_module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Create signed-in, second-factor-verified sessions")
    parser.add_argument("--email", default="coordinator.northbridge@childnrm.example")
    parser.add_argument("--count", type=int, default=1, help="how many sessions (one per load-test connection)")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(email=args.email)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        print(f"{args.email} has no confirmed authenticator device", file=sys.stderr)
        return 1
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    backend = settings.AUTHENTICATION_BACKENDS[-1]  # the one that signs in by password (accounts.backends)
    keys = []
    for _ in range(args.count):
        session = store_class()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        keys.append(session.session_key)
    print(json.dumps({"cookie_name": settings.SESSION_COOKIE_NAME, "keys": keys, "user_id": user.pk}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
