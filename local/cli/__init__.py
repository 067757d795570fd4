"""The `alex` command line: run the product locally, manage the database, run the tests.

One module per command group; `main` gathers them.
"""

from local.cli.analyze import analyze
from local.cli.aws import deploy, destroy, faults
from local.cli.base import main
from local.cli.db import db
from local.cli.dev import dev, workflow
from local.cli.jobs import jobs
from local.cli.prices import prices
from local.cli.steps import steps
from local.cli.test import test
from local.cli.usage import usage

for command in (
    dev,
    workflow,
    analyze,
    jobs,
    usage,
    prices,
    db,
    steps,
    test,
    deploy,
    destroy,
    faults,
):
    main.add_command(command)

__all__ = ["main"]
