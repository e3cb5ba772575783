"""The bench harness: wrk output parsing, the table and its targets (never timings)."""

import socket

import pytest

from kg.bench import __main__ as bench_main
from kg.bench.http import LoadResult, WrkError, parse_wrk
from kg.bench.report import lines, targets

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:8000/livez
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    20.12ms    5.01ms  80.00ms   90.00%
  10000 requests in 5.00s, 1.50MB read
Requests/sec:   2000.00
Transfer/sec:    300.00KB
RESULT 10000 5.00 18.500 30.250 60.125 20.120 3 2
"""


def test_parse_wrk_reads_the_result_line():
    result = parse_wrk(WRK_OUTPUT, path="/livez")
    assert result == LoadResult(path="/livez", requests=10000, seconds=5.0, rps=2000.0, p50_ms=18.5,
                                p95_ms=30.25, p99_ms=60.125, mean_ms=20.12, errors=5)


def test_parse_wrk_without_result_line_says_so():
    with pytest.raises(WrkError, match="no RESULT line"):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n", path="/x")


def test_parse_wrk_with_a_short_result_line_says_so():
    with pytest.raises(WrkError, match="expected 8"):
        parse_wrk("RESULT 1 2 3\n")


def _load(rps: float, p95: float, p99: float, errors: int = 0) -> dict:
    return LoadResult(path="/", requests=int(rps * 20), seconds=20.0, rps=rps, p50_ms=p95 / 2, p95_ms=p95,
                      p99_ms=p99, mean_ms=p95 / 2, errors=errors).as_dict()


def _stage(label: str, *, sections: int, relink: float, build: float, reingest: float, load: dict | None,
           queries: int = 7, rss: float = 200.0) -> dict:
    stage = {"label": label,
             "size": {"papers": 4, "pages": 160, "sections": sections, "notes": 40, "questions": 100,
                      "mentions": 3000, "note_links": 50, "text_mb": 2.5},
             "timings": {"relink_s": relink, "graph_build_s": build, "reingest_s": reingest,
                         "reingest_file": "DeepSeek_R1.pdf"}}
    if load is not None:
        stage["load"] = load
        stage["worker_rss_mb"] = rss
        stage["queries"] = {name: {"status": 200, "queries": queries, "kb": 10.0} for name in load}
    return stage


def _report(*, scale_p95: float = 100.0, scale_queries: int = 7, build: float = 5.0) -> dict:
    small = {"livez": _load(1000, 20, 40), "concept page": _load(600, 50, 100),
             "graph json depth 2": _load(500, 60, 140), "search": _load(300, 80, 149), "trace": _load(100, 150, 240)}
    big = {name: _load(row["rps"] / 2, scale_p95, scale_p95 * 1.2) for name, row in small.items()}
    return {
        "started": "2026-11-29 15:00:00", "seconds_per_endpoint": 20, "connections": 50, "total_s": 500.0,
        "server": {"workers": 3, "threads": 4},
        "ingest": {"files": ["a.pdf"] * 4, "pages": 162, "repeat": 3, "bare_get_text_s": 2.0,
                   "full_ingest_s": 5.0, "ratio": 2.5, "pages_per_s": 32.0, "peak_rss_mb_parent": 140.0,
                   "peak_rss_mb_parse_child": 120.0},
        "stages": [
            _stage("4 reports", sections=1200, relink=1.0, build=0.2, reingest=2.0, load=small),
            _stage("+100 synthetic", sections=6200, relink=5.0, build=1.0, reingest=2.1, load=None),
            _stage("+1,000 synthetic", sections=51200, relink=40.0, build=build, reingest=2.4, load=big,
                   queries=scale_queries),
        ],
        "phases": {"ingest bench": 90.0},
    }


def test_targets_all_met_on_a_good_run():
    found = targets(_report())
    assert found and all(t.met for t in found), [t for t in found if not t.met]
    names = " ".join(t.figure for t in found)
    for figure in ("ingest", "throughput vs livez", "trace p99", "p95", "worker RSS", "graph build",
                   "queries per page", "re-ingest", "whole `make bench` run"):
        assert figure in names


def test_targets_flag_slow_pages_changed_query_counts_and_slow_builds():
    found = {t.figure: t for t in targets(_report(scale_p95=250.0, scale_queries=9, build=12.0))}
    assert not found["[+1,000 synthetic] concept page p95"].met
    assert not found["[+1,000 synthetic] graph build"].met
    queries = next(t for name, t in found.items() if name.startswith("queries per page"))
    assert not queries.met and "concept page" in queries.value


def test_half_throughput_target_compares_with_livez_of_the_same_run():
    report = _report()
    report["stages"][0]["load"]["concept page"]["rps"] = 400.0  # livez did 1000
    found = {t.figure: t for t in targets(report)}
    assert not found["[4 reports] concept page throughput vs livez"].met
    assert found["[4 reports] concept page throughput vs livez"].value == "0.40"


def test_table_prints_every_figure_with_its_reference():
    text = "\n".join(lines(_report()))
    assert "bare get_text() 2.00 s" in text and "2.50x" in text
    assert "40.00 s (40.0x)" in text  # relink at scale beside its growth over 4 reports
    assert "HTTP under load, 4 reports" in text and "HTTP under load, +1,000 synthetic" in text
    assert "largest worker after the run: RSS" in text and "PSS" in text
    assert "targets met" in text


def test_table_of_a_partial_report_still_prints():
    report = _report()
    del report["stages"][1:]
    report["ingest"] = {}
    text = "\n".join(lines(report))
    assert "HTTP under load, 4 reports" in text


def test_free_port_is_free():
    port = bench_main.free_port()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))


def test_missing_papers_folder_is_one_line_and_exit_2(tmp_path, capsys):
    assert bench_main.main([str(tmp_path / "nowhere")]) == 2
    assert "no papers folder" in capsys.readouterr().err


def test_an_endpoint_that_timed_out_while_warming_is_a_missed_target():
    report = _report()
    stage = report["stages"][-1]
    del stage["load"]["trace"]
    stage["warm_status"] = {"livez": 200, "trace": 0}
    found = {t.figure: t for t in targets(report)}
    assert not found["[+1,000 synthetic] trace answers when cold (warm-up)"].met
    assert "HTTP under load, +1,000 synthetic" in "\n".join(lines(report))
