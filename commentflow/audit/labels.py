"""What the audit log calls each action and each recorded field, in the user's language."""
from flask_babel import lazy_gettext as _l

ACTIONS = {
    "agency.created": _l("Tạo cơ quan, đơn vị"), "agency.updated": _l("Sửa cơ quan, đơn vị"),
    "group.created": _l("Tạo nhóm nhận"), "group.updated": _l("Sửa nhóm nhận"),
    "directory.imported": _l("Nhập danh bạ từ tệp"),
    "user.created": _l("Tạo người dùng"), "user.updated": _l("Sửa người dùng"),
    "user.deactivated": _l("Khóa tài khoản"), "user.reactivated": _l("Mở khóa tài khoản"),
    "user.logged_in": _l("Đăng nhập"), "user.password_changed": _l("Đổi mật khẩu"),
    "user.password_reset": _l("Đặt lại mật khẩu"),
    "draft.created": _l("Tải lên dự thảo"), "draft.version_added": _l("Thêm phiên bản dự thảo"),
    "draft.sections_merged": _l("Gộp mục"), "draft.section_split": _l("Tách mục"),
    "draft.section_level_changed": _l("Đổi cấp mục"),
    "draft.import_queued": _l("Tải lên dự thảo để đọc (chuyển đổi, PDF, bản quét)"),
    "draft.recognised_text_corrected": _l("Sửa nội dung nhận dạng"),
    "draft.recognised_text_confirmed": _l("Xác nhận nội dung nhận dạng"),
    "draft.comparison_corrected": _l("Sửa cách ghép mục giữa hai phiên bản"),
    "draft.comparison_confirmed": _l("Xác nhận cách ghép mục giữa hai phiên bản"),
    "round.created": _l("Tạo đợt lấy ý kiến"), "round.updated": _l("Sửa đợt lấy ý kiến"),
    "round.opened": _l("Gửi văn bản lấy ý kiến"), "round.closed": _l("Kết thúc nhận ý kiến"),
    "round.deadline_extended": _l("Gia hạn góp ý"),
    "round.agency_deadline_extended": _l("Gia hạn riêng cho đơn vị"),
    "round.recipients_added": _l("Thêm nơi nhận"),
    "round.reminder_policy_changed": _l("Đổi cách nhắc hạn"),
    "round.published": _l("Công bố kết quả tổng hợp"),
    "response.registered": _l("Vào sổ văn bản đến"), "response.assigned": _l("Giao xử lý"),
    "response.returned": _l("Trả lại dự thảo ý kiến"),
    "response.presented": _l("Trình lãnh đạo duyệt ý kiến"), "response.submitted": _l("Gửi ý kiến"),
    "consolidation.decided": _l("Ghi cách xử lý ý kiến"),
    "consolidation.grouped": _l("Gộp ý kiến"), "consolidation.ungrouped": _l("Tách ý kiến"),
    "consolidation.approved": _l("Duyệt cách xử lý"),
    "consolidation.closed": _l("Chốt tổng hợp"),
}

FIELDS = {
    "name": _l("Tên"), "code": _l("Mã"), "edoc_code": _l("Mã định danh điện tử"),
    "kind": _l("Loại"), "parent_id": _l("Cơ quan cấp trên"), "display_order": _l("Thứ tự"),
    "succeeded_by_id": _l("Đã sáp nhập vào / được kế thừa bởi"), "succeeded_on": _l("Từ ngày"),
    "short_name": _l("Tên ngắn"), "agencies": _l("Cơ quan, đơn vị"),
    "created": _l("Tạo mới"), "updated": _l("Cập nhật"), "groups_created": _l("Nhóm tạo mới"),
    "username": _l("Tên đăng nhập"), "full_name": _l("Họ và tên"), "position": _l("Chức vụ"),
    "email": _l("Thư điện tử"), "agency_id": _l("Đơn vị"), "locale": _l("Ngôn ngữ"),
    "roles": _l("Vai trò"), "file": _l("Tệp"), "version": _l("Phiên bản"),
    "merged": _l("Mục gộp"), "into": _l("Vào mục"), "section": _l("Mục"), "new": _l("Mục mới"),
    "level": _l("Cấp"), "letter_number": _l("Số"), "letter_notation": _l("Ký hiệu"),
    "subject": _l("Trích yếu"), "place": _l("Địa danh"), "letter_date": _l("Ngày văn bản"),
    "urgency": _l("Độ khẩn"), "signer_authority": _l("Thẩm quyền ký"),
    "signer_head_title": _l("Chức vụ người đứng đầu"), "signer_position": _l("Chức vụ người ký"),
    "signer_name": _l("Người ký"), "collecting_unit": _l("Đơn vị tổng hợp"),
    "contact": _l("Liên hệ"), "body": _l("Nội dung"), "deadline_at": _l("Hạn góp ý"),
    "silence_is_agreement": _l("Không trả lời xem như thống nhất"),
    "recipients": _l("Nơi nhận"), "versions": _l("Dự thảo"), "reason": _l("Lý do"),
    "agency": _l("Đơn vị"), "before": _l("Trước"), "after": _l("Sau"),
    "days": _l("Nhắc trước (ngày)"), "hour": _l("Giờ nhắc"), "last_day": _l("Nhắc ngày cuối"),
    "overdue": _l("Báo quá hạn"), "before_deadline": _l("Trước hạn"),
    "number": _l("Số đến"), "year": _l("Năm"), "handler": _l("Người chủ trì"),
    "coordinators": _l("Người phối hợp"), "note": _l("Ghi chú"), "reply": _l("Văn bản trả lời"),
    "comments": _l("Ý kiến"), "comment": _l("Ý kiến"), "by_lead": _l("Cơ quan chủ trì nhập"),
    "text": _l("Nội dung"), "dispositions": _l("Cách xử lý"),
    "open_comments": _l("Ý kiến chưa duyệt"),
}

#: Stored codes that appear as recorded values (a disposition's kind, a user's roles …).
VALUES = {
    "accepted": _l("Tiếp thu"), "partly": _l("Tiếp thu một phần"),
    "not_accepted": _l("Không tiếp thu"), "noted": _l("Ghi nhận"),
    "comments": _l("Có ý kiến"), "agreed": _l("Thống nhất, không có ý kiến"),
    "normal": _l("Thường"), "urgent": _l("Khẩn"), "very_urgent": _l("Thượng khẩn"),
    "immediate": _l("Hỏa tốc"), "admin": _l("Quản trị viên"),
    "lead_staff": _l("Chuyên viên cơ quan chủ trì"), "leader": _l("Lãnh đạo đơn vị"),
    "staff": _l("Chuyên viên"), "clerk": _l("Văn thư"),
    "provincial_body": _l("Cơ quan cấp tỉnh (UBND, HĐND tỉnh)"), "department": _l("Sở, ban, ngành"),
    "district": _l("UBND cấp huyện (trước 1/7/2025)"),
    "commune": _l("UBND cấp xã (xã, phường, đặc khu)"), "internal_unit": _l("Phòng chuyên môn"),
    "affiliated_unit": _l("Đơn vị trực thuộc"), "other": _l("Khác"),
}


def value_label(value: str) -> str:
    return str(VALUES.get(value, value))


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def field_label(key: str) -> str:
    return str(FIELDS.get(key, key))
