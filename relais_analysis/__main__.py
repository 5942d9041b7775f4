"""``python -m relais_analysis`` runs the ``relais`` command line."""

import sys

from .cli import main

sys.exit(main())
