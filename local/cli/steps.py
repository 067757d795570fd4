"""`alex steps`: the step table as the SPA reads it (`frontend/lib/steps.generated.ts`)."""

import json

import click

from shared.settings import FRONTEND
from state_machines.steps import STEPS

GENERATED = FRONTEND / "lib" / "steps.generated.ts"


def steps_module() -> str:
    """The TypeScript module of the step table: what the SPA needs of each step, in order."""
    rows = [
        {"step": step.key, "label": step.label, "state": step.state, "function": step.function}
        for step in STEPS
    ]
    body = json.dumps(rows, indent=2)
    return (
        "// Generated from state_machines/steps.py by `./alex steps --write`: do not edit.\n"
        "// A test holds this file equal to the table.\n\n"
        f"export const STEPS = {body} as const;\n\n"
        'export type StepName = (typeof STEPS)[number]["step"];\n'
    )


@click.command()
@click.option("--write", is_flag=True, help=f"Write {GENERATED.name} instead of printing it.")
def steps(write: bool) -> None:
    """Print (or write) the SPA's copy of the workflow's step table."""
    if not write:
        click.echo(steps_module(), nl=False)
        return
    GENERATED.write_text(steps_module())
    click.echo(f"Wrote {GENERATED}")
