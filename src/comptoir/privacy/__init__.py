"""Privacy (Privacy Act, Directive on Privacy Practices): a client's personal information
exported in full for an access request (``comptoir privacy export``)."""
