"""A page's refused query parameter becomes a 400 page that says what to change (the API's
views answer their own JSON error body first, `core.api.exception_handler`)."""

from __future__ import annotations

from django.template.response import TemplateResponse

from .params import BadParameter


class BadParameterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, BadParameter):
            return None
        response = TemplateResponse(
            request, "core/bad_parameter.html", {"message": exception.message, "back": request.path}, status=400
        )
        return response.render()
