from django.contrib import admin
from django.db import transaction

from kg.models import Chapter, Concept, ConceptRelation, Mention, Note, NoteLink, Question, TraceVerdict


class RelationInline(admin.TabularInline):
    model = ConceptRelation
    fk_name = "source"
    autocomplete_fields = ["target"]
    extra = 0


@admin.register(Concept)
class ConceptAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "acronym", "name_zh", "kind", "chapter"]
    list_filter = ["kind", "chapter"]
    search_fields = ["slug", "name", "acronym", "name_zh"]
    inlines = [RelationInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # New or changed aliases change what is detected everywhere: relink once the edit is committed.
        transaction.on_commit(relink_after_vocabulary_edit)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(relink_after_vocabulary_edit)


def relink_after_vocabulary_edit() -> None:
    from kg.services.linking import mentions_refresh_all
    from kg.versioning import content_changed

    mentions_refresh_all()
    content_changed()


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "title_zh"]


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "lang", "source_path", "updated_at"]
    search_fields = ["slug", "title"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "lang", "chapter", "note"]
    list_filter = ["lang", "chapter"]
    search_fields = ["text"]
    autocomplete_fields = ["concepts"]
    raw_id_fields = ["note", "sections"]


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ["concept", "section", "note", "count", "explicit", "defines", "score"]
    list_filter = ["explicit", "defines"]
    raw_id_fields = ["concept", "section", "note"]


admin.site.register(NoteLink, raw_id_fields=["source", "target_note", "target_concept", "target_section"])
admin.site.register(TraceVerdict, raw_id_fields=["question", "paper", "section", "user"])
