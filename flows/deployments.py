"""The deployments `mediawatch serve` runs (the same ones prefect.yaml declares for workers)."""

from __future__ import annotations

from datetime import timedelta

from prefect.deployments.runner import RunnerDeployment
from prefect.events import DeploymentEventTrigger

# Any completed run of the ingest flow (the plain deployment, a shard or a manual run).
AFTER_INGEST = {"prefect.resource.role": "flow", "prefect.resource.name": "ingest"}


def deployments(interval_minutes: int = 15) -> list[RunnerDeployment]:
    """Scheduled ingest (due feeds only), spike alerts after each ingest, on-demand flows."""
    from flows.alerts import detect_spikes
    from flows.ingest import ingest
    from flows.retag import retag

    return [
        ingest.to_deployment(
            name="ingest",
            interval=timedelta(minutes=interval_minutes),
            parameters={"due_only": True},
            description="Poll the feeds that are due and store new articles.",
        ),
        retag.to_deployment(name="retag", description="Re-tag stored articles after rule changes."),
        detect_spikes.to_deployment(
            name="detect-spikes",
            triggers=[
                DeploymentEventTrigger(
                    expect={"prefect.flow-run.Completed"}, match_related=AFTER_INGEST
                )
            ],
            description="Topic-spike alerts (seeds/alerts.yaml), after every completed ingest.",
        ),
    ]
