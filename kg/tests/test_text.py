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


def test_stemming_is_thread_safe():
    """gunicorn serves with threads: concurrent stemming must give each word its own stem."""
    import sys
    from concurrent.futures import ThreadPoolExecutor

    from kg.text import stem

    words = [f"{base}{suffix}" for base in ("balanc", "rout", "train", "compress", "distil", "quantiz")
             for suffix in ("ing", "ed", "ation", "ers", "ness", "ly", "ization", "ement")]
    expected = {word: stem.__wrapped__(word) for word in words}
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often so a shared stemmer would be caught mid-word
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda w: (w, stem.__wrapped__(w)), words * 200))
    finally:
        sys.setswitchinterval(interval)
    assert all(result == expected[word] for word, result in results)
