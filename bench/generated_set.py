# ruff: noqa: SIM905 (name lists read best as plain text)
"""A generated, labelled set of referred children for measuring duplicate detection.

`generate()` makes base children with names usual for their nationality (UK, Albanian, Vietnamese,
Eritrean, Sudanese, Afghan, in roughly the proportions referred), then:

- duplicates: the same child referred again, with the corruptions seen in practice (spelling and
  transliteration variants, typos, swapped or regrouped name order, an alias used as the name,
  accents dropped or added, a middle name dropped, date of birth with day and month transposed,
  a few days out, a digit mistyped, estimated, or missing with only an estimated age, a related
  nationality, sex not recorded), and (issue 15) a placeholder date of birth entered without the
  "estimated" flag (1 January, or the 1st of the month), the same birthday a year out (a mistyped or
  estimated year), a rule-based transliteration (j/y, w/v, ph/f, kh/h, ou/u, ee/i, vowels, doubled
  letters, Albanian q/xh/gj) and a field left empty (family name, sex, nationality or date of birth);
- hard non-matches: siblings (same family name, same nationality, birth dates a few years apart),
  twins (same family name and date of birth, another given name) and namesakes (another child with
  the same common name, born within two years, a third of them with a 1 January estimated date).

Some children's dates of birth are placeholders from the start: 1 January, flagged as estimated or
(as often in practice) not. Each record gives the area (local authority) the child lives in, or none (`_Places`,
`places=`): a later referral of the same child usually the same one, a brother or sister theirs, a namesake any.

The spelling variants here are written independently of `linkage_scoring.TRANSLITERATIONS` and are wider
(rule-based transliterations and typos the table does not list), so the measure is not simply the
table checking itself. Seeded: the same arguments give the same set.

`load()` writes a set into the database as children with their referrals (aliases and estimated
ages live on referrals) and builds their blocking keys; `measure()` runs the real candidate search
for every record and reports precision, recall and F1 over unordered pairs at several thresholds.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import combinations

from anyascii import anyascii

from childnrm.kit.groups import groups_of
from childnrm.people import linkage_scoring
from childnrm.referrals.identifiers import nhs_check_digit, nhs_number_normalised

# ------------------------------------------------------------------------------------------- names

# (boys' given names, girls' given names, family names)
NAMES: dict[str, tuple[list[str], list[str], list[str]]] = {
    "GB": (
        "Jayden Tyler Kai Reece Callum Liam Jack Mason Alfie Connor Harvey Tyrese Jordan Kian Charlie Riley "
        "Leon Ethan Joshua Daniel Lewis Ryan Kyle Jamie Dylan Brandon Corey Mohammed Ibrahim Tayo Kwame Oliver "
        "Harry George Noah Jacob Thomas James William Oscar Henry Archie Freddie Leo Max Logan Lucas Alexander "
        "Isaac Joseph Samuel Adam Zachary Rhys Ashton Kieran Louis Marcus Nathan Owen Ben Toby Elliot Cameron "
        "Declan Jake Luke Sean Aaron Darnell Malachi Jermaine Marley Kane Kayden Cruz".split(),
        "Leah Ruby Chloe Ellie Amelia Mia Jessica Paige Courtney Megan Demi Amber Shannon Keira Aaliyah Tia "
        "Grace Lily Sophie Chantelle Olivia Isla Emily Poppy Ava Isabella Evie Freya Millie Daisy Scarlett "
        "Phoebe Holly Jade Kayla Niamh Lacey Tegan Summer Skye Caitlin Bethany Abbie Lauren Nadia Zara Imani "
        "Precious Blessing".split(),
        "Smith Jones Williams Brown Taylor Davies Evans Wilson Thomas Johnson Roberts Walker Wright Robinson "
        "Thompson White Hughes Edwards Green Hall Wood Harris Clarke Campbell Walsh Kelly Murphy Okafor Mensah "
        "Adeyemi Ali Khan Hussain Begum Ahmed Patel Francis Grant Reid Lewis Morgan Bailey Cooper Martin "
        "Jackson Turner Hill Moore Ward Morris King Watson Harrison Baker Young Allen Mitchell Anderson Cook "
        "Carter Phillips Parker Bell Shaw Richardson Chapman Mason Owen Ellis Webb Holmes Lloyd Palmer Marshall "
        "Gray Hunt Stevens Graham Russell Fox Mills Rose Dixon Knight Hunter Kennedy Kaur Singh Akhtar Iqbal "
        "Mahmood Osei Boateng Owusu Asante Nwosu Okeke Adebayo Bello Forbes Gordon McDonald Stewart Byrne "
        "O'Brien Doyle".split(),
    ),
    "AL": (
        "Ardit Besnik Dritan Arben Klodian Erion Fatjon Gentian Endri Ermal Erjon Blerim Florian Kledi Jurgen "
        "Mario Sokol Arjan Enea Klevis Redon Elton Xhuljo Alban Bledar Renaldo Ergys Denis Qazim Gjergj Arlind "
        "Armand Artan Bashkim Driton Egzon Eltion Ermir Fation Genti Ilir Kastriot Luan Marsel Mirel Orges "
        "Petrit Rinor Rron Shkelqim Valon Visar Xhesi Ylli Edison Eljon Geraldo Brajan Aldo Amarildo Ledio".split(),
        "Elira Kristi Anxhela Jonida Erisa Klea Ajola Sara Megi Dorina Albana Blerta Dafina Elona Fjolla Greta "
        "Irisa Jonela Klodiana Lindita Marsela Rina Valbona Xhesika".split(),
        "Hoxha Krasniqi Berisha Shehu Gashi Kelmendi Dervishi Leka Marku Çela Hysa Kola Meta Prifti Shala "
        "Bajrami Rama Dushku Zeqiri Xhafa Lleshi Gjoka Hasani Muça Kurti Rexhepi Beqiri Halili Islami Ahmeti "
        "Bytyqi Duka Ndreu Përmeti Aliaj Bajraktari Basha Bushati Daci Dema Deda Frroku Gjini Hoti Kastrati "
        "Kuka Lika Malaj Mema Mustafaj Nika Pepa Qosja Rrapaj Sula Tafa Topalli Vata Xhaferi Ymeri Zenelaj "
        "Hajdari Brahimaj Dibra Elezi Sinani Spahiu Toska".split(),
    ),
    "VN": (
        "Minh Đức Tuấn Hùng Nam Long Huy Khánh Dũng Phong Quân Thắng Sơn Hải Bảo Tài Vinh Hiếu Trung Bình "
        "Cường Đạt Hào Khoa Kiên Lâm Lộc Mạnh Nghĩa Nhân Phát Phúc Quý Thành Thiện Tiến Toàn Trí Tú Việt".split(),
        "Linh Hoa Trang Phương Hương Mai Lan Thảo Ngọc Anh Hà Vy Nhung Châu Diệp Giang Hạnh Hằng Hiền Huyền "
        "Loan My Nga Nhi Oanh Quỳnh Thu Thủy Tuyết Uyên Yến".split(),
        # Nguyễn is about four in ten Vietnamese family names: Vietnamese names really are this concentrated.
        ["Nguyễn"] * 12 + "Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split(),
    ),
    "ER": (
        "Yonas Tesfay Abel Filmon Robel Merhawi Mehari Semere Dawit Kidane Berhane Aklilu Habtom Samuel Biniam "
        "Eyob Henok Natnael Yosief Teklit Awet Mussie Amanuel Efrem Alem Aron Bereket Eyasu Fitsum Goitom Hagos "
        "Isaias Kibrom Kiflom Medhanie Mikael Milkias Nahom Okubay Rezene Salih Simon Tekie Tesfalem Tewolde "
        "Yafet Yared Zeray Hadish Mulugeta Solomon".split(),
        "Senait Helen Selam Luwam Saba Yordanos Rahel Mihret Hiwet Eden Adiam Almaz Azieb Bisrat Elsa Feven "
        "Hanna Lidia Meron Nardos Ruta Segen Tirhas Winta".split(),
        "Tesfay Gebremedhin Haile Tekle Kidane Berhe Gebreyesus Woldemariam Abraha Mebrahtu Habte Asmerom "
        "Tewelde Weldu Yohannes Ghirmay Kahsay Negash Tsegay Zerai Fisehaye Okbay Andemariam Tesfamariam "
        "Yemane Abraham Asfaha Debesay Ghebrehiwet Gebru Habtemariam Kibreab Mengisteab Mesfin Russom Sebhat "
        "Tekeste Tesfagiorgis Weldemichael Woldu Zeru Gebremariam Ghebremichael".split(),
    ),
    "SD": (
        ["Mohammed"] * 5
        + "Ahmed Osman Ibrahim Abdelrahman Mustafa Omer Hamza Yousif Adam Ismail Khalid Abubakar Hassan "
        "Hussein Musa Suleiman Elsadig Abdalla Mujahid Mohanad Anas Ammar Bashir Idris Yahya Abdelaziz "
        "Abdelmoneim Abdelwahab Alaa Amir Ayman Azhari Elfatih Hashim Hisham Mazin Montasir Mutasim Nasr Osama "
        "Qusai Sami Tarig Walid Yasir Zakaria Haitham Emad".split(),
        "Fatima Amna Aisha Mariam Sara Hawa Zainab Khadija Safa Rayan Asma Duaa Hiba Marwa Nusiba Rania "
        "Samah Tasneem".split(),
        "Mohamed Ahmed Osman Abdalla Adam Ibrahim Hassan Elamin Elnour Abdelrahim Yousif Musa Ali Babiker "
        "Elhassan Omer Suleiman Idris Bakhit Haroun Ishag Mahmoud Abbas Abdelgadir Abdelmajid Awad Bashir "
        "Eltayeb Fadul Gadalla Hamad Hamid Khalil Mansour Mukhtar Nour Saeed Salih Taha Yagoub Elsheikh "
        "Elbashir Hamdan".split(),
    ),
    "AF": (
        ["Mohammad"] * 3
        + "Ahmad Ali Hamid Jawad Farid Sayed Navid Habib Mustafa Ismail Karim Rahim Zabihullah Samiullah "
        "Rahmatullah Shafiq Bilal Omid Reza Sohail Wahid Zaki Najib Khalid Nasir Abdullah Aziz Baryalai Davood "
        "Ehsan Fawad Ghulam Hedayat Hekmat Ismatullah Jamshid Khalil Mansoor Masood Matiullah Mujtaba Murtaza "
        "Naqibullah Obaidullah Qasim Rafiullah Sajad Shoaib Sultan Wais Yama Yasin Zia Zubair".split()
        + ["Abdul Wahid", "Ahmad Shah", "Mohammad Nabi"],
        "Zahra Maryam Fatima Shabnam Parwana Nilofar Marzia Sima Farishta Habiba Mursal Nazia Roya Sahar "
        "Tahmina".split(),
        "Ahmadi Mohammadi Rahimi Hakimi Karimi Noori Hosseini Sultani Haidari Safi Popal Stanikzai Amiri Azizi "
        "Sharifi Niazi Wardak Jan Khan Sadat Hashimi Akbari Rezaei Mirzai Nazari Qaderi Ahmadzai Alizada Amini "
        "Ghafoori Hotak Jalali Kakar Mangal Rasuli Sadiqi Samadi Shinwari Tokhi Yousufzai Zazai Barakzai "
        "Durrani Faizi Habibi Jafari Kohistani Naseri Rahmani Zaheer".split(),
    ),
}
NATIONALITY_WEIGHTS = {"GB": 45, "AL": 13, "VN": 12, "ER": 10, "SD": 10, "AF": 10}

# How names are drawn (issue 15; ADR 0029 amendment 5).
# - "uniform": each listed name as often as any other (the set measured until 2026-12-05). Every name is then
#   as common as every other, so a frequency adjustment has nothing to learn, and two children share a full name
#   several times more often than in life: false pairs grow with the square of the register.
# - "realistic" (the default): names as skewed as real ones. The listed names weighted by rank (Zipf), and a long
#   tail of rarer names: a share of children carry a name recombined from the beginning of one listed name and
#   the end of another of the same list (Arben + Dritan -> Artan), shaped like the nationality's names but rare,
#   as most names are.
NAME_MODELS = ("realistic", "uniform")
ZIPF_EXPONENT = 0.7  # given and most family names: the commonest listed name ~5-7% of a nationality's children
ZIPF_EXPONENT_CONCENTRATED = 1.0  # Vietnamese family names: Nguyen about three in ten, Tran one in seven
TAIL_SHARE_GIVEN = 0.4
# Family names: British and Albanian surnames are many (the commonest hundred are a small part); Eritrean and Sudanese
# family names are fathers' and grandfathers' given names, and Afghan ones often a tribe's, so more concentrated;
# Vietnamese family names really are this few. (Assumptions of shape, not measured shares: ADR 0029 amendment 5.)
TAIL_SHARE_FAMILY = {"GB": 0.7, "AL": 0.7, "ER": 0.4, "SD": 0.4, "AF": 0.4, "VN": 0.0}
VIETNAMESE_COMPOUND_SHARE = 0.5  # a second given name where Văn or Thị would be: Nguyễn Minh Tuấn
VIETNAMESE_MIDDLE = {"male": ["Văn"] * 5 + ["Đức", "Minh", "Quang", "Hữu"], "female": ["Thị"] * 5 + ["Ngọc", "Thanh"]}
RELATED = {"ER": "ET", "SD": "SS", "AL": "XK", "AF": "PK"}

# Spellings met in practice, written independently of the matcher's table (and wider than it).
SPELLINGS: dict[str, list[str]] = {
    "mohammed": ["Muhammad", "Mohamed", "Mohammad", "Muhammed", "Mohamad", "Mouhamed", "Mohammet", "Muhamed"],
    "mohamed": ["Mohammed", "Muhammad", "Mohamad", "Mohammad", "Mouhamed"],
    "mohammad": ["Mohammed", "Muhammad", "Mohamad", "Mohammed", "Mahammad"],
    "ahmed": ["Ahmad", "Ahmet", "Achmed"],
    "ahmad": ["Ahmed", "Ahmat", "Ahmet"],
    "osman": ["Othman", "Usman", "Uthman", "Osmane"],
    "yousif": ["Yusuf", "Yousef", "Youssef", "Yusif", "Yosif"],
    "omer": ["Omar", "Umar", "Oumar"],
    "abdelrahman": ["Abdulrahman", "Abdul Rahman", "Abdalrahman", "Abderrahman", "Abdel Rahman"],
    "abdalla": ["Abdullah", "Abdallah", "Abdulla", "Abdellah"],
    "hussein": ["Hussain", "Husain", "Hossein", "Husein", "Houssein"],
    "hassan": ["Hasan", "Hassen"],
    "ibrahim": ["Ebrahim", "Ibraheem", "Ibrahem", "Brahim"],
    "ismail": ["Ismael", "Esmail", "Ismaeel", "Ismayil"],
    "suleiman": ["Sulaiman", "Suleyman", "Soliman", "Sulayman"],
    "mustafa": ["Mostafa", "Moustafa", "Mustapha", "Mostapha"],
    "khalid": ["Khaled", "Halid", "Khalied"],
    "musa": ["Moussa", "Mousa", "Moosa"],
    "yahya": ["Yehia", "Yahia", "Yehya"],
    "elamin": ["El Amin", "Al-Amin", "Alamin", "El-Amin"],
    "abubakar": ["Abubakr", "Abu Bakr", "Aboubakar", "Abubaker"],
    "idris": ["Idriss", "Edris", "Idrees"],
    "hamza": ["Hamzah", "Hamze"],
    "sayed": ["Said", "Sayyid", "Syed", "Saeed"],
    "navid": ["Naweed", "Naveed", "Nawid"],
    "jawad": ["Javad", "Jawaad"],
    "zabihullah": ["Zabiullah", "Zabihollah", "Zabi Ullah"],
    "samiullah": ["Sami Ullah", "Samiollah", "Samiulla"],
    "rahmatullah": ["Rahmat Ullah", "Rahmatulla"],
    "hosseini": ["Hussaini", "Husseini", "Hosaini", "Hossaini"],
    "noori": ["Nouri", "Nuri", "Noorie"],
    "haidari": ["Haidary", "Heydari", "Haydari"],
    "mohammadi": ["Mohamadi", "Muhammadi", "Mohammady"],
    "stanikzai": ["Stanekzai", "Stanakzai"],
    "karimi": ["Kareemi", "Karimy"],
    "rahimi": ["Raheemi", "Rahimy"],
    "krasniqi": ["Krasniqui", "Krasnichi", "Krasnici", "Krasniki"],
    "hoxha": ["Hoxa", "Hodja", "Hodza", "Hoxhaj"],
    "cela": ["Chela", "Cela", "Tsela"],
    "xhafa": ["Jafa", "Xafa", "Dzhafa"],
    "gjoka": ["Djoka", "Gjoka", "Gioka"],
    "lleshi": ["Leshi", "Lleshaj"],
    "zeqiri": ["Zekiri", "Zechiri", "Zeqiraj"],
    "bytyqi": ["Bytyci", "Bityqi", "Bytychi"],
    "beqiri": ["Bekiri", "Beqir", "Bechiri"],
    "muca": ["Muca", "Mucha", "Mutsa"],
    "permeti": ["Permeti", "Permetti"],
    "xhuljo": ["Julio", "Xhulio", "Djuljo"],
    "anxhela": ["Angela", "Anjela", "Anxela"],
    "qazim": ["Kazim", "Cazim"],
    "tesfay": ["Tesfaye", "Tesfai", "Tesfae"],
    "gebremedhin": ["Ghebremedhin", "Gebremedin", "Gebre Medhin", "Gebremadhin", "Gebre-Medhin"],
    "gebreyesus": ["Ghebreyesus", "Gebre Yesus", "Gebreiyesus"],
    "woldemariam": ["Weldemariam", "Wolde Mariam", "Woldemaryam", "Weldemariyam"],
    "yohannes": ["Yohanes", "Johannes", "Yohannis"],
    "haile": ["Hailie", "Hayle", "Haili"],
    "tekle": ["Teklè", "Tekleh", "Teckle"],
    "mebrahtu": ["Mebratu", "Mebrahtom", "Mebrhatu"],
    "berhane": ["Birhane", "Brhane", "Berhani"],
    "filmon": ["Philmon", "Filimon", "Philemon"],
    "yonas": ["Jonas", "Yonnas", "Younas"],
    "senait": ["Senayt", "Senaite"],
    "abraha": ["Abreha", "Abrha"],
    "semere": ["Semre", "Smere"],
    "yosief": ["Yosef", "Yoseph", "Josief"],
    "tsegay": ["Tsegaye", "Tsegai", "Segay"],
    "kahsay": ["Kahsaye", "Kahsai"],
    "ghirmay": ["Girmay", "Ghirmai", "Girma"],
    "tesfamariam": ["Tesfa Mariam", "Tesfamaryam"],
    "andemariam": ["Ande Mariam", "Andemaryam"],
    "zerai": ["Zeray", "Zeraye"],
    "mussie": ["Musie", "Mussi"],
    "natnael": ["Nathnael", "Natanael"],
    "biniam": ["Biniyam", "Binyam"],
    "eyob": ["Iyob", "Ayub"],
    "jayden": ["Jaydon", "Jaiden", "Jadon"],
    "callum": ["Calum", "Kallum"],
    "reece": ["Reese", "Rhys"],
    "tyrese": ["Tyreese", "Tyreece"],
    "aaliyah": ["Aliyah", "Aleah"],
    "chantelle": ["Shantelle", "Chantel"],
    "kian": ["Keaton", "Kyan"],
    "keira": ["Kiera", "Kira"],
    "mia": ["Miya"],
    "leah": ["Lea", "Leigh"],
    "clarke": ["Clark"],
    "thompson": ["Thomson"],
    "okafor": ["Okafur"],
    "begum": ["Begom", "Begam"],
    "hussain": ["Hussein", "Husain"],
}


def _plain(text: str) -> str:
    return anyascii(text)


# Ways the same sound is written in Latin letters, by the language the name comes from.
RULES: dict[str, list[tuple[str, str]]] = {
    "AL": [
        ("q", "ch"),
        ("q", "k"),
        ("xh", "j"),
        ("xh", "x"),
        ("gj", "g"),
        ("gj", "dj"),
        ("ll", "l"),
        ("rr", "r"),
        ("y", "i"),
        ("c", "ts"),
        ("e", "a"),
    ],
    "SD": [
        ("ou", "u"),
        ("u", "ou"),
        ("ee", "i"),
        ("i", "ee"),
        ("e", "a"),
        ("a", "e"),
        ("o", "u"),
        ("kh", "h"),
        ("dh", "d"),
        ("th", "t"),
        ("q", "k"),
        ("q", "g"),
        ("y", "i"),
        ("ss", "s"),
        ("s", "ss"),
        ("mm", "m"),
    ],
    "AF": [
        ("ou", "u"),
        ("ee", "i"),
        ("i", "ee"),
        ("e", "a"),
        ("a", "e"),
        ("o", "u"),
        ("w", "v"),
        ("v", "w"),
        ("q", "gh"),
        ("y", "i"),
        ("i", "y"),
        ("zai", "zay"),
        ("ullah", "ulla"),
    ],
    "ER": [
        ("ay", "ai"),
        ("ai", "ay"),
        ("e", "a"),
        ("gh", "g"),
        ("ts", "s"),
        ("y", "i"),
        ("w", "u"),
        ("o", "u"),
        ("ie", "e"),
    ],
    "GB": [],  # English names: only the spellings listed in SPELLINGS, otherwise a typo
    "VN": [],  # Vietnamese names: written with or without accents (the "accents" corruption), or a typo
}


def _rule_variant(name: str, nationality: str, rng: random.Random) -> str:
    """A plausible spelling the table may not know: a sound written another common way."""
    rules = list(RULES.get(nationality, ()))
    rng.shuffle(rules)
    lower = _plain(name).lower()
    for old, new in rules:
        at = lower.find(old, 1)  # keep the first letter: people rarely mishear it
        if at > 0:
            changed = lower[:at] + new + lower[at + len(old) :]
            return changed[0].upper() + changed[1:]
    return typo(name, rng)


def spelling_variant(name: str, nationality: str, rng: random.Random) -> str:
    """Another way of writing one name: a listed real-world spelling, or one from the language's rules."""
    known = SPELLINGS.get(linkage_scoring.fold(name))
    if known and rng.random() < 0.8:
        choices = [v for v in known if linkage_scoring.fold(v) != linkage_scoring.fold(name)] or known
        return rng.choice(choices)
    return _rule_variant(name, nationality, rng)


# Ways the same sound is written, the kind of variation the matcher's folding is meant to absorb,
# applied at random (several at once) rather than from any list of names.
TRANSLITERATION_RULES: dict[str, list[tuple[str, str]]] = {
    "AL": [("q", "ch"), ("q", "k"), ("xh", "j"), ("xh", "dzh"), ("gj", "dj"), ("gj", "gy"), ("ll", "l"), ("c", "ts")],
    "SD": [
        ("ou", "u"),
        ("u", "ou"),
        ("ee", "i"),
        ("i", "ee"),
        ("e", "a"),
        ("a", "e"),
        ("o", "u"),
        ("u", "o"),
        ("kh", "h"),
        ("dh", "d"),
        ("mm", "m"),
        ("m", "mm"),
        ("ss", "s"),
        ("s", "ss"),
        ("y", "i"),
        ("ah", "a"),
    ],
    "AF": [
        ("ou", "u"),
        ("oo", "u"),
        ("ee", "i"),
        ("i", "ee"),
        ("w", "v"),
        ("v", "w"),
        ("e", "a"),
        ("o", "u"),
        ("kh", "h"),
        ("y", "i"),
        ("i", "y"),
        ("ph", "f"),
        ("f", "ph"),
        ("j", "y"),
    ],
    "ER": [
        ("ay", "ai"),
        ("ai", "ay"),
        ("gh", "g"),
        ("g", "gh"),
        ("w", "v"),
        ("e", "a"),
        ("ph", "f"),
        ("f", "ph"),
        ("y", "j"),
        ("j", "y"),
        ("ie", "e"),
        ("o", "u"),
    ],
    "VN": [("ph", "f"), ("uy", "ui"), ("y", "i")],
    "GB": [("ph", "f"), ("y", "i"), ("ee", "i"), ("c", "k")],
}


def transliterate(name: str, nationality: str, rng: random.Random) -> str:
    """The name written another way by sound: one to three of the language's rules, anywhere after the first
    letter, except that a leading j/y, o/u or e/i may change too (Yonas/Jonas, Omar/Umar)."""
    lower = _plain(name).lower()
    rules = list(TRANSLITERATION_RULES.get(nationality, ()))
    rng.shuffle(rules)
    changed = 0
    for old, new in rules:
        at = lower.find(old, 1)
        if at > 0 and rng.random() < 0.7:
            lower = lower[:at] + new + lower[at + len(old) :]
            changed += 1
        if changed >= 3:
            break
    first = {"j": "y", "y": "j", "o": "u", "u": "o", "e": "i", "i": "e"}
    if lower[:1] in first and rng.random() < 0.3:
        lower = first[lower[0]] + lower[1:]
        changed += 1
    if not changed:
        return spelling_variant(name, nationality, rng)
    return lower[:1].upper() + lower[1:]


_KEYBOARD = {c: n for c, n in zip("qwertyuiopasdfghjklzxcvbnm", "wqrtyuiopsadfghjklkxzvcbnm", strict=True)}


def typo(name: str, rng: random.Random) -> str:
    """One keying slip after the first letter: a dropped, doubled, swapped or neighbouring letter."""
    plain = _plain(name)
    if len(plain) < 4:
        return plain + plain[-1]
    at = rng.randint(1, len(plain) - 2)
    kind = rng.choice(["drop", "double", "swap", "neighbour"])
    if kind == "drop":
        return plain[:at] + plain[at + 1 :]
    if kind == "double":
        return plain[: at + 1] + plain[at] + plain[at + 1 :]
    if kind == "swap":
        return plain[:at] + plain[at + 1] + plain[at] + plain[at + 2 :]
    c = plain[at].lower()
    return plain[:at] + _KEYBOARD.get(c, c) + plain[at + 1 :]


# ----------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class GeneratedRecord:
    id: int
    cluster: int  # records of the same child share a cluster
    kind: str  # original, duplicate, sibling, twin, namesake
    given_names: str
    family_name: str
    date_of_birth: date | None
    date_of_birth_estimated: bool
    estimated_age_years: int | None
    referred_on: date
    sex: str
    nationalities: tuple[str, ...]
    aliases: tuple[tuple[str, str], ...] = ()
    corruptions: tuple[str, ...] = field(default=())
    related: int = 0  # for a sibling, twin or namesake: the cluster of the child it was made from
    local_authority: str = ""  # where the child lives ("" not recorded): `_Places`
    nhs_number: str = ""  # as the referral gives them ("" not given): `_Identifiers`
    home_office_reference: str = ""

    @property
    def nhs_number_kept(self) -> str:
        """The NHS number as the service keeps it (10 digits), by the check every way in applies."""
        return nhs_number_normalised(self.nhs_number)

    def profile(self, *, id: int | None = None, reference: str = "") -> linkage_scoring.Profile:
        names = [linkage_scoring.make_name(self.given_names, self.family_name)]
        for given, family in self.aliases:
            alias = linkage_scoring.make_name(given, family)
            names.append(linkage_scoring.Name(alias.given, alias.family, "an alias on the referral"))
        return linkage_scoring.Profile(
            id=self.id if id is None else id,
            reference=reference or f"G{self.id}",
            names=tuple(names),
            date_of_birth=self.date_of_birth,
            date_of_birth_estimated=self.date_of_birth_estimated,
            estimated_age=(self.estimated_age_years, self.referred_on)
            if self.date_of_birth is None and self.estimated_age_years is not None
            else None,
            sex=self.sex if self.sex in {"male", "female"} else "",
            nationalities=frozenset(self.nationalities),
            local_authority=self.local_authority,
            identifiers=linkage_scoring.identifier_keys([self.nhs_number_kept], [self.home_office_reference]),
        )


TODAY = date(2026, 6, 1)

CORRUPTIONS = {
    "spelling": 30,
    "typo": 14,
    "swapped": 10,
    "alias": 8,
    "middle": 8,
    "accents": 6,
    "regrouped": 5,
    "dob_swapped": 8,
    "dob_days": 10,
    "dob_digit": 5,
    "dob_estimated": 8,
    "age_only": 8,
    "nationality": 5,
    "sex_unknown": 3,
    "dob_placeholder": 8,
    "dob_year": 6,
    "transliteration": 12,
    "missing": 6,
}


# Where the child lives (issue 15, ADR 0029 amendment 6): the local authority the referral records. No published
# table gives child referrals by local authority (../shared/data has them by first-responder type only), so the
# shape is an assumption, stated here and varied by `--places`:
# - PLACES_COUNT local authorities (the UK's upper-tier councils: 153 in England, 22 in Wales, 32 in Scotland, 11 in
#   Northern Ireland); British children spread over them by rank with exponent PLACES_EXPONENT; children of other
#   nationalities gather more in the areas they arrive in and are placed in (Kent, Croydon, Hillingdon...): ranked in
#   another order, exponent PLACES_EXPONENT_ARRIVED, so that two namesakes of one nationality share an area more often
#   than two children drawn at random;
# - PLACE_NOT_RECORDED of first referrals give no area (newly arrived, no fixed address);
# - a later referral of the same child gives the same area with chance PLACE_KEPT (as `--places` sets it), none
#   with PLACE_LATER_NOT_RECORDED, and otherwise another (the child moved or was placed elsewhere);
# - a brother or sister (twins too) lives in the same area with chance PLACE_SIBLINGS_TOGETHER; a namesake is drawn
#   anew.
# The draws come from a random stream of their own: the names, dates and corruptions are those of the set without
# areas, draw for draw, so figures with and without them compare the same records.
PLACES_COUNT = 218
PLACES_EXPONENT = 0.6
PLACES_EXPONENT_ARRIVED = 0.9
PLACE_NOT_RECORDED = 0.10
PLACE_LATER_NOT_RECORDED = 0.08
PLACE_KEPT = {"none": None, "stable": 0.80, "moving": 0.60}
PLACE_SIBLINGS_TOGETHER = 0.90
PLACE_MODELS = tuple(PLACE_KEPT)


class _Places:
    def __init__(self, seed: int, kept: float | None) -> None:
        self.rng = random.Random(f"places-{seed}")
        self.kept = kept
        codes = [f"LA{n:03d}" for n in range(1, PLACES_COUNT + 1)]
        arrived = codes[:]
        random.Random(f"arrivals-{seed}").shuffle(arrived)
        self.codes = {
            "GB": (codes, _cumulative(len(codes), PLACES_EXPONENT)),
            "": (arrived, _cumulative(len(arrived), PLACES_EXPONENT_ARRIVED)),
        }

    def draw(self, nationalities: tuple[str, ...]) -> str:
        if self.kept is None or self.rng.random() < PLACE_NOT_RECORDED:
            return ""
        codes, cumulative = self.codes["GB" if "GB" in nationalities else ""]
        return self.rng.choices(codes, cum_weights=cumulative)[0]

    def later(self, earlier: str, nationalities: tuple[str, ...]) -> str:
        """The area a later referral of the same child gives."""
        if self.kept is None:
            return ""
        chance = self.rng.random()
        if earlier and chance < self.kept:
            return earlier
        if chance < self.kept + PLACE_LATER_NOT_RECORDED:
            return ""
        return self.draw(nationalities)

    def together(self, of: str, nationalities: tuple[str, ...]) -> str:
        if self.kept is None:
            return ""
        return of if of and self.rng.random() < PLACE_SIBLINGS_TOGETHER else self.draw(nationalities)


# Identifiers the referral gives (issue 15, ADR 0029 amendment 7). No published figure says how often a referral of a
# child carries an NHS number or a Home Office reference, so these are assumptions, stated here and varied by
# `--identifiers`:
# - every British child holds an NHS number, and a child of another nationality holds one with chance
#   NHS_HELD_ARRIVED (registered with a doctor since arriving); a child of another nationality holds a Home Office
#   reference with chance HOME_OFFICE_HELD (most referred children who arrived alone claim asylum), and a second
#   reference of another kind (a port reference) with chance HOME_OFFICE_SECOND_HELD;
# - each referral gives the NHS number a child holds with chance `nhs` and the Home Office reference with chance
#   `home_office` (IDENTIFIER_MODELS: "given", half of each in "few", none in "none");
# - a Home Office reference given is the child's second one with chance HOME_OFFICE_OTHER_KIND, and mistyped (a digit)
#   with chance HOME_OFFICE_MISTYPED; an NHS number given is another child's valid number with chance NHS_WRONG (the
#   form checks the check digit, so a typing slip is mostly refused);
# - a brother or sister (twins too) shares the family's Home Office reference with chance HOME_OFFICE_FAMILY, and holds
#   their own NHS number; a namesake holds their own of each.
# The draws come from a random stream of their own, as the areas' do: `--identifiers none` is the set without them,
# draw for draw.
NHS_HELD_ARRIVED = 0.4
HOME_OFFICE_HELD = 0.9
HOME_OFFICE_SECOND_HELD = 0.3
HOME_OFFICE_OTHER_KIND = 0.10
HOME_OFFICE_MISTYPED = 0.05
NHS_WRONG = 0.01
HOME_OFFICE_FAMILY = 0.5
IDENTIFIERS_GIVEN = {"given": (0.5, 0.6), "few": (0.25, 0.3), "none": (0.0, 0.0)}  # (nhs, home_office)
IDENTIFIER_MODELS = tuple(IDENTIFIERS_GIVEN)


class _Identifiers:
    def __init__(self, seed: int, given: tuple[float, float]) -> None:
        self.rng = random.Random(f"identifiers-{seed}")
        self.nhs_given, self.home_office_given = given
        self.held: dict[int, tuple[str, tuple[str, ...]]] = {}  # cluster: (NHS number, Home Office references)

    def nhs_number(self) -> str:
        while True:
            nine = f"{self.rng.randrange(10**9):09d}"
            check = nhs_check_digit(nine)
            if check is not None:
                return nine + str(check)

    def home_office_reference(self) -> str:
        return f"{self.rng.choice('ABHS')}{self.rng.randrange(10**7):07d}"

    def hold(self, cluster: int, nationalities: tuple[str, ...], family: str = "") -> None:
        """What a new child holds; `family`: the Home Office reference of a brother or sister's family claim."""
        rng = self.rng
        british = "GB" in nationalities
        nhs = self.nhs_number() if british or rng.random() < NHS_HELD_ARRIVED else ""
        references: tuple[str, ...] = ()
        if not british and rng.random() < HOME_OFFICE_HELD:
            own = family if family and rng.random() < HOME_OFFICE_FAMILY else self.home_office_reference()
            second = f"EDD/{rng.randrange(10**7):07d}" if rng.random() < HOME_OFFICE_SECOND_HELD else ""
            references = (own, second) if second else (own,)
        self.held[cluster] = (nhs, references)

    def given(self, cluster: int) -> dict[str, str]:
        """The identifiers one referral of the child gives."""
        rng = self.rng
        nhs, references = self.held[cluster]
        given = {"nhs_number": "", "home_office_reference": ""}
        if nhs and rng.random() < self.nhs_given:
            wrong = rng.random() < NHS_WRONG
            number = self.nhs_number() if wrong else nhs
            given["nhs_number"] = f"{number[:3]} {number[3:6]} {number[6:]}" if rng.random() < 0.5 else number
        if references and rng.random() < self.home_office_given:
            kind = rng.random()
            reference = references[0]
            if len(references) > 1 and kind < HOME_OFFICE_OTHER_KIND:
                reference = references[1]
            elif kind > 1 - HOME_OFFICE_MISTYPED:
                i = rng.randrange(1, len(reference))
                reference = reference[:i] + str((int(reference[i]) + 1) % 10) + reference[i + 1 :]
            written = rng.choice(["{}", "Home Office reference {}", "HO ref: {}"])
            given["home_office_reference"] = (
                f"Port reference {reference}" if reference.startswith("EDD/") else written.format(reference)
            )
        return given

    def family(self, cluster: int) -> str:
        return self.held[cluster][1][0] if self.held[cluster][1] else ""


def _cumulative(n: int, exponent: float) -> list[float]:
    total, out = 0.0, []
    for rank in range(1, n + 1):
        total += rank**-exponent
        out.append(total)
    return out


_VOWELS = frozenset("aeiouyàáâãäåèéêëìíîïòóôõöùúûüýăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")


def _halves(name: str) -> list[tuple[str, str]]:
    """The ways a name splits at a syllable boundary (a vowel, then a consonant), neither half under two letters."""
    return [
        (name[:i], name[i:])
        for i in range(2, len(name) - 1)
        if name[i - 1].lower() in _VOWELS and name[i].lower() not in _VOWELS and name[i].isalpha()
    ]


@dataclass(frozen=True)
class _NamePool:
    """One list's names as drawn: the listed names weighted by rank, and the rarer tail recombined from them."""

    head: tuple[str, ...]
    cumulative: tuple[float, ...]
    tail: tuple[str, ...]
    tail_share: float

    @classmethod
    def of(cls, names: list[str], *, exponent: float, tail_share: float) -> _NamePool:
        head = tuple(dict.fromkeys(names))  # a name listed twice is still one name; its rank is its first place
        total, cumulative = 0.0, []
        for rank in range(1, len(head) + 1):
            total += rank**-exponent
            cumulative.append(total)
        known = {fold_key(n) for n in head}
        single = [n for n in head if " " not in n and "-" not in n and "'" not in n]
        tail = sorted(
            {
                start + end
                for a in single
                for b in single
                if a != b
                for start, _ in _halves(a)[:1]
                for _, end in _halves(b)[-1:]
                if 4 <= len(start + end) <= 12 and fold_key(start + end) not in known
            }
        )
        return cls(head, tuple(cumulative), tuple(tail), tail_share if tail else 0.0)

    def draw(self, rng: random.Random) -> str:
        if self.tail_share and rng.random() < self.tail_share:
            return rng.choice(self.tail)
        return rng.choices(self.head, cum_weights=self.cumulative)[0]


def fold_key(name: str) -> str:
    return _plain(name).lower()


def _name_pools() -> dict[str, tuple[_NamePool, _NamePool, _NamePool]]:
    pools = {}
    for nationality, (boys, girls, families) in NAMES.items():
        given = {"exponent": ZIPF_EXPONENT, "tail_share": TAIL_SHARE_GIVEN}
        family = {
            "exponent": ZIPF_EXPONENT_CONCENTRATED if nationality == "VN" else ZIPF_EXPONENT,
            "tail_share": TAIL_SHARE_FAMILY[nationality],
        }
        pools[nationality] = (
            _NamePool.of(boys, **given),
            _NamePool.of(girls, **given),
            _NamePool.of(families, **family),
        )
    return pools


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _age_on(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


class _Generator:
    def __init__(self, seed: int, names: str = "realistic", places: str = "stable", identifiers: str = "given") -> None:
        if names not in NAME_MODELS:
            raise ValueError(f"names must be one of {NAME_MODELS}, not {names!r}")
        if places not in PLACE_MODELS:
            raise ValueError(f"places must be one of {PLACE_MODELS}, not {places!r}")
        if identifiers not in IDENTIFIER_MODELS:
            raise ValueError(f"identifiers must be one of {IDENTIFIER_MODELS}, not {identifiers!r}")
        self.rng = random.Random(seed)
        self.places = _Places(seed, PLACE_KEPT[places])
        self.identifiers = _Identifiers(seed, IDENTIFIERS_GIVEN[identifiers])
        self.records: list[GeneratedRecord] = []
        self.next_cluster = 1
        self.pools = _name_pools() if names == "realistic" else None

    def given_name(self, nationality: str, sex: str) -> str:
        if self.pools is None:
            boys, girls, _ = NAMES[nationality]
            return self.rng.choice(boys if sex == "male" else girls)
        boys_pool, girls_pool, _ = self.pools[nationality]
        return (boys_pool if sex == "male" else girls_pool).draw(self.rng)

    def family_name(self, nationality: str) -> str:
        if self.pools is None:
            return self.rng.choice(NAMES[nationality][2])
        return self.pools[nationality][2].draw(self.rng)

    def add(self, record: GeneratedRecord, *, family: int = 0) -> GeneratedRecord:
        """Number the record and give it the identifiers its referral gives (a new child's first drawn: `family`,
        the cluster of the brother or sister whose family's Home Office reference it may share)."""
        if record.cluster not in self.identifiers.held:
            shared = self.identifiers.family(family) if family else ""
            self.identifiers.hold(record.cluster, record.nationalities, shared)
        record = replace(record, id=len(self.records) + 1, **self.identifiers.given(record.cluster))
        self.records.append(record)
        return record

    def cluster(self) -> int:
        self.next_cluster += 1
        return self.next_cluster - 1

    def person(self, nationality: str, sex: str, family: str | None = None) -> tuple[str, str]:
        rng = self.rng
        given = self.given_name(nationality, sex)
        family = family if family is not None else self.family_name(nationality)
        if nationality == "VN":
            if self.pools is not None and rng.random() < VIETNAMESE_COMPOUND_SHARE:
                middle = self.given_name(nationality, sex)
            else:
                middle = rng.choice(VIETNAMESE_MIDDLE[sex])
            if rng.random() < 0.5:  # many records are written without accents
                return _plain(f"{middle} {given}"), _plain(family)
            return f"{middle} {given}", family
        if nationality == "AF" and rng.random() < 0.25:
            return given, ""  # one name only, as many Afghan children are known
        if nationality in {"ER", "SD"} and rng.random() < 0.15:
            # father's and grandfather's names written out
            return given, f"{family} {self.family_name(nationality)}"
        return given, family

    def birth(self, referred_on: date) -> date:
        return referred_on - timedelta(days=self.rng.randint(round(11 * 365.25), round(17.6 * 365.25)))

    def original(self) -> GeneratedRecord:
        rng = self.rng
        nationality = _pick(rng, NATIONALITY_WEIGHTS)
        sex = "male" if rng.random() < 0.78 else "female"
        given, family = self.person(nationality, sex)
        referred_on = TODAY - timedelta(days=rng.randint(400, 4 * 365))
        dob = self.birth(referred_on)
        placeholder = nationality != "GB" and rng.random() < 0.2
        estimated = False
        if placeholder:
            # a 1 January placeholder, flagged as estimated only some of the time
            dob = date(dob.year, 1, 1)
            estimated = rng.random() < 0.6
        aliases: tuple[tuple[str, str], ...] = ()
        if rng.random() < 0.1:
            alias_given, alias_family = self.person(nationality, sex)
            aliases = ((alias_given, alias_family if rng.random() < 0.5 else family),)
        return self.add(
            GeneratedRecord(
                0,
                self.cluster(),
                "original",
                given,
                family,
                dob,
                estimated,
                None,
                referred_on,
                sex,
                (nationality,),
                aliases,
                local_authority=self.places.draw((nationality,)),
            )
        )

    def duplicate(self, of: GeneratedRecord) -> GeneratedRecord:
        rng = self.rng
        nationality = of.nationalities[0]
        corruptions: list[str] = []
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            corruption = _pick(rng, CORRUPTIONS)
            # one error in the date of birth at most: two are rare, and then nothing would be left to match
            dates = ("dob_", "age_")
            if not (corruption.startswith(dates) and any(c.startswith(dates) for c in corruptions)):
                corruptions.append(corruption)
        record = replace(
            of,
            kind="duplicate",
            aliases=(),
            referred_on=min(TODAY, of.referred_on + timedelta(days=rng.randint(1, 700))),
            local_authority=self.places.later(of.local_authority, of.nationalities),
        )
        for corruption in dict.fromkeys(corruptions):
            record = self.corrupt(record, corruption, of, nationality)
        return self.add(replace(record, corruptions=tuple(dict.fromkeys(corruptions))))

    def corrupt(self, r: GeneratedRecord, kind: str, of: GeneratedRecord, nationality: str) -> GeneratedRecord:
        rng = self.rng
        if kind in {"spelling", "typo"}:

            def change(word: str, rng: random.Random) -> str:
                return spelling_variant(word, nationality, rng) if kind == "spelling" else typo(word, rng)

            part = rng.choice(["given", "family", "both"]) if r.family_name else "given"
            given, family = r.given_names, r.family_name
            if part in {"given", "both"}:
                words = given.split()
                i = rng.randrange(len(words))
                words[i] = change(words[i], rng)
                given = " ".join(words)
            if part in {"family", "both"}:
                words = family.split()
                i = rng.randrange(len(words))
                words[i] = change(words[i], rng)
                family = " ".join(words)
            return replace(r, given_names=given, family_name=family)
        if kind == "swapped" and r.family_name:
            return replace(r, given_names=r.family_name, family_name=r.given_names)
        if kind == "alias":
            if of.aliases:
                # recorded under the name the first referral gave as an alias
                given, family = of.aliases[0]
                return replace(r, given_names=given, family_name=family)
            # the new referral gives the known name as an alias and uses another
            alias_given, alias_family = self.person(nationality, of.sex)
            return replace(
                r, given_names=alias_given, family_name=alias_family, aliases=((of.given_names, of.family_name),)
            )
        if kind == "middle":
            words = r.given_names.split()
            if len(words) > 1:
                return replace(r, given_names=" ".join(words[1:]) if nationality == "VN" else words[0])
            extra = self.given_name(nationality, "male" if r.sex == "male" else "female")
            return replace(r, given_names=f"{r.given_names} {extra}")
        if kind == "accents":
            if _plain(r.given_names + r.family_name) != r.given_names + r.family_name:
                return replace(r, given_names=_plain(r.given_names), family_name=_plain(r.family_name))
            return r
        if kind == "regrouped":
            words = (r.given_names + " " + r.family_name).split()
            if nationality == "VN" and len(words) >= 3:
                # family name first, as written in Vietnamese: "Nguyen Van" + "Minh"
                family_first = r.family_name.split() + r.given_names.split()
                return replace(r, given_names=" ".join(family_first[:2]), family_name=" ".join(family_first[2:]))
            if len(words) >= 2:
                return replace(r, given_names=" ".join(words), family_name="")
            return r
        if kind == "transliteration":
            part = rng.choice(["given", "family", "both"]) if r.family_name else "given"
            given, family = r.given_names, r.family_name
            if part in {"given", "both"}:
                given = " ".join(transliterate(w, nationality, rng) for w in given.split())
            if part in {"family", "both"}:
                family = " ".join(transliterate(w, nationality, rng) for w in family.split())
            return replace(r, given_names=given, family_name=family)
        if kind == "missing":
            gone = rng.choice(["family", "sex", "nationality", "date_of_birth"])
            if gone == "family" and r.family_name:
                return replace(r, family_name="")
            if gone == "sex":
                return replace(r, sex="not_known")
            if gone == "nationality":
                return replace(r, nationalities=())
            return replace(r, date_of_birth=None, date_of_birth_estimated=False, estimated_age_years=None)
        if r.date_of_birth is None:
            return r
        dob = r.date_of_birth
        if kind == "dob_swapped" and dob.day <= 12 and dob.day != dob.month:
            return replace(r, date_of_birth=date(dob.year, dob.day, dob.month))
        if kind == "dob_days":
            return replace(r, date_of_birth=dob + timedelta(days=rng.choice([-1, 1]) * rng.randint(1, 10)))
        if kind == "dob_digit":
            text = dob.strftime("%d%m%Y")
            for _ in range(20):
                i = rng.choice([0, 1, 2, 3, 7])
                candidate = text[:i] + str(rng.randint(0, 9)) + text[i + 1 :]
                try:
                    new = date(int(candidate[4:]), int(candidate[2:4]), int(candidate[:2]))
                except ValueError:
                    continue
                if new != dob:
                    return replace(r, date_of_birth=new)
            return r
        if kind == "dob_estimated":
            return replace(
                r, date_of_birth=date(dob.year + rng.choice([-1, 0, 0, 1]), 1, 1), date_of_birth_estimated=True
            )
        if kind == "age_only":
            age = _age_on(dob, r.referred_on) + rng.choice([-1, 0, 0, 0, 1])
            return replace(r, date_of_birth=None, date_of_birth_estimated=True, estimated_age_years=age)
        if kind == "dob_placeholder":
            # a placeholder typed as if known: 1 January of the year, or the 1st of the month
            placeholder = date(dob.year, 1, 1) if rng.random() < 0.6 else date(dob.year, dob.month, 1)
            return replace(r, date_of_birth=placeholder, date_of_birth_estimated=False) if placeholder != dob else r
        if kind == "dob_year":
            # the same birthday, the year a year out (a slip, or an age worked out from the wrong year)
            year = dob.year + rng.choice([-1, 1])
            day = min(dob.day, 28) if dob.month == 2 else dob.day
            return replace(r, date_of_birth=date(year, dob.month, day))
        if kind == "nationality":
            related = RELATED.get(nationality)
            return replace(r, nationalities=(related,) if related and rng.random() < 0.6 else ())
        if kind == "sex_unknown":
            return replace(r, sex="not_known")
        return r

    def sibling(self, of: GeneratedRecord) -> GeneratedRecord:
        rng = self.rng
        nationality = of.nationalities[0]
        sex = "male" if rng.random() < 0.7 else "female"
        family = of.family_name
        for _ in range(10):
            given, _family = self.person(nationality, sex, family=family)
            if linkage_scoring.fold(given) != linkage_scoring.fold(of.given_names):
                break
        dob = of.date_of_birth or self.birth(of.referred_on)
        twins = rng.random() < 0.25
        new_dob = dob if twins else dob + timedelta(days=rng.choice([-1, 1]) * rng.randint(300, 5 * 365))
        return self.add(
            GeneratedRecord(
                0,
                self.cluster(),
                "twin" if twins else "sibling",
                given,
                family,
                new_dob,
                of.date_of_birth_estimated,
                None,
                min(TODAY, of.referred_on + timedelta(days=rng.randint(0, 400))),
                sex,
                (nationality,),
                related=of.cluster,
                local_authority=self.places.together(of.local_authority, (nationality,)),
            ),
            family=of.cluster,
        )

    def namesake(self, of: GeneratedRecord) -> GeneratedRecord:
        rng = self.rng
        dob = (of.date_of_birth or self.birth(of.referred_on)) + timedelta(days=rng.randint(-730, 730))
        estimated = rng.random() < 0.3
        if estimated:
            dob = date(dob.year, 1, 1)
        return self.add(
            GeneratedRecord(
                0,
                self.cluster(),
                "namesake",
                of.given_names,
                of.family_name,
                dob,
                estimated,
                None,
                TODAY - timedelta(days=rng.randint(0, 4 * 365)),
                of.sex,
                of.nationalities,
                related=of.cluster,
                local_authority=self.places.draw(of.nationalities),
            )
        )


def generate(
    base: int = 2000,
    *,
    seed: int = 20260601,
    duplicate_share: float = 0.3,
    second_duplicate_share: float = 0.2,
    sibling_share: float = 0.15,
    namesake_share: float = 0.05,
    names: str = "realistic",
    places: str = "stable",
    identifiers: str = "given",
) -> list[GeneratedRecord]:
    """A labelled set: `base` children plus duplicates, siblings and namesakes, in a shuffled order.

    `names`: how names are drawn, "realistic" or "uniform" (`NAME_MODELS`)."""
    g = _Generator(seed, names, places, identifiers)
    originals = [g.original() for _ in range(base)]
    # The originals of each nationality, in order (namesakes draw from them): built once, so a million records
    # take seconds, not hours; the draws and so the set are the same as filtering the list for each namesake.
    by_nationality: dict[tuple[str, ...], list[GeneratedRecord]] = {}
    for record in originals:
        by_nationality.setdefault(record.nationalities, []).append(record)
    for record in originals:
        if g.rng.random() < duplicate_share:
            g.duplicate(record)
            if g.rng.random() < second_duplicate_share:
                g.duplicate(record)
        if g.rng.random() < sibling_share:
            g.sibling(record)
        if g.rng.random() < namesake_share:
            # namesakes are likeliest for common names: choose a record whose name others share
            g.namesake(g.rng.choice(by_nationality[record.nationalities]))
    records = list(g.records)
    g.rng.shuffle(records)
    return records


def true_pairs(records: Iterable[GeneratedRecord]) -> set[frozenset[int]]:
    by_cluster: dict[int, list[int]] = {}
    for r in records:
        by_cluster.setdefault(r.cluster, []).append(r.id)
    return {frozenset(p) for ids in by_cluster.values() for p in combinations(ids, 2)}


# ---------------------------------------------------------------------------------------- database


def load(records: list[GeneratedRecord], *, site, organisation, batch_size: int = 1000) -> dict[int, int]:
    """Write the set as children of `site`, each with a submitted referral; return record id → child id."""
    from django.db import transaction

    from childnrm.accounts.models import Organisation, OrganisationType
    from childnrm.people.linkage import blocking_keys_refresh
    from childnrm.people.models import Child
    from childnrm.referrals.models import Referral, ReferralStatus

    mapping: dict[int, int] = {}
    with transaction.atomic():
        areas = {
            code: Organisation.objects.get_or_create(
                name=f"Local authority {code}", type=OrganisationType.LOCAL_AUTHORITY
            )[0]
            for code in sorted({r.local_authority for r in records if r.local_authority})
        }
        for start in range(0, len(records), batch_size):
            chunk = records[start : start + batch_size]
            children = Child.objects.bulk_create(
                [
                    Child(
                        reference=f"CH-{r.id:09d}",  # numbered: a bulk create skips the save that redraws a held one
                        site=site,
                        given_names=r.given_names,
                        family_name=r.family_name,
                        date_of_birth=r.date_of_birth,
                        date_of_birth_estimated=r.date_of_birth_estimated,
                        sex=r.sex,
                        nationalities=list(r.nationalities),
                        local_authority=areas.get(r.local_authority),
                    )
                    for r in chunk
                ]
            )
            if any(c.pk is None for c in children):  # backends that do not return ids
                refs = [c.reference for c in children]
                ids = dict(Child.objects.filter(reference__in=refs).values_list("reference", "pk"))
                for c in children:
                    c.pk = ids[c.reference]
            Referral.objects.bulk_create(
                [
                    Referral(
                        reference=f"NRM-{r.id:08d}",
                        status=ReferralStatus.SUBMITTED,
                        referrer_organisation=organisation,
                        site=site,
                        child=c,
                        given_names=r.given_names,
                        family_name=r.family_name,
                        aliases=[{"given_names": g, "family_name": f} for g, f in r.aliases],
                        date_of_birth=r.date_of_birth,
                        date_of_birth_estimated=r.date_of_birth_estimated,
                        estimated_age_years=r.estimated_age_years,
                        sex=r.sex,
                        nationalities=list(r.nationalities),
                        residence_local_authority=areas.get(r.local_authority),
                        nhs_number=r.nhs_number_kept,
                        home_office_reference=r.home_office_reference,
                        submitted_at=_midday(r.referred_on),
                    )
                    for r, c in zip(chunk, children, strict=True)
                ]
            )
            for r, c in zip(chunk, children, strict=True):
                mapping[r.id] = c.pk
            blocking_keys_refresh([c.pk for c in children])  # bulk writes send no signals
    return mapping


def _midday(d: date):
    from datetime import datetime

    from django.utils import timezone

    return timezone.make_aware(datetime(d.year, d.month, d.day, 12))


Figures = tuple[float, float, float, int, int, int]  # precision, recall, F1, true and false positives, false negatives


def _figures_of(predicted: set[frozenset[int]], truth: set[frozenset[int]]) -> Figures:
    """(precision, recall, F1, true positives, false positives, false negatives) of pairs predicted."""
    tp = len(predicted & truth)
    fp = len(predicted - truth)
    fn = len(truth - predicted)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, tp, fp, fn


@dataclass
class Measure:
    records: int
    true_pairs: int
    candidate_pairs: int  # pairs the blocking brought together (before scoring)
    blocked_true_pairs: int  # true pairs among them: the ceiling on recall
    seconds_per_record: float  # candidate generation and scoring, per record searched
    scored: dict[frozenset[int], float]  # best score of each candidate pair
    truth: set[frozenset[int]]
    timings: list[float] = field(default_factory=list)  # seconds per record searched

    def percentile(self, p: float) -> float:
        ordered = sorted(self.timings)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0

    def at(self, threshold: float) -> Figures:
        """(precision, recall, F1, true positives, false positives, false negatives) at a threshold."""
        return _figures_of({p for p, s in self.scored.items() if s >= threshold}, self.truth)

    def missed(self, threshold: float) -> set[frozenset[int]]:
        return {p for p in self.truth if self.scored.get(p, float("-inf")) < threshold}

    def grouped_at(self, threshold: float) -> Figures:
        """As `at`, with the records matched at the threshold joined into groups (matched through a third record
        counts as matched): what linking each match as the same child would make of the records. Pairs the
        blocking never brought together count when a chain joins them. Meaningful only when every record was
        searched: a chain through a record not searched is missed."""
        joined = groups_of(tuple(pair) for pair, score in self.scored.items() if score >= threshold)
        groups: dict[int, list[int]] = {}
        for member, group in joined.items():
            groups.setdefault(group, []).append(member)
        predicted = {frozenset(p) for members in groups.values() for p in combinations(members, 2)}
        return _figures_of(predicted, self.truth)

    def false_matches(self, threshold: float) -> set[frozenset[int]]:
        return {p for p, s in self.scored.items() if s >= threshold and p not in self.truth}


def measure(
    records: list[GeneratedRecord],
    search: Callable[[GeneratedRecord], list[tuple[int, float]]],
    *,
    searched: Collection[int] | None = None,
) -> Measure:
    """Search every record's candidates with `search` (record → [(other record id, score)]).

    `searched`: only these records' candidates are searched (a sample, for a register too large to search whole),
    and only the pairs with an end among them are counted, true pairs and scored alike: the figures are then
    estimates over those pairs (each true pair's chance of being counted is the same whatever its kind).
    """
    scored: dict[frozenset[int], float] = {}
    timings: list[float] = []
    for record in records:
        if searched is not None and record.id not in searched:
            continue
        started = time.perf_counter()
        found = search(record)
        timings.append(time.perf_counter() - started)
        for other, score in found:
            if other == record.id:
                continue
            pair = frozenset((record.id, other))
            scored[pair] = max(score, scored.get(pair, float("-inf")))
    elapsed = sum(timings)
    truth = true_pairs(records)
    if searched is not None:
        truth = {p for p in truth if not p.isdisjoint(searched)}
    return Measure(
        records=len(records),
        true_pairs=len(truth),
        candidate_pairs=len(scored),
        blocked_true_pairs=len(truth & set(scored)),
        seconds_per_record=elapsed / max(len(timings), 1),
        scored=scored,
        truth=truth,
        timings=timings,
    )


def database_search(mapping: dict[int, int], site_ids: list[int]) -> Callable[[GeneratedRecord], list]:
    """The real search (blocking query, then scoring) for a loaded set; all scores, not only shown ones."""
    from childnrm.people.linkage import candidates_for
    from childnrm.people.models import Child

    child_to_record = {child: record for record, child in mapping.items()}

    def search(record: GeneratedRecord) -> list[tuple[int, float]]:
        child = Child.objects.get(pk=mapping[record.id])
        matches = candidates_for(child, site_ids=site_ids, threshold=None, limit=None)
        return [(child_to_record[c.child.pk], c.match.score) for c in matches if c.child.pk in child_to_record]

    return search


def area_shares(profiles: Collection[linkage_scoring.Profile]) -> dict[str, float]:
    """The share of these records living in each area, as the search counts it from the area keys."""
    counts = Counter(p.place_key for p in profiles if p.place_key)
    return linkage_scoring.place_shares(counts, len(profiles))


def memory_search(
    records: list[GeneratedRecord], *, trained: linkage_scoring.TrainedWeights | None = None
) -> Callable[[GeneratedRecord], list]:
    """The same blocking and scoring in memory (no database): for quick tuning of weights.

    `trained`: score with a trained model's weights and the prior for this many children, as the search does
    once a model is stored (ADR 0029)."""
    profiles = {r.id: r.profile() for r in records}
    index: dict[str, list[int]] = {}
    years: dict[int, tuple[int | None, bool]] = {}
    for rid, p in profiles.items():
        years[rid] = p.birth_year
        for key in linkage_scoring.blocking_keys(p):
            index.setdefault(key, []).append(rid)
    counts = {k: len(v) for k, v in index.items()}
    total = len(records)
    shares = linkage_scoring.name_shares({k: n for k, n in counts.items() if k.startswith("n:")}, total)
    shares |= area_shares(profiles.values())
    cap = linkage_scoring.max_candidates(total)

    def search(record: GeneratedRecord) -> list[tuple[int, float]]:
        me = profiles[record.id]
        year, estimated = years[record.id]
        weight: dict[int, int] = {}
        for key in linkage_scoring.blocking_keys(me):
            for other in set(index.get(key, ())):
                if other != record.id and (
                    linkage_scoring.any_year(key) or linkage_scoring.years_compatible(year, estimated, *years[other])
                ):
                    # in whole thousandths of a bit, as the database sums them: equal sums tie exactly
                    weight[other] = weight.get(other, 0) + round(1000 * linkage_scoring.key_weight(counts[key], total))

        def distance(other: int) -> int:
            other_year = years[other][0]
            return abs(other_year - year) if year is not None and other_year is not None else 99

        best = sorted(weight, key=lambda o: (-weight[o], distance(o), -o))[:cap]
        if trained is None:
            # The hand-set points without the words: the score `compare` gives (kept equal by a test), sooner.
            points = linkage_scoring.PointsScorer(me, common=shares, searched=total)
            return [(o, points.score(profiles[o])) for o in best]
        return [
            (o, linkage_scoring.compare(me, profiles[o], common=shares, trained=trained, searched=total).score)
            for o in best
        ]

    return search
