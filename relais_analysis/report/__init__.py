"""Stage 6, report: the content of the report notebooks, the papermill batch with warm kernels, and the pages
of the report site."""
