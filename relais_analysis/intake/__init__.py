"""Stage 2, intake: the input contract, reading raw files, refusing personal data, pseudonymising, and validating
a data folder into a :class:`~relais_analysis.intake.dataset.Dataset` (every row accepted or reported)."""
