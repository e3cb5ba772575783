"""Concepts, their relations, notes, mentions, questions and confirmed traces."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class Chapter(models.Model):
    """A chapter of the interview syllabus (architecture, RAG, fine-tuning, ...)."""

    slug = models.SlugField(max_length=64, unique=True)
    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=200)
    title_zh = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Concept(models.Model):
    class Kind(models.TextChoices):
        ARCHITECTURE = "architecture", "Architecture"
        TRAINING = "training", "Training"
        ALIGNMENT = "alignment", "Alignment"
        INFERENCE = "inference", "Inference"
        DATA = "data", "Data"
        EVALUATION = "evaluation", "Evaluation"
        MATH = "math", "Math"
        RETRIEVAL = "retrieval", "Retrieval and agents"
        FINETUNING = "finetuning", "Efficient fine-tuning"
        SYSTEMS = "systems", "Systems and engineering"
        MODEL = "model", "Model"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200, help_text="English short name.")
    acronym = models.CharField(max_length=40, blank=True)
    name_zh = models.CharField(max_length=200, blank=True)
    aliases = models.JSONField(default=list, blank=True, help_text="Other English and Chinese names.")
    summary = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ARCHITECTURE)
    chapter = models.ForeignKey(Chapter, null=True, blank=True, on_delete=models.SET_NULL, related_name="concepts")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(slug__regex=r"^[a-z0-9]+(-[a-z0-9]+)*$"), name="concept_slug_kebab"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("concept", kwargs={"slug": self.slug})

    @property
    def all_names(self) -> list[str]:
        """Every name this concept is known by, without duplicates, English first."""
        names = [self.name, self.acronym, self.name_zh, *self.aliases]
        seen: dict[str, None] = {}
        for name in names:
            if name and name.strip():
                seen.setdefault(name.strip(), None)
        return list(seen)


class ConceptRelation(models.Model):
    class Type(models.TextChoices):
        IS_A = "is-a", "is a"
        VARIANT_OF = "variant-of", "variant of"
        PART_OF = "part-of", "part of"
        IMPROVES_ON = "improves-on", "improves on"
        ALTERNATIVE_TO = "alternative-to", "alternative to"
        USED_IN = "used-in", "used in"
        REQUIRES = "requires", "requires"
        RELATED_TO = "related-to", "related to"

    source = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="outgoing")
    target = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="incoming")
    type = models.CharField(max_length=20, choices=Type.choices)

    class Meta:
        ordering = ["source", "type", "target"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "type"], name="relation_unique"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="relation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.source.slug} {self.type} {self.target.slug}"


class Note(models.Model):
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True, help_text="Markdown source.")
    lang = models.CharField(max_length=10, default="zh")
    source_path = models.CharField(max_length=500, blank=True, help_text="Path relative to the ingested folder.")
    front_matter = models.JSONField(default=dict, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    tags = models.JSONField(default=list, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    chapter = models.ForeignKey(Chapter, null=True, blank=True, on_delete=models.SET_NULL, related_name="notes")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["-updated_at"], name="note_recent_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("note", kwargs={"slug": self.slug})


class Attachment(models.Model):
    """A file stored with a note (an image it links to)."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="attachments")
    path = models.CharField(max_length=500, help_text="Path as written in the note, relative to the note.")
    file = models.FileField(upload_to="attachments/")
    sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["note", "path"], name="attachment_unique_path")]


class NoteLink(models.Model):
    """A [[wikilink]] written in a note, resolved to a note, concept or section (or broken)."""

    source = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="links")
    target_text = models.CharField(max_length=500, help_text="The link target as written.")
    anchor = models.CharField(max_length=300, blank=True)
    display = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(help_text="Character offset in the note body.")
    context = models.CharField(max_length=500, blank=True, help_text="The sentence around the link.")
    target_note = models.ForeignKey(Note, null=True, blank=True, on_delete=models.SET_NULL, related_name="backlinks")
    target_concept = models.ForeignKey(
        Concept, null=True, blank=True, on_delete=models.SET_NULL, related_name="note_links"
    )
    target_section = models.ForeignKey(
        "papers.Section", null=True, blank=True, on_delete=models.SET_NULL, related_name="note_links"
    )

    class Meta:
        ordering = ["source", "position"]
        constraints = [models.UniqueConstraint(fields=["source", "position"], name="notelink_unique_position")]

    @property
    def is_broken(self) -> bool:
        return not (self.target_note_id or self.target_concept_id or self.target_section_id)


class Mention(models.Model):
    """A concept found in a section or a note: detected in text, or an explicit link."""

    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="mentions")
    section = models.ForeignKey(
        "papers.Section", null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    note = models.ForeignKey(Note, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions")
    count = models.PositiveIntegerField(default=1)
    first_offset = models.PositiveIntegerField(default=0)
    context = models.CharField(max_length=500, blank=True, help_text="The sentence around the first mention.")
    explicit = models.BooleanField(default=False, help_text="Linked explicitly (wikilink or front matter).")
    defines = models.BooleanField(default=False, help_text="The section or note defines the concept.")
    score = models.FloatField(default=0.0, help_text="How much of the text is about the concept.")

    class Meta:
        ordering = ["-defines", "-score"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(section__isnull=False) & Q(note__isnull=True))
                | (Q(section__isnull=True) & Q(note__isnull=False)),
                name="mention_one_target",
            ),
            models.UniqueConstraint(
                fields=["concept", "section"], condition=Q(section__isnull=False), name="mention_unique_section"
            ),
            models.UniqueConstraint(
                fields=["concept", "note"], condition=Q(note__isnull=False), name="mention_unique_note"
            ),
        ]
        indexes = [models.Index(fields=["concept", "-defines", "-score"], name="mention_rank_idx")]


class Question(models.Model):
    class Tag(models.TextChoices):
        HIGH_FREQUENCY = "high-frequency", "High Frequency"
        HOT = "hot", "Hot"
        NEW = "new", "New"
        PROJECT_ESSENTIAL = "project-essential", "Project Essential"

    text = models.CharField(max_length=1000)
    lang = models.CharField(max_length=10)
    tags = models.JSONField(default=list, blank=True)
    chapter = models.ForeignKey(Chapter, null=True, blank=True, on_delete=models.SET_NULL, related_name="questions")
    concepts = models.ManyToManyField(Concept, related_name="questions", blank=True)
    note = models.ForeignKey(Note, null=True, blank=True, on_delete=models.SET_NULL, related_name="questions")
    sections = models.ManyToManyField(
        "papers.Section", related_name="curated_questions", blank=True, help_text="Curated answering sections."
    )
    section_refs = models.JSONField(
        default=list, blank=True, help_text='Curated citations as written ("DeepSeek-V3 §4.2"); resolved into sections.'
    )

    class Meta:
        ordering = ["chapter__number", "id"]
        constraints = [models.UniqueConstraint(fields=["text"], name="question_unique_text")]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return reverse("question", kwargs={"pk": self.pk})


class TraceVerdict(models.Model):
    """A user's confirmation or rejection of a traced section for a bank question.

    Keyed by paper and section number as well as the row, so it survives re-ingest.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="verdicts")
    paper = models.ForeignKey("papers.Paper", on_delete=models.CASCADE, related_name="trace_verdicts")
    section_key = models.CharField(max_length=40)
    section_title = models.CharField(max_length=500)
    section = models.ForeignKey(
        "papers.Section", null=True, blank=True, on_delete=models.SET_NULL, related_name="trace_verdicts"
    )
    confirmed = models.BooleanField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "paper", "section_key"], name="verdict_unique"),
        ]


class ContentVersion(models.Model):
    """One row whose counter moves whenever content changes; every cache keys on it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)


class TextTerms(models.Model):
    """The term counts of one section or note text, keyed by a digest of the text.

    Derived data shared by every process that builds a search or trace index: tokenizing
    (jieba) is the slow part of a build, and the counts depend on the text alone, so a
    changed text gets a new digest and nothing can go stale. `kg.corpus` fills and prunes it.
    """

    digest = models.CharField(max_length=32, primary_key=True)
    counts = models.JSONField()

    def __str__(self) -> str:
        return self.digest
