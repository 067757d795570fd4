"""Cold import time of each Lambda handler: a fresh interpreter importing the handler module.

Run on demand: `.venv/bin/python bench/cold_start.py [runs]`. A Lambda cold start adds this to
the runtime's own start; target (docs/architecture.md, Targets): cold start under 2 s.
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HANDLERS = ["api", "start_job", "tagger", "reporter", "charter", "retirement"]


# As in Lambda: on the Data API (the API builds its app on import; no request is sent).
LAMBDA_ENVIRONMENT = {
    "ALEX_ENV": "aws",
    "AWS_REGION": "us-east-1",
    "DB_CLUSTER_ARN": "arn:aws:rds:us-east-1:000000000000:cluster:alex",
    "DB_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:000000000000:secret:alex",
}


def cold_import(statement: str) -> float:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("ALEX_", "DATABASE"))}
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", statement],
        cwd=ROOT,
        env={**environment, **LAMBDA_ENVIRONMENT},
        check=True,
    )
    return time.perf_counter() - began


def main(runs: int) -> None:
    baseline = statistics.median(cold_import("pass") for _ in range(runs))
    print(f"interpreter alone: {baseline * 1000:.0f} ms (subtracted below); median of {runs}\n")
    for name in HANDLERS:
        timings = [cold_import(f"import functions.{name}.handler") for _ in range(runs)]
        print(f"functions.{name}.handler  {(statistics.median(timings) - baseline) * 1000:6.0f} ms")
    litellm = [
        cold_import("from runtime.model_factory import hosted_model; hosted_model('bedrock/x')")
        for _ in range(runs)
    ]
    print(f"LiteLLM model (hosted runs) {(statistics.median(litellm) - baseline) * 1000:6.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
