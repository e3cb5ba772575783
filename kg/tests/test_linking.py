"""The one alias matcher: acronym case rules, whole words, longest match, Chinese, variants."""

import pytest

from kg.linking import Matcher, summarise

VOCAB = [
    ("mla", ["Multi-head Latent Attention", "多头潜在注意力"], "MLA"),
    ("mha", ["Multi-Head Attention", "多头注意力"], "MHA"),
    ("attention", ["attention", "注意力"], ""),
    ("moe", ["Mixture of Experts", "Mixture-of-Experts", "混合专家"], "MoE"),
    ("kv-cache", ["KV cache", "key-value cache", "KV 缓存"], ""),
    ("grpo", ["Group Relative Policy Optimization"], "GRPO"),
    ("strategy", ["routing strategy"], ""),
    ("rope", ["Rotary Position Embedding", "RoPE", "旋转位置编码"], ""),
]


@pytest.fixture(scope="module")
def matcher():
    return Matcher(VOCAB)


def found(matcher, text):
    return [(h.key, h.text) for h in matcher.find(text)]


@pytest.mark.parametrize("text, expected", [
    ("The MoE layer", [("moe", "MoE")]),
    ("DeepSeekMoE and moe and MOE and Moe", []),  # acronyms as written, never inside a word
    ("two MoEs", [("moe", "MoEs")]),
    ("GRPO's advantage", [("grpo", "GRPO")]),
    ("GRPOx, xGRPO, grpo", []),
    ("RoPE and rope", [("rope", "RoPE")]),
    ("mixture of experts, MIXTURE-OF-EXPERTS", [("moe", "mixture of experts"), ("moe", "MIXTURE-OF-EXPERTS")]),
])
def test_latin_case_and_word_rules(matcher, text, expected):
    assert found(matcher, text) == expected


def test_longest_match_wins_over_the_shorter_name_inside_it(matcher):
    assert found(matcher, "We use Multi-head Latent Attention here.") == [("mla", "Multi-head Latent Attention")]
    assert found(matcher, "multi-head attention") == [("mha", "multi-head attention")]


def test_chinese_name_inside_a_longer_name_of_another_concept_does_not_fire(matcher):
    assert found(matcher, "多头潜在注意力很省显存") == [("mla", "多头潜在注意力")]
    assert found(matcher, "用了多头注意力。") == [("mha", "多头注意力")]
    assert found(matcher, "注意力机制") == [("attention", "注意力")]


def test_chinese_needs_no_spaces_and_mixes_with_latin(matcher):
    assert found(matcher, "DeepSeek用MLA和混合专家") == [("mla", "MLA"), ("moe", "混合专家")]


@pytest.mark.parametrize("text", ["KV cache", "key-value cache", "KV-cache", "KV caches", "kv\ncache",
                                  "Key-Value Caches", "KV 缓存"])
def test_plural_and_hyphenation_variants(matcher, text):
    assert found(matcher, text) == [("kv-cache", text)]


def test_plural_of_a_name_ending_in_y(matcher):
    assert found(matcher, "two routing strategies") == [("strategy", "routing strategies")]


def test_offsets_point_into_the_original_text(matcher):
    text = "İİ then KV-cache"  # İ lowercases to two characters: offsets must not shift
    (hit,) = matcher.find(text)
    assert text[hit.start:hit.end] == "KV-cache"


def test_defining_section_by_heading_or_acronym_introduction(matcher):
    intro = summarise(matcher, "We propose Multi-head Latent Attention (MLA). MLA is small.", acronyms={"mla": "MLA"})
    assert intro["mla"].defines and intro["mla"].count == 2
    zh = summarise(matcher, "多头潜在注意力（MLA）压缩 KV cache。", acronyms={"mla": "MLA"})
    assert zh["mla"].defines and not zh["kv-cache"].defines
    mention = summarise(matcher, "Unlike MLA, we use MHA.", acronyms={"mla": "MLA", "mha": "MHA"})
    assert not mention["mla"].defines
    heading = summarise(matcher, "It routes tokens.", heading="Mixture-of-Experts")
    assert heading["moe"].defines


def test_score_ranks_the_text_about_the_concept_higher(matcher):
    about = summarise(matcher, "GRPO samples groups. GRPO needs no critic. GRPO normalises. " + "word " * 50)
    aside = summarise(matcher, "GRPO is used. " + "word " * 200)
    assert about["grpo"].score > aside["grpo"].score


def test_context_is_the_sentence_around_the_first_mention(matcher):
    summary = summarise(matcher, "First sentence here. Then GRPO appears in this one. Last one.")
    assert summary["grpo"].context == "Then GRPO appears in this one."
    assert summarise(matcher, "第一句。这里提到 GRPO 方法。最后。")["grpo"].context == "这里提到 GRPO 方法。"


def test_empty_vocabulary_and_text():
    assert Matcher([]).find("anything") == []
    assert Matcher(VOCAB).find("") == []


def test_a_section_headed_by_the_concept_ranks_above_an_acronym_introduction(matcher):
    abstract = summarise(matcher, "We present a Mixture-of-Experts (MoE) model. MoE is cheap.", acronyms={"moe": "MoE"})
    headed = summarise(matcher, "Routing sends each token to experts. " + "word " * 100 + "MoE layers.",
                       heading="Mixture of Experts", acronyms={"moe": "MoE"})
    assert abstract["moe"].defines and headed["moe"].defines
    assert headed["moe"].score > abstract["moe"].score
