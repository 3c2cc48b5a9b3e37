"""Forms for uploading drafts and versions and correcting how a draft is split."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, StringField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional


class DraftUploadForm(FlaskForm):
    title = StringField(_l("Tên dự thảo"), description=_l(
        "Để trống: lấy theo tên văn bản trong tệp."), validators=[Optional(), Length(max=500)])
    file = FileField(_l("Tệp dự thảo (.docx, .md hoặc .txt)"),
                     validators=[FileRequired(_l("Hãy chọn tệp dự thảo."))])


class VersionUploadForm(FlaskForm):
    file = FileField(_l("Tệp dự thảo mới (.docx, .md hoặc .txt)"),
                     validators=[FileRequired(_l("Hãy chọn tệp dự thảo."))])


class SectionActionForm(FlaskForm):
    """Merge, split or re-level one section (the action is in the URL)."""

    paragraph = IntegerField(validators=[Optional(), NumberRange(min=1)])
    direction = HiddenField(validators=[Optional(), AnyOf(["in", "out"])])


class ConfirmForm(FlaskForm):
    confirm = HiddenField(validators=[DataRequired()])
