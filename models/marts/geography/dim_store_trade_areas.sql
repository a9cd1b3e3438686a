with

stores as {{ not_materialized() }} (
    select * from {{ ref('stg_pos__stores') }}
),

orders as {{ not_materialized() }} (
    select * from {{ ref('fct_orders') }}
),

customer_areas as (
    select * from {{ ref('int_customer_areas_located') }}
),

erasures as (
    select * from {{ ref('int_privacy_erasures_resolved') }}
),

store_customers as (
    select
        orders.store_id,
        orders.customer_id,
        sum(orders.net_amount) as net_amount
    from orders
    left join erasures
        on orders.customer_id = erasures.customer_id
    where
        orders.channel = 'offline'
        and not orders.is_return
        and orders.customer_id is not null
        and erasures.customer_id is null
    group by 1, 2
),

online_buyers as (
    select distinct customer_id
    from orders
    where channel = 'online' and is_paid and customer_id is not null
),

customers_located as (
    select
        store_customers.store_id,
        store_customers.customer_id,
        online_buyers.customer_id is not null as is_online_buyer,
        case
            when customer_areas.home_latitude is not null
                then {{ haversine_km(
                    'customer_areas.home_latitude', 'customer_areas.home_longitude',
                    'stores.latitude', 'stores.longitude'
                ) }}
        end as home_distance_km
    from store_customers
    inner join stores
        on store_customers.store_id = stores.store_id
    left join customer_areas
        on store_customers.customer_id = customer_areas.customer_id
    left join online_buyers
        on store_customers.customer_id = online_buyers.customer_id
),

distances_ranked as (
    select
        store_id,
        home_distance_km,
        row_number() over (
            partition by store_id
            order by home_distance_km asc, customer_id asc
        ) as distance_rank,
        count(*) over (partition by store_id) as located_count
    from customers_located
    where home_distance_km is not null
),

radii as (
    {# Nearest rank: the smallest distance within which at least the share of the located
       customers live (no interpolation, the same on every engine). #}
    select
        store_id,
        min(
            case when distance_rank >= ceil(0.5 * located_count) then home_distance_km end
        ) as radius_50_km,
        min(
            case when distance_rank >= ceil(0.8 * located_count) then home_distance_km end
        ) as radius_80_km
    from distances_ranked
    group by 1
),

stores_summarised as (
    select
        store_id,
        count(*) as customer_count,
        sum(case when home_distance_km is not null then 1 else 0 end) as located_customer_count,
        sum(case when is_online_buyer then 1 else 0 end) as online_buyer_count
    from customers_located
    group by 1
),

store_revenues as (
    select
        store_id,
        sum(net_amount) as customers_net_amount
    from store_customers
    group by 1
),

joined as (
    select
        stores.*,
        coalesce(stores_summarised.customer_count, 0) as customer_count,
        coalesce(stores_summarised.located_customer_count, 0) as located_customer_count,
        stores_summarised.online_buyer_count,
        store_revenues.customers_net_amount,
        radii.radius_50_km,
        radii.radius_80_km
    from stores
    left join stores_summarised
        on stores.store_id = stores_summarised.store_id
    left join store_revenues
        on stores.store_id = store_revenues.store_id
    left join radii
        on stores.store_id = radii.store_id
),

final as (
    select
        -- ids
        store_id,

        -- strings
        store_name,
        store_format,
        province,
        city,
        district,
        street,

        -- numerics
        cast(floor_area_sqm as decimal(18, 2)) as floor_area_sqm,
        cast({{ suppress_small_cell('customer_count', 'customer_count') }} as bigint)
            as customer_count,
        cast(
            {{ suppress_small_cell('located_customer_count', 'located_customer_count') }}
            as bigint
        ) as located_customer_count,
        cast(
            {{ suppress_small_cell('customers_net_amount', 'customer_count') }}
            as decimal(18, 2)
        ) as customers_net_amount,
        cast(
            {{ suppress_small_cell(
                'cast(online_buyer_count as double) / nullif(customer_count, 0)',
                'customer_count'
            ) }} as double
        ) as online_buyer_share,
        {# The radii need enough located customers of their own. #}
        cast(
            {{ suppress_small_cell(round_half_up('radius_50_km', 3), 'located_customer_count') }}
            as double
        ) as radius_50_km,
        cast(
            {{ suppress_small_cell(round_half_up('radius_80_km', 3), 'located_customer_count') }}
            as double
        ) as radius_80_km,

        -- booleans
        is_open,
        {{ is_small_cell('customer_count') }} as is_suppressed,
        {{ is_small_cell('located_customer_count') }} as is_radius_suppressed,

        -- dates
        opened_date,
        closed_date
    from joined
)

select * from final
