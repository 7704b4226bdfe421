"""A focal point who names a registered participant without the address: "please withdraw
Mr. X" withdraws them, and the focal point is told."""

from tests.conftest import DATA

E2E = DATA / "e2e"


def _registered(bot) -> None:
    bot.run("inbox", "append", str(E2E / "kenya.eml"))
    bot.run("poll")
    assert set(bot.participants()) == {"jane.mwangi@biosafetykenya.go.ke", "p.otieno@kephis.go.ke"}


def test_a_participant_is_withdrawn_by_name(maildir_bot):
    bot = maildir_bot
    _registered(bot)
    before = len(bot.outbox())

    bot.run("inbox", "append", str(E2E / "kenya-withdraw-by-name.eml"))
    bot.run("poll")

    people = bot.participants()
    assert people["p.otieno@kephis.go.ke"]["status"] == "withdrawn"
    assert people["jane.mwangi@biosafetykenya.go.ke"]["status"] == "confirmed"
    [reply] = bot.outbox()[before:]
    assert reply["To"].endswith("<s.kiprono@environment.go.ke>")
    assert reply["In-Reply-To"] == "<e2e-kenya-2@mail.environment.go.ke>"
    assert "p.otieno@kephis.go.ke" in reply.get_body(("plain",)).get_content()



def test_a_participant_address_is_corrected_by_name(maildir_bot):
    """ "The correct address of Mr X is …": the registered participant's address is
    replaced — one participant, not two — and the focal point is told."""
    bot = maildir_bot
    _registered(bot)
    before = len(bot.outbox())

    bot.run("inbox", "append", str(E2E / "kenya-correct-address.eml"))
    bot.run("poll")

    people = bot.participants()
    assert set(people) == {"jane.mwangi@biosafetykenya.go.ke", "peter.otieno@kephis.org"}
    assert people["peter.otieno@kephis.org"]["name"] == "Peter Otieno"
    assert people["peter.otieno@kephis.org"]["status"] == "confirmed"
    sent = bot.outbox()[before:]
    [reply] = [m for m in sent if m["To"].endswith("<s.kiprono@environment.go.ke>")]
    assert reply["In-Reply-To"] == "<e2e-kenya-3@mail.environment.go.ke>"
    assert "peter.otieno@kephis.org" in reply.get_body(("plain",)).get_content()
