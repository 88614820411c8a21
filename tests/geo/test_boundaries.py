"""Admin boundaries from the real COD-AB shapefile, point-in-polygon, and `check sites`."""

import numpy
import pytest
import shapely
from pyogrio import raw

from ramani.geo.boundaries import BoundaryError, import_boundaries
from ramani.geo.check import check_sites
from ramani.geo.dms import to_dms
from ramani.geo.models import AdminUnit
from ramani.geo.names import normalise
from ramani.geo.provinces import pcode_of
from ramani.sites.ipis_import import import_ipis
from ramani.sites.models import Site
from tests.conftest import SAMPLE, shared_file

pytestmark = pytest.mark.django_db
ZIP = ("geo", "cod_admbnda_adm2_rgc_20170711_shp.zip")


def test_names_and_provinces():
    assert normalise("Maï-Ndombe") == normalise("MAI NDOMBE") == "mai ndombe"
    assert pcode_of("Sud-Kivu") == "CD62" and pcode_of("sud kivu") == "CD62" and pcode_of("Atlantis") == ""


def test_dms():
    assert to_dms(-2.5083, "lat") == "2°30'29.9\"S"
    assert to_dms(28.75, "lon") == "28°45'00.0\"E"


def test_shapefile_zip_imports_and_locates_sites(today):
    import_ipis(SAMPLE, today=today)
    result = import_boundaries(shared_file(*ZIP))
    assert result.units == 240 and result.provinces == 26
    assert AdminUnit.objects.filter(level=2).count() == 240
    oicha = AdminUnit.objects.get(pcode="CD6107")
    assert oicha.name == "Oicha" and "Beni" in oicha.alt_names and oicha.parent_pcode == "CD61"
    sud_kivu = AdminUnit.objects.get(pcode="CD62")
    assert sud_kivu.level == 1 and sud_kivu.name == "Sud-Kivu" and sud_kivu.geometry
    codes = dict(Site.objects.values_list("pcode", "adm2_pcode"))
    assert codes["codmine00312"] == "CD6205"  # Kalehe
    assert codes["codmine02203"] == "CD5403"  # Mambasa
    assert AdminUnit.objects.get(pcode=codes["codmine02210"]).name == "Kongolo"
    # importing again replaces, does not duplicate
    assert import_boundaries(shared_file(*ZIP)).units == 240
    assert AdminUnit.objects.filter(level=2).count() == 240


def test_check_sites_lists_disagreements(today):
    import_ipis(SAMPLE, today=today)
    import_boundaries(shared_file(*ZIP))
    problems, checked = check_sites()
    assert checked == 4
    # Kamituga is a town carved out of Mwenga territoire: the site sits in the town polygon, next to Mwenga
    assert [p.pcode for p in problems] == []
    Site.objects.filter(pcode="codmine00312").update(territoire="Walikale")
    Site.objects.filter(pcode="codmine02203").update(territoire="Nowhere")
    problems, _ = check_sites()
    by_pcode = {p.pcode: p for p in problems}
    assert set(by_pcode) == {"codmine00312", "codmine02203"}
    assert by_pcode["codmine00312"].found_pcode == "CD6205" and "km from Walikale" in by_pcode["codmine00312"].reason
    assert "not the name of any admin-2 unit" in by_pcode["codmine02203"].reason


def test_projected_geopackage_is_reprojected(tmp_path):
    # a unit square around Bukavu, written in UTM 35S
    from pyproj import Transformer

    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32735", always_xy=True)
    ring = [(28.7, -2.6), (28.95, -2.6), (28.95, -2.35), (28.7, -2.35), (28.7, -2.6)]
    utm = shapely.Polygon([to_utm.transform(x, y) for x, y in ring])
    path = tmp_path / "units.gpkg"
    raw.write(
        str(path),
        geometry=numpy.array([shapely.to_wkb(utm)], dtype=object),
        field_data=[numpy.array(["CD9999"]), numpy.array(["Testville"])],
        fields=["pcode", "name"],
        geometry_type="Polygon",
        crs="EPSG:32735",
        driver="GPKG",
    )
    Site.objects.create(pcode="codmine00001", longitude=28.85, latitude=-2.5)
    result = import_boundaries(path)
    assert result.units == 1 and result.crs == "EPSG:32735"
    unit = AdminUnit.objects.get(pcode="CD9999")
    assert unit.minx == pytest.approx(28.7, abs=1e-6) and unit.maxy == pytest.approx(-2.35, abs=1e-6)
    assert Site.objects.get(pcode="codmine00001").adm2_pcode == "CD9999"


def test_unreadable_boundary_files(tmp_path):
    bad = tmp_path / "x.geojson"
    bad.write_text("not json")
    with pytest.raises(BoundaryError, match="cannot read"):
        import_boundaries(bad)
    fields = tmp_path / "f.geojson"
    fields.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"foo":1},'
        '"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}'
    )
    with pytest.raises(BoundaryError, match="--pcode-field"):
        import_boundaries(fields)
    assert AdminUnit.objects.count() == 0
