"""Stage 5, outputs drawn from protected tables only: charts, printed and interactive maps, map classes and
layers, offline map assets, and the sentences of the reports."""
