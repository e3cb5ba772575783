from kg.notes.plain import plain_text


def test_syntax_is_unwrapped_to_what_a_reader_sees():
    source = (
        "---\ntitle: GRPO\n---\n## 直觉\n"
        "GRPO 用**组内奖励的标准化分数** $A_i$ 代替 [[concept:critic|Critic]] 估计的基线，见 [[DeepSeek-V3 §5.2.2]]。\n"
        "> 引用 [论文](https://arxiv.org/abs/2402.03300) 和 `code`。\n"
        "```python\nx = 1\n```\n"
    )
    text = plain_text(source)
    assert "GRPO 用组内奖励的标准化分数 A_i 代替 Critic 估计的基线，见 DeepSeek-V3 §5.2.2。" in text
    assert "引用 论文 和 code。" in text
    assert "title:" not in text and "x = 1" not in text and "##" not in text


def test_snake_case_and_products_keep_their_characters():
    assert plain_text("use top_k and a*b") == "use top_k and a*b"
