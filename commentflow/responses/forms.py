"""Forms of an agency's answer: register, assign, comment, return, submit, agree."""
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from commentflow.responses.models import MAX_COMMENT_CHARS
from commentflow.web.forms import (
    BAD_DATE,
    REQUIRED,
    DayField,
    Form,
    MultiCheckboxField,
    SubForm,
)


class RegisterForm(Form):
    number = IntegerField(_l("Số đến"), validators=[
        DataRequired(REQUIRED), NumberRange(min=1, message=_l("Số đến phải là số dương."))])
    received_on = DayField(_l("Ngày đến"), default=date.today,
                            validators=[DataRequired(BAD_DATE)])


class AssignForm(Form):
    handler_id = SelectField(_l("Giao cá nhân chủ trì"), coerce=int,
                             validators=[DataRequired(REQUIRED)])
    coordinator_ids = MultiCheckboxField(_l("Người phối hợp"), coerce=int)
    internal_due_on = DayField(_l("Thời hạn giải quyết"),
                                validators=[Optional()])
    instruction = TextAreaField(_l("Ý kiến chỉ đạo"), validators=[Optional(),
                                                                  Length(max=4000)])


class CommentForm(Form):
    section_id = HiddenField()
    revision = HiddenField()
    text = TextAreaField(_l("Nội dung góp ý"), validators=[
        DataRequired(_l("Nội dung góp ý không được để trống.")), Length(max=MAX_COMMENT_CHARS)])
    proposed_wording = TextAreaField(_l("Đề nghị sửa lại thành"),
                                     validators=[Optional(), Length(max=MAX_COMMENT_CHARS)])
    reason = TextAreaField(_l("Lý do"), validators=[Optional(), Length(max=MAX_COMMENT_CHARS)])


class ReturnForm(Form):
    note = TextAreaField(_l("Ý kiến của lãnh đạo (lý do trả lại)"),
                         validators=[DataRequired(REQUIRED), Length(max=4000)])


class ReplyLetterForm(Form):
    reply_number = StringField(_l("Số văn bản trả lời"), validators=[
        DataRequired(REQUIRED), Regexp(r"^\d{1,7}$", message=_l("Số văn bản chỉ gồm chữ số."))])
    reply_notation = StringField(_l("Ký hiệu"), validators=[DataRequired(REQUIRED),
                                                            Length(max=60)])
    reply_date = DayField(_l("Ngày văn bản"), default=date.today,
                           validators=[DataRequired(BAD_DATE)])
    scan = FileField(_l("Bản chụp văn bản đã ký (PDF, không bắt buộc)"),
                     validators=[FileAllowed(["pdf"], _l("Bản chụp phải là tệp PDF."))])


class PaperCommentForm(SubForm):
    """One comment of a paper reply: where it points and what it says."""

    section_id = SelectField(_l("Mục"), coerce=lambda v: int(v) if v else None,
                             validate_choice=False)
    text = TextAreaField(_l("Nội dung góp ý"),
                         validators=[Optional(), Length(max=MAX_COMMENT_CHARS)])
    proposed_wording = TextAreaField(_l("Đề nghị sửa lại thành"),
                                     validators=[Optional(), Length(max=MAX_COMMENT_CHARS)])
    reason = TextAreaField(_l("Lý do"), validators=[Optional(), Length(max=MAX_COMMENT_CHARS)])
    #: For a comment read from a file: where it was read, and whether its place is a guess.
    origin = HiddenField()
    flagged = HiddenField()


#: Comments read from one reply file, at most.
MAX_IMPORTED = 300
_REPLY_FILE = _l("Tệp trả lời: bản dự thảo có nhận xét bên lề hoặc sửa đổi được theo dõi (Word), "
                 "hoặc văn bản góp ý (Word, PDF, bản quét)")


class PaperReplyForm(ReplyLetterForm):
    recipient_id = SelectField(_l("Cơ quan, đơn vị trả lời"), coerce=int,
                               validators=[DataRequired(REQUIRED)])
    comments = FieldList(FormField(PaperCommentForm), min_entries=8, max_entries=MAX_IMPORTED)


class CommentsFileForm(Form):
    """Step one of reading a reply file: the file."""

    file = FileField(_l("Tệp trả lời"), description=_REPLY_FILE,
                     validators=[FileRequired(_l("Hãy chọn tệp trả lời."))])


class ReplyFileForm(CommentsFileForm):
    """…and, for the lead office recording it, whose reply it is."""

    recipient_id = SelectField(_l("Cơ quan, đơn vị trả lời"), coerce=int,
                               validators=[DataRequired(REQUIRED)])


class ImportedCommentsForm(Form):
    """Step two for agency staff: the comments read from their file, to correct and confirm."""

    comments = FieldList(FormField(PaperCommentForm), min_entries=0, max_entries=MAX_IMPORTED)


class TrackerFilterForm(Form):
    class Meta:
        csrf = False

    state = SelectField(_l("Trạng thái"), validators=[Optional()])
    group = SelectField(_l("Nhóm"), validators=[Optional()])


class PreviousAnswerForm(Form):
    """An agency's answer, in a follow-up round, to one of its comments of the earlier one."""

    answer = RadioField(_l("Ý kiến"), choices=[
        ("agree", _l("Đồng ý với giải trình")), ("maintain", _l("Bảo lưu ý kiến"))],
        validators=[DataRequired(_l("Hãy chọn đồng ý với giải trình hoặc bảo lưu ý kiến."))])
    text = TextAreaField(_l("Nội dung ý kiến bảo lưu"),
                         validators=[Optional(), Length(max=MAX_COMMENT_CHARS)])
