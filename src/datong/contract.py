"""The raw data contract (../shared/RAW_CONTRACT.md) as data.

One entry per raw table: its source system, table name and columns in contract order. The
generator writes exactly these columns, the loader checks for them, and the dbt sources
declare them; nothing else in the Python package repeats the list.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RawTable:
    source: str
    name: str
    columns: tuple[str, ...]

    @property
    def qualified_name(self) -> str:
        return f"{self.source}.{self.name}"

    @property
    def schema(self) -> str:
        """Warehouse schema the loader writes this table to."""
        return f"raw_{self.source}"


def _table(source: str, name: str, columns: str) -> RawTable:
    return RawTable(source, name, tuple(columns.split()))


TABLES: tuple[RawTable, ...] = (
    _table(
        "ecommerce",
        "orders",
        "order_id platform shop_id buyer_id receiver_name receiver_phone receiver_province "
        "receiver_city receiver_district receiver_address pickup_store_id created_at paid_at "
        "status goods_amount discount_amount shipping_fee paid_amount refund_amount updated_at",
    ),
    _table(
        "ecommerce",
        "order_items",
        "order_id platform line_no platform_sku_id sku_code quantity unit_list_price "
        "line_paid_amount refund_status",
    ),
    _table(
        "wechat",
        "users",
        "openid appid unionid nickname gender birth_date phone register_scene "
        "register_store_id registered_at updated_at",
    ),
    _table(
        "wechat",
        "location_shares",
        "share_id openid appid device_id latitude longitude coord_system accuracy_m "
        "province city district street shared_at",
    ),
    _table(
        "pos",
        "stores",
        "store_id store_name store_format province city district street address latitude "
        "longitude floor_area_sqm opened_at closed_at",
    ),
    _table(
        "pos",
        "receipts",
        "receipt_id store_id register_id cashier_id member_card_no customer_phone receipt_type "
        "original_receipt_id gross_amount discount_amount paid_amount payment_method txn_at "
        "updated_at",
    ),
    _table(
        "pos",
        "receipt_lines",
        "receipt_id line_no sku_code quantity unit_list_price line_paid_amount",
    ),
    _table(
        "crm",
        "members",
        "member_card_no program name phone gender birth_date unionid enrolled_store_id "
        "enrolled_at tier status updated_at",
    ),
    _table(
        "marketing",
        "coupons",
        "coupon_id campaign_id issued_channel issued_to_openid issued_to_member_card_no "
        "face_value min_spend issued_at redeemed_at redeemed_channel redeemed_order_id "
        "redeemed_receipt_id redeemed_store_id",
    ),
    _table(
        "survey",
        "responses",
        "response_id store_id respondent_phone answered_at age_band gender home_district "
        "preferred_channel price_importance experience_importance",
    ),
    _table(
        "catalog",
        "products",
        "sku_code spu_code product_name category_l1 category_l2 season gender_target size "
        "color list_price launched_at",
    ),
    _table("catalog", "platform_skus", "platform platform_sku_id sku_code"),
    _table(
        "privacy",
        "consents",
        "subject_type subject_value purpose granted recorded_at",
    ),
    _table(
        "privacy",
        "erasure_requests",
        "request_id subject_type subject_value requested_at",
    ),
)

LINEAGE_COLUMNS: tuple[str, ...] = ("_source_file", "_row_number")
"""Columns the loader appends to every raw table (see docs/data_quality.md)."""

BY_NAME: dict[str, RawTable] = {table.qualified_name: table for table in TABLES}
SOURCES: tuple[str, ...] = tuple(dict.fromkeys(table.source for table in TABLES))
