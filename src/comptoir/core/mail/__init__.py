"""Reading mail without Django: is it automatic, which case does it name, what does it say.

    from comptoir.core.mail import classify, message_ids, references_in_subject, html_to_text

    verdict = classify(message.items())       # Classification(Verdict.AUTO_REPLY, ...) or PERSON
    message_ids(message["References"])        # ("abc@x", "def@y"): angle brackets removed
    references_in_subject("Re: 01AK-RQX7")    # the well-formed case references it names

No Django, no clock, no network: headers and text in, codes out. The Django side
(``comptoir.notifications.inbound``) decides what to do with them and says it in words.
"""

from comptoir.core.mail.automatic import Classification, Reason, Verdict, classify
from comptoir.core.mail.text import guess_language, html_to_text, trim_quoted_reply
from comptoir.core.mail.threading import message_ids, references_in_subject

__all__ = [
    "Classification",
    "Reason",
    "Verdict",
    "classify",
    "guess_language",
    "html_to_text",
    "message_ids",
    "references_in_subject",
    "trim_quoted_reply",
]
