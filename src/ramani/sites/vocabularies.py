"""The controlled vocabularies of the IPIS format, as data with French/English/Swahili labels.

The value is the exact text IPIS publishes (French); visits store that text, so an
import/export round-trip is lossless. Values met in an import that are not listed
here are added to the Term table as unreviewed, for a curator to label.
"""

from __future__ import annotations

# vocabulary -> [(value, label_fr, label_en, label_sw)]
VOCABULARIES: dict[str, list[tuple[str, str, str, str]]] = {
    "source": [
        (
            "IPIS - Ministère des Mines",
            "IPIS - Ministère des Mines",
            "IPIS - Ministry of Mines",
            "IPIS - Wizara ya Madini",
        ),
        ("IPIS", "IPIS", "IPIS", "IPIS"),
        ("BGR", "BGR", "BGR", "BGR"),
        ("Third-party", "Tiers", "Third-party", "Mtu wa tatu"),
        (
            "Ramani demo (synthetic)",
            "Démo Ramani (synthétique)",
            "Ramani demo (synthetic)",
            "Onyesho la Ramani (bandia)",
        ),
    ],
    "project": [
        ("IPIS - 2009", "IPIS - 2009", "IPIS - 2009", "IPIS - 2009"),
        ("IPIS - IOM 2016-2018", "IPIS - OIM 2016-2018", "IPIS - IOM 2016-2018", "IPIS - IOM 2016-2018"),
        ("Qualification status", "Statut de qualification", "Qualification status", "Hali ya uthibitisho"),
        ("IPIS - Madini", "IPIS - Madini", "IPIS - Madini", "IPIS - Madini"),
        ("IPIS - Ulula 2018", "IPIS - Ulula 2018", "IPIS - Ulula 2018", "IPIS - Ulula 2018"),
        ("IPIS - CBRMT 2018", "IPIS - CBRMT 2018", "IPIS - CBRMT 2018", "IPIS - CBRMT 2018"),
        ("IPIS - PPA Mambasa 2017", "IPIS - PPA Mambasa 2017", "IPIS - PPA Mambasa 2017", "IPIS - PPA Mambasa 2017"),
    ]
    + [
        (f"Démo - {years}", f"Démo - {years}", f"Demo - {years}", f"Onyesho - {years}")
        for years in ("2009", "2011-2012", "2013-2015", "2016-2018", "2019-2021")
    ]
    + [("Démo - depuis 2022", "Démo - depuis 2022", "Demo - since 2022", "Onyesho - tangu 2022")],
    "location_origin": [
        ("GPS", "GPS", "GPS", "GPS"),
        ("GPS (Approximation)", "GPS (approximation)", "GPS (approximate)", "GPS (makadirio)"),
    ],
    "access": [
        ("less2h", "Moins de 2 h", "Less than 2 hours", "Chini ya saa 2"),
        ("more2h", "Plus de 2 h", "More than 2 hours", "Zaidi ya saa 2"),
        ("carmoto", "En voiture ou moto", "By car or motorbike", "Kwa gari au pikipiki"),
    ],
    "mineral": [
        ("Or", "Or", "Gold", "Dhahabu"),
        ("Cassitérite", "Cassitérite", "Cassiterite (tin)", "Bati (kasiterite)"),
        ("Coltan", "Coltan", "Coltan", "Koltani"),
        ("Wolframite", "Wolframite", "Wolframite", "Wolframiti"),
        ("Cuivre", "Cuivre", "Copper", "Shaba"),
        ("Cobalt", "Cobalt", "Cobalt", "Kobalti"),
        ("Diamant", "Diamant", "Diamond", "Almasi"),
        ("Tourmaline", "Tourmaline", "Tourmaline", "Turmalini"),
        ("Améthyste", "Améthyste", "Amethyst", "Amethisti"),
        ("Monazite", "Monazite", "Monazite", "Monazaiti"),
        ("Argent", "Argent", "Silver", "Fedha"),
        ("Bauxite", "Bauxite", "Bauxite", "Boksiti"),
        ("Digénite", "Digénite", "Digenite", "Dijeniti"),
        ("Arsénopyrite", "Arsénopyrite", "Arsenopyrite", "Arsenopairiti"),
        ("Manganèse", "Manganèse", "Manganese", "Manganisi"),
        ("Plomp", "Plomb", "Lead", "Risasi"),
    ],
    "armed_group_type": [
        ("Aucun", "Aucun", "None", "Hakuna"),
        ("Groupe armé local", "Groupe armé local", "Local armed group", "Kundi la wapiganaji la ndani"),
        ("Groupe armé étranger", "Groupe armé étranger", "Foreign armed group", "Kundi la wapiganaji la kigeni"),
        (
            "FARDC - Pas de données sur les ingérences",
            "FARDC - Pas de données sur les ingérences",
            "FARDC - no data on interference",
            "FARDC - hakuna taarifa za uingiliaji",
        ),
        (
            "FARDC - Pas d’ingérence constatée",
            "FARDC - Pas d’ingérence constatée",
            "FARDC - no interference observed",
            "FARDC - hakuna uingiliaji ulioonekana",
        ),
        (
            "FARDC - Éléments indisciplinés",
            "FARDC - Éléments indisciplinés",
            "FARDC - undisciplined elements",
            "FARDC - askari wasio na nidhamu",
        ),
        (
            "PNC - Éléments indisciplinés",
            "PNC - Éléments indisciplinés",
            "PNC (police) - undisciplined elements",
            "PNC (polisi) - askari wasio na nidhamu",
        ),
        (
            "PMH - Éléments indisciplinés",
            "PMH - Éléments indisciplinés",
            "PMH (mining police) - undisciplined elements",
            "PMH (polisi wa migodi) - askari wasio na nidhamu",
        ),
    ],
    "frequency": [
        ("Quotidien", "Quotidien", "Daily", "Kila siku"),
        (
            "Plus d'une fois par semaine",
            "Plus d'une fois par semaine",
            "More than once a week",
            "Zaidi ya mara moja kwa wiki",
        ),
        ("Une fois par semaine", "Une fois par semaine", "Once a week", "Mara moja kwa wiki"),
        ("Une fois tous les 15 jours", "Une fois tous les 15 jours", "Once a fortnight", "Mara moja kila siku 15"),
        ("Une fois par mois", "Une fois par mois", "Once a month", "Mara moja kwa mwezi"),
        ("Une fois par trimestre", "Une fois par trimestre", "Once a quarter", "Mara moja kila miezi mitatu"),
        ("Aléatoire", "Aléatoire", "Irregular", "Bila mpangilio"),
        ("Permanent", "Permanent", "Permanent", "Kudumu"),
    ],
    "mechanisation": [
        ("Bas", "Bas", "Low", "Chini"),
        ("Moyen", "Moyen", "Medium", "Wastani"),
        ("Haut", "Haut", "High", "Juu"),
    ],
    "state_service": [
        ("SAEMAPE", "SAEMAPE", "SAEMAPE (artisanal mining support service)", "SAEMAPE"),
        (
            "SAESSCAM",
            "SAESSCAM (ancien nom du SAEMAPE)",
            "SAESSCAM (former name of SAEMAPE)",
            "SAESSCAM (jina la zamani la SAEMAPE)",
        ),
        ("Division des mines", "Division des mines", "Mines division", "Idara ya madini"),
        ("PMH", "Police des mines (PMH)", "Mining police (PMH)", "Polisi wa migodi (PMH)"),
        ("PNC", "Police nationale (PNC)", "National police (PNC)", "Polisi wa taifa (PNC)"),
        (
            "ANR",
            "Agence nationale de renseignements (ANR)",
            "National intelligence agency (ANR)",
            "Idara ya ujasusi (ANR)",
        ),
        ("Chefferie ou secteur", "Chefferie ou secteur", "Chiefdom or sector", "Uchifu au sekta"),
        ("Environnement", "Environnement", "Environment", "Mazingira"),
        ("DGRPI", "DGRPI", "DGRPI (provincial revenue)", "DGRPI (mapato ya mkoa)"),
    ],
    "qualification": [
        ("Vert", "Vert", "Green", "Kijani"),
        ("Jaune", "Jaune", "Yellow", "Njano"),
        ("Rouge", "Rouge", "Red", "Nyekundu"),
        ("Bleu", "Bleu", "Blue", "Bluu"),
        ("No class", "Non qualifié", "No class", "Haijapangwa"),
    ],
    "task": [
        ("Lavage", "Lavage", "Washing", "Kuosha"),
        ("Creuser", "Creuser", "Digging", "Kuchimba"),
        ("Traiter les déchets", "Traiter les déchets", "Processing tailings", "Kuchakata mabaki"),
        ("Transport des minerais", "Transport des minerais", "Carrying minerals", "Kubeba madini"),
        ("Restauration", "Restauration", "Food selling", "Kuuza chakula"),
        ("Boutique", "Boutique", "Shop", "Duka"),
        ("Commerce de minerais", "Commerce de minerais", "Mineral trade", "Biashara ya madini"),
        ("Prostitution", "Prostitution", "Sex work", "Ukahaba"),
        ("Usage du mercure", "Usage du mercure", "Mercury use", "Matumizi ya zebaki"),
        ("Concassage", "Concassage", "Crushing", "Kuponda mawe"),
    ],
}

# Vocabularies whose values must be known: anything else is an import error.
CLOSED = {"qualification"}

# Qualification text (any case, French or English) -> status code.
QUALIFICATION_CODES = {
    "vert": "vert",
    "green": "vert",
    "jaune": "jaune",
    "yellow": "jaune",
    "rouge": "rouge",
    "red": "rouge",
    "bleu": "bleu",
    "blue": "bleu",
    "no class": "none",
    "non qualifié": "none",
    "non qualifie": "none",
    "aucune": "none",
    "aucun": "none",
    "none": "none",
    "non classé": "none",
    "non classe": "none",
}


def qualification_code(text: str) -> str | None:
    """'Vert' -> 'vert', 'No class' -> 'none'; None for an unknown text."""
    return QUALIFICATION_CODES.get(" ".join(text.strip().lower().split()))
