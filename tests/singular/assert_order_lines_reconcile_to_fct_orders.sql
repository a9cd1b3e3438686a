{# Order lines add up to their orders in fct_orders. Per order: the lines' paid amounts equal
   `paid_amount - shipping_fee` online (shipping is on no line; order discounts are already
   spread over the lines) and `paid_amount` offline; the lines' list amounts equal
   `gross_amount`. An order may differ only when it lost a raw line to quarantine: either a
   rejected line that still names the order, or one whose order number itself is missing. So,
   per channel, the orders that differ without a rejected line naming them can be no more than
   the rejected lines that name no order. Also every staged line of an order in fct_orders is
   in the mart. Returns one row per channel that breaks either rule. #}
with

orders as {{ not_materialized() }} (
    select * from {{ ref('fct_orders') }}
),

order_lines as {{ not_materialized() }} (
    select * from {{ ref('fct_order_lines') }}
),

order_items as (
    select * from {{ ref('stg_ecommerce__order_items') }}
),

receipt_lines as (
    select * from {{ ref('stg_pos__receipt_lines') }}
),

base_order_items as (
    select * from {{ ref('base_ecommerce__order_items') }}
),

base_receipt_lines as (
    select * from {{ ref('base_pos__receipt_lines') }}
),

line_totals as (
    select
        order_id,
        count(*) as line_count,
        sum(paid_amount) as paid_amount,
        sum(list_amount) as list_amount
    from order_lines
    group by 1
),

rejected_lines as (
    select
        order_id,
        'online' as channel
    from base_order_items
    where reject_reason is not null
    union all
    select
        case when receipt_id is not null then 'pos:' || receipt_id end as order_id,
        'offline' as channel
    from base_receipt_lines
    where reject_reason is not null
),

rejected_orders as (
    select order_id
    from rejected_lines
    where order_id is not null
    group by 1
),

unattributed_rejects as (
    select
        channel,
        count(*) as rejected_line_count
    from rejected_lines
    where order_id is null
    group by 1
),

orders_compared as (
    select
        orders.order_id,
        orders.channel,
        rejected_orders.order_id is not null as has_rejected_line,
        coalesce(line_totals.paid_amount, 0)
        = orders.paid_amount - orders.shipping_fee
        and coalesce(line_totals.list_amount, 0) = orders.gross_amount as is_reconciled
    from orders
    left join line_totals
        on orders.order_id = line_totals.order_id
    left join rejected_orders
        on orders.order_id = rejected_orders.order_id
),

orders_summarised as (
    select
        channel,
        count(*) as order_count,
        sum(case when is_reconciled then 1 else 0 end) as reconciled_count,
        sum(
            case when not is_reconciled and not has_rejected_line then 1 else 0 end
        ) as unexplained_count
    from orders_compared
    group by 1
),

staged_lines as (
    select
        'online' as channel,
        count(*) as staged_line_count
    from order_items
    inner join orders
        on order_items.order_id = orders.order_id
    union all
    select
        'offline' as channel,
        count(*) as staged_line_count
    from receipt_lines
    inner join orders
        on 'pos:' || receipt_lines.receipt_id = orders.order_id
),

mart_lines as (
    select
        channel,
        count(*) as mart_line_count
    from order_lines
    group by 1
),

checked as (
    select
        orders_summarised.*,
        coalesce(unattributed_rejects.rejected_line_count, 0) as unattributed_reject_count,
        staged_lines.staged_line_count,
        coalesce(mart_lines.mart_line_count, 0) as mart_line_count
    from orders_summarised
    left join unattributed_rejects
        on orders_summarised.channel = unattributed_rejects.channel
    left join staged_lines
        on orders_summarised.channel = staged_lines.channel
    left join mart_lines
        on orders_summarised.channel = mart_lines.channel
)

select * from checked
where
    unexplained_count > unattributed_reject_count
    or staged_line_count != mart_line_count
