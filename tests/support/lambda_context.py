"""The context Lambda passes a handler, as the local engine makes it (local/invoker.py)."""

from local.invoker import LambdaContext


def lambda_context(function: str = "test") -> LambdaContext:
    return LambdaContext(function, f"arn:aws:lambda:us-east-1:123456789012:function:{function}")
