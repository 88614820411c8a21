"""Place-name normalisation, so that 'Maï-Ndombe', 'mai ndombe' and 'MAI-NDOMBE' compare equal."""

from __future__ import annotations

import re
import unicodedata

_SEP = re.compile(r"[\s\-_'’‘`´.,;:/()\[\]\"“”«»!?*+&]+")


def normalise(name: str) -> str:
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _SEP.sub(" ", text.lower()).strip()


# The 145 territoires of DR Congo by province pcode (INS/RGC list), so that an admin-2 unit can be told a
# territoire from a ville or cité: COD-AB admin-2 mixes both and often gives a town the name of its territoire
# (CD6208 Uvira territoire, CD6209 Uvira ville). Names as the INS spells them: COD-AB names the Beni territoire
# "Oicha" (alternate name "Beni") and the Kamonia territoire has "Tshikapa" as alternate name.
TERRITOIRES: dict[str, str] = {
    "CD20": "Kasangulu, Kimvula, Lukula, Luozi, Madimba, Mbanza-Ngungu, Moanda, Seke-Banza, Songololo, Tshela",
    "CD31": "Feshi, Kahemba, Kasongo-Lunda, Kenge, Popokabaka",
    "CD32": "Bagata, Bulungu, Gungu, Idiofa, Masi-Manimba",
    "CD33": "Bolobo, Inongo, Kiri, Kutu, Kwamouth, Mushie, Oshwe, Yumbi",
    "CD41": "Basankusu, Bikoro, Bolomba, Bomongo, Ingende, Lukolela, Makanza",
    "CD42": "Budjala, Gemena, Kungu, Libenge",
    "CD43": "Bosobolo, Businga, Mobayi-Mbongo, Yakoma",
    "CD44": "Bongandanga, Bumba, Lisala",
    "CD45": "Befale, Boende, Bokungu, Djolu, Ikela, Monkoto",
    "CD51": "Bafwasende, Banalia, Basoko, Isangi, Opala, Ubundu, Yahuma",
    "CD52": "Aketi, Ango, Bambesa, Bondo, Buta, Poko",
    "CD53": "Dungu, Faradje, Niangara, Rungu, Wamba, Watsa",
    "CD54": "Aru, Djugu, Irumu, Mahagi, Mambasa",
    "CD61": "Beni, Lubero, Masisi, Nyiragongo, Rutshuru, Walikale",
    "CD62": "Fizi, Idjwi, Kabare, Kalehe, Mwenga, Shabunda, Uvira, Walungu",
    "CD63": "Kabambare, Kailo, Kasongo, Kibombo, Lubutu, Pangi, Punia",
    "CD71": "Kambove, Kasenga, Kipushi, Mitwaba, Pweto, Sakania",
    "CD72": "Dilolo, Kapanga, Lubudi, Mutshatsha, Sandoa",
    "CD73": "Bukama, Kabongo, Kamina, Kaniama, Malemba-Nkulu",
    "CD74": "Kabalo, Kalemie, Kongolo, Manono, Moba, Nyunzu",
    "CD81": "Kabinda, Kamiji, Lubao, Luilu, Ngandajika",
    "CD82": "Kabeya-Kamwanga, Katanda, Lupatapata, Miabi, Tshilenge",
    "CD83": "Katako-Kombe, Kole, Lodja, Lomela, Lubefu, Lusambo",
    "CD91": "Demba, Dibaya, Dimbelenge, Kazumba, Luiza",
    "CD92": "Dekese, Ilebo, Kamonia, Luebo, Mweka",
}


def territoire_names(province_pcode: str) -> dict[str, str]:
    """normalised name -> name, for the territoires of a province ('CD62' -> {'fizi': 'Fizi', ...})."""
    return {normalise(n): n.strip() for n in TERRITOIRES.get(province_pcode, "").split(",") if n.strip()}
