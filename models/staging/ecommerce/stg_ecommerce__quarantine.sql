{#
    Raw e-commerce rows that cannot be used, with the reason and where they came from. Only
    the business key is kept, so the quarantine holds no personal data.
#}
with

orders as (
    select * from {{ ref('base_ecommerce__orders') }}
),

order_items as (
    select * from {{ ref('base_ecommerce__order_items') }}
),

rejected_orders as (
    select
        'ecommerce.orders' as source_table,
        coalesce(order_id, platform_order_id) as record_id,
        reject_reason,
        _source_file,
        _row_number
    from orders
    where reject_reason is not null
),

rejected_order_items as (
    select
        'ecommerce.order_items' as source_table,
        coalesce(order_item_id, order_id, platform_order_id) as record_id,
        reject_reason,
        _source_file,
        _row_number
    from order_items
    where reject_reason is not null
),

unioned as (
    select * from rejected_orders
    union all
    select * from rejected_order_items
),

final as (
    select
        {{ quarantine_id() }} as quarantine_id,
        source_table,
        record_id,
        reject_reason,
        _source_file,
        _row_number
    from unioned
)

select * from final
