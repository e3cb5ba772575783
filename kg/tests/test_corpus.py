"""The stored term counts: computed once per distinct text, shared, pruned, never stale."""

import pytest

from kg import corpus
from kg.models import TextTerms
from kg.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def spy(monkeypatch):
    calls = []
    real = corpus.text_counts
    monkeypatch.setattr(corpus, "text_counts", lambda text: calls.append(text) or real(text))
    return calls


def test_counts_are_the_sentences_terms():
    counts = corpus.text_counts("Multi-head latent attention compresses the KV cache. 低秩压缩减少显存。")
    assert counts["compress"] == 1 and counts["cach"] == 1 and counts["kv"] == 1
    assert counts["显存"] == 1
    assert "the" not in counts


def test_a_text_is_counted_once_and_reused(spy):
    first = corpus.counts_for({"a": "Rotary position embedding.", "b": "Rotary position embedding."})
    assert spy == ["Rotary position embedding."]  # same text, same digest: counted once
    assert first["a"] == first["b"] == {"rotari": 1, "posit": 1, "embed": 1}
    assert TextTerms.objects.count() == 1
    spy.clear()
    again = corpus.counts_for({"c": "Rotary position embedding."})
    assert spy == [] and again["c"] == first["a"]


def test_an_edited_text_gets_new_counts(spy):
    corpus.counts_for({1: "Expert routing."})
    edited = corpus.counts_for({1: "Expert routing with a bias."})
    assert edited[1] == {"expert": 1, "rout": 1, "bias": 1}
    assert spy == ["Expert routing.", "Expert routing with a bias."]


def test_counts_can_be_computed_without_storing():
    assert corpus.counts_for({1: "Group relative policy optimization."}, store=False)[1]["polici"] == 1
    assert not TextTerms.objects.exists()


def test_section_and_note_counts_cover_every_text_in_order():
    paper = factories.paper("deepseek-v2")
    a = factories.section(paper, "2.1", "Attention", text="Latent attention saves memory.")
    b = factories.section(paper, "2.2", "Experts", text="Fine-grained experts.")
    note = factories.note("mla-note", body="---\ntags: [x]\n---\n# MLA\n\nThe **KV cache** shrinks.\n")
    assert [pk for pk, _ in corpus.section_counts()] == sorted([a.pk, b.pk])
    [(pk, counts)] = list(corpus.note_counts())
    assert pk == note.pk and counts["kv"] == 1 and "tag" not in counts  # front matter is not prose


def test_refresh_counts_everything_and_drops_what_no_text_has():
    paper = factories.paper("deepseek-v3")
    factories.section(paper, "1", "Introduction", text="Multi-token prediction.")
    corpus.counts_for({"gone": "A text that was edited away."})
    assert corpus.corpus_refresh() == {"texts": 1, "dropped": 1}
    assert list(TextTerms.objects.values_list("digest", flat=True)) == [corpus.digest("Multi-token prediction.")]


def test_the_tokenizer_version_is_part_of_the_digest(monkeypatch):
    before = corpus.digest("same text")
    monkeypatch.setattr(corpus, "TOKENIZER_VERSION", corpus.TOKENIZER_VERSION + 1)
    assert corpus.digest("same text") != before


def test_ingest_counts_the_new_texts_before_it_ends(tmp_path):
    from django.core.management import call_command

    (tmp_path / "mla.md").write_text("# MLA\n\nLatent attention compresses the KV cache.\n", encoding="utf-8")
    call_command("ingest", str(tmp_path), verbosity=0)
    assert TextTerms.objects.count() == 1  # the note's prose, counted by ingest, not by the first search
    call_command("ingest", str(tmp_path), verbosity=0)  # nothing new: nothing to count
    assert TextTerms.objects.count() == 1


def test_texts_stream_in_chunks_while_counts_are_stored(monkeypatch):
    monkeypatch.setattr(corpus, "CHUNK", 2)  # several chunks: counts are written while the rows are still read
    paper = factories.paper("qwen3")
    sections = [factories.section(paper, str(i), f"Part {i}", text=f"Thinking mode budget {i}.") for i in range(5)]
    counted = dict(corpus.section_counts())
    assert list(counted) == [s.pk for s in sections]
    assert counted[sections[3].pk] == {"think": 1, "mode": 1, "budget": 1, "3": 1}
    assert TextTerms.objects.count() == 5
