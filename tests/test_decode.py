"""Bytes to text: BOMs, strict UTF-8 first, declared charsets (right and wrong), detection."""

from __future__ import annotations

import pytest

from textwash.decode import declared_charset, decode_bytes, detect_encoding, normalize_label
from textwash.plausibility import text_score

RUSSIAN = "Жители района жалуются на шум от строительства новой дороги."
POLISH = "Mieszkańcy skarżą się na hałas dochodzący z pobliskiej budowy."
GREEK = "Άλλοι μαθητές επισκέφθηκαν το μουσείο και έμαθαν για την ιστορία της πόλης."
FRENCH = "Les élèves ont visité le musée d’Orsay, où ils ont découvert les œuvres de Monet."


@pytest.mark.parametrize(("bom", "codec"), [
    (b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
])
def test_a_byte_order_mark_decides_the_encoding_and_is_dropped(bom: bytes, codec: str):
    decoded = decode_bytes(bom + FRENCH.encode(codec))
    assert decoded.text == FRENCH
    assert decoded.method == "bom"


def test_valid_utf8_wins_over_a_latin1_declaration():
    page = f'<html><head><meta charset="iso-8859-1"></head><body>{RUSSIAN}</body></html>'
    decoded = decode_bytes(page.encode("utf-8"), html=True)
    assert decoded.text == page
    assert decoded.encoding == "utf-8"


def test_a_utf8_declaration_on_cp1252_bytes_is_not_believed():
    page = f'<html><head><meta charset="utf-8"></head><body>{FRENCH}</body></html>'
    decoded = decode_bytes(page.encode("cp1252"), html=True)
    assert decoded.text == page
    assert decoded.encoding == "cp1252"


@pytest.mark.parametrize(("label", "codec"), [
    ("iso-8859-1", "cp1252"), ("latin1", "cp1252"), ("US-ASCII", "cp1252"),
    ("gb2312", "gb18030"), ("GBK", "gb18030"), ("euc-kr", "cp949"), ("ks_c_5601-1987", "cp949"),
    ("Shift_JIS", "cp932"), ("tis-620", "cp874"), ("iso-8859-9", "cp1254"),
    ("big5", "big5hkscs"), ("windows-1251", "cp1251"), ("koi8-r", "koi8-r"),
])
def test_charset_labels_map_the_way_browsers_map_them(label: str, codec: str):
    assert normalize_label(label) == codec


def test_an_unknown_label_maps_to_nothing():
    assert normalize_label("x-no-such-charset") is None


@pytest.mark.parametrize("head", [
    b'<meta charset="windows-1251">',
    b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">',
    b"<?xml version='1.0' encoding='windows-1251'?>",
])
def test_meta_http_equiv_and_xml_declarations_are_read(head: bytes):
    assert declared_charset(head + b"<html></html>") == "cp1251"


def test_a_declared_legacy_charset_decodes_the_page():
    page = f'<html><head><meta charset="koi8-r"></head><body>{RUSSIAN}</body></html>'
    decoded = decode_bytes(page.encode("koi8-r"), html=True)
    assert decoded.text == page
    assert decoded.method == "declared"


@pytest.mark.parametrize(("text", "codec"), [
    (FRENCH, "cp1252"),
    ("Die Straßenbahn fährt künftig auch am Wochenende bis Mitternacht.", "cp1252"),
    (POLISH, "iso-8859-2"),
    ("Příliš žluťoučký kůň úpěl ďábelské ódy.", "iso-8859-2"),
    (RUSSIAN, "cp1251"),
    (RUSSIAN, "koi8-r"),
    ("주민들은 인근 공사장에서 나는 소음에 대해 불만을 제기했다.", "euc-kr"),
    ("住民たちは近くの工事現場からの騒音に不満を訴えている。", "shift_jis"),
    ("住民たちは近くの工事現場からの騒音に不満を訴えている。", "euc-jp"),
    ("居民们抱怨附近工地的噪音太大。", "gbk"),
    ("居民們抱怨附近工地的噪音太大。", "big5"),
    (GREEK, "iso-8859-7"),
    ("يشكو السكان من الضجيج الصادر عن موقع البناء القريب.", "cp1256"),
    ("התושבים מתלוננים על הרעש מאתר הבנייה הסמוך.", "cp1255"),
    ("ชาวบ้านร้องเรียนเรื่องเสียงดังจากสถานที่ก่อสร้างใกล้เคียง", "tis-620"),
])
def test_undeclared_legacy_text_is_detected(text: str, codec: str):
    decoded = decode_bytes(text.encode(codec))
    assert decoded.text == text
    assert decoded.method == "detected"


@pytest.mark.parametrize(("text", "codec"), [
    ("「まだ終わっていません」", "cp932"),
    ("réuni mardi soir pour examiner", "cp1252"),
    ("for adults and £6", "cp1252"),
    ("ساکنان از سر", "cp1256"),
])
def test_short_text_is_not_read_in_an_encoding_no_web_page_uses(text: str, codec: str):
    assert decode_bytes(text.encode(codec)).text == text


def test_detection_returns_a_codec_even_for_bytes_nothing_decodes():
    assert detect_encoding(bytes(range(128, 256)) * 3)


def test_undecodable_bytes_become_replacement_characters_and_are_counted():
    decoded = decode_bytes(b"\xef\xbb\xbfabc\xff\xfedef")
    assert decoded.replaced == 2
    assert "\ufffd" in decoded.text


def test_plausibility_prefers_the_right_decoding_of_the_same_bytes():
    raw = RUSSIAN.encode("cp1251")
    assert text_score(raw.decode("cp1251")) > text_score(raw.decode("cp1252"))
    raw = POLISH.encode("iso-8859-2")
    assert text_score(raw.decode("iso-8859-2")) > text_score(raw.decode("cp1250"))


def test_an_xml_declaration_is_read_in_a_file_not_taken_for_html():
    text = f'<?xml version="1.0" encoding="koi8-r"?>\n<doc>{RUSSIAN}</doc>'
    decoded = decode_bytes(text.encode("koi8-r"))
    assert decoded.text == text
    assert decoded.method == "declared"


def test_utf8_with_a_few_damaged_bytes_stays_utf8_and_is_counted():
    raw = "Im Frühjahr blühen die Bäume schön.".encode()
    raw = raw[:20] + b"\xfe\xfe" + raw[20:]
    decoded = decode_bytes(raw)
    assert decoded.encoding == "utf-8"
    assert decoded.method == "utf-8-damaged"
    assert decoded.text.replace("\ufffd", "") == "Im Frühjahr blühen die Bäume schön."
    assert decoded.replaced == 2
