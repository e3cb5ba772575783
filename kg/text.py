"""The one tokenizer for search and trace: Chinese segmented with jieba, English stemmed.

`tokenize` turns any mix of Chinese and English into comparable terms, so a query and a
document pass through exactly the same steps.
"""

import logging
import re
import threading
import unicodedata
from functools import lru_cache

import jieba
import snowballstemmer

jieba.setLogLevel(logging.WARNING)

# A Snowball stemmer keeps the word it is working on in the instance, so threads sharing
# one (gunicorn --threads) corrupt each other's words: one stemmer per thread.
_local = threading.local()
_LATIN = re.compile(r"[a-z0-9]+(?:[.\-+][a-z0-9]+)*")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+(?:[.\-+][a-z0-9]+)*")

STOPWORDS_EN = frozenset(
    """a an and are as at be by can do does for from how in is it its of on or that the this to was what
    when where which who why will with we our their they these those than then there into via also both
    each such not no but if so use used using based""".split()
)
STOPWORDS_ZH = frozenset(
    "的 了 是 在 和 与 及 或 吗 呢 吧 啊 么 什么 怎么 怎样 如何 为什么 为何 哪些 哪个 是否 有 有没有 一个 这个 那个 "
    "我们 你 我 他 它 其 之 中 上 下 对 把 被 让 给 用 会 能 可以 需要 里 时 个 又 也 都 就 而 并".split()
)


def normalise(text: str) -> str:
    """NFKC (full-width letters, ligatures) and lowercase."""
    return unicodedata.normalize("NFKC", text).lower()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return stemmer.stemWord(word)


def _latin_terms(chunk: str) -> list[str]:
    terms = []
    for word in _LATIN.findall(chunk):
        if word in STOPWORDS_EN:
            continue
        terms.append(stem(word) if word.isalpha() else word)
        if "-" in word:  # "auxiliary-loss-free" also matches its parts
            terms.extend(stem(part) for part in word.split("-") if part and part not in STOPWORDS_EN)
    return terms


def tokenize(text: str) -> list[str]:
    """Terms of `text` in order: stemmed English words, numbers, segmented Chinese words."""
    terms: list[str] = []
    for match in _TOKEN.finditer(normalise(text)):
        chunk = match.group()
        if _HAN.fullmatch(chunk):
            terms.extend(w for w in jieba.cut(chunk) if w.strip() and w not in STOPWORDS_ZH)
        else:
            terms.extend(_latin_terms(chunk))
    return terms


def has_han(text: str) -> bool:
    return bool(_HAN.search(text))
