with

order_items as (
    select * from {{ ref('base_ecommerce__order_items') }}
),

usable_order_items as (
    select * from order_items
    where reject_reason is null
),

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
        _row_number
    from deduplicated
)

select * from final
