{{ config(**incremental_by_key('order_item_id')) }}

with

order_items as {{ not_materialized() }} (
    select * from {{ ref('base_ecommerce__order_items') }}
),

{% if is_incremental() %}
    {# Kept up to date by key (docs/incremental.md): the keys with an export loaded since
       this model's last build get their winner chosen again among all their exports. #}
    keys_with_new_exports as (
        select order_item_id from order_items
        where {{ loaded_since_this() }}
    ),

    usable_order_items as (
        select * from order_items
        where
            reject_reason is null
            and order_item_id in (
                select keys_with_new_exports.order_item_id from keys_with_new_exports
            )
    ),
{% else %}
    usable_order_items as (
        select * from order_items
        where reject_reason is null
    ),
{% endif %}

deduplicated as (
    {# Order lines carry no updated_at: a repeated export is the same line, keep the first. #}
    select * from usable_order_items
    qualify row_number() over (
        partition by order_item_id
        order by _row_number asc
    ) = 1
),

final as (
    select
        -- ids
        order_item_id,
        order_id,
        platform_order_id,
        platform_sku_id,
        sku_code,

        -- strings
        platform,
        refund_status,

        -- numerics
        line_no,
        quantity,
        unit_list_price,
        line_paid_amount,

        -- booleans
        is_refunded,

        -- lineage
        _source_file,
        _row_number,
        {{ built_at() }} as _built_at
    from deduplicated
)

select * from final
