"""Mail to and from clients: outbound notifications (SMTP or GC Notify) sent by the worker,
delivery reports, inbound replies threaded onto their case, and the bilingual templates
(docs/notifications.md).
"""
