"""What the dashboard's lists share: how far they count, and how a row says when it is due or since when it waits.

The site's sections (`dashboard.views`) and the guardian's next steps (`dashboard.guardian`) read them from here, so
a list of more than `COUNT_CAP` and an overdue row read the same on both.
"""

from __future__ import annotations

from django.utils.translation import gettext, ngettext

# The dashboard counts each list up to this ("more than 100"); a full list counts all. Counting reads rows up to the
# cap: at 1,000 the counts were most of the page's database time at 100,000 children (issue 16), and a list of more
# than 100 cases says what a coordinator needs to know; the exact figure is one link away.
COUNT_CAP = 100


def since_tag(days: int) -> tuple[str, str]:
    """How long ago a day `days` from today (negative: past) was, and its tag's class ("": plain text)."""
    ago = -days
    if ago <= 0:
        return gettext("Today"), ""
    return ngettext("%(days)d day ago", "%(days)d days ago", ago) % {"days": ago}, ""


def due_tag(days: int) -> tuple[str, str]:
    """When something due `days` from today (negative: past) is due, and its tag's class: red once overdue."""
    if days < 0:
        late = -days
        overdue = ngettext("Overdue by %(days)d day", "Overdue by %(days)d days", late) % {"days": late}
        return overdue, "govuk-tag govuk-tag--red"
    if days == 0:
        return gettext("Today"), "govuk-tag govuk-tag--orange"
    return ngettext("In %(days)d day", "In %(days)d days", days) % {"days": days}, ""
