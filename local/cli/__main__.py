"""`python -m local.cli`: what the `alex` script runs."""

from local.cli import main

main()
