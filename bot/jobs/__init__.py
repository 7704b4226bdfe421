"""The scheduled housekeeping jobs ``nombot run`` drives beside ingestion and the outbox:
reminders before the deadline, the retention purge, the directory refresh. Each is a
function of the Services that is safe to run at any time and in several processes."""
