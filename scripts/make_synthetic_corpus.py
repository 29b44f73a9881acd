"""Generate a synthetic corpus of seeds-like web documents, for the throughput benchmark.

Documents look like `seeds/`: a news article in paragraphs, wrapped in its site's
boilerplate (navigation labels, UI widgets, copyright footer, photo captions, image
links, datelines, repeated headlines), from 40 sites in 8 languages, each site with its
byte encoding (UTF-8, cp1252, cp1251, KOI8-R, EUC-KR, Shift_JIS, ...), some with CRLF
line ends or UTF-8 mojibake; files are plain text (some gzipped), HTML pages with a
declared charset, and JSONL dumps of several records. English sentences come from
`seeds/`, the other languages' and the boilerplate from `scripts/synthetic_corpus.toml`.
A fixed seed makes the same corpus every time; a finished corpus is reused, not rebuilt.
It writes files only; it does not clean or measure anything.

Usage: python scripts/make_synthetic_corpus.py [--docs 10000] [--seed 8] [--out .bench/...]
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import random
import re
import shutil
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MATERIAL = Path(__file__).resolve().with_name("synthetic_corpus.toml")
SEEDS = REPO / "seeds"
DEFAULT_DOCS = 10_000
DEFAULT_SEED = 8
GENERATOR_VERSION = 1
MARKER = ".corpus.json"  # next to the corpus folder, not in it

SITES = 40
# Share of sites per language; the rest of the sites are English.
LANGUAGE_SITES = {"de": 4, "fr": 4, "es": 3, "ru": 3, "ko": 3, "ja": 3, "hr": 2}
# The last English sites carry a foreign-language template (like seeds/003: Korean UI).
FOREIGN_TEMPLATES = ["ko", "de", "ja", "hr"]
JSONL_SHARE = 0.08        # of documents, as dumps of RECORDS_PER_JSONL records
RECORDS_PER_JSONL = 20
HTML_SHARE = 0.12         # of documents, as HTML pages
GZIP_SHARE = 0.05         # of plain-text files
MOJIBAKE_SHARE = 0.03     # of UTF-8 Latin-script documents: UTF-8 read as cp1252
CRLF_SITE_SHARE = 0.15
LATIN_SCRIPT = {"en", "de", "fr", "es", "hr"}
SEED_MARKUP = re.compile(r"!\[|\[Image|©")  # seed lines that are captions, not prose
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[.!?][\"”’'])\s+")


@dataclass(frozen=True, slots=True)
class Site:
    name: str
    domain: str
    text_language: str
    template_language: str
    encoding: str
    crlf: bool
    header: tuple[str, ...]
    footer: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CorpusInfo:
    root: Path
    documents: int
    files: int
    bytes: int
    seed: int

    def to_dict(self) -> dict[str, int]:
        return {"version": GENERATOR_VERSION, "documents": self.documents, "files": self.files,
                "bytes": self.bytes, "seed": self.seed}


def seed_sentences() -> list[str]:
    sentences = []
    for path in sorted(SEEDS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if len(line.split()) < 12:  # headlines and boilerplate lines, not sentences
                continue
            sentences.extend(s.strip() for s in SENTENCE_END.split(line)
                             if 40 <= len(s) <= 400 and not SEED_MARKUP.search(s))
    return sentences


def load_material() -> dict:
    material = tomllib.loads(MATERIAL.read_text(encoding="utf-8"))
    material["languages"]["en"]["sentences"] = seed_sentences()
    return material


def make_sites(material: dict, rng: random.Random) -> list[Site]:
    plan = [lang for lang, count in LANGUAGE_SITES.items() for _ in range(count)]
    plan += ["en"] * (SITES - len(plan))
    templates = list(plan)
    templates[-len(FOREIGN_TEMPLATES):] = FOREIGN_TEMPLATES
    sites = []
    for number, (language, template) in enumerate(zip(plan, templates, strict=True)):
        words = material["languages"][template]
        domain = f"site{number:02d}.example"
        name = f"The {domain.split('.')[0].title()} Daily"
        header = tuple(rng.sample(words["boilerplate"], k=min(3, len(words["boilerplate"]))))
        footer = (words["copyright"].format(site=f"{name}({domain})"),
                  rng.choice(material["languages"]["en"]["boilerplate"][-6:]))
        encodings = material["languages"][language]["encodings"]
        encoding = rng.choice(encodings) if template == language else "utf-8"
        sites.append(Site(f"site{number:02d}", domain, language, template, encoding,
                          rng.random() < CRLF_SITE_SHARE, header, footer))
    return sites


def article(site: Site, material: dict, rng: random.Random, number: int) -> tuple[str, list[str]]:
    """A title and the article's paragraphs (no boilerplate)."""
    words = material["languages"][site.text_language]
    title = f"{rng.choice(words['headlines'])} ({number})"
    sentences = words["sentences"]
    paragraphs = []
    for _ in range(rng.randint(4, 9)):
        count = min(len(sentences), rng.randint(3, 6))
        paragraphs.append(" ".join(rng.sample(sentences, k=count)))
    return title, paragraphs


def text_document(site: Site, material: dict, rng: random.Random, number: int) -> str:
    """The article as a scraped plain-text page, boilerplate lines and all."""
    template = material["languages"][site.template_language]
    names = material["names"]["photographers"]
    title, paragraphs = article(site, material, rng, number)
    lines: list[str] = list(site.header) if rng.random() < 0.7 else []
    lines += ["", title, ""]
    if rng.random() < 0.4:
        lines += [template["caption"].format(name=rng.choice(names)), ""]
    blank = rng.random() < 0.5
    for index, paragraph in enumerate(paragraphs):
        lines.append(paragraph)
        if blank:
            lines.append("")
        if index == 1 and rng.random() < 0.3:
            lines += [f"{title} {template['caption'].format(name=rng.choice(names))}", ""]
    if rng.random() < 0.5:
        lines += ["", template["dateline"].format(day=rng.randint(1, 28))]
    lines += ["", *site.footer]
    if rng.random() < 0.3:
        image = f"https://img.{site.domain}/photo/{rng.randrange(10**9):09d}.jpg"
        lines += ["", f"![{rng.choice(material['languages'][site.text_language]['headlines'])}]"
                      f"({image})"]
    return "\n".join(lines) + "\n"


def html_document(site: Site, material: dict, rng: random.Random, number: int) -> str:
    template = material["languages"][site.template_language]
    title, paragraphs = article(site, material, rng, number)
    nav = "".join(f'<a href="/{i}">{html.escape(label)}</a> '
                  for i, label in enumerate(site.header))
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    footer = " ".join(html.escape(line) for line in site.footer)
    return (
        f'<!doctype html><html><head><meta charset="{site.encoding}">'
        f"<title>{html.escape(title)} | {html.escape(site.domain)}</title>"
        f'<link rel="canonical" href="https://{site.domain}/news/{number}"></head>'
        f"<body><nav>{nav}</nav><article><h1>{html.escape(title)}</h1>\n{body}\n"
        f"<p class=\"date\">{html.escape(template['dateline'].format(day=number % 28 + 1))}</p>"
        f"</article><footer>{footer}</footer></body></html>\n"
    )


def encode(text: str, site: Site, rng: random.Random) -> bytes:
    if site.crlf:
        text = text.replace("\n", "\r\n")
    if (site.encoding == "utf-8" and site.text_language in LATIN_SCRIPT
            and rng.random() < MOJIBAKE_SHARE):
        text = text.encode("utf-8").decode("cp1252", errors="replace")
    return text.encode(site.encoding, errors="replace")


def build_corpus(root: Path, docs: int = DEFAULT_DOCS, seed: int = DEFAULT_SEED) -> CorpusInfo:
    """Write the corpus under `root` (reused when a finished one with the same recipe is there)."""
    marker = root.with_name(root.name + MARKER)
    if marker.exists():
        found = json.loads(marker.read_text())
        if (found.get("version"), found.get("documents"), found.get("seed")) == (
            GENERATOR_VERSION, docs, seed
        ):
            return CorpusInfo(root, found["documents"], found["files"], found["bytes"], seed)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    rng = random.Random(seed)
    material = load_material()
    sites = make_sites(material, rng)
    written = files = 0
    jsonl_docs = int(docs * JSONL_SHARE) // RECORDS_PER_JSONL * RECORDS_PER_JSONL
    number = 0
    while number < docs - jsonl_docs:
        site = sites[number % len(sites)]
        folder = root / site.name
        folder.mkdir(exist_ok=True)
        if rng.random() < HTML_SHARE:
            path = folder / f"{number:05d}.html"
            data = html_document(site, material, rng, number).encode(site.encoding, "replace")
        else:
            data = encode(text_document(site, material, rng, number), site, rng)
            path = folder / f"{number:05d}.txt"
            if rng.random() < GZIP_SHARE:
                path, data = path.with_suffix(".txt.gz"), gzip.compress(data, mtime=0)
        path.write_bytes(data)
        written += len(data)
        files += 1
        number += 1
    dumps = root / "dumps"
    dumps.mkdir(exist_ok=True)
    while number < docs:
        site = sites[number % len(sites)]
        lines = []
        for _ in range(RECORDS_PER_JSONL):
            title, _ = article(site, material, rng, number)
            text = text_document(site, material, rng, number)
            lines.append(json.dumps({"id": f"{site.name}-{number}", "title": title,
                                     "url": f"https://{site.domain}/news/{number}",
                                     "text": text}, ensure_ascii=False))
            number += 1
        data = ("\n".join(lines) + "\n").encode("utf-8")
        (dumps / f"{site.name}-{number:05d}.jsonl").write_bytes(data)
        written += len(data)
        files += 1
    info = CorpusInfo(root, docs, files, written, seed)
    marker.write_text(json.dumps(info.to_dict()))
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=DEFAULT_DOCS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=REPO / ".bench" / "synthetic" / "raw")
    args = parser.parse_args(argv)
    info = build_corpus(args.out, args.docs, args.seed)
    print(f"{info.documents} documents in {info.files} files, {info.bytes / 1e6:.1f} MB "
          f"under {info.root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
