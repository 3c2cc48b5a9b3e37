"""Forms for uploading drafts and versions and correcting how a draft is split."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, StringField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from commentflow.web.forms import Form


class DraftUploadForm(Form):
    title = StringField(_l("Tên dự thảo"), description=_l(
        "Để trống: lấy theo tên văn bản trong tệp."), validators=[Optional(), Length(max=500)])
    file = FileField(_l("Tệp dự thảo (.docx, .md hoặc .txt)"),
                     validators=[FileRequired(_l("Hãy chọn tệp dự thảo."))])


class VersionUploadForm(Form):
    file = FileField(_l("Tệp dự thảo mới (.docx, .md hoặc .txt)"),
                     validators=[FileRequired(_l("Hãy chọn tệp dự thảo."))])


class SectionActionForm(Form):
    """Merge, split or re-level one section (the action is in the URL)."""

    paragraph = IntegerField(validators=[Optional(), NumberRange(min=1)])
    direction = HiddenField(validators=[Optional(), AnyOf(["in", "out"])])


class ConfirmForm(Form):
    confirm = HiddenField(validators=[DataRequired()])
