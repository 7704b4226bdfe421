"""The chain as a table: ``decide`` on composed facts gives one outcome, the reasons and
flags of every rule that caught, who is registered or withdrawn and which reply is
written; and the tables themselves — ``CHAIN``, ``RULES``, ``EFFECTS``, ``FOLDERS`` —
are complete and consistent."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.policy.chain import ACCEPT, CHAIN, EFFECTS, FOLDERS, Link, decide, folder_for
from bot.policy.rules import RULES
from bot.vocab import (
    REPLY_TEMPLATES,
    Action,
    Flag,
    Folder,
    Kind,
    Outcome,
    ParticipantStatus,
    Reason,
    ReasonCode,
    Template,
)
from tests.policy.rules.builders import (
    ACHIENG,
    ASANTE,
    CASTILLO,
    FAILED,
    HERNANDEZ,
    MARTINEZ,
    MWANGI,
    OTIENO,
    RUIZ,
    STRANGER,
    UNVERIFIED,
    WAMBUI,
    WANJIRU,
    analysis,
    facts,
    forum_event,
    nominee,
    quota_event,
    registered,
)

TORONTO = ZoneInfo("America/Toronto")
LATE = datetime(2025, 7, 12, 0, 0, 0, tzinfo=TORONTO)  # one second after the deadline
LATE_REASON = Reason(
    ReasonCode.LATE,
    {"received": "2025-07-12 00:00", "deadline": "2025-07-11 23:59", "timezone": "America/Toronto"},
)


@pytest.fixture(scope="module")
def forum():
    return forum_event()


@pytest.fixture(scope="module")
def quota_forum():
    return quota_event()


def addresses(people) -> list[str | None]:
    return [p.email for p in people]


# Outcomes ----------------------------------------------------------------------------


def test_an_authorized_nomination_on_time_is_accepted(forum):
    decision = decide(facts(analysis(MWANGI, OTIENO), forum))
    assert decision.outcome == Outcome.ACCEPTED
    assert decision.effect == ACCEPT
    assert decision.action is None
    assert decision.rules == []
    assert decision.reasons == []
    assert decision.flags == []
    assert decision.flags_by_address == {}
    assert addresses(decision.register) == [MWANGI, OTIENO]
    assert decision.duplicates == []
    assert decision.withdraw == []
    assert decision.refused_withdrawals == []
    assert decision.reply == Template.CONFIRMATION
    assert decision.flags_for(MWANGI) == decision.flags_for(OTIENO) == []


def test_late_and_unauthorized_together_are_unauthorized_with_both_flags(forum):
    reading = analysis(MWANGI, OTIENO, from_email=WANJIRU)
    decision = decide(facts(reading, forum, received_at=LATE))
    assert decision.outcome == Outcome.UNAUTHORIZED
    assert decision.action == Action.UNAUTHORIZED
    assert decision.rules == ["not_a_nominating_role", "late"]
    assert decision.reasons == [
        Reason(
            ReasonCode.ROLE_NOT_NOMINATING,
            {"roles": "BCH-FP", "nominating_roles": "CPB-FP1, CPB-FP2, ORG-HEAD, IPLC"},
        ),
        LATE_REASON,
    ]
    assert decision.flags == [Flag.UNAUTHORIZED_SENDER, Flag.LATE]
    assert decision.flags_for(MWANGI) == [Flag.LATE, Flag.UNAUTHORIZED_SENDER]
    assert addresses(decision.register) == [MWANGI, OTIENO]
    assert decision.reply == Template.UNAUTHORIZED


def test_a_forged_sender_is_held_without_reply_and_its_nominees_kept_pending(forum):
    decision = decide(facts(analysis(MWANGI, OTIENO), forum, auth=FAILED))
    assert decision.outcome == Outcome.HELD
    assert decision.action == Action.HOLD
    assert decision.rules == ["auth_failed"]
    assert decision.reasons == [Reason(ReasonCode.AUTH_FAILED, {"detail": "dmarc=fail"})]
    assert decision.reply is None
    assert decision.effect.registers is True
    assert decision.effect.withdraws is False
    assert addresses(decision.register) == [MWANGI, OTIENO]
    assert decision.flags_for(MWANGI) == decision.flags_for(OTIENO) == [Flag.AUTH_FAILED]


def test_a_held_message_withdraws_nobody(forum):
    reading = analysis(kind=Kind.WITHDRAWAL, withdrawn=[OTIENO])
    decision = decide(facts(reading, forum, auth=FAILED, existing=[registered(OTIENO)]))
    assert decision.outcome == Outcome.HELD
    assert decision.withdraw == []
    assert decision.reply is None


def test_the_first_deciding_rule_wins_and_later_ones_still_flag(forum):
    reading = analysis(MWANGI, from_email=STRANGER)
    decision = decide(facts(reading, forum, auth=FAILED, received_at=LATE))
    assert decision.outcome == Outcome.HELD
    assert decision.rules == ["auth_failed", "not_a_nominating_role", "late"]
    assert decision.flags_for(MWANGI) == [
        Flag.AUTH_FAILED,
        Flag.LATE,
        Flag.UNAUTHORIZED_SENDER,
    ]
    assert decision.reply is None


def test_an_unverified_sender_is_held_for_review_where_required(forum):
    reading = analysis(MWANGI)
    decision = decide(facts(reading, forum, auth=UNVERIFIED, require_auth_header=True))
    assert decision.outcome == Outcome.HELD
    assert decision.rules == ["unverified_sender"]
    assert decision.flags_for(MWANGI) == [Flag.NEEDS_REVIEW]
    assert decision.reply is None


def test_an_unverified_sender_is_accepted_where_not_required(forum):
    decision = decide(facts(analysis(MWANGI), forum, auth=UNVERIFIED))
    assert decision.outcome == Outcome.ACCEPTED
    assert decision.rules == []


def test_ignore_stops_the_chain(forum):
    reading = analysis(
        MWANGI,
        kind=Kind.AUTO_REPLY,
        from_email=STRANGER,
        event=None,
        robot_reason="Auto-Submitted: auto-replied",
    )
    decision = decide(facts(reading, None, auth=FAILED, received_at=LATE, replies_today=99))
    assert decision.outcome == Outcome.IGNORED
    assert decision.action == Action.IGNORE
    assert decision.rules == ["robot"]
    assert decision.reasons == [
        Reason(ReasonCode.ROBOT, {"detail": "Auto-Submitted: auto-replied"})
    ]
    assert decision.flags == []
    assert decision.effect.keeps is False
    assert decision.register == []
    assert decision.duplicates == []
    assert decision.withdraw == []
    assert decision.reply is None


def test_mail_that_nominates_nobody_is_ignored(forum):
    decision = decide(facts(analysis(kind=Kind.OTHER, from_email=STRANGER), forum))
    assert decision.outcome == Outcome.IGNORED
    assert decision.rules == ["not_a_nomination"]


def test_a_nomination_for_no_open_event_is_ignored():
    reading = analysis(MWANGI, event=None, route_reason="no event mentioned")
    decision = decide(facts(reading, None))
    assert decision.outcome == Outcome.IGNORED
    assert decision.rules == ["no_open_event"]
    assert decision.reasons == [Reason(ReasonCode.NO_OPEN_EVENT, {"detail": "no event mentioned"})]
    assert decision.register == []


def test_needs_info_registers_nobody(forum):
    reading = analysis(nominee(None, "Dr. Faith Njeri"))
    decision = decide(facts(reading, forum))
    assert decision.outcome == Outcome.NEEDS_INFO
    assert decision.rules == ["no_address"]
    assert decision.reasons == [Reason(ReasonCode.NO_ADDRESS, {"names": "Dr. Faith Njeri"})]
    assert decision.register == []
    assert decision.duplicates == []
    assert decision.reply == Template.NEEDS_INFO


def test_needs_info_after_the_deadline_is_still_needs_info(forum):
    decision = decide(facts(analysis(nominee(None, "Dr. Faith Njeri")), forum, received_at=LATE))
    assert decision.outcome == Outcome.NEEDS_INFO
    assert decision.rules == ["no_address", "late"]
    assert decision.register == []
    assert decision.reply == Template.NEEDS_INFO


def test_the_same_nominees_sent_again_are_a_duplicate(forum):
    existing = [registered(MWANGI), registered(OTIENO, ParticipantStatus.PENDING)]
    decision = decide(facts(analysis(MWANGI, OTIENO), forum, existing=existing))
    assert decision.outcome == Outcome.DUPLICATE
    assert decision.rules == ["all_duplicates"]
    assert decision.register == []
    assert addresses(decision.duplicates) == [MWANGI, OTIENO]
    assert decision.reply == Template.DUPLICATE


def test_a_nomination_with_one_duplicate_registers_the_new_one(forum):
    decision = decide(facts(analysis(MWANGI, OTIENO), forum, existing=[registered(MWANGI)]))
    assert decision.outcome == Outcome.ACCEPTED
    assert addresses(decision.register) == [OTIENO]
    assert addresses(decision.duplicates) == [MWANGI]
    assert decision.reply == Template.CONFIRMATION


def test_a_late_nomination_is_registered_pending_as_late(forum):
    decision = decide(facts(analysis(MWANGI), forum, received_at=LATE))
    assert decision.outcome == Outcome.LATE
    assert decision.rules == ["late"]
    assert decision.reasons == [LATE_REASON]
    assert addresses(decision.register) == [MWANGI]
    assert decision.flags_for(MWANGI) == [Flag.LATE]
    assert decision.reply == Template.LATE


def test_over_quota_flags_only_the_nominees_beyond_the_limit(quota_forum):
    reading = analysis(HERNANDEZ, CASTILLO, MARTINEZ, from_email=RUIZ)
    decision = decide(facts(reading, quota_forum))
    assert decision.outcome == Outcome.ACCEPTED
    assert decision.action is None
    assert decision.rules == ["over_quota"]
    assert decision.flags == []
    assert addresses(decision.register) == [HERNANDEZ, CASTILLO, MARTINEZ]
    assert decision.flags_for(HERNANDEZ) == []
    assert decision.flags_for(CASTILLO) == []
    assert decision.flags_for(MARTINEZ) == [Flag.OVER_QUOTA]
    assert decision.reply == Template.CONFIRMATION


def test_late_and_over_quota_add_up_per_nominee(quota_forum):
    reading = analysis(HERNANDEZ, CASTILLO, MARTINEZ, from_email=RUIZ)
    decision = decide(facts(reading, quota_forum, received_at=LATE))
    assert decision.outcome == Outcome.LATE
    assert decision.flags_for(HERNANDEZ) == [Flag.LATE]
    assert decision.flags_for(MARTINEZ) == [Flag.LATE, Flag.OVER_QUOTA]


def test_a_rejected_participant_nominated_again_waits_for_review(forum):
    existing = [registered(MWANGI, ParticipantStatus.REJECTED)]
    decision = decide(facts(analysis(MWANGI, OTIENO), forum, existing=existing))
    assert decision.outcome == Outcome.ACCEPTED
    assert decision.rules == ["previously_rejected"]
    assert addresses(decision.register) == [MWANGI, OTIENO]
    assert decision.flags_for(MWANGI) == [Flag.NEEDS_REVIEW]
    assert decision.flags_for(OTIENO) == []


def test_a_blocked_fallback_role_is_unauthorized(forum):
    reading = analysis(MWANGI, from_email=WAMBUI)
    decision = decide(facts(reading, forum, blocking={"KE"}))
    assert decision.outcome == Outcome.UNAUTHORIZED
    assert decision.rules == ["fallback_blocked"]
    assert decision.flags_for(MWANGI) == [Flag.UNAUTHORIZED_SENDER]
    assert decision.reply == Template.UNAUTHORIZED


def test_a_fallback_role_without_a_cpb_focal_point_is_accepted(forum):
    decision = decide(facts(analysis(MWANGI, from_email=ASANTE), forum))
    assert decision.outcome == Outcome.ACCEPTED
    assert decision.rules == []


# Withdrawals -------------------------------------------------------------------------


def test_a_withdrawal_only_message_is_answered_as_a_withdrawal(forum):
    reading = analysis(kind=Kind.WITHDRAWAL, withdrawn=[OTIENO])
    decision = decide(facts(reading, forum, existing=[registered(OTIENO)]))
    assert decision.outcome == Outcome.ACCEPTED
    assert decision.action == Action.ANSWER_WITHDRAWAL
    assert decision.rules == ["withdrawal_only"]
    assert decision.withdraw == [OTIENO]
    assert decision.refused_withdrawals == []
    assert decision.register == []
    assert decision.reply == Template.WITHDRAWAL


def test_refused_withdrawals_are_listed_and_not_withdrawn(forum):
    existing = [registered(OTIENO), registered(CASTILLO, government="MX", nominated_by=RUIZ)]
    reading = analysis(kind=Kind.WITHDRAWAL, withdrawn=["nobody@example.org", OTIENO, CASTILLO])
    decision = decide(facts(reading, forum, existing=existing))
    assert decision.outcome == Outcome.ACCEPTED
    assert decision.rules == ["withdrawal_not_permitted", "withdrawal_only"]
    assert decision.reasons == [
        Reason(ReasonCode.WITHDRAWAL_REFUSED),
        Reason(ReasonCode.WITHDRAWAL_ONLY),
    ]
    assert decision.refused_withdrawals == ["nobody@example.org", CASTILLO]
    assert decision.withdraw == [OTIENO]
    assert decision.reply == Template.WITHDRAWAL


def test_a_stranger_s_withdrawal_is_unauthorized_and_withdraws_nobody(forum):
    reading = analysis(kind=Kind.WITHDRAWAL, from_email=STRANGER, withdrawn=[OTIENO])
    decision = decide(facts(reading, forum, existing=[registered(OTIENO)]))
    assert decision.outcome == Outcome.UNAUTHORIZED
    assert decision.refused_withdrawals == [OTIENO]
    assert decision.withdraw == []
    assert decision.reply == Template.UNAUTHORIZED


def test_a_replacement_withdraws_one_and_registers_the_other(forum):
    reading = analysis(ACHIENG, withdrawn=[MWANGI])
    decision = decide(facts(reading, forum, existing=[registered(MWANGI)]))
    assert decision.outcome == Outcome.ACCEPTED
    assert decision.rules == []
    assert addresses(decision.register) == [ACHIENG]
    assert decision.withdraw == [MWANGI]
    assert decision.reply == Template.CONFIRMATION


def test_a_withdrawal_after_the_deadline_is_answered_as_a_withdrawal(forum):
    reading = analysis(kind=Kind.WITHDRAWAL, withdrawn=[OTIENO])
    decision = decide(facts(reading, forum, received_at=LATE, existing=[registered(OTIENO)]))
    assert decision.outcome == Outcome.ACCEPTED
    assert decision.action == Action.ANSWER_WITHDRAWAL
    assert decision.withdraw == [OTIENO]
    assert decision.reply == Template.WITHDRAWAL


# The reply cap -----------------------------------------------------------------------


def test_the_reply_cap_keeps_the_outcome_but_sends_no_reply(forum):
    decision = decide(facts(analysis(MWANGI, OTIENO), forum, replies_today=10))
    assert decision.outcome == Outcome.ACCEPTED
    assert decision.effect == ACCEPT
    assert decision.rules == ["reply_cap"]
    assert decision.reasons == [Reason(ReasonCode.REPLY_CAP, {"cap": "10"})]
    assert addresses(decision.register) == [MWANGI, OTIENO]
    assert decision.flags_for(MWANGI) == []
    assert decision.reply is None


def test_the_reply_cap_silences_a_late_reply_too(forum):
    decision = decide(facts(analysis(MWANGI), forum, received_at=LATE, replies_today=10))
    assert decision.outcome == Outcome.LATE
    assert decision.flags_for(MWANGI) == [Flag.LATE]
    assert decision.reply is None


def test_below_the_reply_cap_the_reply_is_sent(forum):
    decision = decide(facts(analysis(MWANGI), forum, replies_today=9))
    assert decision.reply == Template.CONFIRMATION


# The chain is a parameter ------------------------------------------------------------


def test_the_order_of_the_table_decides(forum):
    reading = analysis(MWANGI, from_email=WANJIRU)
    known = facts(reading, forum, received_at=LATE)
    reordered = (
        Link("late", Action.LATE, Flag.LATE),
        Link("not_a_nominating_role", Action.UNAUTHORIZED, Flag.UNAUTHORIZED_SENDER),
    )
    decision = decide(known, reordered)
    assert decision.outcome == Outcome.LATE
    assert decision.rules == ["late", "not_a_nominating_role"]
    assert decision.reply == Template.LATE


def test_an_empty_chain_accepts(forum):
    decision = decide(facts(analysis(MWANGI), forum, auth=FAILED), ())
    assert decision.outcome == Outcome.ACCEPTED
    assert decision.reply == Template.CONFIRMATION


# The tables --------------------------------------------------------------------------


def test_every_rule_in_the_chain_exists():
    assert [link.rule for link in CHAIN if link.rule not in RULES] == []


def test_every_rule_is_in_the_chain_once():
    assert sorted(link.rule for link in CHAIN) == sorted(RULES)


def test_every_rule_is_named_for_itself_and_described():
    for name, rule in RULES.items():
        assert rule.name == name
        assert rule.description and rule.description.strip()


def test_every_ignore_comes_before_every_other_action():
    actions = [link.action for link in CHAIN]
    ignores = [i for i, action in enumerate(actions) if action == Action.IGNORE]
    assert ignores == list(range(len(ignores)))


def test_every_deciding_action_of_the_chain_has_an_effect():
    non_deciding = {Action.FLAG, Action.NO_REPLY, Action.REFUSE_WITHDRAWAL}
    deciding = {link.action for link in CHAIN} - non_deciding
    assert deciding == set(EFFECTS)


def test_every_outcome_has_a_folders_row():
    assert set(FOLDERS) == set(Outcome)


def test_every_reply_of_an_effect_is_a_reply_template():
    replies = {effect.reply for effect in [ACCEPT, *EFFECTS.values()]} - {None}
    assert replies <= set(REPLY_TEMPLATES)


@pytest.mark.parametrize(
    ("outcome", "acted", "folder"),
    [
        (Outcome.ACCEPTED, True, Folder.PROCESSED),
        (Outcome.DUPLICATE, True, Folder.PROCESSED),
        (Outcome.NEEDS_INFO, True, Folder.PROCESSED),
        (Outcome.LATE, True, Folder.REVIEW),
        (Outcome.UNAUTHORIZED, True, Folder.REVIEW),
        (Outcome.HELD, True, Folder.REVIEW),
        (Outcome.ERROR, False, Folder.REVIEW),
        (Outcome.IGNORED, True, Folder.PROCESSED),
        (Outcome.IGNORED, False, Folder.INBOX),
    ],
)
def test_folder_for(outcome, acted, folder):
    assert folder_for(outcome, acted) == folder


def test_only_an_ignored_message_the_bot_did_not_act_on_stays_in_the_inbox():
    stays = {o for o in Outcome for acted in (True, False) if folder_for(o, acted) == Folder.INBOX}
    assert stays == {Outcome.IGNORED}
    assert folder_for(Outcome.IGNORED, acted=False) == Folder.INBOX
