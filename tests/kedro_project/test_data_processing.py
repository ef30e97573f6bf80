import pandas as pd

from spaceflights.pipelines.data_processing.nodes import (
    create_model_input_table,
    preprocess_companies,
    preprocess_shuttles,
)


def test_preprocessing_parses_flags_percentages_and_money():
    companies = pd.DataFrame(
        {"id": [1, 2], "company_rating": ["90%", None], "iata_approved": ["t", "f"]}
    )
    shuttles = pd.DataFrame(
        {
            "id": [7],
            "d_check_complete": ["f"],
            "moon_clearance_complete": ["t"],
            "price": ["$1,325.0"],
            "company_id": [1],
        }
    )

    companies_out = preprocess_companies(companies)
    shuttles_out = preprocess_shuttles(shuttles)

    assert companies_out["iata_approved"].tolist() == [True, False]
    assert companies_out["company_rating"].iloc[0] == 0.9
    assert pd.isna(companies_out["company_rating"].iloc[1])
    assert shuttles_out.loc[
        0, ["d_check_complete", "moon_clearance_complete", "price"]
    ].tolist() == [False, True, 1325.0]
    assert companies["iata_approved"].tolist() == ["t", "f"], "nodes must not change their inputs"


def test_model_input_table_joins_and_drops_incomplete_rows():
    shuttles = pd.DataFrame({"id": [7, 8], "company_id": [1, 2], "price": [10.0, 20.0]})
    companies = pd.DataFrame({"id": [1, 2], "company_rating": [0.9, None]})
    reviews = pd.DataFrame({"shuttle_id": [7, 8], "review_scores_rating": [90.0, 80.0]})

    table = create_model_input_table(shuttles, companies, reviews)

    assert table["price"].tolist() == [10.0]
