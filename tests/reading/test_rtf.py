"""RTF: rewritten in one linear pass before striprtf reads it, so hostile files cost
linear time; picture and field-instruction groups dropped, table cells marked."""

import time

from bot.config import LimitsConfig
from bot.reading import Table
from bot.reading.rtf import read_rtf, rewrite

LIMITS = LimitsConfig()


def test_pictures_fields_and_binary_data_are_dropped_and_the_font_table_reduced():
    rtf = (
        r"{\rtf1{\fonttbl{\f0\froman\fcharset0 Times New Roman;}}"
        r"{\pict\pngblip 89504e47}{\*\shppict{\pict 00ff}}"
        r'{\field{\*\fldinst{HYPERLINK "mailto:a@b.org"}}{\fldrslt{a@b.org}}}'
        r"{\object\bin4 }{}}}, Ana\par}"  # four bytes of binary data: }{}}
    )
    assert rewrite(rtf, 1000) == (
        r"{\rtf1{\fonttbl{\f0\fcharset0 f;}}{\field{\fldrslt{a@b.org}}}, Ana\par}"
    )
    assert read_rtf(rtf.encode(), LIMITS) == ["a@b.org, Ana"]


def test_a_paragraph_inside_a_cell_stays_in_its_cell():
    rtf = rb"{\rtf1\pard\intbl Dr Ana Ruiz\par Directora\cell ana@inia.gob.pe\cell\row" + (
        rb"\pard\intbl Rosa Quispe\cell rquispe@minam.gob.pe\cell\row\pard Gracias\par}"
    )
    assert read_rtf(rtf, LIMITS) == [
        Table(
            [
                ["Dr Ana Ruiz Directora", "ana@inia.gob.pe"],
                ["Rosa Quispe", "rquispe@minam.gob.pe"],
            ]
        ),
        "Gracias",
    ]


def test_inputs_that_are_quadratic_for_striprtf_are_read_in_linear_time():
    fields = "{\\rtf1 " + "{\\field{\\*\\fldinst{ HYPERLINK " * 30000 + "}Ana}"
    fonts = "{\\rtf1{\\fonttbl " + "\\f1 x" * 100000 + "}Rosa}"
    started = time.monotonic()
    assert read_rtf(fields.encode(), LIMITS) == []  # Ana is inside the unclosed fields
    assert read_rtf(fonts.encode(), LIMITS) == ["Rosa"]
    assert time.monotonic() - started < 10  # striprtf alone takes minutes on these
