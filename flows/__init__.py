"""Prefect flows and deployments over the textwash library."""
