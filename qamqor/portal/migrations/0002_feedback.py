# Written for the Feedback model alone: the materials and questions of the same app come in
# their own migration (a merge migration joins the two leaves if they were made side by side).

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("journal", "0004_journal_version"),
        ("orgs", "0003_consultationpoint_online_booking"),
        ("portal", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Feedback",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "rating",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(5),
                        ],
                        verbose_name="rating",
                    ),
                ),
                ("comment", models.TextField(blank=True, max_length=2000, verbose_name="comment")),
                ("given_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="given at")),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="orgs.organization",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "request",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="feedback",
                        to="journal.request",
                        verbose_name="request",
                    ),
                ),
            ],
            options={
                "verbose_name": "feedback",
                "verbose_name_plural": "parents' feedback",
                "ordering": ["-given_at"],
                "indexes": [models.Index(fields=["organization", "given_at"], name="portal_feed_organiz_4d778d_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("rating__gte", 1), ("rating__lte", 5)),
                        name="feedback_rating_1_to_5",
                        violation_error_message="Choose a rating from 1 to 5.",
                    )
                ],
            },
        ),
    ]
