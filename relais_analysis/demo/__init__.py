"""Synthetic demonstration data: the dataset, its questionnaires and its 19 relay workbooks."""
