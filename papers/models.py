"""Papers and their numbered section trees."""

from django.db import models
from django.db.models import Q
from django.urls import reverse


class PaperQuerySet(models.QuerySet):
    def with_section_counts(self):
        return self.annotate(section_count=models.Count("sections"))


class Paper(models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=500)
    authors = models.JSONField(default=list, blank=True)
    abstract = models.TextField(blank=True)
    arxiv_id = models.CharField(max_length=32, blank=True)
    filename = models.CharField(max_length=255, help_text="Original file name as uploaded or found.")
    sha256 = models.CharField(max_length=64, unique=True)
    page_count = models.PositiveIntegerField()
    file = models.FileField(upload_to="papers/", blank=True)
    ingested_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    parser_version = models.CharField(max_length=32)
    outline_source = models.CharField(
        max_length=16, choices=[("outline", "Embedded outline"), ("layout", "Page layout")], default="outline"
    )

    objects = PaperQuerySet.as_manager()

    class Meta:
        ordering = ["-ingested_at"]
        indexes = [models.Index(fields=["-ingested_at"], name="paper_recent_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("paper", kwargs={"slug": self.slug})


class SectionQuerySet(models.QuerySet):
    def with_paper(self):
        return self.select_related("paper")


class Section(models.Model):
    class Kind(models.TextChoices):
        BODY = "body", "Body"
        ABSTRACT = "abstract", "Abstract"
        REFERENCES = "references", "References"
        APPENDIX = "appendix", "Appendix"

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(help_text="Position in document order, from 0.")
    number = models.CharField(max_length=32, blank=True, help_text="Printed number, e.g. 2.1.2 or A.1; may be empty.")
    key = models.CharField(max_length=40, help_text="URL key: the number, or s<order> for unnumbered sections.")
    title = models.CharField(max_length=500)
    level = models.PositiveSmallIntegerField()
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.BODY)
    page_start = models.PositiveIntegerField(help_text="1-based first page.")
    page_end = models.PositiveIntegerField(help_text="1-based last page.")
    text = models.TextField(blank=True)
    footnotes = models.TextField(blank=True)
    heading_page = models.PositiveIntegerField(help_text="1-based page of the heading.")
    heading_bbox = models.JSONField(default=list, blank=True, help_text="[x0, y0, x1, y1] in PDF points.")

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["paper", "order"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "order"], name="section_unique_order"),
            models.UniqueConstraint(fields=["paper", "key"], name="section_unique_key"),
            models.CheckConstraint(condition=Q(page_end__gte=models.F("page_start")), name="section_pages_ordered"),
            models.CheckConstraint(condition=Q(level__gte=1), name="section_level_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("section", kwargs={"slug": self.paper.slug, "key": self.key})

    @property
    def label(self) -> str:
        return f"§{self.number} {self.title}" if self.number else self.title
