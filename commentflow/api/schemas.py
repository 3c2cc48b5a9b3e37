"""What the API reads and writes, as marshmallow schemas (they also make the OpenAPI document)."""
import marshmallow as ma
from flask_smorest.fields import Upload


class AgencySchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    code = ma.fields.String(metadata={"description": "Mã cơ quan trong danh bạ"})
    edoc_code = ma.fields.String(allow_none=True, metadata={
        "description": "Mã định danh 13 ký tự theo QĐ 20/2020/QĐ-TTg (null nếu chưa có)"})


class PersonSchema(ma.Schema):
    id = ma.fields.Integer()
    username = ma.fields.String()
    full_name = ma.fields.String()
    position = ma.fields.String(allow_none=True)
    roles = ma.fields.List(ma.fields.String())


class TokenInfoSchema(ma.Schema):
    name = ma.fields.String()
    agency = ma.fields.Nested(AgencySchema)
    scopes = ma.fields.List(ma.fields.String())
    rate_limit_per_minute = ma.fields.Integer()


class PageArgs(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1))
    per_page = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=200))


class _Page(ma.Schema):
    page = ma.fields.Integer()
    pages = ma.fields.Integer()
    total = ma.fields.Integer()


class SectionSchema(ma.Schema):
    id = ma.fields.Integer()
    version_id = ma.fields.Integer()
    parent_id = ma.fields.Integer(allow_none=True)
    key = ma.fields.String(metadata={"description": "Khóa ổn định của mục: \"I.1.a\""})
    number = ma.fields.String()
    title = ma.fields.String()
    text = ma.fields.String()
    level = ma.fields.Integer()
    is_commentable = ma.fields.Boolean()


class VersionSchema(ma.Schema):
    id = ma.fields.Integer()
    draft_title = ma.fields.String()
    number = ma.fields.Integer()


class OutlineSchema(ma.Schema):
    versions = ma.fields.List(ma.fields.Nested(VersionSchema))
    sections = ma.fields.List(ma.fields.Nested(SectionSchema))


class CommentSchema(ma.Schema):
    id = ma.fields.Integer()
    section_id = ma.fields.Integer(allow_none=True)
    section_key = ma.fields.String(allow_none=True)
    text = ma.fields.String()
    proposed_wording = ma.fields.String()
    reason = ma.fields.String()
    revision = ma.fields.Integer(metadata={
        "description": "Gửi lại khi sửa: bản đã bị người khác sửa thì bị từ chối (409)"})
    author = ma.fields.String()
    updated_at = ma.fields.AwareDateTime()


class SignatureSchema(ma.Schema):
    state = ma.fields.String(allow_none=True, metadata={
        "description": "valid, invalid, untrusted, expired, none (không ký), unreadable; "
                       "null: không có bản PDF"})
    label = ma.fields.String(metadata={"description": "\"Đã ký số: …, hợp lệ\"…"})


class ResponseSchema(ma.Schema):
    id = ma.fields.Integer()
    signature = ma.fields.Nested(SignatureSchema, metadata={
        "description": "Chữ ký số trên bản PDF văn bản trả lời đã ký"})
    state = ma.fields.String(metadata={
        "description": "drafting, returned, submitted, superseded"})
    kind = ma.fields.String(metadata={"description": "comments, agreed"})
    reply_number = ma.fields.String()
    reply_notation = ma.fields.String()
    reply_date = ma.fields.Date(allow_none=True)
    submitted_at = ma.fields.AwareDateTime(allow_none=True)
    entered_by_lead = ma.fields.Boolean()
    comments = ma.fields.List(ma.fields.Nested(CommentSchema))


class RegistrationSchema(ma.Schema):
    number = ma.fields.Integer()
    year = ma.fields.Integer()
    received_on = ma.fields.Date()


class AssignmentSchema(ma.Schema):
    handler = ma.fields.Nested(PersonSchema)
    coordinators = ma.fields.List(ma.fields.Nested(PersonSchema))
    internal_due_on = ma.fields.Date(allow_none=True)
    instruction = ma.fields.String()


class RequestSummarySchema(ma.Schema):
    round_id = ma.fields.Integer()
    reference = ma.fields.String(metadata={
        "description": "Số, ký hiệu công văn: \"2159/SYT-TCCB\""})
    subject = ma.fields.String()
    lead_agency = ma.fields.Nested(AgencySchema)
    letter_date = ma.fields.Date()
    deadline_at = ma.fields.AwareDateTime()
    state = ma.fields.String()
    state_label = ma.fields.String()


class InboxPageSchema(_Page):
    items = ma.fields.List(ma.fields.Nested(RequestSummarySchema))


class RequestSchema(RequestSummarySchema):
    urgency = ma.fields.String()
    body = ma.fields.String()
    collecting_unit = ma.fields.String()
    contact = ma.fields.String()
    signer_name = ma.fields.String()
    accepts_answers = ma.fields.Boolean()
    versions = ma.fields.List(ma.fields.Nested(VersionSchema))
    registration = ma.fields.Nested(RegistrationSchema, allow_none=True)
    assignment = ma.fields.Nested(AssignmentSchema, allow_none=True)
    response = ma.fields.Nested(ResponseSchema, allow_none=True)


class RegistrationIn(ma.Schema):
    number = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1),
                               metadata={"description": "Số đến trong sổ văn bản đến"})
    received_on = ma.fields.Date(required=True, metadata={"description": "Ngày đến"})


class AssignmentIn(ma.Schema):
    handler = ma.fields.String(required=True, metadata={
        "description": "Tên đăng nhập của người chủ trì xử lý (xem /agency/users)"})
    coordinators = ma.fields.List(ma.fields.String(), load_default=list)
    due_on = ma.fields.Date(load_default=None, allow_none=True)
    instruction = ma.fields.String(load_default="")


class CommentIn(ma.Schema):
    section_id = ma.fields.Integer(load_default=None, allow_none=True, metadata={
        "description": "Mục được góp ý; null: ý kiến chung về cả dự thảo"})
    #: No length rule here: the service refuses a too long text with the form's own message.
    text = ma.fields.String(required=True)
    proposed_wording = ma.fields.String(load_default="")
    reason = ma.fields.String(load_default="")


class CommentsIn(ma.Schema):
    comments = ma.fields.List(ma.fields.Nested(CommentIn), required=True,
                              validate=ma.validate.Length(min=1, max=500), metadata={
                                  "description": "Tất cả được lưu, hoặc không ý kiến nào"})


class CommentUpdateIn(CommentIn):
    revision = ma.fields.Integer(required=True)


class SubmissionIn(ma.Schema):
    reply_number = ma.fields.String(required=True, validate=ma.validate.Length(max=20))
    reply_notation = ma.fields.String(required=True, validate=ma.validate.Length(max=60))
    reply_date = ma.fields.Date(required=True)
    agree = ma.fields.Boolean(load_default=False, metadata={
        "description": "true: \"Thống nhất, không có ý kiến\" (không gửi ý kiến đang soạn)"})
    #: Documented here; the view reads it from the request's files.
    letter = Upload(load_default=None, metadata={
        "description": "Bản PDF văn bản trả lời đã ký (không bắt buộc)"})


class RecipientSchema(ma.Schema):
    agency = ma.fields.Nested(AgencySchema)
    state = ma.fields.String()
    state_label = ma.fields.String()
    deemed_agreement = ma.fields.Boolean()
    deadline_at = ma.fields.AwareDateTime()
    opened_at = ma.fields.AwareDateTime(allow_none=True)
    response_id = ma.fields.Integer(allow_none=True)
    reply_reference = ma.fields.String()
    reply_date = ma.fields.Date(allow_none=True)
    comment_count = ma.fields.Integer()
    signature = ma.fields.Nested(SignatureSchema)


class RecipientPageSchema(_Page):
    items = ma.fields.List(ma.fields.Nested(RecipientSchema))


class RoundSummarySchema(ma.Schema):
    id = ma.fields.Integer()
    reference = ma.fields.String()
    subject = ma.fields.String()
    state = ma.fields.String(metadata={
        "description": "draft, open, closed, consolidated, published"})
    letter_date = ma.fields.Date()
    deadline_at = ma.fields.AwareDateTime()
    recipient_count = ma.fields.Integer()


class RoundPageSchema(_Page):
    items = ma.fields.List(ma.fields.Nested(RoundSummarySchema))


class RoundSchema(RoundSummarySchema):
    previous_round_id = ma.fields.Integer(allow_none=True)
    silence_is_agreement = ma.fields.Boolean()
    versions = ma.fields.List(ma.fields.Nested(VersionSchema))
    states = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(), metadata={
        "description": "Số cơ quan theo từng trạng thái trả lời"})


class ErrorSchema(ma.Schema):
    code = ma.fields.Integer()
    status = ma.fields.String()
    message = ma.fields.String()
    errors = ma.fields.Dict()


class ReportArgs(ma.Schema):
    columns = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(
        ["stt", "reply", "officer", "note"])), load_default=list, metadata={
        "description": "Cột thêm: stt, reply (số, ngày văn bản góp ý), officer, note"})
