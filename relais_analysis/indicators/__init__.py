"""Stage 3, indicators: pure functions from a validated dataset to tidy tables (scope of a report, people
reached, territorial coverage, data quality) and the set of tables a report publishes."""
