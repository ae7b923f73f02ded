"""The search index: one row per case and per client, rebuilt from the object's current state by
``comptoir.search.indexing`` in the transaction of each write (docs/search.md).

A row holds what a search filters on, so that a search reads this one table and never joins:
the units that hold the object, its organization, confidentiality, status, kind and instants;
and its words: ``body`` (the text as written, for snippets and for PostgreSQL's ``document``
column) and ``text`` (folded and stemmed in English and French, for SQLite's FTS5 table).

The full-text part is not a Django field, because it differs by database (migration
``search.0002_full_text``): on SQLite an FTS5 table ``search_fts`` over ``text``, kept in step by
triggers; on PostgreSQL a ``document`` ``tsvector`` column with a GIN index, computed by a
trigger from ``title`` and ``body``. Nothing here is a source of truth: ``comptoir search
rebuild`` makes every row again from the cases and clients.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    CASE = "case", _("Case")
    CLIENT = "client", _("Client")
    #: A reusable answer and a past deliverable (``comptoir.casework.models.knowledge``).
    ANSWER = "answer", _("Reusable answer")
    DELIVERABLE = "deliverable", _("Deliverable")


class SearchEntry(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    #: The primary key of the case or the client.
    key = models.BigIntegerField(_("key"))
    #: A case's reference, a client's name ("" for an anonymous client).
    title = models.CharField(_("title"), max_length=1000, blank=True, default="")
    #: The indexed text as written: what a snippet shows.
    body = models.TextField(_("body"), blank=True, default="")
    #: ``body`` and ``title`` folded and stemmed (``comptoir.search.text.index_text``): what
    #: SQLite's FTS5 table indexes; empty on PostgreSQL, whose ``document`` column does this.
    text = models.TextField(_("indexed text"), blank=True, default="")
    # What a search filters on, without joining (plain keys: the index holds no constraint).
    #: A case's current unit.
    unit_id = models.BigIntegerField(_("unit"), null=True, blank=True)
    #: A case's entry unit.
    entry_unit_id = models.BigIntegerField(_("entry unit"), null=True, blank=True)
    #: Every unit holding the object, as ``|3|7|``: a case's current and entry units; the
    #: current and entry units of every case of a client.
    unit_ids = models.TextField(_("units"), blank=True, default="")
    #: A case's owner; a client's account manager.
    owner_id = models.BigIntegerField(_("owner"), null=True, blank=True)
    organization_id = models.BigIntegerField(_("organization"), null=True, blank=True)
    is_confidential = models.BooleanField(_("confidential"), default=False)
    #: A case's status ("" for a client).
    status = models.CharField(_("status"), max_length=20, blank=True, default="")
    #: A case's kind (enquiry, request...) or a client's (person, organization).
    category = models.CharField(_("category"), max_length=20, blank=True, default="")
    #: When a case was received, when a client record was created.
    created_at = models.DateTimeField(_("created"))
    #: A case's last event, a client record's last indexed change.
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="search_entry_one_per_object"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["case", "client", "answer", "deliverable"]),
                name="search_entry_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "status", "created_at"], name="search_entry_filters"),
            models.Index(fields=["unit_id", "status"], name="search_entry_unit"),
            # The newest matches first (``backends.query(band=...)`` on PostgreSQL).
            models.Index(fields=["-updated_at", "-id"], name="search_entry_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"

    @staticmethod
    def units_text(unit_ids: Iterable[int | None]) -> str:
        """``[7, 3, 7]`` → ``"|3|7|"`` (each unit once, in order, between bars)."""
        keys = sorted({int(unit) for unit in unit_ids if unit is not None})
        return f"|{'|'.join(str(key) for key in keys)}|" if keys else ""
