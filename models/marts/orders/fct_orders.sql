{{ config(**incremental_by_key('order_id')) }}

with

online_orders as {{ not_materialized() }} (
    select * from {{ ref('stg_ecommerce__orders') }}
),

receipts as {{ not_materialized() }} (
    select * from {{ ref('stg_pos__receipts') }}
),

records_resolved as (
    select * from {{ ref('int_identity_records_resolved') }}
),

erasures as (
    select * from {{ ref('int_privacy_erasures_resolved') }}
),

{# An erased customer's orders and receipts stay as anonymous sales: same rows and amounts,
   no customer, so revenue still reconciles while nothing leads back to the person. #}
records_unerased as (
    select
        records_resolved.source_model,
        records_resolved.source_record_id,
        case
            when erasures.customer_id is null then records_resolved.customer_id
        end as customer_id
    from records_resolved
    left join erasures
        on records_resolved.customer_id = erasures.customer_id
),

online_customers as (
    select
        source_record_id,
        customer_id
    from records_unerased
    where source_model = 'stg_ecommerce__orders'
),

receipt_customers as (
    select
        source_record_id,
        customer_id
    from records_unerased
    where source_model = 'stg_pos__receipts'
),

online_unioned as (
    select
        online_orders.order_id,
        online_orders.platform_order_id,
        cast(null as {{ dbt.type_string() }}) as pos_receipt_id,
        online_customers.customer_id,
        online_orders.shop_id,
        cast(null as {{ dbt.type_string() }}) as store_id,
        online_orders.pickup_store_id,
        cast(null as {{ dbt.type_string() }}) as returned_order_id,
        'online' as channel,
        online_orders.platform,
        online_orders.status,
        online_orders.goods_amount as gross_amount,
        online_orders.discount_amount,
        online_orders.shipping_fee,
        online_orders.paid_amount,
        coalesce(online_orders.refund_amount, 0) as refund_amount,
        {# An order closed or left unpaid brought no money, whatever its order value. #}
        online_orders.paid_at is not null as is_paid,
        false as is_return,
        coalesce(online_orders.refund_amount, 0) > 0 as has_refund,
        online_orders.is_pickup_in_store,
        online_orders.created_at as ordered_at,
        online_orders.paid_at
    from online_orders
    left join online_customers
        on online_orders.order_id = online_customers.source_record_id
),

offline_receipts as (
    select
        receipts.*,
        receipt_customers.customer_id
    from receipts
    left join receipt_customers
        on receipts.receipt_id = receipt_customers.source_record_id
),

offline_linked as (
    {# A return belongs to whoever made the sale it takes back, also when the return
       itself was rung up without a card or phone. #}
    select
        offline_receipts.*,
        sales.receipt_id as returned_receipt_id,
        coalesce(offline_receipts.customer_id, sales.customer_id) as linked_customer_id
    from offline_receipts
    left join offline_receipts as sales
        on offline_receipts.original_receipt_id = sales.receipt_id
),

offline_unioned as (
    select
        {# Online order ids always start with their platform and a colon; `pos:` is no
           platform, so the two channels' ids cannot collide. #}
        'pos:' || receipt_id as order_id,
        cast(null as {{ dbt.type_string() }}) as platform_order_id,
        receipt_id as pos_receipt_id,
        linked_customer_id as customer_id,
        cast(null as {{ dbt.type_string() }}) as shop_id,
        store_id,
        cast(null as {{ dbt.type_string() }}) as pickup_store_id,
        'pos:' || returned_receipt_id as returned_order_id,
        'offline' as channel,
        cast(null as {{ dbt.type_string() }}) as platform,
        receipt_type as status,
        gross_amount,
        discount_amount,
        cast(0 as decimal(18, 2)) as shipping_fee,
        paid_amount,
        case when is_return then -paid_amount else 0 end as refund_amount,
        true as is_paid,
        is_return,
        is_return as has_refund,
        false as is_pickup_in_store,
        txn_at as ordered_at,
        txn_at as paid_at
    from offline_linked
),

{# Read twice when incremental: once in narrow columns to find the changed orders, once for
   the few rebuilt in full. Materialised, DuckDB would first copy every order in every column
   (docs/scale.md, "Import CTEs read more than once"). #}
unioned as {{ not_materialized() }} (
    select * from online_unioned
    union all
    select * from offline_unioned
),

{% if is_incremental() %}
    {# Rebuilt by key (docs/incremental.md): the orders whose row may differ from the stored
       one, i.e. new or re-exported since this model's last build, or whose customer or
       returned sale changed (a merge, a split, an erasure, a sale arriving after its
       return); then every order of the customers those orders had or have now, since the
       first-purchase flags compare a customer's orders. Every other stored row stays. #}
    stored_orders as (
        select
            order_id,
            customer_id,
            returned_order_id
        from {{ this }}
    ),

    orders_written as (
        select order_id from online_orders
        where {{ written_since_this() }}
        union all
        select 'pos:' || receipt_id as order_id from receipts
        where {{ written_since_this() }}
    ),

    orders_changed as (
        select
            unioned.order_id,
            unioned.customer_id,
            stored_orders.customer_id as stored_customer_id
        from unioned
        left join stored_orders
            on unioned.order_id = stored_orders.order_id
        where
            stored_orders.order_id is null
            or unioned.customer_id is distinct from stored_orders.customer_id
            or unioned.returned_order_id is distinct from stored_orders.returned_order_id
            or unioned.order_id in (select orders_written.order_id from orders_written)
    ),

    customers_touched as (
        select customer_id from orders_changed
        where customer_id is not null
        union distinct
        select stored_customer_id as customer_id from orders_changed
        where stored_customer_id is not null
    ),

    orders_rebuilt as (
        select * from unioned
        where
            order_id in (select orders_changed.order_id from orders_changed)
            or customer_id in (select customers_touched.customer_id from customers_touched)
    ),
{% else %}
    orders_rebuilt as (
        select * from unioned
    ),
{% endif %}

{# A customer's first purchase, ever and in each channel: the earliest paid sale (ties by
   order id), found by an aggregate per customer instead of a window that sorts every
   order. #}
purchases as (
    select
        customer_id,
        channel,
        ordered_at,
        order_id
    from orders_rebuilt
    where
        customer_id is not null
        and is_paid
        and not is_return
),

first_purchases_in_channel as (
    select
        customer_id,
        channel,
        {{ datong.min_struct([('ordered_at', 'ordered_at'), ('order_id', 'order_id')]) }}
            as first_purchase
    from purchases
    group by 1, 2
),

{# The first purchase ever is the first of the customer's first purchases per channel. #}
first_purchases_ever as (
    select
        first_purchases_in_channel.customer_id,
        {{ datong.min_struct([
            ('ordered_at', 'first_purchases_in_channel.first_purchase.ordered_at'),
            ('order_id', 'first_purchases_in_channel.first_purchase.order_id'),
        ]) }} as first_purchase
    from first_purchases_in_channel
    group by 1
),

first_order_ids_ever as (
    select first_purchases_ever.first_purchase.order_id
    from first_purchases_ever
),

first_order_ids_in_channel as (
    select first_purchases_in_channel.first_purchase.order_id
    from first_purchases_in_channel
),

first_purchases_flagged as (
    select
        orders_rebuilt.*,
        first_order_ids_ever.order_id is not null as matches_first_purchase_ever,
        first_order_ids_in_channel.order_id is not null as matches_first_purchase_in_channel
    from orders_rebuilt
    left join first_order_ids_ever
        on orders_rebuilt.order_id = first_order_ids_ever.order_id
    left join first_order_ids_in_channel
        on orders_rebuilt.order_id = first_order_ids_in_channel.order_id
),

final as (
    select
        -- ids
        order_id,
        platform_order_id,
        pos_receipt_id,
        customer_id,
        shop_id,
        store_id,
        pickup_store_id,
        returned_order_id,

        -- strings
        channel,
        platform,
        status,

        -- numerics
        cast(gross_amount as decimal(18, 2)) as gross_amount,
        cast(discount_amount as decimal(18, 2)) as discount_amount,
        cast(shipping_fee as decimal(18, 2)) as shipping_fee,
        cast(paid_amount as decimal(18, 2)) as paid_amount,
        cast(refund_amount as decimal(18, 2)) as refund_amount,
        {# Offline, a return is its own receipt with a negative paid amount; online, the
           refund sits on the order it refunds. Either way net is what the brand kept. #}
        cast(
            case
                when not is_paid then 0
                when channel = 'online' then paid_amount - refund_amount
                else paid_amount
            end as decimal(18, 2)
        ) as net_amount,

        -- booleans
        is_paid,
        is_return,
        has_refund,
        is_pickup_in_store,
        case
            when customer_id is not null then matches_first_purchase_ever
        end as is_first_purchase_ever,
        case
            when customer_id is not null then matches_first_purchase_in_channel
        end as is_first_purchase_in_channel,

        -- timestamps
        ordered_at,
        paid_at,

        -- lineage
        {{ built_at() }} as _built_at
    from first_purchases_flagged
),

{% if is_incremental() %}
    {#- Every column after the key, as `final` selects them. -#}
    {%- set order_columns = [
        'platform_order_id', 'pos_receipt_id', 'customer_id', 'shop_id', 'store_id',
        'pickup_store_id', 'returned_order_id', 'channel', 'platform', 'status',
        'gross_amount', 'discount_amount', 'shipping_fee', 'paid_amount', 'refund_amount',
        'net_amount', 'is_paid', 'is_return', 'has_refund', 'is_pickup_in_store',
        'is_first_purchase_ever', 'is_first_purchase_in_channel', 'ordered_at', 'paid_at',
    ] %}
    {{- check_compared_columns(order_columns, 'order_id') }}
    {# Of the orders rebuilt, write only those whose row differs from the stored one, and
       those staged since (the touchpoints read a refund's time from the staged order): a
       customer's other orders are rebuilt to recompute the first-purchase flags, but most
       keep theirs, and the models after this one take every order it writes. #}
    stored_rows as (
        select
            order_id,
            {{ order_columns | join(',\n            ') }}
        from {{ this }}
        where order_id in (select orders_rebuilt.order_id from orders_rebuilt)
    ),

    rows_written as (
        select final.*
        from final
        left join stored_rows
            on final.order_id = stored_rows.order_id
        where
            stored_rows.order_id is null
            or final.order_id in (select orders_written.order_id from orders_written)
            {%- for column in order_columns %}
                or final.{{ column }} is distinct from stored_rows.{{ column }}
            {%- endfor %}
    )
{% else %}
    rows_written as (
        select * from final
    )
{% endif %}

select * from rows_written
