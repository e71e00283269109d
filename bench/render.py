#!/usr/bin/env python3
"""Renders bench/all.sh's raw results as markdown and rewrites the part of
docs/BENCHMARKS.md between the bench/all.sh markers.

Usage: render.py RESULTS_DIR BENCHMARKS_MD NO_DOC
"""
import json
import os
import re
import sys

BEGIN = "<!-- bench/all.sh:begin (generated: edit bench/render.py, not this part) -->"
END = "<!-- bench/all.sh:end -->"


def kv(path):
    out = {}
    if os.path.exists(path):
        for line in open(path):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                out[k] = v
    return out


def bench_lines(path):
    """Go benchmark lines as (name, {unit: value})."""
    rows = []
    if not os.path.exists(path):
        return rows
    for line in open(path):
        if not line.startswith("Benchmark"):
            continue
        f = line.split()
        name = re.sub(r"-\d+$", "", f[0])
        vals = {"iterations": float(f[1])}
        for i in range(2, len(f) - 1, 2):
            try:
                vals[f[i + 1]] = float(f[i])
            except ValueError:
                pass
        rows.append((name, vals))
    return rows


def errors_of(path):
    """Parser errors logged by the benchmark, by sub-benchmark."""
    errs = {}
    if not os.path.exists(path):
        return errs
    for line in open(path):
        m = re.match(r"\s+parse_test\.go:\d+: ([\w-]+): (.*)", line)
        if m:
            errs[m.group(1)] = m.group(2)
    return errs


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |")
    return "\n".join(out)


def render(res, root):
    m = kv(os.path.join(res, "machine.txt"))
    parts = []
    parts.append("## Latest full run (`bench/all.sh`)\n")
    parts.append(
        f"Machine: {m.get('cores')} cores ({m.get('cpu')}), {m.get('ram')} RAM, {m.get('os')}, "
        f"{m.get('go')}. Date: {m.get('date')}. Commit {m.get('commit')}. "
        f"Load average (1, 5, 15 min) {m.get('load_before')} before, {m.get('load_after')} after; "
        "other engineers' sessions share the machine, so wall times are upper bounds.\n"
    )
    parts.append(f"`uptime` before: `{m.get('uptime_before', '').strip()}`; after: `{m.get('uptime_after', '').strip()}`.\n")

    # 1. Parsers.
    inputs = kv(os.path.join(res, "inputs.txt"))
    rows = []
    for inp, desc in (("ec2", "aws-sdk-go-v2/service/ec2 v1.1.0..v1.300.0 `git diff`"), ("aacr", "the 39 AACR-Bench diffs of testdata/eval, concatenated")):
        path = os.path.join(res, f"parse-{inp}.txt")
        # Best of the -count runs per parser: on a shared machine the
        # fastest run is the one least disturbed by other work.
        best = {}
        for n, v in bench_lines(path):
            if n not in best or v.get("MB/s", 0) > best[n].get("MB/s", 0):
                best[n] = v
        lines = list(best.items())
        errs = errors_of(path)
        base = next((v.get("MB/s") for n, v in lines if n.endswith("/reviewbot")), None)
        size = int(inputs.get(inp, "0"))
        for name, v in lines:
            parser = name.split("/", 1)[1]
            mbs = v.get("MB/s", 0)
            ratio = f"{mbs / base:.2f}×" if base else "?"
            rows.append([f"{desc} ({size / 1e6:.1f} MB)", parser, f"{mbs:.1f}", ratio, f"{v.get('ns/op', 0) / 1e6:.1f} ms",
                         f"{v.get('files', 0):.0f}", f"{v.get('allocs/op', 0):,.0f}", errs.get(parser, "")])
    parts.append("### Diff parsing: reviewbot against three Go parsers, same bytes, same run\n")
    parts.append("`bench/parsers` (its own module: the other parsers never enter the binary). reviewbot's parser also numbers every line for anchoring, checks each hunk's counts and splits the diff per file so that one bad section cannot sink the rest; the others do less. Each figure is the best of `PARSE_COUNT` runs (default 3), the run least disturbed by other work on a shared machine; the ratio is MB/s over reviewbot's.\n")
    parts.append(table(["input", "parser", "MB/s", "vs reviewbot", "time per parse", "files found", "allocs", "error"], rows) + "\n")

    # 2. Dry run against git diff.
    rows = []
    p = os.path.join(res, "dryrun.txt")
    if os.path.exists(p):
        for line in open(p):
            label, rng, lines_, ms_r, ms_g, ld = line.rstrip("\n").split("|")
            rows.append([rng, f"{int(lines_):,}", f"{int(ms_r) / 1000:.3f} s", f"{int(ms_g) / 1000:.3f} s", f"{int(ms_r) / max(int(ms_g), 1):.1f}×", ld])
    parts.append("### `review --dry-run` on large ranges against `git diff` alone\n")
    parts.append("Packed scratch repositories of two module versions; median wall time of the runs (`RUNS`), after one warm-up run each. `git diff` is the exact invocation reviewbot makes; the rest of the dry run is filtering, language detection, codebase context and impact, routing and prompt assembly.\n")
    parts.append(table(["range", "changed lines", "review --dry-run", "git diff", "ratio", "load after"], rows) + "\n")

    # 3. Codebase.
    rows = []
    for name, v in bench_lines(os.path.join(res, "codebase.txt")):
        extra = ", ".join(f"{v[k]:,.0f} {k}" for k in v if k not in ("iterations", "ns/op", "B/op", "allocs/op"))
        rows.append([name, f"{v.get('ns/op', 0) / 1e9:.2f} s", f"{v.get('B/op', 0) / 1e6:,.0f} MB", f"{v.get('allocs/op', 0):,.0f}", extra])
    g = os.path.join(res, "gopls.txt")
    if os.path.exists(g):
        _, what, n, ms = open(g).read().strip().split("|")
        rows.append([f"cold `gopls references` ({what})", f"{int(ms) / 1000:.2f} s", "", "", f"{n} references"])
    parts.append("### Codebase context and impact on a large repository\n")
    if rows:
        parts.append(table(["benchmark", "time per op", "allocated", "allocs", "notes"], rows) + "\n")
    else:
        parts.append("Not run in this pass (`QUICK=1`).\n")

    # 4. Action.
    rows = []
    for name, v in bench_lines(os.path.join(res, "action.txt")):
        wall, longest = v.get("wall-s/op", 0), v.get("longest-call-s", 0)
        rows.append([f"{wall:.2f} s", f"{longest:.2f} s", f"{wall / longest:.2f}×" if longest else "?", f"{v.get('gh-writes/op', 0):.0f}", f"{v.get('min-write-gap-ms', 0):.0f} ms"])
    parts.append("### The Action on a 40-file pull request (`BenchmarkAction40Files`)\n")
    parts.append("Fake GitHub and fake Bedrock in process; the cheap model answers after 1.5 s and the premium after 6 s (`REVIEWBOT_BENCH_*_MS`). Time to review is measured against the longest single model call; GitHub content writes are made one at a time, at least 1 s apart (SPEC 5).\n")
    parts.append(table(["time to review", "longest model call", "ratio", "GitHub writes", "shortest gap between writes"], rows) + "\n")

    # 5. Tokens and cost per tier.
    corpus = os.path.join(root, "testdata", "eval", "aacr.jsonl")
    diff_tokens = {}
    for line in open(corpus):
        e = json.loads(line)
        diff_tokens[e["id"]] = (os.path.getsize(os.path.join(root, "testdata", "eval", e["diff_file"])) + 3) // 4
    rows = []
    for t, label in (("free", "free (cheap model only)"), ("auto", "auto (router per PR)"), ("team", "team"), ("baseline", "baseline: one prompt, whole raw diff, premium model")):
        p = os.path.join(res, f"tokens-{t}.json")
        if not os.path.exists(p):
            continue
        d = json.load(open(p))
        prompt = sum(pr.get("estimated_input_tokens_per_pr", 0) for pr in d["prs"])
        diff = sum(diff_tokens.get(pr["id"], 0) for pr in d["prs"])
        o = d["overall"]
        n = o["prs"]
        rows.append([label, d["run"]["cheap_model"] if t == "free" else d["run"]["premium_model"] + (" + " + d["run"]["cheap_model"] if t != "baseline" else ""),
                     n, f"{diff / n:,.0f}", f"{prompt / n:,.0f}", f"{prompt / diff:.2f}", f"${o.get('estimated_usd_per_pr', 0):.4f}", f"{o.get('recall_ceiling', 0):.3f}"])
    parts.append("### Prompt tokens per diff token and USD per PR, per tier\n")
    parts.append("`reviewbot eval --corpus testdata/eval/aacr.jsonl --dry-run` (39 real PRs; bare diffs, so no codebase context, which a repository run adds). Tokens are the planner's estimate (4 bytes a token), diff tokens the same estimate of the raw `git diff`; USD from the price table, output tokens estimated. The recall ceiling is the share of expert references whose lines the premium prompt shows (see docs/benchmarks/eval.md).\n")
    parts.append(table(["tier", "models", "PRs", "diff tokens/PR", "prompt tokens/PR", "prompt per diff token", "USD/PR", "recall ceiling"], rows) + "\n")

    # 6. Webhook.
    w = kv(os.path.join(res, "webhook.txt"))
    parts.append("### Webhook ack p50/p99 and RSS under load\n")
    if w.get("serve") == "available":
        parts.append("**Placeholder:** `reviewbot serve` is in this build but its load benchmark is not written yet.\n")
    else:
        parts.append("**Placeholder:** not measured. The GitHub App server (`reviewbot serve`) has not landed in this build; once it has, this row is its ack latency (p50, p99) and RSS under a burst of signed deliveries.\n")
    return "\n".join(parts)


def main():
    res, doc, no_doc = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
    root = os.path.dirname(os.path.dirname(os.path.abspath(doc)))
    md = render(res, root)
    if no_doc:
        print(md)
        return
    text = open(doc).read()
    block = BEGIN + "\n\n" + md + "\n" + END
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    open(doc, "w").write(text)
    print(f"rewrote the generated part of {doc}")


if __name__ == "__main__":
    main()
