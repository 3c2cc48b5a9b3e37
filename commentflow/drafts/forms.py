"""Forms for uploading drafts and versions and correcting how a draft is split."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from commentflow.web.forms import Form

#: What the file picker offers (the server tells the format by content, not by this).
ACCEPTED_INPUT = ".docx,.doc,.odt,.rtf,.pdf,.jpg,.jpeg,.png,.tif,.tiff,.md,.txt"
_FORMATS = _l("Word (.docx, .doc), .odt, .rtf, PDF, ảnh quét (.jpg, .png, .tif), .md, .txt")


class DraftUploadForm(Form):
    title = StringField(_l("Tên dự thảo"), description=_l(
        "Để trống: lấy theo tên văn bản trong tệp."), validators=[Optional(), Length(max=500)])
    file = FileField(_l("Tệp dự thảo"), description=_FORMATS,
                     validators=[FileRequired(_l("Hãy chọn tệp dự thảo."))])


class VersionUploadForm(Form):
    file = FileField(_l("Tệp dự thảo mới"), description=_FORMATS,
                     validators=[FileRequired(_l("Hãy chọn tệp dự thảo."))])


class ReviewSectionForm(Form):
    """One recognised section as the officer corrects it against the page image."""

    number = StringField(_l("Số"), validators=[Optional(), Length(max=60)])
    title = StringField(_l("Tiêu đề"), validators=[Optional(), Length(max=2000)])
    text = TextAreaField(_l("Nội dung"), validators=[Optional(), Length(max=100_000)])


class SectionActionForm(Form):
    """Merge, split or re-level one section (the action is in the URL)."""

    paragraph = IntegerField(validators=[Optional(), NumberRange(min=1)])
    direction = HiddenField(validators=[Optional(), AnyOf(["in", "out"])])


class ConfirmForm(Form):
    confirm = HiddenField(validators=[DataRequired()])
