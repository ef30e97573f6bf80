import pandas as pd
import pytest
import yaml

from spaceflights.raw_data import ensure_raw_data, generate
from tests.support import PROJECT_DIR


@pytest.fixture(scope="module")
def tables(raw_data):
    return (
        pd.read_csv(raw_data / "companies.csv"),
        pd.read_excel(raw_data / "shuttles.xlsx", engine="openpyxl"),
        pd.read_csv(raw_data / "reviews.csv"),
    )


def test_files_follow_the_spaceflights_schema(tables):
    companies, shuttles, reviews = tables
    assert list(companies.columns) == [
        "id",
        "company_rating",
        "company_location",
        "total_fleet_count",
        "iata_approved",
    ]
    assert list(shuttles.columns) == [
        "id",
        "shuttle_location",
        "shuttle_type",
        "engine_type",
        "engine_vendor",
        "engines",
        "passenger_capacity",
        "cancellation_policy",
        "crew",
        "d_check_complete",
        "moon_clearance_complete",
        "price",
        "company_id",
    ]
    assert list(reviews.columns)[:2] == ["shuttle_id", "review_scores_rating"]
    assert len(reviews.columns) == 10


def test_sizes_formats_and_missing_values_are_like_the_tutorial(tables):
    companies, shuttles, reviews = tables
    assert 9_000 <= len(companies) <= 11_000
    assert 15_000 <= len(shuttles) <= 16_000
    assert len(reviews) == len(shuttles)
    assert companies["company_rating"].dropna().str.fullmatch(r"\d+%").all()
    assert 0.4 < companies["company_rating"].isna().mean() < 0.6
    assert companies["company_location"].isna().any()
    assert set(companies["iata_approved"]) == {"t", "f"}
    assert shuttles["price"].str.fullmatch(r"\$[\d,]+\.\d").all()
    assert shuttles["engines"].isna().any() and shuttles["crew"].isna().any()
    assert 0.2 < reviews["review_scores_rating"].isna().mean() < 0.35


def test_generation_is_deterministic(tmp_path, raw_data):
    generate(tmp_path)
    for name in ("companies.csv", "reviews.csv"):
        assert (tmp_path / name).read_bytes() == (raw_data / name).read_bytes()


def test_existing_files_are_kept_and_a_partial_set_is_refused(tmp_path, raw_data):
    generate(tmp_path)
    assert "using it" in ensure_raw_data(tmp_path)
    (tmp_path / "reviews.csv").unlink()
    with pytest.raises(SystemExit, match="lacks reviews.csv"):
        ensure_raw_data(tmp_path)


def test_the_catalogs_excel_reader_gives_openpyxls_frame(raw_data):
    entry = yaml.safe_load((PROJECT_DIR / "conf/base/catalog.yml").read_text())["shuttles"]
    path = raw_data / "shuttles.xlsx"
    fast = pd.read_excel(path, **entry["load_args"])
    pd.testing.assert_frame_equal(fast, pd.read_excel(path, engine="openpyxl"))
