"""Build `textwash/data/language_lexicon.tsv.gz`: frequent words per language, from wordfreq.

Short text (two words) carries too few character n-grams to tell close languages apart;
knowing a language's frequent words does. This script reads wordfreq's shipped 'small'
frequency lists (install with `pip install -e '.[train]'`; no network) and keeps, per
language the detector knows, words at or above MIN_FREQUENCY, at most MAX_WORDS of them,
plus stop words (stopwordsiso, or written here) for languages wordfreq lacks.
Output: one line per language, `code<TAB>words<TAB>log10 frequencies × 100`, the two
lists space-separated and aligned, which loads in a fraction of a second. wordfreq's
data is CC BY-SA 4.0; the output file carries that attribution.
Run: `python scripts/build_language_lexicon.py`.
"""

from __future__ import annotations

import gzip
import math
from pathlib import Path

import stopwordsiso
import wordfreq

OUTPUT = Path(__file__).resolve().parent.parent / "textwash" / "data" / "language_lexicon.tsv.gz"
# wordfreq list → detector code; scripts that decide the language on their own are left out.
SOURCES = {
    "ar": "ar", "bg": "bg", "ca": "ca", "cs": "cs", "da": "da", "de": "de", "en": "en",
    "es": "es", "fa": "fa", "fi": "fi", "fil": "tl", "fr": "fr", "hi": "hi", "hu": "hu",
    "id": "id", "it": "it", "lt": "lt", "lv": "lv", "mk": "mk", "nb": "no", "nl": "nl",
    "pl": "pl", "pt": "pt", "ro": "ro", "ru": "ru", "sh": "hr", "sk": "sk", "sl": "sl",
    "sv": "sv", "tr": "tr", "uk": "uk", "ur": "ur", "vi": "vi",
}
# Languages wordfreq lacks get their stop words (stopwordsiso, MIT) at one typical
# frequency, so that Afrikaans is not outvoted by Dutch merely for having no list.
STOPWORD_SOURCES = {"af": "af", "et": "et", "so": "so", "sw": "sw", "mr": "mr"}
STOPWORD_LOG10 = -2.5
# Languages neither source covers: function words written for this project.
WRITTEN_STOPWORDS = {
    "cy": "a ac am ar at bod brif chi dan dros drwy ddim ei eich ein eu fe fel fod fy gan "
          "gyda heb hefyd hon hwn hyn hynny i iawn mae mewn mi mwy na nad neu ni nid nhw o "
          "oedd oes ond pan pob pryd rhwng roedd sydd tra trwy wedi y yma yn yr ydw ydy yw",
    "sq": "a apo ai ajo ata ato baj bëj deri dhe do duke e edhe gjithë i ishin ishte jam "
          "janë je jemi kam kanë kemi kësaj kështu kjo ku kur ky me mund më në nëse nga nuk "
          "për pa para pas por prej qe që se si sipas shumë tani të tij tyre u una unë ose",
}
MIN_FREQUENCY = 5e-6
MAX_WORDS = 20_000
HEADER = (
    "# Frequent words per language for textwash's language detector.\n"
    "# Derived from wordfreq (https://github.com/rspeer/wordfreq) 'small' lists,\n"
    "# data licensed CC BY-SA 4.0 by Robyn Speer and contributors; this file is shared\n"
    "# under the same licence. Stop words for languages wordfreq lacks: stopwords-iso (MIT),\n"
    "# and for Welsh and Albanian written for textwash.\n"
    "# Columns: code, space-separated words, their log10 frequencies × 100.\n"
)


def _line(code: str, entries: list[tuple[str, int]]) -> str:
    words = " ".join(word for word, _ in entries)
    values = " ".join(str(value) for _, value in entries)
    return f"{code}\t{words}\t{values}\n"


def main() -> None:
    lines = [HEADER]
    for source, code in sorted(SOURCES.items(), key=lambda item: item[1]):
        frequencies = wordfreq.get_frequency_dict(source, "small")
        ranked = sorted(frequencies.items(), key=lambda item: (-item[1], item[0]))
        kept = [
            (word, round(100 * math.log10(frequency)))
            for word, frequency in ranked
            if frequency >= MIN_FREQUENCY
            and any(char.isalpha() for char in word)
            and not any(char.isspace() for char in word)
        ][:MAX_WORDS]
        lines.append(_line(code, kept))
        print(f"{code}: {len(kept)} words")
    for source, code in sorted(STOPWORD_SOURCES.items()):
        words = sorted(w for w in stopwordsiso.stopwords(source) if not any(c.isspace() for c in w))
        lines.append(_line(code, [(word, round(100 * STOPWORD_LOG10)) for word in words]))
        print(f"{code}: {len(words)} stop words")
    for code, written in sorted(WRITTEN_STOPWORDS.items()):
        words = sorted(set(written.split()))
        lines.append(_line(code, [(word, round(100 * STOPWORD_LOG10)) for word in words]))
        print(f"{code}: {len(words)} written stop words")
    # mtime=0: rebuilding from the same lists gives the same bytes.
    with gzip.GzipFile(OUTPUT, "wb", compresslevel=9, mtime=0) as handle:
        handle.write("".join(lines).encode("utf-8"))
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
