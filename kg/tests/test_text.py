from kg.text import tokenize


def test_english_is_stemmed_and_stopwords_dropped():
    assert tokenize("How are the experts balanced?") == ["expert", "balanc"]


def test_chinese_is_segmented_into_words():
    terms = tokenize("为什么强化学习需要奖励模型")
    assert "强化学习" in terms or {"强化", "学习"} <= set(terms)
    assert "为什么" not in terms


def test_mixed_query_keeps_acronyms_and_hyphen_parts():
    terms = tokenize("GRPO 为什么不需要 critic？auxiliary-loss-free")
    assert "grpo" in terms and "critic" in terms
    assert "auxiliary-loss-free" in terms and "auxiliari" in terms


def test_full_width_and_ligatures_are_normalised():
    assert tokenize("ＭｏＥ ﬁne-tuning")[0] == "moe"
