"""Deterministic spaceflights raw data, for machines that cannot download the real files.

``python -m spaceflights.raw_data data/01_raw`` writes ``companies.csv``, ``reviews.csv``
and ``shuttles.xlsx`` in the tutorial's schema and formats when the folder has none of
them, and leaves the folder alone when it has all three (the real files work too).
Prices depend on the model's features plus noise, so the test R² means something.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

RAW_FILES = ("companies.csv", "reviews.csv", "shuttles.xlsx")
SEED = 20260101
N_COMPANIES = 10_000
N_SHUTTLES = 15_500

LOCATIONS = [
    "Niue",
    "Anguilla",
    "Russian Federation",
    "Barbados",
    "Sao Tome and Principe",
    "Malta",
    "Isle of Man",
    "Faroe Islands",
    "Guernsey",
    "Palau",
    "Tuvalu",
    "Iceland",
]
SHUTTLE_TYPES = ["Type V5", "Type F5", "Type V2", "Type F2", "Type V1"]
ENGINE_TYPES = ["Quantum", "Plasma", "Nuclear"]
ENGINE_VENDORS = ["ThetaBase Services", "Banks, Wood and Phillips", "Jones-Hill", "Thomas Ltd"]
POLICIES = ["strict", "moderate", "flexible"]


def make_companies(rng: np.random.Generator) -> pd.DataFrame:
    """About 10,000 companies; about half lack a rating and a few lack a location."""
    rating = rng.integers(30, 101, N_COMPANIES).astype(float)
    rating[rng.random(N_COMPANIES) < 0.5] = np.nan
    location = rng.choice(LOCATIONS, N_COMPANIES).astype(object)
    location[rng.random(N_COMPANIES) < 0.05] = None
    return pd.DataFrame(
        {
            "id": rng.permutation(np.arange(30_000, 30_000 + N_COMPANIES)),
            "company_rating": [None if np.isnan(r) else f"{r:.0f}%" for r in rating],
            "company_location": location,
            "total_fleet_count": rng.integers(1, 12, N_COMPANIES).astype(float),
            "iata_approved": rng.choice(["t", "f"], N_COMPANIES, p=[0.65, 0.35]),
        }
    )


def make_shuttles_and_reviews(
    rng: np.random.Generator, companies: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """About 15,500 shuttles with one review row each; prices follow the features."""
    n = N_SHUTTLES
    company_index = rng.integers(0, len(companies), n)
    company = companies.iloc[company_index].reset_index(drop=True)
    engines = rng.choice([1.0, 2.0, 3.0, 4.0], n, p=[0.45, 0.3, 0.15, 0.1])
    passenger_capacity = rng.integers(1, 17, n)
    crew = np.clip(np.round(passenger_capacity / 2 + rng.normal(0, 1, n)), 1, 10)
    d_check = rng.random(n) < 0.25
    moon_clearance = rng.random(n) < 0.2
    review_rating = np.clip(np.round(rng.normal(92, 8, n)), 20, 100)
    company_rating = (
        company["company_rating"].str.rstrip("%").astype(float).fillna(80.0).to_numpy() / 100
    )
    iata = (company["iata_approved"] == "t").to_numpy()

    price = (
        600
        + 260 * engines
        + 95 * passenger_capacity
        + 60 * crew
        + 180 * d_check
        + 140 * moon_clearance
        + 120 * iata
        + 500 * company_rating
        + 9 * (review_rating - 90)
        + rng.normal(0, 650, n)
    )
    price = np.clip(price, 50, None)

    engines_col = engines.copy()
    engines_col[rng.random(n) < 0.01] = np.nan
    crew_col = crew.copy()
    crew_col[rng.random(n) < 0.01] = np.nan

    shuttle_ids = rng.permutation(np.arange(10_000, 10_000 + n))
    shuttles = pd.DataFrame(
        {
            "id": shuttle_ids,
            "shuttle_location": rng.choice(LOCATIONS, n),
            "shuttle_type": rng.choice(SHUTTLE_TYPES, n),
            "engine_type": rng.choice(ENGINE_TYPES, n),
            "engine_vendor": rng.choice(ENGINE_VENDORS, n),
            "engines": engines_col,
            "passenger_capacity": passenger_capacity,
            "cancellation_policy": rng.choice(POLICIES, n),
            "crew": crew_col,
            "d_check_complete": np.where(d_check, "t", "f"),
            "moon_clearance_complete": np.where(moon_clearance, "t", "f"),
            "price": [f"${p:,.1f}" for p in price],
            "company_id": company["id"].to_numpy(),
        }
    )

    def score(low: int, high: int) -> np.ndarray:
        return rng.integers(low, high + 1, n).astype(float)

    reviews = pd.DataFrame(
        {
            "shuttle_id": shuttle_ids,
            "review_scores_rating": review_rating,
            "review_scores_comfort": score(2, 10),
            "review_scores_amenities": score(2, 10),
            "review_scores_trip": score(2, 10),
            "review_scores_crew": score(2, 10),
            "review_scores_location": score(2, 10),
            "review_scores_price": score(2, 10),
            "number_of_reviews": rng.integers(0, 300, n),
            "reviews_per_month": np.round(rng.gamma(2.0, 0.8, n), 2),
        }
    )
    # A shuttle that was never reviewed has none of its scores.
    unreviewed = rng.random(n) < 0.28
    score_columns = [c for c in reviews.columns if c.startswith("review_scores_")]
    reviews.loc[unreviewed, score_columns] = np.nan
    return shuttles, reviews


def generate(raw_dir: Path) -> list[Path]:
    """Write the three raw files into ``raw_dir`` and return their paths."""
    rng = np.random.default_rng(SEED)
    companies = make_companies(rng)
    shuttles, reviews = make_shuttles_and_reviews(rng, companies)
    raw_dir.mkdir(parents=True, exist_ok=True)
    companies.to_csv(raw_dir / "companies.csv", index=False)
    reviews.to_csv(raw_dir / "reviews.csv", index=False)
    shuttles.to_excel(raw_dir / "shuttles.xlsx", index=False, engine="openpyxl")
    return [raw_dir / name for name in RAW_FILES]


def ensure_raw_data(raw_dir: Path) -> str:
    """Generate the raw files if none are there; say what was done."""
    present = [name for name in RAW_FILES if (raw_dir / name).exists()]
    if len(present) == len(RAW_FILES):
        return f"Raw data found in {raw_dir}; using it."
    if present:
        missing = ", ".join(name for name in RAW_FILES if name not in present)
        raise SystemExit(
            f"{raw_dir} has {', '.join(present)} but lacks {missing}: add the missing files, "
            "or empty the folder to generate all three."
        )
    generate(raw_dir)
    return f"Generated spaceflights raw data in {raw_dir} ({', '.join(RAW_FILES)})."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw_dir", type=Path, nargs="?", default=Path("data/01_raw"))
    args = parser.parse_args(argv)
    print(ensure_raw_data(args.raw_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
