from django.contrib import admin

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
