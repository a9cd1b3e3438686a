{#- One row per staged record that identity reads, with the customer of its anchor; null when
    the record carries no linkable identifier (an anonymous walk-in receipt, a receipt with
    only a cashier's phone). -#}
with

orders as (
    select * from {{ ref('stg_ecommerce__orders') }}
),

wechat_users as (
    select * from {{ ref('stg_wechat__users') }}
),

location_shares as (
    select * from {{ ref('stg_wechat__location_shares') }}
),

receipts as (
    select * from {{ ref('stg_pos__receipts') }}
),

members as (
    select * from {{ ref('stg_crm__members') }}
),

coupons as (
    select * from {{ ref('stg_marketing__coupons') }}
),

anchors as (
    select * from {{ ref('int_identity_records_anchored') }}
),

identifiers as (
    select * from {{ ref('int_identifiers_resolved') }}
),

records as (
    select
        'stg_ecommerce__orders' as source_model,
        order_id as source_record_id
    from orders
    union all
    select
        'stg_wechat__users' as source_model,
        wechat_user_id as source_record_id
    from wechat_users
    union all
    select
        'stg_wechat__location_shares' as source_model,
        location_share_id as source_record_id
    from location_shares
    union all
    select
        'stg_pos__receipts' as source_model,
        receipt_id as source_record_id
    from receipts
    union all
    select
        'stg_crm__members' as source_model,
        member_id as source_record_id
    from members
    union all
    select
        'stg_marketing__coupons' as source_model,
        coupon_id as source_record_id
    from coupons
),

resolved as (
    select
        records.source_model,
        records.source_record_id,
        identifiers.customer_id,
        anchors.anchor_identifier_id
    from records
    left join anchors
        on
            records.source_model = anchors.source_model
            and records.source_record_id = anchors.source_record_id
    left join identifiers
        on anchors.anchor_identifier_id = identifiers.identifier_id
)

select * from resolved
