with

coupons as (
    select * from {{ ref('base_marketing__coupons') }}
),

usable_coupons as (
    select * from coupons
    where reject_reason is null
),

deduplicated as (
    select * from usable_coupons
    qualify row_number() over (partition by coupon_id order by _row_number) = 1
),

final as (
    select
        -- ids
        coupon_id,
        campaign_id,
        issued_to_openid_pseudonym,
        issued_to_member_card_pseudonym,
        redeemed_platform_order_id,
        redeemed_receipt_id,
        redeemed_store_id,

        -- strings
        issued_channel,
        redeemed_channel,

        -- numerics
        face_value,
        min_spend,

        -- booleans
        is_redeemed,

        -- timestamps
        issued_at,
        redeemed_at,

        -- lineage
        _source_file,
        _row_number
    from deduplicated
)

select * from final
