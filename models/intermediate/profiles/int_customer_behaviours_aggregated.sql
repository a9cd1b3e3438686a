{#
    Purchase behaviour per customer who may be profiled: a current `profiling` consent and no
    erasure. Nothing is derived for anyone else, so a customer without consent is not
    profiled even inside the warehouse. Purchases are paid orders and sale receipts (not
    returns); refunds and returns count as return events.
#}
{%- set windows = var('datong_promo_windows') -%}
{%- set late_start = var('datong_profiles_late_night_start_hour') -%}
{%- set late_end = var('datong_profiles_late_night_end_hour') -%}
{#- A purchase in a promotion window: month * 100 + day within any [from, to] of the calendar;
    a window whose from is after its to runs over the new year. -#}
{%- set month_day = '(extract(month from orders.ordered_at) * 100'
    ~ ' + extract(day from orders.ordered_at))' -%}
{%- set conditions = [] -%}
{%- for window in windows -%}
    {%- if window[0] <= window[1] -%}
        {%- do conditions.append(month_day ~ ' between ' ~ window[0] ~ ' and ' ~ window[1]) -%}
    {%- else -%}
        {%- do conditions.append('(' ~ month_day ~ ' >= ' ~ window[0] ~ ' or ' ~ month_day
            ~ ' <= ' ~ window[1] ~ ')') -%}
    {%- endif -%}
{%- endfor -%}
{%- set promo_window_predicate = '(' ~ (conditions | join(' or ')) ~ ')' -%}

with

orders as {{ not_materialized() }} (
    select * from {{ ref('fct_orders') }}
),

coupons as {{ not_materialized() }} (
    select * from {{ ref('stg_marketing__coupons') }}
),

consents as (
    select * from {{ ref('int_privacy_consents_resolved') }}
),

erasures as (
    select * from {{ ref('int_privacy_erasures_resolved') }}
),

profiled_customers as (
    select consents.customer_id
    from consents
    left join erasures
        on consents.customer_id = erasures.customer_id
    where
        consents.purpose = 'profiling'
        and consents.is_granted
        and erasures.customer_id is null
),

reference_dated as (
    {# The build's reference date: the last order date in the data, not the clock, so a
       rebuild of the same data gives the same recency. #}
    select max(cast(ordered_at as date)) as reference_date
    from orders
),

coupon_orders as (
    select distinct redeemed_platform_order_id as order_key
    from coupons
    where is_redeemed and redeemed_platform_order_id is not null
    union all
    select distinct redeemed_receipt_id as order_key
    from coupons
    where is_redeemed and redeemed_receipt_id is not null
),

coupon_orders_deduplicated as (
    select distinct order_key
    from coupon_orders
),

customer_orders as (
    select
        orders.customer_id,
        orders.order_id,
        orders.gross_amount,
        orders.discount_amount,
        orders.net_amount,
        orders.is_paid and not orders.is_return as is_purchase,
        orders.is_return or (orders.is_paid and orders.has_refund) as is_return_event,
        coupon_orders_deduplicated.order_key is not null as has_coupon,
        (
            extract(hour from orders.ordered_at) >= {{ late_start }}
            or extract(hour from orders.ordered_at) < {{ late_end }}
        ) as is_late_night,
        {{ promo_window_predicate }} as is_in_promo_window,
        cast(orders.ordered_at as date) as ordered_date
    from orders
    inner join profiled_customers
        on orders.customer_id = profiled_customers.customer_id
    left join coupon_orders_deduplicated
        on
            coalesce(orders.platform_order_id, orders.pos_receipt_id)
            = coupon_orders_deduplicated.order_key
),

orders_aggregated as (
    select
        customer_id,
        sum(case when is_purchase then 1 else 0 end) as purchase_count,
        sum(case when is_return_event then 1 else 0 end) as return_event_count,
        sum(case when is_purchase and has_coupon then 1 else 0 end) as coupon_purchase_count,
        sum(case when is_purchase and is_late_night then 1 else 0 end)
            as late_night_purchase_count,
        sum(case when is_purchase and is_in_promo_window then 1 else 0 end)
            as promo_window_purchase_count,
        sum(case when is_purchase and discount_amount <= 0 then 1 else 0 end)
            as full_price_purchase_count,
        sum(net_amount) as net_spend,
        sum(case when is_purchase then gross_amount else 0 end) as purchase_gross_amount,
        sum(case when is_purchase then discount_amount else 0 end) as purchase_discount_amount,
        avg(case when is_purchase then cast(gross_amount as double) end) as basket_mean,
        stddev_pop(case when is_purchase then cast(gross_amount as double) end) as basket_stddev,
        min(case when is_purchase then ordered_date end) as first_purchase_date,
        max(case when is_purchase then ordered_date end) as last_purchase_date
    from customer_orders
    group by 1
),

behaviours_computed as (
    select
        profiled_customers.customer_id,
        coalesce(orders_aggregated.purchase_count, 0) as purchase_count,
        coalesce(orders_aggregated.return_event_count, 0) as return_event_count,
        coalesce(orders_aggregated.net_spend, 0) as net_spend,
        coalesce(orders_aggregated.purchase_gross_amount, 0) as purchase_gross_amount,
        coalesce(orders_aggregated.purchase_discount_amount, 0) as purchase_discount_amount,
        cast(orders_aggregated.purchase_discount_amount as double)
        / nullif(cast(orders_aggregated.purchase_gross_amount as double), 0)
            as discount_share,
        cast(orders_aggregated.full_price_purchase_count as double)
        / nullif(orders_aggregated.purchase_count, 0) as full_price_share,
        cast(orders_aggregated.coupon_purchase_count as double)
        / nullif(orders_aggregated.purchase_count, 0) as coupon_share,
        cast(orders_aggregated.promo_window_purchase_count as double)
        / nullif(orders_aggregated.purchase_count, 0) as promo_window_share,
        cast(orders_aggregated.late_night_purchase_count as double)
        / nullif(orders_aggregated.purchase_count, 0) as late_night_share,
        cast(orders_aggregated.return_event_count as double)
        / nullif(orders_aggregated.purchase_count, 0) as return_rate,
        orders_aggregated.basket_mean,
        {# Variation needs two baskets; one purchase has none to speak of. #}
        case
            when orders_aggregated.purchase_count >= 2
                then orders_aggregated.basket_stddev / nullif(orders_aggregated.basket_mean, 0)
        end as basket_cv,
        orders_aggregated.first_purchase_date,
        orders_aggregated.last_purchase_date,
        reference_dated.reference_date
    from profiled_customers
    cross join reference_dated
    left join orders_aggregated
        on profiled_customers.customer_id = orders_aggregated.customer_id
),

final as (
    select
        -- ids
        customer_id,

        -- numerics
        cast(purchase_count as bigint) as purchase_count,
        cast(return_event_count as bigint) as return_event_count,
        cast(net_spend as decimal(18, 2)) as net_spend,
        cast(purchase_gross_amount as decimal(18, 2)) as purchase_gross_amount,
        cast(purchase_discount_amount as decimal(18, 2)) as purchase_discount_amount,
        discount_share,
        full_price_share,
        coupon_share,
        promo_window_share,
        late_night_share,
        return_rate,
        basket_mean,
        basket_cv,
        case
            when last_purchase_date is not null
                then {{ dbt.datediff('last_purchase_date', 'reference_date', 'day') }}
        end as recency_days,

        -- dates
        first_purchase_date,
        last_purchase_date,
        reference_date
    from behaviours_computed
)

select * from final
