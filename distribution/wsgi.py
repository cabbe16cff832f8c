import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "distribution.settings")
if not os.environ.get("DJANGO_SECRET_KEY") and os.environ.get("DJANGO_DEBUG", "").lower() not in {"1", "true", "yes", "on"}:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY before serving (or DJANGO_DEBUG=1 for local use).")
application = get_wsgi_application()
