"""``python -m bot`` runs the same command line as ``nombot``."""

from bot.cli import main

main()
