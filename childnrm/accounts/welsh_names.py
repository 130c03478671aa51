"""The Welsh names of the local authorities of Wales, by GSS code (ADR 0023).

Organisations have no administration page: a Welsh council's Welsh name comes from here, by its code, in the
migration that gave organisations a Welsh name (0008) and in the demo. A code's name changes only with the council.
"""

from __future__ import annotations

# Wales's 22 principal councils (GSS W06…; codes W06000007 and W06000017 are no longer used).
WELSH_COUNCIL_NAMES: dict[str, str] = {
    "W06000001": "Cyngor Sir Ynys Môn",
    "W06000002": "Cyngor Gwynedd",
    "W06000003": "Cyngor Bwrdeistref Sirol Conwy",
    "W06000004": "Cyngor Sir Ddinbych",
    "W06000005": "Cyngor Sir y Fflint",
    "W06000006": "Cyngor Bwrdeistref Sirol Wrecsam",
    "W06000008": "Cyngor Sir Ceredigion",
    "W06000009": "Cyngor Sir Penfro",
    "W06000010": "Cyngor Sir Gâr",
    "W06000011": "Cyngor Dinas a Sir Abertawe",
    "W06000012": "Cyngor Bwrdeistref Sirol Castell-nedd Port Talbot",
    "W06000013": "Cyngor Bwrdeistref Sirol Pen-y-bont ar Ogwr",
    "W06000014": "Cyngor Bro Morgannwg",
    "W06000015": "Cyngor Caerdydd",
    "W06000016": "Cyngor Bwrdeistref Sirol Rhondda Cynon Taf",
    "W06000018": "Cyngor Bwrdeistref Sirol Caerffili",
    "W06000019": "Cyngor Bwrdeistref Sirol Blaenau Gwent",
    "W06000020": "Cyngor Bwrdeistref Sirol Torfaen",
    "W06000021": "Cyngor Sir Fynwy",
    "W06000022": "Cyngor Dinas Casnewydd",
    "W06000023": "Cyngor Sir Powys",
    "W06000024": "Cyngor Bwrdeistref Sirol Merthyr Tudful",
}


def welsh_council_name(gss_code: str) -> str:
    """The Welsh name of the council with this GSS code; blank for a code that is not a Welsh council's."""
    return WELSH_COUNCIL_NAMES.get(gss_code.strip().upper(), "")
