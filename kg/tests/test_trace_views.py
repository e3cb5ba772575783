"""The trace page (full and htmx partial), its JSON API, the command and the verdict form."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from kg.models import TraceVerdict
from kg.tests import factories as f


@pytest.fixture
def bank(db) -> dict:
    kv = f.concept("kv-cache", name="KV cache", name_zh="KV 缓存")
    paper = f.paper("gamma-3", title="Gamma-3 Technical Report", filename="Gamma_3.pdf")
    compress = f.section(paper, "2.1", "Low-Rank Key-Value Compression", page_start=4, page_end=5, text=(
        "Keys and values are compressed jointly into a small latent vector. Only the latent vector is cached, "
        "so the KV cache shrinks by an order of magnitude."))
    other = f.section(paper, "4", "Training Data", page_start=9, text="The corpus mixes web pages, code and maths.")
    f.mention(kv, section=compress, count=2, defines=True, score=0.8)
    question = f.question("How does Gamma-3 shrink the KV cache?", concepts=[kv])
    return {"paper": paper, "compress": compress, "other": other, "question": question}


def test_page_shows_concepts_ranked_sections_and_evidence(client, bank):
    response = client.get("/trace/", {"q": "How does Gamma-3 shrink the KV cache?"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html and 'name="q"' in html
    assert "Low-Rank Key-Value Compression" in html
    assert "<mark>" in html and "KV cache shrinks" in html
    assert "/papers/gamma-3/sections/2.1/" in html
    assert "kv-cache" in html


def test_htmx_request_gets_only_the_results_partial(client, bank):
    response = client.get("/trace/", {"q": "KV cache compression"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'id="trace"' in html
    assert "Low-Rank Key-Value Compression" in html


def test_page_without_a_question_shows_the_form(client, bank):
    response = client.get("/trace/")
    assert response.status_code == 200 and 'name="q"' in response.content.decode()


def test_page_says_plainly_when_nothing_answers(client, bank):
    response = client.get("/trace/", {"q": "How do you reverse a singly linked list?"})
    assert "Nothing in the library answers this question." in response.content.decode()


def test_page_refuses_an_over_long_question(client, bank):
    response = client.get("/trace/", {"q": "x" * 1001})
    assert response.status_code == 400
    assert "limit is 1000" in response.content.decode()


def test_api_returns_the_documented_shape(client, bank):
    response = client.get("/api/trace", {"q": "KV 缓存是怎么压缩的？", "top": 3})
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"question", "concepts", "confident", "results"}
    assert data["concepts"] == ["kv-cache"]
    first = data["results"][0]
    assert first["kind"] == "section"
    assert first["paper"]["title"] == "Gamma-3 Technical Report" and first["paper"]["filename"] == "Gamma_3.pdf"
    assert first["section"]["number"] == "2.1" and first["section"]["page"] == 4
    assert first["evidence"] and {"text", "page"} <= set(first["evidence"][0])
    assert len(data["results"]) <= 3


@pytest.mark.parametrize("params", [{"q": ""}, {}, {"q": "x" * 1001}, {"q": "KV", "top": "0"},
                                    {"q": "KV", "top": "51"}, {"q": "KV", "top": "ten"}])
def test_api_refuses_bad_input_with_400(client, bank, params):
    response = client.get("/api/trace", params)
    assert response.status_code == 400
    assert response.json()["error"]
    assert TraceVerdict.objects.count() == 0


def test_command_prints_json(bank):
    out = StringIO()
    call_command("trace", "How does Gamma-3 shrink the KV cache?", "--json", "--top", "2", stdout=out)
    data = json.loads(out.getvalue())
    assert data["results"][0]["section"]["title"] == "Low-Rank Key-Value Compression"
    assert len(data["results"]) <= 2


def test_command_prints_a_ranked_list(bank):
    out = StringIO()
    call_command("trace", "KV cache compression", stdout=out)
    assert "1. " in out.getvalue() and "Low-Rank Key-Value Compression" in out.getvalue()


@pytest.mark.parametrize("args", [[""], ["x" * 1001], ["KV cache", "--top", "0"], ["KV cache", "--top", "51"]])
def test_command_refuses_bad_input(bank, args):
    with pytest.raises(CommandError, match="cannot trace"):
        call_command("trace", *args, stdout=StringIO())


def verdict_url(bank) -> str:
    return f"/questions/{bank['question'].pk}/verdicts/"


def test_verdict_needs_a_signed_in_user(client, bank):
    response = client.post(verdict_url(bank), {"paper": "gamma-3", "key": "4", "verdict": "confirm"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert TraceVerdict.objects.count() == 0


def test_verdict_needs_the_csrf_token(bank, django_user_model):
    user = django_user_model.objects.create_user("ada", password="a-long-password")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(verdict_url(bank), {"paper": "gamma-3", "key": "4", "verdict": "confirm"})
    assert response.status_code == 403
    assert TraceVerdict.objects.count() == 0


def test_confirmed_section_is_shown_first_and_rejected_dropped(client, bank, django_user_model):
    client.force_login(django_user_model.objects.create_user("ada", password="a-long-password"))
    response = client.post(verdict_url(bank), {"paper": "gamma-3", "key": "4", "verdict": "confirm"})
    assert response.status_code == 302
    verdict = TraceVerdict.objects.get()
    assert verdict.confirmed and verdict.section_key == "4" and verdict.paper == bank["paper"]

    response = client.post(verdict_url(bank), {"paper": "gamma-3", "key": "2.1", "verdict": "reject"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'id="traced-results"' in html
    assert "Training Data" in html and "Low-Rank Key-Value Compression" not in html


def test_verdict_refuses_an_unknown_verdict(client, bank, django_user_model):
    client.force_login(django_user_model.objects.create_user("ada", password="a-long-password"))
    response = client.post(verdict_url(bank), {"paper": "gamma-3", "key": "4", "verdict": "maybe"})
    assert response.status_code == 400
    assert TraceVerdict.objects.count() == 0


def test_question_tag_renders_traced_sections_with_verdict_buttons(rf, bank, django_user_model):
    from django.template import engines

    request = rf.get("/")
    request.user = django_user_model.objects.create_user("ada", password="a-long-password")
    template = engines["django"].from_string("{% load trace_tags %}{% trace_for_question question %}")
    html = template.render({"question": bank["question"]}, request)
    assert "Low-Rank Key-Value Compression" in html
    assert 'value="confirm"' in html


@pytest.mark.parametrize("args", [[""], ["How does MLA work?", "--top", "0"]])
def test_command_exits_non_zero_with_one_line(args, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{tmp_path}/unused.sqlite3"}
    done = subprocess.run([sys.executable, "manage.py", "trace", *args, "--json"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "cannot trace" in done.stderr and done.stdout == ""


def test_question_page_shows_its_traced_sections(client, bank):
    response = client.get(f"/questions/{bank['question'].pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="traced-results"' in html and "Low-Rank Key-Value Compression" in html


def test_every_bank_question_shows_traced_sections_even_when_loosely_worded(client, bank):
    from kg.trace.tracing import trace_question

    loose = f.question("Which remedies would you try first for a cache that keeps growing?")
    assert trace_question(loose.text).results
