"""`GET /metrics`: the Prometheus text format, for API keys with scope `metrics:read`.

Off with SELFCARE_METRICS_API=false (then only the internal port, SELFCARE_METRICS_PORT,
serves it, if set). The database gauges are read during the scrape (`App.read_operations`
through the unit of work), so the rendering runs like any other short read.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from selfcare.auth.principals import Principal
from selfcare.auth.scopes import Scope
from selfcare.telemetry.metrics import CONTENT_TYPE
from selfcare.web.deps import Ctx, require

router = APIRouter(tags=["operations"])
MetricsReader = Annotated[Principal, Depends(require(Scope.METRICS_READ))]


@router.get("/metrics", include_in_schema=False)
async def metrics(ctx: Ctx, _: MetricsReader) -> Response:
    """Counters, histograms and the database's gauges of this process."""
    body = await ctx.read(ctx.app.metrics.render)
    return Response(body, media_type=CONTENT_TYPE)
