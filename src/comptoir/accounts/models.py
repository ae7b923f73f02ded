from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A staff member. Roles are Django groups (see ``comptoir.accounts.roles``)."""

    preferred_language = models.CharField(
        _("preferred official language"),
        max_length=2,
        choices=[("en", _("English")), ("fr", _("French"))],
        default="en",
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
