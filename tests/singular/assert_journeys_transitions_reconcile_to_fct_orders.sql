{# Every channel transition is two consecutive purchases of one customer in fct_orders: the
   previous and the next order are paid sales (not returns) of the transition's customer, in
   the channels the transition names, the next one after the previous, and no other purchase
   of that customer lies between them (ties in time broken by order_id, as in the mart).
   Returns every transition that breaks this. #}
with

orders as {{ not_materialized() }} (
    select * from {{ ref('fct_orders') }}
),

transitions as (
    select * from {{ ref('fct_channel_transitions') }}
),

purchases as (
    select * from orders
    where is_paid and not is_return and customer_id is not null
),

matched as (
    select
        transitions.channel_transition_id,
        transitions.customer_id,
        previous_orders.order_id as previous_order_id,
        next_orders.order_id as next_order_id,
        previous_orders.ordered_at as previous_ordered_at,
        next_orders.ordered_at as next_ordered_at,
        coalesce(
            previous_orders.customer_id = transitions.customer_id
            and next_orders.customer_id = transitions.customer_id
            and previous_orders.channel = transitions.previous_channel
            and next_orders.channel = transitions.next_channel
            and previous_orders.channel != next_orders.channel,
            false
        ) as is_consistent
    from transitions
    left join purchases as previous_orders
        on transitions.previous_order_id = previous_orders.order_id
    left join purchases as next_orders
        on transitions.next_order_id = next_orders.order_id
),

purchases_between as (
    select
        matched.channel_transition_id,
        count(*) as purchase_count
    from matched
    inner join purchases
        on
            matched.customer_id = purchases.customer_id
            and (
                matched.previous_ordered_at < purchases.ordered_at
                or (
                    matched.previous_ordered_at = purchases.ordered_at
                    and matched.previous_order_id < purchases.order_id
                )
            )
            and (
                matched.next_ordered_at > purchases.ordered_at
                or (
                    matched.next_ordered_at = purchases.ordered_at
                    and matched.next_order_id > purchases.order_id
                )
            )
    group by 1
)

select
    matched.*,
    coalesce(purchases_between.purchase_count, 0) as purchases_between
from matched
left join purchases_between
    on matched.channel_transition_id = purchases_between.channel_transition_id
where not matched.is_consistent or purchases_between.purchase_count is not null
