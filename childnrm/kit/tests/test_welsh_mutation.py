"""A Welsh name after a preposition takes the mutation Welsh grammar asks for (ADR 0023, amendment 3): "gan Gyngor
Caerdydd", "ym Mhanel Plant Caerdydd", "gyda Chyngor Caerdydd". Only a Welsh name, and only in Welsh."""

from __future__ import annotations

import pytest
from django.template import engines
from django.utils import translation
from django.utils.functional import lazy
from markupsafe import Markup

from childnrm.kit.welsh_mutation import ASPIRATE, NASAL, SOFT, WelshName, mutate, welsh_format

# Each letter that mutates, a Welsh name that begins with it, and the name after a soft, nasal and aspirate mutation.
TABLE = [
    ("Panel Plant Caerdydd", "Banel Plant Caerdydd", "Mhanel Plant Caerdydd", "Phanel Plant Caerdydd"),
    ("Tîm Troseddau Ieuenctid", "Dîm Troseddau Ieuenctid", "Nhîm Troseddau Ieuenctid", "Thîm Troseddau Ieuenctid"),
    ("Cyngor Caerdydd", "Gyngor Caerdydd", "Nghyngor Caerdydd", "Chyngor Caerdydd"),
    ("Bwrdd Iechyd Hywel Dda", "Fwrdd Iechyd Hywel Dda", "Mwrdd Iechyd Hywel Dda", "Bwrdd Iechyd Hywel Dda"),
    ("Dinas Casnewydd", "Ddinas Casnewydd", "Ninas Casnewydd", "Dinas Casnewydd"),
    ("Gwasanaeth Ieuenctid", "Wasanaeth Ieuenctid", "Ngwasanaeth Ieuenctid", "Gwasanaeth Ieuenctid"),
    ("Gâr", "Âr", "Ngâr", "Gâr"),
    ("Merthyr Tudful", "Ferthyr Tudful", "Merthyr Tudful", "Merthyr Tudful"),
    ("Llys Teulu", "Lys Teulu", "Llys Teulu", "Llys Teulu"),
    ("Rhondda Cynon Taf", "Rondda Cynon Taf", "Rhondda Cynon Taf", "Rhondda Cynon Taf"),
    # Letters that never mutate, digraphs whose first letter would, vowels, and acronyms.
    ("Heddlu De Cymru", "Heddlu De Cymru", "Heddlu De Cymru", "Heddlu De Cymru"),
    ("Chwilog", "Chwilog", "Chwilog", "Chwilog"),
    ("Theatr Clwyd", "Theatr Clwyd", "Theatr Clwyd", "Theatr Clwyd"),
    ("Abertawe", "Abertawe", "Abertawe", "Abertawe"),
    ("Ysbyty Gwynedd", "Ysbyty Gwynedd", "Ysbyty Gwynedd", "Ysbyty Gwynedd"),
    ("GIG Cymru", "GIG Cymru", "GIG Cymru", "GIG Cymru"),
]


@pytest.mark.parametrize(("radical", "soft", "nasal", "aspirate"), TABLE, ids=[row[0] for row in TABLE])
def test_the_first_word_of_a_name_mutates_by_the_table(radical, soft, nasal, aspirate):
    assert mutate(radical, SOFT) == soft
    assert mutate(radical, NASAL) == nasal
    assert mutate(radical, ASPIRATE) == aspirate


@pytest.mark.parametrize(
    ("message", "said"),
    [
        # Soft, after each preposition that takes it.
        *[
            (f"{word} %(site)s", f"{word} Gyngor Caerdydd")
            for word in ("i", "o", "gan", "at", "am", "ar", "dros", "drwy", "trwy", "wrth", "dan", "heb", "hyd")
        ],
        # Nasal after "yn" (in), which becomes "yng" before ng and "ym" before m.
        ("Defnyddwyr yn %(site)s", "Defnyddwyr yng Nghyngor Caerdydd"),
        ("Yn %(site)s, mae’r panel yn cwrdd", "Yng Nghyngor Caerdydd, mae’r panel yn cwrdd"),
        # Aspirate after "a", "â" and "gyda".
        ("protocol gyda %(site)s", "protocol gyda Chyngor Caerdydd"),
        ("wedi cysylltu â %(site)s", "wedi cysylltu â Chyngor Caerdydd"),
        # A word that only looks like one: "i'r", or the name at the start.
        ("i’r %(site)s", "i’r Cyngor Caerdydd"),
        ("%(site)s sy’n penderfynu", "Cyngor Caerdydd sy’n penderfynu"),
    ],
)
def test_a_welsh_name_mutates_after_a_preposition_in_welsh(message, said):
    with translation.override("cy"):
        assert welsh_format(message, {"site": WelshName("Cyngor Caerdydd")}) == said


def test_yn_becomes_ym_before_m_whether_or_not_the_name_mutates():
    with translation.override("cy"):
        assert welsh_format("yn %(site)s", {"site": WelshName("Panel Plant Caerdydd")}) == "ym Mhanel Plant Caerdydd"
        assert welsh_format("yn %(site)s", {"site": WelshName("Bwrdd Iechyd Aneurin Bevan")}) == (
            "ym Mwrdd Iechyd Aneurin Bevan"
        )
        assert welsh_format("yn %(site)s", {"site": WelshName("Merthyr Tudful")}) == "ym Merthyr Tudful"
        assert welsh_format("yn %(site)s", {"site": WelshName("Dinas Casnewydd")}) == "yn Ninas Casnewydd"
        assert welsh_format("yn %(site)s", {"site": WelshName("Heddlu Gwent")}) == "yn Heddlu Gwent"
        # "a" and "â" are "ac" and "ag" before a vowel.
        values = {"one": WelshName("Cyngor Caerdydd"), "two": WelshName("Abertawe")}
        assert welsh_format("%(one)s a %(two)s", values) == "Cyngor Caerdydd ac Abertawe"
        assert welsh_format("cysylltu â %(two)s", values) == "cysylltu ag Abertawe"


def test_the_same_name_is_said_radical_in_one_place_and_mutated_in_another():
    message = "%(site)s sy’n penderfynu, nid %(receiving)s: atgyfeiriwch ef ymlaen i %(site)s gyda’r pecyn achos."
    with translation.override("cy"):
        said = welsh_format(message, {"site": WelshName("Panel Plant Caerdydd"), "receiving": "Northbridge"})
    assert said == (
        "Panel Plant Caerdydd sy’n penderfynu, nid Northbridge: atgyfeiriwch ef ymlaen i Banel Plant Caerdydd gyda’r "
        "pecyn achos."
    )


def test_english_names_people_and_english_pages_are_left_as_they_are():
    with translation.override("cy"):
        # An English name on a Welsh page (the site has no Welsh name), a person's name, a reference.
        assert welsh_format("gan %(site)s", {"site": "Northbridge Child Panel"}) == "gan Northbridge Child Panel"
        assert welsh_format("yn %(site)s", {"site": "Manchester Child Panel"}) == "yn Manchester Child Panel"
        assert welsh_format("Cofnodwyd gan %(name)s", {"name": "Carys Price"}) == "Cofnodwyd gan Carys Price"
        assert welsh_format("ar %(num)d", {"num": 3}) == "ar 3"
    with translation.override("en-gb"):
        assert welsh_format("at %(site)s", {"site": WelshName("Cyngor Caerdydd")}) == "at Cyngor Caerdydd"


def test_a_name_given_as_a_record_or_said_later_is_read_as_the_welsh_name_it_is():
    class Named:
        def __str__(self) -> str:
            return WelshName("Cyngor Caerdydd")

    later = lazy(lambda: WelshName("Bwrdd Iechyd Prifysgol Caerdydd a’r Fro"), str)()
    with translation.override("cy"):
        assert welsh_format("gan %(org)s", {"org": Named()}) == "gan Gyngor Caerdydd"
        assert welsh_format("i %(org)s", {"org": later}) == "i Fwrdd Iechyd Prifysgol Caerdydd a’r Fro"
        # A lazy message, as `gettext_lazy` gives, is said in the language active now.
        assert welsh_format(lazy(lambda: "gan %(org)s", str)(), {"org": Named()}) == "gan Gyngor Caerdydd"
    assert isinstance(str(WelshName("Cyngor")), WelshName)
    assert type(WelshName("Cyngor") + " Caerdydd") is str  # what is made from a name is plain text


def test_html_messages_keep_their_markup_and_escape_the_name():
    with translation.override("cy"):
        said = welsh_format(Markup("<strong>Anfonwyd</strong> at %(site)s"), {"site": WelshName("Tŷ <Hafan>")})
    assert said == Markup("<strong>Anfonwyd</strong> at Dŷ &lt;Hafan&gt;")


def test_templates_mutate_welsh_names_in_every_kind_of_message():
    env = engines["jinja2"].env
    names = {"site": WelshName("Panel Plant Caerdydd"), "org": WelshName("Cyngor Caerdydd <CC>")}
    template = env.from_string(
        '{{ _("%(role)s at %(site)s", role="Cydgysylltydd", site=site) }}|'
        '{{ _("Information-sharing protocol with %(organisation)s", organisation=org) }}|'
        '{{ ngettext("%(num)s summary from %(site)s", "%(num)s summaries from %(site)s", 3, site=site) }}|'
        '{{ pgettext("test", "wedi cysylltu â %(org)s", org=org) }}|'
        '{{ npgettext("test", "%(num)s at %(org)s", "%(num)s at %(org)s", 2, org=org) }}|'
        "{% trans %}Wrth {{ site }}{% endtrans %}"
    )
    with translation.override("cy"):
        said = template.render(names).split("|")
        # A text email's template is not escaped: the name as it is.
        plain = env.from_string('{% autoescape false %}{{ _("i %(org)s", org=org) }}{% endautoescape %}').render(names)
    assert said == [
        "Cydgysylltydd ym Mhanel Plant Caerdydd",
        "Protocol rhannu gwybodaeth gyda Chyngor Caerdydd &lt;CC&gt;",
        "3 crynodeb gan Banel Plant Caerdydd",
        "wedi cysylltu â Chyngor Caerdydd &lt;CC&gt;",
        "2 at Gyngor Caerdydd &lt;CC&gt;",
        "Wrth Banel Plant Caerdydd",
    ]
    assert plain == "i Gyngor Caerdydd <CC>"
    with translation.override("en-gb"):
        assert template.render(names).split("|")[0] == "Cydgysylltydd at Panel Plant Caerdydd"
