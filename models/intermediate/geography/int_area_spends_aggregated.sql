{#
    Per area level and area, before any suppression: the customers who live there (by
    int_customer_areas_located) and what they spent online and offline (fct_orders net
    amounts). The marts publish these figures only for areas with enough customers; the
    reconciliation test reads this model because a suppressed figure cannot be summed.
#}
with

customer_areas as (
    select * from {{ ref('int_customer_areas_located') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

order_lines as (
    select * from {{ ref('fct_order_lines') }}
),

customer_spends as (
    select
        customer_id,
        sum(case when channel = 'online' then net_amount else 0 end) as online_net_amount,
        sum(case when channel = 'offline' then net_amount else 0 end) as offline_net_amount,
        sum(
            case when is_paid and not is_return and channel = 'online' then 1 else 0 end
        ) as online_purchase_count,
        sum(
            case when is_paid and not is_return and channel = 'offline' then 1 else 0 end
        ) as offline_purchase_count,
        sum(
            case when is_paid and not is_return then gross_amount else 0 end
        ) as sales_gross_amount,
        sum(
            case when is_paid and not is_return then discount_amount else 0 end
        ) as sales_discount_amount
    from orders
    where customer_id is not null
    group by 1
),

customer_lines as (
    {# Purchases only: a return line carries the sale's price ratio and would count twice. #}
    select
        customer_id,
        sum(paid_amount) as sales_line_paid_amount,
        sum(case when is_full_price then paid_amount else 0 end) as full_price_paid_amount
    from order_lines
    where customer_id is not null and is_paid and not is_return
    group by 1
),

customers_classified as (
    select
        customer_areas.customer_id,
        customer_areas.home_province,
        customer_areas.home_city,
        customer_areas.home_district,
        customer_areas.home_street,
        coalesce(customer_spends.online_net_amount, 0) as online_net_amount,
        coalesce(customer_spends.offline_net_amount, 0) as offline_net_amount,
        coalesce(customer_spends.sales_gross_amount, 0) as sales_gross_amount,
        coalesce(customer_spends.sales_discount_amount, 0) as sales_discount_amount,
        coalesce(customer_lines.sales_line_paid_amount, 0) as sales_line_paid_amount,
        coalesce(customer_lines.full_price_paid_amount, 0) as full_price_paid_amount,
        case
            when
                customer_spends.online_purchase_count > 0
                and customer_spends.offline_purchase_count > 0
                then 'omnichannel'
            when customer_spends.online_purchase_count > 0 then 'online'
            when customer_spends.offline_purchase_count > 0 then 'offline'
            else 'none'
        end as channels_used
    from customer_areas
    left join customer_spends
        on customer_areas.customer_id = customer_spends.customer_id
    left join customer_lines
        on customer_areas.customer_id = customer_lines.customer_id
),

levels as (
    select
        'province' as area_level,
        1 as level_depth
    union all
    select
        'city' as area_level,
        2 as level_depth
    union all
    select
        'district' as area_level,
        3 as level_depth
    union all
    select
        'street' as area_level,
        4 as level_depth
),

customers_by_level as (
    select
        levels.area_level,
        customers_classified.customer_id,
        customers_classified.home_province as province,
        case when levels.level_depth >= 2 then customers_classified.home_city end as city,
        case
            when levels.level_depth >= 3 then customers_classified.home_district
        end as district,
        case when levels.level_depth >= 4 then customers_classified.home_street end as street,
        customers_classified.channels_used,
        customers_classified.online_net_amount,
        customers_classified.offline_net_amount,
        customers_classified.sales_gross_amount,
        customers_classified.sales_discount_amount,
        customers_classified.sales_line_paid_amount,
        customers_classified.full_price_paid_amount
    from customers_classified
    cross join levels
    {# Street is the one level a customer may lack: only consented shares give it. #}
    where levels.level_depth < 4 or customers_classified.home_street is not null
),

areas_aggregated as (
    select
        area_level,
        province,
        city,
        district,
        street,
        count(*) as customer_count,
        sum(case when channels_used = 'online' then 1 else 0 end) as online_only_customer_count,
        sum(
            case when channels_used = 'offline' then 1 else 0 end
        ) as offline_only_customer_count,
        sum(
            case when channels_used = 'omnichannel' then 1 else 0 end
        ) as omnichannel_customer_count,
        sum(online_net_amount) as online_net_amount,
        sum(offline_net_amount) as offline_net_amount,
        sum(sales_gross_amount) as sales_gross_amount,
        sum(sales_discount_amount) as sales_discount_amount,
        sum(sales_line_paid_amount) as sales_line_paid_amount,
        sum(full_price_paid_amount) as full_price_paid_amount
    from customers_by_level
    group by 1, 2, 3, 4, 5
),

final as (
    select
        -- ids
        {{ geo_area_id('area_level', 'province', 'city', 'district', 'street') }} as area_id,

        -- strings
        area_level,
        province,
        city,
        district,
        street,

        -- numerics
        cast(customer_count as bigint) as customer_count,
        cast(online_only_customer_count as bigint) as online_only_customer_count,
        cast(offline_only_customer_count as bigint) as offline_only_customer_count,
        cast(omnichannel_customer_count as bigint) as omnichannel_customer_count,
        cast(online_net_amount as decimal(18, 2)) as online_net_amount,
        cast(offline_net_amount as decimal(18, 2)) as offline_net_amount,
        cast(sales_gross_amount as decimal(18, 2)) as sales_gross_amount,
        cast(sales_discount_amount as decimal(18, 2)) as sales_discount_amount,
        cast(sales_line_paid_amount as decimal(18, 2)) as sales_line_paid_amount,
        cast(full_price_paid_amount as decimal(18, 2)) as full_price_paid_amount
    from areas_aggregated
)

select * from final
