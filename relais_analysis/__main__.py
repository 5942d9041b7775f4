"""``python -m relais_analysis`` runs the ``relais`` command line."""

import sys

from relais_analysis.cli import main

sys.exit(main())
