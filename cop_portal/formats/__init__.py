"""Date formats per language (settings.FORMAT_MODULE_PATH), over Django's where they mislead.

English: day before month and the month in letters ("15 Jan 2027", "Friday 15 January 2027"),
never 01/15/2027, which half the readers take for the first of a month that does not exist.
Italian: no leading zero on the day; day and month names are lower case through the catalogue
(members/typography.py). Arabic: a 24-hour clock like the other languages, the Arabic comma,
and a date and time format Django lacks (it fell back to the English "N j, Y, P").
"""
