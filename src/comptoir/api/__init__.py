"""The REST API (django-ninja): one ``NinjaAPI`` assembled from each app's ``api.py`` router,
token authentication for integrations, one error shape, one paginator, idempotency keys on
creation and versions on updates (docs/api.md)."""
