"""Withdrawals and address corrections that name the person, in each of the seven
languages: the reader hands the policy the withdrawn name, or the new address with the
name and the sign that it corrects an earlier one (the policy matches them with the
registered participants, see tests/processing/test_by_name.py)."""

from email.message import EmailMessage

import pytest

from bench.extraction import corpus_context
from bot.message.parse import parse_mail
from bot.reading.analysis import analyse_mail
from bot.vocab import Kind

# (language, sender, withdrawal text, name withdrawn, correction text, new address, name)
CASES = [
    (
        "en",
        "fp@environment.go.ke",
        "Further to our nomination for the Online Forum (notification 2025-055), kindly "
        "withdraw Mr. Peter Otieno: he can no longer attend.",
        "Peter Otieno",
        "In our nomination for the Online Forum (notification 2025-055) the address of "
        "Mr. Peter Otieno was mistyped. His correct address is peter.otieno@kephis.org.",
        "peter.otieno@kephis.org",
        "Peter Otieno",
    ),
    (
        "fr",
        "pf@environnement.gouv.sn",
        "Suite à notre désignation pour le Forum en ligne (notification 2025-055), nous vous "
        "prions de retirer M. Amadou Diallo, qui ne pourra pas participer.",
        "Amadou Diallo",
        "Concernant notre désignation pour le Forum en ligne (notification 2025-055), "
        "l'adresse correcte de M. Amadou Diallo est amadou.diallo@isra.sn.",
        "amadou.diallo@isra.sn",
        "Amadou Diallo",
    ),
    (
        "es",
        "pf@semarnat.gob.mx",
        "En relación con la notificación 2025-055 sobre el Foro en línea, les ruego retirar "
        "la nominación de la Sra. Lucía Hernández, quien no podrá participar.",
        "Lucía Hernández",
        "En relación con la notificación 2025-055 sobre el Foro en línea, el correo correcto "
        "de la Sra. Lucía Hernández es lucia.hernandez@conabio.gob.mx.",
        "lucia.hernandez@conabio.gob.mx",
        "Lucía Hernández",
    ),
    (
        "pt",
        "pf@mma.gov.br",
        "Com referência à notificação 2025-055 sobre o Fórum Online, solicitamos a retirada "
        "da indicação do Sr. João Pereira, que não poderá participar.",
        "João Pereira",
        "Com referência à notificação 2025-055 sobre o Fórum Online, o endereço correto do "
        "Sr. João Pereira é joao.pereira@embrapa.br.",
        "joao.pereira@embrapa.br",
        "João Pereira",
    ),
    (
        "ru",
        "fp@mnr.gov.ru",
        "В связи с уведомлением 2025-055 об онлайн-форуме просим отозвать кандидатуру "
        "г-на Ивана Петрова: он не сможет принять участие.",
        "Ивана Петрова",
        "В связи с уведомлением 2025-055 об онлайн-форуме сообщаем правильный адрес "
        "г-на Ивана Петрова: i.petrov@vniisb.ru.",
        "i.petrov@vniisb.ru",
        "Ивана Петрова",
    ),
    (
        "ar",
        "fp@eeaa.gov.eg",
        "بالإشارة إلى الإخطار 2025-055 بشأن المنتدى الإلكتروني، نرجو سحب ترشيح السيد أحمد "
        "حسن لتعذر مشاركته.",
        "أحمد حسن",
        "بالإشارة إلى الإخطار 2025-055 بشأن المنتدى الإلكتروني، العنوان الصحيح للسيد أحمد "
        "حسن هو a.hassan@eeaa.gov.eg",
        "a.hassan@eeaa.gov.eg",
        "أحمد حسن",
    ),
    (
        "zh",
        "fp@mee.gov.cn",
        "关于第2025-055号通知的在线论坛，请撤回王伟先生的报名，他无法参加。",
        "王伟",
        "关于第2025-055号通知的在线论坛，王伟先生的正确邮箱为：wangwei@craes.org.cn",
        "wangwei@craes.org.cn",
        "王伟",
    ),
]


def _analysis(sender: str, text: str):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "secretariat@cbd.int"
    message["Subject"] = "2025-055"
    message["Message-ID"] = f"<{abs(hash(text))}@example.org>"
    message.set_content(text)
    context = corpus_context()
    return analyse_mail(parse_mail(message.as_bytes(), context.limits), context)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_a_withdrawal_by_name(case):
    language, sender, text, name, *_ = case
    analysis = _analysis(sender, text)
    assert analysis.kind == Kind.WITHDRAWAL, analysis.as_json()
    assert analysis.language == language
    assert analysis.withdrawn_names == [name]
    assert [p.email for p in analysis.participants if p.email] == []


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_an_address_correction_by_name(case):
    language, sender, *_, text, address, name = case
    analysis = _analysis(sender, text)
    assert analysis.kind == Kind.NOMINATION, analysis.as_json()
    assert analysis.language == language
    assert analysis.corrects
    assert [(p.email, p.name) for p in analysis.participants] == [(address, name)]
