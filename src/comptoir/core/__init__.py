"""The pure core of Comptoir.

Plain, typed Python: no Django, no clock, no time zone read from the environment. Every instant
and every calendar is an argument. Core functions return codes and numbers; the Django layer turns
them into words in the reader's official language.
"""
