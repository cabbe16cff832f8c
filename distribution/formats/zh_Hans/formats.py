"""Chinese number formats as the company's reports write them: 253,713 条, ¥1,402,314.30
(Django's zh_Hans ships no thousands separator and groups by four). Dates stay Django's."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
