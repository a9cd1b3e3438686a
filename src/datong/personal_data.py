"""Where personal data sits in the raw exports, and the column names that carry it.

One list for everything that guards the boundary: the PII scanner
(tests/python/test_pii_isolation.py) reads these raw columns for the values it searches the
warehouse for, and `datong publish` refuses to publish any column with one of these names.
"""

from __future__ import annotations

# Raw columns holding personal data, by raw table (`<source>.<table>`).
PERSONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "ecommerce.orders": ("buyer_id", "receiver_name", "receiver_phone", "receiver_address"),
    "wechat.users": ("openid", "unionid", "nickname", "phone"),
    "wechat.location_shares": ("openid", "device_id"),
    "pos.receipts": ("member_card_no", "customer_phone"),
    "crm.members": ("member_card_no", "name", "phone", "unionid"),
    "marketing.coupons": ("issued_to_openid", "issued_to_member_card_no"),
    "survey.responses": ("respondent_phone",),
    "privacy.consents": ("subject_value",),
    "privacy.erasure_requests": ("subject_value",),
}

# Of those, the columns holding phone numbers (also searched for in normalised form).
PHONE_COLUMNS = frozenset(
    {"receiver_phone", "phone", "customer_phone", "respondent_phone", "subject_value"}
)

# Columns of the restricted `pii` models that hold personal data under names of their own.
PII_AREA_COLUMNS = frozenset({"member_name"})

# No published relation may have a column of one of these names.
BLOCKED_COLUMN_NAMES = frozenset(
    {column for columns in PERSONAL_COLUMNS.values() for column in columns} | PII_AREA_COLUMNS
)
