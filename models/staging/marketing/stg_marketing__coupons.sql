{{ config(**incremental_by_key('coupon_id')) }}

with

coupons as {{ not_materialized() }} (
    select * from {{ ref('base_marketing__coupons') }}
),

{% if is_incremental() %}
    {# Kept up to date by key (docs/incremental.md): the keys with an export loaded since
       this model's last build get their winner chosen again among all their exports. #}
    keys_with_new_exports as (
        select coupon_id from coupons
        where {{ loaded_since_this() }}
    ),

    usable_coupons as (
        select * from coupons
        where
            reject_reason is null
            and coupon_id in (
                select keys_with_new_exports.coupon_id from keys_with_new_exports
            )
    ),
{% else %}
    usable_coupons as (
        select * from coupons
        where reject_reason is null
    ),
{% endif %}

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
        _row_number,
        {{ built_at() }} as _built_at
    from deduplicated
)

select * from final
