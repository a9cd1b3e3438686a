{# fct_channel_acquisitions_monthly adds up to fct_orders: per month, the channel rows' net
   amount and purchase count equal those of every order of fct_orders in that month, and the
   brand row equals the sum of its channel rows; the true new customers over all months equal
   the customers with a first purchase ever in fct_orders. Returns one row per month (or the
   one all-months row) that disagrees. #}
with

orders as {{ not_materialized() }} (
    select * from {{ ref('fct_orders') }}
),

acquisitions as {{ not_materialized() }} (
    select * from {{ ref('fct_channel_acquisitions_monthly') }}
),

order_months as (
    select
        cast({{ dbt.date_trunc('month', 'ordered_at') }} as date) as month_start_date,
        sum(case when is_paid and not is_return then 1 else 0 end) as purchase_count,
        sum(net_amount) as net_amount
    from orders
    group by 1
),

channel_months as (
    select
        month_start_date,
        sum(purchase_count) as purchase_count,
        sum(net_amount) as net_amount
    from acquisitions
    where not is_brand_total
    group by 1
),

brand_months as (
    select
        month_start_date,
        purchase_count,
        net_amount
    from acquisitions
    where is_brand_total
),

months_compared as (
    select
        cast(order_months.month_start_date as {{ dbt.type_string() }}) as checked_scope,
        order_months.purchase_count as order_value,
        channel_months.purchase_count as channel_value,
        brand_months.purchase_count as brand_value,
        order_months.net_amount as order_amount,
        channel_months.net_amount as channel_amount,
        brand_months.net_amount as brand_amount
    from order_months
    left join channel_months
        on order_months.month_start_date = channel_months.month_start_date
    left join brand_months
        on order_months.month_start_date = brand_months.month_start_date
),

new_customers_compared as (
    select
        'all months: true_new_to_brand' as checked_scope,
        (
            select count(*) from orders
            where is_first_purchase_ever
        ) as order_value,
        (
            select sum(true_new_to_brand) from acquisitions
            where not is_brand_total
        ) as channel_value,
        (
            select sum(true_new_to_brand) from acquisitions
            where is_brand_total
        ) as brand_value,
        cast(0 as decimal(18, 2)) as order_amount,
        cast(0 as decimal(18, 2)) as channel_amount,
        cast(0 as decimal(18, 2)) as brand_amount
),

compared as (
    select * from months_compared
    union all
    select * from new_customers_compared
)

select * from compared
where
    channel_value is null
    or brand_value is null
    or order_value != channel_value
    or order_value != brand_value
    or abs(order_amount - channel_amount) >= 0.01
    or abs(order_amount - brand_amount) >= 0.01
