"""The outbox of the daily digest (``DigestDelivery``): one row per person and local day, written
and committed before the mail is sent, its status, attempts and last error."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0006_case_legacy_reference"),
        ("inventory", "0010_service_standard_rule"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DigestDelivery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField(verbose_name="day")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("sending", "Sending"),
                            ("sent", "Sent"),
                            ("failed", "Failed"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                ("last_error", models.TextField(blank=True, default="", verbose_name="last error")),
                ("created_at", models.DateTimeField(verbose_name="created")),
                (
                    "last_attempt_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="last attempt"),
                ),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent")),
                (
                    "recipient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="digest_deliveries",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recipient",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="digest_deliveries",
                        to="inventory.unit",
                        verbose_name="unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "digest delivery",
                "verbose_name_plural": "digest deliveries",
                "default_permissions": ("view",),
                "indexes": [
                    models.Index(fields=["day", "status"], name="casework_digest_day_status")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("recipient", "day"), name="casework_digest_one_per_person_a_day"
                    )
                ],
            },
        ),
    ]
