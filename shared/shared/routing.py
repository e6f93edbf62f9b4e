"""The route class of the data services' operations.

Every operation under a data service's ``/api/v1`` passes, before FastAPI resolves its
parameters and dependencies, the same checks, in this order:

1. the query guard (``shared.guard.check_query``): an undeclared or repeated query
   parameter answers 400;
2. the token (``shared.auth.authenticate``): 401 without a valid one;
3. the permission (``shared.auth.authorize``, by the operation's tags): 403;
4. for an operation that takes a body, the body guard (``shared.guard.body_guard``, a
   dependency): 415 when it is not JSON, 422 for a NUL character.

They are plain calls in the route's handler, not router-level dependencies: FastAPI
resolves a request's dependency graph anew on every request (cache keys, scopes, the
call), and the three dependencies these checks were cost more than the operation
``GET /api/v1/me`` itself (docs/performance.md, G1). The principal is then in
``request.state.principal`` and :data:`shared.auth.PrincipalDep` reads it from there.

Every router of a data service declares ``route_class=ServiceRoute``;
``shared.service.create_data_service_app`` refuses to start when an ``/api/v1`` operation
does not use it.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Depends, Request, Response
from fastapi.routing import APIRoute

from shared.auth import authenticate, authorize
from shared.guard import BODY_METHODS, body_guard, check_query


class ServiceRoute(APIRoute):
    """An operation of a data service: query guard, token and permission checked in its
    handler, the body guard added as its first dependency when it takes a body (see the
    module docstring). The service's name comes from ``app.state.settings.service_name``.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        methods = {method.upper() for method in kwargs.get("methods") or ()}
        if methods & BODY_METHODS:
            kwargs["dependencies"] = [
                Depends(body_guard),
                *(kwargs.get("dependencies") or ()),
            ]
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        route = self

        async def checked(request: Request) -> Response:
            check_query(route, request)
            principal = await authenticate(request)
            authorize(
                request.app.state.settings.service_name, principal, request, route.tags
            )
            return await handler(request)

        return checked
