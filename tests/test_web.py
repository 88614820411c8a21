import pytest
from django.contrib.auth.models import User

from ramani.sites.ipis_import import import_ipis
from tests.conftest import SAMPLE

pytestmark = pytest.mark.django_db


def test_home_summarises_the_registry(client, today):
    import_ipis(SAMPLE, today=today)
    page = client.get("/about/").content.decode()
    # 4 sites; 7 rows of which 2 only record a qualification decision: 5 field visits, as the dashboard counts
    assert "Ramani" in page and ">4<" in page and ">5<" in page and "2 enregistrements de qualification seule" in page
    assert "Une visite est une visite de terrain" in page  # the definition, stated where the figure is
    assert "Sud-Kivu" in page
    assert "synthetic" not in page  # real-format sample: no demo banner


def test_healthz(client):
    assert client.get("/healthz").json()["status"] == "ok"


def test_admin_pages_for_curators(client, today):
    import_ipis(SAMPLE, today=today)
    anonymous = client.get("/admin/sites/site/")
    assert anonymous.status_code == 302
    User.objects.create_superuser("curator", "c@example.org", "pw-for-tests-only")
    client.force_login(User.objects.get(username="curator"))
    for url in (
        "/admin/sites/site/",
        "/admin/sites/visit/",
        "/admin/sites/qualification/",
        "/admin/sites/term/",
        "/admin/sites/importrun/",
        "/admin/geo/adminunit/",
    ):
        assert client.get(url).status_code == 200, url
    from ramani.sites.models import Site

    site = Site.objects.get(pcode="codmine01764")
    page = client.get(f"/admin/sites/site/{site.pk}/change/").content.decode()
    assert "blue" in page.lower() or "bleu" in page.lower()
    history = client.get(f"/admin/sites/site/{site.pk}/history/")
    assert history.status_code == 200


def test_admin_edit_is_kept_in_history(client, today):
    import_ipis(SAMPLE, today=today)
    from ramani.sites.models import Site

    User.objects.create_superuser("curator", "c@example.org", "pw-for-tests-only")
    client.force_login(User.objects.get(username="curator"))
    site = Site.objects.get(pcode="codmine02203")
    site.name = "Muchacha III"
    site.save()
    # the import's own history row first (it names the import), then the curator's edit
    history = list(site.history.order_by("history_date"))
    assert [h.name for h in history][-1] == "Muchacha III" and len(history) == 2
    assert history[0].history_change_reason.startswith("import ipis") and history[0].name != "Muchacha III"


@pytest.mark.parametrize(
    "url",
    [
        "/api/sites?province=%00",
        "/api/sites/codmine%0001",
        "/ogcapi/collections/sites/items?q%00=1",
        "/opendata/download/sites.csv?territoire=a%00b",
    ],
)
def test_nul_characters_are_refused_cleanly(client, url):
    response = client.get(url)
    assert response.status_code == 400 and "NUL" in response.json()["detail"]


def test_admin_is_branded_and_its_models_translated(client, today):
    import_ipis(SAMPLE, today=today)
    User.objects.create_superuser("brand", "b@example.org", "pw-for-tests-only")
    client.force_login(User.objects.get(username="brand"))
    page = client.get("/admin/").content.decode()  # French, the default language
    assert "Ramani : curation" in page and "Django" not in page.split("<body")[1].split("</header>")[0]
    assert "Sites miniers" in page and "Décisions de qualification" in page
    assert "Géographie" in page and "Barrières routières" in page  # the apps' names too
    sites = client.get("/admin/sites/site/").content.decode()
    assert "Dernier enregistrement" in sites and "Qualification aujourd’hui" in sites  # the list's columns
    from ramani.sites.models import Visit

    visit = client.get(f"/admin/sites/visit/{Visit.objects.first().pk}/change/").content.decode()
    assert "Date de visite" in visit and "Présence armée" in visit and "Enfants de moins de 15 ans" in visit
    client.cookies["django_language"] = "sw"
    assert "Migodi" in client.get("/admin/sites/").content.decode()
    assert "Tarehe ya ziara" in client.get(f"/admin/sites/visit/{Visit.objects.first().pk}/change/").content.decode()


def test_error_pages_are_the_sites_own_and_translated(client, rf):
    from django.utils import translation
    from django.views.defaults import server_error

    for code, words in (("fr", "Erreur du serveur"), ("en", "Server error"), ("sw", "Hitilafu ya seva")):
        with translation.override(code):
            page = server_error(rf.get("/")).content.decode()
        assert words in page and f'<html lang="{code}"' in page and 'class="langs"' in page
    client.cookies["django_language"] = "sw"
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "Ukurasa haupatikani" in missing.content.decode()
    assert 'href="/static/web/favicon.svg"' in missing.content.decode()
    icon = client.get("/static/web/favicon.svg")
    assert icon.status_code == 200 and b"<svg" in b"".join(icon.streaming_content)
    icon.close()
    assert client.get("/favicon.ico")["Location"] == "/static/web/favicon.svg"
