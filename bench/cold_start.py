"""Init time of each Lambda handler: a fresh interpreter importing the handler module, as Lambda's
init does. The agents' modules then also make their model, database client and tracing
(runtime/snapstart.py's prepare): the next columns split init into the imports and that, and
the last shows what the first call still pays for its model (nothing, once init made it).

With SnapStart (the agents, in AWS) this init runs once per published version, before the
snapshot; a cold start resumes the snapshot instead, which cannot be measured on this machine.
Run on demand: `.venv/bin/python bench/cold_start.py [runs]`. Target (docs/architecture.md,
Targets): cold start under 2 s.
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HANDLERS = ["api", "start_job", "tagger", "reporter", "charter", "retirement"]
AGENTS = {"tagger", "reporter", "charter", "retirement"}
# What the first invocation of an agent pays, after init, for its model.
FIRST_MODEL = (
    "import time; from runtime.model_factory import hosted_model, model_name;"
    " began = time.perf_counter(); hosted_model(model_name());"
    " print(time.perf_counter() - began)"
)


# The handler's imports alone: its init without runtime/snapstart.py's prepare.
NO_PREPARE = "import runtime.snapstart as snapstart; snapstart.prepare = lambda: None"


# As in Lambda: on the Data API (the API builds its app on import; no request is sent).
LAMBDA_ENVIRONMENT = {
    "ALEX_ENV": "aws",
    "AWS_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "DB_CLUSTER_ARN": "arn:aws:rds:us-east-1:000000000000:cluster:alex",
    "DB_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:000000000000:secret:alex",
}


def run(statement: str) -> tuple[float, str]:
    """The wall time of a fresh interpreter running `statement`, and what it printed."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("ALEX_", "DATABASE"))}
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", statement],
        cwd=ROOT,
        env={**environment, **LAMBDA_ENVIRONMENT},
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - began, done.stdout


def cold_import(statement: str) -> float:
    return run(statement)[0]


def median_ms(statement: str, runs: int) -> float:
    return statistics.median(cold_import(statement) for _ in range(runs)) * 1000


def main(runs: int) -> None:
    baseline = statistics.median(cold_import("pass") for _ in range(runs))
    print(f"interpreter alone: {baseline * 1000:.0f} ms (subtracted below); median of {runs}\n")
    print(f"{'handler':<28}{'init':>8}{'imports':>10}{'prepare':>10}{'model at first call':>22}")
    for name in HANDLERS:
        module = f"functions.{name}.handler"
        init = median_ms(f"import {module}", runs) - baseline * 1000
        imports = prepared = first = ""
        if name in AGENTS:
            alone = median_ms(f"{NO_PREPARE}; import {module}", runs) - baseline * 1000
            imports, prepared = f"{alone:.0f} ms", f"{init - alone:.0f} ms"
            calls = [float(run(f"import {module}; {FIRST_MODEL}")[1]) for _ in range(runs)]
            first = f"{statistics.median(calls) * 1000:.0f} ms"
        print(f"{module:<28}{init:6.0f} ms{imports:>10}{prepared:>10}{first:>22}")
    litellm = [
        cold_import("from runtime.model_factory import hosted_model; hosted_model('bedrock/x')")
        for _ in range(runs)
    ]
    print(f"LiteLLM model alone: {(statistics.median(litellm) - baseline) * 1000:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
