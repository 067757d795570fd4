"""The runtime of Alex's Lambdas and agents: handler wrapper, AWS clients and the Data API driver,
the model factory, agent runs, tracing and the workflow's step lifecycle.

It may use boto3, the Agents SDK, LiteLLM and Powertools; `shared/` may not.
"""
