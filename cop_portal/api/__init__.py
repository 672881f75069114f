"""The REST API at /api/v1/ (issue 18): personal tokens, scoped reads, writes through the apps' services.

The API is a second face of the same portal, not a second portal: every list and object comes from the
querysets the pages use (visible_to, manageable_by), every write calls the service the page calls, and
every access decision is made by communities.permissions. A hidden object and a missing one both answer 404.
"""
