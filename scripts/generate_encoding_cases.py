"""Generate the decode-and-repair test cases: every family of issue #3, fixed seed.

Cases are built from correct sentences written for this script (below, one list per
language) by damaging them the way the web does: encoding them in a legacy charset with
or without a (right or wrong) declaration, mis-decoding UTF-8 as cp1252 / latin-1 /
mac_roman once or twice, escaping entities, inserting control and invisible characters,
losing characters to '?'. Each case records the raw bytes, the text
`decode_and_repair` must return, and (where it matters) whether `encoding.damaged` must
be set. Negative cases are correct text that must come out unchanged but for the
Unicode policy. This script does not run the repair; tests and `bench/bench_decode.py`
do.

Usage: python scripts/generate_encoding_cases.py [--out tests/fixtures/encoding/cases.jsonl]
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import random
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

SEED = 20261122
CASES_PER_FAMILY = 40
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "tests/fixtures/encoding/cases.jsonl"

SENTENCES: dict[str, list[str]] = {
    "en": [
        "The committee met on Tuesday to review the budget — the third meeting this month.",
        "“We’re not there yet,” the chair said, adding that costs had risen by €2.4 million.",
        "Residents who live near the river say the water level rose faster than anyone expected.",
        "It’s a small town, but its café serves the best coffee in the county.",
        "Analysts expect the decision to be delayed until after the summer recess.",
        "The report’s authors — a team of six economists — were cautious about the outlook.",
        "Tickets cost £12 for adults and £6 for children under twelve.",
        "She described the plan as “ambitious but achievable” and promised a vote in March.",
        "The museum’s new wing, designed by a local architect, opens to the public on Saturday.",
        "Farmers warned that another dry summer would hurt the harvest… again.",
        "The city council will publish the final figures next week.",
        "Most of the new homes were sold before construction had even started.",
        "Police closed the main road for several hours on Sunday morning.",
    ],
    "fr": [
        "Le conseil municipal s’est réuni mardi soir pour examiner le budget de l’année prochaine.",
        "« Nous n’avons pas encore terminé », a déclaré la présidente à la presse.",
        "Les élèves ont visité le musée d’Orsay, où ils ont découvert les œuvres de Monet.",
        "Il faudra être très prudent : la météo annonce des orages pour ce week-end.",
        "Ça coûte cher, mais la qualité des matériaux justifie le prix.",
        "Les habitants du quartier se plaignent du bruit du chantier voisin.",
        "Après la réunion, le maire a répondu aux questions des journalistes.",
        "Le gâteau était délicieux et la crème brûlée encore meilleure.",
    ],
    "de": [
        "Die Straßenbahn fährt künftig auch am Wochenende bis Mitternacht.",
        "Über die Änderungen wurde im Ausschuss lange und heftig diskutiert.",
        "„Wir müssen schneller handeln“, sagte die Bürgermeisterin am Donnerstag.",
        "Größere Unternehmen profitieren stärker von den neuen Förderprogrammen.",
        "Im Frühjahr blühen die Obstbäume am Ufer des Sees besonders schön.",
        "Die Anwohner beschweren sich über den Lärm der nahen Baustelle.",
        "Für die Prüfung müssen die Schüler drei Aufsätze schreiben.",
    ],
    "es": [
        "El ayuntamiento aprobó ayer la construcción de un nuevo puente sobre el río.",
        "¿Cuándo llegará el próximo tren? Nadie en la estación lo sabía.",
        "La niña pidió un pañuelo y una taza de té caliente.",
        "Según el informe, la producción aumentó un 12 % durante el último año.",
        "Los vecinos se quejan del ruido que llega de la obra cercana.",
        "¡Qué sorpresa! El equipo ganó el campeonato después de diez años.",
    ],
    "pt": [
        "A população da cidade cresceu muito nas últimas décadas.",
        "Não sabemos ainda quando as obras serão concluídas, disse o engenheiro.",
        "As crianças brincavam na praça enquanto os pais conversavam.",
        "O governo anunciou medidas para reduzir a inflação até o próximo ano.",
        "Em São Paulo, a estação de metrô ficará fechada durante o feriado.",
    ],
    "it": [
        "Il governo ha annunciato nuove misure per sostenere le piccole imprese.",
        "Perché non è venuto alla riunione di ieri? Nessuno lo sa.",
        "La città è famosa per la sua università e per i suoi caffè storici.",
        "Gli abitanti si lamentano del rumore proveniente dal cantiere vicino.",
        "Più tardi andremo al mare, se il tempo lo permetterà.",
    ],
    "sv": [
        "Bönderna i Skåne räknar med en bättre skörd i år än förra året.",
        "Regeringen lovar att skatterna inte ska höjas nästa år.",
        "På lördag spelar den lokala orkestern i parken vid sjön.",
    ],
    "da": [
        "Det blæser meget på øen om vinteren, så færgen sejler sjældent.",
        "Beboerne klager over støjen fra byggepladsen i nærheden.",
    ],
    "is": [
        "Þjóðin fagnaði sigri landsliðsins á föstudagskvöldið.",
        "Veðrið á Íslandi getur breyst á örfáum mínútum.",
    ],
    "pl": [
        "Wczoraj w Krakowie odbyło się spotkanie przedstawicieli samorządów.",
        "Zażółć gęślą jaźń - to zdanie zawiera wszystkie polskie znaki.",
        "Mieszkańcy skarżą się na hałas dochodzący z pobliskiej budowy.",
        "Rząd zapowiedział, że podatki nie wzrosną w przyszłym roku.",
        "W sobotę w parku zagra miejscowa orkiestra dęta.",
        "Źródła podają, że ścieżka rowerowa będzie gotowa jesienią.",
    ],
    "cs": [
        "Příliš žluťoučký kůň úpěl ďábelské ódy.",
        "Vláda schválila nový zákon o ochraně přírody a krajiny.",
        "Ve čtvrtek bude v Praze zataženo a občas zaprší.",
        "Obyvatelé si stěžují na hluk z nedalekého staveniště.",
    ],
    "hu": [
        "Árvíztűrő tükörfúrógép.",
        "A főváros vezetése új kerékpárutak építését tervezi.",
        "Tegnap este ünnepélyesen átadták a felújított hidat.",
        "A lakók panaszkodnak a közeli építkezés zajára.",
    ],
    "sk": [
        "Slovenská vláda rokovala o zvýšení platov učiteľov.",
        "Obyvatelia sa sťažujú na hluk z neďalekej stavby.",
    ],
    "ru": [
        "Вчера в Москве прошло заседание городской думы.",
        "Жители района жалуются на шум от строительства новой дороги.",
        "Правительство обещает, что налоги в следующем году не вырастут.",
        "Съешь же ещё этих мягких французских булок, да выпей чаю.",
        "В субботу в парке состоится концерт местного оркестра.",
        "По словам экспертов, цены на жильё продолжат расти.",
        "Школьники посетили музей и узнали много нового об истории города.",
    ],
    "uk": [
        "Учора в Києві відбулася зустріч представників громад.",
        "Місцеві жителі скаржаться на шум від будівництва.",
        "Уряд пообіцяв, що податки наступного року не зростуть.",
        "У суботу в парку гратиме місцевий оркестр.",
    ],
    "bg": [
        "Правителството обеща, че данъците няма да се увеличат.",
        "Жителите се оплакват от шума от близкия строеж.",
    ],
    "ko": [
        "어제 서울에서 지방자치단체 대표들의 회의가 열렸다.",
        "주민들은 인근 공사장에서 나는 소음에 대해 불만을 제기했다.",
        "정부는 내년에 세금을 올리지 않겠다고 밝혔다.",
        "토요일에는 공원에서 지역 오케스트라의 음악회가 열린다.",
        "전문가들은 집값이 계속 오를 것이라고 전망했다.",
        "학생들은 박물관을 방문해 도시의 역사에 대해 많은 것을 배웠다.",
        "“아직 끝나지 않았습니다”라고 의장은 기자들에게 말했다.",
    ],
    "ja": [
        "昨日、東京で地方自治体の代表者会議が開かれた。",
        "住民たちは近くの工事現場からの騒音に不満を訴えている。",
        "政府は来年、税金を上げないと発表した。",
        "土曜日には公園で地元のオーケストラによる演奏会が行われる。",
        "「まだ終わっていません」と議長は記者団に語った。",
        "専門家によると、住宅価格は今後も上昇を続ける見通しだ。",
        "生徒たちは博物館を訪れ、町の歴史について多くを学んだ。",
    ],
    "zh": [
        "昨天，北京举行了地方政府代表会议。",
        "居民们抱怨附近工地的噪音太大。",
        "政府表示明年不会提高税收。",
        "星期六公园里将举办当地乐团的音乐会。",
        "“我们还没有完成，”主席对记者说。",
        "专家认为，房价在未来几年仍将继续上涨。",
        "学生们参观了博物馆，了解了这座城市的历史。",
    ],
    "zh-tw": [
        "昨天，臺北舉行了地方政府代表會議。",
        "居民們抱怨附近工地的噪音太大。",
        "政府表示明年不會提高稅收。",
        "星期六公園裡將舉辦當地樂團的音樂會。",
        "專家認為，房價在未來幾年仍將繼續上漲。",
        "學生們參觀了博物館，瞭解了這座城市的歷史。",
    ],
    "el": [
        "Χθες πραγματοποιήθηκε στην Αθήνα σύσκεψη των δημάρχων της περιφέρειας.",
        "Οι κάτοικοι διαμαρτύρονται για τον θόρυβο από το κοντινό εργοτάξιο.",
        "Η κυβέρνηση δήλωσε ότι οι φόροι δεν θα αυξηθούν τον επόμενο χρόνο.",
        "Το Σάββατο θα δοθεί συναυλία στο πάρκο από την τοπική ορχήστρα.",
        "Άλλοι μαθητές επισκέφθηκαν το μουσείο και έμαθαν για την ιστορία της πόλης.",
    ],
    "ar": [
        "عقد أمس في القاهرة اجتماع لممثلي البلديات.",
        "يشكو السكان من الضجيج الصادر عن موقع البناء القريب.",
        "أعلنت الحكومة أنها لن ترفع الضرائب في العام المقبل.",
        "يقام يوم السبت حفل موسيقي في الحديقة للفرقة المحلية.",
        "يتوقع الخبراء أن تستمر أسعار المساكن في الارتفاع.",
    ],
    # Persian as old Windows-1256 sites wrote it (Arabic yeh, which cp1256 can encode).
    "fa-1256": [
        "ديروز در تهران نشستي با حضور نمايندگان شهرداري‌ها برگزار شد.",
        "ساکنان از سر و صداي کارگاه ساختماني نزديک شکايت دارند.",
    ],
    "he": [
        "אתמול התקיימה בירושלים פגישה של נציגי הרשויות המקומיות.",
        "התושבים מתלוננים על הרעש מאתר הבנייה הסמוך.",
        "הממשלה הודיעה כי המסים לא יעלו בשנה הבאה.",
        "ביום שבת תתקיים הופעה של התזמורת המקומית בפארק.",
        "לדברי מומחים, מחירי הדירות ימשיכו לעלות.",
    ],
    "th": [
        "เมื่อวานนี้มีการประชุมตัวแทนองค์กรปกครองส่วนท้องถิ่นที่กรุงเทพฯ",
        "ชาวบ้านร้องเรียนเรื่องเสียงดังจากสถานที่ก่อสร้างใกล้เคียง",
        "รัฐบาลประกาศว่าจะไม่ขึ้นภาษีในปีหน้า",
        "วันเสาร์นี้จะมีการแสดงดนตรีของวงออร์เคสตราท้องถิ่นในสวนสาธารณะ",
        "ผู้เชี่ยวชาญคาดว่าราคาที่อยู่อาศัยจะยังคงสูงขึ้นต่อไป",
    ],
    "vi": [
        "Hôm qua, đại diện các chính quyền địa phương đã họp tại Hà Nội.",
        "Người dân phàn nàn về tiếng ồn từ công trường gần đó.",
        "Chính phủ cho biết sẽ không tăng thuế vào năm tới.",
        "Thứ Bảy này, dàn nhạc địa phương sẽ biểu diễn ở công viên Đà Nẵng.",
    ],
    "tr": [
        "Dün İstanbul’da belediye temsilcilerinin katıldığı bir toplantı yapıldı.",
        "Şehirde yaşayan öğrenciler ılık havanın tadını çıkardı.",
        "Hükümet, gelecek yıl vergilerin artırılmayacağını açıkladı.",
        "Ağaçların altında oturan yaşlılar çay içip sohbet ediyordu.",
    ],
    "af": [
        "Hy het ŉ nuwe fiets gekoop en dit is baie vinnig.",
        "Dit was ŉ lang dag, maar ons is tevrede met die uitslag.",
        "Die skool hou volgende week ŉ konsert in die saal.",
    ],
    "fa": [
        "می‌خواهم کتاب‌ها را به کتابخانه برگردانم.",
        "دیروز در تهران نشستی با حضور نمایندگان شهرداری‌ها برگزار شد.",
        "بچه‌ها در پارک بازی می‌کردند و پدر و مادرها گفت‌وگو می‌کردند.",
    ],
    "hi": [
        "कल नई दिल्ली में स्थानीय निकायों के प्रतिनिधियों की बैठक हुई।",
        "सरकार ने कहा कि अगले साल कर नहीं बढ़ाए जाएंगे।",
    ],
}

# Correct text that must come out unchanged (all already satisfy the Unicode policy).
NEGATIVE_EXTRAS: dict[str, list[str]] = {
    "emoji": [
        "Our family 👨‍👩‍👧‍👦 went hiking 🏔️ and the kids loved it 👍🏽",
        "She is a scientist 👩‍🔬 and a pilot 👩🏻‍✈️ — and she flies on weekends 🛩️.",
        "Flags at the finish line: 🇰🇷 🇯🇵 🇩🇪 🏳️‍🌈 and a 🐕‍🦺 guide dog.",
        "Great job!!! 🎉🎉 See you tomorrow ❤️",
    ],
    "cjk-fullwidth": [
        "東京（とうきょう）は日本の首都です！　人口は約１４００万人。",
        "会議は午後３時から始まります：場所は本館５階です。",
        "你好！今天天气怎么样？我们去公园吧～",
        "【速報】新しい駅が開業しました。「便利になった」との声も。",
        "서울（首尔）은 한국의 수도입니다！",
    ],
    "curly-quotes": [
        "“Hello,” she said. ‘It’s fine — really.’",
        "The sign read “Don’t walk” but nobody paid attention.",
        "He called it the ‘best’ day of his life… and meant it.",
        "„Ja“, sagte er, „das ist ‚richtig‘.“",
        "« Oui », dit-elle, « c’est ça ».",
    ],
    "math": [
        "∀x ∈ ℝ: x² ≥ 0, and ∑ᵢ aᵢ ≤ √n · ‖a‖₂.",
        "Let f(x) = x³ − 2x + 1; then f′(1) = 1 and ∫₀¹ f(x) dx = ¼.",
        "The tolerance is ±5 %, i.e. 3 × 10⁻⁶ m at 90° and ½ cup of water.",
        "If A ⊆ B and B ⊆ A then A = B; |A ∩ B| ≤ min(|A|, |B|).",
        "E = mc², Δt ≈ 0.3 µs, and the ratio is 4:3 ≠ 16:9.",
        "(−1/2)! = √π/…? No: Γ(½) = √π ≈ 1.772.",
    ],
    "code": [
        'if (x > 0 && y < 10) { printf("%d?\\n", x); }',
        "const url = `https://example.com/api?id=${id}&sort=desc`;",
        "SELECT name FROM users WHERE id = ? AND status = 'active';",
        "let max = a > b ? a : b; // ternary, no spaces: a>b?a:b",
        "pattern = re.compile(r'colou?r|gr[ae]y')",
        "curl 'https://api.example.org/v1/search?q=caf%C3%A9&page=2&lang=fr'",
        "grep -E 'x?y' file.txt | sort -u > out.txt",
        "The query string ?utm_source=news&utm_medium=email was stripped.",
    ],
    "questions": [
        "Is it true? Nobody knows for sure.",
        "What happened next?Nobody could say.",
        "Really?! That is what he said??",
        "Can you come tomorrow? yes or no, please.",
        "Did he say why?? No.",
        "Wait... what??? That can’t be right.",
        "See https://example.com/faq?topic=billing for details.",
        "Visit www.example.org/search?q=north+korea&page=3 today.",
    ],
    "lookalike": [
        "The price rose from £5 to £7½ — a 40 % jump.",
        "Åse Ødegård is the new CEO of Østfold Energi.",
        "MÜNCHEN ÖFFNET DAS MUSEUM AM SONNTAG.",
        "«¿Qué?», preguntó ella. «¡Nada!»",
        "ÁÉÍÓÚ áéíóú ÂÊÎÔÛ âêîôû ÀÈÌÒÙ ÄËÏÖÜ",
        "CONCLUSÃO: MÃE, PÃO E IRMÃ SÃO PALAVRAS COMUNS.",
        "Model Ø12 mm × 30 mm, weight 1,2 kg ±0,1 kg, 20 °C.",
        "ÉTÉ® 2024 — the festival’s logo is ©2024 ÉTÉ Ltd.",
        "Temperatures of −5°C… 5×£3 offers, ¾ full, ¼ left.",
        "Crème brûlée, jalapeño, naïve, façade, Zoë, Noël.",
        "Ţară, Ştefan, Ăla — Romanian with cedillas.",
        "Straße · Maße · Füße · Ärger · Öl · Übel",
        'Mojibake: "Ã©" is what "é" looks like when UTF-8 is read as Windows-1252.',
        "If you see â€™ where ’ belongs, the page was decoded with the wrong charset.",
    ],
    "ascii": [
        "The quick brown fox jumps over the lazy dog.",
        "Profits rose 12% in Q3; see the table below for details.",
        "Tom & Jerry, AT&T and R&D are fine as they are.",
    ],
}

LEGACY_FAMILIES: list[tuple[str, list[str], list[str]]] = [
    ("legacy-cp1252", ["cp1252"], ["en", "fr", "de", "es", "pt", "it", "sv", "da", "is"]),
    ("legacy-latin1", ["latin-1"], ["fr", "de", "es", "pt", "it", "sv", "da", "is"]),
    ("legacy-iso8859-2", ["iso-8859-2"], ["pl", "cs", "hu", "sk"]),
    ("legacy-cp1251", ["cp1251"], ["ru", "uk", "bg"]),
    ("legacy-koi8-r", ["koi8-r"], ["ru"]),
    ("legacy-euc-kr", ["euc-kr", "cp949"], ["ko"]),
    ("legacy-shift-jis", ["shift_jis", "cp932"], ["ja"]),
    ("legacy-euc-jp", ["euc-jp"], ["ja"]),
    ("legacy-gb18030", ["gb18030", "gbk"], ["zh"]),
    ("legacy-big5", ["big5"], ["zh-tw"]),
    ("legacy-iso8859-7", ["iso-8859-7"], ["el"]),
    ("legacy-cp1256", ["cp1256"], ["ar", "fa-1256"]),
    ("legacy-cp1255", ["cp1255"], ["he"]),
    ("legacy-tis-620", ["tis-620"], ["th"]),
]

HTML_LABELS: dict[str, list[str]] = {
    "cp1252": ["windows-1252", "iso-8859-1", "latin1"],
    "iso-8859-2": ["iso-8859-2", "ISO-8859-2"],
    "cp1251": ["windows-1251", "cp1251"],
    "koi8-r": ["koi8-r", "KOI8-R"],
    "cp949": ["euc-kr", "ks_c_5601-1987"],
    "cp932": ["shift_jis", "Shift_JIS", "x-sjis"],
    "euc-jp": ["euc-jp", "EUC-JP"],
    "gbk": ["gb2312", "gbk", "GB2312"],
    "big5": ["big5", "Big5"],
    "iso-8859-7": ["iso-8859-7"],
    "cp1256": ["windows-1256"],
    "cp1255": ["windows-1255"],
    "tis-620": ["tis-620", "windows-874"],
}
HTML_LANGS: dict[str, list[str]] = {
    "cp1252": ["en", "fr", "de", "es", "pt", "it"],
    "iso-8859-2": ["pl", "cs", "hu"],
    "cp1251": ["ru", "uk", "bg"],
    "koi8-r": ["ru"],
    "cp949": ["ko"],
    "cp932": ["ja"],
    "euc-jp": ["ja"],
    "gbk": ["zh"],
    "big5": ["zh-tw"],
    "iso-8859-7": ["el"],
    "cp1256": ["ar"],
    "cp1255": ["he"],
    "tis-620": ["th"],
}

LATIN_LANGS = ["en", "fr", "de", "es", "pt", "it", "sv", "da", "is", "pl", "cs", "hu", "tr", "vi"]
ALL_LANGS = [lang for lang in SENTENCES if lang != "fa-1256"]


@dataclass(frozen=True, slots=True)
class Case:
    family: str
    raw: bytes
    expected: str
    filename: str = ""
    damaged: bool | None = None
    note: str = ""

    def to_json(self, index: int) -> dict[str, object]:
        return {
            "id": f"{self.family}-{index:03d}",
            "family": self.family,
            "filename": self.filename,
            "raw_b64": base64.b64encode(self.raw).decode("ascii"),
            "expected": self.expected,
            "damaged": self.damaged,
            "note": self.note,
        }


def encodable(text: str, codec: str) -> bool:
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def paragraph(rng: random.Random, lang: str, codec: str | None = None, *,
              low: int = 1, high: int = 5) -> str:
    pool = [s for s in SENTENCES[lang] if codec is None or encodable(s, codec)]
    picked = rng.sample(pool, min(len(pool), rng.randint(low, high)))
    separator = rng.choice([" ", "\n", "\n\n"])
    return separator.join(picked)


def short_phrase(rng: random.Random, lang: str, codec: str | None = None) -> str:
    """A few words of one sentence: the hard case for charset detection."""
    sentence = rng.choice([s for s in SENTENCES[lang] if codec is None or encodable(s, codec)])
    words = sentence.split(" ")
    if len(words) == 1:
        return sentence[: max(4, len(sentence) // 2)]
    size = rng.randint(3, 6)
    start = rng.randrange(max(1, len(words) - size + 1))
    return " ".join(words[start:start + size])


def sparse_english(rng: random.Random) -> str:
    """English prose with only one or two non-ASCII characters in it."""
    plain = [s for s in SENTENCES["en"] if s.isascii()]
    picked = rng.sample(plain, 3) + [rng.choice(["It’s done.", "The café closed.",
                                                 "A “final” offer.", "Costs: €40."])]
    rng.shuffle(picked)
    return " ".join(picked)


def sloppy_decode(data: bytes, codec: str) -> str:
    """Decode like a browser that maps bytes a code page leaves undefined to C1 controls."""
    return "".join(
        data[i:i + 1].decode(codec, errors="ignore") or chr(data[i]) for i in range(len(data))
    )


def mojibake(text: str, codec: str, times: int = 1) -> str:
    for _ in range(times):
        text = sloppy_decode(text.encode("utf-8"), codec)
    return text


def html_document(body: list[str], title: str, head_decl: str, *, xml: bool = False) -> str:
    paragraphs = "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in body)
    prefix = head_decl + "\n" if xml else "<!DOCTYPE html>\n"
    meta = "" if xml else head_decl
    return (
        f"{prefix}<html><head>{meta}<title>{html.escape(title, quote=False)}</title></head>\n"
        f"<body>\n<h1>{html.escape(title, quote=False)}</h1>\n{paragraphs}\n</body></html>\n"
    )


def declaration(rng: random.Random, label: str) -> tuple[str, bool]:
    style = rng.choice(["meta", "http-equiv", "xml"])
    if style == "meta":
        return f'<meta charset="{label}">', False
    if style == "http-equiv":
        return f'<meta http-equiv="Content-Type" content="text/html; charset={label}">', False
    return f'<?xml version="1.0" encoding="{label}"?>', True


# ---- families -------------------------------------------------------------------------

def legacy_cases(rng: random.Random) -> Iterator[Case]:
    for family, codecs, langs in LEGACY_FAMILIES:
        for i in range(CASES_PER_FAMILY):
            codec = codecs[i % len(codecs)]
            lang = langs[i % len(langs)]
            text = paragraph(rng, lang, codec, low=1, high=6)
            if i % 4 == 3:
                text = short_phrase(rng, lang, codec)
            elif i % 5 == 4 and codec == "cp1252":
                text = sparse_english(rng)
            yield Case(family, text.encode(codec), text, rng.choice(["", "page.txt"]),
                       note=f"{lang} {codec}")


def bom_cases(rng: random.Random) -> Iterator[Case]:
    for i in range(CASES_PER_FAMILY):
        lang = ALL_LANGS[i % len(ALL_LANGS)]
        text = paragraph(rng, lang)
        yield Case("bom-utf8", b"\xef\xbb\xbf" + text.encode("utf-8"), text, note=lang)
    for i in range(CASES_PER_FAMILY):
        lang = ALL_LANGS[(i * 7) % len(ALL_LANGS)]
        text = paragraph(rng, lang)
        codec = "utf-16-le" if i % 2 else "utf-16-be"
        bom = b"\xff\xfe" if codec == "utf-16-le" else b"\xfe\xff"
        yield Case("bom-utf16", bom + text.encode(codec), text, note=f"{lang} {codec}")


def html_declared_cases(rng: random.Random) -> Iterator[Case]:
    codecs = list(HTML_LABELS)
    for i in range(CASES_PER_FAMILY * 2):
        codec = codecs[i % len(codecs)]
        lang = rng.choice(HTML_LANGS[codec])
        body = paragraph(rng, lang, codec, low=1, high=4).split("\n")
        body = [p for p in body if p]
        title = rng.choice([s for s in SENTENCES[lang] if encodable(s, codec)])
        decl, xml = declaration(rng, rng.choice(HTML_LABELS[codec]))
        markup = html_document(body, title, decl, xml=xml)
        yield Case("html-declared", markup.encode(codec), markup, "page.html",
                   note=f"{lang} {codec}")


def html_undeclared_cases(rng: random.Random) -> Iterator[Case]:
    codecs = list(HTML_LABELS)
    for i in range(CASES_PER_FAMILY):
        codec = codecs[i % len(codecs)]
        lang = rng.choice(HTML_LANGS[codec])
        body = [p for p in paragraph(rng, lang, codec, low=1, high=4).split("\n") if p]
        title = rng.choice([s for s in SENTENCES[lang] if encodable(s, codec)])
        markup = html_document(body, title, '<meta name="viewport" content="width=device-width">')
        yield Case("html-undeclared", markup.encode(codec), markup, "page.html",
                   note=f"{lang} {codec}")


def html_wrong_declared_cases(rng: random.Random) -> Iterator[Case]:
    western = ["en", "fr", "de", "es", "pt", "it", "sv"]
    for i in range(CASES_PER_FAMILY):
        lang = western[i % len(western)]
        body = [p for p in paragraph(rng, lang, "cp1252", low=2, high=4).split("\n") if p]
        title = rng.choice([s for s in SENTENCES[lang] if encodable(s, "cp1252")])
        decl, xml = declaration(rng, rng.choice(["utf-8", "UTF-8", "utf8"]))
        markup = html_document(body, title, decl, xml=xml)
        yield Case("html-declared-utf8-is-cp1252", markup.encode("cp1252"), markup,
                   "page.html", note=lang)
    for i in range(CASES_PER_FAMILY):
        lang = ALL_LANGS[i % len(ALL_LANGS)]
        body = [p for p in paragraph(rng, lang, low=2, high=4).split("\n") if p]
        title = rng.choice(SENTENCES[lang])
        decl, xml = declaration(rng, rng.choice(["iso-8859-1", "ISO-8859-1", "windows-1252"]))
        markup = html_document(body, title, decl, xml=xml)
        yield Case("html-declared-latin1-is-utf8", markup.encode("utf-8"), markup,
                   "page.html", note=lang)


WRONG_LEGACY_DECLARATIONS = [
    # (declared label, actual codec, languages)
    ("windows-1252", "cp1251", ["ru", "uk", "bg"]),
    ("iso-8859-1", "koi8-r", ["ru"]),
    ("windows-1252", "iso-8859-7", ["el"]),
    ("iso-8859-1", "cp1256", ["ar"]),
    ("windows-1252", "cp1255", ["he"]),
    ("windows-1251", "koi8-r", ["ru"]),
    ("iso-8859-2", "cp1252", ["fr", "de", "es"]),
    ("windows-1252", "iso-8859-2", ["pl", "cs"]),
]


def html_wrong_legacy_declaration_cases(rng: random.Random) -> Iterator[Case]:
    for i in range(CASES_PER_FAMILY):
        label, codec, langs = WRONG_LEGACY_DECLARATIONS[i % len(WRONG_LEGACY_DECLARATIONS)]
        lang = langs[i % len(langs)]
        body = [p for p in paragraph(rng, lang, codec, low=2, high=4).split("\n") if p]
        title = rng.choice([s for s in SENTENCES[lang] if encodable(s, codec)])
        decl, xml = declaration(rng, label)
        markup = html_document(body, title, decl, xml=xml)
        yield Case("html-declared-legacy-is-other-legacy", markup.encode(codec), markup,
                   "page.html", note=f"{lang} {codec} declared {label}")


def mojibake_cases(rng: random.Random) -> Iterator[Case]:
    for family, codec, times, langs in [
        ("mojibake-cp1252", "cp1252", 1, ALL_LANGS),
        ("mojibake-latin1", "latin-1", 1, LATIN_LANGS + ["ru", "ko", "ja", "zh", "el"]),
        ("mojibake-macroman", "mac_roman", 1, LATIN_LANGS),
        ("mojibake-double", "cp1252", 2, LATIN_LANGS + ["ru", "ja"]),
    ]:
        for i in range(CASES_PER_FAMILY):
            lang = langs[i % len(langs)]
            text = paragraph(rng, lang, low=1, high=4)
            if i % 4 == 3:
                text = short_phrase(rng, lang)
            if i % 10 == 5 and codec == "cp1252":
                text = rng.choice(NEGATIVE_EXTRAS["emoji"])
            if text.isascii():
                text = paragraph(rng, "fr")
            yield Case(family, mojibake(text, codec, times).encode("utf-8"), text, note=lang)
    for _ in range(CASES_PER_FAMILY):
        lines = [paragraph(rng, rng.choice(ALL_LANGS), low=1, high=2).replace("\n", " ")
                 for _ in range(rng.randint(3, 7))]
        broken = list(lines)
        indexes = [j for j, line in enumerate(lines) if not line.isascii()]
        for j in rng.sample(indexes, max(1, len(indexes) // 2)) if indexes else []:
            broken[j] = mojibake(lines[j], rng.choice(["cp1252", "cp1252", "latin-1"]))
        if i % 3 == 2:
            # Only a phrase inside one line was mis-decoded (a pasted name or title).
            name = rng.choice(["Zoë Müller", "São Tomé", "Ærøskøbing", "Łódź", "Ñandú café",
                               "naïve résumé", "Dvořák", "Smörgåsbord"])
            lines.append(f"Interview with {name} — part two.")
            broken.append(f"Interview with {mojibake(name, 'cp1252')} — part two.")
        yield Case("mojibake-some-lines", "\n".join(broken).encode("utf-8"), "\n".join(lines))


NAMED = {"—": "&mdash;", "–": "&ndash;", "’": "&rsquo;", "‘": "&lsquo;", "“": "&ldquo;",
         "”": "&rdquo;", "…": "&hellip;", "é": "&eacute;", "è": "&egrave;", "à": "&agrave;",
         "ü": "&uuml;", "ö": "&ouml;", "ä": "&auml;", "ß": "&szlig;", "ç": "&ccedil;",
         "€": "&euro;", "£": "&pound;", "ñ": "&ntilde;", "«": "&laquo;", "»": "&raquo;"}


def entity_cases(rng: random.Random) -> Iterator[Case]:
    langs = ["en", "fr", "de", "es", "pt", "it", "ru", "el"]
    for i in range(CASES_PER_FAMILY * 2):
        double = i % 2 == 1
        text = paragraph(rng, langs[i % len(langs)], low=1, high=3)
        out = []
        for ch in text:
            if not ch.isascii() and rng.random() < 0.7:
                style = rng.choice(["named", "dec", "hex"])
                if style == "named" and ch in NAMED:
                    entity = NAMED[ch]
                elif style == "hex":
                    entity = f"&#x{ord(ch):x};"
                else:
                    entity = f"&#{ord(ch)};"
                out.append(entity.replace("&", "&amp;", 1) if double else entity)
            elif ch == "&":
                out.append("&amp;amp;" if double else "&amp;")
            else:
                out.append(ch)
        if rng.random() < 0.3:
            out.append(" Tom & Jerry")
            text += " Tom & Jerry"
        family = "entities-double-escaped" if double else "entities"
        yield Case(family, "".join(out).encode("utf-8"), text, "notes.txt")


C0 = ["\x00", "\x01", "\x02", "\x07", "\x08", "\x0b", "\x0c", "\x0e", "\x1b", "\x1f", "\x7f"]
C1 = [chr(code) for code in range(0x80, 0xA0)]


def control_cases(rng: random.Random) -> Iterator[Case]:
    for i in range(CASES_PER_FAMILY):
        text = paragraph(rng, ALL_LANGS[i % len(ALL_LANGS)], low=1, high=3)
        chars = list(text)
        for _ in range(rng.randint(1, 4)):
            # Controls inserted by accident, not text mis-decoded: they must go.
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(C0 + C1))
        yield Case("control-chars", "".join(chars).encode("utf-8"), text)
    for i in range(CASES_PER_FAMILY):
        # cp1252 text read as latin-1: curly quotes and dashes arrive as C1 controls.
        lang = ["en", "fr", "de", "es"][i % 4]
        text = paragraph(rng, lang, "cp1252", low=1, high=3)
        if not any(ch in text for ch in "“”‘’—–…€œ„"):
            text += " “Yes — of course,” he said… it’s done."
        yield Case("c1-controls-cp1252", text.encode("cp1252").decode("latin-1").encode("utf-8"),
                   text)


def line_break_cases(rng: random.Random) -> Iterator[Case]:
    for i in range(CASES_PER_FAMILY):
        lines = [paragraph(rng, ALL_LANGS[(i + k) % len(ALL_LANGS)], low=1, high=2)
                 .replace("\n", " ") for k in range(rng.randint(2, 5))]
        newline = rng.choice(["\r\n", "\r", "mixed"])
        if newline == "mixed":
            raw = "".join(line + rng.choice(["\r\n", "\r", "\n"]) for line in lines)
        else:
            raw = newline.join(lines) + newline
        yield Case("line-breaks", raw.encode("utf-8"), "\n".join(lines) + "\n")


def nfd_cases(rng: random.Random) -> Iterator[Case]:
    langs = ["fr", "de", "vi", "pl", "cs", "pt", "es", "ko", "el", "tr", "sv", "hu"]
    for i in range(CASES_PER_FAMILY):
        text = paragraph(rng, langs[i % len(langs)], low=1, high=3)
        yield Case("nfd", unicodedata.normalize("NFD", text).encode("utf-8"), text)


def policy_cases(rng: random.Random) -> Iterator[Case]:
    """Invisible debris the policy removes or rewrites; the expected text is the clean one."""
    for i in range(CASES_PER_FAMILY):
        text = paragraph(rng, ["en", "fr", "de", "ru", "es"][i % 5], low=1, high=3)
        words = text.split(" ")
        raw_words, expected_words = [], []
        for word in words:
            roll = rng.random()
            if roll < 0.08 and len(word) > 6:
                cut = rng.randrange(2, len(word) - 2)
                raw_words.append(word[:cut] + "\u00ad" + word[cut:])
            elif roll < 0.14 and len(word) > 4:
                cut = rng.randrange(1, len(word) - 1)
                raw_words.append(word[:cut] + rng.choice(["\u200b", "\ufeff", "\u2060"])
                                 + word[cut:])
            else:
                raw_words.append(word)
            expected_words.append(word)
        joins = []
        for _ in range(len(words) - 1):
            roll = rng.random()
            joins.append(
                ("\u00a0", " ") if roll < 0.1 else ("\u202f", " ") if roll < 0.13
                else (" ", " ")
            )
        raw = raw_words[0] + "".join(j[0] + w for j, w in zip(joins, raw_words[1:], strict=True))
        expected = expected_words[0] + "".join(
            j[1] + w for j, w in zip(joins, expected_words[1:], strict=True))
        tail = rng.choice([
            ("", ""), (" Call 555\u20110199.", " Call 555-0199."),
            (" A well\u2010known fact.", " A well-known fact."),
            ("\ufeff", ""),
        ])
        yield Case("unicode-policy", (raw + tail[0]).encode("utf-8"), expected + tail[1])


LOSSY_LANGS = ["fr", "de", "es", "pt", "pl", "cs", "ru", "el", "ko", "ja", "zh", "he", "ar"]


def lossy_cases(rng: random.Random) -> Iterator[Case]:
    for i in range(CASES_PER_FAMILY):
        lang = LOSSY_LANGS[i % len(LOSSY_LANGS)]
        text = paragraph(rng, lang, low=1, high=3)
        text = text.replace("—", "-").replace("’", "'").replace("“", '"').replace("”", '"')
        target = rng.choice(["ascii", "latin-1"]) if lang not in ("fr", "es", "pt") else "ascii"
        lossy = text.encode(target, errors="replace").decode(target)
        if lossy == text:
            continue
        yield Case("lossy-question-marks", lossy.encode("utf-8"), lossy, damaged=True,
                   note=f"{lang} {target}")
    for i in range(CASES_PER_FAMILY):
        lang = LOSSY_LANGS[i % len(LOSSY_LANGS)]
        text = paragraph(rng, lang, low=1, high=3)
        raw = text.encode("utf-8")
        cut = rng.randrange(len(raw))
        raw = raw[:cut] + rng.choice([b"\xff", b"\xfe\xfe", b"\x80"]) + raw[cut:]
        broken = raw.decode("utf-8", errors="replace")
        # Half arrive already decoded (U+FFFD in UTF-8), half as the damaged bytes.
        data = broken.encode("utf-8") if i % 2 == 0 else raw
        yield Case("lossy-replacement-char", data, broken, damaged=True)


DASH_SENTENCES = [
    "It was the summit on the 13th of last month—the first in four years—and nothing changed.",
    "The river rose quickly—faster than anyone expected—and flooded the lower town.",
    "Three candidates remain—two from the north and one from the capital.",
    "She had one goal—to finish the race before sunset.",
    "The decision surprised everyone—even the ministers who had drafted it.",
    "Prices fell sharply in the spring—a trend analysts had not predicted.",
    "He paused for a moment—then walked out without a word.",
    "The old bridge—built in 1894—will be closed for repairs.",
    "Nobody knew the answer—or nobody was willing to say it.",
    "The talks collapsed late on Friday—the second failure this year.",
    "Her latest novel—her longest so far—sold out in a week.",
    "Most of the villagers stayed home—the roads were still blocked by snow.",
]


def lost_dash_cases(rng: random.Random) -> Iterator[Case]:
    for i in range(CASES_PER_FAMILY):
        picked = rng.sample(DASH_SENTENCES, rng.randint(1, 3))
        if i % 3 == 0:
            picked.append(rng.choice(NEGATIVE_EXTRAS["questions"][:2]))
        if i % 4 == 1:
            picked.append(rng.choice(NEGATIVE_EXTRAS["code"][1:3]))
        text = " ".join(picked)
        lossy = text.replace("—", "?")
        yield Case("lost-dash", lossy.encode("utf-8"), text)
    for _ in range(CASES_PER_FAMILY // 2):
        # Saved as ASCII with replacement: curly quotes and apostrophes are lost too and
        # stay lost ('?'); the dashes between words come back.
        picked = rng.sample(DASH_SENTENCES, 2) + rng.sample(
            [s for s in SENTENCES["en"] if not s.isascii()], 2)
        rng.shuffle(picked)
        text = " ".join(picked)
        lossy = text.encode("ascii", errors="replace").decode("ascii")
        expected = "".join("—" if ch == "—" else lost for ch, lost in zip(text, lossy,
                                                                          strict=True))
        damaged = any(lost == "?" and ch not in "?—" for ch, lost in zip(text, lossy,
                                                                         strict=True))
        yield Case("lost-dash", lossy.encode("utf-8"), expected, damaged=damaged)


def negative_cases(rng: random.Random) -> Iterator[Case]:
    for lang in SENTENCES:
        if lang == "fa-1256":
            continue
        for _ in range(3):
            text = paragraph(rng, lang, low=1, high=4)
            yield Case("negative-languages", text.encode("utf-8"), text, damaged=False,
                       note=lang)
    for kind, sentences in NEGATIVE_EXTRAS.items():
        for sentence in sentences:
            yield Case(f"negative-{kind}", sentence.encode("utf-8"), sentence, damaged=False)
        for _ in range(3):
            picked = rng.sample(sentences, min(len(sentences), rng.randint(2, 3)))
            text = rng.choice(["\n", " "]).join(picked)
            yield Case(f"negative-{kind}", text.encode("utf-8"), text, damaged=False)


FAMILY_BUILDERS: list[Callable[[random.Random], Iterator[Case]]] = [
    legacy_cases, bom_cases, html_declared_cases, html_undeclared_cases,
    html_wrong_declared_cases, html_wrong_legacy_declaration_cases,
    mojibake_cases, entity_cases, control_cases, line_break_cases, nfd_cases,
    policy_cases, lossy_cases, lost_dash_cases, negative_cases,
]


def generate(seed: int = SEED) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    counts: dict[str, int] = {}
    for builder in FAMILY_BUILDERS:
        for case in builder(rng):
            counts[case.family] = counts.get(case.family, 0) + 1
            rows.append(case.to_json(counts[case.family]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    rows = generate(args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"wrote {len(rows)} cases to {args.out}")


if __name__ == "__main__":
    main()
