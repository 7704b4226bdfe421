"""Text of unknown encoding: byte-order marks, UTF-8, then the code page whose letters
make the most plausible words (cp1252, cp1251, GBK, cp1256)."""

import pytest

from bot.reading.encodings import decode_unknown

SAMPLES = [
    ("Nom;Prénom;Courriel\nKONÉ;Aïcha;a.kone@csrs.ci\n", "cp1252"),
    ("Nome;Instituição\nJoão Conceição;Informações Ltda\n", "cp1252"),
    ("ФИО;Эл. почта\nИванов Иван;ivanov@mnr.gov.ru\n", "cp1251"),
    ("ИВАНОВ;ivanov@mnr.gov.ru\n", "cp1251"),  # capitals that GBK would also decode
    ("姓名,电子邮件\n张伟,zhangwei@cas.cn\n", "gbk"),
    ("王芳,wangfang@cas.cn\n", "gbk"),
    ("الاسم;البريد\nفاطمة الزهراء;fatima@env.ma\n", "cp1256"),
    ("علي;ali@env.eg\n", "cp1256"),
]


@pytest.mark.parametrize(("text", "encoding"), SAMPLES)
def test_legacy_code_pages_are_told_apart_by_their_words(text: str, encoding: str):
    assert decode_unknown(text.encode(encoding)) == (text, encoding)


def test_byte_order_marks_and_utf8_come_first():
    text = "José;jose@mag.gob.sv\n"
    assert decode_unknown(b"\xef\xbb\xbf" + text.encode()) == (text, "utf-8")
    assert decode_unknown(text.encode("utf-16")) == (text, "utf-16-le")
    assert decode_unknown(b"\xfe\xff" + text.encode("utf-16-be")) == (text, "utf-16-be")
    assert decode_unknown(text.encode()) == (text, "utf-8")


def test_any_bytes_decode_without_error():
    data = bytes(range(256)) * 4
    text, encoding = decode_unknown(data)
    assert len(text) == len(data) and encoding in ("latin-1", "cp1256")
