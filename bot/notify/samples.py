"""Sample values for the start-up check of the templates (``MailWriter.check``): the full
sample contexts come from ``templates/sample-context.toml``; this makes their empty twins."""


def emptied(data: object) -> object:
    """A sample (the digest's, shaped like ``bot.staff.digest.Digest.context()``) with
    nothing in it: lists empty, counts 0, texts missing, tables kept with their keys."""
    if isinstance(data, dict):
        return {k: emptied(v) for k, v in data.items()}
    if isinstance(data, list | int):
        return type(data)()
    return None if isinstance(data, str) else data
