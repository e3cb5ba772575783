from django.contrib import admin

from papers.models import Paper, Section


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = ["title", "filename", "page_count", "parser_version", "ingested_at"]
    search_fields = ["title", "filename", "arxiv_id"]
    readonly_fields = ["sha256", "ingested_at", "updated_at"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["paper", "number", "title", "level", "page_start", "page_end"]
    list_filter = ["paper", "kind"]
    search_fields = ["title", "number"]
    raw_id_fields = ["paper", "parent"]
