"""Forms of a comparison: pairing a section of the new version with one of the old."""
from wtforms import SelectField
from wtforms.validators import Optional

from commentflow.web.forms import Form


class PairForm(Form):
    old_section_id = SelectField(validators=[Optional()], validate_choice=False)
