"""Translating what people wrote: the form per object and language, and the coordinators' list.

It lives in cop_portal because one page spans communities, groups, meetings and announcements;
the rules are in communities.permissions.translating and the writes in communities.services.translations.
"""
