"""Who may use the evaluation routes (see access/tests/test_access_matrix.py).

The sample agreement is each site's demo agreement (evaluation.demo): in force, requested by the site's analyst and
approved by its data protection officer. Its analysts read it and download under it; its officer reads it and
decides it; nobody of another site reaches it. The downloads and the officer's steps are POSTs (a GET answers 405).
"""

from childnrm.accounts.models import Role

ANALYST = {Role.ANALYST}
OFFICER = {Role.DATA_PROTECTION_OFFICER}


def _agreement_id(site_slug: str) -> int:
    from childnrm.evaluation.models import DataSharingAgreement

    return DataSharingAgreement.objects.filter(site__slug=site_slug).order_by("pk").values_list("pk", flat=True)[0]


EXPECTED = {
    "evaluation:index": ANALYST | OFFICER,
    "evaluation:agreement-new": ANALYST,
    "evaluation:agreement": ANALYST | OFFICER,
    "evaluation:agreement-approve": OFFICER,
    "evaluation:agreement-refuse": OFFICER,
    "evaluation:agreement-revoke": OFFICER,
    "evaluation:extract-download": ANALYST,
    "evaluation:htcds-download": ANALYST,
    "evaluation:synthetic": ANALYST,
    "evaluation:synthetic-file": ANALYST,
}
SAMPLES = {"data_sharing_agreement_id": _agreement_id}
