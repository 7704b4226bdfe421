"""The staff web interface (``nombot web``): the review queue, decisions, corrections,
participants added by hand, and every list staff read, in the browser.

It sits beside ``bot.staff`` at the end of the pipeline and changes nothing itself: a
decision is ``bot.staff.review.decide_participant``, the JSON views are
``bot.staff.reports``. ``app.py`` assembles it; ``accounts.py``, ``throttle.py``,
``sessions.py``, ``gate.py`` and ``csrf.py`` keep it safe; ``headers.py`` adds the
browser's security headers; ``pages.py`` renders ``templates/web/`` and
``wording.py`` words times and governments for it; ``context.py`` hands the views the
services; ``views/`` holds the pages; ``dashboard.py``, ``evidence.py`` and
``changes.py`` read and write the rows; ``commands.py`` is ``nombot staff`` and
``nombot web``.
"""
