"""Settings for the commands that compute without a database (``comptoir standards``).

Comptoir's own settings (languages, locale, time zone, the same environment variables), with only
the app those commands live in and no database: the ``comptoir`` command uses them for the
commands in ``comptoir.config.cli.STANDALONE_COMMANDS`` when ``DJANGO_SETTINGS_MODULE`` is not
set, so that they start in a fraction of the time and run where no database exists yet.
"""

from comptoir.config.settings import *  # noqa: F403

INSTALLED_APPS = ["comptoir.measurement"]
MIDDLEWARE = []
DATABASES = {}
# Django's default logging builds the mail-the-admins handler, which imports the debug views and
# with them the whole HTTP stack (about 0.1 s); ``comptoir.config.cli.run_standalone`` applies
# the project's own ``LOGGING`` (warnings to the console) instead.
LOGGING_CONFIG = None
