{# At the province, city and district levels every located customer (a row of
   int_customer_areas_located) sits in exactly one area, so per level and channel the areas'
   customers and net amounts add up to those customers' net amounts in fct_orders. The street
   level is left out: only customers with a consented home street have one. Also, every
   figure fct_area_channel_preference publishes equals the unsuppressed one. Returns one row
   per level and check that disagrees. #}
with

area_spends as {{ not_materialized() }} (
    select * from {{ ref('int_area_spends_aggregated') }}
),

preferences as (
    select * from {{ ref('fct_area_channel_preference') }}
),

customer_areas as {{ not_materialized() }} (
    select * from {{ ref('int_customer_areas_located') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

located_count as (
    select count(*) as customer_count from customer_areas
),

located_spend as (
    select
        sum(case when orders.channel = 'online' then orders.net_amount else 0 end)
            as online_net_amount,
        sum(case when orders.channel = 'offline' then orders.net_amount else 0 end)
            as offline_net_amount
    from orders
    inner join customer_areas
        on orders.customer_id = customer_areas.customer_id
),

expected as (
    select
        located_count.customer_count,
        located_spend.online_net_amount,
        located_spend.offline_net_amount
    from located_count
    cross join located_spend
),

level_totals as (
    select
        area_level,
        sum(customer_count) as customer_count,
        sum(online_net_amount) as online_net_amount,
        sum(offline_net_amount) as offline_net_amount
    from area_spends
    where area_level in ('province', 'city', 'district')
    group by 1
),

levels_compared as (
    select
        level_totals.area_level,
        'level totals equal located customers in fct_orders' as failed_check
    from level_totals
    cross join expected
    where
        level_totals.customer_count != expected.customer_count
        or abs(level_totals.online_net_amount - expected.online_net_amount) >= 0.01
        or abs(level_totals.offline_net_amount - expected.offline_net_amount) >= 0.01
),

levels_missing as (
    select
        'every level present' as area_level,
        'level totals equal located customers in fct_orders' as failed_check
    from level_totals
    having count(*) != 3
),

published_compared as (
    select
        preferences.area_level,
        'published figures equal the unsuppressed ones' as failed_check
    from preferences
    inner join area_spends
        on preferences.area_id = area_spends.area_id
    where
        not preferences.is_suppressed
        and (
            preferences.customer_count != area_spends.customer_count
            or preferences.online_net_amount != area_spends.online_net_amount
            or preferences.offline_net_amount != area_spends.offline_net_amount
        )
),

failures as (
    select * from levels_compared
    union all
    select * from levels_missing
    union all
    select * from published_compared
)

select * from failures
