"""Words other apps show for this app's pages, in this app's Welsh catalogue (imports nothing of the service)."""

from django.utils.translation import gettext_lazy as _

# The home page's entry for the queue of pairs at two sites to review (core.navigation).
NATIONAL_QUEUE_LABEL = _("Records at other sites to review")
NATIONAL_QUEUE_DESCRIPTION = _("Children the national check found may also have a record at another site")
