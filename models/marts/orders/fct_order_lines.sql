{{ config(**incremental_by_key('order_line_id')) }}

with

orders as {{ not_materialized() }} (
    select * from {{ ref('fct_orders') }}
),

online_orders as (
    select * from {{ ref('stg_ecommerce__orders') }}
),

order_items as {{ not_materialized() }} (
    select * from {{ ref('stg_ecommerce__order_items') }}
),

receipt_lines as {{ not_materialized() }} (
    select * from {{ ref('stg_pos__receipt_lines') }}
),

stores as {{ not_materialized() }} (
    select * from {{ ref('stg_pos__stores') }}
),

platform_skus as {{ not_materialized() }} (
    select * from {{ ref('stg_catalog__platform_skus') }}
),

products as {{ not_materialized() }} (
    select * from {{ ref('stg_catalog__products') }}
),

{% if is_incremental() %}
    {# Rebuilt by key (docs/incremental.md): every line of the orders rebuilt in fct_orders or
       with a new line since this model's last build, or with a line whose SKU, catalogue or
       store attributes are no longer today's; of the sales those orders return (a return marks the
       sale's lines of its SKUs returned); and of every return of those sales (whose lines say
       which of the sale's lines are returned). Every other stored row stays. #}
    stored_lines as {{ not_materialized() }} (
        select * from {{ this }}
    ),

    {# An online line's SKU is its own, else the catalogue's mapping of its platform SKU.
       Where the stored SKU is not today's mapping (a SKU newly mapped, mapped to another or
       no longer mapped, or a line carrying its own SKU), the line's own SKU decides whether
       the stored one is still right. #}
    sku_candidates as (
        select
            stored_lines.order_line_id,
            stored_lines.order_id,
            stored_lines.sku_code,
            platform_skus.sku_code as mapped_sku_code
        from stored_lines
        left join platform_skus
            on
                stored_lines.platform = platform_skus.platform
                and stored_lines.platform_sku_id = platform_skus.platform_sku_id
        where
            stored_lines.platform_sku_id is not null
            and stored_lines.sku_code is distinct from platform_skus.sku_code
    ),

    orders_with_changed_sku as (
        select sku_candidates.order_id
        from sku_candidates
        inner join order_items
            on sku_candidates.order_line_id = order_items.order_item_id
        where
            sku_candidates.sku_code
            is distinct from coalesce(order_items.sku_code, sku_candidates.mapped_sku_code)
    ),

    {# A product re-classified or newly in the catalogue, a store's address corrected. #}
    orders_with_changed_reference as (
        select stored_lines.order_id
        from stored_lines
        left join products
            on stored_lines.sku_code = products.sku_code
        left join stores
            on stored_lines.store_id = stores.store_id
        where
            stored_lines.is_sku_mapped != (products.sku_code is not null)
            or stored_lines.spu_code is distinct from products.spu_code
            or stored_lines.product_name is distinct from products.product_name
            or stored_lines.category_l1 is distinct from products.category_l1
            or stored_lines.category_l2 is distinct from products.category_l2
            or stored_lines.season is distinct from products.season
            or stored_lines.gender_target is distinct from products.gender_target
            or stored_lines.size is distinct from products.size
            or stored_lines.color is distinct from products.color
            or (
                stored_lines.store_id is not null
                and (
                    stored_lines.province is distinct from stores.province
                    or stored_lines.city is distinct from stores.city
                    or stored_lines.district is distinct from stores.district
                )
            )
    ),

    orders_touched as (
        select order_id from orders
        where {{ written_since_this() }}
        union distinct
        select order_id from order_items
        where {{ written_since_this() }}
        union distinct
        select 'pos:' || receipt_id as order_id from receipt_lines
        where {{ written_since_this() }}
        union distinct
        select order_id from orders_with_changed_reference
        union distinct
        select order_id from orders_with_changed_sku
    ),

    sales_touched as (
        select order_id from orders_touched
        union distinct
        select orders.returned_order_id as order_id from orders
        inner join orders_touched
            on orders.order_id = orders_touched.order_id
        where orders.returned_order_id is not null
    ),

    orders_rebuilt as (
        select order_id from sales_touched
        union distinct
        select orders.order_id from orders
        where orders.returned_order_id in (select sales_touched.order_id from sales_touched)
    ),

    order_items_rebuilt as (
        select * from order_items
        where order_id in (select orders_rebuilt.order_id from orders_rebuilt)
    ),

    {# By the receipt id inside the order id: prefixing the receipt id of every staged
       receipt line instead costs a string per line. #}
    receipt_lines_rebuilt as (
        select * from receipt_lines
        where receipt_id in (
            select substr(orders_rebuilt.order_id, 5) from orders_rebuilt
            where orders_rebuilt.order_id like 'pos:%'
        )
    ),
{% else %}
    order_items_rebuilt as (
        select * from order_items
    ),

    receipt_lines_rebuilt as (
        select * from receipt_lines
    ),
{% endif %}

online_lines as (
    {# The platform's own line carries the brand SKU when the merchant filled it in; otherwise
       the catalogue's mapping of the platform SKU gives it. #}
    select
        order_items.order_item_id as order_line_id,
        order_items.order_id,
        order_items.platform_sku_id,
        coalesce(order_items.sku_code, platform_skus.sku_code) as sku_code,
        online_orders.receiver_province as province,
        online_orders.receiver_city as city,
        online_orders.receiver_district as district,
        order_items.line_no,
        order_items.quantity,
        order_items.unit_list_price,
        order_items.line_paid_amount as paid_amount,
        order_items.is_refunded as is_returned
    from order_items_rebuilt as order_items
    left join platform_skus
        on
            order_items.platform = platform_skus.platform
            and order_items.platform_sku_id = platform_skus.platform_sku_id
            and order_items.sku_code is null
    left join online_orders
        on order_items.order_id = online_orders.order_id
),

offline_line_orders as (
    select
        receipt_lines.*,
        'pos:' || receipt_lines.receipt_id as order_id
    from receipt_lines_rebuilt as receipt_lines
),

returned_skus as (
    {# A return receipt takes goods back from the sale it names; the sale's lines of the same
       SKU are the returned ones. #}
    select
        orders.returned_order_id,
        offline_line_orders.sku_code
    from offline_line_orders
    inner join orders
        on offline_line_orders.order_id = orders.order_id
    where orders.returned_order_id is not null
    group by 1, 2
),

offline_lines as (
    select
        'pos:' || offline_line_orders.receipt_line_id as order_line_id,
        offline_line_orders.order_id,
        cast(null as {{ dbt.type_string() }}) as platform_sku_id,
        offline_line_orders.sku_code,
        stores.province,
        stores.city,
        stores.district,
        offline_line_orders.line_no,
        offline_line_orders.quantity,
        offline_line_orders.unit_list_price,
        offline_line_orders.line_paid_amount as paid_amount,
        returned_skus.returned_order_id is not null as is_returned
    from offline_line_orders
    left join returned_skus
        on
            offline_line_orders.order_id = returned_skus.returned_order_id
            and offline_line_orders.sku_code = returned_skus.sku_code
    left join orders
        on offline_line_orders.order_id = orders.order_id
    left join stores
        on orders.store_id = stores.store_id
),

lines_unioned as (
    select * from online_lines
    union all
    select * from offline_lines
),

lines_joined as (
    {# Only lines of an order in fct_orders: a line whose order or receipt was quarantined has
       no order to belong to (the revenue of the mart is the revenue of fct_orders). #}
    select
        lines_unioned.*,
        orders.customer_id,
        orders.shop_id,
        orders.store_id,
        orders.channel,
        orders.platform,
        orders.is_paid,
        orders.is_return,
        orders.ordered_at,
        products.spu_code,
        products.product_name,
        products.category_l1,
        products.category_l2,
        products.season,
        products.gender_target,
        products.size,
        products.color,
        products.sku_code is not null as is_sku_mapped,
        lines_unioned.quantity * lines_unioned.unit_list_price as list_amount
    from lines_unioned
    inner join orders
        on lines_unioned.order_id = orders.order_id
    left join products
        on lines_unioned.sku_code = products.sku_code
),

final as (
    select
        -- ids
        order_line_id,
        order_id,
        customer_id,
        sku_code,
        spu_code,
        platform_sku_id,
        shop_id,
        store_id,

        -- strings
        channel,
        platform,
        product_name,
        category_l1,
        category_l2,
        season,
        gender_target,
        size,
        color,
        province,
        city,
        district,

        -- numerics
        cast(line_no as bigint) as line_no,
        cast(quantity as bigint) as quantity,
        cast(unit_list_price as decimal(18, 2)) as unit_list_price,
        cast(list_amount as decimal(18, 2)) as list_amount,
        cast(paid_amount as decimal(18, 2)) as paid_amount,
        cast(list_amount - paid_amount as decimal(18, 2)) as discount_amount,
        {# Returns carry negative quantity, list and paid amounts: the ratio is the sale's. #}
        cast(
            round(1 - paid_amount / nullif(list_amount, 0), 4) as decimal(9, 4)
        ) as discount_depth,

        -- booleans
        is_sku_mapped,
        is_paid,
        is_return,
        coalesce(
            abs(paid_amount) >= {{ var('datong_order_lines_full_price_min_ratio') }}
            * abs(list_amount)
            and list_amount != 0,
            false
        ) as is_full_price,
        is_returned,

        -- timestamps
        ordered_at,

        -- lineage
        {{ built_at() }} as _built_at
    from lines_joined
)

select * from final
