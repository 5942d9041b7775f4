"""The ``relais`` subcommands, one module per group; :mod:`relais_analysis.cli` registers them.

Each command is a pair of functions: ``<name>_args(parser)`` adds its arguments, ``<name>_run(args)``
runs it and returns the exit code. Every word they print comes from the text catalogue
(``texts/cli.toml``); errors are left to :func:`relais_analysis.cli.main`, which prints them on one line.

- :mod:`~relais_analysis.commands.data`: ``validate``, ``demo``, ``pseudonymise``;
- :mod:`~relais_analysis.commands.publish`: ``indicators``, ``map``, ``charts``, ``audit``;
- :mod:`~relais_analysis.commands.report`: ``report``;
- :mod:`~relais_analysis.commands.workbooks`: ``modele``, ``assemble``.
"""
