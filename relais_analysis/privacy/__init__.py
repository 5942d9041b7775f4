"""Stage 4, privacy: the one door to anything published. Small-cell suppression, the links between published
cells, the joint protection of a whole publication, the audit that attacks it, safe CSV writing and the staging of a
site that is published whole or not at all."""
