"""The re-validation page's and command's wording (``revalidation_*``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ipgraph.publish.i18n import Language

REVALIDATION_WORDING: dict[str, dict[Language, str]] = {
    "revalidation_title": {
        "vi": "Kiểm tra lại các báo cáo đã lưu",
        "en": "Stored reports checked again",
    },
    "revalidation_intro": {
        "vi": ("Khi bộ ràng buộc hoặc Kế hoạch thay đổi, quản trị viên kiểm tra lại mọi phiên bản báo cáo đã lưu."),
        "en": "When the shapes or the plan change, an administrator checks every stored report version again.",
    },
    "revalidation_none_yet": {
        "vi": "Chưa có lần kiểm tra lại nào.",
        "en": "No re-validation has been run yet.",
    },
    "revalidation_summary": {
        "vi": "Lần gần nhất: {finished_at} (UTC), {versions} phiên bản, {checks} ràng buộc, {seconds} giây.",
        "en": "Latest run: {finished_at} (UTC), {versions} versions, {checks} constraints, {seconds} s.",
    },
    "revalidation_no_longer_conforming": {
        "vi": "Không còn hợp lệ",
        "en": "No longer conform",
    },
    "revalidation_still_not_conforming": {
        "vi": "Vẫn chưa hợp lệ",
        "en": "Still do not conform",
    },
    "revalidation_now_conforming": {
        "vi": "Nay đã hợp lệ",
        "en": "Now conform",
    },
    "revalidation_all_conform": {
        "vi": "Mọi phiên bản đã lưu đều hợp lệ.",
        "en": "Every stored version conforms.",
    },
    "revalidation_version": {
        "vi": "phiên bản",
        "en": "version",
    },
    "revalidation_current": {
        "vi": "hiện hành",
        "en": "current",
    },
    "revalidation_violation": {
        "vi": "Vi phạm",
        "en": "Violation",
    },
    "revalidation_warning": {
        "vi": "Cảnh báo",
        "en": "Warning",
    },
    "revalidation_info": {
        "vi": "Thông tin",
        "en": "Information",
    },
    "revalidation_cli_summary": {
        "vi": "Đã kiểm tra {versions} phiên bản đã lưu theo {checks} ràng buộc trong {seconds:.1f} giây",
        "en": "{versions} stored versions checked against {checks} constraints in {seconds:.1f} s",
    },
    "revalidation_cli_no_longer": {
        "vi": "Không còn hợp lệ",
        "en": "No longer conform",
    },
    "revalidation_cli_still": {
        "vi": "Vẫn chưa hợp lệ",
        "en": "Still do not conform",
    },
    "revalidation_cli_now": {
        "vi": "Nay đã hợp lệ",
        "en": "Now conform",
    },
    "revalidation_cli_none": {
        "vi": "mọi phiên bản đã lưu đều hợp lệ",
        "en": "every stored version conforms",
    },
}
