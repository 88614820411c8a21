"""Every SMS Ramani sends, in every language, fits one GSM-7 segment (160 characters)."""

import pytest

from ramani.sms import dialogue, gsm, texts

VALUES = {
    "ref": "A1B2C3D4",
    "status": "being monitored",
    "name": "Dhahabu",
    "price": "62.35",
    "currency": "USD",
    "unit": "g",
    "market": "Bukavu",
    "date": "2026-11-28",
    "source": "CEEC Sud-Kivu",
    "days": "12",
}


def rendered(key: str, language: str) -> str:
    template = texts.text(key, language)
    values = {k: v for k, v in VALUES.items() if f"%({k})s" in template}
    if "%(menu)s" in template:
        values["menu"] = dialogue._menu(language)
    if "%(options)s" in template:
        values["options"] = "1 Kalimbi (Kalehe, Sud-Kivu) 2 Kalimbi (Shabunda, Sud-Kivu)"
    return texts.render(key, language, **values)


@pytest.mark.parametrize("language", texts.LANGUAGES)
@pytest.mark.parametrize("key", list(texts.TEXTS))
def test_every_reply_is_one_gsm7_segment(key, language):
    reply = rendered(key, language)
    assert gsm.is_gsm7(reply), reply
    assert gsm.parts(reply) == 1, (len(reply), reply)


def test_price_with_staleness_is_one_segment():
    for language in texts.LANGUAGES:
        reply = gsm.to_gsm7(
            texts.text("matokeo_price", language, **VALUES) + texts.text("matokeo_stale", language, days=365)
        )
        assert gsm.parts(reply) == 1, reply


def test_french_keeps_the_accents_gsm7_has():
    assert "arreter" in texts.render("help", "fr")  # ê is not GSM-7: the help was two SMS with it
    assert "Vérifiez" in texts.render("status_unknown", "fr") and "Où ?" in texts.render("where", "fr")
    assert texts.render("done", "sw", ref="A1B2C3D4").startswith("Asante. Ripoti yako: A1B2C3D4")
    assert gsm.to_gsm7("Ça coûte 5 000 FC – « très » cher… œuvre") == 'Ça coute 5 000 FC - " très " cher... oeuvre'


def test_texts_come_from_the_catalogs():
    assert texts.render("help", "en").startswith("Ramani: send KUFATILIA")
    assert texts.render("help", "sw").startswith("Ramani: tuma KUFATILIA")
    assert texts.render("help", "fr").startswith("Ramani : envoyez KUFATILIA")
