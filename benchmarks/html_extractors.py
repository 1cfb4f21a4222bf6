"""Which library extracts an article from a saved web page best: the comparison behind
the choice of trafilatura for `.html` inputs.

    python benchmarks/html_extractors.py

Three real-shaped pages (a regional news page, a blog post with sidebar and comments, a
live-news page with "À lire aussi" links, ads and a most-read box; see html_pages/) are
given to each extractor; for each, `expected.json` lists sentences of the article that
must be kept and boilerplate (menus, ads, links, comments, footers) that must not. It
needs `readability-lxml` besides the project's own dependencies (trafilatura, and jusText,
which trafilatura depends on).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import lxml.html

HERE = Path(__file__).resolve().parent / "html_pages"


def with_trafilatura(html: str) -> str:
    from trafilatura import extract

    return extract(html, include_comments=False, include_tables=False) or ""


def with_readability(html: str) -> str:
    from readability import Document

    return lxml.html.fromstring(Document(html).summary()).text_content()


def with_justext(html: str) -> str:
    import justext

    return "\n".join(p.text for p in justext.justext(html.encode("utf-8"),
                                                     justext.get_stoplist("French"))
                     if not p.is_boilerplate)


def everything(html: str) -> str:
    return lxml.html.fromstring(html).text_content()


def main() -> None:
    pages = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))
    extractors = {"trafilatura": with_trafilatura, "readability-lxml": with_readability,
                  "jusText": with_justext, "all text (no extraction)": everything}
    print(f"{'extractor':<26} {'article kept':>13} {'boilerplate kept':>17} {'ms/page':>8}")
    for name, extract in extractors.items():
        kept = boilerplate = total_kept = total_boilerplate = 0
        extract((HERE / "blog.html").read_text(encoding="utf-8"))  # imports, caches: warm up
        started = time.perf_counter()
        for page in pages.values():
            text = " ".join(extract((HERE / page["file"]).read_text(encoding="utf-8")).split())
            kept += sum(sentence in text for sentence in page["article"])
            boilerplate += sum(junk in text for junk in page["boilerplate"])
            total_kept += len(page["article"])
            total_boilerplate += len(page["boilerplate"])
        milliseconds = (time.perf_counter() - started) * 1000 / len(pages)
        print(f"{name:<26} {kept:>6} of {total_kept:<4} {boilerplate:>8} of {total_boilerplate:<6} "
              f"{milliseconds:>8.1f}")


if __name__ == "__main__":
    main()
