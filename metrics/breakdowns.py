"""Breakdown dimensions: how a dataset's rows split into groups for the equity views."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from metrics.datasets import GLOBAL_MAJORITY, PRIMARY_NEED_WORDS, Dataset

# Plain words for the codes the datasets use, where title case would read badly.
CATEGORY_WORDS: dict[str, str] = {
    "ehc_plan": "EHC plan",
    "sen_support": "SEN Support",
    "none": "No SEN",
    "parent_carer": "Parent carers",
    "young_person": "Young people",
    "professional": "Professionals",
    "family": "Families",
    "local_authority": "Local authority",
    "school": "School",
    "apprenticeship": "Apprenticeship",
    "supported_internship": "Supported internship",
    "traineeship": "Traineeship",
    "not_known": "Not known",
    "any_other": "Any other ethnic group",
    "ehc_needs_assessment": "EHC needs assessment",
    "alternative_provision": "Alternative provision",
}


@dataclass(frozen=True)
class Breakdown:
    name: str
    title: str
    columns: tuple[str, ...]  # the first of these the dataset has is used

    def column_in(self, dataset: Dataset) -> str | None:
        return next((c for c in self.columns if c in dataset.column_names), None)

    def expr(self, column: str) -> pl.Expr:
        """Group label for each row."""
        col = pl.col(column)
        if self.name == "global_majority":
            return (
                pl.when(col.is_in(list(GLOBAL_MAJORITY))).then(pl.lit("Global majority"))
                .when(col == "white").then(pl.lit("White"))
                .otherwise(pl.lit("Not known"))
            )  # fmt: skip
        if self.name == "age_band":
            return (
                pl.when(col < 5).then(pl.lit("Under 5"))
                .when(col <= 10).then(pl.lit("5 to 10"))
                .when(col <= 15).then(pl.lit("11 to 15"))
                .when(col <= 19).then(pl.lit("16 to 19"))
                .when(col <= 25).then(pl.lit("20 to 25"))
            )  # fmt: skip
        if self.name == "under_12":
            return pl.when(col < 12).then(pl.lit("Under 12")).otherwise(pl.lit("12 to 25"))
        if self.name == "primary_need":
            return col.replace_strict(PRIMARY_NEED_WORDS, default=col)
        tidy = col.cast(pl.String).str.replace_all("_", " ").str.to_titlecase()
        return col.cast(pl.String).replace_strict(CATEGORY_WORDS, default=tidy)


BREAKDOWNS: dict[str, Breakdown] = {
    b.name: b
    for b in (
        Breakdown("ethnic_group", "Ethnic group", ("ethnic_group",)),
        Breakdown("global_majority", "Global majority and White", ("ethnic_group",)),
        Breakdown("sex", "Sex", ("sex",)),
        Breakdown("age_band", "Age", ("age_at_request", "age")),
        Breakdown("under_12", "Under 12 or 12 to 25", ("age_at_request", "age")),
        Breakdown("primary_need", "Primary need", ("primary_need",)),
        Breakdown("opportunity_type", "Type of opportunity", ("opportunity_type",)),
        Breakdown("placed_by", "Placed by", ("placed_by",)),
        Breakdown("sen_status", "SEN status", ("sen_status",)),
        Breakdown("respondent_group", "Respondent", ("respondent_group",)),
        Breakdown("request_type", "Request type", ("request_type",)),
    )
}
