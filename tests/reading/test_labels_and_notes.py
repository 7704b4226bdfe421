"""Reading fixes from blind batch K (their messages are in the corpus): an e-mail label
glued to the name before an address, a note in Chinese brackets after a Latin name, a
list item whose name ends at a comma, and list items that are sentences."""

import pytest

from bot.reading.analysis import analyse

HEAD = (
    "From: Liu Fang <liu.fang@fecomee.org.cn>\r\nTo: secretariat@cbd.int\r\nSubject: x\r\n"
    "Message-ID: <labels@test>\r\nMIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
)
CALL = "With reference to notification SCBD/CPU/WM/UN/92214, we nominate:\r\n\r\n"


def read(body: str) -> list[tuple[str | None, str | None]]:
    analysis = analyse((HEAD + CALL + body + "\r\n\r\nRegards,\r\nLiu Fang\r\n").encode())
    return [(p.name, p.email) for p in analysis.participants]


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("1. 王伟（WANG Wei） 邮箱：wangwei@fecomee.org.cn", "王伟"),
        ("1. 王伟 邮箱：wangwei@fecomee.org.cn", "王伟"),
        ("1. 王伟女士（WANG Wei），高级农艺师，邮箱：wangwei@fecomee.org.cn", "王伟"),
        ("1. Dr. Wei WANG E-mail: wangwei@fecomee.org.cn", "Wei Wang"),
    ],
)
def test_an_email_label_before_the_address_is_not_part_of_the_name(line, name):
    assert read(line) == [(name, "wangwei@fecomee.org.cn")]


def test_a_chinese_note_after_a_latin_name_is_not_part_of_it():
    people = read("1. Prof. ZHAO Ming, zhaoming@njau.edu.cn\r\n2. Ms. HUANG Yiting（邮箱待补充）")
    assert people == [("Ming Zhao", "zhaoming@njau.edu.cn"), ("Yiting Huang", None)]


def test_a_listed_name_without_address_ends_at_the_comma():
    people = read(
        "1. Dr. Anjali MEHTA, Department of Biotechnology, anjali.mehta@dbt.nic.in\r\n"
        "2. Dr. Suresh KUMAR, Indian Institute of Science"
    )
    assert people == [("Anjali Mehta", "anjali.mehta@dbt.nic.in"), ("Suresh Kumar", None)]


def test_a_listed_question_names_nobody():
    people = read(
        "1. Dr. Anjali MEHTA, anjali.mehta@dbt.nic.in\r\n"
        "2. Will the sessions be recorded? The times fall at night in New Zealand."
    )
    assert people == [("Anjali Mehta", "anjali.mehta@dbt.nic.in")]


def test_a_long_bracketed_note_after_a_listed_name_is_set_aside():
    people = read(
        "- Sr. Esteban Mora Segura (por el momento no tiene correo electrónico, se le puede "
        "contactar por medio de mi persona)\r\n- Sra. Ana Solano, ana.solano@minae.go.cr"
    )
    assert set(people) == {("Esteban Mora Segura", None), ("Ana Solano", "ana.solano@minae.go.cr")}
