"""What an archive holds: the tables, in an order where every row's references come first."""

from django.apps import apps
from django.db import models

FORMAT = "mianjing-graph-archive"
VERSION = 1

# Parents before children. auth.User is here because trace verdicts name their author.
EXPORTED = [
    "auth.User",
    "kg.Chapter",
    "kg.Concept",
    "kg.ConceptRelation",
    "papers.Paper",
    "papers.Section",
    "kg.Note",
    "kg.Attachment",
    "kg.NoteLink",
    "kg.Mention",
    "kg.Question",
    "kg.TraceVerdict",
]
# Rebuilt on import or meaningless elsewhere: never archived.
DERIVED = {"kg.ContentVersion", "kg.TextTerms"}
# Fields of exported models left out: login bookkeeping and permission rows whose ids differ per database.
SKIPPED_FIELDS = {"auth.User": {"last_login", "groups", "user_permissions"}}


def exported_models() -> list[type[models.Model]]:
    return [apps.get_model(label) for label in EXPORTED]


def concrete_fields(model: type[models.Model]) -> list[models.Field]:
    skipped = SKIPPED_FIELDS.get(model._meta.label, set())
    return [f for f in model._meta.concrete_fields if f.name not in skipped]


def m2m_fields(model: type[models.Model]) -> list[models.ManyToManyField]:
    skipped = SKIPPED_FIELDS.get(model._meta.label, set())
    return [f for f in model._meta.local_many_to_many if f.name not in skipped]


def file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in concrete_fields(model) if isinstance(f, models.FileField)]


def table_name(model: type[models.Model]) -> str:
    return f"data/{model._meta.label_lower}.jsonl"
