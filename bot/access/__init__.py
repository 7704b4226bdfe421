"""Access to the event: after the secretariat publishes it, every confirmed participant
gets one individual mail in their language — their link, the event's dates and session
times (in the event's zone and in UTC), the instructions staff wrote in Markdown, and a
calendar invitation — and a participant withdrawn afterwards gets its cancellation.

publish  — the switch (``Event.access_published_at``): ``nombot access publish SLUG`` or
           ``[access] publish_at`` reached by the dispatch job
mail     — one participant's mail, claimed and queued in the caller's transaction
calendar — the ``.ics`` (icalendar): stable UIDs, METHOD:REQUEST or CANCEL
instructions — the Markdown files, rendered to HTML and text
hooks    — called where participants are confirmed or withdrawn (pipeline, staff)
dispatch — the scheduled job: publish what is due, catch up on what is owed
links    — participants' own links (``nombot access links import``)
resend   — ``nombot access resend EMAIL``
commands — the ``nombot access …`` command line
"""
