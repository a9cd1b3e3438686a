{# Purchases and returns in fct_customer_touchpoints add up to fct_orders: per channel, the
   number of purchase touchpoints equals the paid sales of known, not erased customers, and
   the sum of purchase and return amounts equals their `net_amount` (online: paid minus
   refund; offline: sales and negative return receipts). Returns one row per channel that
   disagrees. #}
with

orders as (
    select * from {{ ref('fct_orders') }}
),

erasures as (
    select * from {{ ref('int_privacy_erasures_resolved') }}
),

touchpoints as (
    select * from {{ ref('fct_customer_touchpoints') }}
),

orders_kept as (
    select orders.*
    from orders
    left join erasures
        on orders.customer_id = erasures.customer_id
    where orders.customer_id is not null and erasures.customer_id is null
),

order_totals as (
    select
        channel,
        sum(case when is_paid and not is_return then 1 else 0 end) as purchase_count,
        sum(net_amount) as net_amount
    from orders_kept
    group by 1
),

touchpoint_totals as (
    select
        channel,
        sum(case when touchpoint_type = 'purchase' then 1 else 0 end) as purchase_count,
        sum(amount) as net_amount
    from touchpoints
    where touchpoint_type in ('purchase', 'return')
    group by 1
),

compared as (
    select
        order_totals.channel,
        order_totals.purchase_count as order_purchase_count,
        touchpoint_totals.purchase_count as touchpoint_purchase_count,
        order_totals.net_amount as order_net_amount,
        touchpoint_totals.net_amount as touchpoint_net_amount
    from order_totals
    left join touchpoint_totals
        on order_totals.channel = touchpoint_totals.channel
)

select * from compared
where
    touchpoint_purchase_count is null
    or order_purchase_count != touchpoint_purchase_count
    or abs(order_net_amount - touchpoint_net_amount) >= 0.01
