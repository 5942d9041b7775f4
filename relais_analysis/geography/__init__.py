"""Stage 0, reference geography: Statbel communes and provinces, mergers, localities, population, and the
resolution of what people type (code, postal code, village) to a commune."""
