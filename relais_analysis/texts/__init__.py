"""The text catalogue: one ``<domain>.toml`` per domain, French and English side by side (read by :mod:`relais_analysis.i18n`)."""
