"""Form fields shared by the blueprints."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField


class SmallIntegerField(IntegerField):
    """An IntegerField that refuses numbers of more than 15 digits as it reads
    them: WTForms' NumberRange turns a huge one into a float and fails with
    OverflowError (a 500) instead of a message."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and abs(self.data) >= 10**15:
            self.data = None
            raise ValueError(_l("Not a number in the allowed range."))
