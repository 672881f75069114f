"""Reports for coordinators, the /me/ dashboard parts, the network map and each community's open data.

A package inside the cop_portal app (it combines communities, meetings and knowledge, so it
lives at the top layer); its templates are under templates/reports/.
"""
