"""Stage 1, collection: the relay registry, blank relay workbooks (``relais modele``), reading filled-in
workbooks, assembling them into one data folder (``relais assemble``) and the feedback sent back to each relay."""
