{{ config(**incremental_by_key('order_id')) }}

with

orders as {{ not_materialized() }} (
    select * from {{ ref('base_ecommerce__orders') }}
),

{% if is_incremental() %}
    {# Kept up to date by key (docs/incremental.md): the keys with an export loaded since
       this model's last build get their winner chosen again among all their exports. #}
    keys_with_new_exports as (
        select order_id from orders
        where {{ loaded_since_this() }}
    ),

    usable_orders as (
        select * from orders
        where
            reject_reason is null
            and order_id in (
                select keys_with_new_exports.order_id from keys_with_new_exports
            )
    ),
{% else %}
    usable_orders as (
        select * from orders
        where reject_reason is null
    ),
{% endif %}

deduplicated as (
    {# A later export carries the order's newer status; exact repeats tie on updated_at. #}
    select * from usable_orders
    qualify row_number() over (
        partition by order_id
        order by {{ newest_export_first() }}
    ) = 1
),

final as (
    select
        -- ids
        order_id,
        platform_order_id,
        shop_id,
        buyer_pseudonym,
        receiver_phone_pseudonym,
        receiver_phone_masked_pseudonym,
        receiver_consignee_pseudonym,
        pickup_store_id,

        -- strings
        platform,
        status,
        receiver_phone_invalid_reason,
        receiver_province,
        receiver_city,
        receiver_district,

        -- numerics
        goods_amount,
        discount_amount,
        shipping_fee,
        paid_amount,
        refund_amount,

        -- booleans
        is_receiver_phone_masked,
        is_pickup_in_store,
        has_broken_encoding,

        -- timestamps
        created_at,
        paid_at,
        updated_at,

        -- lineage
        _source_file,
        _row_number,
        {{ built_at() }} as _built_at
    from deduplicated
)

select * from final
