"""Deployment tooling: ``nombot init`` (``init.py``) writes a new deployment folder from the
files packaged under ``bot/deploy/example`` in the wheel; ``nombot check`` (``check.py``)
says whether a deployment is ready to run. Both sit beside the composition root: they use
the configuration, the rules, the templates, the store and the mail transports, and
nothing imports them but ``bot.cli``."""
