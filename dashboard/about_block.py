"""The About page's tables and lists: the status key, the measures by section, the glossary and
how fresh each data source is."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
import streamlit as st

from dashboard.components import priority_heading
from metrics import glossary, status, summaries
from metrics.registry import Indicator, Registry


def status_key_table() -> None:
    st.table(
        pl.DataFrame(
            {
                "Status": [status.label(s) for s in status.STYLES],
                "What it means": [style.meaning for style in status.STYLES.values()],
            }
        )
    )


def indicators_by_section(registry: Registry) -> list[tuple[str, list[Indicator]]]:
    sections = [(priority_heading(p), registry.for_priority(p.id)) for p in registry.priorities]
    sections.append(("Context: our SEND population", registry.for_priority("context")))
    return [(name, measures) for name, measures in sections if measures]


def glossary_list(heading: str, terms: Sequence[glossary.Term]) -> None:
    st.subheader(heading, anchor=False)
    st.markdown("\n\n".join(f"**{t.heading}**: {t.definition}" for t in terms))


def freshness_table(freshness: pl.DataFrame) -> None:
    st.table(
        freshness.select(
            pl.col("title").alias("Data"),
            pl.col("indicators").alias("Measures using it"),
            summaries.uk_date_expr(pl.col("latest_data"))
            .fill_null("none yet")
            .alias("Latest record"),
            summaries.uk_date_expr(pl.col("last_upload")).fill_null("never").alias("Last uploaded"),
            pl.when(pl.col("overdue"))
            .then(
                pl.concat_str(
                    pl.lit("⚠ overdue since "), summaries.uk_date_expr(pl.col("next_update_due"))
                )
            )
            .otherwise(summaries.uk_date_expr(pl.col("next_update_due")).fill_null("–"))
            .alias("Next update due"),
        )
    )
