"""What the reader is told besides the message: which addresses are the secretariat's."""

from bot.reading.context import AnalysisContext


def test_our_addresses_and_every_subdomain_of_our_domains_are_ours():
    context = AnalysisContext(own_addresses={"nominations@un.org"}, own_domains={"cbd.int"})
    assert context.is_ours("nominations@un.org")
    assert context.is_ours("secretariat@cbd.int")
    assert context.is_ours("someone@mail.cbd.int")
    assert not context.is_ours("someone@notcbd.int")
    assert not context.is_ours("info@un.org")


def test_by_default_nothing_is_ours_and_replies_are_in_english():
    context = AnalysisContext()
    assert not context.is_ours("secretariat@cbd.int")
    assert (context.events, context.default_language) == ([], "en")
